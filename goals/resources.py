"""Per-table import and export of goals, indicators and activities, keyed by goal numbers."""
import re

from django.core.exceptions import ValidationError
from import_export.fields import Field
from import_export.widgets import IntegerWidget

from budgetplan.cases.models import Board
from budgetplan.cases.resources import CaseWidget, first_registry_number
from budgetplan.kernel.widgets import (
    AmountWidget,
    ChoiceLabelWidget,
    IsoDateWidget,
    NaturalKeyWidget,
    RecordResource,
    blank,
    whole_number,
)

from .models import (
    Activity,
    BoardGoal,
    CouncilGoal,
    Indicator,
    Periodicity,
    StrategicGoal,
    TargetKind,
    Unit,
)

YEAR, GOAL, CASE, BOARD_GOAL = "År", "KF:s mål", "Dnr", "Nämndmål"

GOAL_CODE = re.compile(r"^\s*(\d{1,3})\.(\d{1,3})\s*$")


def goal_code(value) -> tuple[int, int]:
    """'1.1' -> (1, 1). A number cell is refused: "1.10" typed into it is stored as 1.1, another
    goal's number, and nothing tells which was meant (as the case's workbook refuses it)."""
    if isinstance(value, float):
        raise ValueError(
            f"Målnumret {value!r} är sparat som ett tal och kan vara {value!r} eller {value!r}0; "
            "skriv det som text (formatera cellen som Text eller börja med en apostrof)."
        )
    match = GOAL_CODE.match(str(value))
    if not match:
        raise ValueError(f"Skriv målets nummer som 1.1 (”{value}” är inget målnummer).")
    return int(match.group(1)), int(match.group(2))


def _year(row) -> int:
    if blank(row.get(YEAR)):
        raise ValueError("Ange året i kolumnen År.")
    return whole_number(row.get(YEAR), "År")


class CouncilGoalWidget(NaturalKeyWidget):
    """A council goal by its number "1.1" and the row's year (column År).

    In a sheet of indicators or activities a row with a board goal belongs to that board goal,
    not to the council goal: for such rows the widget gives no council goal.
    """

    def __init__(self, *, none_for_board_rows: bool = False, **kwargs):
        self.none_for_board_rows = none_for_board_rows
        super().__init__(CouncilGoal, "code", label=GOAL, **kwargs)

    def clean(self, value, row=None, **kwargs):
        row = row or {}
        if blank(value) or (self.none_for_board_rows and not blank(row.get(BOARD_GOAL))):
            return None
        strategic, number = goal_code(value)
        year = _year(row)
        goal = (
            CouncilGoal.objects.select_related("strategic_goal")
            .filter(strategic_goal__year=year, strategic_goal__number=strategic, number=number)
            .first()
        )
        if goal is None:
            raise ValueError(f"KF:s mål {strategic}.{number} finns inte för {year}.")
        return goal

    def render(self, value, obj=None, **kwargs):
        return value.code if value is not None else ""


class BoardGoalWidget(NaturalKeyWidget):
    """A board goal by its case (Dnr), its council goal's number and year, and its order."""

    def __init__(self, **kwargs):
        super().__init__(BoardGoal, "order", label=BOARD_GOAL, **kwargs)

    def clean(self, value, row=None, **kwargs):
        row = row or {}
        if blank(value):
            return None
        order = whole_number(value, BOARD_GOAL)
        strategic, number = goal_code(row.get(GOAL))
        registry_number = str(row.get(CASE) or "").strip()
        goal = BoardGoal.objects.filter(
            case__registry_numbers__number=registry_number,
            council_goal__strategic_goal__year=_year(row),
            council_goal__strategic_goal__number=strategic, council_goal__number=number,
            order=order,
        ).first()
        if goal is None:
            raise ValueError(
                f"Nämndmål {order} under KF:s mål {strategic}.{number} finns inte i ärendet "
                f"{registry_number or '(Dnr saknas)'}."
            )
        return goal

    def render(self, value, obj=None, **kwargs):
        return value.order if value is not None else ""


def _goal_of(record):
    return record.council_goal if record.council_goal_id else record.board_goal.council_goal


class CouncilGoalResource(RecordResource):
    """KF:s mål för verksamhetsområdet: År + Nr ("1.1") name the goal."""

    year = Field(attribute="strategic_goal__year", column_name=YEAR, readonly=True)
    code = Field(attribute="code", column_name="Nr", readonly=True)
    title = Field(attribute="title", column_name="Mål")
    description = Field(attribute="description", column_name="Beskrivning")

    class Meta:
        model = CouncilGoal
        fields = ("year", "code", "title", "description", "version")
        import_id_fields = ("year", "code")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_instance(self, instance_loader, row):
        try:
            strategic, number = goal_code(row.get("Nr"))
            year = _year(row)
        except ValueError:
            return None  # import_instance reports it on the row
        return CouncilGoal.objects.filter(
            strategic_goal__year=year, strategic_goal__number=strategic, number=number,
        ).select_related("strategic_goal").first()

    def import_instance(self, instance, row, **kwargs):
        """Nr "1.1" and År give the goal its strategic goal and its number."""
        errors = {}
        try:
            strategic, number = goal_code(row.get("Nr"))
            year = _year(row)
        except ValueError as error:
            errors["number"] = [str(error)]
        else:
            parent = StrategicGoal.objects.filter(year=year, number=strategic).first()
            if parent is None:
                errors["number"] = [f"Inriktningsmål {strategic} finns inte för {year}."]
            else:
                instance.strategic_goal, instance.number = parent, number
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("strategic_goal")
        return super().export(queryset, **kwargs)


class BoardGoalResource(RecordResource):
    """Nämndmål: Dnr + KF:s mål ("1.1", År) + Ordning name the goal."""

    case = Field(attribute="case", column_name=CASE, widget=CaseWidget())
    year = Field(attribute="council_goal__strategic_goal__year", column_name=YEAR, readonly=True)
    council_goal = Field(attribute="council_goal", column_name=GOAL, widget=CouncilGoalWidget())
    order = Field(attribute="order", column_name="Ordning", widget=IntegerWidget())
    title = Field(attribute="title", column_name="Nämndmål")
    description = Field(attribute="description", column_name="Beskrivning")

    class Meta:
        model = BoardGoal
        fields = ("case", "year", "council_goal", "order", "title", "description", "version")
        import_id_fields = ("case", "council_goal", "order")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("council_goal__strategic_goal", "case").prefetch_related(
                "case__registry_numbers")
        return super().export(queryset, **kwargs)


def _target_fields(label: str):
    return (
        Field(attribute="council_target_kind", column_name=f"{label}, typ",
              widget=ChoiceLabelWidget(TargetKind.choices)),
        Field(attribute="council_target_value", column_name=f"{label}, tal", widget=AmountWidget()),
        Field(attribute="council_target_decimals", column_name=f"{label}, decimaler",
              widget=IntegerWidget(), default=0),
        Field(attribute="council_target_unit", column_name=f"{label}, enhet",
              widget=ChoiceLabelWidget(Unit.choices)),
    )


class GoalRowResource(RecordResource):
    """Indicators and activities: KF:s mål + År, and for a board's own row Dnr + Nämndmål."""

    related = ("council_goal__strategic_goal", "board_goal__council_goal__strategic_goal", "board_goal__case")

    def dehydrate_year(self, record):
        return _goal_of(record).strategic_goal.year

    def dehydrate_council_goal(self, record):
        return _goal_of(record).code

    def dehydrate_case(self, record):
        return first_registry_number(record.board_goal.case) if record.board_goal_id else ""

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related(*self.related).prefetch_related("board_goal__case__registry_numbers")
        return super().export(queryset, **kwargs)


class IndicatorResource(GoalRowResource):
    year = Field(column_name=YEAR, readonly=True)
    council_goal = Field(attribute="council_goal", column_name=GOAL,
                         widget=CouncilGoalWidget(none_for_board_rows=True))
    case = Field(column_name=CASE, readonly=True)
    board_goal = Field(attribute="board_goal", column_name=BOARD_GOAL, widget=BoardGoalWidget())
    order = Field(attribute="order", column_name="Ordning", widget=IntegerWidget())
    name = Field(attribute="name", column_name="Indikator")
    (council_target_kind, council_target_value, council_target_decimals,
     council_target_unit) = _target_fields("KF:s årsmål")
    periodicity = Field(attribute="periodicity", column_name="Periodicitet",
                        widget=ChoiceLabelWidget(Periodicity.choices))

    class Meta:
        model = Indicator
        fields = ("year", "council_goal", "case", "board_goal", "order", "name", "council_target_kind",
                  "council_target_value", "council_target_decimals", "council_target_unit", "periodicity",
                  "version")
        import_id_fields = ("council_goal", "board_goal", "order")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class ActivityResource(GoalRowResource):
    year = Field(column_name=YEAR, readonly=True)
    council_goal = Field(attribute="council_goal", column_name=GOAL,
                         widget=CouncilGoalWidget(none_for_board_rows=True))
    assigned_board = Field(attribute="assigned_board", column_name="Ansvarig nämnd",
                           widget=NaturalKeyWidget(Board, "name", label="Nämnden"))
    case = Field(column_name=CASE, readonly=True)
    board_goal = Field(attribute="board_goal", column_name=BOARD_GOAL, widget=BoardGoalWidget())
    order = Field(attribute="order", column_name="Ordning", widget=IntegerWidget())
    text = Field(attribute="text", column_name="Aktivitet")
    start_date = Field(attribute="start_date", column_name="Startdatum", widget=IsoDateWidget())
    end_date = Field(attribute="end_date", column_name="Slutdatum", widget=IsoDateWidget())

    related = GoalRowResource.related + ("assigned_board",)

    class Meta:
        model = Activity
        fields = ("year", "council_goal", "assigned_board", "case", "board_goal", "order", "text",
                  "start_date", "end_date", "version")
        import_id_fields = ("council_goal", "assigned_board", "board_goal", "order")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

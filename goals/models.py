"""The goal hierarchy: the council's goals, indicators and activities, and each board's own.

The council (KF) sets strategic goals, council goals, their indicators with council targets and
council activities once a year for the whole city; those rows are shared by every board's plan.
A plan (a case) takes the council goals that concern it (PlanCouncilGoal), gives its own board
annual target for each council indicator it follows (PlanIndicator), and adds board goals,
board indicators and board activities of its own.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from budgetplan.kernel.formatting import format_decimal
from budgetplan.kernel.history import RecordHistory, version_field


class TargetKind(models.TextChoices):
    NUMBER = "number", "Tal"
    PLUS_MINUS = "plus_minus", "Tal med +/-"
    INCREASE = "increase", "öka"
    DECREASE = "decrease", "minska"
    SET_DURING_YEAR = "set_during_year", "fastställs under året"
    SET_BY_BOARD = "set_by_board", "tas fram av nämnden"


NUMERIC_KINDS = (TargetKind.NUMBER, TargetKind.PLUS_MINUS)


class Unit(models.TextChoices):
    NONE = "", "(ingen)"
    PERCENT = "%", "%"
    PIECES = "st", "st"
    KWH = "kWh", "kWh"
    MSEK = "mnkr", "mnkr"


class Direction(models.TextChoices):
    """Which way an indicator's outcome is better, for its follow-up status (followup.status)."""

    HIGHER = "higher", "Högre är bättre"
    LOWER = "lower", "Lägre är bättre"


class Periodicity(models.TextChoices):
    YEAR = "year", "År"
    HALF_YEAR = "half_year", "Halvår"
    TERTIAL = "tertial", "Tertial"
    QUARTER = "quarter", "Kvartal"
    MONTH = "month", "Månad"


@dataclass(frozen=True)
class Target:
    """An annual target: a number with a unit, or one of the qualitative kinds."""

    kind: str
    value: Decimal | None = None
    decimals: int = 0
    unit: str = ""

    def display(self, year: int) -> str:
        if not self.kind:
            return ""
        if self.kind in NUMERIC_KINDS:
            text = format_decimal(self.value, self.decimals)
            if self.unit:
                text = f"{text}\u00a0{self.unit}"
            if self.kind == TargetKind.PLUS_MINUS:
                text = f"+/-\u00a0{text}"
            return text
        if self.kind == TargetKind.SET_DURING_YEAR:
            return f"fastställs {year}"
        return TargetKind(self.kind).label


def target_constraints(model: str, prefix: str, label: str) -> list[models.CheckConstraint]:
    """A numeric target needs a value; a qualitative or empty one has neither value nor unit."""
    kind, value, unit = f"{prefix}_kind", f"{prefix}_value", f"{prefix}_unit"
    numeric = Q(**{f"{kind}__in": NUMERIC_KINDS})
    return [
        models.CheckConstraint(
            condition=~numeric | Q(**{f"{value}__isnull": False}),
            name=f"{model}_{prefix}_number_has_value",
            violation_error_message=f"{label}: ett tal måste anges.",
        ),
        models.CheckConstraint(
            condition=numeric | (Q(**{f"{value}__isnull": True}) & Q(**{unit: ""})),
            name=f"{model}_{prefix}_words_have_no_value",
            violation_error_message=f"{label}: ett värde i ord har varken tal eller enhet.",
        ),
    ]


def target_fields(label: str):
    """The four fields of a target, named by the caller."""
    return (
        models.CharField(f"{label}, typ", max_length=20, choices=TargetKind.choices, blank=True),
        models.DecimalField(f"{label}, tal", max_digits=12, decimal_places=2, null=True, blank=True),
        models.PositiveSmallIntegerField(f"{label}, decimaler", default=0),
        models.CharField(f"{label}, enhet", max_length=10, choices=Unit.choices, blank=True),
    )


class StrategicGoal(models.Model):
    """KF:s inriktningsmål, set by the council for one year."""

    year = models.PositiveSmallIntegerField("år")
    number = models.PositiveSmallIntegerField("nummer")
    title = models.CharField("mål", max_length=500)
    description = models.TextField("beskrivning", blank=True)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "KF:s inriktningsmål"
        verbose_name_plural = "KF:s inriktningsmål"
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"], name="strategic_goal_number_unique",
                violation_error_message="Det finns redan ett inriktningsmål med detta nummer detta år.",
            ),
        ]

    def __str__(self):
        return f"{self.year} – {self.number}. {self.title}"


class CouncilGoal(models.Model):
    """KF:s mål för verksamhetsområdet, numbered 1.1, 1.2 … under a strategic goal."""

    strategic_goal = models.ForeignKey(
        StrategicGoal, verbose_name="inriktningsmål", on_delete=models.PROTECT,
        related_name="council_goals",
    )
    number = models.PositiveSmallIntegerField("nummer inom inriktningsmålet")
    title = models.CharField("mål", max_length=500)
    description = models.TextField("beskrivning", blank=True)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "KF:s mål för verksamhetsområdet"
        verbose_name_plural = "KF:s mål för verksamhetsområdet"
        ordering = ["strategic_goal__year", "strategic_goal__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategic_goal", "number"], name="council_goal_number_unique",
                violation_error_message="Målnumret finns redan under detta inriktningsmål.",
            ),
        ]

    def __str__(self):
        return f"{self.strategic_goal.year} – {self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"{self.strategic_goal.number}.{self.number}"


class PlanStrategicGoal(models.Model):
    """A strategic goal as it appears in one plan, with the office's introduction to it."""

    case = models.ForeignKey(
        "budgetplan.Case", verbose_name="ärende", on_delete=models.CASCADE,
        related_name="plan_strategic_goals",
    )
    strategic_goal = models.ForeignKey(
        StrategicGoal, verbose_name="inriktningsmål", on_delete=models.PROTECT, related_name="+",
    )
    description = models.TextField("nämndens text", blank=True)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "inriktningsmål i planen"
        verbose_name_plural = "inriktningsmål i planen"
        ordering = ["strategic_goal__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "strategic_goal"], name="plan_strategic_goal_unique",
                violation_error_message="Inriktningsmålet finns redan i planen.",
            ),
        ]

    def __str__(self):
        return str(self.strategic_goal)


class PlanCouncilGoal(models.Model):
    """A council goal taken into one plan, with the office's text under it."""

    case = models.ForeignKey(
        "budgetplan.Case", verbose_name="ärende", on_delete=models.CASCADE,
        related_name="plan_council_goals",
    )
    council_goal = models.ForeignKey(
        CouncilGoal, verbose_name="KF:s mål", on_delete=models.PROTECT, related_name="plans",
    )
    description = models.TextField("nämndens text", blank=True)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "KF:s mål i planen"
        verbose_name_plural = "KF:s mål i planen"
        ordering = ["council_goal__strategic_goal__number", "council_goal__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "council_goal"], name="plan_council_goal_unique",
                violation_error_message="Målet finns redan i planen.",
            ),
        ]

    def __str__(self):
        return str(self.council_goal)


class BoardGoal(models.Model):
    """Nämndmål: the board's own goal under a council goal, in one plan."""

    case = models.ForeignKey(
        "budgetplan.Case", verbose_name="ärende", on_delete=models.CASCADE,
        related_name="board_goals",
    )
    council_goal = models.ForeignKey(
        CouncilGoal, verbose_name="KF:s mål", on_delete=models.PROTECT, related_name="board_goals",
    )
    order = models.PositiveSmallIntegerField("ordning")
    title = models.CharField("nämndmål", max_length=500)
    description = models.TextField("beskrivning", blank=True)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "nämndmål"
        verbose_name_plural = "nämndmål"
        ordering = ["council_goal__strategic_goal__number", "council_goal__number", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "council_goal", "order"], name="board_goal_order_unique",
                violation_error_message="Ordningsnumret finns redan bland nämndmålen under detta mål.",
            ),
        ]

    def __str__(self):
        return self.title


class Indicator(models.Model):
    """A measure under a council goal (KF:s indikator) or a board goal (nämndens indikator)."""

    council_goal = models.ForeignKey(
        CouncilGoal, verbose_name="KF:s mål", on_delete=models.PROTECT, null=True, blank=True,
        related_name="indicators",
    )
    board_goal = models.ForeignKey(
        BoardGoal, verbose_name="nämndmål", on_delete=models.CASCADE, null=True, blank=True,
        related_name="indicators",
    )
    order = models.PositiveSmallIntegerField("ordning")
    name = models.CharField("indikator", max_length=500)
    (council_target_kind, council_target_value, council_target_decimals,
     council_target_unit) = target_fields("KF:s årsmål")
    periodicity = models.CharField(
        "periodicitet", max_length=20, choices=Periodicity.choices, default=Periodicity.YEAR,
    )
    # For the follow-up: which way is better, and how far short of the target still counts as
    # "delvis uppfyllt" (in the target's unit), see followup.status.indicator_status.
    direction = models.CharField(
        "riktning", max_length=10, choices=Direction.choices, default=Direction.HIGHER,
    )
    tolerance = models.DecimalField(
        "tolerans för delvis uppfyllt", max_digits=12, decimal_places=2, default=Decimal("0"),
        help_text="Hur långt från målet ett utfall får ligga och ändå räknas som delvis "
        "uppfyllt, i målets enhet (t.ex. 2 för 2 procentenheter).",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "indikator"
        verbose_name_plural = "indikatorer"
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(council_goal__isnull=False, board_goal__isnull=True)
                | Q(council_goal__isnull=True, board_goal__isnull=False),
                name="indicator_has_one_goal",
                violation_error_message="En indikator hör till antingen ett KF-mål eller ett nämndmål.",
            ),
            models.CheckConstraint(
                condition=Q(board_goal__isnull=True) | Q(council_target_kind=""),
                name="indicator_board_has_no_council_target",
                violation_error_message="Nämndens egna indikatorer har inget KF-årsmål.",
            ),
            # The goal and Ordning name an indicator in the workbook; a second one with the same
            # would make every exported workbook refuse to be read back. (A NULL goal is never
            # equal to another, so each constraint holds only for its own kind of indicator.)
            models.UniqueConstraint(
                fields=["council_goal", "order"], name="indicator_council_order_unique",
                violation_error_message="Ordningsnumret finns redan bland indikatorerna under detta KF-mål.",
            ),
            models.UniqueConstraint(
                fields=["board_goal", "order"], name="indicator_board_order_unique",
                violation_error_message="Ordningsnumret finns redan bland indikatorerna under detta nämndmål.",
            ),
            *target_constraints("indicator", "council_target", "KF:s årsmål"),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0), name="indicator_tolerance_not_negative",
                violation_error_message="Toleransen kan inte vara negativ.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def council_target(self) -> Target:
        return Target(
            self.council_target_kind, self.council_target_value,
            self.council_target_decimals, self.council_target_unit,
        )


class PlanIndicator(models.Model):
    """An indicator followed in one plan, with the board's annual target (årsmål)."""

    case = models.ForeignKey(
        "budgetplan.Case", verbose_name="ärende", on_delete=models.CASCADE,
        related_name="plan_indicators",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="indikator", on_delete=models.CASCADE, related_name="plans",
    )
    (board_target_kind, board_target_value, board_target_decimals,
     board_target_unit) = target_fields("Årsmål")
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "indikator i planen"
        verbose_name_plural = "indikatorer i planen"
        ordering = ["indicator__order", "indicator__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "indicator"], name="plan_indicator_unique",
                violation_error_message="Indikatorn finns redan i planen.",
            ),
            *target_constraints("plan_indicator", "board_target", "Årsmål"),
        ]

    def __str__(self):
        return str(self.indicator)

    @property
    def board_target(self) -> Target:
        return Target(
            self.board_target_kind, self.board_target_value,
            self.board_target_decimals, self.board_target_unit,
        )


class Activity(models.Model):
    """A task with start and end date, owned by the council (and assigned to a board) or a board."""

    council_goal = models.ForeignKey(
        CouncilGoal, verbose_name="KF:s mål", on_delete=models.PROTECT, null=True, blank=True,
        related_name="activities",
    )
    assigned_board = models.ForeignKey(
        "budgetplan.Board", verbose_name="ansvarig nämnd", on_delete=models.PROTECT,
        null=True, blank=True, related_name="council_activities",
        help_text="För KF:s aktiviteter: nämnden som ska utföra aktiviteten.",
    )
    board_goal = models.ForeignKey(
        BoardGoal, verbose_name="nämndmål", on_delete=models.CASCADE, null=True, blank=True,
        related_name="activities",
    )
    order = models.PositiveSmallIntegerField("ordning")
    text = models.TextField("aktivitet")
    start_date = models.DateField("startdatum")
    end_date = models.DateField("slutdatum")
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "aktivitet"
        verbose_name_plural = "aktiviteter"
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="activity_end_not_before_start",
                violation_error_message="Slutdatum kan inte ligga före startdatum.",
            ),
            models.CheckConstraint(
                condition=Q(council_goal__isnull=False, board_goal__isnull=True,
                            assigned_board__isnull=False)
                | Q(council_goal__isnull=True, board_goal__isnull=False,
                    assigned_board__isnull=True),
                name="activity_has_one_owner",
                violation_error_message="En aktivitet hör till antingen ett KF-mål (med ansvarig "
                "nämnd) eller ett nämndmål.",
            ),
            # As for indicators; a council activity is named within its assigned board's plan,
            # so two boards may each have their activity 1 under the same council goal.
            models.UniqueConstraint(
                fields=["council_goal", "assigned_board", "order"], name="activity_council_order_unique",
                violation_error_message="Ordningsnumret finns redan bland den ansvariga nämndens "
                "aktiviteter under detta KF-mål.",
            ),
            models.UniqueConstraint(
                fields=["board_goal", "order"], name="activity_board_order_unique",
                violation_error_message="Ordningsnumret finns redan bland aktiviteterna under detta nämndmål.",
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "Slutdatum kan inte ligga före startdatum."})

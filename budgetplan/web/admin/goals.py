"""Admin for the goal hierarchy: the council's shared goals, and each plan's goals and targets.

The council's goals, indicators and activities are entered once a year (StrategicGoal → CouncilGoal
with its indicators and activities). A board's plan is written from the case page, whose goal
inlines are defined here: the council goals the plan takes with the office's text, the annual
targets (Årsmål) of the indicators it follows, and its board goals, each with its own indicators
and activities.
"""
import re

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.text import Truncator

from budgetplan.cases.models import Board, Case
from budgetplan.web.admin.tables import TableImportExportMixin
from goals.models import (
    Activity,
    BoardGoal,
    CouncilGoal,
    Indicator,
    PlanCouncilGoal,
    PlanIndicator,
    PlanStrategicGoal,
    StrategicGoal,
)
from goals.resources import (
    ActivityResource,
    BoardGoalResource,
    CouncilGoalResource,
    IndicatorResource,
)

from .base import ServiceAdmin, ServiceTabularInline

INDICATOR_RELATIONS = ("council_goal__strategic_goal", "board_goal__council_goal__strategic_goal")
ACTIVITY_RELATIONS = (
    "council_goal__strategic_goal", "assigned_board", "board_goal__council_goal__strategic_goal",
    "board_goal__case__board",
)
GOAL_CODE = re.compile(r"^\s*(\d+)\.(\d+)\s*$")


def goal_order(prefix: str = "") -> list:
    """Indicators or activities in the document's order: goal code, KF:s first, their order."""
    council, board = f"{prefix}council_goal__", f"{prefix}board_goal__"
    return [
        Coalesce(
            f"{council}strategic_goal__number", f"{board}council_goal__strategic_goal__number",
        ),
        Coalesce(f"{council}number", f"{board}council_goal__number"),
        F(f"{board}order").asc(nulls_first=True),
        f"{prefix}order",
    ]


def indicator_goal_label(indicator: Indicator) -> str:
    if indicator.council_goal_id:
        return f"{indicator.council_goal.code} KF"
    return f"{indicator.board_goal.council_goal.code} nämndmål {indicator.board_goal.order}"


def indicator_year(indicator: Indicator) -> int:
    if indicator.council_goal_id:
        return indicator.council_goal.strategic_goal.year
    return indicator.board_goal.case.budget_year


class IndicatorChoiceField(forms.ModelChoiceField):
    """Names an indicator by its goal too: the same name can stand under several goals."""

    def label_from_instance(self, obj):
        return Truncator(f"{indicator_goal_label(obj)} – {obj.name}").chars(70)


class CouncilGoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return Truncator(f"{obj.code} {obj.title}").chars(70)


def _years() -> list[tuple[int, str]]:
    years = set(StrategicGoal.objects.values_list("year", flat=True).distinct())
    years |= set(Case.objects.values_list("budget_year", flat=True).distinct())
    return [(year, str(year)) for year in sorted(years, reverse=True)]


def _filter_number(value: str) -> int:
    """A filter's value from the address as a number; anything else (a typed "?year=abc") is the
    admin's notice about a filter it cannot use, not a server error."""
    if not value.isdigit():
        raise IncorrectLookupParameters(value)
    return int(value)


class GoalYearFilter(admin.SimpleListFilter):
    """The year of an indicator or activity: its council goal's, or its board goal's plan's."""

    title = "år"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return _years()

    def queryset(self, request, queryset):
        if self.value():
            year = _filter_number(self.value())
            return queryset.filter(
                Q(council_goal__strategic_goal__year=year) | Q(board_goal__case__budget_year=year)
            )
        return queryset


class OwnerFilter(admin.SimpleListFilter):
    """KF:s (shared by the city) or the board's own, for indicators and activities alike."""

    title = "ägare"
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [("council", "KF:s"), ("board", "Nämndens")]

    def queryset(self, request, queryset):
        if self.value() == "council":
            return queryset.filter(council_goal__isnull=False)
        if self.value() == "board":
            return queryset.filter(board_goal__isnull=False)
        return queryset


class ActivityBoardFilter(admin.SimpleListFilter):
    """The board that carries out the activity: assigned by the council, or the plan's own board."""

    title = "nämnd"
    parameter_name = "board"

    def lookups(self, request, model_admin):
        return list(Board.objects.values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            board_id = _filter_number(self.value())
            return queryset.filter(Q(assigned_board_id=board_id) | Q(board_goal__case__board_id=board_id))
        return queryset


class ParentYearInline(ServiceTabularInline):
    """An inline whose choices are limited to the year of the record it stands under."""

    parent = None

    def get_formset(self, request, obj=None, **kwargs):
        # Inline instances are made per request, so the parent can be kept on the instance.
        self.parent = obj
        return super().get_formset(request, obj, **kwargs)

    def parent_year(self) -> int | None:
        return None


class CaseYearInline(ParentYearInline):
    def parent_year(self):
        return self.parent.budget_year if self.parent else None


# ---- Inlines under the case: the plan's goals ------------------------------------------------


class PlanStrategicGoalInline(CaseYearInline):
    model = PlanStrategicGoal
    fields = ("strategic_goal", "description")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "strategic_goal" and self.parent_year():
            kwargs["queryset"] = StrategicGoal.objects.filter(year=self.parent_year())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("strategic_goal")


class PlanCouncilGoalInline(CaseYearInline):
    model = PlanCouncilGoal
    fields = ("council_goal", "description")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "council_goal":
            queryset = CouncilGoal.objects.select_related("strategic_goal")
            if self.parent_year():
                queryset = queryset.filter(strategic_goal__year=self.parent_year())
            kwargs["queryset"] = queryset.order_by("strategic_goal__number", "number")
            kwargs["form_class"] = CouncilGoalChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("council_goal__strategic_goal")


class BoardGoalInline(PlanCouncilGoalInline):
    """The plan's board goals; each one's indicators and activities are on its own page."""

    model = BoardGoal
    fields = ("council_goal", "order", "title", "description")
    show_change_link = True


class ReadTargetWholeMixin:
    """Someone who may only read sees a target as the document writes it ("35 %", "öka"), not
    as the four fields it is typed in (typ, tal, decimaler, enhet)."""

    read_only_fields: tuple[str, ...] = ()

    def get_fields(self, request, obj=None):
        if self.read_only_fields and not self.has_change_permission(request, obj):
            return self.read_only_fields
        return super().get_fields(request, obj)


class PlanIndicatorInline(ReadTargetWholeMixin, CaseYearInline):
    """The annual targets (Årsmål) of every indicator the plan follows, KF:s and the board's."""

    model = PlanIndicator
    fields = (
        "indicator", "council_target_display", "board_target_kind", "board_target_value",
        "board_target_decimals", "board_target_unit",
    )
    read_only_fields = ("indicator", "council_target_display", "board_target_display")
    readonly_fields = ("council_target_display", "board_target_display")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            queryset = Indicator.objects.select_related(*INDICATOR_RELATIONS)
            if self.parent:
                queryset = queryset.filter(
                    Q(council_goal__strategic_goal__year=self.parent.budget_year)
                    | Q(board_goal__case=self.parent)
                )
            kwargs["queryset"] = queryset.order_by(*goal_order())
            kwargs["form_class"] = IndicatorChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .select_related("case", *(f"indicator__{name}" for name in INDICATOR_RELATIONS))
            .order_by(*goal_order("indicator__"))
        )

    @admin.display(description="KF:s årsmål")
    def council_target_display(self, obj):
        if not obj.pk:
            return ""
        return obj.indicator.council_target.display(obj.case.budget_year) or "–"

    @admin.display(description="årsmål")
    def board_target_display(self, obj):
        if not obj.pk:
            return ""
        return obj.board_target.display(obj.case.budget_year) or "–"


# ---- Strategic goals and council goals: the council's, shared by every plan -----------------


class CouncilGoalInline(ServiceTabularInline):
    model = CouncilGoal
    fields = ("number", "title", "description")
    show_change_link = True


@admin.register(StrategicGoal)
class StrategicGoalAdmin(ServiceAdmin):
    list_display = ("year", "number", "title")
    list_display_links = ("title",)
    list_filter = ("year",)
    ordering = ("-year", "number")
    search_fields = ("title", "description")
    inlines = (CouncilGoalInline,)

    def rows_label(self, obj) -> str:
        return f"under inriktningsmål {obj.number}"


class CouncilIndicatorInline(ReadTargetWholeMixin, ServiceTabularInline):
    model = Indicator
    fk_name = "council_goal"
    verbose_name = "KF:s indikator"
    verbose_name_plural = "KF:s indikatorer"
    fields = (
        "order", "name", "council_target_kind", "council_target_value", "council_target_decimals",
        "council_target_unit", "periodicity",
    )
    read_only_fields = ("order", "name", "council_target_display", "periodicity")
    readonly_fields = ("council_target_display",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("council_goal__strategic_goal")

    @admin.display(description="KF:s årsmål")
    def council_target_display(self, obj):
        if not obj.pk:
            return ""
        return obj.council_target.display(obj.council_goal.strategic_goal.year) or "–"


class CouncilActivityInline(ServiceTabularInline):
    model = Activity
    fk_name = "council_goal"
    verbose_name = "KF:s aktivitet"
    verbose_name_plural = "KF:s aktiviteter"
    row_label = "KF:s aktivitet {n}"
    fields = ("order", "text", "assigned_board", "start_date", "end_date")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_board":
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("assigned_board")


class CouncilGoalYearInline(ParentYearInline):
    def parent_year(self):
        return self.parent.strategic_goal.year if self.parent else None


class BoardGoalUnderCouncilGoalInline(CouncilGoalYearInline):
    """Every plan's board goals under this council goal; choices are the cases of its year."""

    model = BoardGoal
    fk_name = "council_goal"
    fields = ("case", "order", "title", "description")
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "case" and self.parent_year():
            kwargs["queryset"] = Case.objects.filter(budget_year=self.parent_year())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("case")
        return queryset.order_by("case__board__name", "order")


@admin.register(CouncilGoal)
class CouncilGoalAdmin(TableImportExportMixin, ServiceAdmin):
    resource_classes = [CouncilGoalResource]
    list_display = ("code", "title", "year")
    list_display_links = ("title",)
    list_select_related = ("strategic_goal",)
    list_filter = ("strategic_goal__year", "strategic_goal")
    ordering = ("-strategic_goal__year", "strategic_goal__number", "number")
    search_fields = ("title", "description", "strategic_goal__title")
    inlines = (CouncilIndicatorInline, CouncilActivityInline, BoardGoalUnderCouncilGoalInline)

    def get_queryset(self, request):
        # The name (and so every select and autocomplete answer) reads the strategic goal.
        return super().get_queryset(request).select_related("strategic_goal")

    def get_search_results(self, request, queryset, search_term):
        """'1.1' finds council goal 1.1 of every year."""
        match = GOAL_CODE.match(search_term)
        if match:
            found = queryset.filter(strategic_goal__number=match[1], number=match[2])
            return found, False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="nummer", ordering="number")
    def code(self, obj):
        return obj.code

    def rows_label(self, obj) -> str:
        return f"under mål {obj.code}"

    @admin.display(description="år", ordering="strategic_goal__year")
    def year(self, obj):
        return obj.strategic_goal.year


# ---- Board goals, indicators and activities ---------------------------------------------------


class BoardIndicatorInline(ServiceTabularInline):
    model = Indicator
    fk_name = "board_goal"
    verbose_name = "nämndens indikator"
    verbose_name_plural = "nämndens indikatorer"
    row_label = "indikator {n}"
    fields = ("order", "name", "periodicity", "board_target_display")
    readonly_fields = ("board_target_display",)
    show_change_link = True

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("board_goal__case")
        return queryset.prefetch_related("plans")

    @admin.display(description="årsmål")
    def board_target_display(self, obj):
        if not obj.pk:
            return ""
        case = obj.board_goal.case
        plans = [plan for plan in obj.plans.all() if plan.case_id == case.pk]
        if not plans:
            return "anges under ”Indikatorer i planen” på ärendet"
        return plans[0].board_target.display(case.budget_year) or "–"


class BoardActivityInline(ServiceTabularInline):
    model = Activity
    fk_name = "board_goal"
    verbose_name = "nämndens aktivitet"
    verbose_name_plural = "nämndens aktiviteter"
    fields = ("order", "text", "start_date", "end_date")
    row_label = "aktivitet {n}"


@admin.register(BoardGoal)
class BoardGoalAdmin(TableImportExportMixin, ServiceAdmin):
    resource_classes = [BoardGoalResource]
    list_display = ("title", "council_goal_code", "case", "board", "budget_year")
    list_select_related = ("case__board", "council_goal__strategic_goal")
    list_filter = ("case__budget_year", "case__board")
    ordering = (
        "-case__budget_year", "case__board__name", "council_goal__strategic_goal__number",
        "council_goal__number", "order",
    )
    search_fields = ("title", "description", "case__title", "council_goal__title")
    autocomplete_fields = ("case", "council_goal")
    fields = ("case", "council_goal", "order", "title", "description")
    inlines = (BoardIndicatorInline, BoardActivityInline)

    def rows_label(self, obj) -> str:
        return f"under nämndmål {obj.order} till mål {obj.council_goal.code}"

    @admin.display(description="KF:s mål", ordering="council_goal__number")
    def council_goal_code(self, obj):
        return obj.council_goal.code

    @admin.display(description="nämnd", ordering="case__board__name")
    def board(self, obj):
        return obj.case.board

    @admin.display(description="budgetår", ordering="case__budget_year")
    def budget_year(self, obj):
        return obj.case.budget_year


class PlanIndicatorUnderIndicatorInline(ServiceTabularInline):
    """The plans that follow this indicator, each with its own annual target."""

    model = PlanIndicator
    fields = (
        "case", "board_target_kind", "board_target_value", "board_target_decimals",
        "board_target_unit",
    )
    autocomplete_fields = ("case",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("case").order_by("case__board__name")


@admin.register(Indicator)
class IndicatorAdmin(TableImportExportMixin, ServiceAdmin):
    resource_classes = [IndicatorResource]
    list_display = ("name", "goal", "council_target", "periodicity", "year")
    list_select_related = INDICATOR_RELATIONS + ("board_goal__case",)
    list_filter = (GoalYearFilter, OwnerFilter, "board_goal__case__board", "periodicity")
    ordering = goal_order()
    search_fields = ("name",)
    autocomplete_fields = ("council_goal", "board_goal")
    fieldsets = (
        (None, {"fields": ("council_goal", "board_goal", "order", "name", "periodicity")}),
        ("KF:s årsmål", {
            "fields": (
                "council_target_kind", "council_target_value", "council_target_decimals",
                "council_target_unit",
            ),
            "description": "Bara för KF:s indikatorer; nämndens egna har inget KF-årsmål.",
        }),
        ("Uppföljning", {
            "fields": ("direction", "tolerance"),
            "description": "Hur utfallet jämförs med målet: vilket håll som är bättre, och hur "
            "långt från målet ett utfall får ligga och ändå räknas som delvis uppfyllt.",
        }),
    )
    inlines = (PlanIndicatorUnderIndicatorInline,)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*INDICATOR_RELATIONS, "board_goal__case")

    @admin.display(description="mål")
    def goal(self, obj):
        return indicator_goal_label(obj)

    @admin.display(description="KF:s årsmål")
    def council_target(self, obj):
        return obj.council_target.display(indicator_year(obj))

    @admin.display(description="år")
    def year(self, obj):
        return indicator_year(obj)


@admin.register(PlanIndicator)
class PlanIndicatorAdmin(ServiceAdmin):
    list_display = ("indicator", "goal", "case", "board_target", "council_target")
    list_select_related = ("case__board", *(f"indicator__{name}" for name in INDICATOR_RELATIONS))
    list_filter = ("case__budget_year", "case__board")
    ordering = ("-case__budget_year", "case__board__name", *goal_order("indicator__"))
    search_fields = ("indicator__name", "case__title", "case__board__name")
    autocomplete_fields = ("case", "indicator")
    fields = (
        "case", "indicator", "board_target_kind", "board_target_value", "board_target_decimals",
        "board_target_unit",
    )

    @admin.display(description="mål")
    def goal(self, obj):
        return indicator_goal_label(obj.indicator)

    @admin.display(description="årsmål")
    def board_target(self, obj):
        return obj.board_target.display(obj.case.budget_year)

    @admin.display(description="KF:s årsmål")
    def council_target(self, obj):
        return obj.indicator.council_target.display(obj.case.budget_year)


class PlanGoalAdmin(ServiceAdmin):
    """A goal as one plan presents it: which plan, which goal, and the office's text."""

    list_filter = ("case__budget_year", "case__board")
    search_fields = ("description", "case__title", "case__board__name")
    autocomplete_fields = ("case",)

    @admin.display(description="egen text", boolean=True)
    def has_text(self, obj):
        return bool(obj.description.strip())


@admin.register(PlanStrategicGoal)
class PlanStrategicGoalAdmin(PlanGoalAdmin):
    list_display = ("strategic_goal", "case", "has_text")
    list_select_related = ("case", "strategic_goal")
    ordering = ("-case__budget_year", "case__board__name", "strategic_goal__number")
    search_fields = PlanGoalAdmin.search_fields + ("strategic_goal__title",)
    fields = ("case", "strategic_goal", "description")


@admin.register(PlanCouncilGoal)
class PlanCouncilGoalAdmin(PlanGoalAdmin):
    list_display = ("council_goal", "case", "has_text")
    list_select_related = ("case", "council_goal__strategic_goal")
    ordering = (
        "-case__budget_year", "case__board__name", "council_goal__strategic_goal__number",
        "council_goal__number",
    )
    search_fields = PlanGoalAdmin.search_fields + ("council_goal__title",)
    autocomplete_fields = ("case", "council_goal")
    fields = ("case", "council_goal", "description")


@admin.register(Activity)
class ActivityAdmin(TableImportExportMixin, ServiceAdmin):
    resource_classes = [ActivityResource]
    list_display = ("short_text", "goal", "board", "start_date", "end_date")
    list_select_related = ACTIVITY_RELATIONS
    list_filter = (GoalYearFilter, OwnerFilter, ActivityBoardFilter)
    ordering = (
        Coalesce("council_goal__strategic_goal__year", "board_goal__case__budget_year").desc(),
        *goal_order(),
    )
    search_fields = ("text",)
    autocomplete_fields = ("council_goal", "board_goal")
    fieldsets = (
        ("KF:s aktivitet", {"fields": ("council_goal", "assigned_board")}),
        ("Nämndens aktivitet", {"fields": ("board_goal",)}),
        (None, {"fields": ("order", "text", "start_date", "end_date")}),
    )

    @admin.display(description="aktivitet")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else f"{obj.text[:90]}…"

    @admin.display(description="mål")
    def goal(self, obj):
        if obj.council_goal_id:
            return f"{obj.council_goal.code} KF"
        return f"{obj.board_goal.council_goal.code} nämndmål {obj.board_goal.order}"

    @admin.display(description="nämnd")
    def board(self, obj):
        return obj.assigned_board if obj.council_goal_id else obj.board_goal.case.board

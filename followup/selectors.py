"""Reads of a follow-up report: the plan's records with their targets beside the outcomes.

`followup_document` reads a whole report in a fixed number of queries whatever the plan's size
(see FOLLOWUP_DOCUMENT_QUERIES), with every status computed by followup.status and every total
summed from the rows as Decimal. The entry form, the workbook, the report page and PDF and the
city-wide roll-up all read through here.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F

from budgetplan.cases.models import Case
from budgetplan.kernel.formatting import format_decimal
from finance.models import FinancialFrame, Investment, OperatingBudgetRow
from goals.models import (
    NUMERIC_KINDS,
    Activity,
    BoardGoal,
    CouncilGoal,
    Indicator,
    PlanCouncilGoal,
    PlanIndicator,
    Target,
)

from .models import (
    ZERO,
    ActivityOutcome,
    BudgetRowOutcome,
    FollowUpPeriod,
    FollowUpReport,
    GoalAssessment,
    IndicatorOutcome,
    InvestmentOutcome,
    PeriodKind,
    QualitativeOutcome,
)
from .status import (
    STATUS_SYMBOLS,
    IndicatorStatus,
    allowed_words,
    effective_target,
    indicator_status,
    measured_in,
)

# followup_document's queries: the report, the plan's records (council goals, board goals,
# plan indicators, board indicators, council and board activities, frame rows, investments) and
# the five kinds of outcomes.
FOLLOWUP_DOCUMENT_QUERIES = 14


def _sum(values) -> Decimal:
    return sum((value for value in values if value is not None), ZERO)


# ---- The plan's records a report follows up ---------------------------------------------------


@dataclass
class PlanRecords:
    """Every record of a plan a follow-up report has an outcome for, in the document's order."""

    council_goals: list[CouncilGoal]
    board_goals: list[BoardGoal]
    indicators: list[Indicator]
    plan_indicators: dict[int, PlanIndicator]  # by indicator id
    activities: list[Activity]
    budget_rows: list[OperatingBudgetRow]
    investments: list[Investment]


def plan_records(*, case: Case) -> PlanRecords:
    """The plan's goals, indicators, activities, budget rows and investments in seven queries."""
    plan_council = list(
        PlanCouncilGoal.objects.filter(case_id=case.pk).select_related("council_goal__strategic_goal")
    )
    board_goals = list(
        BoardGoal.objects.filter(case_id=case.pk).select_related("council_goal__strategic_goal")
    )
    council_goals = {row.council_goal_id: row.council_goal for row in plan_council}
    for board_goal in board_goals:
        council_goals.setdefault(board_goal.council_goal_id, board_goal.council_goal)
    ordered_council = sorted(
        council_goals.values(), key=lambda goal: (goal.strategic_goal.number, goal.number),
    )
    council_order = {goal.pk: index for index, goal in enumerate(ordered_council)}
    board_goals.sort(key=lambda goal: (council_order[goal.council_goal_id], goal.order))
    board_order = {goal.pk: index for index, goal in enumerate(board_goals)}

    plan_indicators = {
        row.indicator_id: row
        for row in PlanIndicator.objects.filter(case_id=case.pk).select_related("indicator")
    }
    indicators = [
        row.indicator for row in plan_indicators.values()
        if row.indicator.board_goal_id is None and row.indicator.council_goal_id in council_goals
    ]
    indicators += list(
        Indicator.objects.filter(board_goal__case_id=case.pk) if board_goals else []
    )

    def goal_position(record) -> tuple:
        if record.board_goal_id:
            position = board_order.get(record.board_goal_id, 0)
            council = council_order.get(board_goals[position].council_goal_id, 0)
            return (council, 1, position, record.order)
        return (council_order.get(record.council_goal_id, 0), 0, 0, record.order)

    indicators.sort(key=lambda row: (*goal_position(row), row.name))
    activities = list(
        Activity.objects.filter(
            council_goal_id__in=list(council_goals), board_goal__isnull=True,
            assigned_board_id=case.board_id,
        )
        if council_goals else []
    )
    activities += list(Activity.objects.filter(board_goal__case_id=case.pk) if board_goals else [])
    activities.sort(key=lambda row: (*goal_position(row), row.pk))

    frame_id = FinancialFrame.objects.filter(case_id=case.pk).values_list("pk", flat=True)
    budget_rows = list(OperatingBudgetRow.objects.filter(frame_id__in=frame_id).order_by("order"))
    investments = list(Investment.objects.filter(frame_id__in=frame_id).order_by("order"))
    return PlanRecords(
        council_goals=ordered_council,
        board_goals=board_goals,
        indicators=indicators,
        plan_indicators=plan_indicators,
        activities=activities,
        budget_rows=budget_rows,
        investments=investments,
    )


# ---- The report ------------------------------------------------------------------------------


def _words(value: str) -> str:
    return QualitativeOutcome(value).label if value else ""


def format_measure(value: Decimal | None, decimals: int, unit: str) -> str:
    """A number as the plan writes its targets: "3,8 %", "66", "" when none."""
    if value is None:
        return ""
    text = format_decimal(value, decimals)
    return f"{text}\u00a0{unit}" if unit else text


@dataclass
class IndicatorLine:
    """An indicator with its targets beside its outcome for the period, and its status."""

    indicator: Indicator
    outcome: IndicatorOutcome | None
    target: Target  # what the outcome is compared with (the board's, else the council's)
    board_target_text: str
    council_target_text: str
    periodicity: str  # its label, "År", "Tertial"
    measured: bool  # due an outcome in this period (followup.status.measured_in)
    status: IndicatorStatus
    council_goal_id: int | None  # the council goal it stands under, directly or by a board goal
    board_goal_id: int | None

    @property
    def id(self) -> int:
        return self.indicator.pk

    @property
    def name(self) -> str:
        return self.indicator.name

    @property
    def unit(self) -> str:
        return self.target.unit if self.target.kind in NUMERIC_KINDS else ""

    @property
    def decimals(self) -> int:
        return self.target.decimals if self.target.kind in NUMERIC_KINDS else 2

    @property
    def allowed_words(self) -> tuple[str, ...]:
        return allowed_words(self.target)

    @property
    def value(self) -> Decimal | None:
        return self.outcome.value if self.outcome else None

    @property
    def qualitative(self) -> str:
        return self.outcome.qualitative if self.outcome else ""

    @property
    def previous_value(self) -> Decimal | None:
        return self.outcome.previous_value if self.outcome else None

    @property
    def comment(self) -> str:
        return self.outcome.comment if self.outcome else ""

    @property
    def outcome_text(self) -> str:
        """The outcome as the report writes it: "3,9 %", "ökat", or "" when none."""
        if self.value is not None:
            return format_measure(self.value, self.decimals, self.unit)
        return _words(self.qualitative)

    @property
    def previous_text(self) -> str:
        return format_measure(self.previous_value, self.decimals, self.unit)

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def status_symbol(self) -> str:
        return STATUS_SYMBOLS[self.status]


@dataclass
class ActivityLine:
    activity: Activity
    outcome: ActivityOutcome | None
    council_goal_id: int | None
    board_goal_id: int | None

    @property
    def id(self) -> int:
        return self.activity.pk

    @property
    def status(self) -> str:
        return self.outcome.status if self.outcome else ""

    @property
    def status_label(self) -> str:
        return self.outcome.get_status_display() if self.outcome and self.outcome.status else "Ej angiven"

    @property
    def comment(self) -> str:
        return self.outcome.comment if self.outcome else ""


@dataclass
class GoalLine:
    """A goal the board assesses: one of its board goals, or a council goal it works toward."""

    kind: str  # "council" or "board"
    goal_id: int
    code: str  # "1.2" for a council goal; the council goal's code for a board goal
    title: str
    assessment: GoalAssessment | None
    indicators: list[IndicatorLine] = field(default_factory=list)
    activities: list[ActivityLine] = field(default_factory=list)
    board_goals: list["GoalLine"] = field(default_factory=list)  # a council goal's board goals
    order: int | None = None  # a board goal's Ordning under its council goal (None for a council goal)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.goal_id}"

    @property
    def attainment(self) -> str:
        return self.assessment.attainment if self.assessment else ""

    @property
    def attainment_label(self) -> str:
        if self.assessment and self.assessment.attainment:
            return self.assessment.get_attainment_display()
        return "Ej bedömt"

    @property
    def analysis(self) -> str:
        return self.assessment.analysis if self.assessment else ""


@dataclass
class BudgetLine:
    """A budget row with its outcome and forecast; deviation = budget − forecast, so a positive
    deviation is better than the budget (lower costs, or more revenue, which are negative)."""

    row: OperatingBudgetRow
    outcome: BudgetRowOutcome | None

    @property
    def id(self) -> int:
        return self.row.pk

    @property
    def department(self) -> str:
        return self.row.department

    @property
    def budget_costs(self) -> Decimal:
        return self.row.costs

    @property
    def budget_revenues(self) -> Decimal:
        return self.row.revenues

    @property
    def budget_net(self) -> Decimal:
        return self.row.costs + self.row.revenues

    def _get(self, name: str) -> Decimal | None:
        return getattr(self.outcome, name) if self.outcome else None

    @property
    def outcome_costs(self) -> Decimal | None:
        return self._get("outcome_costs")

    @property
    def outcome_revenues(self) -> Decimal | None:
        return self._get("outcome_revenues")

    @property
    def outcome_net(self) -> Decimal | None:
        if self.outcome_costs is None and self.outcome_revenues is None:
            return None
        return (self.outcome_costs or ZERO) + (self.outcome_revenues or ZERO)

    @property
    def forecast_costs(self) -> Decimal | None:
        return self._get("forecast_costs")

    @property
    def forecast_revenues(self) -> Decimal | None:
        return self._get("forecast_revenues")

    @property
    def forecast_net(self) -> Decimal | None:
        if self.forecast_costs is None and self.forecast_revenues is None:
            return None
        return (self.forecast_costs or ZERO) + (self.forecast_revenues or ZERO)

    @property
    def deviation_costs(self) -> Decimal | None:
        return None if self.forecast_costs is None else self.budget_costs - self.forecast_costs

    @property
    def deviation_revenues(self) -> Decimal | None:
        return None if self.forecast_revenues is None else self.budget_revenues - self.forecast_revenues

    @property
    def deviation_net(self) -> Decimal | None:
        return None if self.forecast_net is None else self.budget_net - self.forecast_net

    @property
    def comment(self) -> str:
        return self.outcome.comment if self.outcome else ""


@dataclass
class BudgetTotals:
    """The sums of the budget lines, each summed from the rows (a missing figure counts 0,0)."""

    budget_costs: Decimal
    budget_revenues: Decimal
    outcome_costs: Decimal
    outcome_revenues: Decimal
    forecast_costs: Decimal
    forecast_revenues: Decimal

    @property
    def budget_net(self) -> Decimal:
        return self.budget_costs + self.budget_revenues

    @property
    def outcome_net(self) -> Decimal:
        return self.outcome_costs + self.outcome_revenues

    @property
    def forecast_net(self) -> Decimal:
        return self.forecast_costs + self.forecast_revenues

    @property
    def deviation_costs(self) -> Decimal:
        return self.budget_costs - self.forecast_costs

    @property
    def deviation_revenues(self) -> Decimal:
        return self.budget_revenues - self.forecast_revenues

    @property
    def deviation_net(self) -> Decimal:
        return self.budget_net - self.forecast_net


def budget_totals(lines: list[BudgetLine]) -> BudgetTotals:
    return BudgetTotals(
        budget_costs=_sum(line.budget_costs for line in lines),
        budget_revenues=_sum(line.budget_revenues for line in lines),
        outcome_costs=_sum(line.outcome_costs for line in lines),
        outcome_revenues=_sum(line.outcome_revenues for line in lines),
        forecast_costs=_sum(line.forecast_costs for line in lines),
        forecast_revenues=_sum(line.forecast_revenues for line in lines),
    )


@dataclass
class InvestmentLine:
    investment: Investment
    outcome: InvestmentOutcome | None

    @property
    def id(self) -> int:
        return self.investment.pk

    @property
    def purpose(self) -> str:
        return self.investment.purpose

    @property
    def budget(self) -> Decimal:
        return self.investment.amount

    @property
    def outcome_amount(self) -> Decimal | None:
        return self.outcome.outcome if self.outcome else None

    @property
    def forecast(self) -> Decimal | None:
        return self.outcome.forecast if self.outcome else None

    @property
    def deviation(self) -> Decimal | None:
        return None if self.forecast is None else self.budget - self.forecast

    @property
    def comment(self) -> str:
        return self.outcome.comment if self.outcome else ""


@dataclass
class FollowUpDocument:
    """A whole follow-up report as every reader of it needs it."""

    report: FollowUpReport
    case: Case
    period: FollowUpPeriod
    goals: list[GoalLine]  # the council goals in the plan's order, each with its board goals
    indicators: list[IndicatorLine]  # every indicator, in the plan's order
    activities: list[ActivityLine]
    budget_lines: list[BudgetLine]
    investment_lines: list[InvestmentLine]

    @property
    def status(self) -> str:
        return self.report.status

    @property
    def status_label(self) -> str:
        return self.report.get_status_display()

    @property
    def is_approved(self) -> bool:
        return self.report.is_approved

    @property
    def demonstration_note(self) -> str:
        return self.report.demonstration_note

    @property
    def goal_lines(self) -> list[GoalLine]:
        """Every goal assessed, council goals each followed by its board goals."""
        return [line for goal in self.goals for line in (goal, *goal.board_goals)]

    @property
    def budget_totals(self) -> BudgetTotals:
        return budget_totals(self.budget_lines)

    @property
    def investments_budget(self) -> Decimal:
        return _sum(line.budget for line in self.investment_lines)

    @property
    def investments_outcome(self) -> Decimal:
        return _sum(line.outcome_amount for line in self.investment_lines)

    @property
    def investments_forecast(self) -> Decimal:
        return _sum(line.forecast for line in self.investment_lines)

    @property
    def investments_deviation(self) -> Decimal:
        return self.investments_budget - self.investments_forecast

    @property
    def status_counts(self) -> dict[IndicatorStatus, int]:
        """How many indicators have each status, every status present (0 where none)."""
        counts = dict.fromkeys(IndicatorStatus, 0)
        for line in self.indicators:
            counts[line.status] += 1
        return counts


def indicator_line(
    indicator: Indicator, plan_indicator: PlanIndicator | None, outcome: IndicatorOutcome | None,
    *, year: int, period_kind: str, council_goal_id: int | None,
) -> IndicatorLine:
    board_target = plan_indicator.board_target if plan_indicator else None
    target = effective_target(board_target=board_target, council_target=indicator.council_target)
    status = indicator_status(
        target=target, direction=indicator.direction, tolerance=indicator.tolerance,
        value=outcome.value if outcome else None,
        qualitative=outcome.qualitative if outcome else "",
        previous_value=outcome.previous_value if outcome else None,
    )
    return IndicatorLine(
        indicator=indicator, outcome=outcome, target=target,
        board_target_text=board_target.display(year) if board_target else "",
        council_target_text=indicator.council_target.display(year),
        periodicity=indicator.get_periodicity_display(),
        measured=measured_in(indicator.periodicity, period_kind),
        status=status, council_goal_id=council_goal_id, board_goal_id=indicator.board_goal_id,
    )


def report_for_reading(*, report_id: int) -> FollowUpReport | None:
    """The report with its case, board and period, in one query (read first, before any
    permission is known, so a refused reader reads nothing else)."""
    return (
        FollowUpReport.objects.select_related("case__board", "period")
        .filter(pk=report_id).first()
    )


def report_for_case(*, case_id: int, period_kind: str, year: int | None = None) -> FollowUpReport | None:
    """A case's report for a period (of the case's budget year unless `year`), or None."""
    reports = FollowUpReport.objects.select_related("case__board", "period").filter(
        case_id=case_id, period__kind=period_kind,
    )
    if year is not None:
        reports = reports.filter(period__year=year)
    else:
        reports = reports.filter(period__year=F("case__budget_year"))
    return reports.first()


def followup_document(*, report: FollowUpReport | None = None, report_id: int | None = None) -> FollowUpDocument:
    """A whole report in FOLLOWUP_DOCUMENT_QUERIES queries (one fewer given a report read with
    report_for_reading), whatever the size of the plan."""
    if report is None:
        report = report_for_reading(report_id=report_id)
        if report is None:
            raise FollowUpReport.DoesNotExist(report_id)
    case, period = report.case, report.period
    records = plan_records(case=case)

    indicator_outcomes = {row.indicator_id: row for row in IndicatorOutcome.objects.filter(report=report)}
    activity_outcomes = {row.activity_id: row for row in ActivityOutcome.objects.filter(report=report)}
    assessments = list(GoalAssessment.objects.filter(report=report))
    budget_outcomes = {row.budget_row_id: row for row in BudgetRowOutcome.objects.filter(report=report)}
    investment_outcomes = {
        row.investment_id: row for row in InvestmentOutcome.objects.filter(report=report)
    }
    council_assessments = {row.council_goal_id: row for row in assessments if row.council_goal_id}
    board_assessments = {row.board_goal_id: row for row in assessments if row.board_goal_id}

    board_goal_council = {goal.pk: goal.council_goal_id for goal in records.board_goals}
    goal_lines: dict[int, GoalLine] = {
        goal.pk: GoalLine(
            kind="council", goal_id=goal.pk, code=goal.code, title=goal.title,
            assessment=council_assessments.get(goal.pk),
        )
        for goal in records.council_goals
    }
    board_lines: dict[int, GoalLine] = {}
    for goal in records.board_goals:
        line = GoalLine(
            kind="board", goal_id=goal.pk, code=goal.council_goal.code, title=goal.title,
            assessment=board_assessments.get(goal.pk), order=goal.order,
        )
        board_lines[goal.pk] = line
        goal_lines[goal.council_goal_id].board_goals.append(line)

    indicators = []
    for indicator in records.indicators:
        council_goal_id = indicator.council_goal_id or board_goal_council.get(indicator.board_goal_id)
        line = indicator_line(
            indicator, records.plan_indicators.get(indicator.pk),
            indicator_outcomes.get(indicator.pk), year=period.year, period_kind=period.kind,
            council_goal_id=council_goal_id,
        )
        indicators.append(line)
        owner = board_lines.get(indicator.board_goal_id) or goal_lines.get(indicator.council_goal_id)
        if owner is not None:
            owner.indicators.append(line)
    activities = []
    for activity in records.activities:
        council_goal_id = activity.council_goal_id or board_goal_council.get(activity.board_goal_id)
        line = ActivityLine(
            activity=activity, outcome=activity_outcomes.get(activity.pk),
            council_goal_id=council_goal_id, board_goal_id=activity.board_goal_id,
        )
        activities.append(line)
        owner = board_lines.get(activity.board_goal_id) or goal_lines.get(activity.council_goal_id)
        if owner is not None:
            owner.activities.append(line)

    return FollowUpDocument(
        report=report, case=case, period=period,
        goals=list(goal_lines.values()),
        indicators=indicators,
        activities=activities,
        budget_lines=[BudgetLine(row, budget_outcomes.get(row.pk)) for row in records.budget_rows],
        investment_lines=[
            InvestmentLine(investment, investment_outcomes.get(investment.pk))
            for investment in records.investments
        ],
    )


def period_reports(*, year: int, period_kind: str) -> list[FollowUpReport]:
    """Every board's report for one period of a year, with case, board and period, one query."""
    return list(
        FollowUpReport.objects.filter(period__year=year, period__kind=period_kind)
        .select_related("case__board", "period").order_by("case__board__name", "case_id")
    )


__all__ = [
    "FOLLOWUP_DOCUMENT_QUERIES", "PeriodKind", "PlanRecords", "plan_records", "FollowUpDocument",
    "GoalLine", "IndicatorLine", "ActivityLine", "BudgetLine", "BudgetTotals", "InvestmentLine",
    "followup_document", "report_for_reading", "report_for_case", "period_reports",
    "budget_totals", "format_measure",
]

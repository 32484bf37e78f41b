"""The city-wide follow-up of a period: every KF goal rolled up across the boards, and every
board's budget deviation, read in a fixed number of queries whatever the number and size of plans.

Reading followup.selectors.followup_document once per board would cost its queries fifty times
over; here each kind of record is read once for all the period's reports, as plain values, and
each indicator's status is computed by the same rule the board's report uses
(followup.status.effective_target and indicator_status), so the city and the board never disagree.
Budget totals are summed by the database from the same rows the board's report sums, with a
missing figure counting 0,0 as there (followup.selectors.budget_totals).
"""
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from finance.models import OperatingBudgetRow
from followup.models import (
    Attainment,
    BudgetRowOutcome,
    FollowUpReport,
    GoalAssessment,
    IndicatorOutcome,
)
from followup.status import IndicatorStatus, effective_target, indicator_status
from goals.models import CouncilGoal, Indicator, PlanCouncilGoal, PlanIndicator, Target

ZERO = Decimal("0.0")
STATUS_ORDER = (
    IndicatorStatus.MET, IndicatorStatus.PARTLY_MET, IndicatorStatus.NOT_MET,
    IndicatorStatus.NOT_MEASURABLE,
)


@dataclass
class StatusCounts:
    """How many indicators have each status."""

    counts: Counter = field(default_factory=Counter)

    def add(self, status: str) -> None:
        self.counts[status] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def met(self) -> int:
        return self.counts[IndicatorStatus.MET]

    @property
    def partly_met(self) -> int:
        return self.counts[IndicatorStatus.PARTLY_MET]

    @property
    def not_met(self) -> int:
        return self.counts[IndicatorStatus.NOT_MET]

    @property
    def not_measurable(self) -> int:
        return self.counts[IndicatorStatus.NOT_MEASURABLE]

    @property
    def met_percent(self) -> int:
        """The share met, in whole percent of the indicators (0 without indicators)."""
        return round(100 * self.met / self.total) if self.total else 0


@dataclass
class BoardUnderGoal:
    """One board's indicators under a KF goal, and its own assessment of the goal."""

    report: FollowUpReport
    statuses: StatusCounts
    attainment: str = ""
    attainment_label: str = ""

    @property
    def board_name(self) -> str:
        return self.report.case.board.name

    @property
    def all_met(self) -> bool:
        return self.statuses.total > 0 and self.statuses.met == self.statuses.total


@dataclass
class CouncilGoalRollUp:
    goal: CouncilGoal
    boards: list[BoardUnderGoal] = field(default_factory=list)
    statuses: StatusCounts = field(default_factory=StatusCounts)

    @property
    def code(self) -> str:
        return self.goal.code

    @property
    def anchor(self) -> str:
        return f"kf-mal-{self.code.replace('.', '-')}"

    @property
    def boards_all_met(self) -> int:
        """How many boards meet the target of every indicator they follow under this goal."""
        return sum(1 for board in self.boards if board.all_met)

    @property
    def boards_with_indicators(self) -> int:
        return sum(1 for board in self.boards if board.statuses.total)


@dataclass
class BoardBudget:
    """A board's operating budget against its forecast for the year, net mnkr; deviation =
    budget − forecast, positive better than the budget."""

    report: FollowUpReport
    budget_net: Decimal
    outcome_net: Decimal
    forecast_net: Decimal

    @property
    def board_name(self) -> str:
        return self.report.case.board.name

    @property
    def deviation_net(self) -> Decimal:
        return self.budget_net - self.forecast_net


@dataclass
class CityFollowUp:
    year: int
    period_kind: str
    reports: list[FollowUpReport]
    goals: list[CouncilGoalRollUp]
    budgets: list[BoardBudget]

    @property
    def budget_total(self) -> Decimal:
        return sum((row.budget_net for row in self.budgets), ZERO)

    @property
    def outcome_total(self) -> Decimal:
        return sum((row.outcome_net for row in self.budgets), ZERO)

    @property
    def forecast_total(self) -> Decimal:
        return sum((row.forecast_net for row in self.budgets), ZERO)

    @property
    def deviation_total(self) -> Decimal:
        return self.budget_total - self.forecast_total

    @property
    def all_approved(self) -> bool:
        return bool(self.reports) and all(report.status == "approved" for report in self.reports)

    @property
    def statuses(self) -> StatusCounts:
        total = StatusCounts()
        for goal in self.goals:
            total.counts.update(goal.statuses.counts)
        return total

    def goal(self, council_goal_id: int) -> CouncilGoalRollUp | None:
        return next((goal for goal in self.goals if goal.goal.pk == council_goal_id), None)


# The columns read for each indicator a plan follows: its goal, its targets and its rule.
INDICATOR_COLUMNS = (
    "council_goal_id", "board_goal__council_goal_id", "council_target_kind", "council_target_value",
    "council_target_decimals", "council_target_unit", "direction", "tolerance",
)


def _target(kind, value, decimals, unit) -> Target:
    return Target(kind or "", value, decimals or 0, unit or "")


def city_followup(*, year: int, period_kind: str, reports: list[FollowUpReport]) -> CityFollowUp:
    """The roll-up of `reports` (one period's, those the reader may read, each with case__board
    selected): eight queries whatever their number and size."""
    report_by_case = {report.case_id: report for report in reports}
    case_ids = list(report_by_case)
    report_ids = [report.pk for report in reports]

    # Each plan's indicators: the council's it gives a target (PlanIndicator) and its board
    # goals' own (with or without one), as followup.selectors.plan_records takes them.
    followed: dict[tuple[int, int], tuple] = {}
    for case_id, indicator_id, board_kind, board_value, board_decimals, board_unit, *columns in (
        PlanIndicator.objects.filter(case_id__in=case_ids).order_by().values_list(
            "case_id", "indicator_id", "board_target_kind", "board_target_value",
            "board_target_decimals", "board_target_unit",
            *(f"indicator__{column}" for column in INDICATOR_COLUMNS),
        )
    ):
        followed[(case_id, indicator_id)] = (
            _target(board_kind, board_value, board_decimals, board_unit), *columns,
        )
    for case_id, indicator_id, *columns in (
        Indicator.objects.filter(board_goal__case_id__in=case_ids).order_by().values_list(
            "board_goal__case_id", "pk", *INDICATOR_COLUMNS,
        )
    ):
        followed.setdefault((case_id, indicator_id), (None, *columns))

    outcomes = {
        (case_id, indicator_id): (value, qualitative, previous)
        for case_id, indicator_id, value, qualitative, previous in (
            IndicatorOutcome.objects.filter(report_id__in=report_ids).order_by().values_list(
                "report__case_id", "indicator_id", "value", "qualitative", "previous_value",
            )
        )
    }

    per_goal: dict[int, dict[int, StatusCounts]] = {}
    for (case_id, indicator_id), row in followed.items():
        (board_target, council_goal_id, via_board_goal, kind, value, decimals, unit,
         direction, tolerance) = row
        goal_id = council_goal_id or via_board_goal
        outcome = outcomes.get((case_id, indicator_id))
        status = indicator_status(
            target=effective_target(
                board_target=board_target, council_target=_target(kind, value, decimals, unit),
            ),
            direction=direction, tolerance=tolerance,
            value=outcome[0] if outcome else None, qualitative=outcome[1] if outcome else "",
            previous_value=outcome[2] if outcome else None,
        )
        per_goal.setdefault(goal_id, {}).setdefault(case_id, StatusCounts()).add(status)

    # The KF goals the plans work toward: those they take, and those their board goals serve.
    goal_cases: dict[int, set[int]] = {}
    for case_id, goal_id in PlanCouncilGoal.objects.filter(case_id__in=case_ids).order_by().values_list(
        "case_id", "council_goal_id",
    ):
        goal_cases.setdefault(goal_id, set()).add(case_id)
    for goal_id, boards in per_goal.items():
        goal_cases.setdefault(goal_id, set()).update(boards)

    attainments = {
        (report_id, goal_id): attainment
        for report_id, goal_id, attainment in GoalAssessment.objects.filter(
            report_id__in=report_ids, council_goal__isnull=False,
        ).order_by().values_list("report_id", "council_goal_id", "attainment")
    }

    goals = []
    for goal in CouncilGoal.objects.filter(strategic_goal__year=year).select_related("strategic_goal"):
        roll_up = CouncilGoalRollUp(goal=goal)
        for case_id in sorted(goal_cases.get(goal.pk, ()),
                              key=lambda case_id: report_by_case[case_id].case.board.name):
            report = report_by_case[case_id]
            statuses = per_goal.get(goal.pk, {}).get(case_id, StatusCounts())
            attainment = attainments.get((report.pk, goal.pk), "")
            label = Attainment(attainment).label if attainment else "Ej bedömt"
            roll_up.boards.append(BoardUnderGoal(report, statuses, attainment, label))
            roll_up.statuses.counts.update(statuses.counts)
        goals.append(roll_up)

    budgets_by_case = {
        case_id: (costs or ZERO) + (revenues or ZERO)
        for case_id, costs, revenues in OperatingBudgetRow.objects.filter(
            frame__case_id__in=case_ids,
        ).order_by().values_list("frame__case_id").annotate(Sum("costs"), Sum("revenues"))
    }
    outcomes_by_report = {
        report_id: sums
        for report_id, *sums in BudgetRowOutcome.objects.filter(report_id__in=report_ids)
        .order_by().values_list("report_id").annotate(
            Sum("outcome_costs"), Sum("outcome_revenues"),
            Sum("forecast_costs"), Sum("forecast_revenues"),
        )
    }
    budgets = []
    for report in sorted(reports, key=lambda report: report.case.board.name):
        outcome_costs, outcome_revenues, forecast_costs, forecast_revenues = (
            value or ZERO for value in outcomes_by_report.get(report.pk, (None,) * 4)
        )
        budgets.append(BoardBudget(
            report=report, budget_net=budgets_by_case.get(report.case_id, ZERO),
            outcome_net=outcome_costs + outcome_revenues,
            forecast_net=forecast_costs + forecast_revenues,
        ))
    return CityFollowUp(
        year=year, period_kind=period_kind, reports=reports, goals=goals, budgets=budgets,
    )

"""The city-wide follow-up of a period: every KF goal rolled up across the boards, and every
board's budget deviation, read in a fixed number of queries whatever the number and size of plans.

Reading followup.selectors.followup_document once per board would cost its queries fifty times
over; here each kind of record is read once for all the period's reports, as plain values, and
each indicator's status is computed by the same rule the board's report uses
(followup.status.effective_target and indicator_status), so the city and the board never disagree.
Budget totals are summed by the database from the same rows the board's report sums, with a
missing figure counting 0,0 as there (followup.selectors.budget_totals).

An approved report never changes, so its part of the roll-up (its Contribution) is computed once
and kept in the cache, keyed by the approved reports and their plans' revisions; a report still
open or submitted is read every time.
"""
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Sum

from finance.models import OperatingBudgetRow
from followup.models import (
    Attainment,
    BudgetRowOutcome,
    FollowUpReport,
    GoalAssessment,
    ZERO,
    IndicatorOutcome,
    ReportStatus,
)
from followup.status import IndicatorStatus, effective_target, indicator_status
from goals.models import CouncilGoal, Indicator, PlanCouncilGoal, PlanIndicator, Target

# The approved reports' contributions are kept this long (they never change; the limit only
# lets the cache forget those no one asks for).
CACHE_SECONDS = 24 * 60 * 60
STATUS_ORDER = tuple(IndicatorStatus)  # met, partly met, not met, not measurable yet


STATUS_INDEX = {status: index for index, status in enumerate(STATUS_ORDER)}


class StatusCounts:
    """How many indicators have each status: four counts in STATUS_ORDER."""

    __slots__ = ("values",)

    def __init__(self, values=None):
        self.values = list(values) if values is not None else [0, 0, 0, 0]

    def add(self, status: str) -> None:
        self.values[STATUS_INDEX[status]] += 1

    def update(self, other: "StatusCounts") -> None:
        mine, theirs = self.values, other.values
        mine[0] += theirs[0]
        mine[1] += theirs[1]
        mine[2] += theirs[2]
        mine[3] += theirs[3]

    @property
    def counts(self) -> dict[str, int]:
        """The statuses that occur, with their counts."""
        return {status: count for status, count in zip(STATUS_ORDER, self.values) if count}

    @property
    def total(self) -> int:
        return sum(self.values)

    @property
    def met(self) -> int:
        return self.values[0]

    @property
    def partly_met(self) -> int:
        return self.values[1]

    @property
    def not_met(self) -> int:
        return self.values[2]

    @property
    def not_measurable(self) -> int:
        return self.values[3]

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
    all_met: bool = False  # it follows indicators under the goal, and meets every target

    @property
    def board_name(self) -> str:
        return self.report.case.board.name


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

    board_count: int = 0  # boards that work toward the goal
    boards_all_met: int = 0  # boards that meet the target of every indicator they follow here


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
        return bool(self.reports) and all(report.is_approved for report in self.reports)

    @property
    def statuses(self) -> StatusCounts:
        total = StatusCounts()
        for goal in self.goals:
            total.update(goal.statuses)
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


@dataclass
class Contribution:
    """What one board's report adds to the city's roll-up: its indicators' statuses per KF goal,
    the KF goals its plan works toward, its own assessments of them, and its budget sums."""

    statuses: dict[int, list[int]] = field(default_factory=dict)  # KF goal id -> counts in STATUS_ORDER
    goals: set[int] = field(default_factory=set)
    attainments: dict[int, str] = field(default_factory=dict)
    budget_net: Decimal = ZERO
    outcome_net: Decimal = ZERO
    forecast_net: Decimal = ZERO


def contributions(reports: list[FollowUpReport]) -> dict[int, Contribution]:
    """Each report's contribution, by report id, in six queries for all of them (none for none)."""
    if not reports:
        return {}
    by_case = {report.case_id: Contribution() for report in reports}
    report_case = {report.pk: report.case_id for report in reports}
    case_ids, report_ids = list(by_case), list(report_case)

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
        (report_case[report_id], indicator_id): (value, qualitative, previous)
        for report_id, indicator_id, value, qualitative, previous in (
            IndicatorOutcome.objects.filter(report_id__in=report_ids).order_by().values_list(
                "report_id", "indicator_id", "value", "qualitative", "previous_value",
            )
        )
    }
    for (case_id, indicator_id), row in followed.items():
        (board_target, council_goal_id, via_board_goal, kind, value, decimals, unit,
         direction, tolerance) = row
        value_now, words, previous = outcomes.get((case_id, indicator_id), (None, "", None))
        status = indicator_status(
            target=effective_target(
                board_target=board_target, council_target=_target(kind, value, decimals, unit),
            ),
            direction=direction, tolerance=tolerance,
            value=value_now, qualitative=words, previous_value=previous,
        )
        goal_id = council_goal_id or via_board_goal
        contribution = by_case[case_id]
        contribution.statuses.setdefault(goal_id, [0, 0, 0, 0])[STATUS_INDEX[status]] += 1
        contribution.goals.add(goal_id)

    # The KF goals the plans work toward: those they take, and those their board goals serve.
    for case_id, goal_id in PlanCouncilGoal.objects.filter(case_id__in=case_ids).order_by().values_list(
        "case_id", "council_goal_id",
    ):
        by_case[case_id].goals.add(goal_id)
    for report_id, goal_id, attainment in GoalAssessment.objects.filter(
        report_id__in=report_ids, council_goal__isnull=False,
    ).order_by().values_list("report_id", "council_goal_id", "attainment"):
        by_case[report_case[report_id]].attainments[goal_id] = attainment

    for case_id, costs, revenues in OperatingBudgetRow.objects.filter(
        frame__case_id__in=case_ids,
    ).order_by().values_list("frame__case_id").annotate(Sum("costs"), Sum("revenues")):
        by_case[case_id].budget_net = (costs or ZERO) + (revenues or ZERO)
    for report_id, *sums in BudgetRowOutcome.objects.filter(report_id__in=report_ids).order_by().values_list(
        "report_id",
    ).annotate(Sum("outcome_costs"), Sum("outcome_revenues"), Sum("forecast_costs"), Sum("forecast_revenues")):
        outcome_costs, outcome_revenues, forecast_costs, forecast_revenues = (value or ZERO for value in sums)
        contribution = by_case[report_case[report_id]]
        contribution.outcome_net = outcome_costs + outcome_revenues
        contribution.forecast_net = forecast_costs + forecast_revenues
    return {report.pk: by_case[report.case_id] for report in reports}


def _final_key(reports: list[FollowUpReport]) -> str:
    """The cache key of these approved reports' contributions: an approved report never changes
    (budgetplan.document.followup_lifecycle) and its plan counts a revision for every write, so
    the same reports at the same plan revisions have the same contributions."""
    signature = ",".join(
        f"{report.pk}.{report.version}.{report.case.revision}"
        for report in sorted(reports, key=lambda report: report.pk)
    )
    return "city-followup:" + hashlib.sha256(signature.encode()).hexdigest()


def report_contributions(reports: list[FollowUpReport]) -> dict[int, Contribution]:
    """The contributions of `reports`: the approved ones' from the cache when they were computed
    before, the rest (and approved ones not yet computed) read now, together."""
    final = [report for report in reports if report.status == ReportStatus.APPROVED]
    key = _final_key(final) if final else None
    known = (cache.get(key) if key else None) or {}
    fresh = contributions([report for report in reports if report.pk not in known])
    if key and any(report.pk not in known for report in final):
        cache.set(key, {report.pk: fresh.get(report.pk) or known[report.pk] for report in final},
                  timeout=CACHE_SECONDS)
    return {**known, **fresh}


def city_followup(
    *, year: int, period_kind: str, reports: list[FollowUpReport], boards_of: int | None = None,
) -> CityFollowUp:
    """The roll-up of `reports` (one period's, those the reader may read, each with case__board
    selected). The KF goals of the year in one query, and the reports' contributions
    (report_contributions) in six more when they are not cached, whatever their number and size.

    Every goal gets its counts; the list of boards under a goal (for its drill-down) is made for
    the goal `boards_of` only, or for every goal when it is None."""
    parts = report_contributions(reports)
    ordered = sorted(reports, key=lambda report: report.case.board.name)
    with_parts = [(report, parts[report.pk]) for report in ordered]
    labels = {value: label for value, label in Attainment.choices}
    goals = {
        goal.pk: CouncilGoalRollUp(goal=goal)
        for goal in CouncilGoal.objects.filter(strategic_goal__year=year).select_related("strategic_goal")
    }
    no_indicators = (0, 0, 0, 0)
    for report, part in with_parts:
        for goal_id in part.goals:
            roll_up = goals.get(goal_id)
            if roll_up is None:  # a goal of another year: not this page's
                continue
            counts = StatusCounts(part.statuses.get(goal_id, no_indicators))
            all_met = counts.total > 0 and counts.values[0] == counts.total
            roll_up.statuses.update(counts)
            roll_up.board_count += 1
            roll_up.boards_all_met += all_met
            if boards_of is None or boards_of == goal_id:
                attainment = part.attainments.get(goal_id, "")
                roll_up.boards.append(BoardUnderGoal(
                    report, counts, attainment, labels.get(attainment, "Ej bedömt"),
                    all_met,
                ))
    budgets = [
        BoardBudget(report=report, budget_net=part.budget_net, outcome_net=part.outcome_net,
                    forecast_net=part.forecast_net)
        for report, part in with_parts
    ]
    return CityFollowUp(
        year=year, period_kind=period_kind, reports=reports, goals=list(goals.values()),
        budgets=budgets,
    )

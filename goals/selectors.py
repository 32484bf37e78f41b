"""Reads of the goal hierarchy as one plan presents it: strategic → council → board goals.

A plan's tree is read in a fixed number of queries whatever its size: the plan's strategic goals,
its council goals, the indicators it follows, the council activities assigned to its board, and
its board goals with their indicators and activities.
"""
import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from .models import (
    Activity,
    BoardGoal,
    CouncilGoal,
    Indicator,
    PlanCouncilGoal,
    PlanIndicator,
    PlanStrategicGoal,
    StrategicGoal,
)


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    board_target: str
    council_target: str
    periodicity: str


@dataclass(frozen=True)
class ActivityRow:
    text: str
    start_date: datetime.date
    end_date: datetime.date


@dataclass
class BoardGoalNode:
    id: int
    title: str
    description: str
    indicators: list[IndicatorRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"namndmal-{self.id}"


@dataclass
class CouncilGoalNode:
    id: int
    strategic_goal_id: int
    sort_key: tuple[int, int]
    code: str
    title: str
    council_description: str
    description: str
    indicators: list[IndicatorRow] = field(default_factory=list)
    activities: list[ActivityRow] = field(default_factory=list)
    board_goals: list[BoardGoalNode] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"mal-{self.code.replace('.', '-')}"


@dataclass
class StrategicGoalNode:
    id: int
    number: int
    title: str
    council_description: str
    description: str
    council_goals: list[CouncilGoalNode] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"inriktningsmal-{self.number}"


@dataclass
class GoalTree:
    year: int
    strategic_goals: list[StrategicGoalNode] = field(default_factory=list)

    @property
    def council_goals(self) -> list[CouncilGoalNode]:
        return [goal for strategic in self.strategic_goals for goal in strategic.council_goals]


def _activity_row(activity: Activity) -> ActivityRow:
    return ActivityRow(activity.text, activity.start_date, activity.end_date)


def _indicator_row(indicator: Indicator, plan_indicator: PlanIndicator | None, year: int) -> IndicatorRow:
    board_target = plan_indicator.board_target.display(year) if plan_indicator else ""
    return IndicatorRow(
        name=indicator.name,
        board_target=board_target,
        council_target=indicator.council_target.display(year),
        periodicity=indicator.get_periodicity_display(),
    )


def _strategic_node(goal: StrategicGoal, description: str = "") -> StrategicGoalNode:
    return StrategicGoalNode(
        id=goal.pk, number=goal.number, title=goal.title,
        council_description=goal.description, description=description,
    )


def _council_node(goal: CouncilGoal, description: str = "") -> CouncilGoalNode:
    return CouncilGoalNode(
        id=goal.pk, strategic_goal_id=goal.strategic_goal_id,
        sort_key=(goal.strategic_goal.number, goal.number), code=goal.code, title=goal.title,
        council_description=goal.description, description=description,
    )


def _by_board_goal(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.board_goal_id, []).append(row)
    return grouped


def plan_goal_tree(*, case_id: int, board_id: int, year: int) -> GoalTree:
    """The goal tree of one plan, in the document's order, in six queries."""
    plan_strategic = list(
        PlanStrategicGoal.objects.filter(case_id=case_id).select_related("strategic_goal")
    )
    plan_council = list(
        PlanCouncilGoal.objects.filter(case_id=case_id)
        .select_related("council_goal__strategic_goal")
    )
    plan_indicators = {
        row.indicator_id: row
        for row in PlanIndicator.objects.filter(case_id=case_id).select_related("indicator")
    }
    board_goals = list(
        BoardGoal.objects.filter(case_id=case_id).select_related("council_goal__strategic_goal")
    )
    # The activities, in one query: the council's that the plan assigns to this board, and the
    # board goals' own (an activity belongs to a council goal or to a board goal, never both).
    activities = list(
        Activity.objects.filter(
            Q(council_goal__in=PlanCouncilGoal.objects.filter(case_id=case_id).values("council_goal"),
              assigned_board_id=board_id)
            | Q(board_goal__in=BoardGoal.objects.filter(case_id=case_id).values("pk"))
        ).order_by("order", "id")
    )
    council_activities = [activity for activity in activities if activity.board_goal_id is None]
    # The board goals' own indicators and activities are grouped here rather than with
    # prefetch_related: that clones a queryset for every board goal, which for a ten-fold plan's
    # 210 board goals took a tenth of the page's time.
    board_indicators = _by_board_goal(
        Indicator.objects.filter(board_goal__case_id=case_id).order_by("order", "name")
        if board_goals else []
    )
    board_activities = _by_board_goal(
        activity for activity in activities if activity.board_goal_id is not None
    )

    strategic_nodes: dict[int, StrategicGoalNode] = {
        row.strategic_goal_id: _strategic_node(row.strategic_goal, row.description)
        for row in plan_strategic
    }
    council_nodes: dict[int, CouncilGoalNode] = {}

    def council_node_for(goal: CouncilGoal, description: str = "") -> CouncilGoalNode:
        # A council goal reached only through a board goal still shows, under its strategic goal.
        if goal.pk not in council_nodes:
            strategic = goal.strategic_goal
            if strategic.pk not in strategic_nodes:
                strategic_nodes[strategic.pk] = _strategic_node(strategic)
            council_nodes[goal.pk] = _council_node(goal, description)
        return council_nodes[goal.pk]

    for row in plan_council:
        council_node_for(row.council_goal, row.description)
    for board_goal in board_goals:
        council_node_for(board_goal.council_goal)

    for plan_indicator in sorted(
        plan_indicators.values(), key=lambda row: (row.indicator.order, row.indicator.name),
    ):
        indicator = plan_indicator.indicator
        if indicator.council_goal_id in council_nodes:
            council_nodes[indicator.council_goal_id].indicators.append(
                _indicator_row(indicator, plan_indicator, year)
            )
    for activity in council_activities:
        council_nodes[activity.council_goal_id].activities.append(_activity_row(activity))
    for board_goal in board_goals:
        council_nodes[board_goal.council_goal_id].board_goals.append(
            BoardGoalNode(
                id=board_goal.pk,
                title=board_goal.title,
                description=board_goal.description,
                indicators=[
                    _indicator_row(indicator, plan_indicators.get(indicator.pk), year)
                    for indicator in board_indicators.get(board_goal.pk, [])
                ],
                activities=[
                    _activity_row(activity) for activity in board_activities.get(board_goal.pk, [])
                ],
            )
        )

    for node in sorted(council_nodes.values(), key=lambda node: node.sort_key):
        strategic_nodes[node.strategic_goal_id].council_goals.append(node)
    return GoalTree(
        year=year,
        strategic_goals=sorted(strategic_nodes.values(), key=lambda node: node.number),
    )

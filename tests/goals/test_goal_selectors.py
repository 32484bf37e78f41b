"""A plan's goal tree: the shared council goals with this plan's texts, targets and activities."""
import datetime
from decimal import Decimal

import pytest

from goals.models import Periodicity, TargetKind
from goals.selectors import plan_goal_tree
from tests import factories as f
from tests.budgetplan.plan_builder import build_plan

NBSP = "\u00a0"


def tree_for(case):
    return plan_goal_tree(case_id=case.pk, board_id=case.board_id, year=case.budget_year)


@pytest.mark.django_db
def test_tree_in_the_documents_order_with_the_plans_texts():
    case = f.CaseFactory()
    second = f.StrategicGoalFactory(number=2, title="Kvalitet och valfrihet")
    first = f.StrategicGoalFactory(number=1, title="En attraktiv stad")
    f.PlanStrategicGoalFactory(case=case, strategic_goal=second, description="Text 2")
    f.PlanStrategicGoalFactory(case=case, strategic_goal=first, description="Text 1")
    goal_1_2 = f.CouncilGoalFactory(strategic_goal=first, number=2, title="Självförsörjande")
    goal_1_1 = f.CouncilGoalFactory(strategic_goal=first, number=1, title="Företag etablerar sig")
    goal_2_1 = f.CouncilGoalFactory(strategic_goal=second, number=1, title="Valfrihet")
    for goal in (goal_2_1, goal_1_2, goal_1_1):
        f.PlanCouncilGoalFactory(case=case, council_goal=goal, description=f"Kontoret om {goal.title}")

    tree = tree_for(case)

    assert [(node.number, node.description) for node in tree.strategic_goals] == [
        (1, "Text 1"), (2, "Text 2"),
    ]
    assert [(node.code, node.title) for node in tree.council_goals] == [
        ("1.1", "Företag etablerar sig"), ("1.2", "Självförsörjande"), ("2.1", "Valfrihet"),
    ]
    assert tree.council_goals[0].description == "Kontoret om Företag etablerar sig"
    assert tree.council_goals[0].anchor == "mal-1-1"
    assert tree.strategic_goals[0].anchor == "inriktningsmal-1"


@pytest.mark.django_db
def test_council_indicators_followed_with_both_targets():
    case = f.CaseFactory(budget_year=2012)
    goal = f.CouncilGoalFactory()
    f.PlanCouncilGoalFactory(case=case, council_goal=goal)
    followed = f.IndicatorFactory(
        council_goal=goal, order=1, name="Antal ungdomar med sommarjobb",
        council_target_kind=TargetKind.INCREASE, council_target_value=None, council_target_unit="",
    )
    f.PlanIndicatorFactory(case=case, indicator=followed, board_target_kind=TargetKind.NUMBER,
                           board_target_value=Decimal("3"), board_target_unit="st")
    second = f.IndicatorFactory(council_goal=goal, order=2, name="Andel upphandlad verksamhet",
                                periodicity=Periodicity.TERTIAL)
    f.PlanIndicatorFactory(case=case, indicator=second, board_target_kind=TargetKind.SET_DURING_YEAR)
    f.IndicatorFactory(council_goal=goal, name="Följs inte i denna plan")

    (node,) = tree_for(case).council_goals

    assert [(row.name, row.board_target, row.council_target, row.periodicity) for row in node.indicators] == [
        ("Antal ungdomar med sommarjobb", f"3{NBSP}st", "öka", "År"),
        ("Andel upphandlad verksamhet", "fastställs 2012", f"35{NBSP}%", "Tertial"),
    ]


@pytest.mark.django_db
def test_council_activities_only_of_the_plans_board():
    case = f.CaseFactory()
    goal = f.CouncilGoalFactory()
    f.PlanCouncilGoalFactory(case=case, council_goal=goal)
    f.CouncilActivityFactory(council_goal=goal, assigned_board=case.board, order=2, text="Andra",
                             start_date=datetime.date(2012, 1, 1), end_date=datetime.date(2012, 3, 31))
    f.CouncilActivityFactory(council_goal=goal, assigned_board=case.board, order=1, text="Första")
    f.CouncilActivityFactory(council_goal=goal, text="Annan nämnds")

    (node,) = tree_for(case).council_goals

    assert [row.text for row in node.activities] == ["Första", "Andra"]
    assert node.activities[1].end_date == datetime.date(2012, 3, 31)


@pytest.mark.django_db
def test_shared_council_goal_shows_each_plans_own_text_and_targets():
    goal = f.CouncilGoalFactory()
    indicator = f.IndicatorFactory(council_goal=goal)
    plans = []
    for text, target in (("Kontorets text", "66"), ("Nämndens text", "70")):
        case = f.CaseFactory()
        f.PlanCouncilGoalFactory(case=case, council_goal=goal, description=text)
        f.PlanIndicatorFactory(case=case, indicator=indicator, board_target_kind=TargetKind.NUMBER,
                               board_target_value=Decimal(target))
        plans.append(case)

    first, second = (tree_for(case).council_goals[0] for case in plans)

    assert (first.description, first.indicators[0].board_target) == ("Kontorets text", "66")
    assert (second.description, second.indicators[0].board_target) == ("Nämndens text", "70")


@pytest.mark.django_db
def test_board_goals_with_their_indicators_and_activities():
    case = f.CaseFactory()
    goal = f.CouncilGoalFactory()
    f.PlanCouncilGoalFactory(case=case, council_goal=goal)
    board_goal = f.BoardGoalFactory(case=case, council_goal=goal, title="Tryggheten ska öka",
                                    description="")
    indicator = f.IndicatorFactory(council_goal=None, board_goal=board_goal, name="Andel trygga",
                                   council_target_kind="", council_target_value=None,
                                   council_target_unit="")
    f.PlanIndicatorFactory(case=case, indicator=indicator, board_target_kind=TargetKind.INCREASE)
    f.BoardActivityFactory(board_goal=board_goal, text="Utbilda krisledningsgrupper")

    (board_node,) = tree_for(case).council_goals[0].board_goals

    assert board_node.title == "Tryggheten ska öka"
    assert [(row.name, row.board_target, row.council_target) for row in board_node.indicators] == [
        ("Andel trygga", "öka", ""),
    ]
    assert [row.text for row in board_node.activities] == ["Utbilda krisledningsgrupper"]


@pytest.mark.django_db
def test_board_goal_under_a_council_goal_not_taken_into_the_plan_still_shows():
    case = f.CaseFactory()
    goal = f.CouncilGoalFactory(title="Inte valt")
    f.BoardGoalFactory(case=case, council_goal=goal, title="Nämndens eget mål")

    tree = tree_for(case)

    assert [node.title for node in tree.council_goals] == ["Inte valt"]
    assert tree.council_goals[0].board_goals[0].title == "Nämndens eget mål"


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 3])
def test_tree_is_read_in_six_queries_whatever_its_size(size, django_assert_num_queries):
    case = build_plan(size=size)
    with django_assert_num_queries(6):
        tree = tree_for(case)
    assert len(tree.council_goals) == size * size
    assert all(len(node.indicators) == size for node in tree.council_goals)
    assert all(len(node.activities) == size for node in tree.council_goals)
    # The one activities query keeps the council's apart from the board goals' own, and leaves out
    # what the council goal assigns to another board.
    assert all(len(board_goal.activities) == size
               for node in tree.council_goals for board_goal in node.board_goals)
    assert "En annan nämnds aktivitet" not in {
        row.text for node in tree.council_goals
        for row in [*node.activities, *(row for goal in node.board_goals for row in goal.activities)]
    }

"""The goal admin: the council's goals, indicators and activities, and each plan's own."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from goals.models import (
    Activity,
    BoardGoal,
    CouncilGoal,
    Indicator,
    PlanCouncilGoal,
    PlanIndicator,
    PlanStrategicGoal,
    StrategicGoal,
    TargetKind,
    Unit,
)
from tests import factories
from tests.admin_forms import add_row, assert_changelist_does_not_query_per_row, count_queries, read_form
from tests.budgetplan.roles import client_for, user_with

pytestmark = pytest.mark.django_db

END_BEFORE_START = "Slutdatum kan inte ligga före startdatum."


def change_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def board_goal():
    return factories.BoardGoalFactory(
        council_goal__strategic_goal__number=3, council_goal__number=1,
        title="Kontoret ska bedriva en effektiv verksamhet",
    )


def test_board_activity_ending_before_it_starts_is_refused(admin_client, board_goal):
    data = read_form(admin_client, change_url(board_goal))
    add_row(data, "activities", order="1", text="Ta fram en ny webbplats",
            start_date="2012-06-01", end_date="2012-03-31")

    response = admin_client.post(change_url(board_goal), data)

    assert response.status_code == 200
    assert response.content.decode().count(END_BEFORE_START) == 1
    assert not Activity.objects.exists()


def test_council_activity_ending_before_it_starts_is_refused(admin_client):
    council_goal = factories.CouncilGoalFactory()
    board = factories.BoardFactory()
    data = read_form(admin_client, change_url(council_goal))
    add_row(data, "activities", order="1", text="Utveckla e-tjänster", assigned_board=str(board.pk),
            start_date="2012-12-31", end_date="2012-01-01")

    response = admin_client.post(change_url(council_goal), data)

    assert END_BEFORE_START in response.content.decode()
    assert not Activity.objects.exists()


def test_council_activity_needs_the_board_it_is_assigned_to(admin_client):
    council_goal = factories.CouncilGoalFactory()
    data = read_form(admin_client, change_url(council_goal))
    add_row(data, "activities", order="1", text="Utveckla e-tjänster",
            start_date="2012-01-01", end_date="2012-12-31")

    response = admin_client.post(change_url(council_goal), data)

    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.content.decode()
    assert not Activity.objects.exists()


def test_board_goal_indicators_and_activities_are_saved(admin_client, board_goal):
    data = read_form(admin_client, change_url(board_goal))
    data["description"] = "Verksamheten ska vara effektiv."
    add_row(data, "indicators", order="1", name="Andel e-tjänster", periodicity="tertial")
    add_row(data, "activities", order="1", text="Ta fram en ny webbplats",
            start_date="2012-01-01", end_date="2012-12-31")

    response = admin_client.post(change_url(board_goal), data)

    assert response.status_code == 302
    board_goal.refresh_from_db()
    assert board_goal.description == "Verksamheten ska vara effektiv."
    indicator = board_goal.indicators.get()
    assert (indicator.name, indicator.get_periodicity_display()) == ("Andel e-tjänster", "Tertial")
    activity = board_goal.activities.get()
    assert (activity.start_date, activity.end_date) == (datetime.date(2012, 1, 1), datetime.date(2012, 12, 31))


def test_council_goal_page_edits_indicators_with_targets(admin_client):
    council_goal = factories.CouncilGoalFactory()
    url = change_url(council_goal)
    data = read_form(admin_client, url)
    add_row(data, "indicators", order="1", name="Energianvändning i Stadshuset",
            council_target_kind=TargetKind.NUMBER, council_target_value="76",
            council_target_decimals="0", council_target_unit=Unit.KWH, periodicity="year")
    add_row(data, "indicators", order="2", name="Budgetföljsamhet",
            council_target_kind=TargetKind.PLUS_MINUS, council_target_value="1",
            council_target_decimals="0", council_target_unit=Unit.PERCENT, periodicity="tertial")
    add_row(data, "indicators", order="3", name="Nöjda medborgare",
            council_target_kind=TargetKind.INCREASE, council_target_value="5",
            council_target_decimals="0", council_target_unit="", periodicity="year")

    response = admin_client.post(url, data)

    assert "KF:s årsmål: ett värde i ord har varken tal eller enhet." in response.content.decode()
    assert not Indicator.objects.exists()

    data["indicators-2-council_target_value"] = ""
    assert admin_client.post(url, data).status_code == 302
    targets = [i.council_target.display(2012) for i in council_goal.indicators.order_by("order")]
    assert targets == ["76\u00a0kWh", "+/-\u00a01\u00a0%", "öka"]


def test_new_council_goal_with_indicator_in_one_submit(admin_client):
    strategic = factories.StrategicGoalFactory(year=2012, number=3)
    url = reverse("admin:goals_councilgoal_add")
    data = read_form(admin_client, url)
    data.update(strategic_goal=str(strategic.pk), number="1", title="En effektiv organisation")
    add_row(data, "indicators", order="1", name="Sjukfrånvaro", council_target_kind=TargetKind.DECREASE,
            council_target_decimals="0", periodicity="year")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    goal = CouncilGoal.objects.get(strategic_goal=strategic)
    assert goal.code == "3.1"
    assert goal.indicators.get().council_target.display(2012) == "minska"


def test_duplicate_council_goal_number_is_refused(admin_client):
    strategic = factories.StrategicGoalFactory()
    factories.CouncilGoalFactory(strategic_goal=strategic, number=1)
    data = read_form(admin_client, change_url(strategic))
    add_row(data, "council_goals", number="1", title="Ett till mål 1")

    response = admin_client.post(change_url(strategic), data)

    assert "Målnumret finns redan under detta inriktningsmål." in response.content.decode()
    assert strategic.council_goals.count() == 1


def test_change_pages_render(admin_client):
    case = factories.CaseFactory()
    council_goal = factories.CouncilGoalFactory(strategic_goal__year=2012)
    factories.IndicatorFactory(council_goal=council_goal)
    factories.CouncilActivityFactory(council_goal=council_goal, assigned_board=case.board)
    board_goal = factories.BoardGoalFactory(case=case, council_goal=council_goal)
    indicator = factories.IndicatorFactory(council_goal=None, board_goal=board_goal,
                                           council_target_kind="", council_target_value=None,
                                           council_target_unit="")
    factories.BoardActivityFactory(board_goal=board_goal)
    plan_indicator = PlanIndicator.objects.create(case=case, indicator=indicator,
                                                  board_target_kind=TargetKind.INCREASE)
    plan_goal = PlanCouncilGoal.objects.create(case=case, council_goal=council_goal, description="Text")
    plan_strategic = PlanStrategicGoal.objects.create(case=case, strategic_goal=council_goal.strategic_goal)
    activity = council_goal.activities.get()
    for obj in (council_goal, council_goal.strategic_goal, board_goal, indicator, plan_indicator,
                plan_goal, plan_strategic, activity):
        response = admin_client.get(change_url(obj))
        assert response.status_code == 200, obj
    # The board indicator's annual target, set in the plan, shows on its board goal's page.
    assert "öka" in admin_client.get(change_url(board_goal)).content.decode()


def test_council_goal_page_queries_do_not_grow_with_its_rows(admin_client):
    small, large = factories.CouncilGoalFactory(), factories.CouncilGoalFactory()
    for goal, count in ((small, 2), (large, 20)):
        factories.IndicatorFactory.create_batch(count, council_goal=goal)
        factories.CouncilActivityFactory.create_batch(count, council_goal=goal)
        factories.BoardGoalFactory.create_batch(count, council_goal=goal)
    admin_client.get(change_url(small))
    assert count_queries(admin_client, change_url(large)) == count_queries(admin_client, change_url(small))


def test_activity_list_filters_by_year_and_board(admin_client):
    board = factories.BoardFactory(name="Kommunfullmäktige m.m.")
    case = factories.CaseFactory(board=board, budget_year=2012)
    assigned = factories.CouncilActivityFactory(
        council_goal__strategic_goal__year=2012, assigned_board=board, text="KF-aktivitet för KF m.m.",
    )
    own = factories.BoardActivityFactory(board_goal__case=case, text="Egen aktivitet")
    factories.CouncilActivityFactory(council_goal__strategic_goal__year=2012, text="Annan nämnds")
    factories.CouncilActivityFactory(
        council_goal__strategic_goal__year=2011, assigned_board=board, text="Fjolårets",
    )

    response = admin_client.get(changelist_url(Activity), {"year": 2012, "board": board.pk})

    assert set(response.context["cl"].result_list) == {assigned, own}
    council_only = admin_client.get(changelist_url(Activity), {"year": 2012, "owner": "council"})
    assert assigned in council_only.context["cl"].result_list
    assert own not in council_only.context["cl"].result_list


def test_council_goal_found_by_its_code(admin_client):
    goal = factories.CouncilGoalFactory(strategic_goal__number=3, number=1)
    factories.CouncilGoalFactory(strategic_goal__number=1, number=3)
    response = admin_client.get(changelist_url(CouncilGoal), {"q": "3.1"})
    assert list(response.context["cl"].result_list) == [goal]


def _strategic_goals(count):
    factories.StrategicGoalFactory.create_batch(count)


def _council_goals(count):
    factories.CouncilGoalFactory.create_batch(count)


def _board_goals(count):
    factories.BoardGoalFactory.create_batch(count)


def _indicators(count):
    """Both kinds: KF:s indicators and the board's own."""
    factories.IndicatorFactory.create_batch(count // 2)
    for board_goal in factories.BoardGoalFactory.create_batch(count - count // 2):
        factories.IndicatorFactory(council_goal=None, board_goal=board_goal, council_target_kind="",
                                   council_target_value=None, council_target_unit="")


def _plan_indicators(count):
    factories.PlanIndicatorFactory.create_batch(
        count, board_target_kind=TargetKind.NUMBER, board_target_value=Decimal("3"),
        board_target_unit=Unit.PIECES,
    )


def _plan_council_goals(count):
    for _ in range(count):
        PlanCouncilGoal.objects.create(case=factories.CaseFactory(), council_goal=factories.CouncilGoalFactory())


def _plan_strategic_goals(count):
    for _ in range(count):
        PlanStrategicGoal.objects.create(
            case=factories.CaseFactory(), strategic_goal=factories.StrategicGoalFactory(),
        )


def _activities(count):
    """Both kinds: KF:s activities assigned to a board, and a board's own."""
    factories.CouncilActivityFactory.create_batch(count // 2)
    factories.BoardActivityFactory.create_batch(count - count // 2)


@pytest.mark.parametrize(
    "model, make_rows",
    [
        (StrategicGoal, _strategic_goals),
        (CouncilGoal, _council_goals),
        (BoardGoal, _board_goals),
        (Indicator, _indicators),
        (PlanIndicator, _plan_indicators),
        (PlanCouncilGoal, _plan_council_goals),
        (PlanStrategicGoal, _plan_strategic_goals),
        (Activity, _activities),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_list_pages_do_not_query_per_row(admin_client, django_assert_num_queries, model, make_rows):
    assert_changelist_does_not_query_per_row(
        admin_client, changelist_url(model), make_rows, django_assert_num_queries,
    )


def test_who_only_reads_sees_targets_whole_not_their_four_fields():
    council_goal = factories.CouncilGoalFactory()
    factories.IndicatorFactory.create_batch(3, council_goal=council_goal)  # KF:s årsmål 35 %
    case = factories.CaseFactory(budget_year=council_goal.strategic_goal.year)
    factories.PlanIndicatorFactory(
        case=case, indicator=council_goal.indicators.first(),
        board_target_kind=TargetKind.INCREASE,
    )
    editor = client_for(user_with("editor", case.board))  # the council's goals are not theirs
    reader = client_for(user_with("reader", case.board))

    goal_page = editor.get(change_url(council_goal)).content.decode()
    case_page = reader.get(change_url(case)).content.decode()

    assert goal_page.count("35\u00a0%") == 3 and "KF:s årsmål, decimaler" not in goal_page
    assert "öka" in case_page and "Årsmål, decimaler" not in case_page
    # The targets' year is read with the rows, not once per row.
    before = count_queries(editor, change_url(council_goal))
    factories.IndicatorFactory.create_batch(10, council_goal=council_goal)
    assert count_queries(editor, change_url(council_goal)) == before


def _same_order_refused(admin_client, record, message):
    data = read_form(admin_client, change_url(record))
    data["order"] = "1"

    response = admin_client.post(change_url(record), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    record.refresh_from_db()
    assert record.order == 2


def test_two_council_indicators_with_one_order_under_a_goal_are_refused(admin_client):
    first = factories.IndicatorFactory(order=1)
    second = factories.IndicatorFactory(council_goal=first.council_goal, order=2)

    _same_order_refused(admin_client, second, "Ordningsnumret finns redan bland indikatorerna under detta KF-mål.")


def test_two_board_indicators_with_one_order_under_a_goal_are_refused(admin_client, board_goal):
    factories.IndicatorFactory(council_goal=None, board_goal=board_goal, order=1,
                               council_target_kind="", council_target_value=None, council_target_unit="")
    second = factories.IndicatorFactory(council_goal=None, board_goal=board_goal, order=2,
                                        council_target_kind="", council_target_value=None,
                                        council_target_unit="")

    _same_order_refused(admin_client, second, "Ordningsnumret finns redan bland indikatorerna under detta nämndmål.")


def test_two_council_activities_of_a_board_with_one_order_under_a_goal_are_refused(admin_client):
    council_goal, board = factories.CouncilGoalFactory(), factories.BoardFactory()
    dates = {"start_date": datetime.date(2012, 1, 1), "end_date": datetime.date(2012, 12, 31)}
    Activity.objects.create(council_goal=council_goal, assigned_board=board, order=1, text="Första", **dates)
    # another board's activity may have the same order under the same goal
    Activity.objects.create(council_goal=council_goal, assigned_board=factories.BoardFactory(), order=2,
                            text="Annan nämnds", **dates)
    second = Activity.objects.create(council_goal=council_goal, assigned_board=board, order=2,
                                     text="Andra", **dates)

    _same_order_refused(admin_client, second,
                        "Ordningsnumret finns redan bland den ansvariga nämndens aktiviteter under detta KF-mål.")


def test_two_board_activities_with_one_order_under_a_goal_are_refused(admin_client, board_goal):
    dates = {"start_date": datetime.date(2012, 1, 1), "end_date": datetime.date(2012, 12, 31)}
    Activity.objects.create(board_goal=board_goal, order=1, text="Första", **dates)
    second = Activity.objects.create(board_goal=board_goal, order=2, text="Andra", **dates)

    _same_order_refused(admin_client, second, "Ordningsnumret finns redan bland aktiviteterna under detta nämndmål.")

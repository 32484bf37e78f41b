"""The case's change log: what changed beneath the case, when, by whom, from what to what."""
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from budgetplan.kernel.services import record_delete, record_save
from tests import factories
from tests.budgetplan.roles import client_for, decide, user_with

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


@pytest.fixture
def anna():
    return User.objects.create_superuser("anna", first_name="Anna", last_name="Andersson")


@pytest.fixture
def frame():
    return factories.FinancialFrameFactory(case__title="Budget 2012")


def changes_url(case) -> str:
    return reverse("cases:changes", args=[case.pk])


def rows(page: str) -> list[str]:
    """The table rows of the log as text, newest first."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in body.split("</tr>") if "<td" in row]


def test_a_change_shows_when_who_which_record_and_old_and_new_values(frame, anna):
    row = factories.OperatingBudgetRowFactory(frame=frame, department="Kansli", costs=Decimal("10.0"))
    row.costs = Decimal("12.5")
    row.department = "Kansliet"
    record_save(instance=row, user=anna)

    response = client_for(anna).get(changes_url(frame.case))

    assert response.status_code == 200
    newest, created = rows(response.content.decode())[:2]
    assert "Anna Andersson" in newest
    assert "Rad i driftbudgeten Kansliet" in newest and " ändrad " in f" {newest} "
    assert "avdelning: Kansli → Kansliet" in newest
    assert "kostnader: 10,0 → 12,5" in newest
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d ", newest)
    assert "Rad i driftbudgeten Kansli skapad" in created


def test_deleted_rows_and_shared_council_goals_the_plan_takes_are_listed(frame, anna):
    case = frame.case
    row = factories.OperatingBudgetRowFactory(frame=frame, department="Valnämnden")
    record_delete(instance=row, user=anna)
    taken = factories.PlanCouncilGoalFactory(case=case).council_goal
    not_taken = factories.CouncilGoalFactory(strategic_goal=taken.strategic_goal, number=9)
    taken.title, not_taken.title = "Ett mål som planen tar", "Ett mål som planen inte tar"
    record_save(instance=taken, user=anna)
    record_save(instance=not_taken, user=anna)

    page = client_for(anna).get(changes_url(case)).content.decode()

    assert any("Rad i driftbudgeten Valnämnden borttagen" in row for row in rows(page))
    assert "→ Ett mål som planen tar" in page
    assert "Ett mål som planen inte tar" not in page
    # another board's plan does not list this plan's rows
    other = factories.FinancialFrameFactory().case
    assert "Valnämnden" not in client_for(anna).get(changes_url(other)).content.decode()


def test_related_records_are_named_not_numbered(frame, anna):
    case = frame.case
    first, second = factories.CouncilGoalFactory(title="Första målet"), factories.CouncilGoalFactory(
        title="Andra målet")
    goal = factories.BoardGoalFactory(case=case, council_goal=first, title="Nämndens mål")
    goal.council_goal = second
    record_save(instance=goal, user=anna)

    page = client_for(anna).get(changes_url(case)).content.decode()

    assert re.search(r"KF:s mål: \d{4} – \d+\.\d+ Första målet → \d{4} – \d+\.\d+ Andra målet", page)


def test_a_draft_log_is_read_only_by_those_who_may_read_the_draft(frame):
    case = frame.case
    url = changes_url(case)
    assert client_for(None).get(url).status_code == 404
    assert client_for(user_with("reader", factories.BoardFactory())).get(url).status_code == 404
    assert client_for(user_with("reader", case.board)).get(url).status_code == 200


def test_a_decided_case_log_is_public():
    case = factories.RegistryNumberFactory().case
    decide(case)
    page = client_for(None).get(changes_url(case)).content.decode()
    assert "Ärende" in page and "Beslutat" in page


def test_the_case_page_links_to_its_log(frame, anna):
    page = client_for(anna).get(reverse("cases:detail", args=[frame.case.pk])).content.decode()
    assert f'href="{changes_url(frame.case)}"' in page


def _edit_many(frame, user, count: int) -> None:
    """`count` changes across the kinds of records a plan holds, with related records to name."""
    case = frame.case
    council_goal = factories.PlanCouncilGoalFactory(case=case).council_goal
    other_goal = factories.CouncilGoalFactory(strategic_goal=council_goal.strategic_goal)
    for n in range(count):
        row = factories.OperatingBudgetRowFactory(frame=frame)
        row.costs += 1
        record_save(instance=row, user=user)
        goal = factories.BoardGoalFactory(case=case, council_goal=council_goal)
        goal.title, goal.council_goal = f"Mål {n}", other_goal  # a related record to name
        record_save(instance=goal, user=user)
        point = factories.DecisionPointFactory(case=case)
        record_delete(instance=point, user=user)
        indicator = factories.IndicatorFactory(council_goal=council_goal)
        factories.PlanIndicatorFactory(case=case, indicator=indicator)
        reservation = factories.ReservationFactory(case=case)
        reservation.text = f"Text {n}"
        record_save(instance=reservation, user=user)


def test_the_log_reads_as_many_queries_for_a_long_history_as_for_a_short(
    frame, anna, django_assert_num_queries,
):
    client = client_for(anna)
    _edit_many(frame, anna, 1)
    client.get(changes_url(frame.case))  # the session and the user are read as on any page
    small = frame.case
    # session, user, the case's status and board, the case, a query per historical model (29,
    # subjects, budget adjustments, figures and their quotes among them), the council goals the
    # changes name
    with django_assert_num_queries(34) as captured:
        client.get(changes_url(frame.case))

    big = factories.FinancialFrameFactory(case__board=frame.case.board)
    _edit_many(big, anna, 15)
    with django_assert_num_queries(len(captured.captured_queries)):
        response = client.get(changes_url(big.case))
    assert len(rows(response.content.decode())) > len(rows(client.get(changes_url(small)).content.decode()))


def test_the_log_is_paged_newest_first(frame, anna):
    row = factories.OperatingBudgetRowFactory(frame=frame, costs=Decimal("0.0"))
    for _ in range(120):
        row.costs += 1
        record_save(instance=row, user=anna)
    client = client_for(anna)

    first = client.get(changes_url(frame.case)).content.decode()
    second = client.get(changes_url(frame.case) + "?sida=2").content.decode()

    assert len(rows(first)) == 100
    assert "kostnader: 119,0 → 120,0" in rows(first)[0]
    assert "Sida 1 av 2" in first and 'href="?sida=2"' in first
    assert "kostnader: 20,0 → 21,0" in rows(first)[-1]
    older = rows(second)
    assert "kostnader: 19,0 → 20,0" in older[0]
    assert [row for row in older if "kostnader: 0,0 → 1,0" in row]
    assert "Ärende" in older[-1] and older[-1].endswith("skapad")  # the oldest: the case itself


def test_goals_shown_above_a_board_goal_are_listed_though_the_plan_does_not_take_them(frame, anna):
    case = frame.case
    above = factories.BoardGoalFactory(case=case).council_goal
    above.title = "Ett mål ovanför nämndmålet"
    record_save(instance=above, user=anna)
    strategic = above.strategic_goal
    strategic.title = "Ett inriktningsmål ovanför"
    record_save(instance=strategic, user=anna)

    page = client_for(anna).get(changes_url(case)).content.decode()

    assert "→ Ett mål ovanför nämndmålet" in page
    assert "→ Ett inriktningsmål ovanför" in page
    other = factories.FinancialFrameFactory().case
    assert "Ett mål ovanför nämndmålet" not in client_for(anna).get(changes_url(other)).content.decode()


def test_a_goal_moved_to_another_case_takes_its_later_history_with_it(anna):
    """Issue 9, item 2: the first case's log says the goal left, and nothing of what happened to
    it (or to its indicators and activities) in the other case, whose readers it may not have."""
    first, second = factories.CaseFactory(), factories.CaseFactory()
    goal = factories.BoardGoalFactory(case=first, title="Nämndmålet före flytten")
    indicator = factories.IndicatorFactory(
        council_goal=None, board_goal=goal, name="Indikator före flytten",
        council_target_kind="", council_target_value=None, council_target_unit="",
    )
    activity = factories.BoardActivityFactory(board_goal=goal, text="Aktivitet före flytten")
    indicator.name = "Indikator ändrad i första ärendet"
    record_save(instance=indicator, user=anna)

    goal.case = second
    record_save(instance=goal, user=anna)
    goal.title = "Hemligt nämndmål i andra ärendet"
    record_save(instance=goal, user=anna)
    indicator.name = "Hemlig indikator i andra ärendet"
    record_save(instance=indicator, user=anna)
    activity.text = "Hemlig aktivitet i andra ärendet"
    record_save(instance=activity, user=anna)
    record_delete(instance=activity, user=anna)

    reader_of_first = client_for(user_with("reader", first.board))
    assert reader_of_first.get(changes_url(second)).status_code == 404
    page = reader_of_first.get(changes_url(first)).content.decode()
    assert "Hemlig" not in page
    assert "Indikator före flytten → Indikator ändrad i första ärendet" in page
    moved_out = [row for row in rows(page) if "flyttad till ett annat ärende" in row]
    assert len(moved_out) == 1 and "Nämndmål Nämndmålet före flytten" in moved_out[0]

    page = client_for(user_with("reader", second.board)).get(changes_url(second)).content.decode()
    assert "Nämndmålet före flytten → Hemligt nämndmål i andra ärendet" in page
    assert "Indikator ändrad i första ärendet → Hemlig indikator i andra ärendet" in page
    assert any("Hemlig aktivitet i andra ärendet borttagen" in row for row in rows(page))
    moved_in = [row for row in rows(page) if "flyttad hit från ett annat ärende" in row]
    assert len(moved_in) == 1 and "Nämndmål Nämndmålet före flytten" in moved_in[0]
    # what happened while the goal was in the first case stays in the first case's log
    assert "Indikator före flytten →" not in page
    assert "Indikator före flytten skapad" not in page


def test_a_budget_row_moved_to_another_plans_frame_leaves_its_later_changes_behind(anna):
    here, there = factories.FinancialFrameFactory(), factories.FinancialFrameFactory()
    row = factories.OperatingBudgetRowFactory(frame=here, department="Kansliet")
    row.frame = there
    record_save(instance=row, user=anna)
    row.department = "Annan nämnds avdelning"
    record_save(instance=row, user=anna)

    left = rows(client_for(anna).get(changes_url(here.case)).content.decode())
    came = rows(client_for(anna).get(changes_url(there.case)).content.decode())

    assert "Rad i driftbudgeten Kansliet flyttad till ett annat ärende" in left[0]
    assert not [entry for entry in left if "Annan nämnds avdelning" in entry]
    assert "avdelning: Kansliet → Annan nämnds avdelning" in came[0]
    assert "Rad i driftbudgeten Kansliet flyttad hit från ett annat ärende" in came[1]
    assert not [entry for entry in came if "Kansliet skapad" in entry]


def test_a_login_name_is_never_shown_to_the_public():
    """Issue 9, item 5: staff without a full name appear as "en handläggare" to the public; the
    login name is for logged-in staff who may read the case."""
    case = factories.RegistryNumberFactory().case
    clerk = user_with("clerk", case.board)  # a login name, no full name
    row = factories.OperatingBudgetRowFactory(frame__case=case, department="Kansliet")
    row.department = "Kansliet och stab"
    record_save(instance=row, user=clerk)
    decide(case, user=clerk)

    public = client_for(None).get(changes_url(case)).content.decode()
    edit = next(row for row in rows(public) if "Kansliet → Kansliet och stab" in row)
    assert clerk.username not in public
    assert " en handläggare " in f" {edit} "

    for reader in (user_with("reader", case.board), user_with("editor", factories.BoardFactory())):
        staff_page = client_for(reader).get(changes_url(case)).content.decode()
        edit = next(row for row in rows(staff_page) if "Kansliet → Kansliet och stab" in row)
        assert f" {clerk.username} " in f" {edit} "
    other = factories.RegistryNumberFactory().case
    named = user_with("clerk", other.board)
    User.objects.filter(pk=named.pk).update(username="eva.e", first_name="Eva", last_name="Ek")
    named.refresh_from_db()
    goal = factories.BoardGoalFactory(case=other, title="Ett mål")
    goal.title = "Ett bättre mål"
    record_save(instance=goal, user=named)
    decide(other)
    page = client_for(None).get(changes_url(other)).content.decode()
    assert "Eva Ek" in page and "eva.e" not in page

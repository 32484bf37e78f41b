"""The city-wide follow-up page and its drill-down per KF goal, through the real URLs."""
import datetime
import re

import pytest
from django.urls import reverse

from bench.city import generate_city
from budgetplan.cases.models import Case
from budgetplan.document.city_followup import city_followup
from budgetplan.kernel.formatting import format_decimal
from followup.models import FollowUpReport, IndicatorOutcome, ReportStatus
from followup.selectors import followup_document, period_reports
from tests.budgetplan.roles import client_for, user_with

pytestmark = pytest.mark.django_db

# The session, the user, their roles, the period's reports, the year's KF goals, and the
# reports' contributions (plan indicators, board indicators, outcomes, plan council goals,
# assessments, budget sums and outcome sums) unless the approved reports' are in the cache.
CITY_PAGE_QUERIES = 12
CITY_PAGE_QUERIES_CACHED = 5


def city_url(year=2013, period="t1"):
    return reverse("cases:city_followup", args=[year, period])


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def decide_directly(*cases):
    """Set-up: the plans as decided (their follow-up is what is tested here)."""
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(
        status=Case.Status.DECIDED, decided_on=datetime.date(2013, 1, 20),
    )


@pytest.fixture
def city():
    return generate_city(boards=3, years=1, scale=1, seed=1, first_year=2013)


def test_the_roll_up_agrees_with_every_boards_own_report(city):
    """For every KF goal, the city's counts are the sums of the boards' reports, status by status,
    computed by the same rule; and every board's deviation is its report's."""
    reports = period_reports(year=2013, period_kind="T1")
    roll_up = city_followup(year=2013, period_kind="T1", reports=reports)
    expected: dict[int, dict[str, int]] = {}
    deviations = {}
    for report in reports:
        document = followup_document(report=report)
        for line in document.indicators:
            counts = expected.setdefault(line.council_goal_id, {})
            counts[line.status] = counts.get(line.status, 0) + 1
        deviations[report.pk] = document.budget_totals.deviation_net
    rolled = {goal.goal.pk: dict(goal.statuses.counts) for goal in roll_up.goals if goal.statuses.total}
    assert rolled == expected
    assert {row.report.pk: row.deviation_net for row in roll_up.budgets} == deviations
    assert sum(goal.statuses.total for goal in roll_up.goals) == sum(
        len(followup_document(report=report).indicators) for report in reports
    )


def test_the_page_shows_every_kf_goal_and_every_boards_deviation(city):
    admin = user_with("administrator")
    response = client_for(admin).get(city_url())
    assert response.status_code == 200
    html = response.content.decode()
    reports = period_reports(year=2013, period_kind="T1")
    roll_up = city_followup(year=2013, period_kind="T1", reports=reports)

    rollup_table = html.split('class="data-table rollup-table"')[1].split("</table>")[0]
    assert rollup_table.count('<th scope="row">') == len(roll_up.goals) == 16  # the council's pool
    first = roll_up.goals[0]
    row = text_of(re.search(r'<th scope="row">.*?</tr>', rollup_table, flags=re.S).group(0))
    assert row.startswith(f" {first.code} {first.goal.title} {first.board_count} {first.boards_all_met} "
                          f"{first.statuses.met} {first.statuses.partly_met} {first.statuses.not_met}")
    budget = html.split('<table class="data-table budget-table">')[1].split("</table>")[0]
    for row in roll_up.budgets:
        line = text_of(budget.split(row.board_name)[1].split("</tr>")[0])
        assert format_decimal(row.deviation_net).replace("\u00a0", " ") in line
    assert f"Summa {format_decimal(roll_up.budget_total)}".replace("\u00a0", " ") in text_of(budget)
    assert response["Cache-Control"] == "private, no-store"


def test_the_drill_down_lists_each_board_with_its_assessment_and_a_link(city):
    admin = user_with("administrator")
    roll_up = city_followup(year=2013, period_kind="T1",
                            reports=period_reports(year=2013, period_kind="T1"))
    goal = max(roll_up.goals, key=lambda goal: len(goal.boards))
    response = client_for(admin).get(reverse("cases:city_followup_goal", args=[2013, "t1", goal.goal.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for board in goal.boards:
        link = reverse("cases:followup_report", args=[board.report.case_id, "t1"])
        assert f'{link}#uppfoljning-council-{goal.goal.pk}">{board.board_name}</a>' in html
        assert f"</span> {board.attainment_label}</span>" in html
    # The link lands on the goal's section of the board's report.
    board = goal.boards[0]
    report_html = client_for(admin).get(reverse("cases:followup_report", args=[board.report.case_id, "t1"]))
    assert f'id="uppfoljning-council-{goal.goal.pk}"' in report_html.content.decode()
    assert client_for(admin).get(reverse("cases:city_followup_goal", args=[2013, "t1", 999999])).status_code == 404


def test_who_sees_which_boards(city):
    first, second, third = city.cases
    decide_directly(first, second)
    # The second board's report is open again: not public, but its own board reads it.
    FollowUpReport.objects.filter(case=second, period__kind="T1").update(
        status=ReportStatus.OPEN, approved_at=None,
    )

    anonymous = client_for(None).get(city_url())
    html = anonymous.content.decode()
    assert first.board.name in html
    assert second.board.name not in html  # open
    assert third.board.name not in html  # the plan is not decided
    assert "1 nämnders uppföljningar" in html
    # Made of approved reports only: public, briefly kept.
    assert "public" in anonymous["Cache-Control"] and "max-age=300" in anonymous["Cache-Control"]

    reader = user_with("reader", second.board)
    html = client_for(reader).get(city_url()).content.decode()
    assert first.board.name in html and second.board.name in html
    assert third.board.name not in html
    assert "Några är inte godkända" in html

    # No report readable: the page says so, and nothing about any board.
    html = client_for(None).get(city_url(period="t2")).content.decode()
    assert first.board.name in html  # T2 of the decided plan is approved too
    html = client_for(None).get(city_url(year=2030)).content.decode()
    assert "Det finns ingen uppföljning för T1 2030 som du kan läsa" in html
    assert client_for(None).get(city_url(period="t9")).status_code == 404


def test_the_page_takes_the_same_queries_for_a_larger_city(django_assert_num_queries):
    from django.core.cache import cache

    generate_city(boards=1, years=1, scale=1, seed=1, first_year=2013)
    generate_city(boards=4, years=1, scale=2, seed=2, first_year=2014)
    admin = user_with("administrator")
    client = client_for(admin)
    client.get(city_url(2013))  # the session and the user's roles
    cache.clear()
    with django_assert_num_queries(CITY_PAGE_QUERIES):
        small = client.get(city_url(2013)).content.decode()
    with django_assert_num_queries(CITY_PAGE_QUERIES):
        large = client.get(city_url(2014)).content.decode()
    assert "1 nämnders uppföljningar" in small
    assert "4 nämnders uppföljningar" in large
    # Every report approved: their contributions come from the cache the second time.
    with django_assert_num_queries(CITY_PAGE_QUERIES_CACHED):
        cached = client.get(city_url(2014)).content.decode()
    assert cached.split('<article')[1] == large.split('<article')[1]
    goal = city_followup(year=2014, period_kind="Helår",
                         reports=period_reports(year=2014, period_kind="Helår")).goals[0]
    cache.clear()
    with django_assert_num_queries(CITY_PAGE_QUERIES):
        drill_down = client.get(reverse("cases:city_followup_goal", args=[2014, "helar", goal.goal.pk]))
    assert drill_down.status_code == 200


def test_an_open_report_is_read_anew_not_from_the_cache(city):
    """The cache keeps only approved reports' parts: a report reopened is read as it is now."""
    first = city.cases[0]
    reports = period_reports(year=2013, period_kind="T1")
    before = city_followup(year=2013, period_kind="T1", reports=reports).statuses
    report = next(report for report in reports if report.case_id == first.pk)
    line = next(line for line in followup_document(report=report).indicators
                if line.status == "met" and line.target.kind == "number")
    # Reopened (test set-up, straight to the rows) and one outcome far below its target.
    FollowUpReport.objects.filter(pk=report.pk).update(status=ReportStatus.OPEN, approved_at=None)
    IndicatorOutcome.objects.filter(report=report, indicator_id=line.id).update(value=-1000)

    after = city_followup(year=2013, period_kind="T1",
                          reports=period_reports(year=2013, period_kind="T1")).statuses
    assert (after.met, after.not_met) == (before.met - 1, before.not_met + 1)
    html = client_for(user_with("administrator")).get(city_url()).content.decode()
    assert f"<strong>{after.met}</strong> av {after.total} uppfyllda" in html

"""fixtures/reference_2012_followup.json: invented T1 outcomes for every record of the reference plan."""
import pytest
from django.core.management import call_command

from followup import selectors
from followup.models import FollowUpReport, ReportStatus
from followup.status import IndicatorStatus
from tests.budgetplan.roles import client_for, user_with

from .helpers import entry_url


@pytest.fixture
def reference_followup(reference_case):
    call_command("loaddata", "reference_2012_followup", verbosity=0)
    return FollowUpReport.objects.get(case=reference_case, period__kind="T1")


def test_it_loads_and_covers_every_record_of_the_plan(reference_followup):
    report = reference_followup
    document = selectors.followup_document(report_id=report.pk)
    assert report.status == ReportStatus.OPEN
    assert report.period.closing_date.isoformat() == "2012-04-30"
    # every one of the plan's 31 indicators, 76 activities, 13 council goals and 21 board goals,
    # 14 budget rows and its investment has an outcome, and it is filled in
    assert len(document.indicators) == 31
    assert all(line.outcome_text for line in document.indicators)
    assert len(document.activities) == 76 and all(line.status for line in document.activities)
    assert len(document.goal_lines) == 34 and all(line.attainment for line in document.goal_lines)
    assert len(document.budget_lines) == 14
    assert all(line.forecast_net is not None and line.outcome_net is not None for line in document.budget_lines)
    assert [line.forecast for line in document.investment_lines] == [line.budget for line in document.investment_lines]
    # the invented figures give every status, so the demonstration shows each of them
    counts = document.status_counts
    assert all(counts[status] > 0 for status in (IndicatorStatus.MET, IndicatorStatus.PARTLY_MET, IndicatorStatus.NOT_MET))
    # totals come from the rows: 1 348,0 budgeted costs, as in the plan
    assert str(document.budget_totals.budget_costs) == "1348.0"


def test_the_page_says_plainly_the_data_is_invented(reference_followup):
    case = reference_followup.case
    page = client_for(user_with("editor", case.board)).get(entry_url(case)).content.decode()
    assert "Påhittade uppgifter:" in page
    assert "påhittade för att visa hur uppföljningen fungerar" in page


def test_the_board_can_submit_it_and_the_clerk_approve_it(reference_followup):
    case = reference_followup.case
    editor, clerk = user_with("editor", case.board), user_with("clerk", case.board)
    url = f"{entry_url(case)}status/"
    assert "Uppföljningen är inlämnad." in client_for(editor).post(url, {"action": "submit"}, follow=True).content.decode()
    assert "godkänd och därmed låst" in client_for(clerk).post(url, {"action": "approve"}, follow=True).content.decode()
    assert FollowUpReport.objects.get(pk=reference_followup.pk).status == ReportStatus.APPROVED

"""The follow-up entry form through its real URL: entry, errors beside fields, all or nothing,
stale versions, permissions, submit and approve, and finality after approval."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from budgetplan.kernel.services import record_save
from followup import services
from followup.models import (
    ActivityOutcome,
    BudgetRowOutcome,
    FollowUpReport,
    GoalAssessment,
    IndicatorOutcome,
    ReportStatus,
)
from tests.budgetplan.plan_builder import build_plan
from tests.budgetplan.roles import client_for, user_with

from .helpers import entry_url, field_name, posted_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    case = build_plan(size=1)
    report = services.report_open(case=case, period_kind="T1")
    return case, report


def council_outcome(report):
    return IndicatorOutcome.objects.filter(report=report, indicator__council_goal__isnull=False).get()


def test_the_boards_editor_sees_targets_beside_outcome_fields_and_saves(plan):
    case, report = plan
    editor = user_with("editor", case.board)
    client = client_for(editor)
    page = client.get(entry_url(case)).content.decode()
    assert "Uppföljning tertial 1 2012" in page
    assert "3\u00a0st" in page  # the board's annual target beside the fields
    assert "35\u00a0%" in page  # the council's annual target
    outcome = council_outcome(report)
    data = posted_form(report)
    data[field_name(report, outcome, "value")] = "4"
    data[field_name(report, outcome, "comment")] = "Bättre än väntat."
    budget = BudgetRowOutcome.objects.get(report=report)
    data[field_name(report, budget, "forecast_costs")] = "80,5"
    data[field_name(report, budget, "forecast_revenues")] = "-21,0"

    response = client.post(entry_url(case), data, follow=True)

    assert "Uppföljningen är sparad (2 rader ändrade)." in response.content.decode()
    outcome.refresh_from_db()
    assert (outcome.value, outcome.comment, outcome.version) == (Decimal("4"), "Bättre än väntat.", 2)
    assert outcome.history.latest().history_user == editor
    budget.refresh_from_db()
    assert (budget.forecast_costs, budget.forecast_revenues) == (Decimal("80.5"), Decimal("-21.0"))
    page = response.content.decode()
    assert "✔</span> Uppfyllt" in page  # 4 st against a target of 3 st, shown with symbol and word
    assert "Avvikelse netto" in page and "1,3" in page  # 60,8 − 59,5, computed


def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(plan):
    case, report = plan
    client = client_for(user_with("editor", case.board))
    outcome = council_outcome(report)
    budget = BudgetRowOutcome.objects.get(report=report)
    data = posted_form(report)
    data[field_name(report, outcome, "value")] = "3.5"
    data[field_name(report, budget, "forecast_revenues")] = "12,0"  # revenues are negative
    data[field_name(report, budget, "forecast_costs")] = "80,0"  # valid, but must not be saved alone

    response = client.post(entry_url(case), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Inget har sparats" in page
    value_input = f'id="f-{field_name(report, outcome, "value")}-fel"'
    assert value_input in page
    assert "utfall (%): anges utan decimaler, som målet." in page or "skriv talet med decimalkomma, t.ex. 3,5" in page
    assert "Prognos intäkter anges negativt" in page
    # beside its own field, not only the row's
    assert f'id="f-{field_name(report, budget, "forecast_revenues")}-fel"' in page
    budget.refresh_from_db()
    assert budget.forecast_costs is None and budget.version == 1
    assert 'value="80,0"' in page  # what was typed is kept on the page


def test_a_word_where_a_number_is_due_is_refused_with_its_row(plan):
    case, report = plan
    client = client_for(user_with("editor", case.board))
    outcome = council_outcome(report)
    data = posted_form(report)
    data[field_name(report, outcome, "value")] = "många"
    response = client.post(entry_url(case), data)
    assert response.status_code == 400
    assert "är inget tal" in response.content.decode()
    assert "Indikatorn" in response.content.decode()


def test_a_stale_form_is_refused_with_what_changed_and_nothing_is_saved(plan):
    case, report = plan
    client = client_for(user_with("editor", case.board))
    stale = posted_form(report)
    outcome = council_outcome(report)
    budget = BudgetRowOutcome.objects.get(report=report)
    # Someone else saves the indicator meanwhile.
    outcome.comment = "Någon annans kommentar"
    record_save(instance=outcome)
    stale[field_name(report, outcome, "value")] = "2"
    stale[field_name(report, budget, "forecast_costs")] = "70,0"

    response = client.post(entry_url(case), stale)

    assert response.status_code == 400
    page = response.content.decode()
    assert "har ändrats av någon annan medan du redigerade" in page
    outcome.refresh_from_db()
    budget.refresh_from_db()
    assert outcome.value is None and budget.forecast_costs is None


def test_without_a_csrf_token_nothing_is_saved(plan):
    case, report = plan
    editor = user_with("editor", case.board)
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    data = posted_form(report)
    data[field_name(report, council_outcome(report), "value")] = "4"
    assert client.post(entry_url(case), data).status_code == 403
    assert council_outcome(report).value is None


@pytest.mark.parametrize("who, expected", [
    ("other_editor", 404), ("reader", 403), ("anonymous", 404), ("editor", 200), ("clerk", 200),
])
def test_who_may_open_the_form(plan, who, expected):
    case, report = plan
    other = build_plan(size=1).board
    user = {
        "other_editor": lambda: user_with("editor", other),
        "reader": lambda: user_with("reader", case.board),
        "anonymous": lambda: None,
        "editor": lambda: user_with("editor", case.board),
        "clerk": lambda: user_with("clerk", case.board),
    }[who]()
    assert client_for(user).get(entry_url(case)).status_code == expected


def test_another_boards_editor_cannot_write_even_with_a_forged_post(plan):
    case, report = plan
    other_case = build_plan(size=1)
    outsider = user_with("editor", other_case.board)
    data = posted_form(report)
    data[field_name(report, council_outcome(report), "value")] = "9"
    assert client_for(outsider).post(entry_url(case), data).status_code == 404
    assert council_outcome(report).value is None


def fill_for_submit(client, case, report):
    data = posted_form(report)
    for activity in ActivityOutcome.objects.filter(report=report):
        data[field_name(report, activity, "status")] = "ongoing"
    budget = BudgetRowOutcome.objects.get(report=report)
    data[field_name(report, budget, "forecast_costs")] = "82,8"
    data[field_name(report, budget, "forecast_revenues")] = "-22,0"
    response = client.post(entry_url(case), data)
    assert response.status_code == 302


def transition(client, case, action):
    return client.post(f"{entry_url(case)}status/", {"action": action}, follow=True)


def test_submit_needs_what_is_due_then_the_clerk_approves_and_it_is_final(plan):
    case, report = plan
    editor = user_with("editor", case.board)
    clerk = user_with("clerk", case.board)
    board_client, clerk_client = client_for(editor), client_for(clerk)

    refused = transition(board_client, case, "submit").content.decode()
    assert "Uppföljningen kan inte lämnas in än: 2 aktiviteter utan status" in refused
    fill_for_submit(board_client, case, report)
    assert "Uppföljningen är inlämnad." in transition(board_client, case, "submit").content.decode()

    # Submitted: the board can no longer change it, nor approve it.
    data = posted_form(report)
    data[field_name(report, council_outcome(report), "value")] = "1"
    assert board_client.post(entry_url(case), data).status_code == 403
    assert transition(board_client, case, "approve").status_code == 403
    assert FollowUpReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED

    page = transition(clerk_client, case, "approve").content.decode()
    assert "Uppföljningen är godkänd och därmed låst." in page
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.approved_by == clerk
    assert "Uppföljningen är godkänd och kan inte längre ändras." in page
    assert "Spara uppföljningen" not in page

    # Final: no form, no reopening, no service write, no save from a shell, for anyone.
    assert clerk_client.post(entry_url(case), data).status_code == 403
    assert "Bara en inlämnad uppföljning kan öppnas igen." in transition(clerk_client, case, "reopen").content.decode()
    administrator = user_with("administrator")
    outcome = council_outcome(report)
    outcome.value = Decimal("1")
    with pytest.raises(ValidationError, match="Uppföljningen är godkänd och kan inte ändras."):
        record_save(instance=outcome, user=administrator)
    with pytest.raises(ValidationError, match="godkänd"):
        outcome.save()
    assessment = GoalAssessment.objects.filter(report=report).first()
    with pytest.raises(ValidationError, match="godkänd"), transaction.atomic():
        assessment.delete()
    report.status = ReportStatus.OPEN
    with pytest.raises(ValidationError, match="godkänd"):
        record_save(instance=report, user=administrator)
    assert council_outcome(report).value is None


def test_the_clerk_reopens_a_submitted_report(plan):
    case, report = plan
    editor, clerk = user_with("editor", case.board), user_with("clerk", case.board)
    fill_for_submit(client_for(editor), case, report)
    transition(client_for(editor), case, "submit")
    assert transition(client_for(editor), case, "reopen").status_code == 403
    page = transition(client_for(clerk), case, "reopen").content.decode()
    assert "Uppföljningen är öppen igen för ändringar." in page
    assert FollowUpReport.objects.get(pk=report.pk).status == ReportStatus.OPEN


def test_the_plan_itself_stays_as_it_was(plan):
    case, report = plan
    from finance.models import OperatingBudgetRow

    row = OperatingBudgetRow.objects.get(frame__case=case)
    before = (row.costs, row.revenues, row.version)
    fill_for_submit(client_for(user_with("editor", case.board)), case, report)
    row.refresh_from_db()
    assert (row.costs, row.revenues, row.version) == before


def test_a_report_not_yet_started_is_started_by_the_board(db):
    case = build_plan(size=1)
    client = client_for(user_with("editor", case.board))
    page = client.get(entry_url(case, "T2")).content.decode()
    assert "Uppföljningen för perioden är inte påbörjad." in page
    response = client.post(entry_url(case, "T2"), {"action": "open"}, follow=True)
    assert "Uppföljningen för tertial 2 2012 är påbörjad." in response.content.decode()
    report = FollowUpReport.objects.get(case=case, period__kind="T2")
    assert report.period.closing_date.isoformat() == "2012-08-31"
    assert IndicatorOutcome.objects.filter(report=report).count() == 2
    assert client_for(user_with("reader", case.board)).post(entry_url(case, "Helår"), {"action": "open"}).status_code == 403


def test_the_case_page_links_the_follow_up_for_its_staff_only(plan):
    case, report = plan
    link = entry_url(case, "T1")
    assert link in client_for(user_with("editor", case.board)).get(f"/arenden/{case.pk}/").content.decode()
    assert link not in client_for(user_with("reader", case.board)).get(f"/arenden/{case.pk}/").content.decode()


@pytest.mark.parametrize("size", [1, 2])
def test_the_forms_query_count_does_not_grow_with_the_plan(size, django_assert_num_queries):
    case = build_plan(size=size)
    services.report_open(case=case, period_kind="T1")
    client = client_for(user_with("editor", case.board))
    client.get(entry_url(case))  # the session and the user are read as on every page
    with django_assert_num_queries(QUERIES_PER_FORM):
        assert client.get(entry_url(case)).status_code == 200


# the case, session, user, roles and boards, the report, then the document: the plan (8) and
# the outcomes (5)
QUERIES_PER_FORM = 18


@pytest.mark.parametrize("size", [1, 2])
def test_saving_costs_the_same_queries_whatever_the_number_of_rows(size, django_assert_num_queries):
    """Every budget row, indicator and activity changed: a fixed number of queries per kind of
    row (the guards, the version claim, the update, the history), not per row."""
    case = build_plan(size=size)
    report = services.report_open(case=case, period_kind="T1")
    client = client_for(user_with("editor", case.board))
    client.get(entry_url(case))
    data = posted_form(report)
    for row in BudgetRowOutcome.objects.filter(report=report):
        data[field_name(report, row, "forecast_costs")] = "80,0"
    for row in IndicatorOutcome.objects.filter(report=report):
        data[field_name(report, row, "comment")] = "Ändrad"
    for row in ActivityOutcome.objects.filter(report=report):
        data[field_name(report, row, "status")] = "ongoing"
    revision = FollowUpReport.objects.get(pk=report.pk).revision
    with django_assert_num_queries(QUERIES_PER_SAVE):
        assert client.post(entry_url(case), data).status_code == 302
    assert IndicatorOutcome.objects.filter(report=report, comment="Ändrad").count() == 2 * size ** 3
    # The whole entry is one change of the report: one revision more, whatever it wrote.
    assert FollowUpReport.objects.get(pk=report.pk).revision == revision + 1


# the page's reads (18); per kind of row changed (three here) the guards, the version claim, the
# update and the history, in savepoints; and once for the entry the report's new revision (two:
# which reports, the count)
QUERIES_PER_SAVE = 49


def test_a_budget_row_added_to_a_plan_in_the_making_gets_its_row_on_the_next_save(plan):
    from tests import factories

    case, report = plan
    client = client_for(user_with("editor", case.board))
    factories.OperatingBudgetRowFactory(frame=case.financial_frame, department="Ny avdelning")
    assert "Ingen rad i uppföljningen." in client.get(entry_url(case)).content.decode()
    client.post(entry_url(case), posted_form(report))
    assert BudgetRowOutcome.objects.filter(report=report, budget_row__department="Ny avdelning").exists()
    assert "Ingen rad i uppföljningen." not in client.get(entry_url(case)).content.decode()


def test_a_city_wide_case_has_no_follow_up(db, django_user_model):
    from budgetplan.cases.models import Case
    from tests import factories as f

    f.BoardFactory(name="Kommunstyrelsen", office="Stadsledningskontoret", city_office=True)
    case = f.CaseFactory(owner=Case.Owner.CITY, board=None, title="Tertialrapport 1 2012")
    administrator = client_for(django_user_model.objects.create_superuser("granskare", password="pw"))
    assert entry_url(case, "T1") not in administrator.get(f"/arenden/{case.pk}/").content.decode()
    assert administrator.post(entry_url(case, "T1"), {"action": "open"}).status_code == 403
    with pytest.raises(ValidationError) as refused:
        services.report_open(case=case, period_kind="T1")
    assert refused.value.messages == [services.CITY_CASE_HAS_NO_FOLLOW_UP]
    assert not FollowUpReport.objects.filter(case=case).exists()


def test_a_decided_plan_is_followed_up_and_stays_as_decided(db):
    from finance.models import OperatingBudgetRow
    from tests.budgetplan.roles import decide

    case = decide(build_plan(size=1))
    revision = case.revision
    report = services.report_open(case=case, period_kind="T1")
    editor = user_with("editor", case.board)
    data = posted_form(report)
    budget = BudgetRowOutcome.objects.get(report=report)
    data[field_name(report, budget, "forecast_costs")] = "81,0"
    assert client_for(editor).post(entry_url(case), data).status_code == 302
    budget.refresh_from_db()
    assert budget.forecast_costs == Decimal("81.0")
    # the decided plan: its budget row and its revision are as the decision left them
    row = OperatingBudgetRow.objects.get(frame__case=case)
    assert (row.costs, row.version) == (Decimal("82.8"), 1)
    case.refresh_from_db()
    assert (case.status, case.revision) == ("decided", revision)

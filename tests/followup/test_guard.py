"""The follow-up's guard on every write path: who may write what, and an approved report is final."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from budgetplan.access.permissions import ChangeRefused
from budgetplan.kernel.services import RecordsInvalid, record_save, records_update
from followup import services
from followup.models import FollowUpPeriod, FollowUpReport, IndicatorOutcome, ReportStatus
from tests.budgetplan.plan_builder import build_plan
from tests.budgetplan.roles import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    case = build_plan(size=1)
    return services.report_open(case=case, period_kind="T1")


def outcome(report):
    return IndicatorOutcome.objects.filter(report=report).first()


def test_only_the_boards_staff_write_its_outcomes(report):
    row = outcome(report)
    row.comment = "Annan nämnd"
    outsider = user_with("editor", build_plan(size=1).board)
    with pytest.raises(RecordsInvalid) as refused:
        records_update(instances=[row], fields=["comment"], user=outsider)
    assert "Du kan bara följa upp planer för de nämnder du hör till." in str(refused.value.errors[0])
    reader = user_with("reader", report.case.board)
    with pytest.raises(ChangeRefused):
        record_save(instance=outcome(report), user=reader)
    editor = user_with("editor", report.case.board)
    row = outcome(report)
    row.comment = "Nämndens egen"
    records_update(instances=[row], fields=["comment"], user=editor)
    assert outcome(report).history.latest().history_user == editor


def test_the_clerk_approves_not_the_editor(report):
    editor, clerk = user_with("editor", report.case.board), user_with("clerk", report.case.board)
    FollowUpReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    with pytest.raises(ChangeRefused, match="Bara nämndsekreteraren"):
        services.report_approve(report=report, user=editor)
    with pytest.raises(ChangeRefused, match="Bara nämndsekreteraren"):
        services.report_reopen(report=report, user=editor)
    approved = services.report_approve(report=report, user=clerk)
    assert approved.status == ReportStatus.APPROVED and approved.approved_by == clerk
    assert approved.history.latest().history_user == clerk


def test_a_submitted_report_takes_no_outcomes(report):
    FollowUpReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    row = outcome(report)
    row.comment = "För sent"
    with pytest.raises(ValidationError, match="inlämnad"):
        record_save(instance=row)


def test_an_approved_report_is_final_even_for_administrators_and_scripts(report):
    FollowUpReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.APPROVED, approved_at=datetime.datetime(2012, 5, 20, tzinfo=datetime.UTC),
    )
    administrator = user_with("administrator")
    for user in (administrator, None):
        row = outcome(report)
        row.comment = "Efteråt"
        with pytest.raises(RecordsInvalid):
            records_update(instances=[row], fields=["comment"], user=user)
    stored = FollowUpReport.objects.get(pk=report.pk)
    stored.summary = "Efteråt"
    with pytest.raises(ValidationError, match="godkänd"):
        record_save(instance=stored, user=administrator)
    period = stored.period
    period.closing_date = datetime.date(2012, 5, 31)
    with pytest.raises(ValidationError, match="godkända uppföljningar"):
        record_save(instance=period, user=administrator)


def test_a_report_moves_one_step_at_a_time_and_stays_with_its_plan(report):
    stored = FollowUpReport.objects.get(pk=report.pk)
    stored.status = ReportStatus.APPROVED
    stored.approved_at = datetime.datetime(2012, 5, 20, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError, match="från öppen till inlämnad till godkänd"):
        record_save(instance=stored)
    with pytest.raises(ValidationError, match="En ny uppföljning börjar som öppen."):
        record_save(instance=FollowUpReport(
            case=report.case, period=services.period_ensure(year=2012, kind="T2"),
            status=ReportStatus.SUBMITTED,
        ))
    other = services.report_open(case=report.case, period_kind="T2")
    row = outcome(report)
    row.report = other
    with pytest.raises(ValidationError, match="samma plan och period"):
        record_save(instance=row)


def test_only_administrators_move_a_periods_closing_date(report):
    period = FollowUpPeriod.objects.get(pk=report.period_id)
    period.closing_date = datetime.date(2012, 5, 15)
    with pytest.raises(ChangeRefused, match="Bara administratörer"):
        record_save(instance=period, user=user_with("clerk", report.case.board))
    record_save(instance=period, user=user_with("administrator"))
    period.refresh_from_db()
    assert period.closing_date == datetime.date(2012, 5, 15)
    period.closing_date = datetime.date(2013, 1, 1)
    with pytest.raises(ValidationError, match="ska ligga i budgetåret 2012"):
        record_save(instance=period)

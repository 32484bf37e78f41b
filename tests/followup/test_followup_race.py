"""An outcome save and the report's submit, and two clerks' approve and reopen, at once.

followup_lifecycle locks the report's row (select_for_update) on every follow-up write, and the
report's transitions lock it too, so the two cannot pass each other: either the save commits
first and the submitted report holds it, or the submit commits first and the save waits, then
is refused (nothing of it written). Two real connections to PostgreSQL, one per thread; the
first side is held inside its transaction, with the lock, until a probe of pg_locks sees the
other side waiting for a lock — no sleeps standing in for ordering.
"""
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from budgetplan.document.followup_lifecycle import SUBMITTED_LOCKED
from budgetplan.kernel import services as kernel_services
from followup import services
from followup.models import ActivityOutcome, ActivityStatus, FollowUpReport, IndicatorOutcome, ReportStatus
from tests.budgetplan.plan_builder import build_plan
from tests.budgetplan.roles import client_for, user_with
from tests.workbook.test_concurrent_import import WAIT, waits_for_a_lock

from .helpers import entry_url, field_name, posted_form
from .report_helpers import filled_report

# Transactional: each side commits on its own connection, and the test database is emptied after
# each test; the roles' groups, which come from migrations, are put back by role_groups below.
pytestmark = pytest.mark.django_db(transaction=True)


class Race:
    """Run `first` up to its hold point (inside its transaction, holding the report's lock),
    start `second`, and let `first` go on only once `second` waits for a lock (or has ended)."""

    def __init__(self):
        self.first_inside, self.second_done = threading.Event(), threading.Event()
        self.second_pid: list[int] = []
        self.second_waited = False
        self.results: dict[str, object] = {}

    def hold(self) -> None:
        """Called at the hold point; a no-op outside the first thread."""
        if threading.current_thread().name != "first":
            return
        self.first_inside.set()
        deadline = time.monotonic() + WAIT
        while not self.second_done.is_set() and time.monotonic() < deadline:
            if self.second_pid and waits_for_a_lock(self.second_pid[0]):
                self.second_waited = True
                return
            time.sleep(0.01)

    def _run(self, name: str, work) -> None:
        try:
            if name == "second":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    self.second_pid.append(cursor.fetchone()[0])
            self.results[name] = work()
        except ValidationError as error:
            self.results[name] = error.messages
        except services.OutcomesInvalid as invalid:
            self.results[name] = [m for error in invalid.errors.values() for m in error.messages]
        finally:
            if name == "second":
                self.second_done.set()
            connection.close()

    def run(self, first, second) -> dict[str, object]:
        one = threading.Thread(target=self._run, args=("first", first), name="first")
        one.start()
        assert self.first_inside.wait(WAIT), "the first side never reached its hold point"
        two = threading.Thread(target=self._run, args=("second", second), name="second")
        two.start()
        one.join(WAIT * 2)
        two.join(WAIT * 2)
        assert not one.is_alive() and not two.is_alive()
        return self.results


def held_after(race: Race, original):
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        race.hold()
        return result
    return wrapper


def held_before(race: Race, original):
    def wrapper(*args, **kwargs):
        race.hold()
        return original(*args, **kwargs)
    return wrapper


@pytest.fixture(autouse=True)
def role_groups(roles):
    """Every test here needs the roles' groups (tests/conftest.py)."""


@pytest.fixture
def board():
    """A plan with its T1 report complete but for one activity's status, and its staff."""
    case = build_plan(size=1)
    report = filled_report(case)
    missing = ActivityOutcome.objects.filter(report=report).order_by("pk").first()
    ActivityOutcome.objects.filter(pk=missing.pk).update(status="")
    editor = user_with("editor", case.board)
    return case, FollowUpReport.objects.get(pk=report.pk), missing, editor


def save_status(report, outcome_pk, user):
    """The editor's save of one activity's status, read at its current version."""
    def work():
        outcome = ActivityOutcome.objects.get(pk=outcome_pk)
        outcome.status = ActivityStatus.ONGOING
        changes = services.OutcomeChanges()
        changes.add(outcome, ["status"])
        services.report_outcomes_update(
            report=FollowUpReport.objects.get(pk=report.pk), changes=changes, user=user,
        )
        return "saved"
    return work


def submit(report, user):
    def work():
        services.report_submit(report=FollowUpReport.objects.get(pk=report.pk), user=user)
        return "submitted"
    return work


def test_a_save_that_commits_first_is_in_the_submitted_report(board, monkeypatch):
    """The save holds the report's lock (it has checked, not yet written) while the submit
    starts: the submit waits, then finds the activity's status the save wrote — without it the
    report is incomplete and the submit would be refused."""
    case, report, missing, editor = board
    race = Race()
    monkeypatch.setattr(kernel_services, "_update_rows", held_before(race, kernel_services._update_rows))

    results = race.run(save_status(report, missing.pk, editor), submit(report, editor))

    assert race.second_waited, "the submit did not wait for the save's lock"
    assert results == {"first": "saved", "second": "submitted"}
    stored = FollowUpReport.objects.get(pk=report.pk)
    assert stored.status == ReportStatus.SUBMITTED and stored.submitted_by == editor
    outcome = ActivityOutcome.objects.get(pk=missing.pk)
    assert (outcome.status, outcome.version) == (ActivityStatus.ONGOING, missing.version + 1)


@pytest.mark.parametrize("with_activity", [False, True], ids=["one-row", "two-models"])
def test_a_save_that_comes_after_the_submit_is_refused_and_writes_nothing(board, monkeypatch, with_activity):
    """The submit holds the report's lock (it has checked the status, not yet written) while the
    save starts: the save waits, then finds the report submitted and is refused whole (one
    changed row, or rows of two models: neither is kept)."""
    case, report, missing, editor = board
    ActivityOutcome.objects.filter(pk=missing.pk).update(status=ActivityStatus.ONGOING)
    indicator = IndicatorOutcome.objects.filter(report=report).order_by("pk").first()
    before_report = FollowUpReport.objects.get(pk=report.pk)
    race = Race()
    monkeypatch.setattr(services, "_missing_for_submit", held_after(race, services._missing_for_submit))

    def save_comment_and_status():
        outcome = IndicatorOutcome.objects.get(pk=indicator.pk)
        outcome.comment = "Skrivet medan den lämnades in."
        activity = ActivityOutcome.objects.get(pk=missing.pk)
        activity.status = ActivityStatus.DONE
        changes = services.OutcomeChanges()
        changes.add(outcome, ["comment"])
        if with_activity:
            changes.add(activity, ["status"])
        services.report_outcomes_update(
            report=FollowUpReport.objects.get(pk=report.pk), changes=changes, user=editor,
        )
        return "saved"

    activity_before = ActivityOutcome.objects.get(pk=missing.pk)
    results = race.run(submit(report, editor), save_comment_and_status)

    assert race.second_waited, "the save did not wait for the submit's lock"
    assert results["first"] == "submitted"
    assert results["second"] and set(results["second"]) == {SUBMITTED_LOCKED}
    assert FollowUpReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    # nothing half-saved: neither row changed, no new version, no new history
    stored = IndicatorOutcome.objects.get(pk=indicator.pk)
    assert (stored.comment, stored.version) == (indicator.comment, indicator.version)
    assert stored.history.count() == indicator.history.count()
    activity = ActivityOutcome.objects.get(pk=missing.pk)
    assert (activity.status, activity.version) == (activity_before.status, activity_before.version)
    assert FollowUpReport.objects.get(pk=report.pk).revision == before_report.revision + 1  # the submit's


def test_a_post_of_the_entry_form_during_the_submit_is_refused_with_its_reason(board, monkeypatch):
    """The same through the entry URL: the page was read while open, the post waits for the
    submit and is answered 400 with the Swedish reason; nothing of it is written."""
    case, report, missing, editor = board
    ActivityOutcome.objects.filter(pk=missing.pk).update(status=ActivityStatus.ONGOING)
    indicator = IndicatorOutcome.objects.filter(report=report).order_by("pk").first()
    data = posted_form(report)
    data[field_name(report, indicator, "comment")] = "Skrivet medan den lämnades in."
    client = client_for(editor)
    race = Race()
    monkeypatch.setattr(services, "_missing_for_submit", held_after(race, services._missing_for_submit))

    def post():
        response = client.post(entry_url(case), data)
        return response.status_code, response.content.decode()

    results = race.run(submit(report, editor), post)

    assert race.second_waited, "the post did not wait for the submit's lock"
    assert results["first"] == "submitted"
    status_code, page = results["second"]
    assert status_code == 400
    assert SUBMITTED_LOCKED in page
    assert FollowUpReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    stored = IndicatorOutcome.objects.get(pk=indicator.pk)
    assert (stored.comment, stored.version) == (indicator.comment, indicator.version)


@pytest.mark.parametrize("first_action", ["approve", "reopen"])
def test_two_clerks_approve_and_reopen_at_once_and_exactly_one_wins(board, monkeypatch, first_action):
    case, report, missing, editor = board
    ActivityOutcome.objects.filter(pk=missing.pk).update(status=ActivityStatus.ONGOING)
    services.report_submit(report=FollowUpReport.objects.get(pk=report.pk), user=editor)
    approver, reopener = user_with("clerk", case.board), user_with("clerk", case.board)
    race = Race()
    monkeypatch.setattr(services, "_transition", held_after(race, services._transition))

    def approve():
        services.report_approve(report=FollowUpReport.objects.get(pk=report.pk), user=approver)
        return "approved"

    def reopen():
        services.report_reopen(report=FollowUpReport.objects.get(pk=report.pk), user=reopener)
        return "reopened"

    actions = {"approve": approve, "reopen": reopen}
    second_action = "reopen" if first_action == "approve" else "approve"
    results = race.run(actions[first_action], actions[second_action])

    assert race.second_waited, "the second clerk did not wait for the first's lock"
    stored = FollowUpReport.objects.get(pk=report.pk)
    if first_action == "approve":
        assert results == {"first": "approved", "second": [services.REOPEN_SUBMITTED_ONLY]}
        assert stored.status == ReportStatus.APPROVED and stored.approved_by == approver
        assert stored.submitted_by == editor
    else:
        assert results == {"first": "reopened", "second": [services.APPROVE_SUBMITTED_ONLY]}
        assert stored.status == ReportStatus.OPEN
        assert (stored.approved_at, stored.approved_by, stored.submitted_by) == (None, None, None)

"""The PDF in the background (issue 13): a real Celery worker on Redis renders it, no request does.

Each test starts a worker process (`celery -A budgetplan.celery worker`, the command the README
and docker-compose run) on a queue of its own in Redis database 3, reading the test database; the
files go to a folder both processes read. The worker's settings come from its environment, as in
production: a time limit of one second makes a render of the reference case fail.
"""
import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from budgetplan.cases.models import Case, DecidedDocument
from budgetplan.celery import app
from budgetplan.document import lifecycle, pdf_jobs
from budgetplan.document.models import CasePdf
from budgetplan.kernel.services import record_save
from finance.models import OperatingBudgetRow
from tests import factories

WAIT = 90  # seconds; only reached when something is wrong
DEBOUNCE = 2.0


@pytest.fixture
def queue(settings, tmp_path, monkeypatch):
    """Start workers on a queue of this test's own; the test process queues its jobs there."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = str(media)
    settings.STORAGES = {
        **settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.BUDGETPLAN_PDF_RENDER_ON_CHANGE = True
    settings.BUDGETPLAN_PDF_DEBOUNCE_SECONDS = DEBOUNCE
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "task_default_queue", name)
    workers: list[subprocess.Popen] = []
    database = connection.settings_dict

    def start(**environment) -> subprocess.Popen:
        log = tmp_path / f"worker-{len(workers)}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "budgetplan.settings.test",
            "DATABASE_URL": database_url(database),
            "BUDGETPLAN_TEST_QUEUE_WORKER": "1",
            "BUDGETPLAN_TEST_QUEUE_NAME": name,
            "BUDGETPLAN_TEST_MEDIA_ROOT": str(media),
            **environment,
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "budgetplan.celery", "worker", "-Q", name,
             "--concurrency", "1", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"{name}-{len(workers)}@%h", "--loglevel", "INFO"],
            env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        workers.append(worker)
        deadline = time.monotonic() + WAIT
        while b" ready." not in log.read_bytes():
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        return worker

    start.media = media
    start.settings = settings
    yield start
    for worker in workers:
        worker.send_signal(signal.SIGQUIT)  # a cold stop: jobs not done go back to the queue
    for worker in workers:
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    with app.connection_for_write() as conn:  # the queue, its messages and its bindings
        channel = conn.default_channel
        channel.queue_delete(name)
        for key in channel.client.scan_iter(f"*{name}*"):
            channel.client.delete(key)


def database_url(database: dict) -> str:
    """The test database (test_…), for the worker process."""
    user = quote(database["USER"] or "postgres")
    auth = f"{user}:{quote(database['PASSWORD'])}" if database.get("PASSWORD") else user
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{database['NAME']}"


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"Väntade förgäves på {what}")


def clerk_client() -> Client:
    # A superuser: transactional tests flush the roles the migrations made.
    user = User.objects.create_superuser(f"sekreterare-{uuid.uuid4().hex[:6]}")
    client = Client()
    client.force_login(user)
    return client


def draft_with_a_row() -> OperatingBudgetRow:
    return factories.OperatingBudgetRowFactory(costs=Decimal("10.0"))


def change(row: OperatingBudgetRow, costs: str) -> None:
    row = OperatingBudgetRow.objects.get(pk=row.pk)
    row.costs = Decimal(costs)
    record_save(instance=row)


@pytest.mark.django_db(transaction=True)
def test_changes_that_follow_each_other_are_rendered_once_after_they_settle(queue):
    queue()
    row = draft_with_a_row()
    case = row.frame.case
    CasePdf.objects.filter(case=case).delete()  # the factory's own writes queued nothing yet
    for costs in ("11.0", "12.0", "13.0"):
        change(row, costs)
    last_change = time.time()
    revision = Case.objects.get(pk=case.pk).revision

    # Each change replaced the job before it: one job waits, for the last revision.
    assert list(CasePdf.objects.filter(case=case).values_list("revision", "status")) == [
        (revision, "queued"),
    ]
    job = wait_for(
        lambda: CasePdf.objects.filter(case=case, status="done").first(), "the rendered PDF",
    )
    assert job.revision == revision and job.attempts == 1
    assert job.started_at.timestamp() >= last_change + DEBOUNCE - 0.5
    # One file, of the last revision: the earlier jobs rendered nothing.
    assert os.listdir(queue.media / "pdf" / str(case.pk)) == [os.path.basename(job.file.name)]
    assert CasePdf.objects.filter(case=case).count() == 1
    with job.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


@pytest.mark.django_db(transaction=True)
def test_the_link_serves_the_stored_file_and_offers_the_previous_one_while_a_newer_renders(queue):
    queue()
    row = draft_with_a_row()
    case = row.frame.case
    clerk = clerk_client()
    pdf_url = f"/arenden/{case.pk}/pdf/"

    change(row, "11.0")
    first = wait_for(lambda: CasePdf.objects.filter(case=case, status="done").first(), "a PDF")
    response = clerk.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    with first.file.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()

    # A longer debounce now, so the test can look before the newer file is stored.
    queue.settings.BUDGETPLAN_PDF_DEBOUNCE_SECONDS = 15
    change(row, "12.0")
    revision = Case.objects.get(pk=case.pk).revision
    # Before the newer file is stored: the page, the link and the status say so, and offer the
    # previous file marked with its revision. (The debounce gives the test time to look.)
    page = clerk.get(f"/arenden/{case.pk}/").content.decode()
    assert f"PDF för revision {revision} skapas …" in page
    previous_url = f"/arenden/{case.pk}/pdf/revision/{first.revision}/"
    assert f'href="{previous_url}"' in page
    assert f"Ladda ner föregående PDF (revision {first.revision})" in page
    waiting = clerk.get(pdf_url)
    assert waiting.status_code == 202
    assert '<meta http-equiv="refresh" content="3">' in waiting.content.decode()
    assert f"PDF för revision {revision} skapas …" in waiting.content.decode()
    status = clerk.get(f"/arenden/{case.pk}/pdf/lage/").json()
    assert status["state"] == "pending" and status["revision"] == revision
    assert status["previous"] == {"revision": first.revision, "url": previous_url}
    previous = clerk.get(previous_url)
    assert previous.status_code == 200
    assert f"-revision-{first.revision}.pdf" in previous["Content-Disposition"]
    # Nobody else learns anything about the draft's PDF.
    for url in (pdf_url, previous_url, f"/arenden/{case.pk}/pdf/lage/"):
        assert Client().get(url).status_code == 404

    wait_for(lambda: clerk.get(f"/arenden/{case.pk}/pdf/lage/").json()["state"] == "done", "the new PDF")
    newest = CasePdf.objects.get(case=case, status="done")
    assert newest.revision == revision
    response = clerk.get(pdf_url)
    assert response.status_code == 200
    with newest.file.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()
    # The previous file is removed once the newer one is stored.
    assert clerk.get(previous_url).status_code == 404
    assert os.listdir(queue.media / "pdf" / str(case.pk)) == [os.path.basename(newest.file.name)]
    page = clerk.get(f"/arenden/{case.pk}/").content.decode()
    assert f"Ladda ner PDF (revision {revision})" in page and "skapas …" not in page


@pytest.mark.django_db(transaction=True)
def test_a_render_that_keeps_failing_is_retried_and_then_reported_on_the_case_page(
    queue, reference_case,
):
    # One second is far too short for the reference case: every attempt hits the time limit.
    # The job carries the limit of the settings it was queued with (Celery's message headers).
    queue.settings.BUDGETPLAN_PDF_TIME_LIMIT = 1
    queue(BUDGETPLAN_PDF_TIME_LIMIT="1", BUDGETPLAN_PDF_ATTEMPTS="2", BUDGETPLAN_PDF_RETRY_SECONDS="0.5")
    Case.objects.filter(pk=reference_case.pk).update(status=Case.Status.DRAFT)
    clerk = clerk_client()
    assert clerk.get(f"/arenden/{reference_case.pk}/pdf/").status_code == 202  # queued, not rendered

    job = wait_for(
        lambda: CasePdf.objects.filter(case=reference_case, status="failed").first(), "the failure",
    )
    assert job.attempts == 2
    assert job.error == "tidsgränsen på 1 sekunder överskreds."
    page = clerk.get(f"/arenden/{reference_case.pk}/").content.decode()
    assert (f"PDF:en för revision {job.revision} kunde inte skapas: tidsgränsen på 1 sekunder "
            "överskreds.") in page
    assert f'action="/arenden/{reference_case.pk}/pdf/forsok-igen/"' in page
    assert clerk.get(f"/arenden/{reference_case.pk}/pdf/lage/").json()["state"] == "failed"

    # "Försök igen" queues it anew.
    response = clerk.post(f"/arenden/{reference_case.pk}/pdf/forsok-igen/")
    assert response.status_code == 302
    assert CasePdf.objects.get(pk=job.pk).status in ("queued", "rendering")


@pytest.mark.django_db(transaction=True)
def test_a_render_past_the_memory_limit_is_failed_and_the_worker_goes_on(queue, reference_case):
    # The worker's processes may take 200 MB of address space: enough to start and take a job
    # (about 130 MB), far too little to lay out the reference case. Where the render runs out
    # decides how it ends: Python raises MemoryError (the job records it), or Pango cannot start a
    # thread and the process dies (Celery hands the job back, and the next attempt records it).
    worker = queue(BUDGETPLAN_WORKER_MEMORY_MB="200", BUDGETPLAN_PDF_ATTEMPTS="2",
                   BUDGETPLAN_PDF_RETRY_SECONDS="0.5")
    Case.objects.filter(pk=reference_case.pk).update(status=Case.Status.DRAFT)
    clerk = clerk_client()
    assert clerk.get(f"/arenden/{reference_case.pk}/pdf/").status_code == 202

    job = wait_for(
        lambda: CasePdf.objects.filter(case=reference_case, status="failed").first(), "the failure",
    )
    assert job.attempts == 2
    assert not job.file
    assert job.error in (
        "minnesgränsen för en PDF överskreds.",
        pdf_jobs.WORKER_STOPPED.format(seconds=queue.settings.BUDGETPLAN_PDF_TIME_LIMIT),
    )
    page = clerk.get(f"/arenden/{reference_case.pk}/").content.decode()
    assert f"PDF:en för revision {job.revision} kunde inte skapas: {job.error}" in page
    assert worker.poll() is None  # the worker itself is still there, for the next job


@pytest.mark.django_db(transaction=True)
def test_the_decision_goes_through_the_queue_and_the_case_is_decided_when_its_pdf_is_stored(queue):
    queue()
    row = draft_with_a_row()
    case = row.frame.case
    lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=None)
    clerk = clerk_client()

    # Hold the case's row, as a long save would, so the worker's decision waits on it: the clerk's
    # request has answered long before, and the page says the decision is being saved.
    held, release = threading.Event(), threading.Event()

    def hold():
        from django.db import transaction
        try:
            with transaction.atomic():
                # As a save does: it does not keep the clerk's request from adding the job.
                Case.objects.select_for_update(no_key=True).get(pk=case.pk)
                held.set()
                release.wait(WAIT)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(WAIT)
    try:
        started = time.monotonic()
        response = clerk.post(
            f"/arenden/{case.pk}/status/", {"to_status": "decided", "decided_on": "2012-01-25"},
        )
        assert response.status_code == 302
        assert time.monotonic() - started < 2
        job = CasePdf.objects.get(case=case, kind="decision")
        assert job.requested_by is not None and job.decided_on == datetime.date(2012, 1, 25)
        wait_for(lambda: CasePdf.objects.get(pk=job.pk).status == "rendering", "the worker")
        assert Case.objects.get(pk=case.pk).status == Case.Status.PROPOSED
        page = clerk.get(f"/arenden/{case.pk}/").content.decode()
        assert "Beslutet sparas: beslutets PDF skapas …" in page
        assert "Markera som beslutat" not in page  # no second decision meanwhile
        status = clerk.get(f"/arenden/{case.pk}/pdf/lage/").json()
        assert status["deciding"] is True and status["decided"] is False
        again = clerk.post(f"/arenden/{case.pk}/status/", {"to_status": "decided", "decided_on": "2012-01-25"})
        assert "Beslutet håller redan på att sparas." in clerk.get(again.url).content.decode()
    finally:
        release.set()
        holder.join(WAIT)

    wait_for(lambda: Case.objects.get(pk=case.pk).status == Case.Status.DECIDED, "the decision")
    decided = DecidedDocument.objects.get(case=case)
    job = CasePdf.objects.get(pk=job.pk)
    assert job.status == "done" and job.sha256 == decided.sha256
    assert Case.objects.get(pk=case.pk).decided_on == datetime.date(2012, 1, 25)
    response = clerk.get(f"/arenden/{case.pk}/pdf/")
    assert response["ETag"] == f'"{decided.sha256}"'
    status = clerk.get(f"/arenden/{case.pk}/pdf/lage/").json()
    assert status["decided"] is True
    # No draft's file outlives the decision: the decided file is the case's PDF.
    assert not CasePdf.objects.filter(case=case, kind="draft", status="done").exists()
    # Decided is final, whoever writes.
    with pytest.raises(ValidationError, match=lifecycle.DECIDED_MESSAGE):
        change(row, "99.0")


# ---- The retry itself, in this process (the test settings run a job in place) ----------------


@pytest.mark.django_db
def test_a_failed_attempt_is_recorded_and_the_next_attempt_stores_the_file(monkeypatch, settings):
    from budgetplan.document import exports, pdf_jobs

    settings.BUDGETPLAN_PDF_RETRY_SECONDS = [0]
    attempts = []

    def out_of_memory_once(document):
        attempts.append(CasePdf.objects.get(case=document.case).error)
        if len(attempts) == 1:
            raise MemoryError
        return b"%PDF-1.7\n%%EOF\n"

    monkeypatch.setitem(exports.EXPORTERS, "pdf", out_of_memory_once)
    case = factories.CaseFactory()
    job = pdf_jobs.request_pdf(case)

    job.refresh_from_db()
    # The second attempt saw why the first failed; the stored file clears it.
    assert attempts == ["", "minnesgränsen för en PDF överskreds."]
    assert (job.status, job.attempts, job.error) == ("done", 2, "")
    with job.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.7\n%%EOF\n"


@pytest.mark.django_db
def test_a_render_that_fails_every_attempt_is_failed_with_its_reason(monkeypatch, settings):
    from budgetplan.document import exports, pdf_jobs

    settings.BUDGETPLAN_PDF_RETRY_SECONDS = [0]

    def broken(document):
        raise ValueError("trasig mall")

    monkeypatch.setitem(exports.EXPORTERS, "pdf", broken)
    case = factories.CaseFactory()
    job = pdf_jobs.request_pdf(case)

    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", settings.BUDGETPLAN_PDF_ATTEMPTS)
    assert job.error == "oväntat fel (ValueError: trasig mall)."
    assert not job.file


@pytest.mark.django_db
def test_a_job_whose_worker_was_stopped_is_queued_again_when_the_pdf_is_asked_for(admin_client):
    """The hard time limit kills the worker process and Celery drops the job without a word: a
    job still rendering long after the limit is an attempt that failed."""
    case = factories.CaseFactory()
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    job = CasePdf.objects.create(
        case=case, revision=case.revision, status="rendering", attempts=1, started_at=long_ago,
        task_id="stopped",
    )
    response = admin_client.get(f"/arenden/{case.pk}/pdf/")

    job.refresh_from_db()
    assert job.error == ""
    assert response.status_code == 200  # queued again, and the test settings ran it in place
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)


@pytest.mark.django_db
def test_a_decision_whose_worker_was_stopped_is_reported_and_may_be_asked_for_again(admin_client):
    case = factories.CaseFactory()
    lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=None)
    case.refresh_from_db()
    CasePdf.objects.create(
        case=case, kind="decision", revision=case.revision, status="rendering", attempts=1,
        started_at=timezone.now() - datetime.timedelta(hours=1), task_id="stopped",
    )
    status = admin_client.get(f"/arenden/{case.pk}/pdf/lage/").json()

    assert status["deciding"] is False
    assert status["decision_message"].startswith("Beslutet kunde inte sparas: arbetsprocessen stoppades")
    page = admin_client.get(f"/arenden/{case.pk}/").content.decode()
    assert "Beslutet kunde inte sparas" in page and "Markera som beslutat" in page


@pytest.mark.django_db
def test_only_those_who_may_download_the_draft_learn_where_its_pdf_is():
    from tests.budgetplan.roles import client_for, user_with

    case = factories.CaseFactory()
    CasePdf.objects.create(case=case, revision=case.revision, status="failed", error="hemligt")
    reader = client_for(user_with("reader", case.board))
    for url in (f"/arenden/{case.pk}/pdf/", f"/arenden/{case.pk}/pdf/lage/",
                f"/arenden/{case.pk}/pdf/revision/{case.revision}/"):
        response = reader.get(url)
        assert response.status_code == 403 and b"hemligt" not in response.content
    assert reader.post(f"/arenden/{case.pk}/pdf/forsok-igen/").status_code == 403
    assert "hemligt" not in reader.get(f"/arenden/{case.pk}/").content.decode()
    assert CasePdf.objects.get(case=case).status == "failed"

"""The follow-up report's PDF on the job queue (issue 13 for issue 11's reports): no request
renders it. The PDF link serves the stored file of the report's current revision; while a newer
one is made the report page and the link say so and offer the previous file, marked with its
revision; a failed render is reported. The last test starts a real worker on Redis."""
import hashlib
import io
import time

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from budgetplan.document import followup_report, pdf_jobs
from budgetplan.document.models import CasePdf
from budgetplan.kernel.services import record_save
from followup import services
from followup.models import FollowUpReport, IndicatorOutcome
from tests.budgetplan.plan_builder import build_plan
from tests.budgetplan.roles import client_for, user_with
from tests.budgetplan.test_pdf_queue import clerk_client, queue, wait_for  # noqa: F401 - a fixture
from tests.followup.report_helpers import filled_report

RENDER_TASK = "budgetplan.render_followup_report_pdf"
# The session, the user, their roles, the report with its case and period, the stuck jobs
# (none), the current revision's job, the state (one query).
PDF_DOWNLOAD_QUERIES = 7


def page_url(case, period="t1"):
    return reverse("cases:followup_report", args=[case.pk, period])


def pdf_url(case, period="t1"):
    return reverse("cases:followup_report_pdf", args=[case.pk, period])


def status_url(case, period="t1"):
    return reverse("cases:followup_report_pdf_status", args=[case.pk, period])


def revision_url(case, revision, period="t1"):
    return reverse("cases:followup_report_pdf_revision", args=[case.pk, period, revision])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def revision_of(report) -> int:
    return FollowUpReport.objects.get(pk=report.pk).revision


class JobList(list):
    countdowns: list


@pytest.fixture
def sent(monkeypatch):
    """The jobs queued, instead of sending them; and a render anywhere in this process fails."""
    jobs = JobList()

    def send(task, args, countdown=0):
        jobs.append((task.name, args))
        sent_countdowns.append(countdown)

    sent_countdowns = []
    jobs.countdowns = sent_countdowns
    monkeypatch.setattr(pdf_jobs, "_send", send)

    def no_render(document):
        raise AssertionError("En webbförfrågan skapade en PDF.")

    monkeypatch.setattr(followup_report, "render_report_pdf", no_render)
    return jobs


def store(report, revision: int, content: bytes) -> CasePdf:
    """What the worker leaves when it has rendered this revision (pdf_jobs._store)."""
    job, _ = CasePdf.objects.get_or_create(
        report=report, revision=revision, kind=CasePdf.Kind.REPORT, defaults={"case_id": report.case_id},
    )
    pdf_jobs._store(job, content, f"uppfoljning-revision-{revision}.pdf")
    return job


def change_an_outcome(report, comment="Ändrad kommentar") -> None:
    outcome = IndicatorOutcome.objects.filter(report=report).order_by("pk").first()
    outcome.comment = comment
    record_save(instance=outcome)


@pytest.mark.django_db
def test_the_link_never_renders_in_the_request_it_says_the_pdf_is_made(sent):
    case = build_plan(size=1)
    report = services.report_open(case=case, period_kind="T1")
    revision = revision_of(report)
    assert revision > 1  # its outcome rows were added: a change of the report
    clerk = client_for(user_with("clerk", case.board))

    # Permission first, before any job is asked for: a reader of the board may not download an
    # open report, someone who may not read it gets 404.
    assert client_for(user_with("reader", case.board)).get(pdf_url(case)).status_code == 403
    assert client_for(None).get(pdf_url(case)).status_code == 404
    assert client_for(None).get(status_url(case)).status_code == 404
    assert not CasePdf.objects.filter(report=report).exists() and sent == []

    response = clerk.get(pdf_url(case))
    assert response.status_code == 202
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert f"PDF för revision {revision} skapas …" in html
    assert '<meta http-equiv="refresh" content="3">' in html
    assert sent == [(RENDER_TASK, (report.pk, revision))]
    job = CasePdf.objects.get(report=report)
    assert (job.kind, job.revision, job.status, job.case_id) == ("report", revision, "queued", case.pk)

    # Asked again, the job is not queued twice; the page and its status address say the same.
    assert clerk.get(pdf_url(case)).status_code == 202
    assert len(sent) == 1
    page = clerk.get(page_url(case)).content.decode()
    assert f"PDF för revision {revision} skapas …" in page
    assert f'data-pdf-status-url="{status_url(case)}"' in page
    state = clerk.get(status_url(case)).json()
    assert state == {
        "revision": revision, "state": "pending", "message": f"PDF för revision {revision} skapas …",
        "url": None, "previous": None,
    }


@pytest.mark.django_db
def test_the_link_serves_the_stored_file_and_the_previous_one_while_a_newer_is_made(sent):
    case = build_plan(size=1)
    report = services.report_open(case=case, period_kind="T1")
    first = revision_of(report)
    store(report, first, b"%PDF-1.7 forsta")
    clerk = client_for(user_with("clerk", case.board))

    response = clerk.get(pdf_url(case))
    assert response.status_code == 200
    assert body(response) == b"%PDF-1.7 forsta"
    assert 'filename="UPPFOLJNING-T1-2012-PM-2012-' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    page = clerk.get(page_url(case)).content.decode()
    assert f'href="{pdf_url(case)}" download>Ladda ner PDF (revision {first})' in page
    assert sent == []

    # A change: the report is at a newer revision, whose PDF is not made yet.
    change_an_outcome(report)
    second = revision_of(report)
    assert second == first + 1
    page = clerk.get(page_url(case)).content.decode()
    assert f"PDF för revision {second} skapas …" in page
    assert (f'href="{revision_url(case, first)}" download>Ladda ner föregående PDF '
            f"(revision {first})") in page
    pending = clerk.get(pdf_url(case))
    assert pending.status_code == 202
    assert f"Ladda ner föregående PDF (revision {first})" in pending.content.decode()
    assert sent == [(RENDER_TASK, (report.pk, second))]
    assert clerk.get(status_url(case)).json()["previous"] == {
        "revision": first, "url": revision_url(case, first),
    }
    previous = clerk.get(revision_url(case, first))
    assert body(previous) == b"%PDF-1.7 forsta"
    assert f"-REVISION-{first}" in previous["Content-Disposition"].upper()

    # The worker stores the newer file: the link serves it, the older one is gone.
    store(report, second, b"%PDF-1.7 andra")
    assert body(clerk.get(pdf_url(case))) == b"%PDF-1.7 andra"
    assert clerk.get(revision_url(case, first)).status_code == 404
    assert clerk.get(status_url(case)).json()["url"] == pdf_url(case)
    assert list(CasePdf.objects.filter(report=report).values_list("revision", flat=True)) == [second]


@pytest.mark.django_db
def test_an_approved_reports_file_is_public_with_validators(sent):
    case = build_plan(size=1)
    report = filled_report(case, approve=True)
    content = b"%PDF-1.7 godkand"
    store(report, revision_of(report), content)
    reader = client_for(user_with("reader", case.board))

    response = reader.get(pdf_url(case))
    assert response.status_code == 200
    assert body(response) == content
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    assert hashlib.sha256(content).hexdigest() in response["ETag"]
    assert response["Last-Modified"]
    assert reader.get(pdf_url(case), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.django_db
def test_a_failed_render_is_reported_and_the_clerk_may_try_again(sent):
    case = build_plan(size=1)
    report = services.report_open(case=case, period_kind="T1")
    revision = revision_of(report)
    CasePdf.objects.create(
        case=case, report=report, kind="report", revision=revision, status="failed", attempts=3,
        error="tidsgränsen på 180 sekunder överskreds.",
    )
    clerk = client_for(user_with("clerk", case.board))
    message = f"PDF:en för revision {revision} kunde inte skapas: tidsgränsen på 180 sekunder överskreds."

    page = clerk.get(page_url(case)).content.decode()
    assert message in page and ">Försök igen</button>" in page
    assert message in clerk.get(pdf_url(case)).content.decode()
    assert clerk.get(status_url(case)).json()["state"] == "failed"
    # An editor of the board sees the failure, but the button is the clerk's.
    assert ">Försök igen</button>" not in client_for(user_with("editor", case.board)).get(page_url(case)).content.decode()
    assert client_for(user_with("editor", case.board)).post(
        reverse("cases:followup_report_pdf_retry", args=[case.pk, "t1"])).status_code == 403

    response = clerk.post(reverse("cases:followup_report_pdf_retry", args=[case.pk, "t1"]))
    assert response.status_code == 302
    assert CasePdf.objects.get(report=report).status == "queued"
    assert sent == [(RENDER_TASK, (report.pk, revision))]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 2])
def test_the_download_takes_as_many_queries_whatever_the_plans_size(size, sent, django_assert_num_queries):
    case = build_plan(size=size)
    report = services.report_open(case=case, period_kind="T1")
    store(report, revision_of(report), b"%PDF-1.7")
    clerk = client_for(user_with("clerk", case.board))
    clerk.get(page_url(case))  # the session and the roles, read once for a first request
    with django_assert_num_queries(PDF_DOWNLOAD_QUERIES):
        assert clerk.get(pdf_url(case)).status_code == 200


@pytest.mark.django_db
def test_a_change_queues_the_reports_pdf_once_it_settles_and_counts_the_later_reports(
    sent, settings, django_capture_on_commit_callbacks,
):
    settings.BUDGETPLAN_PDF_RENDER_ON_CHANGE = True
    settings.BUDGETPLAN_PDF_DEBOUNCE_SECONDS = 5
    case = build_plan(size=1)
    t1 = filled_report(case, "T1")
    t2 = filled_report(case, "T2")
    before_t1, before_t2 = revision_of(t1), revision_of(t2)
    del sent[:], sent.countdowns[:]

    for comment in ("Första", "Andra"):
        with django_capture_on_commit_callbacks(execute=True):
            change_an_outcome(t1, comment)
    # Each change counts a revision of T1 and of T2 (its charts show T1's outcomes) ...
    assert (revision_of(t1), revision_of(t2)) == (before_t1 + 2, before_t2 + 2)
    # ... and queues their PDFs the debounce ahead; the older job still waiting is removed.
    assert sent.countdowns == [5, 5, 5, 5]
    assert sorted(CasePdf.objects.filter(case=case).values_list("report_id", "revision", "status")) == [
        (t1.pk, before_t1 + 2, "queued"), (t2.pk, before_t2 + 2, "queued"),
    ]

    # An approved report never counts again: T2's changes leave T1 as it was approved.
    t1 = services.report_submit(report=FollowUpReport.objects.get(pk=t1.pk))
    t1 = services.report_approve(report=t1)
    approved_at = revision_of(t1)
    change_an_outcome(t2)
    assert revision_of(t1) == approved_at


@pytest.mark.django_db
def test_a_render_that_keeps_failing_is_tried_again_then_reported(settings, monkeypatch):
    """The tests' jobs run where they are queued: here, with a render that always fails."""
    settings.BUDGETPLAN_PDF_ATTEMPTS = 2
    settings.BUDGETPLAN_PDF_RETRY_SECONDS = [0]
    calls = []

    def broken(document):
        calls.append(document)
        raise RuntimeError("trasigt typsnitt")

    monkeypatch.setattr(followup_report, "render_report_pdf", broken)
    case = build_plan(size=1)
    report = services.report_open(case=case, period_kind="T1")
    revision = revision_of(report)
    clerk = client_for(user_with("clerk", case.board))

    response = clerk.get(pdf_url(case))
    assert len(calls) == 2
    job = CasePdf.objects.get(report=report)
    assert (job.status, job.attempts) == ("failed", 2)
    message = (f"PDF:en för revision {revision} kunde inte skapas: "
               "oväntat fel (RuntimeError: trasigt typsnitt).")
    assert response.status_code == 200 and message in response.content.decode()
    assert message in clerk.get(page_url(case)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_report_after_its_change_and_the_link_serves_it(queue):
    queue()
    case = build_plan(size=1)
    report = services.report_open(case=case, period_kind="T1")  # a change: its job is queued
    client = clerk_client()

    def stored_at(revision):
        return CasePdf.objects.filter(report=report, revision=revision, status="done").first()

    first = revision_of(report)
    wait_for(lambda: stored_at(first), f"PDF:en för revision {first}")
    response = client.get(pdf_url(case))
    assert response.status_code == 200
    content = body(response)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Tertialrapport 1 2012" in text and "EJ GODKÄND" in text

    change_an_outcome(report)
    second = revision_of(report)
    changed_at = time.monotonic()
    page = client.get(page_url(case)).content.decode()
    assert f"PDF för revision {second} skapas …" in page
    assert f"Ladda ner föregående PDF (revision {first})" in page
    wait_for(lambda: stored_at(second), f"PDF:en för revision {second}")
    print(f"report PDF after a change: {time.monotonic() - changed_at:.1f} s (debounce included)")
    assert client.get(pdf_url(case)).status_code == 200
    assert client.get(revision_url(case, first)).status_code == 404

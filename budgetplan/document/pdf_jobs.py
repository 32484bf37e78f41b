"""A case's PDF, rendered in the background on the job queue (budgetplan.celery): no web request
ever renders one.

- A draft: every write that changes its document counts a new revision
  (budgetplan.document.revisions), and after the writer's transaction commits a job is queued
  for that revision, BUDGETPLAN_PDF_DEBOUNCE_SECONDS later. A newer change queues its own job
  and removes the older one still waiting; a job that finds the case at another revision when it
  runs (or after it rendered) drops its work. So a clerk typing row after row gets one render,
  once the changes settle. The file is stored per case and revision (models.CasePdf); the older
  file is removed when the newer one is stored, and offered until then.
- The decision: the clerk's request queues a job that moves the case to decided through
  lifecycle.case_transition, which renders and stores the decided PDF in the same transaction
  that makes the case decided. The case is decided when the file is stored; the rule that
  decided is final is lifecycle's, unchanged.
- A failed render is tried again (BUDGETPLAN_PDF_ATTEMPTS in all, BUDGETPLAN_PDF_RETRY_SECONDS
  apart); then it is reported on the case page with its reason.
- A follow-up report: the same, per revision of the report (FollowUpReport.revision, counted by
  budgetplan.document.followup_lifecycle for every write of the report or its outcomes), in jobs
  of kind "report" that name the report. Its page and its PDF link read report_pdf_state.
"""
import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from budgetplan.cases.models import Case, DecidedDocument
from budgetplan.celery import app
from followup.models import FollowUpReport
from followup.selectors import report_for_reading

from . import followup_report, lifecycle
from .exports import EXPORTERS
from .models import CasePdf
from .pdf import PdfBusy
from .selectors import case_document, case_file_stem

logger = logging.getLogger(__name__)

Kind, Status = CasePdf.Kind, CasePdf.Status
OPEN = (Status.QUEUED, Status.RENDERING)
# Seconds after the soft time limit that the hard one kills the worker process.
HARD_LIMIT_GRACE = 30
# A job still queued this long after it was due lost its message (the broker restarted): sent again.
LOST_AFTER = timedelta(minutes=2)

RENDERING = "PDF för revision {revision} skapas …"
FAILED = "PDF:en för revision {revision} kunde inte skapas: {error}"
DECISION_RENDERING = "Beslutet sparas: beslutets PDF skapas …"
DECISION_FAILED = "Beslutet kunde inte sparas: {error}"
DECISION_PENDING = "Beslutet håller redan på att sparas."
WORKER_STOPPED = (
    "arbetsprocessen stoppades mitt i (tidsgränsen på {seconds} sekunder eller minnesgränsen)."
)


# ---- Queueing -------------------------------------------------------------------------------


def _send(task, args: tuple, *, countdown: float = 0) -> None:
    """Put the task on the queue once the rows it reads are committed. A queue that cannot be
    reached leaves the job queued, to be sent again (request_pdf); the write it follows stands."""

    # The limits go with the job, from the settings of the process that queues it.
    limit = settings.BUDGETPLAN_PDF_TIME_LIMIT

    def send():
        try:
            task.apply_async(
                args, countdown=countdown or None, soft_time_limit=limit,
                time_limit=limit + HARD_LIMIT_GRACE,
            )
        except Exception:  # the broker is down: the job row stays queued and is sent again
            logger.exception("Kunde inte lägga %s%r i kön", task.name, args)

    connection = transaction.get_connection()
    if app.conf.task_always_eager or not connection.in_atomic_block:
        send()
    else:
        transaction.on_commit(send)


def schedule_renders(case_ids) -> None:
    """The revisions listener: after the writer commits, queue each changed draft's PDF."""
    if not settings.BUDGETPLAN_PDF_RENDER_ON_CHANGE or not case_ids:
        return
    ids = frozenset(case_ids)
    transaction.on_commit(lambda: _queue_current(ids))


def _queue_current(case_ids) -> None:
    rows = Case.objects.filter(pk__in=case_ids).exclude(status=Case.Status.DECIDED)
    for case_id, revision in rows.values_list("pk", "revision"):
        _queue_draft(case_id, revision, countdown=settings.BUDGETPLAN_PDF_DEBOUNCE_SECONDS)


def _queue_draft(case_id: int, revision: int, *, countdown: float) -> CasePdf:
    """The job of this revision, queued `countdown` seconds ahead unless it already is; the
    older jobs of the case still waiting are removed (their tasks find nothing to do)."""
    try:
        with transaction.atomic():
            job, created = CasePdf.objects.get_or_create(
                case_id=case_id, revision=revision, kind=Kind.DRAFT,
            )
    except IntegrityError:  # the case was removed meanwhile
        return None
    CasePdf.objects.filter(
        case_id=case_id, kind=Kind.DRAFT, status=Status.QUEUED, revision__lt=revision,
    ).delete()
    if created:
        _send(render_pdf, (case_id, revision), countdown=countdown)
    return job


def recover_stopped(case: Case) -> None:
    """Jobs whose worker was stopped without a word (the hard time limit kills the process and
    Celery drops the job; a machine restarts): rendering for longer than the hard limit allows.
    A draft's is queued again while attempts are left; a decision's is reported failed, and the
    clerk may ask again (unless the case was decided after all)."""
    _recover(CasePdf.objects.filter(case=case, kind__in=(Kind.DRAFT, Kind.DECISION)))


def _recover(jobs) -> None:
    hard_limit = settings.BUDGETPLAN_PDF_TIME_LIMIT + HARD_LIMIT_GRACE
    stopped_before = timezone.now() - timedelta(seconds=hard_limit + 60)
    stale = list(jobs.filter(status=Status.RENDERING, started_at__lt=stopped_before))
    for job in stale:
        job.error = WORKER_STOPPED.format(seconds=settings.BUDGETPLAN_PDF_TIME_LIMIT)
        if job.kind == Kind.DECISION:
            decided = DecidedDocument.objects.filter(case_id=job.case_id).first()
            if decided is not None:
                _finish(job, Status.DONE, sha256=decided.sha256, size=decided.size, error="")
            else:
                _finish(job, Status.FAILED)
        elif job.attempts >= settings.BUDGETPLAN_PDF_ATTEMPTS:
            _finish(job, Status.FAILED)
        else:
            job.status, job.task_id = Status.QUEUED, ""
            job.save(update_fields=["status", "task_id", "error"])
            _send_render(job)


def _send_render(job: CasePdf, *, countdown: float = 0) -> None:
    """Send the render task of a draft's or a report's job."""
    if job.kind == Kind.REPORT:
        _send(render_report_pdf, (job.report_id, job.revision), countdown=countdown)
    else:
        _send(render_pdf, (job.case_id, job.revision), countdown=countdown)


def _ensure_sent(job: CasePdf | None, queue_new) -> CasePdf | None:
    """`job`, the current revision's, or one queued now by `queue_new()` if there is none (a case
    loaded from a fixture, one decided before PDFs were stored); sent again if its message seems
    lost (still queued, never tried, LOST_AFTER past its debounce)."""
    if job is None:
        return queue_new()
    due = job.created_at + timedelta(seconds=settings.BUDGETPLAN_PDF_DEBOUNCE_SECONDS)
    if job.status == Status.QUEUED and not job.attempts and due + LOST_AFTER < timezone.now():
        CasePdf.objects.filter(pk=job.pk).update(created_at=timezone.now())
        _send_render(job)
    return job


def request_pdf(case: Case) -> CasePdf | None:
    """The job of the case's current revision, queued now if there is none (_ensure_sent)."""
    recover_stopped(case)
    job = CasePdf.objects.filter(case=case, kind=Kind.DRAFT, revision=case.revision).first()
    return _ensure_sent(job, lambda: _queue_draft(case.pk, case.revision, countdown=0))


def polled_pdf_state(case: Case, *, decided: bool) -> "PdfState":
    """pdf_state, for the page's script that polls it: stopped jobs recovered, and a draft's
    current job queued (or sent again) while its PDF is pending; not while a decision holds the
    case (a new job would wait for it), nor once the case is decided."""
    recover_stopped(case)
    state = pdf_state(case)
    if not decided and not state.deciding and state.state == "pending":
        job = _ensure_sent(state.current, lambda: _queue_draft(case.pk, case.revision, countdown=0))
        state = replace(state, current=job)
    return state


def retry_failed(case: Case) -> CasePdf | None:
    """The clerk's "Försök igen": the failed job of the current revision, queued anew."""
    updated = CasePdf.objects.filter(
        case=case, kind=Kind.DRAFT, revision=case.revision, status=Status.FAILED,
    ).update(status=Status.QUEUED, attempts=0, task_id="", created_at=timezone.now())
    if updated:
        _send(render_pdf, (case.pk, case.revision))
    return request_pdf(case)


def request_decision(*, case: Case, user, decided_on) -> CasePdf:
    """The clerk asks for the decision: checked now as case_transition will check it, and queued.

    The case is decided by the job, when the PDF is stored (decide_case)."""
    case = Case.objects.get(pk=case.pk)  # as stored now: the caller's copy may be older
    lifecycle.check_step(case=case, to_status=Case.Status.DECIDED, user=user)
    try:
        with transaction.atomic():
            job = CasePdf.objects.create(
                case=case, kind=Kind.DECISION, revision=case.revision,
                requested_by=user if getattr(user, "pk", None) else None, decided_on=decided_on,
            )
    except IntegrityError:
        raise ValidationError(DECISION_PENDING, code="decision_pending") from None
    _send(decide_case, (job.pk,))
    return job


# ---- What the page shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class PdfState:
    """Where a case's PDF is: the file of its current revision, or the job making it and the
    previous file meanwhile; and the decision's job while it runs or when it failed."""

    revision: int
    current: CasePdf | None
    previous: CasePdf | None
    decision: CasePdf | None

    @property
    def ready(self) -> CasePdf | None:
        return self.current if self.current and self.current.status == Status.DONE else None

    @property
    def state(self) -> str:
        """done, failed, or pending (queued or rendering, or not yet queued)."""
        if self.current is None:
            return "pending"
        return {Status.DONE: "done", Status.FAILED: "failed"}.get(self.current.status, "pending")

    @property
    def message(self) -> str:
        if self.state == "failed":
            return FAILED.format(revision=self.revision, error=self.current.error)
        if self.state == "pending":
            return RENDERING.format(revision=self.revision)
        return f"PDF för revision {self.revision} är klar."

    @property
    def deciding(self) -> bool:
        return self.decision is not None and self.decision.status in OPEN

    @property
    def decision_message(self) -> str | None:
        if self.decision is None:
            return None
        if self.deciding:
            return DECISION_RENDERING
        if self.decision.status == Status.FAILED:
            return DECISION_FAILED.format(error=self.decision.error)
        return None


def pdf_state(case: Case) -> PdfState:
    """In one query: the current revision's job, the newest stored earlier file, the last
    decision job. Older files are removed when a newer one is stored, so the rows stay few."""
    rows = list(
        CasePdf.objects.filter(case_id=case.pk).filter(
            Q(kind=Kind.DRAFT, revision=case.revision)
            | Q(kind=Kind.DRAFT, status=Status.DONE, revision__lt=case.revision)
            | Q(kind=Kind.DECISION, finished_at__isnull=True)
            | Q(kind=Kind.DECISION, status=Status.FAILED)
        ).order_by("-revision", "-pk")
    )
    current = next((r for r in rows if r.kind == Kind.DRAFT and r.revision == case.revision), None)
    previous = next(
        (r for r in rows if r.kind == Kind.DRAFT and r.status == Status.DONE
         and r.revision < case.revision), None,
    )
    decisions = sorted((r for r in rows if r.kind == Kind.DECISION), key=lambda r: r.pk)
    return PdfState(
        revision=case.revision, current=current, previous=previous,
        decision=decisions[-1] if decisions else None,
    )


def stored_pdf(case: Case, revision: int) -> CasePdf | None:
    """The stored file of one revision of the case, if it is (still) stored."""
    return CasePdf.objects.filter(
        case_id=case.pk, kind=Kind.DRAFT, revision=revision, status=Status.DONE,
    ).first()


# ---- The jobs --------------------------------------------------------------------------------


def _describe(error: BaseException) -> str:
    """Why a render failed, for the clerk, in Swedish."""
    if isinstance(error, SoftTimeLimitExceeded):
        return f"tidsgränsen på {settings.BUDGETPLAN_PDF_TIME_LIMIT} sekunder överskreds."
    if isinstance(error, MemoryError):
        return "minnesgränsen för en PDF överskreds."
    if isinstance(error, PdfBusy):
        return "alla platser för att skapa PDF:er var upptagna."
    text = str(error).strip()[:300]
    return f"oväntat fel ({type(error).__name__}{': ' + text if text else ''})."


def _begin(job_filter: dict, task_request) -> CasePdf | None:
    """Lock the job and mark one more attempt under way; None if there is nothing to do.

    A job already rendering under this same task id was handed back by the broker because the
    worker that ran it died: that attempt failed, and this is the next one (if any are left)."""
    job = CasePdf.objects.select_for_update().filter(**job_filter).first()
    if job is None or job.status in (Status.DONE, Status.FAILED):
        return None
    if job.status == Status.RENDERING:
        if job.task_id != task_request.id:
            return None  # another worker is at it
        job.error = WORKER_STOPPED.format(seconds=settings.BUDGETPLAN_PDF_TIME_LIMIT)
        if job.attempts >= settings.BUDGETPLAN_PDF_ATTEMPTS:
            _finish(job, Status.FAILED)
            return None
    job.status, job.attempts = Status.RENDERING, job.attempts + 1
    job.started_at, job.task_id = timezone.now(), task_request.id or ""
    job.save(update_fields=["status", "attempts", "started_at", "task_id", "error"])
    return job


def _finish(job: CasePdf, status: str, **fields) -> None:
    job.status, job.finished_at = status, timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()


def _failed(task, job: CasePdf, error: BaseException, args: tuple) -> None:
    """Record the failed attempt; queue the next one, or report the job failed."""
    logger.warning("PDF-jobbet %s misslyckades (försök %s)", job.pk, job.attempts, exc_info=error)
    job.error = _describe(error)
    if job.attempts >= settings.BUDGETPLAN_PDF_ATTEMPTS:
        _finish(job, Status.FAILED)
        return
    job.status = Status.QUEUED
    job.save(update_fields=["status", "error"])
    delays = settings.BUDGETPLAN_PDF_RETRY_SECONDS or [0]
    delay = delays[min(job.attempts, len(delays)) - 1]
    limit = settings.BUDGETPLAN_PDF_TIME_LIMIT
    raise task.retry(
        args=args, countdown=delay, max_retries=None,
        soft_time_limit=limit, time_limit=limit + HARD_LIMIT_GRACE,
    )


@app.task(bind=True, name="budgetplan.render_case_pdf")
def render_pdf(self, case_id: int, revision: int) -> str:
    """Render the draft's PDF of this revision, if the case is still at it, and store it."""
    with transaction.atomic():
        job = _begin({"case_id": case_id, "revision": revision, "kind": Kind.DRAFT}, self.request)
        if job is None:
            return "nothing to do"
        now = Case.objects.filter(pk=case_id).values_list("revision", "status").first()
        if now is None or now[0] != revision or now[1] == Case.Status.DECIDED and _has_decided_pdf(case_id):
            job.delete()  # a newer change has its own job; a decision stores its own PDF
            return "superseded"
    try:
        document = case_document(case_id=case_id)
        content = EXPORTERS["pdf"](document)
        name = f"{case_file_stem(document.case)}-revision-{revision}.pdf"
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the job
        _failed(self, job, error, (case_id, revision))
        return "failed"
    return _store(job, content, name)


def _has_decided_pdf(case_id: int) -> bool:
    return DecidedDocument.objects.filter(case_id=case_id).exists()


def _target(job: CasePdf) -> dict:
    """The jobs of the same document as `job`: the case's drafts, or the report's."""
    if job.kind == Kind.REPORT:
        return {"report_id": job.report_id, "kind": Kind.REPORT}
    return {"case_id": job.case_id, "kind": Kind.DRAFT}


def _locked_revision(job: CasePdf) -> int | None:
    """The current revision of the job's case or report, its row held until the commit."""
    if job.kind == Kind.REPORT:
        rows = FollowUpReport.objects.select_for_update().filter(pk=job.report_id)
    else:
        rows = Case.objects.select_for_update().filter(pk=job.case_id)
    return rows.values_list("revision", flat=True).first()


def _store(job: CasePdf, content: bytes, name: str) -> str:
    """Store the file, unless the case (or report) changed while it rendered (then the file may
    mix two revisions, and the newer change's job renders it again); remove the older files."""
    storage = CasePdf._meta.get_field("file").storage
    job.file.save(name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            if _locked_revision(job) != job.revision:
                CasePdf.objects.filter(pk=job.pk).delete()
                storage.delete(job.file.name)
                return "superseded"
            _finish(job, Status.DONE, sha256=hashlib.sha256(content).hexdigest(),
                    size=len(content), error="")
            older = list(CasePdf.objects.filter(
                **_target(job), revision__lt=job.revision,
            ).exclude(status__in=OPEN))
            CasePdf.objects.filter(pk__in=[row.pk for row in older]).delete()
            names = [row.file.name for row in older if row.file]
            transaction.on_commit(lambda: [storage.delete(old) for old in names])
    except BaseException:
        storage.delete(job.file.name)
        raise
    return "done"


@app.task(bind=True, name="budgetplan.decide_case")
def decide_case(self, job_id: int) -> str:
    """The decision: lifecycle.case_transition renders the PDF and stores it in the transaction
    that makes the case decided, holding the case's row (a save meanwhile waits, then is
    refused). A refusal (no longer the clerk's, already decided) is final; a failure is retried."""
    with transaction.atomic():
        job = _begin({"pk": job_id, "kind": Kind.DECISION}, self.request)
        if job is None:
            return "nothing to do"
    case = Case.objects.get(pk=job.case_id)
    decided = DecidedDocument.objects.filter(case_id=case.pk).first()
    if case.status == Case.Status.DECIDED and decided is not None:
        # Decided already: by this job, in an attempt whose worker stopped after the commit.
        _finish(job, Status.DONE, sha256=decided.sha256, size=decided.size, error="")
        return "done"
    try:
        lifecycle.case_transition(
            case=case, to_status=Case.Status.DECIDED, user=job.requested_by,
            decided_on=job.decided_on,
        )
    except (ValidationError, PermissionDenied) as refusal:
        messages = refusal.messages if isinstance(refusal, ValidationError) else [str(refusal)]
        _finish(job, Status.FAILED, error=" ".join(messages))
        return "refused"
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the job
        _failed(self, job, error, (job_id,))
        return "failed"
    decided = DecidedDocument.objects.get(case_id=case.pk)
    _finish(job, Status.DONE, sha256=decided.sha256, size=decided.size, error="")
    _remove_draft_files(case.pk)
    return "done"


def _remove_draft_files(case_id: int) -> None:
    """A decided case's PDF is the one stored at the decision: its drafts' files go."""
    storage = CasePdf._meta.get_field("file").storage
    drafts = list(CasePdf.objects.filter(case_id=case_id, kind=Kind.DRAFT).exclude(status__in=OPEN))
    CasePdf.objects.filter(pk__in=[row.pk for row in drafts]).delete()
    for row in drafts:
        if row.file:
            storage.delete(row.file.name)


# ---- A follow-up report's PDF ----------------------------------------------------------------
# The same jobs, rows and retries as a draft's, per revision of the report.


def schedule_report_renders(report_ids) -> None:
    """After the writer commits, queue the PDF of each changed report (its revision counted by
    budgetplan.document.followup_lifecycle)."""
    if not settings.BUDGETPLAN_PDF_RENDER_ON_CHANGE or not report_ids:
        return
    ids = frozenset(report_ids)
    transaction.on_commit(lambda: _queue_current_reports(ids))


def _queue_current_reports(report_ids) -> None:
    rows = FollowUpReport.objects.filter(pk__in=report_ids).values_list("pk", "case_id", "revision")
    for report_id, case_id, revision in rows:
        _queue_report(report_id, case_id, revision,
                      countdown=settings.BUDGETPLAN_PDF_DEBOUNCE_SECONDS)


def _queue_report(report_id: int, case_id: int, revision: int, *, countdown: float) -> CasePdf | None:
    """The job of this revision of the report, queued unless it already is; the report's older
    jobs still waiting are removed (their tasks find nothing to do)."""
    try:
        with transaction.atomic():
            job, created = CasePdf.objects.get_or_create(
                report_id=report_id, revision=revision, kind=Kind.REPORT,
                defaults={"case_id": case_id},
            )
    except IntegrityError:  # the report was removed meanwhile
        return None
    CasePdf.objects.filter(
        report_id=report_id, kind=Kind.REPORT, status=Status.QUEUED, revision__lt=revision,
    ).delete()
    if created:
        _send(render_report_pdf, (report_id, revision), countdown=countdown)
    return job


def request_report_pdf(report: FollowUpReport) -> CasePdf | None:
    """The job of the report's current revision, queued now if there is none (a report loaded
    from a fixture, or changed while renders on change were off) or sent again if lost."""
    _recover(CasePdf.objects.filter(report_id=report.pk, kind=Kind.REPORT))
    job = CasePdf.objects.filter(
        report_id=report.pk, kind=Kind.REPORT, revision=report.revision,
    ).first()
    return _ensure_sent(job, lambda: _queue_report(report.pk, report.case_id, report.revision, countdown=0))


def polled_report_pdf_state(report: FollowUpReport) -> PdfState:
    """report_pdf_state, for the page's script that polls it, with the current job queued (or
    sent again) while the PDF is pending, as polled_pdf_state does for a case."""
    _recover(CasePdf.objects.filter(report_id=report.pk, kind=Kind.REPORT))
    state = report_pdf_state(report)
    if state.state == "pending":
        job = _ensure_sent(
            state.current,
            lambda: _queue_report(report.pk, report.case_id, report.revision, countdown=0),
        )
        state = replace(state, current=job)
    return state


def retry_failed_report(report: FollowUpReport) -> CasePdf | None:
    """The clerk's "Försök igen": the failed job of the report's current revision, anew."""
    updated = CasePdf.objects.filter(
        report_id=report.pk, kind=Kind.REPORT, revision=report.revision, status=Status.FAILED,
    ).update(status=Status.QUEUED, attempts=0, task_id="", created_at=timezone.now())
    if updated:
        _send(render_report_pdf, (report.pk, report.revision))
    return request_report_pdf(report)


def report_pdf_state(report: FollowUpReport) -> PdfState:
    """In one query: the job of the report's current revision and its newest earlier file."""
    rows = list(
        CasePdf.objects.filter(report_id=report.pk, kind=Kind.REPORT).filter(
            Q(revision=report.revision) | Q(status=Status.DONE, revision__lt=report.revision)
        ).order_by("-revision")
    )
    current = next((r for r in rows if r.revision == report.revision), None)
    previous = next((r for r in rows if r.revision < report.revision), None)
    return PdfState(revision=report.revision, current=current, previous=previous, decision=None)


def stored_report_pdf(report: FollowUpReport, revision: int) -> CasePdf | None:
    """The stored file of one revision of the report, if it is (still) stored."""
    return CasePdf.objects.filter(
        report_id=report.pk, kind=Kind.REPORT, revision=revision, status=Status.DONE,
    ).first()


@app.task(bind=True, name="budgetplan.render_followup_report_pdf")
def render_report_pdf(self, report_id: int, revision: int) -> str:
    """Render the report's PDF of this revision, if the report is still at it, and store it."""
    with transaction.atomic():
        job = _begin({"report_id": report_id, "revision": revision, "kind": Kind.REPORT}, self.request)
        if job is None:
            return "nothing to do"
        now = FollowUpReport.objects.filter(pk=report_id).values_list("revision", flat=True).first()
        if now != revision:
            job.delete()  # a newer change has its own job
            return "superseded"
    try:
        report = report_for_reading(report_id=report_id)
        document = followup_report.followup_report_document(report=report)
        content = followup_report.render_report_pdf(document)
        name = f"{followup_report.report_file_stem(report)}-revision-{revision}.pdf"
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the job
        _failed(self, job, error, (report_id, revision))
        return "failed"
    return _store(job, content, name)

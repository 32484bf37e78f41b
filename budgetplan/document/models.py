"""The queue's record of a case's PDF: one row per job, rendered in the background.

A draft's PDF is rendered per revision of the case (`kind` "draft"), some seconds after its last
change (budgetplan.document.pdf_jobs); the decision's PDF is rendered and stored by a job of its
own (`kind` "decision"), which moves the case to decided when the file is stored. A follow-up
report's PDF is rendered per revision of the report in the same way (`kind` "report"). The row says
where the job is (queued, rendering, done, failed), how many attempts it took and why the last
one failed. These rows are the queue's bookkeeping about a rendering, not part of the case's
document: written by the queue alone, with no history, and a decided case keeps its PDF in
budgetplan.cases.models.DecidedDocument as before.
"""
from django.conf import settings
from django.db import models

from budgetplan.cases.models import Case
from followup.models import FollowUpReport


def case_pdf_upload_to(instance, filename):
    return f"pdf/{instance.case_id}/{filename}"


class CasePdf(models.Model):
    class Kind(models.TextChoices):
        DRAFT = "draft", "PDF per revision"
        DECISION = "decision", "beslutets PDF"
        REPORT = "report", "uppföljningens PDF per revision"

    class Status(models.TextChoices):
        QUEUED = "queued", "väntar"
        RENDERING = "rendering", "skapas"
        DONE = "done", "klar"
        FAILED = "failed", "misslyckades"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pdf_jobs")
    kind = models.CharField("slag", max_length=10, choices=Kind.choices, default=Kind.DRAFT)
    revision = models.PositiveIntegerField("revision")
    status = models.CharField("läge", max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("försök", default=0)
    error = models.TextField("fel", blank=True)
    file = models.FileField("fil", upload_to=case_pdf_upload_to, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField("storlek (byte)", null=True, blank=True)
    # The decision's job: who asked for it and the date it names.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="begärd av",
    )
    decided_on = models.DateField("beslutsdatum", null=True, blank=True)
    # A follow-up report's job (kind "report"): its revision is the report's (FollowUpReport.
    # revision), and `case` is the report's plan.
    report = models.ForeignKey(
        FollowUpReport, on_delete=models.CASCADE, null=True, blank=True, related_name="pdf_jobs",
        verbose_name="uppföljning",
    )
    # The Celery task of the attempt under way: the same id again means the worker that ran it
    # died (a hard time limit, the memory limit) and the broker handed the job back.
    task_id = models.CharField("jobbets id", max_length=64, blank=True)
    created_at = models.DateTimeField("begärd", auto_now_add=True)
    started_at = models.DateTimeField("påbörjad", null=True, blank=True)
    finished_at = models.DateTimeField("klar", null=True, blank=True)

    class Meta:
        verbose_name = "PDF-jobb"
        verbose_name_plural = "PDF-jobb"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "revision"], condition=models.Q(kind="draft"),
                name="document_casepdf_one_draft_job_per_revision",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(kind="decision", status__in=["queued", "rendering"]),
                name="document_casepdf_one_open_decision_per_case",
            ),
            models.UniqueConstraint(
                fields=["report", "revision"], condition=models.Q(kind="report"),
                name="document_casepdf_one_report_job_per_revision",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="report", report__isnull=False)
                | (~models.Q(kind="report") & models.Q(report__isnull=True)),
                name="document_casepdf_report_job_names_its_report",
            ),
        ]
        indexes = [models.Index(fields=["case", "kind", "-revision"], name="document_casepdf_latest")]

    def __str__(self):
        target = f"uppföljning {self.report_id}" if self.report_id else f"ärende {self.case_id}"
        return f"{self.get_kind_display()} för {target}, revision {self.revision}: {self.get_status_display()}"

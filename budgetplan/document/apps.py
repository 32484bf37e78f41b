from django.apps import AppConfig


class DocumentConfig(AppConfig):
    name = "budgetplan.document"
    label = "document"
    verbose_name = "Ärendets dokument"

    def ready(self):
        # Every write, whatever path it comes by, asks the case's life whether it may happen:
        # the kernel's write services through the guard registered here, and a save() or
        # delete() from a shell through the model signals connected with it.
        from . import followup_lifecycle, lifecycle, pdf_jobs, revisions

        lifecycle.connect_guards()
        # The follow-up's own: an approved report is final, and who enters and approves it.
        followup_lifecycle.connect_guards()
        # A new revision of a draft is rendered to PDF in the background once changes settle.
        revisions.listen(pdf_jobs.schedule_renders)
        # So is a follow-up report's, per revision of the report.
        followup_lifecycle.listen(pdf_jobs.schedule_report_renders)

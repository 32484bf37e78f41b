"""The case's workbook: download it, and upload one in two steps (preview, then confirm).

The upload is staff-only and CSRF-protected. The first step checks the workbook with a dry run
and shows what would be created, changed and deleted, or every error; the file waits in storage
under a random name kept in the session, until it is confirmed or expires
(budgetplan.document.workbook.pending). The second step imports it for real, atomically. A user
may import a workbook only if they hold the model permissions (add, change, delete) for every
change it makes; superusers hold them all.
"""
import hashlib
import secrets

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from budgetplan.access import permissions
from budgetplan.cases.models import Case
from budgetplan.document.workbook import (
    MAX_UPLOAD_BYTES,
    Issue,
    WorkbookError,
    export_case_workbook,
    import_workbook,
    workbook_filename,
)
from budgetplan.document.workbook.importer import CREATE, DELETE, UPDATE, ImportReport
from budgetplan.document.workbook.pending import PENDING_DIR, expire_pending_uploads
from budgetplan.kernel.formatting import format_decimal

from . import http_cache
from .views import _readable_case

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "budgetplan_workbook_upload"
PERMISSION_ACTION = {CREATE: "add", UPDATE: "change", DELETE: "delete"}
ACTION_WORDS = {CREATE: "skapa", UPDATE: "ändra", DELETE: "ta bort"}


def case_workbook(request, pk: int):
    """The whole case as an .xlsx workbook, as `manage.py export_workbook` writes it.

    Anyone may download a decided case's; before the decision only its board's clerks (and
    administrators), and a reader who may not see the case gets the 404 of a missing one.
    """
    case = _readable_case(request, pk)
    if not permissions.can_export_case(request.user, case):
        raise PermissionDenied(permissions.CLERKS_EXPORT_DRAFTS)

    def download():
        try:
            content = export_case_workbook(case)
        except WorkbookError as error:
            # The case holds what no workbook can carry (a text over Excel's cell limit, goals of
            # another year): say so, as `manage.py export_workbook` does, rather than fail with 500.
            return HttpResponse(
                f"Arbetsboken kan inte skapas: {error}", status=409,
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(content, content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{workbook_filename(case)}"'
        return response

    if case.status == Case.Status.DECIDED:
        # The same content every time, though not the same bytes (the export time is written
        # in): a weak ETag, and a copy that is current is not built again.
        return http_cache.public(
            request, download,
            etag=f'W/"arbetsbok-{case.pk}-{case.revision}-{settings.CASE_PAGE_CACHE_VERSION}"',
            last_modified=case.updated_at, max_age=http_cache.PAGE_MAX_AGE,
        )
    return http_cache.private(download())


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label="Arbetsbok (.xlsx)",
        help_text=f"Högst {format_decimal(MAX_UPLOAD_BYTES / (1024 * 1024), 0)} MB. "
        "Utgå från en arbetsbok som laddats ned från ärendet.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_TYPE}),
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"Filen är större än {format_decimal(MAX_UPLOAD_BYTES / (1024 * 1024), 1)} MB; "
                "dela upp den eller ta bort bilder och extra blad."
            )
        return upload


def permission_issues(report: ImportReport, user) -> list[Issue]:
    """A message for every kind of change the user may not make."""
    missing = []
    for model, action in dict.fromkeys((c.model, c.action) for c in report.changes):
        opts = model._meta
        codename = get_permission_codename(PERMISSION_ACTION[action], opts)
        if not user.has_perm(f"{opts.app_label}.{codename}"):
            missing.append(Issue(
                f"Du har inte behörighet att {ACTION_WORDS[action]} {opts.verbose_name_plural}."
            ))
    return missing


def _store(request, data: bytes) -> str:
    expire_pending_uploads()
    replaced = request.session.get(SESSION_KEY)
    if replaced:  # a session confirms only its latest preview
        default_storage.delete(replaced["name"])
    token = secrets.token_urlsafe(24)
    name = default_storage.save(f"{PENDING_DIR}/{token}.xlsx", ContentFile(data))
    request.session[SESSION_KEY] = {
        "token": token, "name": name, "sha256": hashlib.sha256(data).hexdigest(),
    }
    return token


def _take(request, token: str) -> bytes | None:
    """The stored upload for this token and this session, removed from storage; or None."""
    pending = request.session.get(SESSION_KEY)
    if not pending or not secrets.compare_digest(pending["token"], token or ""):
        return None
    del request.session[SESSION_KEY]
    try:
        with default_storage.open(pending["name"], "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    finally:
        default_storage.delete(pending["name"])
    if hashlib.sha256(data).hexdigest() != pending["sha256"]:
        return None
    return data


def _page(request, **context):
    return render(request, "admin/budgetplan/workbook_import.html", {
        **admin.site.each_context(request),
        "title": "Läs in arbetsbok",
        "max_megabytes": format_decimal(MAX_UPLOAD_BYTES / (1024 * 1024), 0),
        **context,
    })


@staff_member_required
@require_http_methods(["GET", "POST"])
def workbook_import(request):
    """Upload a workbook, see what it would do, and confirm."""
    user = request.user
    if not (user.has_perm("budgetplan.add_case") or user.has_perm("budgetplan.change_case")):
        return _page(request, forbidden=True)

    if request.method == "POST" and request.POST.get("step") == "confirm":
        data = _take(request, request.POST.get("token"))
        if data is None:
            messages.error(request, "Förhandsgranskningen har gått ut; ladda upp arbetsboken igen.")
            return redirect("cases:workbook_import")
        report = import_workbook(data, user=user, accept=lambda report: permission_issues(report, user))
        issues = report.issues
        if issues:
            return _page(request, form=WorkbookUploadForm(), report=report, issues=issues)
        label = str(report.case_label or report.case)
        stop = "" if label.endswith(".") else "."  # a title often ends in "m.m."
        messages.success(request, f"Arbetsboken lästes in: {label}{stop}")
        return redirect(reverse("cases:detail", args=[report.case.pk]))

    if request.method == "POST":
        form = WorkbookUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return _page(request, form=form)
        data = form.cleaned_data["workbook"].read()
        report = import_workbook(data, user=user, dry_run=True,
                                 accept=lambda report: permission_issues(report, user))
        issues = report.issues
        token = _store(request, data) if not issues and report.changes else ""
        return _page(request, form=WorkbookUploadForm(), report=report, issues=issues, token=token,
                     filename=form.cleaned_data["workbook"].name)

    return _page(request, form=WorkbookUploadForm())

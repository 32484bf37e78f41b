"""Views that render the case: parse, check permission, call one selector or service, render.

A case the user may not read answers 404, exactly as a case that does not exist: a draft is
never hinted at outside its board.
"""
import datetime
import unicodedata
from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from budgetplan.access import permissions
from budgetplan.cases.models import Attachment, Case
from budgetplan.document import changelog, lifecycle, selectors
from budgetplan.document.exports import EXPORTERS, render_case_page
from budgetplan.document.pdf import PdfBusy
from budgetplan.kernel.files import content_type_for

from . import http_cache


def _readable_case(request, pk: int) -> Case:
    """The case row, read first so a refused reader reads nothing else."""
    case = selectors.case_for_reading(case_id=pk)
    if case is None or not permissions.can_view_case(request.user, case):
        raise Http404("Ärendet finns inte.")
    return case


def case_index(request):
    cases = permissions.visible_cases(request.user)
    return render(request, "cases/index.html", {"years": selectors.cases_by_year(cases=cases)})


def _workbook_url(case_id: int) -> str | None:
    try:
        return reverse("cases:workbook", args=[case_id])
    except NoReverseMatch:
        return None


def case_actions(user, case: Case) -> dict:
    """What this user may do with the case beyond reading it, for the page's downloads and forms."""
    may_export = permissions.can_export_case(user, case)
    may_edit = (user.is_staff and case.status != Case.Status.DECIDED
                and permissions.can_edit_case(user, case))
    next_status = lifecycle.NEXT_STATUS.get(Case.Status(case.status))
    return {
        "pdf_url": reverse("cases:pdf", args=[case.pk]) if may_export else None,
        "workbook_url": _workbook_url(case.pk) if may_export else None,
        "admin_url": reverse("admin:budgetplan_case_change", args=[case.pk]) if may_edit else None,
        # Upload only for those who can also download the workbook to edit.
        "workbook_import_url": (
            reverse("cases:workbook_import") if may_edit and may_export else None
        ),
        "next_status": next_status if permissions.can_transition_case(user, case) else None,
        "may_start_new_version": permissions.can_start_new_version(user, case),
    }


def case_detail(request, pk: int):
    # The public page is the same for everyone: no account, no query string, no pending message.
    public_read = (
        not request.user.is_authenticated
        and not request.GET
        and not len(messages.get_messages(request))
    )
    if public_read:
        # The whole city reads decided cases, and a decided case never changes again (nor is it
        # deleted): its public page is rendered once per process and then served from the cache
        # without touching the database. Only decided cases' pages are ever put there.
        cached = cache.get(_public_page_key(pk))
        if isinstance(cached, tuple):  # an entry of an earlier release (the HTML alone) is redone
            return _public_page(request, *cached)
    case = _readable_case(request, pk)
    html = _render_case_detail(request, case)
    if public_read and case.status == Case.Status.DECIDED:
        entry = (html, http_cache.content_etag(html), case.updated_at)
        cache.set(_public_page_key(pk), entry, timeout=None)
        return _public_page(request, *entry)
    # Drafts change under their editors' hands, and a logged-in reader's page holds their own
    # forms and name: rendered from the records as they are, and kept by no cache.
    return http_cache.private(HttpResponse(html))


def _public_page(request, html: str, etag: str, decided_at) -> HttpResponse:
    return http_cache.public(
        request, lambda: HttpResponse(html),
        etag=etag, last_modified=decided_at, max_age=http_cache.PAGE_MAX_AGE,
    )


def _public_page_key(pk: int) -> str:
    return f"case-page:{settings.CASE_PAGE_CACHE_VERSION}:{pk}"


def _render_case_detail(request, case: Case) -> str:
    document = selectors.case_document(case=case)
    context = {
        "actions": case_actions(request.user, document.case),
        "today": datetime.date.today().isoformat(),
    }
    return render_case_page(document, request=request, context=context)


def case_changes(request, pk: int):
    """The case's change log, for those who may read the case."""
    case = _readable_case(request, pk)
    # Login names are for staff who may read the case; the public reads "en handläggare".
    log = changelog.case_change_log(
        case_id=pk, page_number=request.GET.get("sida"), login_names=request.user.is_staff,
    )
    response = render(request, "cases/changes.html", {"log": log, "case": log.case})
    if case.status == Case.Status.DECIDED and not request.user.is_authenticated:
        return http_cache.public(
            request, lambda: response, etag=http_cache.content_etag(response.content),
            last_modified=case.updated_at, max_age=http_cache.PAGE_MAX_AGE,
        )
    return http_cache.private(response)


def case_pdf(request, pk: int):
    case = _readable_case(request, pk)
    if not permissions.can_export_case(request.user, case):
        raise PermissionDenied(permissions.CLERKS_EXPORT_DRAFTS)
    decided = case.status == Case.Status.DECIDED
    # A decided case's PDF is the file stored at the decision, byte for byte, streamed from
    # storage; before that (and for a case decided before PDFs were stored) it is rendered from
    # the records as they are.
    stored = lifecycle.decided_pdf(case) if decided else None
    if stored is not None:
        filename, document = stored
        return http_cache.public(
            request, lambda: _file_download(document.file.open("rb"), filename, "application/pdf"),
            etag=document.sha256, last_modified=document.created_at,
            max_age=http_cache.STORED_FILE_MAX_AGE, immutable=True,
        )
    try:
        filename, content = _rendered_pdf(case)
    except PdfBusy:
        response = HttpResponse(
            "Många PDF:er skapas just nu. Försök igen om en stund.",
            status=503, content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "10"
        return response
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_ascii_filename(filename)}"'
    response["X-Content-Type-Options"] = "nosniff"
    if decided:
        return http_cache.public(
            request, lambda: response, etag=http_cache.content_etag(content),
            last_modified=case.updated_at, max_age=http_cache.PAGE_MAX_AGE,
        )
    return http_cache.private(response)


def _rendered_pdf(case: Case) -> tuple[str, bytes]:
    """The PDF of the case as its records are now, rendered once per revision of the case.

    Every write through the services counts a new revision, so an edited draft is rendered anew
    on the next download; asking again for an unchanged one costs no second render.
    """
    key = f"case-pdf:{settings.CASE_PAGE_CACHE_VERSION}:{case.pk}:{case.revision}"
    rendered = cache.get(key)
    if rendered is None:
        document = selectors.case_document(case=case)
        rendered = (f"{document.file_stem}.pdf", EXPORTERS["pdf"](document))
        cache.set(key, rendered, timeout=60 * 60)
    return rendered


def case_attachment(request, pk: int, number: int):
    """An uploaded attachment, for those who may read the case: always a download, never shown
    in the browser, with the content type of the kind it was checked to be at upload."""
    case = _readable_case(request, pk)
    attachment = Attachment.objects.filter(case_id=pk, number=number).first()
    if attachment is None or not attachment.file:
        raise Http404("Bilagan finns inte.")
    name = PurePath(attachment.file.name).name

    def download():
        return _file_download(attachment.file.open("rb"), name, content_type_for(name))

    if case.status == Case.Status.DECIDED:
        # Stored files are never overwritten, and a decided case's attachments never change.
        return http_cache.public(
            request, download, etag=f"bilaga-{attachment.pk}-{attachment.version}",
            last_modified=case.updated_at, max_age=http_cache.STORED_FILE_MAX_AGE, immutable=True,
        )
    return http_cache.private(download())


def _file_download(handle, name: str, content_type: str) -> FileResponse:
    """A stored file sent a block at a time (up to 20 MB each, several workers), as a download."""
    response = FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=_ascii_filename(name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _ascii_filename(name: str) -> str:
    """A file name safe inside the quoted header: no quotes, no line breaks, ASCII only."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain if ch.isalnum() or ch in "._- ") or "bilaga"


@require_POST
def case_transition(request, pk: int):
    """The clerk's form on the case page: move the case one step (with the decision date)."""
    case = _readable_case(request, pk)
    if not permissions.can_transition_case(request.user, case):
        raise PermissionDenied(permissions.CLERKS_MOVE_CASES)
    decided_on = None
    if request.POST.get("decided_on"):
        try:
            decided_on = datetime.date.fromisoformat(request.POST["decided_on"])
        except ValueError:
            messages.error(request, "Skriv beslutsdatum som ÅÅÅÅ-MM-DD.")
            return _to_messages(pk)
    try:
        transition = lifecycle.case_transition(
            case=case, to_status=request.POST.get("to_status", ""), user=request.user,
            decided_on=decided_on,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PdfBusy:
        # The decision stores the case's PDF; with every render slot taken nothing was saved.
        messages.error(
            request, "Ärendet har inte flyttats: många PDF:er skapas just nu och beslutets PDF "
            "kunde inte sparas. Försök igen om en stund.",
        )
    else:
        messages.success(request, f"Ärendet är nu {transition.get_to_status_display().lower()}.")
    return _to_messages(pk)


@require_POST
def case_new_version(request, pk: int):
    case = _readable_case(request, pk)
    if not permissions.can_start_new_version(request.user, case):
        raise PermissionDenied(lifecycle.NOT_YOUR_CASE_TO_REVISE)
    try:
        new = lifecycle.case_new_version(case=case, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_messages(pk)
    messages.success(
        request, f"En ny version skapades som utkast: {new.memo_number}. Ange dess diarienummer "
        "när registratorn har gett det ett.",
    )
    return _to_messages(new.pk)


def _to_messages(pk: int):
    """Back to the case's page, at the message that says what the clerk's form did: it takes
    the focus there (templates/includes/case_actions.html)."""
    return redirect(reverse("cases:detail", args=[pk]) + "#meddelanden")

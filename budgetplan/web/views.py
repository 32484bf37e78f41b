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
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from budgetplan.access import permissions
from budgetplan.cases.models import Attachment, Case
from budgetplan.document import changelog, lifecycle, pdf_jobs, selectors
from budgetplan.document.exports import render_case_page
from budgetplan.kernel.files import content_type_for

from . import http_cache
from .followup_views import followup_links


def _readable_case(request, pk: int, *, for_document: bool = False) -> Case:
    """The case row, read first so a refused reader reads nothing else; `for_document` as in
    selectors.case_for_reading, for a view that builds the whole document from it."""
    case = selectors.case_for_reading(case_id=pk, for_document=for_document)
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
    # Where the background PDF is (pdf_jobs). A decided case's is the file stored at the decision
    # (its public page is cached, so it shows no passing state).
    pdf = pdf_jobs.pdf_state(case) if may_export and case.status != Case.Status.DECIDED else None
    may_transition = permissions.can_transition_case(user, case)
    return {
        "pdf_url": reverse("cases:pdf", args=[case.pk]) if may_export else None,
        "pdf": pdf,
        "pdf_status_url": reverse("cases:pdf_status", args=[case.pk]) if pdf else None,
        "workbook_url": _workbook_url(case.pk) if may_export else None,
        "admin_url": reverse("admin:budgetplan_case_change", args=[case.pk]) if may_edit else None,
        # Upload only for those who can also download the workbook to edit.
        "workbook_import_url": (
            reverse("cases:workbook_import") if may_edit and may_export else None
        ),
        # While the decision is being saved there is no next step to offer.
        "next_status": next_status if may_transition and not (pdf and pdf.deciding) else None,
        "may_retry_pdf": bool(pdf and pdf.state == "failed" and may_transition),
        "may_start_new_version": permissions.can_start_new_version(user, case),
        # The follow-up forms (T1, T2, Helår) for the board's staff and clerks.
        "followup_links": followup_links(user, case),
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
    case = _readable_case(request, pk, for_document=True)
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


def _exportable_case(request, pk: int) -> Case:
    case = _readable_case(request, pk)
    if not permissions.can_export_case(request.user, case):
        raise PermissionDenied(permissions.CLERKS_EXPORT_DRAFTS)
    return case


def case_pdf(request, pk: int):
    """The case's PDF: the file stored at the decision, or the stored file of the case's current
    revision. No request renders one: while it is being made in the background (pdf_jobs) the
    answer is a short page that says so, offers the previous file and reloads itself."""
    case = _exportable_case(request, pk)
    decided = case.status == Case.Status.DECIDED
    stored = lifecycle.decided_pdf(case) if decided else None
    if stored is not None:
        filename, document = stored
        return http_cache.public(
            request, lambda: _file_download(document.file.open("rb"), filename, "application/pdf"),
            etag=document.sha256, last_modified=document.created_at,
            max_age=http_cache.STORED_FILE_MAX_AGE, immutable=True,
        )
    pdf_jobs.request_pdf(case)
    state = pdf_jobs.pdf_state(case)
    if state.ready is not None:
        return _stored_pdf_download(request, case, state.ready, current=True)
    response = render(request, "cases/pdf_pending.html", {
        "case": case, "pdf": state, "refresh_seconds": 3,
        "previous_url": _revision_url(case, state.previous),
        "retry_url": reverse("cases:pdf_retry", args=[case.pk])
        if state.state == "failed" and permissions.can_transition_case(request.user, case) else None,
    }, status=202 if state.state == "pending" else 200)
    return http_cache.private(response)


def _revision_url(case: Case, job) -> str | None:
    return reverse("cases:pdf_revision", args=[case.pk, job.revision]) if job else None


def _stored_pdf_download(request, case: Case, job, *, current: bool = False):
    """A stored file of the case: the current one named after the case, an earlier one after
    its revision too."""
    stem = selectors.case_file_stem(case)
    filename = f"{stem}.pdf" if current else f"{stem}-revision-{job.revision}.pdf"
    if case.status == Case.Status.DECIDED:  # decided before PDFs were stored at the decision
        return http_cache.public(
            request, lambda: _file_download(job.file.open("rb"), filename, "application/pdf"),
            etag=job.sha256, last_modified=job.finished_at,
            max_age=http_cache.STORED_FILE_MAX_AGE, immutable=True,
        )
    return http_cache.private(_file_download(job.file.open("rb"), filename, "application/pdf"))


def case_pdf_revision(request, pk: int, revision: int):
    """The stored PDF of one revision: the previous file, offered while a newer one is made."""
    case = _exportable_case(request, pk)
    job = pdf_jobs.stored_pdf(case, revision)
    if job is None:
        raise Http404(f"Ingen PDF för revision {revision} är sparad.")
    return _stored_pdf_download(request, case, job)


def case_pdf_status(request, pk: int):
    """Where the case's PDF is, for the page's script that shows it while the clerk waits. Asking
    makes sure the current revision's job is queued (a case loaded from a fixture has none)."""
    case = _exportable_case(request, pk)
    # Read with the case row (selectors.CASE_RELATIONS): the page polls this every few seconds.
    decided = hasattr(case, "decided_document")
    state = pdf_jobs.polled_pdf_state(case, decided=decided)
    body = {
        "revision": state.revision,
        "state": "done" if decided else state.state,
        "message": "Den beslutade PDF:en är sparad." if decided else state.message,
        "url": reverse("cases:pdf", args=[pk]) if decided or state.ready else None,
        "previous": (
            {"revision": state.previous.revision, "url": _revision_url(case, state.previous)}
            if state.previous and not state.ready and not decided else None
        ),
        "decided": case.status == Case.Status.DECIDED,
        "deciding": state.deciding,
        "decision_message": state.decision_message,
    }
    return http_cache.private(JsonResponse(body))


@require_POST
def case_pdf_retry(request, pk: int):
    """The clerk's "Försök igen" after a PDF that kept failing."""
    case = _readable_case(request, pk)
    if not permissions.can_transition_case(request.user, case):
        raise PermissionDenied(permissions.CLERKS_MOVE_CASES)
    pdf_jobs.retry_failed(case)
    messages.info(request, pdf_jobs.RENDERING.format(revision=case.revision))
    return redirect("cases:detail", pk=pk)


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
    to_status = request.POST.get("to_status", "")
    try:
        if to_status == Case.Status.DECIDED:
            # The decision renders and stores the PDF: a job on the queue does it, and the case
            # is decided when the file is stored. The page shows its progress meanwhile.
            job = pdf_jobs.request_decision(case=case, user=request.user, decided_on=decided_on)
        else:
            transition = lifecycle.case_transition(
                case=case, to_status=to_status, user=request.user, decided_on=decided_on,
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if to_status != Case.Status.DECIDED:
            messages.success(request, f"Ärendet är nu {transition.get_to_status_display().lower()}.")
        else:
            job.refresh_from_db()
            if job.status == job.Status.DONE:  # the job ran at once (the test settings run it in place)
                messages.success(request, "Ärendet är nu beslutat.")
            elif job.status == job.Status.FAILED:
                messages.error(request, pdf_jobs.DECISION_FAILED.format(error=job.error))
            else:
                messages.info(
                    request, "Beslutet sparas: beslutets PDF skapas. Ärendet blir beslutat när "
                    "filen är sparad; sidan visar när det är klart.",
                )
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

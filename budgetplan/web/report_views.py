"""The follow-up reports: a board's report as a page and a PDF, and the city-wide page of a period.

As for the case, a report the user may not read answers 404, like one that does not exist, and
the permission is checked on the report row before anything else about it is read. An approved
report is final (budgetplan.document.followup_lifecycle), so its public page and PDF carry cache
validators; everything else is private.

No request renders a report's PDF: it is rendered per revision of the report in the background
(budgetplan.document.pdf_jobs, as a case's is). The PDF link serves the stored file of the
report's current revision; while a newer one is made it answers with a page that says so, offers
the previous file and reloads itself, and the report page shows the same through its status
address.
"""
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from budgetplan.access import followup as followup_access
from budgetplan.document import city_followup as city
from budgetplan.document import followup_report, pdf_jobs
from followup.models import FollowUpReport, PeriodKind, ReportStatus, parse_period_kind
from followup.selectors import period_reports, report_for_case

from . import http_cache
from .views import _file_download

# The city-wide page grows as boards' reports are approved: kept a few minutes, not a day.
CITY_MAX_AGE = 5 * 60
CLERKS_EXPORT_OPEN_REPORTS = (
    "Bara nämndsekreteraren kan ladda ner en uppföljning som inte är godkänd."
)


def _period(slug: str) -> str:
    kind = parse_period_kind(slug)
    if kind is None:
        raise Http404("Perioden finns inte.")
    return kind.value


def _readable_report(request, pk: int, period: str) -> FollowUpReport:
    """The report row with its case, board and period, read first (one query)."""
    report = report_for_case(case_id=pk, period_kind=_period(period))
    if report is None or not followup_access.can_view_report(request.user, report):
        raise Http404("Uppföljningen finns inte.")
    return report


def _anonymous_plain_request(request) -> bool:
    return (
        not request.user.is_authenticated and not request.GET
        and not len(messages.get_messages(request))
    )


def _page_key(kind: str, *parts) -> str:
    return ":".join(["followup", kind, settings.CASE_PAGE_CACHE_VERSION, *map(str, parts)])


def report_page(request, pk: int, period: str):
    public_read = _anonymous_plain_request(request)
    if public_read:
        # Only approved reports' public pages are ever put here: they never change again.
        cached = cache.get(_page_key("page", pk, period))
        if cached is not None:
            return _public(request, *cached)
    report = _readable_report(request, pk, period)
    document = followup_report.followup_report_document(report=report)
    # The public page of an approved report is cached: it shows the link, not a passing state.
    html = followup_report.render_report_page(
        document, request=request,
        context={"actions": _report_actions(request.user, report, with_state=not public_read)},
    )
    if public_read and report.status == ReportStatus.APPROVED:
        entry = (html, http_cache.content_etag(html), report.approved_at)
        cache.set(_page_key("page", pk, period), entry, timeout=None)
        return _public(request, *entry)
    return http_cache.private(HttpResponse(html))


def _may_download(user, report: FollowUpReport) -> bool:
    """The PDF: anyone who reads an approved report; before the approval the board's clerk."""
    return report.status == ReportStatus.APPROVED or followup_access.can_approve(user, report.case)


def _report_actions(user, report: FollowUpReport, *, with_state: bool = True) -> dict:
    """What the reader may do from the report: download it (and see where its PDF is), and (the
    board's staff, while it is not approved) open its entry form."""
    slug = followup_report.PERIOD_SLUGS[PeriodKind(report.period.kind)]
    may_enter = report.status != ReportStatus.APPROVED and (
        followup_access.can_enter(user, report.case) or followup_access.can_approve(user, report.case)
    )
    may_download = _may_download(user, report)
    pdf = pdf_jobs.report_pdf_state(report) if may_download and with_state else None
    return {
        "pdf_url": reverse("cases:followup_report_pdf", args=[report.case_id, slug])
        if may_download else None,
        "pdf": pdf,
        "pdf_status_url": reverse("cases:followup_report_pdf_status", args=[report.case_id, slug])
        if pdf else None,
        "pdf_previous_url": _revision_url(report, slug, pdf.previous) if pdf else None,
        "pdf_retry_url": reverse("cases:followup_report_pdf_retry", args=[report.case_id, slug])
        if pdf and pdf.state == "failed" and followup_access.can_approve(user, report.case) else None,
        "entry_url": reverse("cases:followup_entry", args=[report.case_id, report.period.kind])
        if may_enter else None,
    }


def _revision_url(report: FollowUpReport, slug: str, job) -> str | None:
    if job is None:
        return None
    return reverse("cases:followup_report_pdf_revision", args=[report.case_id, slug, job.revision])


def _public(request, html: str, etag: str, last_modified) -> HttpResponse:
    return http_cache.public(
        request, lambda: HttpResponse(html), etag=etag, last_modified=last_modified,
        max_age=http_cache.PAGE_MAX_AGE,
    )


def _downloadable_report(request, pk: int, period: str) -> FollowUpReport:
    """The report, readable by this user (else 404) and downloadable (else 403)."""
    report = _readable_report(request, pk, period)
    # Before the approval the PDF is the clerk's, as a draft case's is.
    if not _may_download(request.user, report):
        raise PermissionDenied(CLERKS_EXPORT_OPEN_REPORTS)
    return report


def _stored_download(request, report: FollowUpReport, job, *, current: bool):
    """A stored file of the report: an approved report's is public with validators (it never
    changes again), any other private and not stored by caches."""
    stem = followup_report.report_file_stem(report)
    filename = f"{stem}.pdf" if current else f"{stem}-revision-{job.revision}.pdf"
    if report.status == ReportStatus.APPROVED and current:
        return http_cache.public(
            request, lambda: _file_download(job.file.open("rb"), filename, "application/pdf"),
            etag=job.sha256, last_modified=report.approved_at, max_age=http_cache.PAGE_MAX_AGE,
        )
    return http_cache.private(_file_download(job.file.open("rb"), filename, "application/pdf"))


def report_pdf(request, pk: int, period: str):
    """The report's PDF: the stored file of its current revision. While it is made in the
    background the answer is a short page that says so, offers the previous file and reloads."""
    report = _downloadable_report(request, pk, period)
    pdf_jobs.request_report_pdf(report)
    state = pdf_jobs.report_pdf_state(report)
    if state.ready is not None:
        return _stored_download(request, report, state.ready, current=True)
    slug = followup_report.PERIOD_SLUGS[PeriodKind(report.period.kind)]
    response = render(request, "followup/report_pdf_pending.html", {
        "report": report, "pdf": state, "refresh_seconds": 3,
        "report_name": followup_report.REPORT_NAMES[PeriodKind(report.period.kind)],
        "report_url": reverse("cases:followup_report", args=[report.case_id, slug]),
        "previous_url": _revision_url(report, slug, state.previous),
        "retry_url": reverse("cases:followup_report_pdf_retry", args=[report.case_id, slug])
        if state.state == "failed" and followup_access.can_approve(request.user, report.case) else None,
    }, status=202 if state.state == "pending" else 200)
    return http_cache.private(response)


def report_pdf_revision(request, pk: int, period: str, revision: int):
    """The stored PDF of one revision of the report: the previous file, offered while a newer
    one is made."""
    report = _downloadable_report(request, pk, period)
    job = pdf_jobs.stored_report_pdf(report, revision)
    if job is None:
        raise Http404(f"Ingen PDF för revision {revision} är sparad.")
    return _stored_download(request, report, job, current=False)


def report_pdf_status(request, pk: int, period: str):
    """Where the report's PDF is, for the page's script (static/js/pdf-status.js). Asking makes
    sure the current revision's job is queued."""
    report = _downloadable_report(request, pk, period)
    state = pdf_jobs.polled_report_pdf_state(report)
    slug = followup_report.PERIOD_SLUGS[PeriodKind(report.period.kind)]
    body = {
        "revision": state.revision,
        "state": state.state,
        "message": state.message,
        "url": reverse("cases:followup_report_pdf", args=[pk, slug]) if state.ready else None,
        "previous": (
            {"revision": state.previous.revision, "url": _revision_url(report, slug, state.previous)}
            if state.previous and not state.ready else None
        ),
    }
    return http_cache.private(JsonResponse(body))


@require_POST
def report_pdf_retry(request, pk: int, period: str):
    """The clerk's "Försök igen" after a report's PDF that kept failing."""
    report = _readable_report(request, pk, period)
    if not followup_access.can_approve(request.user, report.case):
        raise PermissionDenied(CLERKS_EXPORT_OPEN_REPORTS)
    pdf_jobs.retry_failed_report(report)
    messages.info(request, pdf_jobs.RENDERING.format(revision=report.revision))
    slug = followup_report.PERIOD_SLUGS[PeriodKind(report.period.kind)]
    return redirect("cases:followup_report", pk=pk, period=slug)


def _city(request, year: int, period: str, boards_of: int | None = None) -> city.CityFollowUp:
    kind = _period(period)
    # Every board's report of the period, one query; kept are those this reader may read: the
    # approved ones of plans they may read, and every report of their own boards.
    reports = [
        report for report in period_reports(year=year, period_kind=kind)
        if followup_access.can_view_report(request.user, report)
    ]
    return city.city_followup(year=year, period_kind=kind, reports=reports, boards_of=boards_of)


def _city_response(request, template: str, context: dict, roll_up: city.CityFollowUp):
    html = render_to_string(template, context, request=request)
    if not request.user.is_authenticated and roll_up.all_approved:
        # What the public reads here is made of approved reports only, which never change; a
        # report approved later adds a board, and the content's ETag tells the difference.
        latest = max(report.approved_at for report in roll_up.reports)
        return http_cache.public(
            request, lambda: HttpResponse(html), etag=http_cache.content_etag(html),
            last_modified=latest, max_age=CITY_MAX_AGE,
        )
    return http_cache.private(HttpResponse(html))


def city_page(request, year: int, period: str):
    # The counts of every goal; no goal's list of boards (that is its drill-down's).
    roll_up = _city(request, year, period, boards_of=0)
    context = {"city": roll_up, "period_slug": period.lower(), **_period_names(roll_up)}
    return _city_response(request, "followup/city.html", context, roll_up)


def city_goal(request, year: int, period: str, goal_id: int):
    roll_up = _city(request, year, period, boards_of=goal_id)
    goal = roll_up.goal(goal_id)
    if goal is None:
        raise Http404("Målet finns inte.")
    context = {"city": roll_up, "goal": goal, "period_slug": period.lower(), **_period_names(roll_up)}
    return _city_response(request, "followup/city_goal.html", context, roll_up)


def _period_names(roll_up: city.CityFollowUp) -> dict:
    kind = PeriodKind(roll_up.period_kind)
    return {
        "period_label": kind.value,
        "report_name": followup_report.REPORT_NAMES[kind],
    }

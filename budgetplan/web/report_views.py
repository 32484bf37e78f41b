"""The follow-up reports: a board's report as a page and a PDF, and the city-wide page of a period.

As for the case, a report the user may not read answers 404, like one that does not exist, and
the permission is checked on the report row before anything else about it is read. An approved
report is final (budgetplan.document.followup_lifecycle), so its public page and PDF carry cache
validators; everything else is private.
"""
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from budgetplan.access import followup as followup_access
from budgetplan.document import city_followup as city
from budgetplan.document import followup_report
from budgetplan.document.pdf import PdfBusy
from followup.models import FollowUpReport, PeriodKind, ReportStatus
from followup.selectors import period_reports, report_for_case

from . import http_cache
from .views import _ascii_filename

# The city-wide page grows as boards' reports are approved: kept a few minutes, not a day.
CITY_MAX_AGE = 5 * 60
CLERKS_EXPORT_OPEN_REPORTS = (
    "Bara nämndsekreteraren kan ladda ner en uppföljning som inte är godkänd."
)


def _period(slug: str) -> str:
    kind = followup_report.period_from_slug(slug)
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
    html = followup_report.render_report_page(
        document, request=request, context={"actions": _report_actions(request.user, report)},
    )
    if public_read and report.status == ReportStatus.APPROVED:
        entry = (html, http_cache.content_etag(html), report.approved_at)
        cache.set(_page_key("page", pk, period), entry, timeout=None)
        return _public(request, *entry)
    return http_cache.private(HttpResponse(html))


def _may_download(user, report: FollowUpReport) -> bool:
    """The PDF: anyone who reads an approved report; before the approval the board's clerk."""
    return report.status == ReportStatus.APPROVED or followup_access.can_approve(user, report.case)


def _report_actions(user, report: FollowUpReport) -> dict:
    """What the reader may do from the report: download it, and (the board's staff, while it
    is not approved) open its entry form."""
    slug = followup_report.PERIOD_SLUGS[PeriodKind(report.period.kind)]
    may_enter = report.status != ReportStatus.APPROVED and (
        followup_access.can_enter(user, report.case) or followup_access.can_approve(user, report.case)
    )
    return {
        "pdf_url": reverse("cases:followup_report_pdf", args=[report.case_id, slug])
        if _may_download(user, report) else None,
        "entry_url": reverse("cases:followup_entry", args=[report.case_id, report.period.kind])
        if may_enter else None,
    }


def _public(request, html: str, etag: str, last_modified) -> HttpResponse:
    return http_cache.public(
        request, lambda: HttpResponse(html), etag=etag, last_modified=last_modified,
        max_age=http_cache.PAGE_MAX_AGE,
    )


def report_pdf(request, pk: int, period: str):
    report = _readable_report(request, pk, period)
    approved = report.status == ReportStatus.APPROVED
    # Before the approval the PDF is the clerk's, as a draft case's is.
    if not _may_download(request.user, report):
        raise PermissionDenied(CLERKS_EXPORT_OPEN_REPORTS)
    key = _page_key("pdf", report.pk, report.version)
    rendered = cache.get(key)
    if rendered is None:
        try:
            document = followup_report.followup_report_document(report=report)
            rendered = (f"{document.file_stem}.pdf", followup_report.render_report_pdf(document))
        except PdfBusy:
            response = HttpResponse(
                "Många PDF:er skapas just nu. Försök igen om en stund.",
                status=503, content_type="text/plain; charset=utf-8",
            )
            response["Retry-After"] = "10"
            return response
        if approved:
            cache.set(key, rendered, timeout=60 * 60)
    filename, content = rendered
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_ascii_filename(filename)}"'
    response["X-Content-Type-Options"] = "nosniff"
    if approved:
        return http_cache.public(
            request, lambda: response, etag=http_cache.content_etag(content),
            last_modified=report.approved_at, max_age=http_cache.PAGE_MAX_AGE,
        )
    return http_cache.private(response)


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
        "period_label": followup_report.PERIOD_SHORT[kind],
        "report_name": followup_report.REPORT_NAMES[kind],
    }

"""The follow-up entry page: one form per board and period, and its submit/approve buttons.

Permission first: a case the user may not read is 404 as everywhere; a reader of it who may
neither enter nor approve its follow-up is refused (403) before any of it is read.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from budgetplan.access import followup as access
from budgetplan.access import permissions
from budgetplan.cases.models import Case
from budgetplan.document.selectors import case_for_reading
from budgetplan.document.workbook import MAX_UPLOAD_BYTES, WorkbookError
from budgetplan.document.workbook.followup import (
    export_followup_workbook,
    followup_workbook_filename,
    import_followup_workbook,
)
from budgetplan.kernel.formatting import format_decimal
from followup import selectors, services
from followup.models import PERIOD_ORDER, PeriodKind, ReportStatus, parse_period_kind

from . import http_cache
from .followup_forms import EntryForm, goal_sections

NOT_STARTED = "Uppföljningen är inte påbörjad."


def followup_url(case_id: int, kind: str) -> str:
    return reverse("cases:followup_entry", args=[case_id, kind])


def followup_links(user, case: Case) -> list[tuple[str, str]]:
    """(label, url) of the case's follow-up forms, for users who may enter or approve them."""
    if not (access.can_enter(user, case) or access.can_approve(user, case)):
        return []
    return [(f"{kind.label} {case.budget_year}", followup_url(case.pk, kind.value)) for kind in PERIOD_ORDER]


def _readable_case(request, pk: int) -> Case:
    """As the case page: the case row first, 404 for one the user may not read."""
    case = case_for_reading(case_id=pk)
    if case is None or not permissions.can_view_case(request.user, case):
        raise Http404("Ärendet finns inte.")
    return case


def _allowed_case(request, pk: int, period: str) -> tuple[Case, PeriodKind]:
    case = _readable_case(request, pk)
    kind = parse_period_kind(period)
    if kind is None:
        raise Http404("Perioden finns inte.")
    if not (access.can_enter(request.user, case) or access.can_approve(request.user, case)):
        raise PermissionDenied(access.NOT_YOUR_BOARD)
    return case, kind


def followup_entry(request, pk: int, period: str):
    case, kind = _allowed_case(request, pk, period)
    user = request.user
    report = selectors.report_for_case(case_id=case.pk, period_kind=kind)
    if request.method == "POST" and report is None:
        return _open(request, case, kind)
    if report is None:
        return http_cache.private(render(request, "followup/entry.html", {
            "case": case, "kind": kind, "report": None,
            "may_open": access.can_enter(user, case),
        }))
    # An open report gets rows for plan records added since it was opened (a plan still being
    # written); a submitted or approved one is shown as it was handed in.
    document = selectors.followup_document(report=report)
    editable = report.status == ReportStatus.OPEN and access.can_enter(user, case)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_locked_reason(report))
        if _has_missing_rows(document):
            services.report_add_missing_rows(report=report, user=user)
            document = selectors.followup_document(report=selectors.report_for_reading(report_id=report.pk))
        form = EntryForm(document, request.POST)
        if _save(form, report, user):
            count = sum(len(rows) for rows in form.changes.rows.values()) + bool(form.changes.report_fields)
            messages.success(request, f"Uppföljningen är sparad ({count} {'rad' if count == 1 else 'rader'} ändrade)."
                             if count else "Inget var ändrat; inget har sparats.")
            return redirect(followup_url(case.pk, kind.value))
        status = 400
    else:
        form = EntryForm(document)
        status = 200
    return http_cache.private(render(request, "followup/entry.html", {
        "case": case, "kind": kind, "report": report, "doc": document, "form": form,
        "sections": goal_sections(form), "editable": editable,
        "may_submit": editable,
        "may_approve": report.status == ReportStatus.SUBMITTED and access.can_approve(user, case),
        "locked_reason": None if editable else _locked_reason(report),
    }, status=status))


def _has_missing_rows(document) -> bool:
    return any(line.outcome is None for line in (
        *document.indicators, *document.activities, *document.budget_lines, *document.investment_lines,
    )) or any(line.assessment is None for line in document.goal_lines)


def _save(form: EntryForm, report, user) -> bool:
    if not form.is_valid():
        return False
    if not form.changes:
        return True
    try:
        services.report_outcomes_update(report=report, changes=form.changes, user=user)  # atomic
    except services.OutcomesInvalid as invalid:
        form.add_write_errors(invalid)
        return False
    except ValidationError as error:  # the report itself (approved meanwhile, …)
        form.errors.extend(error.messages)
        return False
    return True


def _locked_reason(report) -> str:
    if report.status == ReportStatus.APPROVED:
        return "Uppföljningen är godkänd och kan inte längre ändras."
    if report.status == ReportStatus.SUBMITTED:
        return ("Uppföljningen är inlämnad och väntar på nämndsekreterarens godkännande; "
                "nämndsekreteraren kan öppna den igen för ändringar.")
    return "Du kan läsa uppföljningen men inte ändra den; det gör nämndens redaktörer och nämndsekreterare."


def _open(request, case: Case, kind: PeriodKind):
    if not access.can_enter(request.user, case):
        raise PermissionDenied(access.NOT_YOUR_BOARD)
    try:
        services.report_open(case=case, period_kind=kind, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Uppföljningen för {kind.label.lower()} {case.budget_year} är påbörjad.")
    return redirect(followup_url(case.pk, kind.value))


TRANSITIONS = {
    "submit": (services.report_submit, access.can_enter, "Uppföljningen är inlämnad."),
    "approve": (services.report_approve, access.can_approve, "Uppföljningen är godkänd och därmed låst."),
    "reopen": (services.report_reopen, access.can_approve, "Uppföljningen är öppen igen för ändringar."),
}


@require_POST
def followup_transition(request, pk: int, period: str):
    case, kind = _allowed_case(request, pk, period)
    action = TRANSITIONS.get(request.POST.get("action", ""))
    if action is None:
        raise Http404("Okänd åtgärd.")
    service, allowed, done = action
    if not allowed(request.user, case):
        raise PermissionDenied(access.CLERKS_APPROVE)
    report = selectors.report_for_case(case_id=case.pk, period_kind=kind)
    if report is None:
        raise Http404(NOT_STARTED)
    try:
        service(report=report, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(followup_url(case.pk, kind.value))


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report_or_404(case: Case, kind: PeriodKind):
    report = selectors.report_for_case(case_id=case.pk, period_kind=kind)
    if report is None:
        raise Http404(NOT_STARTED)
    return report


def followup_workbook(request, pk: int, period: str):
    """The report's outcome sheets as an .xlsx workbook, for those who may use its form."""
    case, kind = _allowed_case(request, pk, period)
    document = selectors.followup_document(report=_report_or_404(case, kind))
    try:
        content = export_followup_workbook(document)
    except WorkbookError as error:
        return HttpResponse(f"Arbetsboken kan inte skapas: {error}", status=409,
                            content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{followup_workbook_filename(document)}"'
    return http_cache.private(response)


@require_POST
def followup_workbook_import(request, pk: int, period: str):
    """Read an uploaded follow-up workbook into the report: all of it or, with every problem
    listed by sheet, row and column, none of it."""
    case, kind = _allowed_case(request, pk, period)
    if not access.can_enter(request.user, case):
        raise PermissionDenied(access.NOT_YOUR_BOARD)
    report = _report_or_404(case, kind)
    if report.status != ReportStatus.OPEN:
        raise PermissionDenied(_locked_reason(report))
    upload = request.FILES.get("arbetsbok")
    if upload is None:
        messages.error(request, "Välj en arbetsbok (.xlsx) att läsa in.")
        return redirect(followup_url(case.pk, kind.value))
    if upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, f"Filen är större än {format_decimal(MAX_UPLOAD_BYTES / (1024 * 1024), 1)} MB.")
        return redirect(followup_url(case.pk, kind.value))
    result = import_followup_workbook(upload, report=report, user=request.user)
    if not result.ok:
        return http_cache.private(render(request, "followup/workbook_issues.html", {
            "case": case, "kind": kind, "report": report, "issues": result.issues,
        }, status=400))
    messages.success(
        request, f"Arbetsboken är inläst: {result.changed} {'rad' if result.changed == 1 else 'rader'} ändrade."
        if result.changed else "Arbetsboken är inläst; inget var ändrat.",
    )
    return redirect(followup_url(case.pk, kind.value))

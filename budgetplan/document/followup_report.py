"""A board's follow-up report as a document: the page, its PDF and its HTML export read it here.

followup.selectors.followup_document reads the report itself (targets beside outcomes, statuses,
totals); this adds what only the rendered report needs, each in one more query whatever the
plan's size: the case's registry numbers for the header, and the indicators' outcomes in the
year's earlier periods for the charts.
"""
import datetime
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.text import slugify

from followup.models import (
    PERIOD_ORDER,
    IndicatorOutcome,
    PeriodKind,
    ReportStatus,
)
from followup.selectors import FollowUpDocument, IndicatorLine, followup_document
from goals.models import NUMERIC_KINDS

from .charts import (
    BudgetChart,
    BudgetFigure,
    IndicatorChart,
    PeriodFigure,
    budget_chart,
    indicator_chart,
)
from .exports import inline_stylesheets
from .selectors import case_file_stem, registry_numbers_in_order

REPORT_TEMPLATE = "followup/report.html"
REPORT_PDF_TEMPLATE = "followup/report_pdf.html"

# What a report of each period is called in the city's documents.
REPORT_NAMES = {
    PeriodKind.T1: "Tertialrapport 1",
    PeriodKind.T2: "Tertialrapport 2 med delårsbokslut",
    PeriodKind.FULL_YEAR: "Verksamhetsberättelse",
}
# The period as this app writes it in a URL: /arenden/7/uppfoljning/t1/rapport/, …/helar/….
PERIOD_SLUGS = {PeriodKind.T1: "t1", PeriodKind.T2: "t2", PeriodKind.FULL_YEAR: "helar"}


def report_file_stem(report) -> str:
    """The report's files' name without its ending, from the report with its case and period."""
    period = report.period
    return f"{slugify(f'Uppfoljning {period.kind} {period.year}').upper()}-{case_file_stem(report.case)}"


@dataclass
class IndicatorEntry:
    """An indicator line of the report with its chart (None for a target in words)."""

    line: IndicatorLine
    chart: IndicatorChart | None


@dataclass
class GoalSection:
    """A goal of the report as the page lays it out: its assessment, indicators and activities."""

    line: object  # followup.selectors.GoalLine
    indicators: list[IndicatorEntry]
    board_goals: list["GoalSection"] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"uppfoljning-{self.line.kind}-{self.line.goal_id}"

    @property
    def charts(self) -> list[IndicatorChart]:
        return [entry.chart for entry in self.indicators if entry.chart is not None]


@dataclass
class FollowUpReportDocument:
    """Everything the report's page and PDF show, read once.

    It answers to the names `includes/case_header.html` reads (case, title, memo_number,
    registry_label), so the report opens with the case's own header.
    """

    followup: FollowUpDocument
    registry_numbers: list[str]
    sections: list[GoalSection]
    budget_chart: BudgetChart | None

    @property
    def case(self):
        return self.followup.case

    @property
    def report(self):
        return self.followup.report

    @property
    def period(self):
        return self.followup.period

    @property
    def report_name(self) -> str:
        return REPORT_NAMES[PeriodKind(self.period.kind)]

    @property
    def period_slug(self) -> str:
        return PERIOD_SLUGS[PeriodKind(self.period.kind)]

    @property
    def title(self) -> str:
        return f"{self.report_name} {self.period.year}: {self.case.title}"

    @property
    def memo_number(self) -> str:
        return self.case.memo_number

    @property
    def registry_label(self) -> str:
        return f"(Dnr {', '.join(self.registry_numbers)})" if self.registry_numbers else ""

    @property
    def is_approved(self) -> bool:
        return self.report.status == ReportStatus.APPROVED

    @property
    def file_stem(self) -> str:
        return report_file_stem(self.report)

    @property
    def created(self) -> str:
        """The PDF's creation date: the report's last change, so the same report renders the same."""
        changed = self.report.approved_at or self.report.submitted_at or self.case.updated_at
        return changed.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")


def _is_numeric(line: IndicatorLine) -> bool:
    return line.target.kind in NUMERIC_KINDS


def _earlier_outcomes(document: FollowUpDocument) -> dict[int, dict[str, tuple]]:
    """The indicators' numbers in this year's periods up to this one, by indicator and period,
    in one query. An approved report shows only approved earlier reports' figures, so what the
    public reads never changes after the approval."""
    kinds = [kind.value for kind in PERIOD_ORDER[: PERIOD_ORDER.index(PeriodKind(document.period.kind)) + 1]]
    outcomes = IndicatorOutcome.objects.filter(
        report__case_id=document.case.pk, report__period__year=document.period.year,
        report__period__kind__in=kinds,
    )
    if document.report.status == ReportStatus.APPROVED:
        outcomes = outcomes.filter(report__status=ReportStatus.APPROVED)
    by_indicator: dict[int, dict[str, tuple]] = {}
    for indicator_id, kind, value, previous in outcomes.values_list(
        "indicator_id", "report__period__kind", "value", "previous_value",
    ):
        by_indicator.setdefault(indicator_id, {})[kind] = (value, previous)
    return by_indicator


def _indicator_chart(line: IndicatorLine, figures: dict[str, tuple], kinds) -> IndicatorChart | None:
    if not _is_numeric(line):
        return None
    periods = [
        PeriodFigure(kind.value, *figures.get(kind.value, (None, None)))
        for kind in kinds
    ]
    target = line.target.value
    if line.target.kind != "number":
        target = None  # a band (+/- 1 %) has no single line to draw
    return indicator_chart(
        chart_id=f"diagram-indikator-{line.id}", name=line.name, periods=periods, target=target,
        decimals=line.decimals, unit=line.unit,
    )


def _budget_chart(document: FollowUpDocument) -> BudgetChart | None:
    lines = document.budget_lines
    if not lines:
        return None
    # The rows only: beside their sum every row's bar would be a sliver (the sum is in the table).
    rows = [BudgetFigure(line.department, line.budget_net, line.forecast_net) for line in lines]
    return budget_chart(
        chart_id="diagram-budget",
        title=f"Driftbudget {document.period.year}: budget mot prognos, netto (mnkr)",
        rows=rows,
    )


def followup_report_document(*, report) -> FollowUpReportDocument:
    """The report (read with followup.selectors.report_for_reading or report_for_case) with its
    charts, in followup.selectors.FOLLOWUP_DOCUMENT_QUERIES + 1 queries whatever its size."""
    document = followup_document(report=report)
    registry_numbers = list(
        registry_numbers_in_order().filter(case_id=document.case.pk).values_list("number", flat=True)
    )
    # Every period of the year has its place on the axis; those after this one stay empty.
    kinds = PERIOD_ORDER
    figures = _earlier_outcomes(document)

    def entries(lines: list[IndicatorLine]) -> list[IndicatorEntry]:
        return [
            IndicatorEntry(line, _indicator_chart(line, figures.get(line.id, {}), kinds))
            for line in lines
        ]

    sections = [
        GoalSection(
            line=goal, indicators=entries(goal.indicators),
            board_goals=[
                GoalSection(line=board_goal, indicators=entries(board_goal.indicators))
                for board_goal in goal.board_goals
            ],
        )
        for goal in document.goals
    ]
    return FollowUpReportDocument(
        followup=document, registry_numbers=registry_numbers, sections=sections,
        budget_chart=_budget_chart(document),
    )


def render_report_page(document: FollowUpReportDocument, request=None, context: dict | None = None) -> str:
    return render_to_string(REPORT_TEMPLATE, {"doc": document, **(context or {})}, request=request)


def render_report_html(document: FollowUpReportDocument) -> bytes:
    """The report as one HTML file with its stylesheets inside (`export_followup --format html`)."""
    return inline_stylesheets(render_report_page(document)).encode("utf-8")


# The report PDF's stylesheets, laid over the markup in this order (see followup/report_pdf.html).
REPORT_PDF_STYLESHEETS = ("css/case.css", "css/followup_report.css", "css/print.css")


def render_report_pdf(document: FollowUpReportDocument) -> bytes:
    """The report as PDF/A, by WeasyPrint, from the page's templates plus the print stylesheet."""
    from .pdf import render_html_pdf

    html = render_to_string(REPORT_PDF_TEMPLATE, {"doc": document, "created": document.created})
    return render_html_pdf(html, REPORT_PDF_STYLESHEETS)


REPORT_EXPORTERS = {"html": render_report_html, "pdf": render_report_pdf}

"""Reads the case pages and exports need, each in a fixed number of queries."""
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.text import slugify

from budgetplan.cases.models import (
    DATE_PLACEHOLDER,
    Attachment,
    Body,
    Case,
    DecisionPoint,
    OfficialsReport,
    RegistryNumber,
    Responsibility,
    Statement,
    StatementSection,
    Subject,
)
from budgetplan.cases.references import linked
from budgetplan.kernel.formatting import format_decimal, format_long_date
from budgetplan.kernel.placeholders import amount_placeholder, fill_placeholder, fill_placeholders
from finance.models import BudgetAdjustment, Figure
from finance.selectors import CaseFigures, FinanceSection, case_figures, case_finance
from goals.selectors import CouncilGoalNode, GoalTree, plan_goal_tree
from reservations.selectors import ReservationGroup, case_reservations


@dataclass(frozen=True)
class ResolvedDecisionPoint:
    number: int
    html: SafeString
    amounts: tuple[Decimal, ...] = ()
    subject_id: int | None = None

    @property
    def amount(self) -> Decimal | None:
        """The one figure a point quotes (the first of several), or None."""
        return self.amounts[0] if self.amounts else None


@dataclass
class SubjectPart:
    """One subject of a case that carries several: its title, its Dnr and its points."""

    subject: Subject
    registry_numbers: list[str]
    decision_points: list[ResolvedDecisionPoint]

    @property
    def title(self) -> str:
        return self.subject.title

    @property
    def registry_label(self) -> str:
        return f"Dnr {', '.join(self.registry_numbers)}" if self.registry_numbers else ""


def resolve_decision_point(point: DecisionPoint, figures: CaseFigures | None) -> ResolvedDecisionPoint:
    """The point's text with each figure it quotes computed from the rows it sums, now."""
    quoted = figures.point_amounts(point.pk) if figures is not None and point.pk else []
    if not quoted:
        return ResolvedDecisionPoint(point.number, escape(point.text), (), point.subject_id)
    values = {
        amount_placeholder(position, len(quoted)): format_decimal(value.amount)
        for position, value in enumerate(quoted, start=1)
    }
    return ResolvedDecisionPoint(
        point.number, fill_placeholders(point.text, values), tuple(v.amount for v in quoted),
        point.subject_id,
    )


@dataclass
class CaseDocument:
    """Everything the case page (and every export of it) shows, read once."""

    case: Case
    registry_numbers: list[str]
    decision_points: list[ResolvedDecisionPoint]
    statement: Statement | None
    statement_sections: list[StatementSection]
    attachments: list[Attachment]
    report: OfficialsReport | None
    responsibilities: list[Responsibility]
    report_lead: SafeString
    goals: GoalTree
    finance: FinanceSection | None
    figures: CaseFigures
    reservation_groups: list[ReservationGroup]
    subjects: list[SubjectPart] = field(default_factory=list)

    @property
    def points_outside_subjects(self) -> list[ResolvedDecisionPoint]:
        """The points of the case itself: all of them in a case without subjects."""
        return [point for point in self.decision_points if point.subject_id is None]

    @property
    def memo_number(self) -> str:
        return self.case.memo_number

    @property
    def decided_document(self):
        """The PDF stored at the decision (its SHA-256 shows on the page), or None."""
        return getattr(self.case, "decided_document", None)

    @property
    def title(self) -> str:
        return self.case.title

    @property
    def file_stem(self) -> str:
        return case_file_stem(self.case)

    @property
    def registry_label(self) -> str:
        return f"(Dnr {', '.join(self.registry_numbers)})" if self.registry_numbers else ""

    @property
    def proposal_intro(self) -> str:
        """"Borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande." """
        proposing = Body(self.case.proposing_body).label
        deciding = Body(self.case.deciding_body).label.lower()
        return f"{proposing} föreslår att {deciding} beslutar följande."

    @property
    def finance_after_goals(self) -> bool:
        """The budget section stands after the goals when no council goal in the plan holds it."""
        if self.finance is None:
            return False
        return self.finance_goal is None

    @property
    def finance_goal(self) -> CouncilGoalNode | None:
        if self.finance is None or self.finance.placed_under_id is None:
            return None
        for goal in self.goals.council_goals:
            if goal.id == self.finance.placed_under_id:
                return goal
        return None


def case_file_stem(case: Case) -> str:
    """A file name for downloads: "PM-2012-3-RI"."""
    return slugify(f"PM {case.memo_year} {case.memo_serial} {case.memo_rotel}").upper()


CASE_RELATIONS = ("board", "statement", "officials_report", "decided_document", "predecessor")


def registry_numbers_in_order():
    """A case's Dnr as they are to be read: the case's own first, then each subject's, each in
    the order they were entered."""
    return RegistryNumber.objects.order_by(
        F("subject__order").asc(nulls_first=True), "order", "pk",
    )


CASE_PREFETCHES = (
    Prefetch("registry_numbers", queryset=registry_numbers_in_order()),
    Prefetch("decision_points", queryset=DecisionPoint.objects.order_by("number")),
    Prefetch("attachments", queryset=Attachment.objects.order_by("number")),
    Prefetch("statement__sections", queryset=StatementSection.objects.order_by("order")),
    Prefetch("officials_report__responsibilities", queryset=Responsibility.objects.order_by("order")),
)
SUBJECTS_PREFETCH = Prefetch("subjects", queryset=Subject.objects.order_by("order", "pk"))

# Parts that most cases do not have (a board's plan has no subjects and no budget adjustments):
# the case row says whether each is there, and the document reads only those that are.
OPTIONAL_PARTS = {
    "has_subjects": Exists(Subject.objects.filter(case=OuterRef("pk"))),
    "has_budget_adjustments": Exists(BudgetAdjustment.objects.filter(case=OuterRef("pk"))),
    "has_figures": Exists(Figure.objects.filter(case=OuterRef("pk"))),
}


def case_for_reading(*, case_id: int, for_document: bool = False) -> Case | None:
    """The case row with what its page header needs, read once: the view checks the reader's
    permission on it and the page is built from the same object. `for_document`: it is read to
    build the whole document (case_document), so it also says which OPTIONAL_PARTS it has."""
    rows = Case.objects.filter(pk=case_id).select_related(*CASE_RELATIONS)
    if for_document:
        rows = rows.annotate(**OPTIONAL_PARTS)
    return rows.first()


def _has(case: Case, part: str) -> bool:
    """Whether the case has this optional part; a case read without OPTIONAL_PARTS may."""
    return getattr(case, part, True)


def case_document(*, case_id: int | None = None, case: Case | None = None) -> CaseDocument:
    """The whole case, for the page and its exports; Http404 if there is no such case.

    Give `case` when it was already read with case_for_reading(for_document=True), to save
    reading it twice (a case read otherwise is read in full, its optional parts included).
    """
    if case is None:
        case = case_for_reading(case_id=case_id, for_document=True)
        if case is None:
            raise Http404("Ärendet finns inte.")
    has_subjects = _has(case, "has_subjects")
    prefetch_related_objects([case], *CASE_PREFETCHES, *([SUBJECTS_PREFETCH] if has_subjects else []))

    statement = getattr(case, "statement", None)
    report = getattr(case, "officials_report", None)
    finance = case_finance(case_id=case.pk)
    figures = case_figures(
        case_id=case.pk, finance=finance,
        has_adjustments=_has(case, "has_budget_adjustments"), has_figures=_has(case, "has_figures"),
    )
    attachments = list(case.attachments.all())
    attachment_numbers = {attachment.number for attachment in attachments}
    # "bilaga 3" in a point links to the attachment's place on the page and in the PDF.
    decision_points = [
        replace(point, html=linked(point.html, attachment_numbers))
        for point in (resolve_decision_point(row, figures) for row in case.decision_points.all())
    ]
    return CaseDocument(
        case=case,
        registry_numbers=[row.number for row in case.registry_numbers.all()],
        decision_points=decision_points,
        subjects=[
            SubjectPart(
                subject,
                [row.number for row in case.registry_numbers.all() if row.subject_id == subject.pk],
                [point for point in decision_points if point.subject_id == subject.pk],
            )
            for subject in (case.subjects.all() if has_subjects else [])
        ],
        statement=statement,
        statement_sections=list(statement.sections.all()) if statement else [],
        attachments=attachments,
        report=report,
        responsibilities=list(report.responsibilities.all()) if report else [],
        report_lead=(
            fill_placeholder(report.report_lead, DATE_PLACEHOLDER, format_long_date(report.dated))
            if report else escape("")
        ),
        goals=plan_goal_tree(case_id=case.pk, board_id=case.board_id, year=case.budget_year),
        finance=finance,
        figures=figures,
        reservation_groups=case_reservations(case_id=case.pk),
    )


def case_by_registry_number(number: str) -> Case | None:
    """The case that carries this registry number (any of its Dnr), or None."""
    return (
        Case.objects.filter(registry_numbers__number=number.strip())
        .select_related("board")
        .first()
    )


@dataclass(frozen=True)
class SubjectLine:
    """A subject as the index lists it under its case."""

    title: str
    registry_numbers: list[str]


@dataclass
class YearOfCases:
    """One budget year of the index: the boards' plans, then the city-wide cases."""

    year: int
    cases: list[Case]
    city_cases: list[Case]


def cases_by_year(*, cases=None) -> list[YearOfCases]:
    """The cases for the index (all, or those of `cases`, a queryset: the ones a user may read),
    grouped by budget year, newest first, each year's boards' plans apart from its city-wide
    cases, in three queries (cases, their Dnr, their subjects)."""
    cases = (
        (Case.objects.all() if cases is None else cases).select_related("board")
        .prefetch_related(
            Prefetch("registry_numbers", queryset=registry_numbers_in_order()),
            Prefetch("subjects", queryset=Subject.objects.order_by("order", "pk")),
        )
        .order_by("-budget_year", "board__name", "-memo_year", "-memo_serial")
    )
    years: dict[int, YearOfCases] = {}
    for case in cases:
        # Each subject with its own Dnr, from the case's Dnr already read (no query per case).
        numbers = list(case.registry_numbers.all())
        case.subject_lines = [
            SubjectLine(subject.title, [r.number for r in numbers if r.subject_id == subject.pk])
            for subject in case.subjects.all()
        ]
        year = years.setdefault(case.budget_year, YearOfCases(case.budget_year, [], []))
        (year.city_cases if case.is_city_case else year.cases).append(case)
    return list(years.values())

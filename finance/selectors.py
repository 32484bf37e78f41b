"""Reads of a plan's financial frame, with every total summed from its rows as Decimal."""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Prefetch
from django.utils.safestring import SafeString

from budgetplan.kernel.formatting import format_decimal
from budgetplan.kernel.placeholders import AMOUNT_PLACEHOLDER, fill_placeholder

from .figures import FigureValue, figure_values
from .models import (
    AdjustmentKind,
    BudgetAdjustment,
    Figure,
    FinancialFrame,
    Investment,
    MajorProject,
    OperatingBudgetRow,
    ResultUnit,
    TurnoverChange,
)

ZERO = Decimal("0.0")


def _sum(values) -> Decimal:
    return sum(values, ZERO)


@dataclass
class FinanceSection:
    """Nämndens ekonomiska förutsättningar, with the totals the document prints and quotes."""

    frame: FinancialFrame
    operating_rows: list[OperatingBudgetRow]
    investments: list[Investment]
    result_units: list[ResultUnit]
    projects: list[MajorProject]
    turnover_changes: list[TurnoverChange]

    @property
    def organisation(self) -> str:
        return self.frame.organisation

    @property
    def placed_under_id(self) -> int | None:
        """The council goal the section stands at the end of; None places it after the goals."""
        return self.frame.placed_under_id

    @property
    def anchor(self) -> str:
        return "ekonomiska-forutsattningar"

    @property
    def costs_total(self) -> Decimal:
        return _sum(row.costs for row in self.operating_rows)

    @property
    def revenues_total(self) -> Decimal:
        return _sum(row.revenues for row in self.operating_rows)

    @property
    def net_total(self) -> Decimal:
        # Summed from the rows' parts, not their stored nets, so the total row always adds up.
        return self.costs_total + self.revenues_total

    @property
    def investments_total(self) -> Decimal:
        return _sum(investment.amount for investment in self.investments)

    @property
    def turnover_total(self) -> Decimal:
        return _sum(change.amount for change in self.turnover_changes)

    @property
    def turnover_changes_name_boards(self) -> bool:
        """A table of turnover changes across boards shows each row's board."""
        return any(change.board_id for change in self.turnover_changes)

    @property
    def investment_texts(self) -> list[SafeString]:
        """Each investment's text with its amount where the author wrote {belopp}."""
        return [
            fill_placeholder(investment.text, AMOUNT_PLACEHOLDER, format_decimal(investment.amount))
            for investment in self.investments
        ]


def case_finance(*, case_id: int) -> FinanceSection | None:
    """The case's financial frame with all its rows, in six queries (one when it has none)."""
    frame = (
        FinancialFrame.objects.filter(case_id=case_id)
        .prefetch_related(
            Prefetch("operating_rows", queryset=OperatingBudgetRow.objects.order_by("order")),
            Prefetch("investments", queryset=Investment.objects.order_by("order")),
            Prefetch("result_units", queryset=ResultUnit.objects.order_by("order")),
            Prefetch("projects", queryset=MajorProject.objects.order_by("order")),
            Prefetch(
                "turnover_changes",
                queryset=TurnoverChange.objects.select_related("board").order_by("order"),
            ),
        )
        .first()
    )
    if frame is None:
        return None
    return FinanceSection(
        frame=frame,
        operating_rows=list(frame.operating_rows.all()),
        investments=list(frame.investments.all()),
        result_units=list(frame.result_units.all()),
        projects=list(frame.projects.all()),
        turnover_changes=list(frame.turnover_changes.all()),
    )


@dataclass
class AdjustmentTable:
    """The budget adjustments of one kind, as the document lists them, with their total."""

    kind: str
    label: str
    rows: list[BudgetAdjustment]

    @property
    def total(self) -> Decimal:
        return _sum(row.amount for row in self.rows)

    @property
    def anchor(self) -> str:
        return f"budgetjusteringar-{self.kind}"


@dataclass
class CaseFigures:
    """A case's budget adjustments, its figures with their computed sums, and which points
    quote which figures (in their order)."""

    adjustments: list[BudgetAdjustment]
    values: dict[int, FigureValue]
    quotes: dict[int, list[int]]  # point id → the ids of the figures it quotes, by position

    @property
    def adjustment_tables(self) -> list[AdjustmentTable]:
        tables = []
        for kind in AdjustmentKind:
            rows = [row for row in self.adjustments if row.kind == kind]
            if rows:
                tables.append(AdjustmentTable(kind.value, kind.label, rows))
        return tables

    @property
    def figures(self) -> list[FigureValue]:
        return list(self.values.values())

    def point_amounts(self, point_id: int) -> list[FigureValue]:
        """The figures a point quotes, in the order its placeholders number them."""
        return [self.values[figure_id] for figure_id in self.quotes.get(point_id, [])]


def case_adjustments(*, case_id: int) -> list[BudgetAdjustment]:
    return list(
        BudgetAdjustment.objects.filter(case_id=case_id).select_related("board", "source")
        .order_by("order")
    )


def case_figures(
    *, case_id: int, finance: FinanceSection | None, has_adjustments: bool = True,
    has_figures: bool = True,
) -> CaseFigures:
    """The case's adjustments and figures, in two queries; `finance` is the case's frame as
    case_finance read it (its rows are summed too). A caller that knows the case has no
    adjustments or no figures (budgetplan.document.selectors reads that with the case) says so,
    and that query is left out."""
    adjustments = case_adjustments(case_id=case_id) if has_adjustments else []
    figures: dict[int, Figure] = {}
    quoted: list[tuple[int, int, int]] = []
    if has_figures:
        # Each figure with every point that quotes it, one row per quote (a figure nobody quotes
        # comes once, with no point).
        rows = Figure.objects.filter(case_id=case_id).annotate(
            quoting_point=F("quotes__point_id"), quoted_at=F("quotes__position"),
        ).order_by("number")
        for row in rows:
            figures.setdefault(row.pk, row)
            if row.quoting_point is not None:
                quoted.append((row.quoting_point, row.quoted_at, row.pk))
    quotes: dict[int, list[int]] = {}
    for point_id, _, figure_id in sorted(quoted):
        quotes.setdefault(point_id, []).append(figure_id)
    return CaseFigures(
        adjustments=adjustments,
        values=figure_values(list(figures.values()), adjustments=adjustments, finance=finance),
        quotes=quotes,
    )

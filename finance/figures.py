"""The figures decision points quote: which rows of a case each sums, and the sum, computed
from rows already read (no query of its own)."""
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .models import AdjustmentKind, BudgetAdjustment, Figure, FigureRows

ZERO = Decimal("0.0")

ADJUSTMENT_KINDS = {
    FigureRows.ADJUSTMENTS: set(AdjustmentKind.values),
    FigureRows.ADJUSTMENT_OPERATING: {AdjustmentKind.OPERATING.value},
    FigureRows.ADJUSTMENT_INVESTMENT: {AdjustmentKind.INVESTMENT.value},
    FigureRows.TURNOVER: {AdjustmentKind.TURNOVER.value},
}


@dataclass(frozen=True)
class FigureRow:
    """One row a figure sums, named as the admin lists it."""

    table: str
    label: str
    amount: Decimal


@dataclass
class FigureValue:
    figure: Figure
    rows: list[FigureRow] = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)


def _adjustment_label(adjustment: BudgetAdjustment) -> str:
    parts = [adjustment.board.name, adjustment.get_kind_display().lower()]
    if adjustment.description:
        parts.append(adjustment.description)
    if adjustment.source_id:
        parts.append(f"ur {adjustment.source.label}")
    return ", ".join(parts)


def figure_rows(figure: Figure, *, adjustments: Iterable[BudgetAdjustment], finance) -> list[FigureRow]:
    """The rows of the case `figure` selects: `adjustments` are the case's budget adjustments
    (with board and source read), `finance` its finance.selectors.FinanceSection or None."""
    rows: list[FigureRow] = []
    kind = FigureRows(figure.rows)
    if kind in ADJUSTMENT_KINDS:
        kinds = ADJUSTMENT_KINDS[kind]
        rows += [
            FigureRow("Budgetjustering", _adjustment_label(adjustment), adjustment.amount)
            for adjustment in adjustments
            if adjustment.kind in kinds
            and (figure.board_id is None or adjustment.board_id == figure.board_id)
            and (figure.source_id is None or adjustment.source_id == figure.source_id)
        ]
    if finance is None:
        return rows
    if kind == FigureRows.TURNOVER and figure.source_id is None:
        # The turnover table's rows have no source of financing: a figure of one source has none.
        rows += [
            FigureRow("Omslutningsförändring", change.description, change.amount)
            for change in finance.turnover_changes
            if figure.board_id is None or change.board_id == figure.board_id
        ]
    elif kind in (FigureRows.OPERATING_NET, FigureRows.OPERATING_COSTS, FigureRows.OPERATING_REVENUES):
        column = {
            FigureRows.OPERATING_NET: lambda row: row.costs + row.revenues,
            FigureRows.OPERATING_COSTS: lambda row: row.costs,
            FigureRows.OPERATING_REVENUES: lambda row: row.revenues,
        }[kind]
        rows += [FigureRow("Driftbudget", row.department, column(row)) for row in finance.operating_rows]
    elif kind == FigureRows.INVESTMENTS:
        rows += [FigureRow("Investering", row.purpose, row.amount) for row in finance.investments]
    return rows


def figure_values(figures: Iterable[Figure], *, adjustments, finance) -> dict[int, FigureValue]:
    """Each figure's rows and sum, by the figure's id."""
    adjustments = list(adjustments)
    return {
        figure.pk: FigureValue(figure, figure_rows(figure, adjustments=adjustments, finance=finance))
        for figure in figures
    }

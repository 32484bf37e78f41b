"""Reads of a plan's financial frame, with every total summed from its rows as Decimal."""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.safestring import SafeString

from budgetplan.kernel.formatting import format_decimal
from budgetplan.kernel.placeholders import AMOUNT_PLACEHOLDER, fill_placeholder

from .models import (
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
            Prefetch("turnover_changes", queryset=TurnoverChange.objects.order_by("order")),
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

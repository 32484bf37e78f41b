"""Follow-up reports filled in for the report and city-page tests (set-up, straight to the rows)."""
from decimal import Decimal

from followup import services
from followup.models import (
    ActivityOutcome,
    ActivityStatus,
    Attainment,
    BudgetRowOutcome,
    GoalAssessment,
    IndicatorOutcome,
    InvestmentOutcome,
    PeriodKind,
    QualitativeOutcome,
)
from followup.status import effective_target
from goals.models import NUMERIC_KINDS, PlanIndicator


def filled_report(case, period_kind=PeriodKind.T1, *, approve=False, demonstration_note="",
                  shortfall=Decimal("0")):
    """The case's report for the period with every outcome entered: each numeric indicator at
    its target less `shortfall`, the others "ökat"/"uppnått"; activities ongoing; goals partly
    met; budget rows forecast 1,0 mnkr over their costs; investments at their budget."""
    report = services.report_open(case=case, period_kind=period_kind,
                                  demonstration_note=demonstration_note)
    targets = {
        row.indicator_id: row for row in PlanIndicator.objects.filter(case=case).select_related("indicator")
    }
    for outcome in IndicatorOutcome.objects.filter(report=report).select_related("indicator"):
        plan = targets.get(outcome.indicator_id)
        target = effective_target(board_target=plan.board_target if plan else None,
                                  council_target=outcome.indicator.council_target)
        kind, value = target.kind, target.value
        if kind in NUMERIC_KINDS and value is not None:
            IndicatorOutcome.objects.filter(pk=outcome.pk).update(
                value=value - shortfall, previous_value=value - 1, comment="Enligt plan.",
            )
        elif kind in ("increase", "decrease"):
            IndicatorOutcome.objects.filter(pk=outcome.pk).update(
                qualitative=QualitativeOutcome.INCREASED if kind == "increase" else QualitativeOutcome.DECREASED,
            )
        else:
            IndicatorOutcome.objects.filter(pk=outcome.pk).update(qualitative=QualitativeOutcome.ACHIEVED)
    ActivityOutcome.objects.filter(report=report).update(status=ActivityStatus.ONGOING)
    GoalAssessment.objects.filter(report=report).update(
        attainment=Attainment.PARTLY_MET, analysis="Målet bedöms delvis uppnås.",
    )
    for row in BudgetRowOutcome.objects.filter(report=report).select_related("budget_row"):
        budget = row.budget_row
        BudgetRowOutcome.objects.filter(pk=row.pk).update(
            outcome_costs=(budget.costs / 3).quantize(Decimal("0.1")),
            outcome_revenues=(budget.revenues / 3).quantize(Decimal("0.1")),
            forecast_costs=budget.costs + Decimal("1.0"), forecast_revenues=budget.revenues,
        )
    for row in InvestmentOutcome.objects.filter(report=report).select_related("investment"):
        InvestmentOutcome.objects.filter(pk=row.pk).update(
            outcome=Decimal("0.5"), forecast=row.investment.amount,
        )
    report.refresh_from_db()
    if approve:
        report = services.report_submit(report=report)
        report = services.report_approve(report=report)
    return report

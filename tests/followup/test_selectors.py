"""followup.selectors: a whole report with targets beside outcomes, in a fixed number of queries."""
from decimal import Decimal

import pytest

from followup import selectors, services
from followup.models import BudgetRowOutcome, IndicatorOutcome, PeriodKind
from followup.status import IndicatorStatus
from tests.budgetplan.plan_builder import build_plan


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 3])
def test_a_report_is_read_in_the_same_queries_whatever_the_plans_size(size, django_assert_num_queries):
    case = build_plan(size=size)
    report = services.report_open(case=case, period_kind=PeriodKind.T1)
    with django_assert_num_queries(selectors.FOLLOWUP_DOCUMENT_QUERIES):
        document = selectors.followup_document(report_id=report.pk)
    # every council goal, board goal, indicator, activity and budget row of the plan is there
    assert len(document.goals) == size * size
    assert len(document.goal_lines) == 2 * size * size
    assert len(document.indicators) == 2 * size ** 3
    assert len(document.activities) == 2 * size ** 3
    assert len(document.budget_lines) == size
    assert all(line.outcome is not None for line in document.indicators)


@pytest.mark.django_db
def test_targets_stand_beside_outcomes_and_totals_are_summed_from_rows():
    case = build_plan(size=2)
    report = services.report_open(case=case, period_kind=PeriodKind.T1)
    first = IndicatorOutcome.objects.filter(report=report, indicator__council_goal__isnull=False).first()
    IndicatorOutcome.objects.filter(pk=first.pk).update(value=Decimal("3"))
    BudgetRowOutcome.objects.filter(report=report).update(
        forecast_costs=Decimal("80.0"), forecast_revenues=Decimal("-20.0"),
        outcome_costs=Decimal("27.1"), outcome_revenues=Decimal("-7.3"),
    )

    document = selectors.followup_document(report_id=report.pk)

    line = next(line for line in document.indicators if line.id == first.indicator_id)
    assert line.board_target_text == "3\u00a0st"
    assert line.outcome_text == "3\u00a0st"
    assert line.status == IndicatorStatus.MET
    assert line.status_symbol == "✔"
    # budget rows: 82,8 costs each, revenues -22,0 on the first only (plan_builder)
    budget = document.budget_lines[0]
    assert budget.deviation_costs == Decimal("2.8")
    assert budget.deviation_revenues == Decimal("-2.0")
    assert budget.deviation_net == Decimal("0.8")
    totals = document.budget_totals
    assert totals.budget_costs == Decimal("165.6")
    assert totals.forecast_net == Decimal("120.0")
    assert totals.deviation_net == totals.budget_net - totals.forecast_net == Decimal("23.6")
    assert totals.outcome_net == Decimal("39.6")
    assert document.status_counts[IndicatorStatus.MET] == 1


@pytest.mark.django_db
def test_opening_twice_gives_the_same_report_and_missing_rows_are_added():
    case = build_plan(size=1)
    report = services.report_open(case=case, period_kind=PeriodKind.T1)
    IndicatorOutcome.objects.filter(report=report).delete()
    assert services.report_open(case=case, period_kind="T1") == report
    assert services.report_add_missing_rows(report=report) == 2
    assert report.period.closing_date.isoformat() == f"{case.budget_year}-04-30"

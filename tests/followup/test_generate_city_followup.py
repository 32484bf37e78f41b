"""generate_city follows every plan up in T1, T2 and Helår, as the city-wide benchmark needs."""
import pytest

from bench.city import generate_city
from followup.models import (
    ActivityOutcome,
    BudgetRowOutcome,
    FollowUpReport,
    GoalAssessment,
    IndicatorOutcome,
    InvestmentOutcome,
    ReportStatus,
)
from followup.selectors import followup_document
from goals.models import Periodicity

pytestmark = pytest.mark.django_db


def test_every_plan_has_an_approved_report_for_each_period_with_every_outcome():
    city = generate_city(boards=2, years=1, scale=1, seed=1, first_year=2013)

    reports = FollowUpReport.objects.select_related("case__board", "period")
    assert sorted((report.case_id, report.period.kind) for report in reports) == sorted(
        (case.pk, kind) for case in city.cases for kind in ("T1", "T2", "Helår")
    )
    assert {report.status for report in reports} == {ReportStatus.APPROVED}
    for report in reports:
        document = followup_document(report=report)
        # Every plan record has its outcome row; every budget row a forecast.
        assert all(line.outcome is not None for line in document.indicators)
        assert all(line.status for line in document.activities)
        assert all(line.assessment and line.attainment for line in document.goal_lines)
        assert all(line.forecast_net is not None for line in document.budget_lines)
        assert all(line.forecast is not None for line in document.investment_lines)
        # An indicator followed up per year has its outcome in Helår only.
        for line in document.indicators:
            if line.indicator.periodicity == Periodicity.YEAR and report.period.kind != "Helår":
                assert line.outcome_text == ""
    helar = [followup_document(report=report) for report in reports if report.period.kind == "Helår"]
    statuses = {line.status for document in helar for line in document.indicators}
    assert {"met", "not_met"} <= statuses  # the city has both, for the roll-up to count


def test_without_followup_the_city_has_no_reports():
    generate_city(boards=1, years=1, scale=1, seed=1, first_year=2013, followup=False)
    assert not FollowUpReport.objects.exists()
    for model in (IndicatorOutcome, ActivityOutcome, GoalAssessment, BudgetRowOutcome, InvestmentOutcome):
        assert not model.objects.exists()


def test_the_follow_up_can_be_limited_to_some_years():
    generate_city(boards=1, years=2, scale=1, seed=1, first_year=2013, followup={2014})
    assert set(FollowUpReport.objects.values_list("period__year", flat=True)) == {2014}

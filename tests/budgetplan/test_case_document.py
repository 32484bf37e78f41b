"""The case document the page and every export read: quoted figures, dates, look-ups."""
import datetime
from decimal import Decimal

import pytest
from django.http import Http404

from budgetplan.cases.models import DecisionPoint
from budgetplan.document.selectors import case_by_registry_number, case_document, cases_by_year
from tests import factories as f


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ("turnover", "Summan är 502,0 mnkr."),
        ("operating_costs", "Summan är 1\u00a0348,0 mnkr."),
        ("operating_revenues", "Summan är -46,6 mnkr."),
        ("operating_net", "Summan är 1\u00a0301,4 mnkr."),
        ("investments", "Summan är 2,0 mnkr."),
    ],
)
def test_decision_point_quotes_the_figure_it_names(figure, expected):
    case = f.CaseFactory()
    frame = f.FinancialFrameFactory(case=case)
    f.OperatingBudgetRowFactory(frame=frame, costs=Decimal("1300.0"), revenues=Decimal("-46.6"))
    f.OperatingBudgetRowFactory(frame=frame, costs=Decimal("48.0"), revenues=Decimal("0"))
    f.TurnoverChangeFactory(frame=frame, amount=Decimal("172.0"))
    f.TurnoverChangeFactory(frame=frame, amount=Decimal("330.0"))
    f.InvestmentFactory(frame=frame, amount=Decimal("2.0"))
    f.DecisionPointFactory(case=case, number=1, text="Summan är {belopp} mnkr.", figure=figure)

    (point,) = case_document(case_id=case.pk).decision_points

    assert point.html == expected


@pytest.mark.django_db
def test_a_plan_without_budget_quotes_zero():
    case = f.CaseFactory()
    f.DecisionPointFactory(case=case, number=1, text="Omslutningen {belopp} mnkr godkänns.",
                           figure="turnover")
    (point,) = case_document(case_id=case.pk).decision_points
    assert point.html == "Omslutningen 0,0 mnkr godkänns."
    assert point.amount == Decimal("0.0")


@pytest.mark.django_db
def test_report_lead_carries_the_reports_date():
    case = f.CaseFactory()
    f.OfficialsReportFactory(
        case=case, dated=datetime.date(2011, 12, 1),
        report_lead="Tjänsteutlåtande daterat den {datum} är i huvudsak av följande lydelse.",
    )
    assert case_document(case_id=case.pk).report_lead == (
        "Tjänsteutlåtande daterat den 1 december 2011 är i huvudsak av följande lydelse."
    )


@pytest.mark.django_db
def test_header_texts():
    case = f.CaseFactory(memo_year=2012, memo_serial=3, memo_rotel="RI")
    f.RegistryNumberFactory(case=case, number="112-2321/2011", order=1)
    f.RegistryNumberFactory(case=case, number="112-2400/2011", order=2)

    document = case_document(case_id=case.pk)

    assert document.memo_number == "PM 2012:3 RI"
    assert document.registry_label == "(Dnr 112-2321/2011, 112-2400/2011)"
    assert document.proposal_intro == "Borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande."


@pytest.mark.django_db
def test_unknown_case_raises_404():
    with pytest.raises(Http404):
        case_document(case_id=123456)


@pytest.mark.django_db
def test_any_registry_number_finds_the_case():
    case = f.CaseFactory()
    f.RegistryNumberFactory(case=case, number="112-2321/2011", order=1)
    f.RegistryNumberFactory(case=case, number="112-2400/2011", order=2)

    assert case_by_registry_number("112-2321/2011") == case
    assert case_by_registry_number(" 112-2400/2011 ") == case
    assert case_by_registry_number("999-1/2011") is None


@pytest.mark.django_db
def test_cases_by_year_in_three_queries(django_assert_num_queries):
    for year in (2010, 2012, 2011, 2012):
        case = f.CaseFactory(budget_year=year)
        f.RegistryNumberFactory(case=case)

    # The cases, their Dnr and their subjects.
    with django_assert_num_queries(3):
        years = cases_by_year()
        numbers = [[list(case.registry_numbers.all()) for case in group.cases] for group in years]

    assert [group.year for group in years] == [2012, 2011, 2010]
    assert [len(group.cases) for group in years] == [2, 1, 1]
    assert all(len(row) == 1 for group in numbers for row in group)

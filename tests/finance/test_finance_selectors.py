"""The financial frame's totals are summed from its rows, in Decimal, in a fixed number of queries."""
from decimal import Decimal

import pytest

from finance.selectors import case_finance
from tests import factories as f


@pytest.mark.django_db
def test_totals_are_summed_from_the_rows(django_assert_num_queries):
    case = f.CaseFactory()
    goal = f.CouncilGoalFactory()
    frame = f.FinancialFrameFactory(case=case, placed_under=goal)
    f.OperatingBudgetRowFactory(frame=frame, order=2, department="Förnyelseavdelning",
                                costs=Decimal("82.8"), revenues=Decimal("-22.0"))
    f.OperatingBudgetRowFactory(frame=frame, order=1, department="Stadsledning",
                                costs=Decimal("56.1"), revenues=Decimal("0"))
    f.OperatingBudgetRowFactory(frame=frame, order=3, department="KF/KS kansli",
                                costs=Decimal("14.7"), revenues=Decimal("-0.6"))
    for amount in ("15.0", "2.3", "330.2"):
        f.TurnoverChangeFactory(frame=frame, amount=Decimal(amount))
    f.InvestmentFactory(frame=frame, amount=Decimal("2.0"))
    f.ResultUnitFactory(frame=frame)
    f.MajorProjectFactory(frame=frame, title="e-tjänster")

    with django_assert_num_queries(6):
        section = case_finance(case_id=case.pk)

    assert [row.department for row in section.operating_rows] == [
        "Stadsledning", "Förnyelseavdelning", "KF/KS kansli",
    ]
    assert section.costs_total == Decimal("153.6")
    assert section.revenues_total == Decimal("-22.6")
    assert section.net_total == Decimal("131.0")
    assert section.turnover_total == Decimal("347.5")
    assert section.investments_total == Decimal("2.0")
    assert all(isinstance(total, Decimal) for total in (
        section.costs_total, section.revenues_total, section.net_total, section.turnover_total,
    ))
    assert section.placed_under_id == goal.pk
    assert [project.title for project in section.projects] == ["e-tjänster"]


@pytest.mark.django_db
def test_investment_text_carries_its_amount_and_escapes_the_rest():
    case = f.CaseFactory()
    frame = f.FinancialFrameFactory(case=case)
    f.InvestmentFactory(frame=frame, amount=Decimal("1250.0"),
                        text="<i>Kontoret</i> har en investeringsbudget om {belopp} mnkr.")

    (text,) = case_finance(case_id=case.pk).investment_texts

    assert text == "&lt;i&gt;Kontoret&lt;/i&gt; har en investeringsbudget om 1\u00a0250,0 mnkr."


@pytest.mark.django_db
def test_rows_of_other_cases_stay_out():
    case = f.CaseFactory()
    frame = f.FinancialFrameFactory(case=case)
    f.OperatingBudgetRowFactory(frame=frame, costs=Decimal("10.0"), revenues=Decimal("-1.0"))
    f.OperatingBudgetRowFactory(costs=Decimal("99.0"))

    assert case_finance(case_id=case.pk).net_total == Decimal("9.0")


@pytest.mark.django_db
def test_a_case_without_a_frame_has_no_finance(django_assert_num_queries):
    case = f.CaseFactory()
    with django_assert_num_queries(1):
        assert case_finance(case_id=case.pk) is None

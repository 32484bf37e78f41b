"""The financial frame admin: budget rows typed as the document writes them, totals computed."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from finance.models import FinancialFrame, OperatingBudgetRow
from tests import factories
from tests.admin_forms import add_row, assert_changelist_does_not_query_per_row, count_queries, read_form

pytestmark = pytest.mark.django_db


def change_url(frame):
    return reverse("admin:finance_financialframe_change", args=[frame.pk])


@pytest.fixture
def frame():
    frame = factories.FinancialFrameFactory()
    factories.OperatingBudgetRowFactory(
        frame=frame, order=1, department="Kommunfullmäktige", costs=Decimal("1000.0"),
        revenues=Decimal("-22.0"),
    )
    factories.OperatingBudgetRowFactory(
        frame=frame, order=2, department="Revisorskollegiet", costs=Decimal("348.0"),
        revenues=Decimal("-24.6"),
    )
    factories.TurnoverChangeFactory(frame=frame, order=1, amount=Decimal("500.0"))
    factories.TurnoverChangeFactory(frame=frame, order=2, amount=Decimal("2.0"))
    return frame


def test_change_page_shows_rows_and_computed_totals(admin_client, frame):
    text = admin_client.get(change_url(frame)).content.decode()
    # Net per row, read-only, and the totals as the document prints them.
    assert "978,0" in text and "323,4" in text
    for label, amount in [
        ("kostnader, summa", "1\u00a0348,0"),
        ("intäkter, summa", "-46,6"),
        ("KS förslag till budget, netto", "1\u00a0301,4"),
        ("omslutningsförändringar, summa", "502,0"),
    ]:
        # The label, then its read-only value in the same row of the form.
        assert re.search(f"{re.escape(label)}.{{0,300}}?>{re.escape(amount)}<", text, re.S | re.I)
    # Amounts stand in the inputs the Swedish way.
    assert 'value="-22,0"' in text


def test_amount_with_two_decimals_is_refused(admin_client, frame):
    data = read_form(admin_client, change_url(frame))
    add_row(data, "operating_rows", order="3", department="Valnämnden", costs="12,34", revenues="0")

    response = admin_client.post(change_url(frame), data)

    assert response.status_code == 200
    assert "Säkerställ att det inte är mer än 1 decimal." in response.content.decode()
    assert frame.operating_rows.count() == 2


def test_positive_revenue_is_refused(admin_client, frame):
    data = read_form(admin_client, change_url(frame))
    data["operating_rows-0-revenues"] = "22,0"

    response = admin_client.post(change_url(frame), data)

    assert response.status_code == 200
    assert "Intäkter anges negativt" in response.content.decode()
    assert frame.operating_rows.get(order=1).revenues == Decimal("-22.0")


def test_duplicate_department_is_refused(admin_client, frame):
    data = read_form(admin_client, change_url(frame))
    add_row(data, "operating_rows", order="3", department="Kommunfullmäktige", costs="1,0", revenues="0")

    response = admin_client.post(change_url(frame), data)

    assert "Avdelningen finns redan i driftbudgeten." in response.content.decode()
    assert frame.operating_rows.count() == 2


def test_valid_rows_are_saved_with_net_computed(admin_client, frame):
    data = read_form(admin_client, change_url(frame))
    add_row(data, "operating_rows", order="3", department="Valnämnden", costs="1 012,5", revenues="-2,5")
    add_row(data, "investments", order="1", purpose="Stadshusets lokaler", amount="2,0",
            text="Kontoret har en investeringsbudget om {belopp} mnkr för 2012.")

    response = admin_client.post(change_url(frame), data)

    assert response.status_code == 302
    row = OperatingBudgetRow.objects.get(department="Valnämnden")
    assert (row.costs, row.revenues, row.net) == (Decimal("1012.5"), Decimal("-2.5"), Decimal("1010.0"))
    assert frame.investments.get().amount == Decimal("2.0")
    text = admin_client.get(change_url(frame)).content.decode()
    assert "2\u00a0360,5" in text  # 1 000,0 + 348,0 + 1 012,5, summed again from the rows


def test_new_frame_from_the_case_page_link(admin_client):
    case = factories.CaseFactory()
    url = reverse("admin:finance_financialframe_add") + f"?case={case.pk}"
    data = read_form(admin_client, url)
    data["organisation"] = "Stadsledningskontoret m.m."
    add_row(data, "operating_rows", order="1", department="Kommunfullmäktige", costs="10,0", revenues="-1,0")
    add_row(data, "turnover_changes", order="1", description="Ökade kostnader/intäkter", amount="502,0")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    frame = FinancialFrame.objects.get(case=case)
    assert frame.operating_rows.get().net == Decimal("9.0")


def test_frame_page_queries_do_not_grow_with_its_rows(admin_client):
    small, large = factories.FinancialFrameFactory(), factories.FinancialFrameFactory()
    factories.OperatingBudgetRowFactory.create_batch(2, frame=small)
    factories.OperatingBudgetRowFactory.create_batch(20, frame=large)
    factories.TurnoverChangeFactory.create_batch(2, frame=small)
    factories.TurnoverChangeFactory.create_batch(20, frame=large)
    admin_client.get(change_url(small))
    assert count_queries(admin_client, change_url(large)) == count_queries(admin_client, change_url(small))


def _frames(count):
    for frame in factories.FinancialFrameFactory.create_batch(count):
        factories.OperatingBudgetRowFactory(frame=frame)


def test_list_page_does_not_query_per_row(admin_client, django_assert_num_queries):
    assert_changelist_does_not_query_per_row(
        admin_client, reverse("admin:finance_financialframe_changelist"), _frames,
        django_assert_num_queries,
    )


def test_list_filters_by_year_and_board(admin_client):
    board = factories.BoardFactory()
    wanted = factories.FinancialFrameFactory(case__board=board, case__budget_year=2012)
    factories.FinancialFrameFactory(case__board=board, case__budget_year=2013)
    factories.FinancialFrameFactory(case__budget_year=2012)

    response = admin_client.get(
        reverse("admin:finance_financialframe_changelist"),
        {"case__budget_year": 2012, "case__board__id__exact": board.pk},
    )

    assert list(response.context["cl"].result_list) == [wanted]


def test_untouched_multi_line_text_is_not_saved_again(admin_client, frame):
    """A browser posts a textarea's line ends as CRLF; a text left as it was is no change."""
    project = factories.MajorProjectFactory(frame=frame, body="Första stycket.\n\nAndra stycket.")
    data = read_form(admin_client, change_url(frame))
    data = {name: value.replace("\n", "\r\n") if isinstance(value, str) else value
            for name, value in data.items()}
    data["operating_rows-0-costs"] = "1 001,0"

    response = admin_client.post(change_url(frame), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert frame.operating_rows.get(order=1).costs == Decimal("1001.0")
    project.refresh_from_db()
    assert project.version == 1
    assert project.body == "Första stycket.\n\nAndra stycket."
    assert not project.history.filter(history_type="~").exists()


def test_a_rows_frame_is_named_in_swedish(admin_client, frame):
    row = frame.operating_rows.get(order=1)
    url = reverse("admin:finance_operatingbudgetrow_change", args=[row.pk])

    text = admin_client.get(url).content.decode()

    assert ">Ekonomiska förutsättningar:</label>" in text and ">Frame:</label>" not in text

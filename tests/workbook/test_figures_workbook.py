"""Budget adjustments, figures and the points' quoted figures out to the workbook and back."""
import re

import pytest
from django.urls import reverse

from budgetplan.cases.models import Case
from budgetplan.document.workbook import export_case_workbook, import_workbook
from finance.models import BudgetAdjustment, QuotedFigure
from tests.finance.test_figures import city_case  # noqa: F401 - the fixture
from tests.workbook.helpers import database_state, edit, row_where, set_cell

pytestmark = pytest.mark.django_db


def page_text(client, case) -> str:
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")
    # The revision the background PDF is at: a case made by an import counts its own.
    return re.sub(r"revision \d+", "revision N", text)


def test_the_sheets_carry_adjustments_figures_and_quotes(city_case):  # noqa: F811
    from tests.workbook.helpers import open_book

    book = open_book(export_case_workbook(city_case))

    adjustments = [[c.value for c in row] for row in book["Budgetjusteringar"].iter_rows(min_row=2)]
    assert adjustments[0] == [1, "Norra nämnden", "Driftbudget, nettokostnad", "Ökade kostnader",
                              10.0, "Central medelsreserv 2"]
    figures = [[c.value for c in row] for row in book["Summor"].iter_rows(min_row=2)]
    assert [row[3:] for row in figures] == [[None, None], [None, "Central medelsreserv 2"],
                                            ["Norra nämnden", None]]
    points = book["Beslutspunkter"]
    quoted = points.cell(row=row_where(points, "Nr", 2), column=3).value
    assert quoted == f"{figures[1][1]}; {figures[2][1]}"


def test_reimporting_the_unchanged_workbook_changes_nothing(city_case):  # noqa: F811
    workbook = export_case_workbook(city_case)
    before = database_state()

    report = import_workbook(workbook)

    assert report.ok, [str(issue) for issue in report.issues]
    assert report.changes == []
    assert database_state() == before


def test_an_amount_changed_in_the_workbook_changes_every_quote(city_case, admin_client):  # noqa: F811
    def raise_first(book):
        sheet = book["Budgetjusteringar"]
        set_cell(sheet, row_where(sheet, "Ordning", 1), "Belopp", 12)

    report = import_workbook(edit(export_case_workbook(city_case), raise_first))

    assert report.ok, [str(issue) for issue in report.issues]
    assert BudgetAdjustment.objects.get(case=city_case, order=1).amount == 12
    text = page_text(admin_client, city_case)
    assert "Budgetjusteringar i driftbudgeten om 17,5 mnkr beviljas." in text
    assert "Ur central medelsreserv 2 tas 17,5 mnkr, varav Norra nämnden 15,0 mnkr." in text


def test_a_point_quotes_other_figures_by_name(city_case, admin_client):  # noqa: F811
    workbook = export_case_workbook(city_case)
    from tests.workbook.helpers import open_book

    names = [row[1].value for row in open_book(workbook)["Summor"].iter_rows(min_row=2)]

    def requote(book):
        points = book["Beslutspunkter"]
        set_cell(points, row_where(points, "Nr", 3), "Citerad summa", names[2])

    report = import_workbook(edit(workbook, requote))

    assert report.ok, [str(issue) for issue in report.issues]
    point = city_case.decision_points.get(number=3)
    assert [q.figure.name for q in point.quoted_figures.all()] == [names[2]]
    assert "Driften ökar med 13,0 mnkr." in page_text(admin_client, city_case)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda book: set_cell(book["Budgetjusteringar"], 2, "Nämnd", "Okänd nämnd"),
     "Bladet Budgetjusteringar, rad 2, kolumn B (Nämnd): Nämnden ”Okänd nämnd” finns inte; skriv "
     "en nämnds namn som det står i administrationen."),
    (lambda book: set_cell(book["Budgetjusteringar"], 2, "Finansieras ur", "Central medelsreserv 9"),
     "Bladet Budgetjusteringar, rad 2, kolumn F (Finansieras ur): Finansieringskällan ”Central "
     "medelsreserv 9” finns inte; en administratör lägger till den under Finansieringskällor."),
    (lambda book: set_cell(book["Beslutspunkter"], row_where(book["Beslutspunkter"], "Nr", 1),
                           "Citerad summa", "Ingen sådan"),
     "Bladet Beslutspunkter, rad 2, kolumn C (Citerad summa): Summan ”Ingen sådan” finns inte på "
     "bladet Summor."),
    (lambda book: set_cell(book["Beslutspunkter"], row_where(book["Beslutspunkter"], "Nr", 1),
                           "Citerad summa", ""),
     "Bladet Beslutspunkter, rad 2, kolumn C (Citerad summa): Punkt 1: texten har {belopp} men "
     "punkten citerar ingen summa; välj summan eller ta bort {belopp}."),
])
def test_a_bad_cell_is_named_and_nothing_is_saved(city_case, change, expected):  # noqa: F811
    workbook = export_case_workbook(city_case)
    before = database_state()
    quotes = list(QuotedFigure.objects.values_list("point_id", "figure_id", "position"))

    report = import_workbook(edit(workbook, change))

    assert not report.ok
    assert expected in [str(issue) for issue in report.issues]
    assert database_state() == before
    assert list(QuotedFigure.objects.values_list("point_id", "figure_id", "position")) == quotes


def test_into_an_empty_case_list_the_workbook_makes_the_same_case(city_case, admin_client):  # noqa: F811
    workbook = export_case_workbook(city_case)
    original = page_text(admin_client, city_case)
    sheets = export_case_workbook(city_case)
    Case.objects.filter(pk=city_case.pk).delete()

    report = import_workbook(workbook)

    assert report.ok, [str(issue) for issue in report.issues]
    new = report.case
    assert page_text(admin_client, new).replace(f"/arenden/{new.pk}/", "") == \
        original.replace(f"/arenden/{city_case.pk}/", "")
    from tests.workbook.test_roundtrip import sheet_values

    assert sheet_values(export_case_workbook(new)) == sheet_values(sheets)

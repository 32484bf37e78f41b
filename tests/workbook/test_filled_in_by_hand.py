"""Workbooks as people fill them in with Excel or LibreOffice: typed text, pasted values, formats.

Each test goes through a real entry point (manage.py import_workbook, or the upload page) with a
workbook edited the way a spreadsheet program stores the edit: the cell's type, its number format,
its formula.
"""
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from budgetplan.cases.models import Board
from budgetplan.document.workbook import export_case_workbook, layout
from finance.models import OperatingBudgetRow, TurnoverChange
from goals.models import Activity, BoardGoal, Indicator
from reservations.models import Person, Signatory
from tests.workbook.helpers import (
    column_of,
    damage_part,
    database_state,
    edit,
    open_book,
    row_where,
    set_cell,
    store_number_as_excel_does,
)
from tests.workbook.test_views import upload


@pytest.fixture
def workbook(reference_case) -> bytes:
    return export_case_workbook(reference_case)


def imported(data: bytes, tmp_path) -> str:
    """Import with manage.py import_workbook; what it printed. Fails the test if it refused."""
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_workbook", str(path), stdout=out, stderr=err)
    except CommandError as error:
        pytest.fail(f"refused: {error}\n{err.getvalue()}")
    return out.getvalue()


def refused(data: bytes, tmp_path, *expected: str) -> None:
    """Import with manage.py import_workbook; it must list exactly `expected` and save nothing."""
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)
    before = database_state()
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_workbook", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == list(expected)
    count = len(expected)
    assert str(failure.value) == (
        "1 fel i arbetsboken; inget sparades." if count == 1 else f"{count} fel i arbetsboken; inget sparades.")
    assert database_state() == before


# -- 11: a new row whose amount is a formula is not the totals row ------------------------------

def test_a_new_row_with_a_formula_and_no_order_is_refused_not_taken_for_the_totals(workbook, tmp_path):
    def add_row_above_the_totals(book):
        sheet = book["Omslutningsförändringar"]
        totals = row_where(sheet, "Beskrivning", "Summa")
        # Excel's "Infoga rad" above the totals: the sum's range grows to take in the new row.
        sheet.insert_rows(totals)
        set_cell(sheet, totals, "Beskrivning", "Ökade kostnader/intäkter för Stadsarkivet")
        set_cell(sheet, totals, "Belopp", "=10+2.5")
        set_cell(sheet, totals + 1, "Beskrivning", "Summa")
        set_cell(sheet, totals + 1, "Belopp", f"=SUM(C2:C{totals})")

    refused(
        edit(workbook, add_row_above_the_totals), tmp_path,
        "Bladet Omslutningsförändringar, rad 12, kolumn A (Ordning): Värde saknas; kolumnen måste fyllas i.",
        "Bladet Omslutningsförändringar, rad 12, kolumn C (Belopp): Cellen innehåller formeln =10+2.5; "
        "formler läses inte in. Skriv värdet i stället (kopiera och klistra in som värde).",
    )


def test_the_totals_row_is_known_by_its_label_and_sums(workbook, tmp_path):
    def widen_the_sums(book):
        # LibreOffice keeps the formulas when rows are sorted or added below: SUM over a new range.
        budget = book["Driftbudget"]
        totals = row_where(budget, "Avdelning", "KS förslag till budget")
        for header in ("Kostnader", "Intäkter", "Netto"):
            letter = budget.cell(row=1, column=column_of(budget, header)).column_letter
            set_cell(budget, totals, header, f"=SUM({letter}2:{letter}40)")

    assert "Inga ändringar: arbetsboken stämmer med ärendet." in imported(edit(workbook, widen_the_sums), tmp_path)

    def sum_times_two(book):
        budget = book["Driftbudget"]
        set_cell(budget, row_where(budget, "Avdelning", "KS förslag till budget"), "Kostnader", "=SUM(C2:C15)*2")

    refused(edit(workbook, sum_times_two), tmp_path,
            "Bladet Driftbudget, rad 16, kolumn C (Kostnader): Summaraden räknas alltid fram ur "
            "raderna ovanför; lämna cellen tom eller med summan av kolumnen, inte =SUM(C2:C15)*2.")


# -- 12: a dot in typed text is ambiguous ---------------------------------------------------------

def typed_text(sheet, row: int, header: str, text: str) -> None:
    """What Excel or LibreOffice stores when text is typed into a cell formatted as Text."""
    cell = sheet.cell(row=row, column=column_of(sheet, header))
    cell.value = text
    cell.number_format = "@"


def test_an_amount_typed_with_a_dot_is_refused_and_the_quoted_total_stays(reference_case, workbook, admin_client):
    def type_thousand(book):
        typed_text(book["Omslutningsförändringar"], 3, "Belopp", "1.000")

    before = database_state()
    page = upload(admin_client, edit(workbook, type_thousand)).content.decode()

    assert ("<td>Omslutningsförändringar</td><td>3</td><td>C (Belopp)</td><td>Talet ”1.000” har en "
            "punkt, som kan vara tusentalsavgränsare (1\u00a0000) eller decimaltecken (1,0); skriv 1\u00a0000 "
            "eller 1,0.</td>") in page
    assert 'name="token"' not in page
    assert database_state() == before
    case_page = admin_client.get(f"/arenden/{reference_case.pk}/").content.decode()
    assert "omslutningsförändringen med 502,0 mnkr godkänns." in case_page


def test_a_target_typed_with_a_dot_is_refused_a_number_cell_is_read(reference_case, workbook, tmp_path):
    def type_targets(book):
        sheet = book["Indikatorer"]
        typed_text(sheet, 2, "KF:s årsmål, tal", "2.500")
        typed_text(sheet, 3, "KF:s årsmål, tal", "2.5")

    refused(
        edit(workbook, type_targets), tmp_path,
        "Bladet Indikatorer, rad 2, kolumn K (KF:s årsmål, tal): Talet ”2.500” har en punkt, som kan "
        "vara tusentalsavgränsare (2\u00a0500) eller decimaltecken (2,5); skriv 2\u00a0500 eller 2,5.",
        "Bladet Indikatorer, rad 3, kolumn K (KF:s årsmål, tal): Talet ”2.5” har punkt som "
        "decimaltecken; skriv det med decimalkomma: 2,5.",
    )

    def number_cell(book):
        sheet = book["Omslutningsförändringar"]
        set_cell(sheet, 3, "Belopp", 2.5)

    assert "Omslutningsförändringar: 1 ändrade" in imported(edit(workbook, number_cell), tmp_path)
    assert TurnoverChange.objects.get(frame__case=reference_case, order=2).amount == Decimal("2.5")


# -- 13: a goal number stored as a number ---------------------------------------------------------

def test_a_goal_number_stored_as_a_number_is_refused(reference_case, workbook, tmp_path):
    def tenth_goal_typed_as_number(book):
        goals = book["KF-mål"]
        goals.append(["1.10", "Stockholm ska ha ett tionde mål", None, "Nej", None])
        board_goals = book["Nämndmål"]
        board_goals.append([None, 7, "Ett nämndmål under det tionde målet", None])
        # "1.10" typed in a cell that is not formatted as Text: Excel and LibreOffice keep the
        # number 1.1 and only the format remembers the 0.
        cell = board_goals.cell(row=board_goals.max_row, column=1)
        cell.value = 1.1
        cell.number_format = "0.00"

    data = edit(workbook, tenth_goal_typed_as_number)
    row = open_book(data)["Nämndmål"].max_row
    refused(data, tmp_path,
            f"Bladet Nämndmål, rad {row}, kolumn A (KF:s mål): Målnumret är sparat som ett tal (1.1), "
            "och ett tal kan inte skilja 1.1 från 1.10. Skriv numret som text, som du menar det: "
            "formatera cellen som Text eller börja med en apostrof, t.ex. '1.10.")
    assert not BoardGoal.objects.filter(title="Ett nämndmål under det tionde målet").exists()


# -- 14: decimals are data, not formatting --------------------------------------------------------

def reformatted(data: bytes, header: str, number_format: str, *, drop_decimals=False) -> bytes:
    def change(book):
        sheet = book["Indikatorer"]
        column = column_of(sheet, header)
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=column).number_format = number_format
        if drop_decimals:  # a workbook exported before the decimals had their own columns
            for target in ("KF:s årsmål, decimaler", "Årsmål, decimaler"):
                sheet.delete_cols(column_of(sheet, target))
    return edit(data, change)


@pytest.mark.parametrize("drop_decimals", [False, True], ids=["decimals-column", "older-workbook"])
def test_a_reformatted_target_column_changes_no_decimals(reference_case, workbook, admin_client, drop_decimals):
    # LibreOffice after a switch of locale writes the Swedish "# ##0" as "#.##0": three decimals.
    data = reformatted(workbook, "KF:s årsmål, tal", "#.##0", drop_decimals=drop_decimals)
    before = database_state()

    page = upload(admin_client, data).content.decode()

    assert "Inga ändringar: arbetsboken stämmer med PM 2012:3 RI" in page
    assert database_state() == before
    case_page = admin_client.get(f"/arenden/{reference_case.pk}/").content.decode()
    assert "66,000" not in case_page and "66" in case_page
    assert Indicator.objects.get(name="Företagens nöjdhet med effektiviteten").council_target_decimals == 0
    assert Indicator.objects.get(name="Sjukfrånvaro (alla nämnder/bolag)").council_target_decimals == 1


def test_the_export_writes_the_decimals_of_each_target(workbook):
    sheet = open_book(workbook)["Indikatorer"]
    sick_leave = row_where(sheet, "Indikator", "Sjukfrånvaro (alla nämnder/bolag)")
    values = {sheet.cell(row=1, column=c).value: sheet.cell(row=sick_leave, column=c).value
              for c in range(1, sheet.max_column + 1)}
    assert values["KF:s årsmål, tal"] == 4.5 and values["KF:s årsmål, decimaler"] == 1
    assert values["Årsmål, tal"] == 3.8 and values["Årsmål, decimaler"] == 1
    readme = [cell.value for row in open_book(workbook)[layout.README_SHEET].iter_rows() for cell in row]
    assert any(text and "decimaler" in text and "äldre arbetsbok" in text for text in readme)


def test_a_target_with_more_decimals_than_its_column_says_is_refused(workbook, tmp_path):
    def more_decimals(book):
        sheet = book["Indikatorer"]
        row = row_where(sheet, "Indikator", "Företagens nöjdhet med effektiviteten")
        set_cell(sheet, row, "KF:s årsmål, tal", 66.5)
        set_cell(sheet, row + 1, "KF:s årsmål, decimaler", 4)

    refused(edit(workbook, more_decimals), tmp_path,
            "Bladet Indikatorer, rad 2, kolumn K (KF:s årsmål, tal): Målvärdet 66,5 har fler decimaler "
            "än de 0 som står i kolumnen KF:s årsmål, decimaler; rätta talet eller antalet decimaler.",
            "Bladet Indikatorer, rad 3, kolumn L (KF:s årsmål, decimaler): Skriv antalet decimaler "
            "som 0, 1 eller 2 (”4” går inte).")


def test_decimals_left_empty_keep_the_targets_or_follow_the_number(reference_case, workbook, tmp_path):
    def clear_decimals(book):
        sheet = book["Indikatorer"]
        sick_leave = row_where(sheet, "Indikator", "Sjukfrånvaro (alla nämnder/bolag)")
        set_cell(sheet, sick_leave, "KF:s årsmål, tal", 4)  # was 4,5 with one decimal
        set_cell(sheet, sick_leave, "KF:s årsmål, decimaler", None)
        first = row_where(sheet, "Indikator", "Företagens nöjdhet med effektiviteten")
        set_cell(sheet, first, "KF:s årsmål, tal", 66.25)  # was 66 with none
        set_cell(sheet, first, "KF:s årsmål, decimaler", None)

    imported(edit(workbook, clear_decimals), tmp_path)
    sick_leave = Indicator.objects.get(name="Sjukfrånvaro (alla nämnder/bolag)")
    assert (sick_leave.council_target_value, sick_leave.council_target_decimals) == (Decimal("4"), 1)
    first = Indicator.objects.get(name="Företagens nöjdhet med effektiviteten")
    assert (first.council_target_value, first.council_target_decimals) == (Decimal("66.25"), 2)


# -- 15: floating-point noise ---------------------------------------------------------------------

def test_a_pasted_value_with_floating_point_noise_is_its_one_decimal_value(reference_case, workbook, tmp_path):
    # =330,1+0,1 copied and pasted as value: Excel stores the double it computed, to 17 digits.
    row = row_where(open_book(workbook)["Omslutningsförändringar"], "Ordning", 8)
    pasted = store_number_as_excel_does(workbook, "Omslutningsförändringar", f"C{row}", "330.20000000000005")
    pasted = store_number_as_excel_does(pasted, "Driftbudget", "C2", "56.199999999999996")

    output = imported(pasted, tmp_path)

    assert "Rader i driftbudgeten: 1 ändrade" in output and "Omslutningsförändringar" not in output
    assert OperatingBudgetRow.objects.get(frame__case=reference_case, order=1).costs == Decimal("56.2")
    assert TurnoverChange.objects.get(frame__case=reference_case, order=8).amount == Decimal("330.2")


# -- 16: whitespace in natural keys ---------------------------------------------------------------

def test_spaces_in_names_find_the_same_records(reference_case, workbook, tmp_path):
    before = database_state()

    def paste_names(book):
        # a no-break space pasted from the PDF, a double space typed
        people = book["Personer"]
        set_cell(people, row_where(people, "Namn", "Karin Wanngård"), "Namn", "Karin\u00a0Wanngård")
        signatories = book["Undertecknare"]
        for row in range(2, signatories.max_row + 1):
            if signatories.cell(row=row, column=column_of(signatories, "Namn")).value == "Karin Wanngård":
                set_cell(signatories, row, "Namn", "Karin\u00a0Wanngård ")
        budget = book["Driftbudget"]
        set_cell(budget, row_where(budget, "Avdelning", "Juridisk avdelning"), "Avdelning", "Juridisk  avdelning")
        set_cell(book["Ärende"], 2, "Nämnd", "Kommunfullmäktige\u00a0m.m.")

    output = imported(edit(workbook, paste_names), tmp_path)

    assert "Inga ändringar: arbetsboken stämmer med ärendet." in output
    assert database_state() == before
    assert Person.objects.filter(name__contains="Wanngård").count() == 1
    assert Signatory.objects.filter(person__name="Karin Wanngård").count() == 2
    assert Board.objects.count() == 1


# -- 17: a password-protected workbook ------------------------------------------------------------

def test_a_password_protected_workbook_is_called_that(workbook, admin_client, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(workbook)).encrypt("hemligt", encrypted)
    message = ("Arbetsboken är skyddad med lösenord och kan inte läsas. Öppna den, ta bort "
               "lösenordet och spara den igen som .xlsx.")

    refused(encrypted.getvalue(), tmp_path, message)
    assert message in upload(admin_client, encrypted.getvalue()).content.decode()


# -- 18: one missing column is one error ----------------------------------------------------------

@pytest.mark.parametrize("sheet, header", [
    ("Nämndmål", "Beskrivning"), ("Reservationer", "Text"), ("Ekonomi", "Visas under KF:s mål"),
    ("Ärende", "Förvaltning"), ("Anförande", "Tillstyrkan"),
])
def test_a_missing_column_is_reported_once(workbook, tmp_path, sheet, header):
    def drop(book):
        book[sheet].delete_cols(column_of(book[sheet], header))

    refused(edit(workbook, drop), tmp_path,
            f"Bladet {sheet}, rad 1, kolumn {header}: Kolumnen ”{header}” saknas i rubrikraden.")


def test_a_missing_sheet_is_reported_once(workbook, tmp_path):
    refused(edit(workbook, lambda book: book.remove(book["Nämndmål"])), tmp_path,
            "Bladet Nämndmål: Bladet ”Nämndmål” saknas i arbetsboken.")


# -- 19: a damaged sheet --------------------------------------------------------------------------

RESAVE = "Öppna arbetsboken i Excel eller LibreOffice, spara den igen och läs in den på nytt."


@pytest.mark.parametrize("sheet, how, message", [
    # a part that does not unpack is found before openpyxl reads it, whatever its size
    ("Driftbudget", "crc", "Bladet Driftbudget är skadat i filen och kan inte läsas (fel kontrollsumma eller storlek)."),
    ("Aktiviteter", "size", "Bladet Aktiviteter är skadat i filen och kan inte läsas (fel kontrollsumma eller storlek)."),
    # XML that breaks after the first rows shows only while the rows are read
    ("Driftbudget", "xml", "Bladet Driftbudget: Bladet är skadat i filen och kan inte läsas (felaktig XML)."),
    ("Aktiviteter", "xml", "Bladet Aktiviteter: Bladet är skadat i filen och kan inte läsas (felaktig XML)."),
])
def test_a_damaged_sheet_gets_a_message_not_a_server_error(workbook, admin_client, tmp_path, sheet, how, message):
    damaged = damage_part(workbook, sheet, how)
    before = database_state()

    response = upload(admin_client, damaged)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Arbetsboken kan inte läsas in: 1 fel. Inget har sparats" in page
    assert f"{message.split(': ')[-1]} {RESAVE}" in page
    assert database_state() == before
    refused(damaged, tmp_path, f"{message} {RESAVE}")


# -- also: what the instructions say is kept is kept ----------------------------------------------

def test_council_activities_missing_from_the_workbook_are_kept(reference_case, workbook, tmp_path):
    sheet = open_book(workbook)["Aktiviteter"]
    board_goal_column = column_of(sheet, "Nämndmål")
    council_row = next(r for r in range(2, sheet.max_row + 1)
                       if sheet.cell(row=r, column=board_goal_column).value is None)
    board_row = next(r for r in range(2, sheet.max_row + 1)
                     if sheet.cell(row=r, column=board_goal_column).value is not None)
    council_text = sheet.cell(row=council_row, column=column_of(sheet, "Aktivitet")).value
    board_text = sheet.cell(row=board_row, column=column_of(sheet, "Aktivitet")).value

    def remove_both(book):
        for row in sorted((council_row, board_row), reverse=True):
            book["Aktiviteter"].delete_rows(row)

    output = imported(edit(workbook, remove_both), tmp_path)

    assert "Aktiviteter: 1 borttagna" in output
    assert Activity.objects.filter(text=council_text, council_goal__isnull=False).exists()
    assert not Activity.objects.filter(text=board_text).exists()
    readme = " ".join(str(cell.value) for row in open_book(workbook)[layout.README_SHEET].iter_rows()
                      for cell in row if cell.value)
    assert "KF:s gemensamma mål, indikatorer och aktiviteter tas aldrig bort" in readme


def test_a_duplicate_indicator_or_activity_is_reported_on_its_row(workbook, tmp_path):
    def duplicate(book):
        for name in ("Indikatorer", "Aktiviteter"):
            sheet = book[name]
            sheet.append([cell.value for cell in sheet[2]])

    data = edit(workbook, duplicate)
    book = open_book(data)
    last = {name: book[name].max_row for name in ("Indikatorer", "Aktiviteter")}
    refused(data, tmp_path,
            f"Bladet Indikatorer, rad {last['Indikatorer']}, kolumn C (Ordning): Dubblettrad: samma "
            "KF:s mål + Nämndmål + Ordning som rad 2.",
            f"Bladet Aktiviteter, rad {last['Aktiviteter']}, kolumn C (Ordning): Dubblettrad: samma "
            "KF:s mål + Nämndmål + Ordning som rad 2.")


def test_a_damaged_stamp_is_read_as_no_stamp_not_a_server_error(workbook, admin_client):
    # The hidden sheet that names the export is read like a workbook without it (made by hand).
    page = upload(admin_client, damage_part(workbook, "Metadata", "xml")).content.decode()
    assert "Inga ändringar: arbetsboken stämmer med PM 2012:3 RI" in page

"""Bad workbooks: each gets its Swedish message, located by sheet, row and column, and saves nothing."""
import io
import re
import time
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from budgetplan.document.workbook import MAX_UPLOAD_BYTES, export_case_workbook, import_workbook
from tests.workbook.helpers import database_state, edit, set_cell


@pytest.fixture
def workbook(reference_case) -> bytes:
    return export_case_workbook(reference_case)


def refused(data, *expected: str) -> list[str]:
    """Import `data`, assert it is refused with exactly the expected messages, and that the
    database is as it was."""
    before = database_state()
    report = import_workbook(data)
    messages = [str(issue) for issue in report.issues]
    assert not report.ok and not report.saved
    assert report.case is None
    assert messages == list(expected)
    assert database_state() == before
    return messages


def test_a_file_that_is_not_a_workbook(db):
    refused(b"Dnr;Rubrik\n112-2321/2011;Budget\n", "Filen är ingen Excel-arbetsbok (.xlsx).")


def test_an_old_xls_file(db):
    refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "Filen är i det gamla Excel-formatet .xls; spara den som .xlsx och försök igen.")


def test_a_corrupt_workbook(workbook):
    refused(workbook[: len(workbook) // 2],
            "Filen är ingen Excel-arbetsbok (.xlsx).")
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets>not xml")
        archive.writestr("[Content_Types].xml", "<Types/>")
    refused(damaged.getvalue(), "Filen är skadad och kan inte läsas som en Excel-arbetsbok.")


def test_a_zip_that_is_not_a_workbook(db):
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    refused(other.getvalue(), "Filen är ingen Excel-arbetsbok (.xlsx).")


def test_a_file_over_the_size_limit(reference_case):
    assert MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    refused(b"PK" + b"\0" * MAX_UPLOAD_BYTES,
            "Filen är större än 10,0 MB; dela upp den eller ta bort bilder och extra blad.")


def test_an_empty_workbook(reference_case):
    buffer = io.BytesIO()
    Workbook().save(buffer)
    refused(buffer.getvalue(),
            "Arbetsboken är tom: den har inga av bladen som Budgetplan skriver (Ärende, "
            "Beslutspunkter, Anförande, Anförandets avsnitt …). Utgå från en arbetsbok som "
            "exporterats från ärendet.")


def test_an_empty_case_sheet(workbook):
    refused(edit(workbook, lambda book: book["Ärende"].delete_rows(2)),
            "Bladet Ärende: Bladet har ingen rad med ärendets uppgifter (Dnr, PM-nummer, rubrik …).")


def test_a_missing_sheet(workbook):
    refused(edit(workbook, lambda book: book.remove(book["Driftbudget"])),
            "Bladet Driftbudget: Bladet ”Driftbudget” saknas i arbetsboken.")


def test_a_renamed_sheet(workbook):
    def rename(book):
        book["Driftbudget"].title = "Drift"

    refused(edit(workbook, rename),
            "Bladet Driftbudget: Bladet ”Driftbudget” saknas i arbetsboken. Arbetsboken har "
            "bladet ”Drift”; har det bytt namn?")


def test_a_missing_column(workbook):
    def drop_costs(book):
        book["Driftbudget"].delete_cols(3)

    refused(edit(workbook, drop_costs),
            "Bladet Driftbudget, rad 1, kolumn Kostnader: Kolumnen ”Kostnader” saknas i rubrikraden.")


def test_a_renamed_column(workbook):
    refused(edit(workbook, lambda book: set_cell(book["Driftbudget"], 1, "Kostnader", "Kostnad")),
            "Bladet Driftbudget, rad 1, kolumn Kostnader: Kolumnen ”Kostnader” saknas i "
            "rubrikraden. Bladet har den okända kolumnen ”Kostnad”; har den bytt namn?")


def test_an_end_date_before_the_start_date(workbook):
    refused(edit(workbook, lambda book: set_cell(book["Aktiviteter"], 2, "Slutdatum", "2011-01-01")),
            "Bladet Aktiviteter, rad 2, kolumn F (Slutdatum): Slutdatum kan inte ligga före startdatum.")


def test_an_impossible_date(workbook):
    refused(edit(workbook, lambda book: set_cell(book["Aktiviteter"], 3, "Startdatum", "2012-13-01")),
            "Bladet Aktiviteter, rad 3, kolumn E (Startdatum): Datumet 2012-13-01 finns inte.")


def test_a_date_that_is_no_date(workbook):
    refused(edit(workbook, lambda book: set_cell(book["Anförande"], 2, "Datum", "i januari")),
            "Bladet Anförande, rad 2, kolumn D (Datum): Skriv ett datum som ÅÅÅÅ-MM-DD, t.ex. "
            "2012-01-11 (”i januari” är inget datum).")


def test_text_in_an_amount(workbook):
    refused(edit(workbook, lambda book: set_cell(book["Driftbudget"], 4, "Intäkter", "ca tjugo")),
            "Bladet Driftbudget, rad 4, kolumn D (Intäkter): Beloppet måste vara ett tal i mnkr, "
            "t.ex. 1 348,0 eller -22,0 (”ca tjugo” är inget belopp).")


def test_swedish_amount_text_is_read_as_a_number(workbook, reference_case):
    changed = edit(workbook, lambda book: set_cell(book["Driftbudget"], 2, "Kostnader", "1 000,5"))
    report = import_workbook(changed)
    assert report.ok
    assert reference_case.financial_frame.operating_rows.get(order=1).costs == Decimal("1000.5")


def test_an_amount_with_two_decimals(workbook):
    refused(edit(workbook, lambda book: set_cell(book["Omslutningsförändringar"], 2, "Belopp", 12.25)),
            "Bladet Omslutningsförändringar, rad 2, kolumn C (Belopp): Beloppet 12,25 har fler än "
            "en decimal; mnkr anges med en decimal.")


def test_a_goal_number_that_does_not_exist(workbook):
    refused(edit(workbook, lambda book: set_cell(book["Nämndmål"], 2, "KF:s mål", "9.9")),
            "Bladet Nämndmål, rad 2, kolumn A (KF:s mål): KF:s mål 9.9 finns inte för 2012; lägg "
            "till det i bladet KF-mål eller rätta numret.")


def test_a_board_goal_that_does_not_exist(workbook):
    from tests.workbook.helpers import open_book

    sheet = open_book(workbook)["Aktiviteter"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=2).value)
    code = sheet.cell(row=row, column=1).value
    refused(edit(workbook, lambda book: set_cell(book["Aktiviteter"], row, "Nämndmål", 17)),
            f"Bladet Aktiviteter, rad {row}, kolumn B (Nämndmål): Nämndmål 17 under KF:s mål "
            f"{code} finns inte i bladet Nämndmål.")


def test_duplicate_rows(workbook):
    def duplicate(book):
        budget = book["Driftbudget"]
        set_cell(budget, 3, "Avdelning", budget.cell(row=2, column=2).value)
        points = book["Beslutspunkter"]
        points.append([1, "Förslaget godkänns.", None])

    messages = refused(edit(workbook, duplicate), *EXPECTED_DUPLICATES)
    assert len(messages) == 2


EXPECTED_DUPLICATES = (
    "Bladet Beslutspunkter, rad 6, kolumn A (Nr): Dubblettrad: samma Nr som rad 2.",
    "Bladet Driftbudget, rad 3, kolumn B (Avdelning): Dubblettrad: samma Avdelning som rad 2.",
)


def test_a_formula_in_a_cell_that_is_read(workbook):
    refused(edit(workbook, lambda book: set_cell(book["Driftbudget"], 2, "Kostnader", "=100+5")),
            "Bladet Driftbudget, rad 2, kolumn C (Kostnader): Cellen innehåller formeln =100+5; "
            "formler läses inte in. Skriv värdet i stället (kopiera och klistra in som värde).")


def test_the_formulas_the_export_writes_are_not_read(workbook, reference_case):
    def change_total(book):
        budget = book["Driftbudget"]
        budget["C16"] = "=SUM(C2:C20)"  # the totals row: any sum of its own column
        budget["E3"] = "=C3"  # Netto is computed, whatever it holds

    report = import_workbook(edit(workbook, change_total))
    assert report.ok and report.changes == []


def test_a_rule_of_the_model_is_reported_at_its_cell(workbook):
    refused(edit(workbook, lambda book: set_cell(book["Driftbudget"], 5, "Intäkter", 5)),
            "Bladet Driftbudget, rad 5, kolumn D (Intäkter): Intäkter anges negativt, t.ex. -22,0.")


def test_a_choice_that_is_not_in_the_list(workbook):
    indicators_column = "Periodicitet"
    refused(edit(workbook, lambda book: set_cell(book["Indikatorer"], 2, indicators_column, "Varje vecka")),
            "Bladet Indikatorer, rad 2, kolumn N (Periodicitet): ”Varje vecka” är inget giltigt val; "
            "välj bland: År, Halvår, Tertial, Kvartal, Månad.")


def test_a_memo_number_of_another_case(reference_draft):
    from tests.factories import CaseFactory

    # A draft's workbook: with a new Dnr it makes a new case, and a new case starts as a draft.
    workbook = export_case_workbook(reference_draft)
    CaseFactory(memo_year=2012, memo_serial=9, memo_rotel="RI")

    def new_case_with_taken_memo_number(book):
        set_cell(book["Ärende"], 2, "Dnr", "112-9999/2011")
        set_cell(book["Ärende"], 2, "PM-nr", 9)

    refused(edit(workbook, new_case_with_taken_memo_number),
            "Bladet Ärende, rad 2, kolumn C (PM-nr): Det finns redan ett ärende med detta PM-nummer.")


def test_every_error_is_listed_not_only_the_first(workbook):
    from tests.workbook.helpers import open_book

    activities = open_book(workbook)["Aktiviteter"]
    council_row = next(r for r in range(3, activities.max_row + 1)
                       if activities.cell(row=r, column=2).value is None)

    def break_many(book):
        set_cell(book["Driftbudget"], 2, "Kostnader", "mycket")
        set_cell(book["Aktiviteter"], 2, "Startdatum", "2012-13-01")
        set_cell(book["Aktiviteter"], council_row, "KF:s mål", "9.9")
        set_cell(book["Bilagor"], 2, "Titel", None)
        set_cell(book["Driftbudget"], 6, "Intäkter", 3)

    refused(
        edit(workbook, break_many),
        "Bladet Bilagor, rad 2, kolumn B (Titel): Värde saknas; kolumnen måste fyllas i.",
        "Bladet Aktiviteter, rad 2, kolumn E (Startdatum): Datumet 2012-13-01 finns inte.",
        "Bladet Driftbudget, rad 2, kolumn C (Kostnader): Beloppet måste vara ett tal i mnkr, "
        "t.ex. 1 348,0 eller -22,0 (”mycket” är inget belopp).",
        f"Bladet Aktiviteter, rad {council_row}, kolumn A (KF:s mål): KF:s mål 9.9 finns inte för "
        "2012; lägg till det i bladet KF-mål eller rätta numret.",
        "Bladet Driftbudget, rad 6, kolumn D (Intäkter): Intäkter anges negativt, t.ex. -22,0.",
    )


def test_a_mistyped_board_goal_number_is_reported_with_what_it_breaks(workbook, reference_case):
    """A wrong goal number on a board goal also leaves its indicators and activities without
    their goal; each of those rows is listed, so nothing goes unmentioned."""
    from goals.models import Activity, Indicator

    # Row 3 of Nämndmål is the second board goal under council goal 1.1.
    under_it = {"board_goal__case": reference_case, "board_goal__council_goal__number": 1,
                "board_goal__council_goal__strategic_goal__number": 1, "board_goal__order": 2}
    dependants = Activity.objects.filter(**under_it).count() + Indicator.objects.filter(**under_it).count()
    report = import_workbook(edit(workbook, lambda book: set_cell(book["Nämndmål"], 3, "KF:s mål", "9.9")))
    messages = [str(issue) for issue in report.issues]
    assert messages[0] == ("Bladet Nämndmål, rad 3, kolumn A (KF:s mål): KF:s mål 9.9 finns inte "
                           "för 2012; lägg till det i bladet KF-mål eller rätta numret.")
    # One message per row that lost its goal (checking only those present would pass with none).
    assert dependants == 4
    assert len(messages) == 1 + dependants
    assert all("Nämndmål 2 under KF:s mål 1.1 finns inte i bladet Nämndmål." in message
               for message in messages[1:])


def libreoffice_like(data: bytes) -> bytes:
    """The workbook as LibreOffice may save it: every sheet claims 1 048 576 rows, with a
    formatted but empty cell in the last one."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = content.decode()
                text = re.sub(r'<dimension ref="([A-Z]+)1:([A-Z]+)\d+"',
                              r'<dimension ref="\g<1>1:\g<2>1048576"', text)
                text = text.replace("</sheetData>",
                                    '<row r="1048576"><c r="A1048576" s="1"/></row></sheetData>')
                content = text.encode()
            target.writestr(item, content)
    return target_buffer.getvalue()


def test_a_sheet_that_claims_a_million_rows_is_read_to_its_last_row(workbook, reference_case):
    from openpyxl import load_workbook

    claimed = libreoffice_like(workbook)
    assert load_workbook(io.BytesIO(claimed), read_only=True)["Driftbudget"].max_row == 1048576

    started = time.perf_counter()
    report = import_workbook(claimed)
    assert time.perf_counter() - started < 10
    assert report.ok, [str(issue) for issue in report.issues]
    assert report.changes == []

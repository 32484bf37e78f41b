"""The admin's per-table export and import: a row exported before someone changed its record is
refused, not written over their change; no exported text runs as a formula, and every text comes
back unchanged."""
import csv
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from openpyxl import load_workbook

from budgetplan.kernel.services import record_save
from budgetplan.web.admin.tables import ooxml_unescaped
from finance.models import OperatingBudgetRow, TurnoverChange
from goals.models import CouncilGoal
from tests.workbook.helpers import database_state

BUDGET_URL = "/admin/finance/operatingbudgetrow/"
TURNOVER_URL = "/admin/finance/turnoverchange/"
XLSX, CSV = "0", "1"  # the admin's format choices, in TableImportExportMixin.formats' order


def admin_export(client, url: str, file_format: str) -> bytes:
    """The table as the admin's export page gives it, every column ticked."""
    page = client.get(f"{url}export/").content.decode()
    columns = re.findall(r'type="checkbox" name="(\w+resource_\w+)"', page)
    response = client.post(f"{url}export/", {"format": file_format, "resource": "0",
                                             **{name: "on" for name in columns}})
    assert response.status_code == 200, response.content[:500]
    return response.content


def admin_import(client, url: str, data: bytes, file_format: str):
    """The import page's preview; its confirmation form's fields when it offers one."""
    name = "tabell.xlsx" if file_format == XLSX else "tabell.csv"
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = client.post(f"{url}import/", {"resource": "0", "format": file_format,
                                            "import_file": SimpleUploadedFile(name, data)})
    page = preview.content.decode()
    confirm = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page)) if "process_import" in page else None
    return page, confirm


def xlsx_rows(data: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(data)).active
    headers = [cell.value for cell in sheet[1]]
    return [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=2)]


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def save_xlsx(rows: list[dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate((cell.value for cell in row.values()), start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # as a spreadsheet program keeps a text cell: never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- Versions: a stale row is refused ---------------------------------------------------------


@pytest.fixture
def anna(db):
    return User.objects.create_superuser("anna", first_name="Anna", last_name="Andersson")


def annas_change(case, anna) -> OperatingBudgetRow:
    row = OperatingBudgetRow.objects.get(frame__case=case, department="Stadsledning")
    row.costs += Decimal("5.0")
    return record_save(instance=row, user=anna)


def raise_costs(exported: bytes, department: str, costs) -> bytes:
    rows = xlsx_rows(exported)
    for row in rows:
        if row["Avdelning"].value == department:
            row["Kostnader"].value = costs
    return save_xlsx(rows)


def test_a_row_exported_before_someone_changed_its_record_is_refused_naming_the_change(
    reference_case, admin_client, anna,
):
    exported = admin_export(admin_client, BUDGET_URL, XLSX)
    assert "Version" in [cell.value for cell in load_workbook(io.BytesIO(exported)).active[1]]
    annas_change(reference_case, anna)
    before = database_state()

    page, confirm = admin_import(admin_client, BUDGET_URL, raise_costs(exported, "Stadsledning", 70.0), XLSX)

    assert confirm is None  # nothing can be confirmed
    # the reference case comes from a fixture: no history of the exported version, so the
    # message compares what the row holds with what is stored
    assert "Rad i driftbudgeten ”Stadsledning” har ändrats av någon annan medan du redigerade" in page
    assert "(Anna Andersson, " in page and "kostnader: du skickade 70,0, sparat är 61,1" in page
    assert database_state() == before
    assert OperatingBudgetRow.objects.get(frame__case=reference_case, department="Stadsledning").costs == Decimal("61.1")


def test_a_row_that_became_stale_between_preview_and_confirm_saves_nothing(reference_case, admin_client, anna):
    exported = admin_export(admin_client, BUDGET_URL, XLSX)
    rows = xlsx_rows(exported)
    for row in rows:  # two rows changed: Stadsledning, which Anna changes meanwhile, and another
        if row["Avdelning"].value in ("Stadsledning", "Finansavdelning"):
            row["Intäkter"].value = -1.5
    page, confirm = admin_import(admin_client, BUDGET_URL, save_xlsx(rows), XLSX)
    assert confirm is not None, page
    annas_change(reference_case, anna)
    before = database_state()

    response = admin_client.post(f"{BUDGET_URL}process_import/", confirm, follow=True)

    page = response.content.decode()
    assert "Rad i driftbudgeten ”Stadsledning” har ändrats av någon annan" in page
    assert "Inget har lästs in; rätta raderna och läs in filen igen." in page
    assert database_state() == before
    assert not OperatingBudgetRow.objects.filter(frame__case=reference_case, revenues=Decimal("-1.5")).exists()


def test_a_changed_row_without_its_version_is_refused(reference_case, admin_client):
    rows = xlsx_rows(raise_costs(admin_export(admin_client, BUDGET_URL, XLSX), "Stadsledning", 70.0))
    for row in rows:
        del row["Version"]
    before = database_state()

    page, confirm = admin_import(admin_client, BUDGET_URL, save_xlsx(rows), XLSX)

    assert confirm is None
    assert "Raden ändrar en befintlig post men saknar dess version (kolumnen Version)" in page
    assert database_state() == before


def test_an_unchanged_row_of_an_older_version_is_not_a_conflict(reference_case, admin_client, anna):
    exported = admin_export(admin_client, BUDGET_URL, XLSX)
    row = OperatingBudgetRow.objects.get(frame__case=reference_case, department="Finansavdelning")
    row.costs += Decimal("1.0")
    record_save(instance=row, user=anna)
    row.costs -= Decimal("1.0")
    record_save(instance=row, user=anna)  # back to what the export holds, at version 3

    page, confirm = admin_import(admin_client, BUDGET_URL, raise_costs(exported, "Stadsledning", 70.0), XLSX)
    admin_client.post(f"{BUDGET_URL}process_import/", confirm)

    assert OperatingBudgetRow.objects.get(frame__case=reference_case, department="Stadsledning").costs == Decimal("70.0")


# ---- Formulas: every dangerous lead neutralised, every text back as it was --------------------

TEXTS = [
    '==HYPERLINK("http://example.com","Klicka")',
    "=en text som börjar med likhetstecken",
    "+46 8 508 290 00",
    "-2+3",
    "@SUM(A1:A2)",
    "\tinledd med tabb",
    "\rinledd med vagnretur",
    "'citerad",
    "'=redan citerad",
    "vanlig text",
]


@pytest.fixture
def dangerous_texts(reference_case):
    changes = list(TurnoverChange.objects.filter(frame__case=reference_case).order_by("order"))
    assert len(changes) >= len(TEXTS)
    for change, text in zip(changes, TEXTS):
        TurnoverChange.objects.filter(pk=change.pk).update(description=text)
    return {change.order: text for change, text in zip(changes, TEXTS)}


def test_no_exported_text_runs_as_a_formula_in_xlsx(dangerous_texts, admin_client):
    rows = xlsx_rows(admin_export(admin_client, TURNOVER_URL, XLSX))

    by_order = {row["Ordning"].value: row["Beskrivning"] for row in rows}
    for order, text in dangerous_texts.items():
        cell = by_order[order]
        # a text cell holding the whole text (a carriage return as OOXML writes it, _x000D_,
        # which Excel shows as the character and openpyxl leaves as it is)
        assert cell.data_type == "s" and ooxml_unescaped(cell.value) == text
        assert cell.quotePrefix == text.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert all(cell.data_type != "f" for row in rows for cell in row.values())


def test_numbers_stay_number_cells_negative_ones_too(reference_case, admin_client):
    rows = xlsx_rows(admin_export(admin_client, BUDGET_URL, XLSX))

    revenues = [row["Intäkter"] for row in rows if row["Intäkter"].value]
    assert revenues and all(cell.data_type == "n" and cell.value < 0 for cell in revenues)
    assert all(row["Ordning"].data_type == "n" and row["Version"].data_type == "n" for row in rows)


def test_no_exported_text_begins_a_formula_in_csv(dangerous_texts, admin_client):
    rows = csv_rows(admin_export(admin_client, TURNOVER_URL, CSV))

    by_order = {int(row["Ordning"]): row["Beskrivning"] for row in rows}
    for order, text in dangerous_texts.items():
        written = by_order[order]
        assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert written == (f"'{text}" if text[0] in "=+-@\t\r'" else text)


@pytest.mark.parametrize("file_format", [XLSX, CSV])
def test_the_import_reads_back_every_text_unchanged(dangerous_texts, reference_case, admin_client, file_format):
    exported = admin_export(admin_client, TURNOVER_URL, file_format)
    first = TurnoverChange.objects.filter(frame__case=reference_case).order_by("order").first()
    # one amount changed, so that the import writes; every text is as exported
    if file_format == CSV:
        text = exported.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        amount = rows[0].index("Belopp")
        rows[1][amount] = "99,9"
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerows(rows)
        changed = buffer.getvalue().encode()
    else:
        rows = xlsx_rows(exported)
        rows[0]["Belopp"].value = 99.9
        changed = save_xlsx(rows)

    page, confirm = admin_import(admin_client, TURNOVER_URL, changed, file_format)
    assert confirm is not None, page
    admin_client.post(f"{TURNOVER_URL}process_import/", confirm)

    stored = dict(TurnoverChange.objects.filter(frame__case=reference_case).values_list("order", "description"))
    assert {order: stored[order] for order in dangerous_texts} == dangerous_texts
    assert TurnoverChange.objects.get(pk=first.pk).amount == Decimal("99.9")


TABLE_URLS = [
    "/admin/goals/councilgoal/", "/admin/goals/boardgoal/", "/admin/goals/indicator/",
    "/admin/goals/activity/", BUDGET_URL, TURNOVER_URL, "/admin/finance/investment/",
    "/admin/reservations/signatory/",
]


@pytest.mark.parametrize("url", TABLE_URLS)
def test_a_table_exported_and_imported_unchanged_changes_nothing(reference_case, admin_client, url):
    """Empty texts too (a goal without a description): an empty cell reads back as no text."""
    exported = admin_export(admin_client, url, XLSX)
    before = database_state()

    page, confirm = admin_import(admin_client, url, exported, XLSX)

    assert confirm is not None, re.findall(r"Line number: \d+ - [^<]{0,160}", page)[:3]
    admin_client.post(f"{url}process_import/", confirm)
    assert database_state() == before


# ---- Goal numbers: a number cell is refused, never read as another goal -----------------------

COUNCIL_GOAL_URL = "/admin/goals/councilgoal/"


def test_a_goal_number_stored_as_a_number_is_refused_not_read_as_another_goal(reference_case, admin_client):
    goal = CouncilGoal.objects.get(strategic_goal__year=2012, strategic_goal__number=1, number=1)
    record_save(instance=CouncilGoal(strategic_goal=goal.strategic_goal, number=10, title="Mål tio"))
    rows = xlsx_rows(admin_export(admin_client, COUNCIL_GOAL_URL, XLSX))
    (ten,) = [row for row in rows if row["Nr"].value == "1.10"]
    # "1.10" typed into a cell Excel reads as a number: it keeps 1.1, the number of another goal
    ten["Nr"].value, ten["Mål"].value = 1.1, "Mål tio, ändrat"
    before = database_state()

    page, confirm = admin_import(admin_client, COUNCIL_GOAL_URL, save_xlsx(rows), XLSX)

    assert confirm is None
    assert "Målnumret 1.1 är sparat som ett tal" in page
    assert database_state() == before
    assert CouncilGoal.objects.get(pk=goal.pk).title == goal.title

"""What a large workbook costs: a cap on its rows, counted before parsing; one revision per
import; the operating budget written in batches, not row by row."""
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from budgetplan.cases.models import Case
from budgetplan.document.workbook import export_case_workbook, reader
from finance.models import OperatingBudgetRow
from tests.workbook.helpers import database_state, edit, set_cell
from tests.workbook.test_views import upload

LIMIT = 10_000  # rows with a value, all sheets together (README, budgetplan/document/workbook/reader.py)


def workbook_with_budget_rows(count: int) -> bytes:
    """A workbook whose Driftbudget sheet has `count` rows, written as fast as openpyxl can."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Driftbudget")
    sheet.append(["Ordning", "Avdelning", "Kostnader", "Intäkter"])
    for number in range(1, count + 1):
        sheet.append([number, f"Avdelning {number}", 1.0, -0.5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_over_the_row_limit_is_refused_before_it_is_parsed(reference_case, admin_client, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(reader, "load_workbook", never)
    before = database_state()

    # the header row counts too: MAX_ROWS rows of figures are one more than the limit
    response = upload(admin_client, workbook_with_budget_rows(LIMIT))

    page = response.content.decode()
    assert response.status_code == 200
    assert ("Arbetsboken har fler än 10\u00a0000 ifyllda rader (gränsen passerades i bladet "
            "Driftbudget); ett ärende har långt färre.") in page
    assert 'name="token"' not in page
    assert database_state() == before


def test_a_workbook_at_the_row_limit_is_read(reference_case, admin_client):
    # Only the sheet of figures: every sheet the layout knows but this one is reported missing.
    response = upload(admin_client, workbook_with_budget_rows(LIMIT - 1))

    page = response.content.decode()
    assert "ifyllda rader" not in page
    assert "Bladet ”Ärende” saknas i arbetsboken." in page


def workbook_with_strings(count: int) -> bytes:
    """A workbook with a table of shared strings of `count` entries, as Excel writes its texts:
    a few hundred kB packed, as many short strings as a file of millions of cells would have."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    flooded = io.BytesIO()
    with zipfile.ZipFile(flooded, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            part = source.read(name)
            if name == "[Content_Types].xml":
                part = part.replace(b"</Types>", (
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
            archive.writestr(name, part)
        archive.writestr("xl/sharedStrings.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main">' + "<si><t>Ordning</t></si>" * count + "</sst>"
        ).encode())
    return flooded.getvalue()


def test_a_workbook_of_millions_of_short_texts_is_refused_before_it_is_parsed(
    reference_case, admin_client, monkeypatch,
):
    """openpyxl reads the whole table of texts when it opens a workbook, before any row is
    counted: a million short texts took 19 s and 190 MB, four million 90 s and 500 MB."""
    def never(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(reader, "load_workbook", never)
    before = database_state()

    response = upload(admin_client, workbook_with_strings(reader.MAX_STRINGS + 1))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Arbetsboken har fler än 200\u00a0000 texter; ett ärende har långt färre." in page
    assert 'name="token"' not in page
    assert database_state() == before


def test_a_workbook_at_the_text_limit_is_read(reference_case, admin_client):
    response = upload(admin_client, workbook_with_strings(reader.MAX_STRINGS))

    page = response.content.decode()
    assert "texter; ett ärende" not in page
    assert "Arbetsboken är tom: den har inga av bladen som Budgetplan skriver" in page


def test_an_import_counts_one_revision_of_the_case_however_many_rows_it_writes(reference_case, tmp_path):
    def change_three_rows(book):
        sheet = book["Driftbudget"]
        for row in (2, 3, 4):
            set_cell(sheet, row, "Kostnader", sheet.cell(row=row, column=3).value + 1)
        set_cell(book["Beslutspunkter"], 2, "Text", "Förslaget godkänns.")

    path = tmp_path / "plan.xlsx"
    path.write_bytes(edit(export_case_workbook(reference_case), change_three_rows))
    before = Case.objects.get(pk=reference_case.pk).revision

    call_command("import_workbook", str(path), stdout=io.StringIO())

    assert Case.objects.get(pk=reference_case.pk).revision == before + 1


def budget_import_queries(case, changed_rows: int) -> int:
    def raise_costs(book):
        sheet = book["Driftbudget"]
        for row in range(2, 2 + changed_rows):
            set_cell(sheet, row, "Kostnader", sheet.cell(row=row, column=3).value + 1)

    from budgetplan.document.workbook import import_workbook

    workbook = edit(export_case_workbook(case), raise_costs)
    with CaptureQueriesContext(connection) as queries:
        report = import_workbook(workbook)
    assert report.saved, [str(issue) for issue in report.issues]
    changed = [c for c in report.changes if c.model is OperatingBudgetRow]
    assert len(changed) == changed_rows
    return len(queries)


def test_the_operating_budget_is_written_in_batches_not_row_by_row(reference_case):
    rows = OperatingBudgetRow.objects.filter(frame__case=reference_case).count()
    assert rows > 10

    one = budget_import_queries(reference_case, 1)
    every = budget_import_queries(reference_case, rows)

    assert every == one
    assert OperatingBudgetRow.objects.get(frame__case=reference_case, order=1).costs == Decimal("58.1")

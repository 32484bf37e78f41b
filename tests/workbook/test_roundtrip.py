"""The reference case out to a workbook and back: the same page, the same data, edits that land."""
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from budgetplan.cases.models import Case, DecisionPoint
from budgetplan.document.workbook import export_case_workbook, import_workbook
from finance.models import OperatingBudgetRow
from tests.workbook.helpers import (
    database_state,
    edit,
    empty_database,
    open_book,
    page_without_ids,
    row_where,
    set_cell,
)

DNR = "112-2321/2011"


@pytest.fixture
def workbook(reference_case) -> bytes:
    return export_case_workbook(reference_case)


def sheet_values(data: bytes) -> dict:
    """The visible sheets' values; the hidden Metadata names the case and revision exported."""
    book = open_book(data)
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
            for sheet in book if sheet.sheet_state == "visible"}


def test_round_trip_into_an_empty_database_renders_the_same_page(reference_draft, admin_client):
    # A draft: into an empty database the workbook makes a new case, and a new case is a draft.
    reference_case = reference_draft
    workbook = export_case_workbook(reference_case)
    original_page = admin_client.get(f"/arenden/{reference_case.pk}/")
    assert original_page.status_code == 200
    original_state = database_state()

    empty_database()
    assert Case.objects.count() == 0
    report = import_workbook(workbook)

    assert report.ok, [str(issue) for issue in report.issues]
    assert report.case is not None and report.case.pk != reference_case.pk
    assert database_state() == original_state
    imported_page = admin_client.get(f"/arenden/{report.case.pk}/")
    assert page_without_ids(imported_page.content.decode()) == page_without_ids(
        original_page.content.decode()
    )
    # and the imported case exports to exactly the same workbook
    assert sheet_values(export_case_workbook(report.case)) == sheet_values(workbook)


def test_reimporting_an_unchanged_workbook_changes_nothing(reference_case, workbook, django_assert_max_num_queries):
    before = database_state()
    with django_assert_max_num_queries(40):
        report = import_workbook(workbook)
    assert report.ok
    assert report.changes == []
    assert report.summary_lines() == ["Inga ändringar: arbetsboken stämmer med ärendet."]
    assert report.existing_case_id == reference_case.pk
    assert database_state() == before


def test_edited_cost_shows_with_the_recomputed_total_on_the_page(reference_case, workbook, admin_client):
    page = admin_client.get(f"/arenden/{reference_case.pk}/").content.decode()
    assert "1\u00a0348,0" in page and "1\u00a0301,4" in page

    def raise_first_cost(book):
        sheet = book["Driftbudget"]
        set_cell(sheet, 2, "Kostnader", sheet.cell(row=2, column=3).value + 10)

    report = import_workbook(edit(workbook, raise_first_cost))

    assert report.ok, [str(issue) for issue in report.issues]
    assert [change.action for change in report.changes] == ["update"]
    assert "kostnader:" in str(report.changes[0])
    page = admin_client.get(f"/arenden/{reference_case.pk}/").content.decode()
    assert "1\u00a0358,0" in page  # costs total
    assert "1\u00a0311,4" in page  # net total
    assert "1\u00a0348,0" not in page


def test_dry_run_lists_the_change_and_saves_nothing(reference_case, workbook):
    changed = edit(workbook, lambda book: set_cell(book["Ärende"], 2, "Rubrik", "Ny rubrik"))
    before = database_state()

    report = import_workbook(changed, dry_run=True)

    assert report.ok and report.dry_run and not report.saved
    assert [str(c) for c in report.changes] == [
        "Ärende PM 2012:3 RI ändras: rubrik: Budget/verksamhetsplan 2012 för Kommunfullmäktige m.m. "
        "→ Ny rubrik"
    ]
    assert database_state() == before


def test_rows_missing_from_the_workbook_are_deleted_and_new_rows_created(reference_case, workbook):
    def change(book):
        points = book["Beslutspunkter"]
        points.delete_rows(row_where(points, "Nr", 3))
        budget = book["Driftbudget"]
        # swap the first two rows' places: their orders collide while being written
        first, second = budget.cell(row=2, column=1).value, budget.cell(row=3, column=1).value
        budget.cell(row=2, column=1).value, budget.cell(row=3, column=1).value = second, first
        attachments = book["Bilagor"]
        attachments.append([8, "Ny bilaga"])

    report = import_workbook(edit(workbook, change))

    assert report.ok, [str(issue) for issue in report.issues]
    assert sorted(reference_case.decision_points.values_list("number", flat=True)) == [1, 2, 4]
    assert reference_case.attachments.get(number=8).title == "Ny bilaga"
    rows = list(OperatingBudgetRow.objects.filter(frame__case=reference_case).order_by("order"))
    assert len(rows) == 14
    summary = "\n".join(report.summary_lines())
    assert "Beslutspunkter: 1 borttagna" in summary
    assert "Bilagor: 1 nya" in summary
    assert "Rader i driftbudgeten: 2 ändrade" in summary


def test_commands_export_and_import(reference_case, tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    call_command("export_workbook", DNR, "--output", str(path))
    assert "PM 2012:3 RI skrevs till" in capsys.readouterr().out

    book = open_book(path.read_bytes())
    point = book["Beslutspunkter"]
    set_cell(point, row_where(point, "Nr", 2), "Text", "Stadsdirektören får omdisponera medel.")
    book.save(path)

    call_command("import_workbook", str(path), "--dry-run")
    output = capsys.readouterr().out
    assert "Provkörning: PM 2012:3 RI" in output and "skulle uppdateras." in output
    assert "Beslutspunkt 2 ändras" in output
    assert "Inget sparades (--dry-run)." in output
    assert DecisionPoint.objects.get(case=reference_case, number=2).text.startswith("Stadsdirektören får rätt")

    call_command("import_workbook", str(path))
    assert "Arbetsboken lästes in." in capsys.readouterr().out
    assert DecisionPoint.objects.get(case=reference_case, number=2).text == (
        "Stadsdirektören får omdisponera medel."
    )


def test_import_command_lists_errors_and_fails(reference_case, workbook, tmp_path, capsys):
    def break_two_cells(book):
        set_cell(book["Driftbudget"], 2, "Kostnader", "mycket")
        set_cell(book["Aktiviteter"], 2, "Startdatum", "2012-13-01")

    path = tmp_path / "plan.xlsx"
    path.write_bytes(edit(workbook, break_two_cells))
    with pytest.raises(CommandError, match="2 fel i arbetsboken; inget sparades."):
        call_command("import_workbook", str(path))
    errors = capsys.readouterr().err
    assert "Bladet Driftbudget, rad 2, kolumn C (Kostnader): Beloppet måste vara ett tal" in errors
    assert "Bladet Aktiviteter, rad 2, kolumn E (Startdatum): Datumet 2012-13-01 finns inte." in errors


def test_export_command_refuses_an_unknown_registry_number(db, tmp_path):
    with pytest.raises(CommandError, match="Inget ärende har diarienummer 999-1/2011."):
        call_command("export_workbook", "999-1/2011", "--output", str(tmp_path / "x.xlsx"))


def test_import_reads_a_django_uploaded_file(reference_case, workbook):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("plan.xlsx", workbook)
    assert import_workbook(upload).ok
    assert import_workbook(io.BytesIO(workbook)).ok

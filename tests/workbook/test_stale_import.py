"""A workbook exported before someone changed the case is refused: it would undo their change."""
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from budgetplan.document.workbook import export_case_workbook, import_workbook
from budgetplan.kernel.services import record_save
from finance.models import OperatingBudgetRow
from tests.workbook.helpers import database_state, edit, row_where, set_cell

NBSP = "\u00a0"


@pytest.fixture
def workbook(reference_case) -> bytes:
    return export_case_workbook(reference_case)


def raise_first_cost(book):
    sheet = book["Driftbudget"]
    set_cell(sheet, 2, "Kostnader", sheet.cell(row=2, column=3).value + 10)


def test_an_import_after_the_case_changed_is_refused_naming_the_change(reference_case, workbook):
    anna = User.objects.create_superuser("anna", first_name="Anna", last_name="Andersson")
    row = OperatingBudgetRow.objects.get(frame__case=reference_case, department="Stadsledning")
    row.costs += Decimal("5.0")
    record_save(instance=row, user=anna)
    before = database_state()

    report = import_workbook(edit(workbook, raise_first_cost))

    assert not report.ok and not report.saved
    message = " ".join(str(issue) for issue in report.issues)
    assert "Ärendet har ändrats sedan arbetsboken togs ut (revision 1, nu 2)" in message
    assert "Rad i driftbudgeten ”Stadsledning” ändrad av Anna Andersson" in message
    assert "Ta ut en ny arbetsbok" in message
    assert database_state() == before
    row.refresh_from_db()
    assert row.version == 2  # Anna's change stands


def test_an_unchanged_case_takes_its_workbook_and_then_counts_a_new_revision(reference_case, workbook):
    changed = edit(workbook, raise_first_cost)

    first = import_workbook(changed)
    assert first.ok, [str(issue) for issue in first.issues]
    reference_case.refresh_from_db()
    assert reference_case.revision > 1

    # the same workbook again: the case has moved on since it was exported
    again = import_workbook(changed)
    assert not again.ok
    assert "Rad i driftbudgeten ”Stadsledning” ändrad" in str(again.issues[0])


def test_a_workbook_is_stamped_with_the_revision_it_was_exported_from(reference_case):
    from budgetplan.document.workbook.reader import read_workbook

    stamp = read_workbook(export_case_workbook(reference_case)).stamp
    assert (stamp.case_id, stamp.revision) == (reference_case.pk, reference_case.revision)
    assert stamp.exported_at is not None


def test_a_workbook_without_a_stamp_is_read_as_before(reference_case, workbook):
    def drop_stamp(book):
        del book["Metadata"]
        points = book["Beslutspunkter"]
        set_cell(points, row_where(points, "Nr", 1), "Text", "En ändrad första punkt.")

    report = import_workbook(edit(workbook, drop_stamp))
    assert report.ok, [str(issue) for issue in report.issues]

"""Two imports of one case at once, from workbooks exported at the same revision: one applies,
the other is refused as stale. Two real connections to PostgreSQL, one per thread."""
import io
import threading
import time
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from budgetplan.cases.models import Case
from budgetplan.document.workbook import export_case_workbook
from budgetplan.document.workbook.importer import _Importer
from finance.models import OperatingBudgetRow
from tests.workbook.helpers import edit, row_where, set_cell

WAIT = 30  # seconds; only reached when something is wrong


def with_costs(workbook: bytes, department: str, costs: float) -> bytes:
    def change(book):
        sheet = book["Driftbudget"]
        set_cell(sheet, row_where(sheet, "Avdelning", department), "Kostnader", costs)
    return edit(workbook, change)


def costs_of(case, department: str) -> Decimal:
    return OperatingBudgetRow.objects.get(frame__case=case, department=department).costs


def waits_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_one_applies_and_the_other_is_refused_as_stale(
    reference_case, tmp_path, monkeypatch,
):
    first_department, second_department = (
        OperatingBudgetRow.objects.filter(frame__case=reference_case)
        .order_by("order").values_list("department", flat=True)[:2]
    )
    before = costs_of(reference_case, first_department), costs_of(reference_case, second_department)
    exported = export_case_workbook(reference_case)
    paths = {"first": tmp_path / "first.xlsx", "second": tmp_path / "second.xlsx"}
    paths["first"].write_bytes(with_costs(exported, first_department, 111.1))
    paths["second"].write_bytes(with_costs(exported, second_department, 222.2))

    first_inside, second_inside, first_done = threading.Event(), threading.Event(), threading.Event()
    second_pid: list[int] = []
    original = _Importer.case_parts

    def held(importer):
        """The first import waits inside its critical section (it has read the case and not yet
        written) until the second has started: blocked on a lock, or come this far itself."""
        if threading.current_thread().name == "first":
            first_inside.set()
            deadline = time.monotonic() + WAIT
            while not second_inside.is_set() and time.monotonic() < deadline:
                if second_pid and waits_for_a_lock(second_pid[0]):
                    break
                time.sleep(0.01)
        else:
            second_inside.set()
            first_done.wait(WAIT)  # reads the rows only after the first has committed
        return original(importer)

    monkeypatch.setattr(_Importer, "case_parts", held)
    results: dict[str, object] = {}

    def run(name: str) -> None:
        stdout, stderr = io.StringIO(), io.StringIO()
        try:
            if name == "second":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    second_pid.append(cursor.fetchone()[0])
            call_command("import_workbook", str(paths[name]), stdout=stdout, stderr=stderr)
            results[name] = "saved"
        except CommandError:
            results[name] = stderr.getvalue()
        finally:
            if name == "first":
                first_done.set()
            connection.close()

    first = threading.Thread(target=run, args=("first",), name="first")
    first.start()
    assert first_inside.wait(WAIT)
    second = threading.Thread(target=run, args=("second",), name="second")
    second.start()
    first.join(WAIT * 2)
    second.join(WAIT * 2)

    assert results["first"] == "saved"
    assert "Ärendet har ändrats sedan arbetsboken togs ut" in str(results["second"])
    assert "Inget har lästs in" in str(results["second"])
    # the first import's change stands; nothing of the second was written
    assert costs_of(reference_case, first_department) == Decimal("111.1") != before[0]
    assert costs_of(reference_case, second_department) == before[1]
    assert Case.objects.get(pk=reference_case.pk).revision > reference_case.revision

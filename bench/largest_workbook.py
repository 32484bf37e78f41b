"""Benchmark: the largest workbook the import accepts, checked and imported; prints seconds and peak memory.

Run:  .venv/bin/python bench/largest_workbook.py [--shape plan|budget|both|none] [--skip-flood]

A workbook may hold at most budgetplan.document.workbook.reader.MAX_ROWS rows with a value, all sheets
together. For each shape this fills one case in a throw-away database (test_budgetplan_largest on
the local PostgreSQL) so that its exported workbook holds exactly that many, empties the database,
and then runs, each in a fresh Python process so that the peak resident memory (VmHWM, reset before the run) is the
run's own, as a web worker's would be:

- dry run: the upload's preview, by an administrator, into the empty database (every row new);
- import: the confirm, the same workbook for real (one pass: the check of the user's model
  permissions runs inside the import's transaction);
- update: the same workbook again over the imported case, every operating budget figure changed.

Shapes: "plan" spreads the rows over activities (half), indicators (a quarter, each followed in
the plan) and the operating budget; "budget" puts them all in the operating budget, the sheet that
was written row by row. Finally ("flood") it times the refusal of a workbook of 600 000 budget rows
(under 10 MB, within the size and the unpacked limits).
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetplan.settings.test")

import django  # noqa: E402

django.setup()

DATABASE = "test_budgetplan_largest"
FLOOD_ROWS = 600_000


def memory_mb(key: str) -> float:
    """VmRSS (resident now) or VmHWM (peak resident since start or the last reset) of this process."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(f"{key}:"))
    return int(line.split()[1]) / 1024


def reset_peak() -> None:
    """Start VmHWM afresh, so that the peak measured is the run's (Linux 4.0 and later)."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")


def rows_with_values(data: bytes) -> int:
    """Rows holding a value in all sheets, counted as the reader's limit counts them."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return sum(
            1 for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)
        )
    finally:
        book.close()


def wipe() -> None:
    """Every case and shared record gone, history too: the database as after migrate. TRUNCATE,
    since deleting tens of thousands of rows one by one through the history's signals takes
    minutes."""
    from django.apps import apps
    from django.db import connection

    tables = [model._meta.db_table for app in ("budgetplan", "goals", "finance", "reservations")
              for model in apps.get_app_config(app).get_models()]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def largest_workbook(shape: str, limit: int) -> bytes:
    """The exported workbook of a case filled so that it holds exactly `limit` rows."""
    from import_workbook import fill

    from budgetplan.document.workbook import export_case_workbook

    def build(rows: int) -> bytes:
        wipe()
        if shape == "plan":
            activities, indicators = rows // 2, rows // 4
            budget = max(rows - activities - indicators, 1)
        else:
            activities = indicators = 0
            budget = rows
        return export_case_workbook(fill(activities, indicators, budget_rows=budget))

    target = limit
    data = build(target)
    # what the case's other sheets, headers, lists and stamp take, once measured
    target += limit - rows_with_values(data)
    data = build(target)
    assert rows_with_values(data) == limit, rows_with_values(data)
    wipe()
    return data


def every_figure_changed(data: bytes) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book["Driftbudget"]
    costs = next(cell.column for cell in sheet[1] if cell.value == "Kostnader")
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=costs)
        if isinstance(cell.value, (int, float)):
            cell.value += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def flood_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Driftbudget")
    sheet.append(["Ordning", "Avdelning", "Kostnader", "Intäkter"])
    for number in range(1, FLOOD_ROWS + 1):
        sheet.append([number, "Avdelning", 1])  # one shared text, no revenues: under 10 MB
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- One measured run, in a process of its own --------------------------------------------------


def child(phase: str, path: str) -> None:
    from django.contrib.auth.models import User

    from budgetplan.document.workbook import import_workbook
    from budgetplan.web.workbook_views import permission_issues

    admin = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", first_name="Bench", last_name="Admin")
    data = Path(path).read_bytes()
    baseline = memory_mb("VmRSS")
    reset_peak()
    started = time.perf_counter()
    report = import_workbook(data, user=admin, dry_run=(phase == "dry-run"),
                             accept=lambda report: permission_issues(report, admin))
    seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": round(seconds, 2), "peak_rss_mb": round(memory_mb("VmHWM")), "baseline_rss_mb": round(baseline),
        "changes": len(report.changes), "issues": [str(issue) for issue in report.issues[:3]],
    }))


def measure(phase: str, data: bytes, database_url: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(data)
        handle.flush()
        done = subprocess.run(
            [sys.executable, __file__, "--child", phase, handle.name],
            env={**os.environ, "DATABASE_URL": database_url}, capture_output=True, text=True, check=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def report_line(label: str, result: dict, *, refused: bool = False) -> None:
    outcome = f"refused: {result['issues'][0][:90]}…" if refused else (
        f"{result['changes']} changes" if not result["issues"] else f"ISSUES: {result['issues']}")
    print(f"  {label:<10} {result['seconds']:>6.2f} s   peak RSS {result['peak_rss_mb']:>4} MB "
          f"(process before the run {result['baseline_rss_mb']} MB)   {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=("plan", "budget", "both", "none"), default="both")
    parser.add_argument("--skip-flood", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("PHASE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from budgetplan.document.workbook.reader import MAX_ROWS

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = DATABASE
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        db = connection.settings_dict
        database_url = (f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                        f"{db['NAME']}")
        print(f"row limit {MAX_ROWS:,} rows with a value, all sheets together")
        shapes = {"both": ("plan", "budget"), "none": ()}.get(args.shape, (args.shape,))
        for shape in shapes:
            started = time.perf_counter()
            data = largest_workbook(shape, MAX_ROWS)
            print(f"{shape}: {len(data) / 1024:.0f} kB, built in {time.perf_counter() - started:.1f} s")
            report_line("dry run", measure("dry-run", data, database_url))
            report_line("import", measure("import", data, database_url))
            report_line("update", measure("import", every_figure_changed(data), database_url))
            wipe()
        if not args.skip_flood:
            data = flood_workbook()
            print(f"flood: {FLOOD_ROWS:,} budget rows, {len(data) / 1024 / 1024:.1f} MB")
            report_line("dry run", measure("dry-run", data, database_url), refused=True)
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()

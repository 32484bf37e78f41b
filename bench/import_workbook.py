"""Benchmark: import a workbook with 5 000 activities and 2 000 indicators; prints numbers.

Run:  .venv/bin/python bench/import_workbook.py [--activities 5000] [--indicators 2000]

It creates a throw-away test database (settings budgetplan.settings.test, PostgreSQL), fills one
case with bulk inserts, exports its workbook, empties the database, imports the workbook into
it, and prints rows per second and seconds. Then it re-imports the same workbook over the
imported case (nothing changes, nothing is written) and times that too, and finally imports into
an empty database once more under tracemalloc for the peak memory. It uses a database of its own
(test_budgetplan_bench).
"""
import argparse
import datetime
import os
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetplan.settings.test")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_databases, teardown_databases  # noqa: E402


def fill(activities: int, indicators: int, budget_rows: int = 14):
    from budgetplan.cases.models import Board, Case, RegistryNumber
    from finance.models import FinancialFrame, OperatingBudgetRow, TurnoverChange
    from goals.models import (
        Activity,
        BoardGoal,
        CouncilGoal,
        Indicator,
        PlanCouncilGoal,
        PlanIndicator,
        PlanStrategicGoal,
        StrategicGoal,
        TargetKind,
        Unit,
    )

    board = Board.objects.create(name="Kommunfullmäktige m.m.", office="Stadsledningskontoret")
    case = Case.objects.create(memo_year=2012, memo_serial=3, memo_rotel="RI", budget_year=2012,
                               title="Budget/verksamhetsplan 2012, benchmark", board=board)
    RegistryNumber.objects.create(case=case, number="112-2321/2011")
    strategic = StrategicGoal.objects.bulk_create(
        [StrategicGoal(year=2012, number=n, title=f"Inriktningsmål {n}") for n in (1, 2, 3)])
    council = CouncilGoal.objects.bulk_create([
        CouncilGoal(strategic_goal=s, number=n, title=f"KF-mål {s.number}.{n}")
        for s in strategic for n in range(1, 6)])
    PlanStrategicGoal.objects.bulk_create([PlanStrategicGoal(case=case, strategic_goal=s) for s in strategic])
    PlanCouncilGoal.objects.bulk_create([PlanCouncilGoal(case=case, council_goal=c, description="Text.")
                                         for c in council])
    board_goals = BoardGoal.objects.bulk_create([
        BoardGoal(case=case, council_goal=c, order=n, title=f"Nämndmål {c.pk}.{n}")
        for c in council for n in range(1, 5)])
    council_indicators = Indicator.objects.bulk_create([
        Indicator(council_goal=council[i % len(council)], order=i + 1, name=f"KF-indikator {i}",
                  council_target_kind=TargetKind.NUMBER, council_target_value=Decimal("35"),
                  council_target_unit=Unit.PERCENT)
        for i in range(indicators // 2)])
    board_indicators = Indicator.objects.bulk_create([
        Indicator(board_goal=board_goals[i % len(board_goals)], order=i + 1, name=f"Indikator {i}")
        for i in range(indicators - indicators // 2)])
    PlanIndicator.objects.bulk_create([
        PlanIndicator(case=case, indicator=ind, board_target_kind=TargetKind.INCREASE)
        for ind in council_indicators + board_indicators])
    start, end = datetime.date(2012, 1, 1), datetime.date(2012, 12, 31)
    Activity.objects.bulk_create([
        Activity(council_goal=council[i % len(council)], assigned_board=board, order=i + 1,
                 text=f"KF:s aktivitet {i}", start_date=start, end_date=end)
        for i in range(activities // 2)])
    Activity.objects.bulk_create([
        Activity(board_goal=board_goals[i % len(board_goals)], order=i + 1,
                 text=f"Nämndens aktivitet {i}", start_date=start, end_date=end)
        for i in range(activities - activities // 2)])
    frame = FinancialFrame.objects.create(case=case, organisation="Stadsledningskontoret m.m.")
    OperatingBudgetRow.objects.bulk_create([
        OperatingBudgetRow(frame=frame, order=n, department=f"Avdelning {n}", costs=Decimal("100.0"),
                           revenues=Decimal("-3.3")) for n in range(1, budget_rows + 1)])
    TurnoverChange.objects.bulk_create([
        TurnoverChange(frame=frame, order=n, description=f"Ändring {n}", amount=Decimal("50.2"))
        for n in range(1, 11)])
    return case


def wipe():
    from budgetplan.cases.models import Board, Case
    from goals.models import Activity, CouncilGoal, Indicator, StrategicGoal

    Case.objects.all().delete()
    Activity.objects.all().delete()
    Indicator.objects.all().delete()
    CouncilGoal.objects.all().delete()
    StrategicGoal.objects.all().delete()
    Board.objects.all().delete()


def timed_import(data: bytes, label: str, rows: int, *, measure_memory: bool = False) -> None:
    from django.db import connection

    from budgetplan.document.workbook import import_workbook

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    if measure_memory:
        tracemalloc.start()
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        report = import_workbook(data)
    seconds = time.perf_counter() - started
    if not report.ok:
        print("\n".join(str(issue) for issue in report.issues[:20]))
        raise SystemExit(f"{label}: the import reported {len(report.issues)} issues")
    print(f"{label}:")
    print(f"  rows in workbook      {rows}")
    print(f"  records written       {len(report.changes)}")
    print(f"  queries               {queries}")
    if measure_memory:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  peak Python memory    {peak / 1024 / 1024:.1f} MB (tracemalloc; slows the run, "
              f"so its {seconds:.2f} s are not the timing)")
    else:
        print(f"  seconds               {seconds:.2f}")
        print(f"  rows per second       {rows / seconds:,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--indicators", type=int, default=2000)
    args = parser.parse_args()

    from django.conf import settings
    from django.db import connection

    from budgetplan.document.workbook import export_case_workbook

    # a database of its own, so a test run elsewhere on the machine is never disturbed
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = "test_budgetplan_bench"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        case = fill(args.activities, args.indicators)
        started = time.perf_counter()
        data = export_case_workbook(case)
        print(f"export: {time.perf_counter() - started:.2f} s, {len(data) / 1024:.0f} kB "
              f"({connection.vendor})")
        rows = args.activities + args.indicators
        wipe()
        timed_import(data, "import into an empty database", rows)
        timed_import(data, "re-import of the same workbook (no changes)", rows)
        wipe()
        timed_import(data, "import into an empty database, memory", rows, measure_memory=True)
        # VmHWM, not ru_maxrss: Linux carries a parent's resident size at the fork into the
        # child's ru_maxrss, and bench/run.py starts this script as a child.
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        print(f"peak resident memory of the process: {peak / 1024:.0f} MB (VmHWM)")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()

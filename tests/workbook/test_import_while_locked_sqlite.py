"""A second import while another one writes, on the first try's SQLite database.

SQLite lets one connection write at a time; the other waits its timeout and is told "database is
locked". The import must say, in Swedish and once, that another import is running, not pin the
lock on a row of the workbook. Runs manage.py in a subprocess against a temporary SQLite file (as
tests/test_first_try_sqlite.py does) while this process holds SQLite's write lock.
"""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.workbook.helpers import edit, set_cell

ROOT = Path(__file__).resolve().parents[2]
DNR = "112-2321/2011"


def test_an_import_while_another_writes_is_told_so(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="budgetplan.settings.local",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_DEBUG="false",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
    )

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=300,
        )

    for args in (("migrate", "--no-input", "-v0"), ("loaddata", "reference_2012", "-v0"),
                 ("export_case", DNR, "--format", "xlsx", "--output", str(tmp_path / "plan.xlsx"))):
        result = manage(*args)
        assert result.returncode == 0, result.stdout + result.stderr
    workbook = tmp_path / "plan.xlsx"
    workbook.write_bytes(edit(workbook.read_bytes(),
                              lambda book: set_cell(book["Driftbudget"], 2, "Kostnader", 60.0)))

    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the other import, between its first write and its commit
        locked = manage("import_workbook", str(workbook))
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert locked.returncode == 1
    assert locked.stderr.splitlines() == [
        "En annan inläsning eller ändring pågår och håller databasen låst. Inget sparades; "
        "försök igen när den är klar.",
        "CommandError: 1 fel i arbetsboken; inget sparades.",
    ]

    again = manage("import_workbook", str(workbook))
    assert again.returncode == 0, again.stderr
    assert "Rader i driftbudgeten: 1 ändrade" in again.stdout

"""The migration that numbers each case's Dnr in the order they were entered.

Before it, every Dnr was stored with order 1 and the page sorted equal orders by their text, so
a case's two Dnr could print the other way round. Runs manage.py migrate in a subprocess on a
temporary SQLite file, as tests/goals/test_order_migration.py does, so the suite's own database
never migrates backwards.
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The schema before the migration has no subjects: rows written with SQL, as the old code did.
ENTER_TWO = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT case_id FROM budgetplan_registrynumber WHERE number = '112-2321/2011'")
    case_id = cursor.fetchone()[0]
    for number in ("112-2400/2011", "112-0001/2012"):
        cursor.execute('INSERT INTO budgetplan_registrynumber (case_id, number, "order", version) '
                       "VALUES (%s, %s, 1, 1)", [case_id, number])
"""
READ = """
from budgetplan.cases.models import RegistryNumber
print(list(RegistryNumber.objects.order_by("pk").values_list("number", "order")))
"""


def test_existing_dnr_are_numbered_in_the_order_they_were_entered(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="budgetplan.settings.local",
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_DEBUG="false")

    def manage(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    manage("migrate", "--no-input", "-v0")
    manage("loaddata", "reference_2012", "-v0")
    manage("migrate", "budgetplan", "0008", "--no-input", "-v0")
    manage("shell", "-c", ENTER_TWO)

    manage("migrate", "--no-input", "-v0")

    rows = [line for line in manage("shell", "-c", READ).stdout.splitlines() if line.startswith("[(")]
    assert rows == ["[('112-2321/2011', 1), ('112-2400/2011', 2), ('112-0001/2012', 3)]"]

"""The migration that makes an indicator's and an activity's order unique within its goal.

A database that already holds two rows with one order must be told which, not fail with a bare
IntegrityError. Runs manage.py migrate in a subprocess on a temporary SQLite file, as
tests/test_first_try_sqlite.py does, so the suite's own database never migrates backwards.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DUPLICATE = """
from django.db import connection
from django.db.migrations.loader import MigrationLoader
# The model as the database has it at goals 0003, not as the code has it now.
state = MigrationLoader(connection).project_state(("goals", "0003_case_fields_named_arende"))
Indicator = state.apps.get_model("goals", "Indicator")
first = Indicator.objects.select_related("council_goal").order_by("pk").first()
copy = Indicator(council_goal=first.council_goal, order=first.order, name="Kopia",
                 periodicity=first.periodicity)
Indicator.objects.bulk_create([copy])  # as an import or a script could before the constraint
print("GOAL", first.council_goal_id, "ORDER", first.order)
"""


def test_migrating_a_database_with_duplicate_orders_names_them(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="budgetplan.settings.local",
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_DEBUG="false")

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)

    # The reference case is loaded with today's models, then the schema is taken back to goals
    # 0003 (the fields added since go, the rows stay), as a database of that time would hold it.
    for args in (("migrate", "--no-input", "-v0"), ("loaddata", "reference_2012", "-v0"),
                 ("migrate", "goals", "0003", "--no-input", "-v0")):
        result = manage(*args)
        assert result.returncode == 0, result.stdout + result.stderr
    made = manage("shell", "-c", DUPLICATE)
    assert made.returncode == 0, made.stderr
    goal, order = re.search(r"GOAL (\d+) ORDER (\d+)", made.stdout).groups()

    refused = manage("migrate", "--no-input", "-v0")

    assert refused.returncode != 0
    assert (
        "Samma ordning finns två gånger; ge raderna olika ordning (i administrationen) och kör "
        f"migreringen igen: indikatorer under KF-mål id {goal}, ordning {order}"
    ) in refused.stderr
    assert "IntegrityError" not in refused.stderr

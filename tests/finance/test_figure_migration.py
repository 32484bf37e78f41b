"""The migration that turns DecisionPoint.figure's fixed totals into named figures, both ways.

Runs manage.py in a subprocess on a temporary SQLite file, as tests/goals/test_order_migration.py
does, so the suite's own database never migrates backwards.
"""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

OLD_STATE = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT number, figure FROM budgetplan_decisionpoint WHERE figure <> '' ")
    print("OLD", cursor.fetchall())
    cursor.execute("SELECT count(*) FROM finance_figure")
    print("FIGURES", cursor.fetchone()[0])
"""
NEW_STATE = """
from budgetplan.document.selectors import case_document
from budgetplan.cases.models import Case
from finance.models import Figure, QuotedFigure
print("NEW", list(Figure.objects.values_list("number", "name", "rows")),
      list(QuotedFigure.objects.values_list("point__number", "position")))
document = case_document(case_id=Case.objects.get().pk)
print("TEXT", [str(point.html) for point in document.decision_points if point.amounts])
"""


def test_the_reference_cases_figure_survives_the_migration_both_ways(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="budgetplan.settings.local",
               DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_DEBUG="false")

    def manage(*args: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate", "--no-input", "-v0")
    manage("loaddata", "reference_2012", "-v0")
    manage("migrate", "finance", "0004", "--no-input", "-v0")  # back before the conversion
    old = manage("shell", "-c", OLD_STATE)
    assert "OLD [(4, 'turnover_change_total')]" in old and "FIGURES 0" in old

    manage("migrate", "--no-input", "-v0")
    new = manage("shell", "-c", NEW_STATE)

    assert "NEW [(1, 'Summa omslutningsförändringar', 'turnover')] [(4, 1)]" in new
    assert "TEXT ['Den redovisade omslutningsförändringen med 502,0 mnkr godkänns.']" in new

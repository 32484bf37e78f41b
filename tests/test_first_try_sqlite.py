"""The first try runs on SQLite: the README's demo path, smoke-tested in a subprocess.

The suite runs on PostgreSQL like production; this test catches what only SQLite refuses (it once
refused the query that reads a member's roles and boards, and every member got a server error).
"""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent('''
    from decimal import Decimal
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from budgetplan.models import BoardMembership, Case
    from budgetplan.services import record_save
    from finance.models import OperatingBudgetRow

    case = Case.objects.get(registry_numbers__number="112-2321/2011")
    clerk = User.objects.create_user("sekreterare", password="ett-långt-lösenord", is_staff=True)
    clerk.groups.add(Group.objects.get(name="Nämndsekreterare"))
    BoardMembership.objects.create(user=clerk, board=case.board)
    row = OperatingBudgetRow.objects.get(frame__case=case, department="Stadsledning")
    row.costs = Decimal("60.0")
    record_save(instance=row, user=clerk)

    client = Client()
    client.force_login(clerk)
    page = client.get(f"/arenden/{case.pk}/")
    admin = client.get(f"/admin/budgetplan/case/{case.pk}/change/")
    changes = client.get(f"/arenden/{case.pk}/andringar/")
    print("STATUS", page.status_code, admin.status_code, changes.status_code)
    print("TOTAL", "1\\u00a0305,3" in page.content.decode())
''')


def test_demo_database_serves_a_board_member(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="budgetplan.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_DEBUG="false",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
    )

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate", "--no-input", "-v0")
    manage("loaddata", "reference_2012", "-v0")
    output = manage("shell", "-c", SCRIPT)
    assert "STATUS 200 200 200" in output
    assert "TOTAL True" in output

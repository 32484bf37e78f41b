"""The first try runs on SQLite: the README's demo path, smoke-tested in a subprocess.

The suite runs on PostgreSQL like production; this test catches what only SQLite refuses (it once
refused the query that reads a member's roles and boards, and every member got a server error).
"""
import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.checkout import ROOT, needs_virtualenv, run, stand_in_checkout

SCRIPT = textwrap.dedent('''
    from decimal import Decimal
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from budgetplan.cases.models import BoardMembership, Case
    from budgetplan.kernel.services import record_save
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


# ---- scripts/run-demo.sh: the system packages, and a second run -----------------------------

FAKE_APT_GET = """#!/usr/bin/env bash
# apt-get as on a machine where another apt process holds the lock for a while: it waits only
# when told to (DPkg::Lock::Timeout), else it stops with apt's own message.
echo "$*" >> "$APT_LOG"
case " $* " in
  *" -o DPkg::Lock::Timeout="*) exit 0 ;;
esac
echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)" >&2
exit 100
"""


def fake_commands(directory: Path, **scripts: str) -> None:
    directory.mkdir()
    for name, body in scripts.items():
        (directory / name).write_text(body)
        (directory / name).chmod(0o755)


def test_system_packages_wait_for_apts_lock_and_say_what_they_install(tmp_path):
    fake_commands(
        tmp_path / "bin",
        **{
            "apt-get": FAKE_APT_GET,
            "dpkg": "#!/bin/sh\nexit 1\n",  # nothing installed yet
            "id": "#!/bin/sh\necho 0\n",  # as root
        },
    )
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "APT_LOG": str(tmp_path / "apt.log")}

    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "system-packages.sh"), "chromium"],
        env=env, capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert [call.split()[2] for call in calls] == ["update", "install"]
    assert all(call.startswith("-o DPkg::Lock::Timeout=600 ") for call in calls)
    assert calls[1].endswith("libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium")
    said = result.stdout
    assert "Installerar Debianpaket som Budgetplan behöver (apt-get, som root):" in said
    assert "libpango-1.0-0, libpangoft2-1.0-0: Pango, som WeasyPrint sätter PDF:ens text med" in said
    assert "libharfbuzz-subset0: HarfBuzz, som bäddar in bara de tecken PDF:en använder" in said
    assert "chromium: webbläsaren som tillgänglighetstesterna körs i" in said
    assert "väntar skriptet upp till 600 s på att det släpps" in said


def test_system_packages_leave_apt_alone_when_everything_is_there(tmp_path):
    fake_commands(
        tmp_path / "bin",
        **{"apt-get": FAKE_APT_GET, "dpkg": "#!/bin/sh\nexit 0\n", "id": "#!/bin/sh\necho 0\n"},
    )
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "APT_LOG": str(tmp_path / "apt.log")}

    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "system-packages.sh")],
        env=env, capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 0
    assert result.stdout == ""
    assert not (tmp_path / "apt.log").exists()


def demo_database_lines() -> list[str]:
    """The lines of scripts/run-demo.sh that prepare the database (all but the server)."""
    script = (ROOT / "scripts" / "run-demo.sh").read_text()
    return [line for line in script.splitlines() if line.startswith(".venv/bin/python manage.py ")]


READ_THE_ROW = textwrap.dedent('''
    from decimal import Decimal
    from budgetplan.kernel.services import record_save
    from finance.models import OperatingBudgetRow

    row = OperatingBudgetRow.objects.get(
        frame__case__registry_numbers__number="112-2321/2011", department="Stadsledning")
''')


def stadsledning_costs(directory: Path, env: dict[str, str], *, change_to: str = "") -> str:
    """The costs of the reference case's first budget row, after changing them if asked, as a
    user would in the admin."""
    code = READ_THE_ROW
    if change_to:
        code += f"row.costs = Decimal({change_to!r})\nrecord_save(instance=row)\n"
    code += "print('COSTS', row.costs)\n"
    output = run(f".venv/bin/python manage.py shell -c {shlex.quote(code)}", directory, env)
    return re.search(r"COSTS (\S+)", output).group(1)


def logs_in(directory: Path, env: dict[str, str], password: str) -> bool:
    """Whether the demo login with this password gets into the admin, through its login page."""
    code = (
        "from django.test import Client; "
        "response = Client().post('/admin/login/?next=/admin/', "
        f"{{'username': 'demo', 'password': {password!r}, 'next': '/admin/'}}); "
        "print('LOGIN', response.status_code, response.get('Location'))"
    )
    output = run(f".venv/bin/python manage.py shell -c {shlex.quote(code)}", directory,
                 {**env, "DJANGO_ALLOWED_HOSTS": "testserver"})
    return "LOGIN 302 /admin/" in output


def printed_password(output: str) -> str:
    return re.search(r"Demoinloggning: användarnamn demo, lösenord (\S+)", output).group(1)


@needs_virtualenv
def test_a_second_demo_run_keeps_the_edits_and_the_password(tmp_path):
    env = stand_in_checkout(tmp_path)
    lines = demo_database_lines()
    first = "".join(run(line, tmp_path, env) for line in lines)
    password = printed_password(first)
    assert stadsledning_costs(tmp_path, env, change_to="60.0") == "60.0"

    second = "".join(run(line, tmp_path, env) for line in lines)

    assert stadsledning_costs(tmp_path, env) == "60.0"
    assert logs_in(tmp_path, env, password)
    assert "Referensärendet PM 2012:3 RI lästes in." in first
    assert (
        "Referensärendet PM 2012:3 RI finns redan i databasen och läses inte in igen; "
        "dina ändringar finns kvar." in second
    )
    assert "Demoinloggning: användarnamn demo, lösenord" not in second
    assert (
        "Demoinloggningen demo finns redan; lösenordet är detsamma som förut. Ett nytt lösenord "
        "får du med BUDGETPLAN_DEMO_NEW_PASSWORD=1 bash scripts/run-demo.sh" in second
    )

    # Asked for, a new password replaces the old one; the edits stay.
    env["BUDGETPLAN_DEMO_NEW_PASSWORD"] = "1"
    third = "".join(run(line, tmp_path, env) for line in lines)
    new_password = printed_password(third)
    assert new_password != password
    assert logs_in(tmp_path, env, new_password) and not logs_in(tmp_path, env, password)
    assert stadsledning_costs(tmp_path, env) == "60.0"

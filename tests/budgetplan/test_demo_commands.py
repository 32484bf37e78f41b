"""The first try's commands: the reference case is loaded once, the demo login keeps its password."""
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from budgetplan.cases.models import Case
from budgetplan.kernel.services import record_save
from finance.models import OperatingBudgetRow
from followup.models import FollowUpReport
from reservations.models import Party

pytestmark = pytest.mark.django_db


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_reference_case_is_loaded_once_and_a_second_run_keeps_the_edits():
    first = command("load_reference_case")
    assert "Referensärendet PM 2012:3 RI lästes in." in first
    assert "uppföljningen av tertial 1 2012" in first and "PM 2024:57 RI" in first
    assert FollowUpReport.objects.filter(case__memo_serial=3, period__kind="T1").exists()
    row = OperatingBudgetRow.objects.get(department="Stadsledning")
    row.costs = Decimal("60.0")
    record_save(instance=row)

    again = command("load_reference_case")

    assert "finns redan i databasen och läses inte in igen; dina ändringar finns kvar." in again
    assert OperatingBudgetRow.objects.get(department="Stadsledning").costs == Decimal("60.0")
    assert Case.objects.count() == 2  # the reference case and the invented city-wide case


def test_the_reference_case_is_not_loaded_over_rows_that_share_its_ids():
    Party.objects.create(pk=1, abbreviation="X", name="Ett eget parti")

    said = command("load_reference_case")

    assert (
        "Referensärendet PM 2012:3 RI läses inte in: databasen har redan poster med samma id "
        "(partier), och de skulle skrivas över." in said
    )
    assert Party.objects.get(pk=1).name == "Ett eget parti"
    assert not Case.objects.exists()


def printed_password(output: str) -> str:
    return re.search(r"Demoinloggning: användarnamn demo, lösenord (\S+)", output).group(1)


def test_the_demo_login_keeps_its_password_unless_a_new_one_is_asked_for():
    password = printed_password(command("create_demo_login"))
    demo = User.objects.get(username="demo")
    assert demo.is_staff and demo.is_superuser and demo.check_password(password)

    again = command("create_demo_login")

    assert "Demoinloggning:" not in again
    assert "Demoinloggningen demo finns redan; lösenordet är detsamma som förut." in again
    assert User.objects.get(username="demo").check_password(password)

    new_password = printed_password(command("create_demo_login", "--new-password"))
    assert new_password != password
    demo = User.objects.get(username="demo")
    assert demo.check_password(new_password) and not demo.check_password(password)

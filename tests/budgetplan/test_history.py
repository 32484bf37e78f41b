"""Every change to every record is kept with who and when, whatever path it comes by."""
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from budgetplan.cases.models import Case, DecisionPoint
from budgetplan.document.workbook import export_case_workbook, import_workbook
from budgetplan.kernel.history import history_model
from budgetplan.kernel.services import record_delete, record_save, records_create, records_update
from finance.models import OperatingBudgetRow
from tests import factories
from tests.admin_forms import read_form
from tests.workbook.helpers import edit, row_where, set_cell

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent.parent.parent / "fixtures" / "reference_2012.json"


@pytest.fixture
def user():
    # an administrator: the roles are tested elsewhere; here only who is recorded matters
    return User.objects.create_superuser("anna", first_name="Anna", last_name="Andersson")


def test_a_save_through_the_service_keeps_the_old_and_new_values_and_who(user):
    row = factories.OperatingBudgetRowFactory(costs=Decimal("10.0"))
    row.costs = Decimal("12.5")
    record_save(instance=row, user=user)

    created, changed = row.history.order_by("history_id")
    assert (created.history_type, changed.history_type) == ("+", "~")
    assert (created.costs, changed.costs) == (Decimal("10.0"), Decimal("12.5"))
    assert changed.history_user == user
    assert changed.version == 2


def test_a_delete_and_the_rows_it_cascades_to_are_kept_with_who(user):
    case = factories.CaseFactory()
    case_id = case.pk
    point = factories.DecisionPointFactory(case=case)

    record_delete(instance=case, user=user)

    deleted = history_model(DecisionPoint).objects.get(id=point.pk, history_type="-")
    assert deleted.history_user == user
    assert deleted.text == point.text
    assert history_model(Case).objects.get(id=case_id, history_type="-").history_user == user


def test_bulk_creates_and_updates_are_kept_with_who(user):
    frame = factories.FinancialFrameFactory()
    rows = [
        OperatingBudgetRow(frame=frame, order=n, department=f"Avdelning {n}", costs=Decimal("5.0"))
        for n in (1, 2, 3)
    ]
    records_create(instances=rows, user=user)
    for row in rows:
        row.costs = Decimal("7.0")
    records_update(instances=rows, fields=["costs"], user=user)

    history = history_model(OperatingBudgetRow).objects.filter(frame_id=frame.pk)
    assert sorted(history.values_list("history_type", flat=True)) == ["+"] * 3 + ["~"] * 3
    assert set(history.values_list("history_user", flat=True)) == {user.pk}
    assert set(history.filter(history_type="~").values_list("costs", flat=True)) == {Decimal("7.0")}
    assert set(OperatingBudgetRow.objects.filter(frame=frame).values_list("version", flat=True)) == {2}


def test_a_workbook_import_keeps_its_bulk_writes_with_the_importing_user(reference_case, user):
    def change(book):
        points = book["Beslutspunkter"]
        set_cell(points, row_where(points, "Nr", 1), "Text", "En ändrad första punkt.")
        points.append([9, "En ny punkt."])

    report = import_workbook(edit(export_case_workbook(reference_case), change), user=user)

    assert report.ok, [str(issue) for issue in report.issues]
    history = history_model(DecisionPoint).objects.filter(case_id=reference_case.pk)
    changed = history.get(history_type="~")
    assert changed.text == "En ändrad första punkt." and changed.history_user == user
    created = history.get(history_type="+")
    assert created.number == 9 and created.history_user == user


def test_an_admin_change_is_kept_with_the_logged_in_user(client):
    editor = User.objects.create_superuser("redaktor", password="x")
    client.force_login(editor)
    case = factories.RegistryNumberFactory().case
    url = reverse("admin:budgetplan_case_change", args=[case.pk])
    data = read_form(client, url)
    data["title"] = "Ny rubrik"

    assert client.post(url, data).status_code == 302

    latest = case.history.latest()
    assert (latest.history_type, latest.title, latest.history_user) == ("~", "Ny rubrik", editor)


def test_loading_the_reference_fixture_writes_no_history(reference_case):
    assert not reference_case.history.exists()
    assert not history_model(OperatingBudgetRow).objects.exists()


def test_the_reference_fixture_holds_no_history_rows():
    models = {record["model"] for record in json.loads(FIXTURE.read_text())}
    assert models and not any(".historical" in name for name in models)


def test_loaddata_still_loads_the_reference_case(db):
    call_command("loaddata", "reference_2012", verbosity=0)
    case = Case.objects.get(registry_numbers__number="112-2321/2011")
    assert case.version == 1 and case.revision == 1

"""Per-table import and export in the admin: natural keys, Swedish headers, preview, permission."""
import re
from decimal import Decimal

import pytest
import tablib
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from finance.models import OperatingBudgetRow, TurnoverChange
from finance.resources import OperatingBudgetRowResource, TurnoverChangeResource
from goals.models import Activity, BoardGoal, CouncilGoal, Indicator
from goals.resources import ActivityResource, BoardGoalResource, CouncilGoalResource, IndicatorResource
from reservations.models import Signatory
from reservations.resources import SignatoryResource
from tests.workbook.helpers import database_state

RESOURCES = [
    (CouncilGoalResource, CouncilGoal, ["År", "Nr", "Mål", "Beskrivning", "Version"]),
    (BoardGoalResource, BoardGoal, ["Dnr", "År", "KF:s mål", "Ordning", "Nämndmål", "Beskrivning", "Version"]),
    (IndicatorResource, Indicator, None),
    (ActivityResource, Activity, None),
    (OperatingBudgetRowResource, OperatingBudgetRow, ["Dnr", "Ordning", "Avdelning", "Kostnader", "Intäkter", "Netto", "Version"]),
    (TurnoverChangeResource, TurnoverChange, ["Dnr", "Ordning", "Beskrivning", "Belopp", "Version"]),
    (SignatoryResource, Signatory, ["Dnr", "Reservation", "Ordning", "Namn", "Parti", "Version"]),
]


@pytest.mark.parametrize("resource_class, model, headers", RESOURCES)
def test_export_then_import_of_each_table_changes_nothing(reference_case, resource_class, model, headers):
    dataset = resource_class().export(model.objects.all())
    if headers:
        assert dataset.headers == headers
    assert "id" not in dataset.headers  # natural keys only
    before = database_state()

    result = resource_class().import_data(tablib.Dataset().load(dataset.export("csv"), format="csv"))

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == model.objects.count()
    assert database_state() == before


def test_indicator_rows_name_their_goals_by_number(reference_case):
    dataset = IndicatorResource().export(Indicator.objects.all())
    first = dict(zip(dataset.headers, dataset[0]))
    assert first["År"] == 2012 and first["KF:s mål"] == "1.1"
    assert first["Periodicitet"] in ("År", "Tertial", "Halvår", "Kvartal", "Månad")


def test_a_changed_amount_is_an_update_and_a_new_department_a_new_row(reference_case):
    dataset = OperatingBudgetRowResource().export(OperatingBudgetRow.objects.filter(frame__case=reference_case))
    rows = [list(row) for row in dataset]
    rows[0][3] = "60,0"  # Kostnader, the Swedish way
    rows.append(["112-2321/2011", "15", "Ny avdelning", "1,0", "-0,5", "", ""])
    changed = tablib.Dataset(*rows, headers=dataset.headers)

    result = OperatingBudgetRowResource().import_data(changed)

    assert result.totals["update"] == 1 and result.totals["new"] == 1 and result.totals["skip"] == 13
    assert OperatingBudgetRow.objects.get(frame__case=reference_case, order=1).costs == Decimal("60.0")
    assert OperatingBudgetRow.objects.get(department="Ny avdelning").net == Decimal("0.5")


def test_unknown_natural_keys_and_model_rules_are_swedish_row_errors(reference_case):
    rows = tablib.Dataset(
        ["999-1/2011", "1", "Avdelning X", "1,0", "0,0", ""],
        ["112-2321/2011", "16", "Avdelning Y", "1,0", "3,0", ""],
        headers=["Dnr", "Ordning", "Avdelning", "Kostnader", "Intäkter", "Netto"],
    )
    before = database_state()

    result = OperatingBudgetRowResource().import_data(rows, dry_run=True)

    messages = [" ".join(m for ms in row.error_dict.values() for m in ms) for row in result.invalid_rows]
    assert "Ekonomiska förutsättningar för Dnr ”999-1/2011” finns inte." in messages[0]
    assert "Intäkter anges negativt, t.ex. -22,0." in messages[1]
    assert database_state() == before


def test_an_unknown_dnr_of_a_board_goal_is_a_swedish_row_error(reference_case):
    rows = tablib.Dataset(["999-1/2011", "2012", "1.1", "1", "Ett nämndmål", ""],
                          headers=["Dnr", "År", "KF:s mål", "Ordning", "Nämndmål", "Beskrivning"])

    result = BoardGoalResource().import_data(rows, dry_run=True)

    (row,) = result.invalid_rows
    assert "Ärendet med Dnr ”999-1/2011” finns inte." in str(row.error_dict)


def test_a_council_goal_by_number_and_year(reference_case):
    rows = tablib.Dataset(["2012", "1.1", "Nytt namn på målet", "", "1"], ["2012", "9.9", "Finns inte", "", ""],
                          headers=["År", "Nr", "Mål", "Beskrivning", "Version"])
    result = CouncilGoalResource().import_data(rows, dry_run=True)
    assert result.rows[0].import_type == "update"
    assert "Inriktningsmål 9 finns inte för 2012." in str(result.invalid_rows[0].error_dict)


def post_import(client, url: str, data: bytes, name: str):
    return client.post(url, {"resource": "0", "format": "0",
                             "import_file": SimpleUploadedFile(name, data)})


def test_admin_import_preview_then_confirm(reference_case, admin_client):
    url = "/admin/finance/operatingbudgetrow/import/"
    dataset = OperatingBudgetRowResource().export(OperatingBudgetRow.objects.filter(frame__case=reference_case))
    rows = [list(row) for row in dataset]
    before = OperatingBudgetRow.objects.get(frame__case=reference_case, order=2).costs
    assert before != Decimal("12.5")
    rows[1][3] = Decimal("12.5")
    xlsx = tablib.Dataset(*rows, headers=dataset.headers).export("xlsx")

    preview = post_import(admin_client, url, xlsx, "driftbudget.xlsx")

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "process_import" in page and "Kostnader" in page
    assert OperatingBudgetRow.objects.get(frame__case=reference_case, order=2).costs == before
    confirm = {name: value for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', page)}
    response = admin_client.post("/admin/finance/operatingbudgetrow/process_import/", confirm)
    assert response.status_code == 302
    assert OperatingBudgetRow.objects.get(frame__case=reference_case, order=2).costs == Decimal("12.5")


def test_admin_import_is_for_administrators_with_add_and_change_permission(reference_case, db):
    user = User.objects.create_user("lasare", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_operatingbudgetrow"))
    client = Client()
    client.force_login(user)
    assert client.get("/admin/finance/operatingbudgetrow/").status_code == 200
    assert client.get("/admin/finance/operatingbudgetrow/import/").status_code == 403
    assert client.get("/admin/finance/operatingbudgetrow/export/").status_code == 200

    user.user_permissions.add(*Permission.objects.filter(
        codename__in=("add_operatingbudgetrow", "change_operatingbudgetrow")))
    client.force_login(User.objects.get(pk=user.pk))
    # A board's staff import their plan as a whole workbook: a single table spans all boards.
    assert client.get("/admin/finance/operatingbudgetrow/import/").status_code == 403

    user.groups.add(Group.objects.get(name="Administratör"))
    client.force_login(User.objects.get(pk=user.pk))
    assert client.get("/admin/finance/operatingbudgetrow/import/").status_code == 200


def test_admin_offers_xlsx_and_csv_only(reference_case, admin_client):
    page = admin_client.get("/admin/goals/indicator/import/").content.decode()
    assert "xlsx" in page and "csv" in page
    assert "yaml" not in page and "json" not in page

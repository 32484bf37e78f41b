"""City-wide cases: the city office's own cases to the executive board, owned by no board.

Through the real URLs: the page, the admin and the workbook upload, for the city office's staff
(members of the board marked as the city office) and for another board's staff.
"""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budgetplan.access import permissions
from budgetplan.cases.models import Case, DecisionPoint, RegistryNumber
from budgetplan.document.workbook import export_case_workbook
from tests import factories as f
from tests.admin_forms import read_form
from tests.budgetplan.roles import client_for, decide, user_with
from tests.workbook.helpers import database_state, edit, set_cell

pytestmark = pytest.mark.django_db

IMPORT_URL = "/arenden/arbetsbok/las-in/"


@pytest.fixture
def city_office():
    return f.BoardFactory(name="Kommunstyrelsen", office="Stadsledningskontoret", city_office=True)


@pytest.fixture
def other_board():
    return f.BoardFactory(name="Fastighetsnämnden")


@pytest.fixture
def city_case(city_office):
    case = f.CaseFactory(
        owner=Case.Owner.CITY, board=None, title="Tertialrapport 1 2012 med budgetjusteringar",
    )
    f.RegistryNumberFactory(case=case, number="112-1000/2012")
    f.DecisionPointFactory(case=case, number=1, text="Tertialrapporten godkänns.")
    return case


@pytest.fixture
def superuser_client(django_user_model):
    return client_for(django_user_model.objects.create_superuser("granskare", password="pw"))


def admin_url(obj, action="change"):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[obj.pk])


def change_point(client, case, staff, text="Tertialrapporten godkänns med ändringar."):
    data = read_form(staff, admin_url(case))
    data["decision_points-0-text"] = text
    return client.post(admin_url(case), data)


# ---- The model ---------------------------------------------------------------------------------


def test_a_case_is_owned_by_a_board_or_by_the_city_never_both_nor_neither(city_office):
    plan_without_board = Case(memo_year=2012, memo_serial=1, memo_rotel="RI", title="Plan",
                              budget_year=2012, owner=Case.Owner.BOARD, board=None)
    city_with_board = Case(memo_year=2012, memo_serial=2, memo_rotel="RI", title="Stad",
                           budget_year=2012, owner=Case.Owner.CITY, board=city_office)

    with pytest.raises(Exception) as first:
        plan_without_board.full_clean()
    with pytest.raises(Exception) as second:
        city_with_board.full_clean()

    assert "En nämnds plan måste ha en nämnd" in str(first.value)
    assert "Ett stadsövergripande ärende hör inte till någon nämnd" in str(second.value)


def test_existing_cases_stay_board_plans(reference_case):
    assert reference_case.owner == Case.Owner.BOARD
    assert reference_case.board_name == "Kommunfullmäktige m.m."


# ---- The page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reader", "editor", "clerk"])
def test_the_city_offices_staff_read_a_city_draft(role, city_case, city_office):
    client = client_for(user_with(role, city_office))
    page = client.get(reverse("cases:detail", args=[city_case.pk]))
    assert page.status_code == 200
    assert "Stadsövergripande · Budgetår 2012" in page.content.decode()


@pytest.mark.parametrize("role", ["reader", "editor", "clerk"])
def test_a_boards_staff_do_not_see_a_city_draft(role, city_case, city_office, other_board):
    client = client_for(user_with(role, other_board))
    assert client.get(reverse("cases:detail", args=[city_case.pk])).status_code == 404
    assert client.get(reverse("cases:pdf", args=[city_case.pk])).status_code == 404
    assert client.get(reverse("cases:workbook", args=[city_case.pk])).status_code == 404
    assert city_case.title not in client.get("/").content.decode()


def test_a_decided_city_case_is_public(city_case, city_office, other_board):
    decide(city_case)
    assert client_for(None).get(reverse("cases:detail", args=[city_case.pk])).status_code == 200
    board_clerk = client_for(user_with("clerk", other_board))
    assert board_clerk.get(reverse("cases:detail", args=[city_case.pk])).status_code == 200


def test_the_city_clerk_moves_a_city_case_on_and_a_board_clerk_cannot(
    city_case, city_office, other_board,
):
    url = reverse("cases:transition", args=[city_case.pk])
    board_clerk = client_for(user_with("clerk", other_board))
    assert board_clerk.post(url, {"to_status": "proposed"}).status_code == 404
    city_editor = client_for(user_with("editor", city_office))
    assert city_editor.post(url, {"to_status": "proposed"}).status_code == 403
    assert Case.objects.get(pk=city_case.pk).status == Case.Status.DRAFT

    city_clerk = client_for(user_with("clerk", city_office))
    city_clerk.post(url, {"to_status": "proposed"})

    assert Case.objects.get(pk=city_case.pk).status == Case.Status.PROPOSED


def test_the_index_groups_board_plans_and_city_cases(city_case, city_office, superuser_client):
    plan = f.CaseFactory(board=city_office, title="Budget/verksamhetsplan 2012 för Kommunstyrelsen")

    page = superuser_client.get("/").content.decode()

    plans = page.index("Nämndernas budget och verksamhetsplaner")
    city = page.index("Stadsövergripande ärenden")
    assert plans < page.index(plan.title) < city < page.index(city_case.title)


def test_a_city_office_member_without_a_role_reads_nothing(city_case, city_office):
    client = client_for(user_with(None, city_office))
    assert client.get(reverse("cases:detail", args=[city_case.pk])).status_code == 404


# ---- The admin ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "clerk"])
def test_the_city_offices_staff_write_a_city_case_in_the_admin(
    role, city_case, city_office, superuser_client,
):
    client = client_for(user_with(role, city_office))
    response = change_point(client, city_case, superuser_client)
    assert response.status_code == 302
    assert DecisionPoint.objects.get(case=city_case).text == "Tertialrapporten godkänns med ändringar."


def test_the_city_clerk_may_name_any_board_in_a_budget_adjustment(city_case, city_office, other_board):
    # Not only the boards the clerk belongs to: the city-wide case grants money to every board.
    client = client_for(user_with("clerk", city_office))
    page = client.get(reverse("admin:budgetplan_case_change", args=[city_case.pk])).content.decode()
    # The empty row the page adds rows from (extra rows: none).
    select = page.split('name="budget_adjustments-__prefix__-board"')[1].split("</select>")[0]
    assert ">Fastighetsnämnden</option>" in select
    assert f">{city_office.name}</option>" in select


@pytest.mark.parametrize("role", ["reader", "editor", "clerk"])
def test_a_boards_staff_do_not_write_a_city_case_in_the_admin(
    role, city_case, other_board, superuser_client,
):
    client = client_for(user_with(role, other_board))
    response = change_point(client, city_case, superuser_client)
    assert response.status_code in (403, 404)
    assert DecisionPoint.objects.get(case=city_case).text == "Tertialrapporten godkänns."
    cases = client.get(reverse("admin:budgetplan_case_changelist"))
    assert city_case.title not in cases.content.decode()


def test_a_city_reader_sees_the_admin_page_but_may_not_change_it(
    city_case, city_office, superuser_client,
):
    reader = client_for(user_with("reader", city_office))
    change_point(reader, city_case, superuser_client)
    assert DecisionPoint.objects.get(case=city_case).text == "Tertialrapporten godkänns."


def _new_case_form(client, **values):
    data = read_form(client, reverse("admin:budgetplan_case_add"))
    data.update({"memo_year": "2012", "memo_serial": "41", "memo_rotel": "RI",
                 "title": "Avstämning av mål och budget 2012", "budget_year": "2012",
                 "proposing_body": "borgarradsberedningen", "deciding_body": "kommunstyrelsen",
                 "registry_numbers-0-number": "112-1200/2012", **values})
    return data


def test_the_city_clerk_enters_a_new_city_case(city_office):
    clerk = client_for(user_with("clerk", city_office))

    response = clerk.post(reverse("admin:budgetplan_case_add"),
                          _new_case_form(clerk, owner="city", board=""))

    assert response.status_code == 302, re.findall(r'errorlist[^>]*>(.*?)</ul>', response.content.decode())
    case = Case.objects.get(memo_serial=41)
    assert case.owner == Case.Owner.CITY and case.board is None
    assert list(case.registry_numbers.values_list("number", flat=True)) == ["112-1200/2012"]


def test_a_board_clerk_cannot_enter_a_city_case(other_board):
    clerk = client_for(user_with("clerk", other_board))

    response = clerk.post(reverse("admin:budgetplan_case_add"),
                          _new_case_form(clerk, owner="city", board=""), follow=True)

    assert permissions.CITY_OFFICE_ONLY in response.content.decode()
    assert not Case.objects.filter(memo_serial=41).exists()


def test_a_board_plan_without_a_board_is_refused_with_a_message(city_office):
    clerk = client_for(user_with("clerk", city_office))

    response = clerk.post(reverse("admin:budgetplan_case_add"),
                          _new_case_form(clerk, owner="board", board=""))

    assert "En nämnds plan måste ha en nämnd" in response.content.decode()
    assert not Case.objects.filter(memo_serial=41).exists()


# ---- The workbook ------------------------------------------------------------------------------


def _upload_and_confirm(client, data: bytes):
    preview = client.post(IMPORT_URL, {"step": "preview",
                                       "workbook": SimpleUploadedFile("plan.xlsx", data)})
    match = re.search(r'name="token" value="([^"]+)"', preview.content.decode())
    if match is None:
        return preview
    return client.post(IMPORT_URL, {"step": "confirm", "token": match.group(1)})


def _changed_point(case):
    return edit(export_case_workbook(case),
                lambda book: set_cell(book["Beslutspunkter"], 2, "Text", "Rapporten godkänns."))


def test_the_workbook_of_a_city_case_names_no_board(city_case):
    from tests.workbook.helpers import open_book

    sheet = open_book(export_case_workbook(city_case))["Ärende"]
    headers = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=headers.index("Nämnd") + 1).value in (None, "")


def test_the_city_clerk_uploads_a_city_cases_workbook(city_case, city_office):
    clerk = client_for(user_with("clerk", city_office))

    response = _upload_and_confirm(clerk, _changed_point(city_case))

    assert response.status_code == 302 and response["Location"] == f"/arenden/{city_case.pk}/"
    case = Case.objects.get(pk=city_case.pk)
    assert case.owner == Case.Owner.CITY and case.board_id is None
    assert DecisionPoint.objects.get(case=city_case).text == "Rapporten godkänns."


@pytest.mark.parametrize("role", ["editor", "clerk"])
def test_a_boards_staff_cannot_upload_a_city_cases_workbook(role, city_case, other_board):
    data = _changed_point(city_case)
    client = client_for(user_with(role, other_board))
    before = database_state()

    response = _upload_and_confirm(client, data)

    assert response.status_code == 200
    assert "Inget har sparats" in response.content.decode()
    assert database_state() == before
    assert DecisionPoint.objects.get(case=city_case).text == "Tertialrapporten godkänns."
    assert RegistryNumber.objects.filter(number="112-1000/2012").count() == 1

"""Download the case's workbook, upload an edited one, see the preview, confirm, see the figure."""
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from budgetplan.cases.models import BoardMembership, Case, DecisionPoint
from budgetplan.document.workbook import export_case_workbook
from budgetplan.document.workbook.importer import CREATE, DELETE, UPDATE, Change, ImportReport
from budgetplan.web.workbook_views import permission_issues
from finance.models import OperatingBudgetRow
from goals.models import BoardGoal, CouncilGoal
from tests.workbook.helpers import database_state, edit, open_book, set_cell

IMPORT_URL = "/arenden/arbetsbok/las-in/"


def upload(client, data: bytes, name: str = "plan.xlsx"):
    return client.post(IMPORT_URL, {"step": "preview", "workbook": SimpleUploadedFile(name, data)})


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the preview offers no confirmation"
    return match.group(1)


@pytest.fixture
def editor(reference_case):
    """A member of the reference case's board in the role Redaktör: edits the plan, not the
    council's shared goals."""
    user = User.objects.create_user("redaktor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktör"))
    BoardMembership.objects.create(user=user, board=reference_case.board)
    client = Client()
    client.force_login(user)
    return client


def test_download_the_case_workbook(reference_case, admin_client):
    # A draft's workbook is its board's clerks' (and administrators'): see test_permission_matrix.
    client = admin_client
    response = client.get(f"/arenden/{reference_case.pk}/arbetsbok.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"] == 'attachment; filename="arende-pm-2012-3-ri.xlsx"'
    book = open_book(response.content)
    assert book["Ärende"]["A2"].value == "112-2321/2011"
    assert client.get("/arenden/999999/arbetsbok.xlsx").status_code == 404


def test_the_download_name_is_safe_whatever_the_rotel_holds(reference_case, admin_client):
    Case.objects.filter(pk=reference_case.pk).update(memo_rotel='R"Ö\nI')

    response = admin_client.get(f"/arenden/{reference_case.pk}/arbetsbok.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="arende-pm-2012-3-ro-i.xlsx"'


def test_a_case_no_workbook_can_carry_is_refused_with_its_reason(reference_case, admin_client):
    DecisionPoint.objects.filter(case=reference_case, number=1).update(text="x" * 40000)

    response = admin_client.get(f"/arenden/{reference_case.pk}/arbetsbok.xlsx")

    assert response.status_code == 409
    assert response.content.decode() == (
        "Arbetsboken kan inte skapas: Texten i Beslutspunkter!B2 är längre än Excels gräns på "
        "32767 tecken."
    )


def test_edit_a_figure_preview_confirm_and_see_the_new_total(reference_case, admin_client):
    workbook = admin_client.get(f"/arenden/{reference_case.pk}/arbetsbok.xlsx").content
    changed = edit(workbook, lambda book: set_cell(book["Driftbudget"], 2, "Kostnader", 66.1))

    preview = upload(admin_client, changed)

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "PM 2012:3 RI Budget/verksamhetsplan 2012 för Kommunfullmäktige m.m. uppdateras" in page
    assert "Rader i driftbudgeten: 1 ändrade" in page
    assert "kostnader: 56,1 → 66,1" in page
    assert OperatingBudgetRow.objects.get(frame__case=reference_case, order=1).costs == Decimal("56.1")

    saved = admin_client.post(IMPORT_URL, {"step": "confirm", "token": token_of(preview)})

    assert saved.status_code == 302 and saved["Location"] == f"/arenden/{reference_case.pk}/"
    case_page = admin_client.get(saved["Location"]).content.decode()
    assert "1\u00a0358,0" in case_page and "1\u00a0311,4" in case_page
    # The title ends in "m.m.": the notice adds no second full stop.
    assert "Kommunfullmäktige m.m.</li>" in case_page and "m.m..</li>" not in case_page
    assert OperatingBudgetRow.objects.get(frame__case=reference_case, order=1).costs == Decimal("66.1")


def test_a_workbook_with_errors_shows_every_error_and_saves_nothing(reference_case, admin_client):
    workbook = export_case_workbook(reference_case)

    def break_two(book):
        set_cell(book["Driftbudget"], 2, "Kostnader", "mycket")
        set_cell(book["Aktiviteter"], 3, "Startdatum", "2012-13-01")

    before = database_state()
    response = upload(admin_client, edit(workbook, break_two))

    page = response.content.decode()
    assert "Arbetsboken kan inte läsas in: 2 fel. Inget har sparats" in page
    assert "<td>Driftbudget</td><td>2</td><td>C (Kostnader)</td>" in page
    assert "<td>Aktiviteter</td><td>3</td><td>E (Startdatum)</td><td>Datumet 2012-13-01 finns inte.</td>" in page
    assert 'name="token"' not in page
    assert database_state() == before


def test_a_file_that_is_not_a_workbook_is_refused(reference_case, admin_client):
    response = upload(admin_client, b"inte en arbetsbok", name="plan.xlsx")
    assert "Filen är ingen Excel-arbetsbok (.xlsx)." in response.content.decode()


def test_an_unchanged_workbook_needs_no_confirmation(reference_case, admin_client):
    response = upload(admin_client, export_case_workbook(reference_case))
    page = response.content.decode()
    assert "Inga ändringar: arbetsboken stämmer med PM 2012:3 RI" in page
    assert 'name="token"' not in page


def test_a_stale_or_foreign_token_saves_nothing(reference_case, admin_client):
    changed = edit(export_case_workbook(reference_case),
                   lambda book: set_cell(book["Ärende"], 2, "Rubrik", "Ny rubrik"))
    upload(admin_client, changed)
    before = database_state()

    response = admin_client.post(IMPORT_URL, {"step": "confirm", "token": "gissat"}, follow=True)

    assert "Förhandsgranskningen har gått ut; ladda upp arbetsboken igen." in response.content.decode()
    assert database_state() == before


def test_only_staff_may_upload(reference_case, client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_case_permissions_is_refused(reference_case, db):
    user = User.objects.create_user("lasare", password="pw", is_staff=True)
    client = Client()
    client.force_login(user)
    page = client.get(IMPORT_URL).content.decode()
    assert "Du har inte behörighet att läsa in arbetsböcker" in page
    assert 'type="file"' not in page


def test_a_change_to_the_councils_goals_needs_their_permission(reference_draft, editor):
    # A draft, which the board's editor may change, all but the council's goals.
    workbook = export_case_workbook(reference_draft)
    own = edit(workbook, lambda book: set_cell(book["Beslutspunkter"], 2, "Text", "Förslaget godkänns."))
    assert 'name="token"' in upload(editor, own).content.decode()

    before = database_state()
    shared = edit(workbook, lambda book: set_cell(book["KF-mål"], 2, "Mål", "Ett annat mål"))
    page = upload(editor, shared).content.decode()
    assert "Arbetsboken kan inte läsas in: 1 fel." in page
    assert "<td>KF-mål</td><td>2</td>" in page
    assert 'name="token"' not in page
    assert database_state() == before


def test_every_kind_of_change_needs_its_model_permission(reference_case):
    user = User.objects.create_user("sekreterare", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=("change_case", "add_boardgoal")))
    report = ImportReport(changes=[
        Change(UPDATE, Case, "PM 2012:3 RI"), Change(UPDATE, CouncilGoal, "1.1"),
        Change(CREATE, BoardGoal, "1.1:7"), Change(DELETE, BoardGoal, "1.1:6"),
    ])
    assert [issue.message for issue in permission_issues(report, User.objects.get(pk=user.pk))] == [
        "Du har inte behörighet att ändra KF:s mål för verksamhetsområdet.",
        "Du har inte behörighet att ta bort nämndmål.",
    ]


def test_the_upload_form_is_csrf_protected(reference_case, db):
    user = User.objects.create_superuser("admin2", password="pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = upload(client, export_case_workbook(reference_case))
    assert response.status_code == 403

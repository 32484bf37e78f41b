"""Who may do what: each role × each action × own board's draft / another board's draft / a decided
case of the own board, through the real URLs (the case pages and the admin).

The table reads like the rules (budgetplan.access.permissions):
- the public reads decided cases, their PDF and workbook;
- a reader reads the drafts of their board; an editor also edits them; a clerk also enters
  reservations, downloads the draft's PDF and workbook and moves the case on;
- an administrator does everything on any board;
- nobody changes a decided case;
- another board's draft is a 404 for everyone but administrators, as if it did not exist.
"""
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from budgetplan.cases.models import Body, Case, DecisionPoint
from finance.models import OperatingBudgetRow
from reservations.models import Reservation
from tests import factories as f
from tests.admin_forms import read_form
from tests.budgetplan.roles import client_for, decide, user_with

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "reader", "editor", "clerk", "administrator")
OWN, OTHER, DECIDED = "own board's draft", "other board's draft", "decided case"

# Where each role may do each action: O = own board's draft, X = another board's draft,
# D = a decided case (of the own board); "" = nowhere.
#                          anonymous  reader  editor  clerk  administrator
MATRIX = {
    "view the page":        ("D",      "OD",   "OD",   "OD",  "OXD"),
    "download the PDF":     ("D",      "D",    "D",    "OD",  "OXD"),
    "download the workbook": ("D",     "D",    "D",    "OD",  "OXD"),
    "change a budget row":  ("",       "",     "O",    "O",   "OX"),
    "change a decision point": ("",    "",     "O",    "O",   "OX"),
    "enter a reservation":  ("",       "",     "",     "O",   "OX"),
    "move the case on":     ("",       "",     "",     "O",   "OX"),
}
TARGET_LETTER = {OWN: "O", OTHER: "X", DECIDED: "D"}
# Who may read the case at all: a refusal is then 403; for the others it is the 404 of a missing case.
READERS = MATRIX["view the page"]


def allowed(action: str, role: str, target: str) -> bool:
    return TARGET_LETTER[target] in MATRIX[action][ROLES.index(role)]


def may_read(role: str, target: str) -> bool:
    return TARGET_LETTER[target] in READERS[ROLES.index(role)]


def a_plan(board) -> Case:
    case = f.CaseFactory(board=board)
    f.RegistryNumberFactory(case=case)
    f.DecisionPointFactory(case=case, number=1, text="Förslaget godkänns.")
    f.OperatingBudgetRowFactory(frame=f.FinancialFrameFactory(case=case), department="Kansliet")
    return case


@pytest.fixture
def superuser():
    return User.objects.create_superuser("granskare", password="pw")


def admin_url(obj, action="change"):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=[obj.pk])


# ---- The actions: each returns the response; the effect is read from the database after ------


def view_page(client, case, staff):
    return client.get(reverse("cases:detail", args=[case.pk]))


def download_pdf(client, case, staff):
    return client.get(reverse("cases:pdf", args=[case.pk]))


def download_workbook(client, case, staff):
    return client.get(reverse("cases:workbook", args=[case.pk]))


def change_budget_row(client, case, staff):
    row = OperatingBudgetRow.objects.get(frame__case=case)
    data = read_form(staff, admin_url(row))
    data["costs"] = "77,7"
    return client.post(admin_url(row), data)


def change_decision_point(client, case, staff):
    data = read_form(staff, admin_url(case))
    data["decision_points-0-text"] = "Förslaget godkänns med ändringar."
    return client.post(admin_url(case), data)


def enter_reservation(client, case, staff):
    url = reverse("admin:reservations_reservation_add")
    data = read_form(staff, url)
    data.update(case=str(case.pk), body=Body.EXECUTIVE_BOARD, order="9",
                proposal_lead="Jag föreslår kommunstyrelsen besluta att", text="Vi yrkar avslag.")
    # The form opens with the one signatory row a reservation needs.
    data.update({"signatory_rows-0-person": str(f.PersonFactory().pk), "signatory_rows-0-order": "1"})
    return client.post(url, data)


def move_on(client, case, staff):
    next_status = Case.Status.PROPOSED if case.status == Case.Status.DRAFT else Case.Status.DECIDED
    return client.post(reverse("cases:transition", args=[case.pk]), {
        "to_status": next_status, "decided_on": "2012-02-01",
    })


ACTIONS = {
    "view the page": (view_page, None),
    "download the PDF": (download_pdf, None),
    "download the workbook": (download_workbook, None),
    "change a budget row": (
        change_budget_row,
        lambda case: OperatingBudgetRow.objects.filter(frame__case=case, costs="77.7").exists(),
    ),
    "change a decision point": (
        change_decision_point,
        lambda case: DecisionPoint.objects.filter(case=case, text__contains="ändringar").exists(),
    ),
    "enter a reservation": (
        enter_reservation,
        lambda case: Reservation.objects.filter(case=case, text="Vi yrkar avslag.").exists(),
    ),
    "move the case on": (
        move_on,
        lambda case: Case.objects.get(pk=case.pk).status != case.status,
    ),
}


@pytest.mark.parametrize("target", [OWN, OTHER, DECIDED])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(action, role, target, superuser):
    own_board, other_board = f.BoardFactory(), f.BoardFactory()
    case = a_plan(other_board if target == OTHER else own_board)
    if target == DECIDED:
        case = decide(case)
    user = None if role == "anonymous" else user_with(role, own_board)
    client = client_for(user)
    staff = client_for(superuser)
    perform, effect = ACTIONS[action]

    response = perform(client, case, staff)

    if effect is None:  # a read: the answer is the page or the file, or a refusal
        expected = 200 if allowed(action, role, target) else 403 if may_read(role, target) else 404
        assert response.status_code == expected
        return
    assert effect(case) == allowed(action, role, target), (
        response.status_code, re.findall(r'class="errorlist[^"]*">(.*?)</ul>', response.content.decode()))
    assert response.status_code < 500
    if not allowed(action, role, target):
        if role == "anonymous" and action not in ("move the case on",):
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        elif target == OTHER and action != "enter a reservation":
            assert response.status_code == 404  # another board's draft is not even hinted at


def test_a_refused_change_to_a_decided_case_says_why_in_the_admin():
    board = f.BoardFactory()
    case = decide(a_plan(board))
    clerk = client_for(user_with("clerk", board))
    row = OperatingBudgetRow.objects.get(frame__case=case)
    staff = client_for(User.objects.create_superuser("granskare", password="pw"))
    data = read_form(staff, admin_url(row))
    data["costs"] = "77,7"

    response = clerk.post(admin_url(row), data, follow=True)

    assert "Ärendet är beslutat och kan inte ändras." in response.content.decode()
    # As stored before: 77,7 was refused. (A Decimal is never equal to the float 77.7.)
    assert OperatingBudgetRow.objects.get(pk=row.pk).costs == Decimal("10.0")


def test_an_editors_lists_hold_only_their_boards_records():
    own, other = f.BoardFactory(), f.BoardFactory()
    mine, theirs = a_plan(own), a_plan(other)
    editor = client_for(user_with("editor", own))

    cases = editor.get(reverse("admin:budgetplan_case_changelist")).content.decode()
    rows = editor.get(reverse("admin:finance_operatingbudgetrow_changelist")).content.decode()
    choices = editor.get(reverse("admin:autocomplete"), {
        "app_label": "budgetplan", "model_name": "statement", "field_name": "case", "term": "",
    }).json()["results"]

    assert mine.title in cases and theirs.title not in cases
    assert admin_url(OperatingBudgetRow.objects.get(frame__case=mine)) in rows
    assert admin_url(OperatingBudgetRow.objects.get(frame__case=theirs)) not in rows
    # The choice of case for a new part of a plan offers the own board's only.
    assert [choice["id"] for choice in choices] == [str(mine.pk)]


def test_the_councils_shared_records_are_the_administrators_to_change():
    board = f.BoardFactory()
    goal = f.CouncilGoalFactory(title="KF:s mål")
    staff = client_for(User.objects.create_superuser("granskare", password="pw"))
    data = read_form(staff, admin_url(goal))
    data["title"] = "Ändrat av en nämnd"

    for role in ("editor", "clerk"):
        response = client_for(user_with(role, board)).post(admin_url(goal), data)
        assert response.status_code == 403
    assert goal.__class__.objects.get(pk=goal.pk).title == "KF:s mål"
    response = client_for(user_with("administrator")).post(admin_url(goal), data)
    assert response.status_code == 302
    assert goal.__class__.objects.get(pk=goal.pk).title == "Ändrat av en nämnd"


def test_the_index_lists_what_the_reader_may_see(client):
    own, other = f.BoardFactory(), f.BoardFactory()
    draft, others_draft = a_plan(own), a_plan(other)
    decided = decide(a_plan(other))
    reader = client_for(user_with("reader", own))

    public = client.get(reverse("cases:index")).content.decode()
    members = reader.get(reverse("cases:index")).content.decode()

    assert decided.title in public and draft.title not in public and others_draft.title not in public
    assert decided.title in members and draft.title in members and others_draft.title not in members


def test_the_page_offers_a_login_and_a_logged_in_reader_a_logout(client):
    board = f.BoardFactory()
    reader = client_for(user_with("reader", board))

    public = client.get(reverse("cases:index")).content.decode()
    members = reader.get(reverse("cases:index")).content.decode()

    assert f'href="{reverse("admin:login")}?next=/"' in public
    assert f'action="{reverse("admin:logout")}"' in members and "Logga ut" in members


def test_a_record_of_a_decided_case_names_the_case_in_the_admin():
    board = f.BoardFactory()
    case = decide(a_plan(board))
    clerk = client_for(user_with("clerk", board))
    row = OperatingBudgetRow.objects.get(frame__case=case)

    page = clerk.get(admin_url(row)).content.decode()

    assert f"Posten ingår i {case.memo_number}. Ärendet är beslutat och kan inte ändras." in page

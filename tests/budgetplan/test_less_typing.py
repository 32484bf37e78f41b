"""Less typing for the clerk: rows move with arrows, a new row takes the next free number, the
help for {belopp} stands on the form, and saving a part of the case leads back to the case."""
import re

import pytest
from django.urls import reverse

from budgetplan.cases.models import Attachment, DecisionPoint, RegistryNumber, Statement
from tests import factories as f
from tests.admin_forms import add_row, read_form
from tests.budgetplan.roles import client_for, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return f.BoardFactory()


@pytest.fixture
def case(board):
    case = f.CaseFactory(board=board)
    f.RegistryNumberFactory(case=case, number="112-1400/2012")
    Attachment.objects.create(case=case, number=1, title="Budgetjusteringar")
    Attachment.objects.create(case=case, number=2, title="Resultatenheter")
    for number, text in enumerate(("Första.", "Andra, enligt bilaga 2.", "Tredje, enligt bilaga 1."), 1):
        f.DecisionPointFactory(case=case, number=number, text=text)
    return case


@pytest.fixture
def clerk(board):
    return client_for(user_with("clerk", board))


@pytest.fixture
def staff(django_user_model):
    return client_for(django_user_model.objects.create_superuser("granskare", password="pw"))


def change_url(case):
    return reverse("admin:budgetplan_case_change", args=[case.pk])


def move_url(case):
    return reverse("admin:budgetplan_case_move", args=[case.pk])


def points(case):
    return list(DecisionPoint.objects.filter(case=case).order_by("number").values_list("text", flat=True))


def test_the_arrows_are_buttons_of_their_own_form_outside_the_change_form(case, clerk):
    page = clerk.get(change_url(case)).content.decode()
    point = DecisionPoint.objects.get(case=case, number=2)

    assert f'<form id="flytta-rad" method="post" action="{move_url(case)}" hidden>' in page
    assert page.index("</form>", page.index('id="case_form"')) < page.index('id="flytta-rad"')
    assert f'form="flytta-rad" name="rad" value="decisionpoint:{point.pk}:up"' in page


def test_moving_a_point_up_swaps_it_with_the_one_above(case, clerk):
    point = DecisionPoint.objects.get(case=case, number=3)

    response = clerk.post(move_url(case), {"rad": f"decisionpoint:{point.pk}:up"})

    assert response.status_code == 302
    assert response["Location"] == f"{change_url(case)}#decision_points-group"
    assert points(case) == ["Första.", "Tredje, enligt bilaga 1.", "Andra, enligt bilaga 2."]
    moved = DecisionPoint.objects.get(pk=point.pk)
    assert moved.number == 2 and moved.version == 2
    assert [row.number for row in moved.history.order_by("history_id")] == [3, 2]


def test_the_first_row_does_not_move_up(case, clerk):
    point = DecisionPoint.objects.get(case=case, number=1)
    clerk.post(move_url(case), {"rad": f"decisionpoint:{point.pk}:up"})
    assert points(case) == ["Första.", "Andra, enligt bilaga 2.", "Tredje, enligt bilaga 1."]


def test_moving_an_attachment_keeps_the_points_references(case, clerk):
    first = Attachment.objects.get(case=case, number=1)

    clerk.post(move_url(case), {"rad": f"attachment:{first.pk}:down"})

    assert dict(case.attachments.values_list("number", "title")) == {
        1: "Resultatenheter", 2: "Budgetjusteringar"}
    assert points(case) == ["Första.", "Andra, enligt bilaga 1.", "Tredje, enligt bilaga 2."]
    page = clerk.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'Tredje, enligt <a class="attachment-ref" href="#bilaga-2">bilaga 2</a>.' in page
    assert '<li id="bilaga-2">Bilaga 2 Budgetjusteringar</li>' in page


def test_another_boards_clerk_cannot_move_a_row(case):
    stranger = client_for(user_with("clerk", f.BoardFactory()))
    point = DecisionPoint.objects.get(case=case, number=3)

    response = stranger.post(move_url(case), {"rad": f"decisionpoint:{point.pk}:up"})

    assert response.status_code == 404
    assert DecisionPoint.objects.get(pk=point.pk).number == 3


def test_a_reader_cannot_move_a_row(case, board):
    reader = client_for(user_with("reader", board))
    point = DecisionPoint.objects.get(case=case, number=3)

    response = reader.post(move_url(case), {"rad": f"decisionpoint:{point.pk}:up"})

    assert response.status_code == 403
    assert DecisionPoint.objects.get(pk=point.pk).number == 3
    page = reader.get(change_url(case)).content.decode()
    assert 'form="flytta-rad"' not in page and 'id="flytta-rad"' not in page


def test_moving_needs_a_post(case, clerk):
    assert clerk.get(move_url(case)).status_code == 405


def test_new_rows_take_the_next_free_numbers(case, clerk, staff):
    data = read_form(staff, change_url(case))
    add_row(data, "decision_points", text="Fjärde.", number="")
    add_row(data, "decision_points", text="Femte.", number="")
    add_row(data, "registry_numbers", number="112-1500/2012", order="")

    response = clerk.post(change_url(case), data)

    assert response.status_code == 302, re.findall(r'errorlist[^>]*>(.*?)</ul>', response.content.decode())
    assert list(case.decision_points.order_by("number").values_list("number", "text"))[3:] == [
        (4, "Fjärde."), (5, "Femte.")]
    assert list(RegistryNumber.objects.filter(case=case).values_list("number", "order")) == [
        ("112-1400/2012", 1), ("112-1500/2012", 2)]


def test_the_help_for_belopp_stands_on_the_form(case, clerk):
    page = clerk.get(change_url(case)).content.decode()
    help_text = page[page.index('id="beslutspunkter-hjalp"'):page.index("</div>", page.index('id="beslutspunkter-hjalp"'))]

    assert "<code>{belopp}</code> i texten där" in help_text
    assert "<code>{belopp:1}</code> för den första" in help_text
    # The case's own figures, with what each amounts to now.
    assert "Ärendet har inga summor än." in help_text
    assert "”bilaga 3”" in help_text
    assert "Lämna tomt på en ny rad: den får nästa lediga nummer." in page


def test_saving_a_part_of_the_case_leads_back_to_the_case(case, clerk, staff):
    statement = f.StatementFactory(case=case)
    url = reverse("admin:budgetplan_statement_change", args=[statement.pk])
    data = read_form(staff, url)
    data["commissioner"] = "Anna Larsson"

    saved = clerk.post(url, {**data, "_save": "Spara"})
    staying = clerk.post(url, {**read_form(staff, url), "_continue": "Spara och fortsätt"})

    # Back at the case, at the message that says what happened (where the focus goes).
    assert saved.status_code == 302 and saved["Location"] == change_url(case) + "#meddelanden"
    assert Statement.objects.get(pk=statement.pk).commissioner == "Anna Larsson"
    assert staying["Location"] == url + "#meddelanden"


def test_adding_a_part_of_the_case_leads_back_to_the_case(case, clerk):
    url = reverse("admin:budgetplan_officialsreport_add")
    data = read_form(clerk, f"{url}?case={case.pk}")
    data.update(case=str(case.pk), offices="Stadsledningskontoret", dated="2011-12-01")

    response = clerk.post(url, data)

    assert response.status_code == 302 and response["Location"] == change_url(case) + "#meddelanden"


def test_moving_a_dnr_among_dnr_that_share_an_order_numbers_them(case, clerk):
    # As a script wrote them before orders were numbered: every Dnr with order 1.
    later = RegistryNumber.objects.create(case=case, number="112-1600/2012")
    assert RegistryNumber.objects.filter(case=case, order=1).count() == 2

    clerk.post(move_url(case), {"rad": f"registrynumber:{later.pk}:up"})

    assert list(RegistryNumber.objects.filter(case=case).values_list("number", "order")) == [
        ("112-1600/2012", 1), ("112-1400/2012", 2)]


def test_a_stored_row_whose_number_is_emptied_keeps_it(case, clerk, staff):
    data = read_form(staff, change_url(case))
    data["decision_points-1-number"] = ""
    data["decision_points-1-text"] = "Andra, ändrad, enligt bilaga 2."

    response = clerk.post(change_url(case), data)

    assert response.status_code == 302
    assert DecisionPoint.objects.get(case=case, number=2).text == "Andra, ändrad, enligt bilaga 2."

"""The admin for a screen reader and the keyboard (issue 14), read through the real URLs.

The browser-driven checks (axe-core, a keyboard-only session) are in tests/a11y; these read the
pages' HTML: the names of the fields in a table's rows, the list of a form's parts, the folded
tables and where a save leads the focus.
"""
import re

import pytest
from django.urls import reverse

from budgetplan.cases.models import DecisionPoint
from goals.models import BoardGoal
from tests.admin_forms import read_form
from tests.budgetplan.roles import client_for, user_with

pytestmark = pytest.mark.django_db

FIELD = re.compile(r"<(input|select|textarea)\b[^>]*>", re.S)


def case_edit_url(case) -> str:
    return reverse("admin:budgetplan_case_change", args=[case.pk])


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def row_fields(html: str) -> list[str]:
    """Every field of a table's row that a person fills in (not the hidden ids and counts)."""
    return [
        tag for tag in (match.group(0) for match in FIELD.finditer(html))
        if re.search(r'name="[\w]+-(\d+|__prefix__)-\w+"', tag) and 'type="hidden"' not in tag
    ]


def test_every_field_of_every_row_on_the_case_page_is_named_by_its_column_and_row(reference_draft):
    editor = client_for(user_with("editor", reference_draft.board))
    html = editor.get(case_edit_url(reference_draft)).content.decode()

    fields = row_fields(html)
    assert len(fields) > 200
    unnamed = [tag for tag in fields if "aria-label=" not in tag]
    assert unnamed == []
    assert 'aria-label="Text, beslutspunkt 2"' in html
    assert 'aria-label="Ingående ärende, beslutspunkt 4"' in html  # a select
    assert 'aria-label="Radera, beslutspunkt 4"' in html  # the row's delete box
    # The empty row that "Lägg till" copies: the admin's script numbers it when it is added.
    assert 'aria-label="Text, beslutspunkt __prefix__"' in html


def test_a_board_goals_activities_are_named_under_their_goal(reference_draft):
    goal = BoardGoal.objects.get(
        case=reference_draft, council_goal__strategic_goal__number=3, council_goal__number=1,
        order=1,
    )
    editor = client_for(user_with("editor", reference_draft.board))
    html = editor.get(reverse("admin:goals_boardgoal_change", args=[goal.pk])).content.decode()

    assert 'aria-label="Startdatum, aktivitet 3 under nämndmål 1 till mål 3.1"' in html
    assert 'aria-label="Slutdatum, aktivitet 9 under nämndmål 1 till mål 3.1"' in html
    assert [tag for tag in row_fields(html) if "aria-label=" not in tag] == []


def test_the_case_page_lists_its_parts_in_order_with_their_rows_and_folds_the_long_ones(
    reference_draft,
):
    editor = client_for(user_with("editor", reference_draft.board))
    html = editor.get(case_edit_url(reference_draft)).content.decode()

    nav = html[html.index('<nav class="form-sections"'):]
    nav = text_of(nav[:nav.index("</nav>")])
    assert nav == (
        "Sidans delar Ärendet Beslut Ärendets delar i dokumentets ordning "
        "Ingående ärenden : 0 rader Diarienummer : 1 rad Summor : 1 rad Beslutspunkter : 4 rader "
        "Budgetjusteringar : 0 rader Bilagor : 7 rader "
        "Inriktningsmål i planen : 3 rader KF:s mål i planen : 13 rader (ihopfälld) "
        "Nämndmål : 21 rader (ihopfälld) Indikatorer i planen : 31 rader (ihopfälld) "
        "Statusändringar : 0 rader Spara"
    )
    for part in ("registry_numbers", "decision_points", "plan_council_goals", "spara"):
        assert f'href="#{part}' in html
    assert 'id="spara"' in html

    def folded(prefix):
        group = html[html.index(f'id="{prefix}-group"'):]
        return group[:group.index("</fieldset>")].count("<details>") == 1

    assert not folded("decision_points")
    assert folded("plan_council_goals") and folded("board_goals") and folded("plan_indicators")


def test_a_table_with_an_error_is_not_folded(reference_draft):
    editor = client_for(user_with("editor", reference_draft.board))
    url = case_edit_url(reference_draft)
    data = read_form(editor, url)
    data["plan_indicators-0-board_target_decimals"] = "-1"

    html = editor.post(url, data).content.decode()

    assert 'class="errornote"' in html
    group = html[html.index('id="plan_indicators-group"'):]
    assert "<details>" not in group[:group.index("</fieldset>")]


def test_a_save_leads_to_its_message_which_takes_the_focus(reference_draft):
    editor = client_for(user_with("editor", reference_draft.board))
    url = case_edit_url(reference_draft)
    data = read_form(editor, url)
    data["decision_points-1-text"] += " Ändrad."
    data["_continue"] = "1"

    response = editor.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == f"{url}#meddelanden"
    page = editor.get(url).content.decode()
    region = page[page.index('<div id="meddelanden"'):]
    assert 'role="alert" tabindex="-1" data-focus-on-load' in region[:200]
    assert "Ändrade ärende" in text_of(region[:region.index("</div>")])
    assert "/static/js/admin-a11y.js" in page
    assert DecisionPoint.objects.get(case=reference_draft, number=2).text.endswith(" Ändrad.")


def test_a_refusal_from_the_services_is_a_message_the_focus_goes_to(reference_draft):
    editor = client_for(user_with("editor", reference_draft.board))
    url = reverse("admin:budgetplan_case_changelist")

    response = editor.post(url, {
        "action": "propose", "_selected_action": [reference_draft.pk], "index": "0",
    })

    assert response["Location"] == f"{url}#meddelanden"
    page = editor.get(url).content.decode()
    region = page[page.index('<div id="meddelanden"'):]
    assert f"{reference_draft.memo_number}: " in text_of(region[:region.index("</div>")])


def test_the_clerks_status_form_leads_to_its_message(reference_draft):
    clerk = client_for(user_with("clerk", reference_draft.board))

    response = clerk.post(
        reverse("cases:transition", args=[reference_draft.pk]), {"to_status": "proposed"},
    )

    assert response["Location"] == f"/arenden/{reference_draft.pk}/#meddelanden"
    page = clerk.get(f"/arenden/{reference_draft.pk}/").content.decode()
    assert '<ul class="messages" id="meddelanden" role="status" tabindex="-1">' in page
    assert "Ärendet är nu föreslaget." in page

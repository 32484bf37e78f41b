"""The reference case PM 2012:3 RI rendered as a page: what a reader compares with the document."""
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from goals.models import CouncilGoal
from tests.budgetplan.test_case_page import CASE_PAGE_QUERIES, text_of

NBSP = "\u00a0"

INTROS = [
    "Reservation anfördes av borgarråden Karin Wanngård och Tomas Rudin (båda S) enligt följande.",
    "Reservation anfördes av borgarrådet Daniel Helldén (MP) enligt följande.",
    "Reservation anfördes av Karin Wanngård, Tomas Rudin och Olle Burell (alla S) med hänvisning "
    "till reservationen av (S) i borgarrådsberedningen.",
    "Reservation anfördes av Stefan Nilsson och Sara Pettigrew (båda MP) med hänvisning till "
    "reservationen av (MP) i borgarrådsberedningen.",
    "Reservation anfördes av Ann-Margarethe Livh (V) enligt följande.",
]


@pytest.fixture
def reference_page(admin_client, reference_case, django_assert_num_queries):
    with django_assert_num_queries(CASE_PAGE_QUERIES):
        response = admin_client.get(reverse("cases:detail", args=[reference_case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_header_and_proposal(reference_page):
    text = text_of(reference_page)
    assert "PM 2012:3 RI (Dnr 112-2321/2011)" in text
    assert "<h1 id=\"arende-rubrik\">Budget/verksamhetsplan 2012 för Kommunfullmäktige m.m.</h1>" in reference_page
    assert "Borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande." in text
    assert (
        '<li value="4">Den redovisade omslutningsförändringen med 502,0 mnkr godkänns.</li>'
        in reference_page
    )
    assert "Stockholm den 11 januari 2012" in text
    assert "STEN NORDIN" in text
    # The proposal that went to the board, not a draft of it.
    assert "Kommunfullmäktige m.m. · Budgetår 2012 · Föreslaget" in text
    assert "Utkast" not in text and "UTKAST" not in text
    assert "Bilaga 1 Rapportbilaga KF m.m. 2012" in text
    assert "Bilaga 7 System för internkontroll och Internkontrollplan 2011" in text


def test_budget_totals_in_swedish_form(reference_page):
    text = text_of(reference_page)
    assert f"KS förslag till budget 1{NBSP}348,0 -46,6 1{NBSP}301,4" in text
    assert "Förnyelseavdelning 82,8 -22,0 60,8" in text
    # Stadsledning has no revenues: the cell stays blank.
    assert "Stadsledning 56,1 56,1" in text
    assert "Förslag till omslutningsförändringar 2011 502,0" in text


@pytest.mark.django_db
def test_all_council_goal_titles_in_order(reference_page):
    titles = [
        f"{goal.code} {goal.title}"
        for goal in CouncilGoal.objects.filter(strategic_goal__year=2012).select_related("strategic_goal")
    ]
    assert len(titles) == 13
    text = text_of(reference_page)
    body = text[text.index("Förslag till beslut Borgarrådsberedningen"):]
    positions = [body.index(f"KF:s mål för verksamhetsområdet: {title}") for title in titles]
    assert positions == sorted(positions)


def test_budget_section_ends_council_goal_3_1(reference_page):
    text = text_of(reference_page)
    body = text[text.index("Förslag till beslut Borgarrådsberedningen"):]
    assert (
        body.index("3.1 Budgeten ska vara i balans")
        < body.index("Nämndens ekonomiska förutsättningar 2012")
        < body.index("Omslutningsförändringar")
        < body.index("3.2 Alla verksamheter staden finansierar ska vara effektiva")
    )


def test_the_five_reservations(reference_page):
    text = text_of(reference_page)
    assert len(re.findall(r'<article id="reservation-\d+"', reference_page)) == 5
    positions = [text.index(intro) for intro in INTROS]
    assert positions == sorted(positions)
    assert text.index(INTROS[1]) < text.index("Kommunstyrelsen", text.index(INTROS[1])) < text.index(INTROS[2])


def test_activity_and_indicator_rows_as_in_the_document(reference_page):
    text = text_of(reference_page)
    assert "Staden ska underlätta för småföretagare att vara med i stadens olika upphandlingar 2012-01-01 2012-03-31" in text
    assert f"Andel upphandlad verksamhet i konkurrens (alla nämnder) 35{NBSP}% År" in text


def test_export_writes_the_reference_case(reference_case, tmp_path):
    output = tmp_path / "case.html"
    call_command("export_case", "112-2321/2011", "--format", "html", "--output", str(output))
    written = output.read_text(encoding="utf-8")
    assert f"1{NBSP}301,4" in written
    assert "Den redovisade omslutningsförändringen med 502,0 mnkr godkänns." in written

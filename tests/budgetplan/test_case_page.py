"""The case page and the index, as a reader sees them."""
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from budgetplan.cases.models import Body, DecisionPoint
from reservations.models import Person
from tests import factories as f
from tests.budgetplan.plan_builder import build_plan
from tests.budgetplan.roles import client_for, decide, user_with

NBSP = "\u00a0"
# The reference case page's queries: the session and the user (2: a draft is read logged in, and
# these tests read as an administrator); the case row, which also says which optional parts the
# case has (1), and the permission check reads that same row; its registry numbers, decision
# points, attachments, statement sections and responsibilities (5); the budget (6); the figures with
# the points that quote them (1, left out for a case without figures); the goal tree (6); the
# reservations (3); where the background PDF is, for those who may download a draft's (1:
# budgetplan.document.pdf_jobs.pdf_state). A case with subjects or budget adjustments reads those
# too (1 each). The number is the same whatever the size of the plan.
CASE_PAGE_QUERIES = 25


def page(client, case) -> str:
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    """The page as words, tags dropped and whitespace collapsed, as a reader takes it in."""
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_plan(admin_client, django_assert_num_queries):
    small = build_plan(size=1)
    large = build_plan(size=4, title="En större plan")

    # The built plans have budget adjustments: one query more than the reference case.
    with django_assert_num_queries(CASE_PAGE_QUERIES + 1):
        small_html = page(admin_client, small)
    with django_assert_num_queries(CASE_PAGE_QUERIES + 1):
        large_html = page(admin_client, large)

    # The large plan really is larger on the page: 4 × 4 council goals, each with 4 indicators.
    assert small_html.count('class="council-goal"') == 1
    assert large_html.count('class="council-goal"') == 16
    assert large_html.count("<tr>") > small_html.count("<tr>") * 8


@pytest.mark.django_db
def test_decision_point_quotes_the_computed_turnover_total(admin_client):
    case = build_plan(size=2)
    html = page(admin_client, case)
    # Two turnover rows of 25,0 mnkr each.
    assert "Den redovisade omslutningsförändringen med 50,0 mnkr godkänns." in html
    # The proposal and the commissioner's identical proposal both carry it.
    assert html.count("omslutningsförändringen med 50,0 mnkr") == 2


@pytest.mark.django_db
def test_changing_a_turnover_row_changes_the_quoted_figure(admin_client):
    case = build_plan(size=2)
    change = case.financial_frame.turnover_changes.first()
    change.amount = Decimal("477.0")
    change.save()

    html = page(admin_client, case)

    assert f"omslutningsförändringen med 502,0 mnkr godkänns." in html
    assert "50,0 mnkr" not in html
    assert f"<td class=\"num\">502,0</td>" in html


@pytest.mark.django_db
def test_budget_table_in_swedish_number_format(admin_client):
    case = f.CaseFactory()
    frame = f.FinancialFrameFactory(case=case)
    f.OperatingBudgetRowFactory(frame=frame, department="Bidrag", costs=Decimal("1200.0"), revenues=Decimal("0"))
    f.OperatingBudgetRowFactory(
        frame=frame, department="Förnyelseavdelning", costs=Decimal("82.8"), revenues=Decimal("-22.0"),
    )

    text = text_of(page(admin_client, case))

    assert "Stadsledningskontoret m.m. Kostnader Intäkter Netto" in text
    assert "Driftverksamhet (mnkr)" in text
    assert "Förnyelseavdelning 82,8 -22,0 60,8" in text
    # A department without revenues leaves the cell blank.
    assert f"Bidrag 1{NBSP}200,0 1{NBSP}200,0" in text
    assert f"KS förslag till budget 1{NBSP}282,8 -22,0 1{NBSP}260,8" in text


@pytest.mark.django_db
def test_reservation_shows_intro_party_and_signatories(admin_client):
    case = f.CaseFactory()
    party = f.PartyFactory(abbreviation="MP", name="Miljöpartiet de gröna")
    reservation = f.ReservationFactory(
        case=case, body=Body.COMMISSIONERS_COMMITTEE,
        text="## Klimatarbete\n\nKommunstyrelsen har det övergripande ansvaret.",
    )
    f.SignatoryFactory(
        reservation=reservation,
        person=f.PersonFactory(name="Daniel Helldén", party=party, role=Person.Role.COMMISSIONER),
    )
    f.ReservationPointFactory(reservation=reservation, number=1, text="Godkänna Miljöpartiets förslag.")
    referring = f.ReservationFactory(
        case=case, body=Body.EXECUTIVE_BOARD, refers_to=reservation, text="", proposal_lead="",
    )
    f.SignatoryFactory(reservation=referring, person=f.PersonFactory(name="Stefan Nilsson", party=party))
    f.SignatoryFactory(reservation=referring, person=f.PersonFactory(name="Sara Pettigrew", party=party))

    html = page(admin_client, case)
    text = text_of(html)

    assert "Reservation anfördes av borgarrådet Daniel Helldén (MP) enligt följande." in text
    assert (
        "Reservation anfördes av Stefan Nilsson och Sara Pettigrew (båda MP) med hänvisning till "
        "reservationen av (MP) i borgarrådsberedningen." in text
    )
    assert '<abbr class="party party--mp" title="Miljöpartiet de gröna">MP</abbr>' in html
    assert "Stefan Nilsson, Sara Pettigrew" in text
    assert "<h5>Klimatarbete</h5>" in html
    assert '<li value="1">Godkänna Miljöpartiets förslag.</li>' in html
    # Borgarrådsberedningen's reservations come first, then Kommunstyrelsen's under its heading.
    assert html.index('id="reservationer-borgarradsberedningen"') < html.index(
        'id="reservationer-kommunstyrelsen"'
    )


@pytest.mark.django_db
def test_activity_dates_as_the_document_writes_them(admin_client):
    case = f.CaseFactory()
    council_goal = f.CouncilGoalFactory()
    f.PlanCouncilGoalFactory(case=case, council_goal=council_goal)
    f.CouncilActivityFactory(
        council_goal=council_goal, assigned_board=case.board, text="Teckna ett treårsavtal",
        start_date=datetime.date(2012, 1, 1), end_date=datetime.date(2012, 3, 31),
    )

    text = text_of(page(admin_client, case))

    assert "KF:s aktiviteter Startdatum Slutdatum" in text
    assert "Teckna ett treårsavtal 2012-01-01 2012-03-31" in text


@pytest.mark.django_db
def test_indicator_table_shows_both_targets_and_periodicity(admin_client):
    case = f.CaseFactory()
    council_goal = f.CouncilGoalFactory(title="Invånare ska vara självförsörjande")
    f.PlanCouncilGoalFactory(case=case, council_goal=council_goal)
    indicator = f.IndicatorFactory(
        council_goal=council_goal, name="Antal ungdomar som fått sommarjobb",
        council_target_kind="increase", council_target_value=None, council_target_unit="",
    )
    f.PlanIndicatorFactory(
        case=case, indicator=indicator, board_target_kind="number",
        board_target_value=Decimal("3"), board_target_unit="st",
    )

    html = page(admin_client, case)

    assert '<th scope="col">KF:s indikatorer</th>' in html
    assert '<th scope="col" class="target">KF:s årsmål</th>' in html
    assert f"Antal ungdomar som fått sommarjobb 3{NBSP}st öka År" in text_of(html)


@pytest.mark.django_db
def test_author_text_is_escaped_everywhere(admin_client):
    case = f.CaseFactory(title="Plan <script>alert(1)</script>")
    f.DecisionPointFactory(case=case, number=1, text="Godkänns <script>alert(2)</script>.")
    frame = f.FinancialFrameFactory(case=case)
    f.TurnoverChangeFactory(frame=frame, amount=Decimal("2.5"))
    f.DecisionPointFactory(
        case=case, number=2, text="<b>Summa</b> {belopp} mnkr",
        figure="turnover",
    )
    reservation = f.ReservationFactory(case=case, text="<script>alert(3)</script>")
    f.SignatoryFactory(reservation=reservation)

    html = page(admin_client, case)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Godkänns &lt;script&gt;alert(2)&lt;/script&gt;." in html
    assert "&lt;b&gt;Summa&lt;/b&gt; 2,5 mnkr" in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_page_holds_the_case_in_the_documents_order(admin_client):
    case = build_plan(size=1)
    text = text_of(page(admin_client, case))

    in_order = [
        "PM 2012:",
        "(Dnr 112-",
        "Budget/verksamhetsplan 2012 för Kommunfullmäktige m.m.",
        "Borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande.",
        "Föredragande borgarrådet Sten Nordin anför följande.",
        "Mina synpunkter",
        "Stockholm den 11 januari 2012",
        "STEN NORDIN",
        "Bilagor",
        "Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag.",
        "Reservation anfördes av borgarråden",
        "Reservation anfördes av Person",
        "med hänvisning till reservationen av (S) i borgarrådsberedningen.",
        "Ärendet",
        "Stadsledningskontoret har bland annat ett övergripande ansvar för:",
        "Stadsledningskontoret och KF/KS kansli",
        "daterat den 1 december 2011",
        "KF:s inriktningsmål",
        "KF:s mål för verksamhetsområdet:",
        "KF:s indikatorer Årsmål KF:s årsmål Periodicitet",
        "KF:s aktiviteter Startdatum Slutdatum",
        "Nämndmål:",
        "Nämndens aktiviteter Startdatum Slutdatum",
        "Nämndens ekonomiska förutsättningar 2012",
        "Investeringar",
        "Resultatenheter",
        "Betydande projekt som inte är investeringar",
        "Omslutningsförändringar",
    ]
    # Each part is found after the one before it, past the table of contents near the top.
    position = text.index("Förslag till beslut Borgarrådsberedningen")
    for fragment in in_order[3:]:
        found = text.find(fragment, position)
        assert found != -1, f"{fragment!r} saknas eller står i fel ordning"
        position = found + len(fragment)
    assert text.index("PM 2012:") < text.index("(Dnr 112-") < text.index("Innehåll")
    assert "En annan nämnds aktivitet" not in text


@pytest.mark.django_db
def test_page_is_accessible_markup(admin_client):
    case = build_plan(size=1)
    html = page(admin_client, case)

    assert '<html lang="sv">' in html
    assert '<a class="skip-link" href="#innehall">' in html
    assert '<main id="innehall"' in html and "<header" in html and "<footer" in html
    assert html.count("<h1") == 1
    assert 'role="region"' in html and 'tabindex="0"' in html
    # No inline style or script (the CSP allows neither): only the PDF's status script, by URL.
    assert "<style" not in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/pdf-status.js" defer>']
    assert "<script" not in re.sub(r'<script src="[^"]+" defer></script>', "", html)
    # Every anchor the table of contents points to exists.
    for target in re.findall(r'href="#([^"]+)"', html):
        assert f'id="{target}"' in html, target


@pytest.mark.django_db
def test_unknown_case_is_404(client):
    response = client.get(reverse("cases:detail", args=[987654]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_index_lists_cases_by_year_newest_first(admin_client, django_assert_num_queries):
    older = f.CaseFactory(budget_year=2011, title="Budget 2011 för Kommunfullmäktige m.m.")
    newer = f.CaseFactory(budget_year=2012, title="Budget 2012 för Kommunfullmäktige m.m.")
    f.RegistryNumberFactory(case=newer, number="112-2321/2011")
    f.CaseFactory(budget_year=2012, title="Budget 2012 för Fastighetsnämnden")

    # The cases, their registry numbers and subjects (3), and the administrator's session and
    # user (2).
    with django_assert_num_queries(5):
        response = admin_client.get(reverse("cases:index"))
    html = response.content.decode()

    assert response.status_code == 200
    assert html.index("Budgetår 2012") < html.index("Budgetår 2011")
    assert html.index(newer.title) < html.index("Budgetår 2011") < html.index(older.title)
    assert f'href="{reverse("cases:detail", args=[newer.pk])}"' in html
    assert "Dnr 112-2321/2011" in html
    # A case with no registry number yet (a new version) shows no bare "Dnr".
    assert html.count("<span>Dnr ") == 1


def test_index_tells_the_public_that_drafts_need_a_login(client, reference_draft):
    page = client.get("/").content.decode()
    assert reference_draft.title not in page
    assert "Det finns inga beslutade ärenden ännu." in page
    assert 'href="/admin/login/?next=/"' in page


@pytest.mark.django_db
def test_staff_go_from_a_draft_to_the_admin_and_the_workbook_upload():
    case = build_plan(size=1)
    edit_url = reverse("admin:budgetplan_case_change", args=[case.pk])
    upload_url = reverse("cases:workbook_import")
    clerk = client_for(user_with("clerk", case.board))
    editor = client_for(user_with("editor", case.board))
    reader = client_for(user_with("reader", case.board))

    as_clerk = page(clerk, case)
    assert f'href="{edit_url}"' in as_clerk and "Redigera i administrationen" in as_clerk
    assert f'href="{upload_url}"' in as_clerk and "Läs in ändrad arbetsbok" in as_clerk
    # An editor edits in the admin; a draft's workbook is the clerk's to download and upload.
    as_editor = page(editor, case)
    assert f'href="{edit_url}"' in as_editor and upload_url not in as_editor
    as_reader = page(reader, case)
    assert edit_url not in as_reader and upload_url not in as_reader
    # From the admin: the case list and the case lead to the upload, the case to its page.
    case_list = clerk.get(reverse("admin:budgetplan_case_changelist")).content.decode()
    assert f'href="{upload_url}"' in case_list
    change_page = clerk.get(edit_url).content.decode()
    assert f'href="{upload_url}"' in change_page
    assert f'href="{reverse("cases:detail", args=[case.pk])}">Visa ärendets sida' in change_page

    decided = decide(case)
    as_clerk = page(clerk, decided)
    assert edit_url not in as_clerk and upload_url not in as_clerk


@pytest.mark.django_db
def test_only_a_draft_carries_the_draft_mark(admin_client):
    from budgetplan.cases.models import Case
    from budgetplan.document import lifecycle

    case = build_plan(size=1)
    draft = page(admin_client, case)
    lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=None)
    proposed = page(admin_client, case)
    decided = page(admin_client, decide_proposed(case))

    assert (
        "UTKAST Ärendet är ett utkast: det är inte föreslaget eller beslutat och kan ändras."
        in text_of(draft)
    )
    assert draft.count('class="draft-mark"') == 1
    for other in (proposed, decided):
        assert 'class="draft-mark"' not in other and "UTKAST" not in other
    assert "· Föreslaget" in text_of(proposed) and "· Beslutat 25 januari 2012" in text_of(decided)


def decide_proposed(case):
    from budgetplan.cases.models import Case
    from budgetplan.document import lifecycle

    lifecycle.case_transition(case=case, to_status=Case.Status.DECIDED, user=None,
                              decided_on=datetime.date(2012, 1, 25))
    return Case.objects.get(pk=case.pk)

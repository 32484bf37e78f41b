"""Budget adjustments and the named figures decision points quote, through the page, the PDF,
the admin and the case's life."""
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from budgetplan.cases.models import Case
from budgetplan.document import lifecycle
from budgetplan.document.pdf import render_case_pdf
from budgetplan.document.selectors import case_document
from budgetplan.kernel.services import record_save
from finance.models import AdjustmentKind, BudgetAdjustment, FigureRows, QuotedFigure
from tests import factories as f
from tests.admin_forms import add_row, read_form

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ")


def page(client, case) -> str:
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def change_url(case):
    return reverse("admin:budgetplan_case_change", args=[case.pk])


@pytest.fixture
def city_case():
    """A case granting adjustments to three boards from two reserves, with three figures."""
    case = f.CaseFactory(title="Tertialrapport 1")
    f.RegistryNumberFactory(case=case, number="123-1001/2012", order=1)
    reserve_2 = f.FinancingSourceFactory(name="Central medelsreserv", number="2")
    reserve_4 = f.FinancingSourceFactory(name="Central medelsreserv", number="4")
    north, south, west = (f.BoardFactory(name=name) for name in ("Norra nämnden", "Södra nämnden", "Västra nämnden"))
    rows = [
        (north, AdjustmentKind.OPERATING, "10.0", reserve_2),
        (south, AdjustmentKind.OPERATING, "5.5", reserve_2),
        (west, AdjustmentKind.INVESTMENT, "20.0", reserve_4),
        (north, AdjustmentKind.TURNOVER, "3.0", None),
    ]
    for order, (board, kind, amount, source) in enumerate(rows, start=1):
        f.BudgetAdjustmentFactory(case=case, order=order, board=board, kind=kind,
                                  amount=Decimal(amount), source=source)
    operating = f.figure_of(case, FigureRows.ADJUSTMENT_OPERATING)
    from_reserve_2 = f.figure_of(case, FigureRows.ADJUSTMENTS, source=reserve_2)
    north_only = f.figure_of(case, FigureRows.ADJUSTMENTS, board=north)
    first = f.DecisionPointFactory(case=case, number=1,
                                   text="Budgetjusteringar i driftbudgeten om {belopp} mnkr beviljas.")
    f.quote_figures(first, [operating])
    second = f.DecisionPointFactory(
        case=case, number=2,
        text="Ur central medelsreserv 2 tas {belopp:1} mnkr, varav Norra nämnden {belopp:2} mnkr.",
    )
    f.quote_figures(second, [from_reserve_2, north_only])
    third = f.DecisionPointFactory(case=case, number=3, text="Driften ökar med {belopp} mnkr.")
    f.quote_figures(third, [operating])
    return case


def test_each_point_quotes_its_figures_computed_from_the_rows(city_case, admin_client):
    text = text_of(page(admin_client, city_case))

    assert "Budgetjusteringar i driftbudgeten om 15,5 mnkr beviljas." in text
    assert "Ur central medelsreserv 2 tas 15,5 mnkr, varav Norra nämnden 13,0 mnkr." in text
    assert "Driften ökar med 15,5 mnkr." in text


def test_the_adjustments_are_tables_by_kind_with_totals_on_the_page_and_in_the_pdf(
    city_case, admin_client, settings, tmp_path,
):
    settings.PDF_RENDER_LOCK_DIR = str(tmp_path)  # not the render slots other processes hold
    html = page(admin_client, city_case)
    text = text_of(html)

    assert 'id="budgetjusteringar"' in html and 'href="#budgetjusteringar"' in html
    assert ("Driftbudget, nettokostnad Driftbudget, nettokostnad (mnkr) Nämnd Avser Finansieras "
            "ur mnkr Norra nämnden Ökade kostnader Central medelsreserv 2: Särskilda medel 10,0") in text
    assert "Södra nämnden Ökade kostnader Central medelsreserv 2: Särskilda medel 5,5 Summa 15,5" in text
    assert "Investeringsutgift" in text and "Summa 20,0" in text
    assert "Omslutningsförändring, kostnader och intäkter" in text and "Summa 3,0" in text

    pdf = PdfReader(io.BytesIO(render_case_pdf(case_document(case_id=city_case.pk))))
    pdf_text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages)).replace(NBSP, " ")
    assert "Budgetjusteringar i driftbudgeten om 15,5 mnkr beviljas." in pdf_text
    assert "varav Norra nämnden 13,0 mnkr." in pdf_text
    assert "Budgetjusteringar" in pdf_text and "Summa 15,5" in pdf_text


def test_changing_one_row_changes_every_point_that_quotes_it(city_case, admin_client):
    row = BudgetAdjustment.objects.get(case=city_case, order=1)
    row.amount = Decimal("12.0")
    record_save(instance=row)

    text = text_of(page(admin_client, city_case))

    assert "Budgetjusteringar i driftbudgeten om 17,5 mnkr beviljas." in text
    assert "Ur central medelsreserv 2 tas 17,5 mnkr, varav Norra nämnden 15,0 mnkr." in text
    assert "Driften ökar med 17,5 mnkr." in text
    assert "15,5" not in text


def test_the_admin_shows_the_rows_each_figure_sums(city_case, admin_client):
    text = text_of(admin_client.get(change_url(city_case)).content.decode())

    assert ("Budgetjustering: Norra nämnden, driftbudget, nettokostnad, Ökade kostnader, ur "
            "Central medelsreserv 2 10,0") in text
    assert "Summa 15,5" in text and "Summa 13,0" in text
    # The explanation of {belopp} stands on the form, not only in a tooltip.
    assert "{belopp:1} för den första" in text


def test_a_point_quoting_a_figure_without_rows_is_refused_when_proposed(admin_client):
    case = f.CaseFactory()
    f.DecisionPointFactory(case=case, number=1, text="Förslaget godkänns.")
    f.DecisionPointFactory(case=case, number=2, text="Omslutningen om {belopp} mnkr godkänns.",
                           figure=FigureRows.TURNOVER)

    with pytest.raises(ValidationError) as refused:
        lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=None)

    assert refused.value.messages == [
        "Beslutspunkt 2 citerar summa 1 ”Omslutningsförändringar (tabellen och budgetjusteringar "
        "av det slaget) (1)”, som inte summerar några rader; lägg till raderna eller ändra vad "
        "summan väljer innan ärendet skickas vidare."
    ]
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT
    # The admin's action says the same, and the point's row warns before anyone proposes.
    response = admin_client.post(reverse("admin:budgetplan_case_changelist"), {
        "action": "propose", "_selected_action": [case.pk],
    }, follow=True)
    assert "Beslutspunkt 2 citerar summa 1" in response.content.decode()
    assert "Summa 1 har inga rader." in admin_client.get(change_url(case)).content.decode()

    frame = f.FinancialFrameFactory(case=case)
    f.TurnoverChangeFactory(frame=frame, amount=Decimal("4.0"))
    lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=None)
    case.refresh_from_db()
    assert case.status == Case.Status.PROPOSED


def test_a_clerk_quotes_two_figures_in_the_admin(city_case, admin_client):
    data = read_form(admin_client, change_url(city_case))
    add_row(data, "decision_points", number="4",
            text="Investeringar om {belopp:2} mnkr och drift om {belopp:1} mnkr.",
            figure_numbers="1, 3")

    response = admin_client.post(change_url(city_case), data)

    assert response.status_code == 302
    quotes = QuotedFigure.objects.filter(point__case=city_case, point__number=4).order_by("position")
    assert [q.figure.number for q in quotes] == [1, 3]
    assert "Investeringar om 13,0 mnkr och drift om 15,5 mnkr." in text_of(page(admin_client, city_case))


@pytest.mark.parametrize(("text", "figures", "message"), [
    ("Drift om {belopp} mnkr.", "1, 3",
     "Punkten citerar 2 summor: texten ska ha {belopp:1}, {belopp:2} en gång var, och inget {belopp}."),
    ("Drift om 15,5 mnkr.", "1", "En punkt som citerar en summa ska ha {belopp} exakt en gång i texten."),
    ("Drift om {belopp} mnkr.", "", "Texten har {belopp} men punkten citerar ingen summa; välj "
     "summan eller ta bort {belopp}."),
    ("Drift om {belopp} mnkr.", "9", "Ärendet har ingen summa 9; lägg till den under Summor och spara först."),
    ("Drift om {belopp} mnkr.", "ett", "Skriv summornas nummer med komma emellan, t.ex. 2, 3."),
])
def test_a_point_whose_text_and_figures_disagree_is_refused(city_case, admin_client, text, figures, message):
    data = read_form(admin_client, change_url(city_case))
    add_row(data, "decision_points", number="4", text=text, figure_numbers=figures)

    response = admin_client.post(change_url(city_case), data)

    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not city_case.decision_points.filter(number=4).exists()


def test_changing_only_a_points_figures_does_not_write_the_point_again(city_case, admin_client):
    point = city_case.decision_points.get(number=3)
    version = point.version
    data = read_form(admin_client, change_url(city_case))
    index = next(key for key, value in data.items()
                 if key.startswith("decision_points-") and key.endswith("-id") and value == str(point.pk))
    data[index.replace("-id", "-figure_numbers")] = "2"

    response = admin_client.post(change_url(city_case), data)

    assert response.status_code == 302
    point.refresh_from_db()
    assert point.version == version
    assert [q.figure.number for q in point.quoted_figures.all()] == [2]
    assert "Driften ökar med 15,5 mnkr." in text_of(page(admin_client, city_case))  # figure 2 sums 15,5 too


def test_a_new_version_copies_adjustments_figures_and_quotes(city_case, admin_client):
    lifecycle.case_transition(case=city_case, to_status=Case.Status.PROPOSED, user=None)
    lifecycle.case_transition(case=city_case, to_status=Case.Status.DECIDED, user=None,
                              decided_on=__import__("datetime").date(2012, 5, 1))
    new = lifecycle.case_new_version(case=city_case, user=None)

    assert new.budget_adjustments.count() == 4
    assert new.figures.count() == 3
    text = text_of(page(admin_client, new))
    assert "Ur central medelsreserv 2 tas 15,5 mnkr, varav Norra nämnden 13,0 mnkr." in text


def test_the_figure_migration_named_the_reference_cases_total(reference_case, admin_client):
    text = text_of(page(admin_client, reference_case))
    assert "Den redovisade omslutningsförändringen med 502,0 mnkr godkänns." in text


def test_a_boards_editor_adds_an_adjustment_and_another_boards_editor_may_not(city_case):
    from django.core.exceptions import PermissionDenied

    from tests.budgetplan.roles import client_for, user_with

    editor = user_with("editor", city_case.board)
    client = client_for(editor)
    data = read_form(client, change_url(city_case))
    board = f.BoardFactory(name="Östra nämnden")  # not the editor's: a row may name any board
    add_row(data, "budget_adjustments", order="", board=str(board.pk), kind="operating",
            description="Vinterväghållning", amount="2,5", source="")

    response = client.post(change_url(city_case), data)

    assert response.status_code == 302, re.findall(r'errorlist[^>]*>(.*?)</ul>', response.content.decode())
    added = BudgetAdjustment.objects.get(case=city_case, board=board)
    assert (added.order, added.amount) == (5, Decimal("2.5"))  # the next free order
    assert "Ur central medelsreserv 2 tas 15,5 mnkr" in text_of(page(client, city_case))

    stranger = user_with("editor", f.BoardFactory())
    row = BudgetAdjustment(case=city_case, order=6, board=board, kind=AdjustmentKind.OPERATING,
                           amount=Decimal("1.0"))
    with pytest.raises(PermissionDenied):
        record_save(instance=row, user=stranger)
    assert client_for(stranger).get(change_url(city_case)).status_code == 404

"""Decision points that refer to attachments ("bilaga 2"): linked on the page and in the PDF,
refused when the attachment does not exist, kept right when the attachments are renumbered."""
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from budgetplan.cases.models import Attachment, Case, DecisionPoint
from budgetplan.cases.services import attachments_renumber
from budgetplan.document import lifecycle
from budgetplan.document.pdf import render_case_pdf
from budgetplan.document.selectors import case_document
from budgetplan.document.workbook import export_case_workbook
from tests import factories as f
from tests.admin_forms import add_row, read_form
from tests.workbook.helpers import database_state, edit, set_cell

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    case = f.CaseFactory()
    f.RegistryNumberFactory(case=case, number="112-1300/2012")
    Attachment.objects.create(case=case, number=1, title="Budgetjusteringar per nämnd")
    Attachment.objects.create(case=case, number=2, title="Resultatenheter 2012")
    f.DecisionPointFactory(case=case, number=1,
                           text="Budgetjusteringarna enligt bilaga 1 beviljas.")
    f.DecisionPointFactory(case=case, number=2,
                           text="Resultatenheterna i bilaga 2 godkänns, liksom <b>bilaga 1</b>.")
    return case


def admin_url(case):
    return reverse("admin:budgetplan_case_change", args=[case.pk])


def test_the_page_links_each_reference_to_its_attachment(case, admin_client):
    page = admin_client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert ('Budgetjusteringarna enligt <a class="attachment-ref" href="#bilaga-1">bilaga 1</a> '
            "beviljas.") in page
    assert '<li id="bilaga-1">Bilaga 1 Budgetjusteringar per nämnd</li>' in page
    assert '<li id="bilaga-2">Bilaga 2 Resultatenheter 2012</li>' in page
    # The author's markup stays text; only the link is made.
    assert ('&lt;b&gt;<a class="attachment-ref" href="#bilaga-1">bilaga 1</a>&lt;/b&gt;') in page


def test_the_pdf_links_the_reference_to_the_attachment(case):
    reader = PdfReader(io.BytesIO(render_case_pdf(case_document(case_id=case.pk))))

    links = [
        annotation.get_object() for page in reader.pages
        for annotation in page.get("/Annots") or []
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    internal = [link for link in links if "/Dest" in link or link.get("/A", {}).get("/S") == "/GoTo"]
    assert len(internal) >= 3  # the three references (the table of contents links too)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Budgetjusteringarna enligt bilaga 1 beviljas." in " ".join(text.split())


def test_a_reference_to_a_missing_attachment_is_refused_in_the_admin(case, admin_client):
    data = read_form(admin_client, admin_url(case))
    data["decision_points-0-text"] = "Budgetjusteringarna enligt bilaga 7 beviljas."

    response = admin_client.post(admin_url(case), data)

    assert response.status_code == 200
    assert ("Beslutspunkt 1 hänvisar till bilaga 7, men ärendet har ingen bilaga 7."
            in response.content.decode())
    assert DecisionPoint.objects.get(case=case, number=1).text.endswith("bilaga 1 beviljas.")


def test_the_attachment_can_be_added_in_the_same_save(case, admin_client):
    data = read_form(admin_client, admin_url(case))
    data["decision_points-0-text"] = "Budgetjusteringarna enligt bilaga 3 beviljas."
    add_row(data, "attachments", number="3", title="Justeringar av indikatorer")

    response = admin_client.post(admin_url(case), data)

    assert response.status_code == 302
    assert case.attachments.filter(number=3).exists()


def test_deleting_an_attachment_a_point_refers_to_is_refused(case, admin_client):
    data = read_form(admin_client, admin_url(case))
    data["attachments-1-DELETE"] = "on"

    response = admin_client.post(admin_url(case), data)

    assert "Beslutspunkt 2 hänvisar till bilaga 2, men ärendet har ingen bilaga 2." in (
        response.content.decode())
    assert case.attachments.filter(number=2).exists()


def test_a_workbook_that_refers_to_a_missing_attachment_saves_nothing(case, admin_client):
    data = edit(export_case_workbook(case), lambda book: set_cell(
        book["Beslutspunkter"], 2, "Text", "Budgetjusteringarna enligt bilaga 5 beviljas."))
    before = database_state()

    response = admin_client.post("/arenden/arbetsbok/las-in/", {
        "step": "preview", "workbook": SimpleUploadedFile("plan.xlsx", data)})

    page = response.content.decode()
    assert "Beslutspunkt 1 hänvisar till bilaga 5, men ärendet har ingen bilaga 5." in page
    assert 'name="token"' not in page
    assert database_state() == before


def test_a_case_with_a_missing_attachment_is_not_proposed(case):
    DecisionPoint.objects.filter(case=case, number=1).update(text="Enligt bilaga 4.")

    with pytest.raises(Exception) as refused:
        lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=None)

    assert "Beslutspunkt 1 hänvisar till bilaga 4, men ärendet har ingen bilaga 4." in str(refused.value)
    assert Case.objects.get(pk=case.pk).status == Case.Status.DRAFT


def test_renumbering_the_attachments_rewrites_the_references(case, django_user_model):
    user = django_user_model.objects.create_superuser("granskare", password="pw")

    attachments_renumber(case_id=case.pk, mapping={1: 2, 2: 1}, user=user)

    titles = dict(case.attachments.values_list("number", "title"))
    assert titles == {1: "Resultatenheter 2012", 2: "Budgetjusteringar per nämnd"}
    texts = dict(case.decision_points.values_list("number", "text"))
    assert texts == {
        1: "Budgetjusteringarna enligt bilaga 2 beviljas.",
        2: "Resultatenheterna i bilaga 1 godkänns, liksom <b>bilaga 2</b>.",
    }
    # One versioned write each, in the history under the user who made it.
    point = DecisionPoint.objects.get(case=case, number=1)
    assert point.version == 2 and point.history.first().history_user == user
    assert [row.number for row in Attachment.objects.get(title="Resultatenheter 2012").history.all()] == [1, 2]


def test_links_need_an_attachment_that_exists(case, admin_client):
    """A reference only becomes a link to an attachment the case has (the guard against a
    missing one is the refusal above; a decided case may predate it)."""
    DecisionPoint.objects.filter(case=case, number=1).update(text="Enligt bilaga 9.")
    page = admin_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Enligt bilaga 9." in page and 'href="#bilaga-9"' not in page
    assert re.search(r'<li id="bilaga-9"', page) is None

"""A case that carries several subjects (ärenden), each with its own Dnr, title and points, and
registry numbers that keep the order in which they were entered."""
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from budgetplan.cases.models import Case, DecisionPoint, RegistryNumber, Subject
from budgetplan.document import lifecycle
from budgetplan.document.pdf import render_case_pdf
from budgetplan.document.selectors import case_document
from tests import factories as f
from tests.admin_forms import read_form
from tests.budgetplan.roles import client_for, decide, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_office():
    return f.BoardFactory(name="Kommunstyrelsen", office="Stadsledningskontoret", city_office=True)


@pytest.fixture
def two_subjects(city_office):
    """A city-wide case with two subjects; the Dnr are entered in the order that the text would
    sort the other way round."""
    case = f.CaseFactory(owner=Case.Owner.CITY, board=None, title="Tertialrapport 1 2012")
    first = Subject.objects.create(case=case, order=1, title="Tertialrapport 1 med budgetjusteringar")
    second = Subject.objects.create(case=case, order=2, title="Omslutningsförändringar 2012")
    RegistryNumber.objects.create(case=case, subject=first, number="112-900/2012")
    RegistryNumber.objects.create(case=case, subject=second, number="112-1100/2011")
    f.DecisionPointFactory(case=case, subject=first, number=1, text="Rapporten godkänns.")
    f.DecisionPointFactory(case=case, subject=first, number=2, text="Budgetjusteringarna beviljas.")
    f.DecisionPointFactory(case=case, subject=second, number=3, text="Omslutningarna godkänns.")
    return case


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_registry_numbers_keep_the_order_they_were_entered_in():
    case = f.CaseFactory()
    # Both stored with the default order, as the admin and scripts wrote them before.
    RegistryNumber.objects.create(case=case, number="112-2400/2011")
    RegistryNumber.objects.create(case=case, number="112-2321/2011")

    document = case_document(case_id=case.pk)

    assert document.registry_label == "(Dnr 112-2400/2011, 112-2321/2011)"


def test_the_header_names_each_subject_with_its_dnr(two_subjects, admin_client):
    page = admin_client.get(reverse("cases:detail", args=[two_subjects.pk])).content.decode()
    start = page.index('<header class="case-header">')
    header = plain(page[start:page.index("</header>", start)])

    assert "(Dnr 112-900/2012, 112-1100/2011)" in header
    assert header.index("Tertialrapport 1 med budgetjusteringar (Dnr 112-900/2012)") < header.index(
        "Omslutningsförändringar 2012 (Dnr 112-1100/2011)")


def test_the_points_stand_under_their_subject(two_subjects, admin_client):
    page = admin_client.get(reverse("cases:detail", args=[two_subjects.pk])).content.decode()
    proposal = plain(page[page.index('id="forslag"'):page.index("</section>", page.index('id="forslag"'))])

    first = proposal.index("Tertialrapport 1 med budgetjusteringar (Dnr 112-900/2012)")
    second = proposal.index("Omslutningsförändringar 2012 (Dnr 112-1100/2011)")
    assert first < proposal.index("Rapporten godkänns.") < proposal.index(
        "Budgetjusteringarna beviljas.") < second < proposal.index("Omslutningarna godkänns.")
    # Numbered on across the subjects, the number written out (the PDF ignores a list's start).
    assert '<span class="decision-points__number">3.</span> Omslutningarna godkänns.' in page


def test_a_case_without_subjects_lists_its_points_as_before(reference_case, admin_client):
    page = admin_client.get(reverse("cases:detail", args=[reference_case.pk])).content.decode()
    assert "case-header__subjects" not in page and 'class="subject"' not in page


def test_the_index_lists_the_subjects_with_their_dnr(two_subjects, admin_client):
    page = plain(admin_client.get("/").content.decode())
    assert "Dnr 112-900/2012, 112-1100/2011" in page
    assert page.index("Tertialrapport 1 med budgetjusteringar (Dnr 112-900/2012)") < page.index(
        "Omslutningsförändringar 2012 (Dnr 112-1100/2011)")


def test_the_pdf_running_header_carries_every_dnr_in_order(two_subjects):
    for number in range(4, 80):  # enough points for a second page, where the running header is
        f.DecisionPointFactory(case=two_subjects, number=number, text=f"Punkt {number} godkänns.")

    reader = PdfReader(io.BytesIO(render_case_pdf(case_document(case_id=two_subjects.pk))))

    assert len(reader.pages) > 1
    second = " ".join(reader.pages[1].extract_text().split())
    assert f"{two_subjects.memo_number} (Dnr 112-900/2012, 112-1100/2011)" in second
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Tertialrapport 1 med budgetjusteringar (Dnr 112-900/2012)" in text
    assert "3. Omslutningarna godkänns." in text


def test_a_point_cannot_stand_under_another_cases_subject(two_subjects):
    other = f.CaseFactory()
    point = DecisionPoint(case=other, number=1, text="Godkänns.",
                          subject=two_subjects.subjects.first())

    with pytest.raises(ValidationError) as refused:
        point.full_clean()

    assert refused.value.message_dict["subject"] == [
        "Beslutspunkt 1 kan bara höra till ett ingående ärende i samma ärende."]


def test_a_new_version_keeps_the_subjects_and_their_points(two_subjects):
    decided = decide(two_subjects)

    new = lifecycle.case_new_version(case=decided, user=None)

    titles = list(new.subjects.order_by("order").values_list("title", flat=True))
    assert titles == ["Tertialrapport 1 med budgetjusteringar", "Omslutningsförändringar 2012"]
    point = new.decision_points.get(number=3)
    assert point.subject.case_id == new.pk and point.subject.title == "Omslutningsförändringar 2012"


def test_the_city_clerk_adds_a_subject_and_files_a_point_under_it(two_subjects, city_office,
                                                                    django_user_model):
    staff = client_for(django_user_model.objects.create_superuser("granskare", password="pw"))
    clerk = client_for(user_with("clerk", city_office))
    url = reverse("admin:budgetplan_case_change", args=[two_subjects.pk])
    other_case_subject = Subject.objects.create(case=f.CaseFactory(), order=1, title="Främmande")
    form = clerk.get(url).content.decode()
    assert "Främmande" not in form  # only the case's own subjects are offered

    data = read_form(staff, url)
    index = int(data["subjects-TOTAL_FORMS"])
    data.update({f"subjects-{index}-order": "3", f"subjects-{index}-title": "Resultatenheter",
                 "subjects-TOTAL_FORMS": str(index + 1)})
    response = clerk.post(url, data)

    assert response.status_code == 302, plain(response.content.decode())[-2000:]
    assert response["Location"] != url, plain(clerk.get(url).content.decode())[:3000]
    assert two_subjects.subjects.filter(title="Resultatenheter").exists()
    assert other_case_subject.title == "Främmande"


def test_the_change_log_names_a_subject_added_in_the_admin(two_subjects, admin_client):
    url = reverse("admin:budgetplan_case_change", args=[two_subjects.pk])
    data = read_form(admin_client, url)
    index = int(data["subjects-TOTAL_FORMS"])
    data.update({f"subjects-{index}-title": "Resultatenheter", "subjects-TOTAL_FORMS": str(index + 1)})

    assert admin_client.post(url, data).status_code == 302

    subject = two_subjects.subjects.get(title="Resultatenheter")
    assert subject.order == 3  # left empty: the next free number
    log = admin_client.get(reverse("cases:changes", args=[two_subjects.pk]))
    assert log.status_code == 200
    assert "Resultatenheter" in log.content.decode()


def test_a_case_deleted_whole_takes_its_subjects_but_a_subject_with_points_stays(two_subjects):
    from django.db.models import RestrictedError

    from budgetplan.kernel.services import record_delete

    first = two_subjects.subjects.get(order=1)
    # A subject on its own is not removed from under its Dnr and points...
    with pytest.raises(RestrictedError):
        record_delete(instance=first)
    assert Subject.objects.filter(pk=first.pk).exists()

    # ...but the case deleted whole goes with all of them.
    record_delete(instance=Case.objects.get(pk=two_subjects.pk))
    assert not Subject.objects.filter(case_id=two_subjects.pk).exists()
    assert not RegistryNumber.objects.filter(number__in=["112-900/2012", "112-1100/2011"]).exists()
    assert not DecisionPoint.objects.filter(case_id=two_subjects.pk).exists()

"""The invented city-wide example (fixtures/city_example.json): page, PDF, a changed row, the
workbook's round trip, and that it loads beside the reference case."""
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from budgetplan.cases.models import Case
from budgetplan.document.pdf import render_case_pdf
from budgetplan.document.selectors import case_document
from budgetplan.document.workbook import export_case_workbook, import_workbook
from budgetplan.kernel.services import record_save
from finance.models import BudgetAdjustment
from tests.workbook.helpers import database_state
from tests.workbook.test_roundtrip import sheet_values

pytestmark = pytest.mark.django_db
POINTS = [
    "1. Tertialrapport 1 2024 för Exempelstaden godkänns.",
    "2. Budgetjusteringar om 20,5 mnkr beviljas nämnderna enligt bilaga 1, finansierade ur "
    "central medelsreserv 2.",
    "3. Investeringsutgifter om 30,5 mnkr beviljas ur central medelsreserv 4 enligt bilaga 2.",
    "4. Idrottsnämnden får budgetjusteringar om sammanlagt 27,2 mnkr.",
    "5. Nämndernas omslutningsförändringar om 9,5 mnkr godkänns enligt bilaga 3.",
    "6. Ur de centrala medelsreserverna tas 20,5 mnkr ur reserv 2 och 30,5 mnkr ur reserv 4.",
    "7. Ändrade indikatorer och årsmål godkänns enligt bilaga 4.",
]


@pytest.fixture
def city_example():
    call_command("loaddata", "city_example", verbosity=0)
    return Case.objects.get(registry_numbers__number="170-0412/2024")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("\u00a0", " ")


def page_text(client, case) -> str:
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    # A link ("bilaga 1") is part of its sentence; other tags part words.
    text = flat(re.sub(r"<[^>]+>", " ", re.sub(r"</?a\b[^>]*>", "", html)))
    # The revision the background PDF is at: a case made by an import counts its own.
    return re.sub(r"revision \d+", "revision N", text)


def test_the_example_is_a_city_case_with_two_subjects_and_three_figures_or_more(city_example):
    assert city_example.owner == Case.Owner.CITY and city_example.board is None
    assert list(city_example.registry_numbers.values_list("number", flat=True)) == [
        "170-0412/2024", "170-0588/2024"]
    assert city_example.subjects.count() == 2
    adjustments = BudgetAdjustment.objects.filter(case=city_example)
    assert adjustments.values("board").distinct().count() >= 3
    assert adjustments.exclude(source=None).values("source").distinct().count() == 2
    assert adjustments.filter(kind="turnover").count() == 3
    quoted = {q.figure_id for p in city_example.decision_points.all() for q in p.quoted_figures.all()}
    assert len(quoted) >= 3


def test_the_page_and_the_pdf_show_every_figure_computed(city_example, admin_client, settings, tmp_path):
    text = page_text(admin_client, city_example)
    for point in POINTS:
        number, rest = point.split(" ", 1)
        assert f"{rest}" in text
    assert "{belopp" not in text
    html = admin_client.get(reverse("cases:detail", args=[city_example.pk])).content.decode()
    assert 'href="#bilaga-1"' in html and 'id="bilaga-1"' in html

    settings.PDF_RENDER_LOCK_DIR = str(tmp_path)
    pdf = PdfReader(io.BytesIO(render_case_pdf(case_document(case_id=city_example.pk))))
    pdf_text = flat(" ".join(page.extract_text() for page in pdf.pages))
    for point in POINTS:
        assert point.split(" ", 1)[1] in pdf_text
    assert "{belopp" not in pdf_text


def test_changing_one_row_changes_every_point_that_quotes_it(city_example, admin_client):
    row = BudgetAdjustment.objects.get(case=city_example, description="Fler elever i grundsärskolan")
    row.amount = Decimal("14.5")
    record_save(instance=row)

    text = page_text(admin_client, city_example)

    assert "Budgetjusteringar om 22,5 mnkr beviljas nämnderna" in text
    assert "Ur de centrala medelsreserverna tas 22,5 mnkr ur reserv 2 och 30,5 mnkr ur reserv 4." in text
    assert "20,5" not in text


def test_the_workbook_round_trip_is_identical(city_example, admin_client):
    workbook = export_case_workbook(city_example)
    before = database_state()

    report = import_workbook(workbook)

    assert report.ok, [str(issue) for issue in report.issues]
    assert report.changes == []
    assert database_state() == before
    assert sheet_values(export_case_workbook(city_example)) == sheet_values(workbook)


def test_it_loads_beside_the_reference_case(reference_case, city_example, admin_client):
    assert Case.objects.count() == 2
    assert "502,0 mnkr" in page_text(admin_client, reference_case)
    assert "27,2 mnkr" in page_text(admin_client, city_example)


def test_into_an_empty_case_list_the_workbook_makes_the_same_city_case(city_example, admin_client):
    from tests.budgetplan.roles import as_draft

    city_example = as_draft(city_example)  # a new case is a draft
    workbook = export_case_workbook(city_example)
    original = page_text(admin_client, city_example)
    # Subject's keys from points and Dnr are PROTECT (branch i12a): those go first.
    city_example.decision_points.all().delete()
    city_example.registry_numbers.all().delete()
    Case.objects.filter(pk=city_example.pk).delete()

    report = import_workbook(workbook)

    assert report.ok, [str(issue) for issue in report.issues]
    new = report.case
    assert new.owner == Case.Owner.CITY and new.board is None
    assert [(s.order, s.title) for s in new.subjects.order_by("order")] == [
        (1, "Tertialrapport 1 2024 med budgetjusteringar"),
        (2, "Avstämning av mål och budget 2024 samt nämndernas omslutningsförändringar"),
    ]
    assert dict(new.registry_numbers.values_list("number", "subject__order")) == {
        "170-0412/2024": 1, "170-0588/2024": 2}
    assert page_text(admin_client, new) == original.replace(
        f"/arenden/{city_example.pk}/", f"/arenden/{new.pk}/")
    assert sheet_values(export_case_workbook(new)) == sheet_values(workbook)

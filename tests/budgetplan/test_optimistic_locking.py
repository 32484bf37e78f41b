"""Two people edit the same record: the second save is refused with what the first changed."""
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from budgetplan.cases.models import Case
from budgetplan.kernel.history import RecordChanged
from budgetplan.kernel.services import RecordsInvalid, record_save, records_update
from finance.models import OperatingBudgetRow
from tests import factories
from tests.admin_forms import read_form

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def editor(name: str) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser(name, first_name=name.title()))
    return client


@pytest.fixture
def case():
    return factories.RegistryNumberFactory(case__title="Budget 2012").case


def test_the_second_of_two_editors_is_refused_and_the_first_edit_stays(case):
    anna, bertil = editor("anna"), editor("bertil")
    url = reverse("admin:budgetplan_case_change", args=[case.pk])
    annas_form, bertils_form = read_form(anna, url), read_form(bertil, url)

    annas_form["title"] = "Budget 2012, Annas rubrik"
    assert anna.post(url, annas_form).status_code == 302
    bertils_form["title"] = "Budget 2012, Bertils rubrik"
    response = bertil.post(url, bertils_form)

    assert response.status_code == 200  # the form again, with Bertil's text still in it
    page = response.content.decode()
    assert "har ändrats av någon annan medan du redigerade (Anna" in page
    assert "rubrik: Budget 2012 → Budget 2012, Annas rubrik" in page
    assert "Inget av det du skrev har sparats" in page
    assert 'value="Budget 2012, Bertils rubrik"' in page
    stored = Case.objects.get(pk=case.pk)
    assert stored.title == "Budget 2012, Annas rubrik"
    assert stored.version == 2


def test_an_inline_row_is_refused_the_same_way(case):
    frame = factories.FinancialFrameFactory(case=case)
    row = factories.OperatingBudgetRowFactory(frame=frame, order=1, department="Kansli",
                                              costs=Decimal("1000.0"))
    anna, bertil = editor("anna"), editor("bertil")
    url = reverse("admin:finance_financialframe_change", args=[frame.pk])
    annas_form, bertils_form = read_form(anna, url), read_form(bertil, url)
    assert annas_form["operating_rows-0-record_version"] == "1"

    annas_form["operating_rows-0-costs"] = "1 100,0"
    assert anna.post(url, annas_form).status_code == 302
    bertils_form["operating_rows-0-costs"] = "1 200,0"
    response = bertil.post(url, bertils_form)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"kostnader: 1{NBSP}000,0 → 1{NBSP}100,0" in page
    row.refresh_from_db()
    assert row.costs == Decimal("1100.0")


def test_a_form_without_the_version_is_refused(case):
    anna = editor("anna")
    url = reverse("admin:budgetplan_case_change", args=[case.pk])
    form = read_form(anna, url)
    del form["record_version"]
    form["title"] = "Ny rubrik"

    response = anna.post(url, form)

    assert "Formuläret saknar uppgift om vilken version av posten du läste" in response.content.decode()
    assert Case.objects.get(pk=case.pk).title == "Budget 2012"


def test_the_service_refuses_a_copy_read_before_someone_else_saved():
    row = factories.OperatingBudgetRowFactory(department="Kansli", costs=Decimal("10.0"))
    mine = OperatingBudgetRow.objects.get(pk=row.pk)
    theirs = OperatingBudgetRow.objects.get(pk=row.pk)
    theirs.costs = Decimal("11.0")
    record_save(instance=theirs)

    mine.costs = Decimal("99.0")
    with pytest.raises(RecordChanged) as refused:
        record_save(instance=mine)

    assert "Rad i driftbudgeten ”Kansli” har ändrats av någon annan" in refused.value.messages[0]
    assert "kostnader: 10,0 → 11,0" in refused.value.messages[0]
    row.refresh_from_db()
    assert (row.costs, row.version) == (Decimal("11.0"), 2)


def test_a_record_without_history_is_compared_with_what_was_sent(reference_case):
    # The reference case is loaded from a fixture: its rows have no history of version 1.
    row = OperatingBudgetRow.objects.filter(frame__case=reference_case).order_by("order").first()
    mine = OperatingBudgetRow.objects.get(pk=row.pk)
    OperatingBudgetRow.objects.filter(pk=row.pk).update(costs=Decimal("1.0"), version=2)

    mine.costs = Decimal("2.0")
    with pytest.raises(RecordChanged) as refused:
        record_save(instance=mine)

    assert "kostnader: du skickade 2,0, sparat är 1,0" in refused.value.messages[0]


def test_bulk_updates_refuse_the_rows_someone_else_changed():
    frame = factories.FinancialFrameFactory()
    first, second = (factories.OperatingBudgetRowFactory(frame=frame) for _ in range(2))
    stale = list(OperatingBudgetRow.objects.filter(frame=frame).order_by("order"))
    second.costs = Decimal("20.0")
    record_save(instance=second)

    for row in stale:
        row.costs = Decimal("30.0")
    with pytest.raises(RecordsInvalid) as refused:
        records_update(instances=stale, fields=["costs"])

    assert list(refused.value.errors) == [1]
    assert set(OperatingBudgetRow.objects.filter(frame=frame).values_list("costs", flat=True)) == {
        Decimal("10.0"), Decimal("20.0"),
    }

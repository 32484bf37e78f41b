"""The follow-up workbook through its real URLs: export, the round trip, located errors with
nothing saved, stale rows, and no import into a report that is no longer open."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from budgetplan.kernel.services import record_save
from followup.models import ActivityOutcome, BudgetRowOutcome, FollowUpReport, IndicatorOutcome, ReportStatus
from tests.budgetplan.roles import client_for, user_with

from .helpers import entry_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(reference_case):
    call_command("loaddata", "reference_2012_followup", verbosity=0)
    return FollowUpReport.objects.get(case=reference_case, period__kind="T1")


@pytest.fixture
def editor(report):
    return client_for(user_with("editor", report.case.board))


def download(client, report) -> openpyxl.Workbook:
    response = client.get(f"{entry_url(report.case)}arbetsbok.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="uppfoljning-pm-2012-3-ri-t1.xlsx"'
    return openpyxl.load_workbook(io.BytesIO(response.content))


def upload(client, report, workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("uppfoljning.xlsx", buffer.getvalue())
    return client.post(f"{entry_url(report.case)}arbetsbok/las-in/", {"arbetsbok": file}, follow=True)


def row_of(sheet, header: str, value) -> int:
    headers = [cell.value for cell in sheet[1]]
    column = headers.index(header)
    for row in sheet.iter_rows(min_row=2):
        if row[column].value == value:
            return row[0].row
    raise AssertionError(value)


def cell(sheet, row: int, header: str):
    headers = [c.value for c in sheet[1]]
    return sheet.cell(row=row, column=headers.index(header) + 1)


def test_the_outcome_sheets_stand_beside_the_plan(report, editor):
    book = download(editor, report)
    assert book.sheetnames[:7] == [
        "Läs mig", "Uppföljning", "Utfall indikatorer", "Status aktiviteter", "Bedömning mål",
        "Utfall driftbudget", "Utfall investeringar",
    ]
    assert "Påhittade uppgifter" in book["Läs mig"]["A2"].value
    indicators = book["Utfall indikatorer"]
    row = row_of(indicators, "Indikator", "Sjukfrånvaro (alla nämnder/bolag)")
    assert cell(indicators, row, "Årsmål").value == "3,8\u00a0%"
    assert cell(indicators, row, "KF:s årsmål").value == "4,5\u00a0%"
    assert cell(indicators, row, "Periodicitet").value == "År"
    budget = book["Utfall driftbudget"]
    row = row_of(budget, "Avdelning", "Förnyelseavdelning")
    assert cell(budget, row, "Budget kostnader").value == 82.8
    assert len(list(budget.iter_rows(min_row=2))) == 14


def test_an_unchanged_workbook_changes_nothing(report, editor):
    response = upload(editor, report, download(editor, report))
    assert "Arbetsboken är inläst; inget var ändrat." in response.content.decode()
    assert IndicatorOutcome.objects.filter(report=report, version__gt=1).count() == 0


def test_the_round_trip_writes_the_changed_rows_and_reads_back_the_same(report, editor):
    book = download(editor, report)
    indicators, activities, budget = book["Utfall indikatorer"], book["Status aktiviteter"], book["Utfall driftbudget"]
    sick = row_of(indicators, "Indikator", "Sjukfrånvaro (alla nämnder/bolag)")
    cell(indicators, sick, "Utfall").value = "3,6"
    cell(indicators, sick, "Kommentar").value = "Lägre än målet."
    first_activity = 2
    cell(activities, first_activity, "Status").value = "Försenad"
    renewal = row_of(budget, "Avdelning", "Förnyelseavdelning")
    cell(budget, renewal, "Prognos kostnader").value = 84.1

    response = upload(editor, report, book)

    assert "Arbetsboken är inläst: 3 rader ändrade." in response.content.decode()
    outcome = IndicatorOutcome.objects.get(report=report, indicator__name="Sjukfrånvaro (alla nämnder/bolag)")
    assert (outcome.value, outcome.comment, outcome.version) == (Decimal("3.6"), "Lägre än målet.", 2)
    assert BudgetRowOutcome.objects.get(report=report, budget_row__department="Förnyelseavdelning").forecast_costs == Decimal("84.1")
    assert ActivityOutcome.objects.filter(report=report, status="delayed", version=2).count() == 1
    # read back: the new values are what the next download shows, and it changes nothing again
    again = download(editor, report)
    assert cell(again["Utfall indikatorer"], sick, "Utfall").value == 3.6
    assert cell(again["Utfall indikatorer"], sick, "Status").value == "Uppfyllt"  # lower is better
    assert "inget var ändrat" in upload(editor, report, again).content.decode()


def test_every_problem_is_located_and_nothing_is_saved(report, editor):
    book = download(editor, report)
    indicators, activities, budget = book["Utfall indikatorer"], book["Status aktiviteter"], book["Utfall driftbudget"]
    sick = row_of(indicators, "Indikator", "Sjukfrånvaro (alla nämnder/bolag)")
    cell(indicators, sick, "Utfall").value = "3.6"
    cell(activities, 3, "Status").value = "Klar"
    renewal = row_of(budget, "Avdelning", "Förnyelseavdelning")
    cell(budget, renewal, "Prognos intäkter").value = 5
    cell(budget, renewal, "Prognos kostnader").value = 90  # valid, but nothing is saved
    extra = budget.max_row + 1
    cell(budget, extra, "Avdelning").value = "Ny avdelning"
    cell(budget, extra, "Version").value = 1

    response = upload(editor, report, book)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Inget har sparats: 4 fel" in page
    assert f"Bladet Utfall indikatorer, rad {sick}, kolumn H (Utfall): Talet ”3.6” har punkt som decimaltecken" in page
    assert "Bladet Status aktiviteter, rad 3, kolumn F (Status): ”Klar” är inget giltigt val" in page
    assert (f"Bladet Utfall driftbudget, rad {renewal}, kolumn G (Prognos intäkter): Prognos intäkter "
            "anges negativt") in page
    assert f"Bladet Utfall driftbudget, rad {extra}: Planen har ingen post med Avdelning Ny avdelning" in page
    assert BudgetRowOutcome.objects.filter(report=report, version__gt=1).count() == 0


def test_a_word_the_target_does_not_take_is_refused(report, editor):
    book = download(editor, report)
    indicators = book["Utfall indikatorer"]
    sick = row_of(indicators, "Indikator", "Sjukfrånvaro (alla nämnder/bolag)")
    cell(indicators, sick, "Utfall").value = None
    cell(indicators, sick, "Utfall i ord").value = "ökat"
    page = upload(editor, report, book).content.decode()
    assert "följs inte upp med ”ökat”" in page


def test_a_row_changed_in_the_browser_since_the_export_is_refused(report, editor):
    book = download(editor, report)
    outcome = IndicatorOutcome.objects.get(report=report, indicator__name="Sjukfrånvaro (alla nämnder/bolag)")
    outcome.comment = "Ändrad i webbläsaren"
    record_save(instance=outcome)
    indicators = book["Utfall indikatorer"]
    sick = row_of(indicators, "Indikator", "Sjukfrånvaro (alla nämnder/bolag)")
    cell(indicators, sick, "Utfall").value = "3,7"
    page = upload(editor, report, book).content.decode()
    assert "har ändrats av någon annan medan du redigerade" in page
    outcome.refresh_from_db()
    assert outcome.value != Decimal("3.7")


def test_another_plans_workbook_is_refused(report, editor):
    book = download(editor, report)
    cell(book["Uppföljning"], 2, "Dnr").value = "999-1/2011"
    cell(book["Utfall indikatorer"], 2, "Kommentar").value = "Fel plan"
    page = upload(editor, report, book).content.decode()
    assert "Arbetsboken gäller Dnr 999-1/2011, inte den här planen (112-2321/2011)" in page


def test_no_import_once_submitted_and_no_download_for_other_boards(report, editor):
    book = download(editor, report)
    FollowUpReport.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    assert upload(editor, report, book).status_code == 403
    outsider = client_for(user_with("editor"))
    assert outsider.get(f"{entry_url(report.case)}arbetsbok.xlsx").status_code == 404

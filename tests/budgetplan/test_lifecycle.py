"""The case's life: draft → proposed → decided, the stored PDF, and that a decided case never changes.

The rule "decided is final" is tried on every path a change can come by: the services (as the
admin and the workbook import use them), the bulk services, the model's own save() and delete()
as from a shell, the admin's forms, and the workbook import command.
"""
import datetime
import hashlib
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from budgetplan.cases.models import (
    Attachment,
    Case,
    CaseTransition,
    DecidedDocument,
    DecisionPoint,
    OfficialsReport,
    RegistryNumber,
    Responsibility,
    Statement,
    StatementSection,
)
from budgetplan.document import lifecycle
from budgetplan.document.workbook import export_case_workbook
from budgetplan.kernel.services import (
    RecordsInvalid,
    record_delete,
    record_save,
    records_create,
    records_update,
)
from finance.models import (
    FinancialFrame,
    Investment,
    MajorProject,
    OperatingBudgetRow,
    TurnoverChange,
)
from goals.models import (
    Activity,
    BoardGoal,
    CouncilGoal,
    Indicator,
    PlanCouncilGoal,
    PlanIndicator,
    PlanStrategicGoal,
    StrategicGoal,
)
from reservations.models import Party, Person, Reservation, ReservationPoint, Signatory
from tests import factories as f
from tests.admin_forms import read_form
from tests.budgetplan.plan_builder import build_plan
from tests.budgetplan.roles import client_for, decide, user_with
from tests.workbook.helpers import edit, set_cell

pytestmark = pytest.mark.django_db

DECIDED = lifecycle.DECIDED_MESSAGE
# Everything beneath a case, each kind of record its document is made of.
PLAN_MODELS = (
    RegistryNumber, DecisionPoint, Statement, StatementSection, Attachment, OfficialsReport,
    Responsibility, PlanStrategicGoal, PlanCouncilGoal, BoardGoal, PlanIndicator, FinancialFrame,
    OperatingBudgetRow, Investment, MajorProject, TurnoverChange, Reservation, Signatory,
    ReservationPoint,
)


def rows_of(case) -> dict:
    """Every record of the case, by model, as stored: to compare before and after."""
    from budgetplan.access.ownership import CASE_ID_PATHS

    state = {}
    for model in PLAN_MODELS:
        path = CASE_ID_PATHS[model]
        state[model.__name__] = sorted(
            tuple(str(value) for value in row) for row in model.objects.filter(**{path: case.pk})
            .values_list(*[f.attname for f in model._meta.concrete_fields])
        )
    state["board indicators"] = sorted(
        Indicator.objects.filter(board_goal__case=case).values_list("name", flat=True))
    state["board activities"] = sorted(
        Activity.objects.filter(board_goal__case=case).values_list("text", flat=True))
    state["case"] = list(Case.objects.filter(pk=case.pk).values_list(
        "title", "status", "decided_on", "memo_serial"))
    return state


@pytest.fixture
def decided_plan():
    """A complete plan (every kind of record) that has been decided."""
    case = build_plan(size=1)
    decide(case)
    return Case.objects.get(pk=case.pk)


def one_of_each(case) -> list:
    """One stored record of every kind beneath the case, and the case itself."""
    records = [Case.objects.get(pk=case.pk)]
    from budgetplan.access.ownership import CASE_ID_PATHS

    for model in PLAN_MODELS:
        # The last: the plan's first reservation is protected by the one that refers to it.
        records.append(model.objects.filter(**{CASE_ID_PATHS[model]: case.pk}).last())
    records.append(Indicator.objects.filter(board_goal__case=case).first())
    records.append(Activity.objects.filter(board_goal__case=case).first())
    assert all(record is not None for record in records), records
    return records


# ---- Moving the case on -----------------------------------------------------------------------


def test_the_clerk_moves_the_case_one_step_at_a_time_and_each_move_is_recorded():
    case = f.CaseFactory()
    clerk = user_with("clerk", case.board)

    with pytest.raises(ValidationError, match="bara flyttas ett steg i taget, från utkast till föreslaget"):
        lifecycle.case_transition(case=case, to_status=Case.Status.DECIDED, user=clerk,
                                  decided_on=datetime.date(2012, 1, 25))
    lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=clerk)
    lifecycle.case_transition(case=case, to_status=Case.Status.DECIDED, user=clerk,
                              decided_on=datetime.date(2012, 1, 25))

    case.refresh_from_db()
    assert (case.status, case.decided_on) == (Case.Status.DECIDED, datetime.date(2012, 1, 25))
    moves = list(CaseTransition.objects.filter(case=case).values_list("from_status", "to_status", "by"))
    assert moves == [("draft", "proposed", clerk.pk), ("proposed", "decided", clerk.pk)]
    assert all(t.at is not None for t in CaseTransition.objects.filter(case=case))
    with pytest.raises(ValidationError, match="Ärendet är redan beslutat."):
        lifecycle.case_transition(case=case, to_status=Case.Status.DECIDED, user=clerk,
                                  decided_on=datetime.date(2012, 2, 1))


@pytest.mark.parametrize("role, own_board", [
    ("editor", True), ("reader", True), ("clerk", False), (None, True),
])
def test_only_a_clerk_of_the_cases_board_moves_it(role, own_board):
    case = f.CaseFactory()
    user = user_with(role, case.board if own_board else f.BoardFactory())

    with pytest.raises(PermissionDenied, match="Bara nämndsekreteraren för ärendets nämnd"):
        lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=user)

    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT and not CaseTransition.objects.exists()


def test_a_decision_needs_its_date():
    case = f.CaseFactory()
    lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=None)

    with pytest.raises(ValidationError, match="Ett beslutat ärende måste ha ett beslutsdatum."):
        lifecycle.case_transition(case=case, to_status=Case.Status.DECIDED, user=None)

    case.refresh_from_db()
    assert case.status == Case.Status.PROPOSED
    assert not DecidedDocument.objects.exists()


def test_the_status_changes_only_by_moving_the_case():
    case = f.CaseFactory()
    case.status = Case.Status.PROPOSED
    with pytest.raises(ValidationError, match="ändras bara genom att flytta ärendet vidare"):
        record_save(instance=case)
    with pytest.raises(ValidationError, match="ändras bara genom att flytta ärendet vidare"):
        case.save()  # as from a shell
    with pytest.raises(ValidationError, match="Ett nytt ärende börjar som utkast"):
        f.CaseFactory(status=Case.Status.DECIDED, decided_on=datetime.date(2012, 1, 25))
    with pytest.raises(ValidationError, match="skapas bara när ärendet flyttas vidare"):
        CaseTransition.objects.create(case=case, from_status="draft", to_status="proposed")
    assert Case.objects.get(pk=case.pk).status == Case.Status.DRAFT


def test_the_clerks_form_on_the_case_page_moves_the_case():
    case = f.CaseFactory()
    clerk = client_for(user_with("clerk", case.board))
    url = reverse("cases:transition", args=[case.pk])

    page = clerk.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'action="{url}"' in page and "csrfmiddlewaretoken" in page
    clerk.post(url, {"to_status": "proposed"})
    response = clerk.post(url, {"to_status": "decided", "decided_on": "2012-01-25"}, follow=True)

    case.refresh_from_db()
    assert (case.status, case.decided_on) == ("decided", datetime.date(2012, 1, 25))
    assert "Ärendet är nu beslutat." in response.content.decode()


def test_a_decision_while_every_pdf_slot_is_taken_is_refused_with_a_message(monkeypatch, settings):
    from budgetplan.document.exports import EXPORTERS
    from budgetplan.document.pdf import PdfBusy

    case = f.CaseFactory()
    lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=None)
    clerk = client_for(user_with("clerk", case.board))

    def busy(document):
        raise PdfBusy

    monkeypatch.setitem(EXPORTERS, "pdf", busy)
    settings.BUDGETPLAN_PDF_RETRY_SECONDS = [0]
    response = clerk.post(reverse("cases:transition", args=[case.pk]),
                          {"to_status": "decided", "decided_on": "2012-01-25"}, follow=True)

    assert response.status_code == 200
    # The decision's job (run in place by the test settings) fails every attempt and says why.
    assert ("Beslutet kunde inte sparas: alla platser för att skapa PDF:er var upptagna."
            in response.content.decode())
    case.refresh_from_db()
    assert (case.status, case.decided_on) == (Case.Status.PROPOSED, None)
    assert not DecidedDocument.objects.exists()
    assert CaseTransition.objects.filter(case=case).count() == 1


def test_the_clerks_form_needs_the_csrf_token():
    case = f.CaseFactory()
    clerk = Client(enforce_csrf_checks=True)
    clerk.force_login(user_with("clerk", case.board))

    response = clerk.post(reverse("cases:transition", args=[case.pk]), {"to_status": "proposed"})

    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == Case.Status.DRAFT


# ---- The stored PDF ---------------------------------------------------------------------------


def test_the_decided_pdf_is_rendered_once_stored_and_served_byte_identical(client):
    case = build_plan(size=1)
    decide(case)
    stored = DecidedDocument.objects.get(case=case)
    url = reverse("cases:pdf", args=[case.pk])

    first = client.get(url)
    content = b"".join(first.streaming_content)
    # Even if the records changed behind the services' back, the decided PDF is the stored one.
    Case.objects.filter(pk=case.pk).update(title="Ändrad efter beslutet")
    second = client.get(url)

    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert content.startswith(b"%PDF-")
    assert content == b"".join(second.streaming_content)
    # Named after the case whatever name the storage gave the file.
    memo = f"PM-{case.memo_year}-{case.memo_serial}-{case.memo_rotel}.pdf"
    assert first["Content-Disposition"] == f'attachment; filename="{memo}"'
    assert hashlib.sha256(content).hexdigest() == stored.sha256
    assert stored.size == len(content)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f"SHA-256: <code>{stored.sha256}</code>" in page
    assert "Beslutat 25 januari 2012" in page


def test_the_stored_pdf_cannot_be_replaced_or_removed():
    case = f.CaseFactory()
    decide(case)
    stored = DecidedDocument.objects.get(case=case)

    stored.sha256 = "0" * 64
    with pytest.raises(ValidationError):
        stored.save()
    with pytest.raises(ValidationError, match=DECIDED), transaction.atomic():
        DecidedDocument.objects.get(case=case).delete()
    assert DecidedDocument.objects.filter(case=case).exclude(sha256="0" * 64).count() == 1


# ---- Decided is final, on every path -------------------------------------------------------------


def test_the_services_refuse_any_change_beneath_a_decided_case(decided_plan):
    before = rows_of(decided_plan)
    for record in one_of_each(decided_plan):
        with pytest.raises(ValidationError, match=DECIDED):
            record_save(instance=record)
        with pytest.raises(ValidationError, match=DECIDED):
            record_delete(instance=record)
    assert rows_of(decided_plan) == before


def test_save_and_delete_from_a_shell_are_refused_too(decided_plan):
    # A refused delete leaves the transaction it ran in unusable, as any failed write in a
    # transaction does; each one here runs in its own, as a shell's autocommit would.
    before = rows_of(decided_plan)
    for record in one_of_each(decided_plan):
        with pytest.raises(ValidationError, match=DECIDED):
            record.save()
        if isinstance(record, Case):
            continue  # below: this plan's own reservations already protect it from deletion
        with pytest.raises(ValidationError, match=DECIDED), transaction.atomic():
            type(record).objects.get(pk=record.pk).delete()
    with pytest.raises((ValidationError, ProtectedError)), transaction.atomic():
        Case.objects.get(pk=decided_plan.pk).delete()
    with pytest.raises(ValidationError, match=DECIDED), transaction.atomic():
        OperatingBudgetRow.objects.filter(frame__case=decided_plan).delete()
    reservation = Reservation.objects.filter(case=decided_plan).first()
    with pytest.raises(ValidationError, match=DECIDED), transaction.atomic():
        reservation.signatories.clear()
    assert rows_of(decided_plan) == before


def test_a_decided_case_itself_cannot_be_deleted_from_a_shell():
    case = f.CaseFactory()
    f.DecisionPointFactory(case=case)
    decide(case)

    with pytest.raises(ValidationError, match=DECIDED), transaction.atomic():
        Case.objects.get(pk=case.pk).delete()

    assert Case.objects.filter(pk=case.pk, status="decided").exists()
    assert DecisionPoint.objects.filter(case=case).exists()


def test_a_new_record_under_a_decided_case_is_refused(decided_plan):
    frame = FinancialFrame.objects.get(case=decided_plan)
    with pytest.raises(ValidationError, match=DECIDED):
        record_save(instance=OperatingBudgetRow(
            frame=frame, order=99, department="Ny avdelning", costs=Decimal("1.0")))
    with pytest.raises(ValidationError, match=DECIDED):
        f.DecisionPointFactory(case=decided_plan, number=99)
    with pytest.raises(RecordsInvalid) as refused:
        records_create(instances=[TurnoverChange(
            frame=frame, order=99, description="Ny", amount=Decimal("1.0"))])
    assert refused.value.errors[0].messages == [DECIDED]


def test_moving_a_row_out_of_a_decided_case_is_refused(decided_plan):
    draft = build_plan(size=1, title="Ett utkast")
    row = OperatingBudgetRow.objects.filter(frame__case=decided_plan).first()
    point = DecisionPoint.objects.filter(case=decided_plan).first()

    row.frame = FinancialFrame.objects.get(case=draft)
    row.department = "Flyttad avdelning"
    point.case = draft
    point.number = 42
    for record in (row, point):
        with pytest.raises(ValidationError, match=DECIDED):
            record_save(instance=record)
        with pytest.raises(ValidationError, match=DECIDED):
            record.save()
    with pytest.raises(RecordsInvalid):
        records_update(instances=[row], fields=["frame", "department"])
    assert not OperatingBudgetRow.objects.filter(department="Flyttad avdelning").exists()
    assert DecisionPoint.objects.get(pk=point.pk).case_id == decided_plan.pk


def test_bulk_updates_of_a_decided_cases_rows_are_refused_by_position(decided_plan):
    rows = list(OperatingBudgetRow.objects.filter(frame__case=decided_plan))
    for row in rows:
        row.costs += Decimal("1.0")

    with pytest.raises(RecordsInvalid) as refused:
        records_update(instances=rows, fields=["costs"])

    assert {index: error.messages for index, error in refused.value.errors.items()} == {
        index: [DECIDED] for index in range(len(rows))}
    assert [r.costs for r in OperatingBudgetRow.objects.filter(frame__case=decided_plan)] == [
        r.costs - Decimal("1.0") for r in rows]


def test_shared_goals_the_decided_page_shows_without_taking_them_are_locked_too():
    # The goal tree shows a strategic goal above any council goal the plan takes, and a council
    # goal that only one of the plan's board goals stands under.
    case = f.CaseFactory()
    taken = f.PlanCouncilGoalFactory(case=case).council_goal
    under_board_goal = f.CouncilGoalFactory(
        strategic_goal=taken.strategic_goal, number=taken.number + 1)
    f.BoardGoalFactory(case=case, council_goal=under_board_goal)
    decide(case)

    strategic = StrategicGoal.objects.get(pk=taken.strategic_goal_id)
    council = CouncilGoal.objects.get(pk=under_board_goal.pk)
    for record in (strategic, council):
        record.title = "Ändrad efter beslutet"
        with pytest.raises(ValidationError, match=DECIDED):
            record_save(instance=record)
        with pytest.raises(ValidationError, match=DECIDED):
            record.save()  # as from a shell
    assert not StrategicGoal.objects.filter(title="Ändrad efter beslutet").exists()
    assert not CouncilGoal.objects.filter(title="Ändrad efter beslutet").exists()


def test_the_councils_shared_records_a_decided_case_shows_are_locked_too(decided_plan):
    plan_goal = PlanCouncilGoal.objects.filter(case=decided_plan).first()
    council_goal = plan_goal.council_goal
    council_indicator = PlanIndicator.objects.filter(
        case=decided_plan, indicator__council_goal__isnull=False).first().indicator
    council_activity = Activity.objects.filter(
        council_goal=council_goal, assigned_board=decided_plan.board).first()
    person = Signatory.objects.filter(reservation__case=decided_plan).first().person
    shared = [
        council_goal, council_goal.strategic_goal, council_indicator, council_activity, person,
        person.party,
    ]
    for record in shared:
        record.refresh_from_db()
        with pytest.raises(ValidationError, match=DECIDED):
            record_save(instance=record)
        with pytest.raises(ValidationError, match=DECIDED):
            record.save()
    # A new council activity for the board under a goal its decided plan takes would show in it.
    with pytest.raises(ValidationError, match=DECIDED):
        record_save(instance=Activity(
            council_goal=council_goal, assigned_board=decided_plan.board, order=99, text="Ny",
            start_date=datetime.date(2012, 1, 1), end_date=datetime.date(2012, 12, 31)))

    # What no decided case shows is still the council's to change.
    unused = f.CouncilGoalFactory(strategic_goal=f.StrategicGoalFactory(year=2013))
    unused.title = "Ändrat mål"
    record_save(instance=unused)
    assert CouncilGoal.objects.get(pk=unused.pk).title == "Ändrat mål"
    assert StrategicGoal.objects.filter(pk=council_goal.strategic_goal_id).exists()
    assert Party.objects.filter(pk=person.party_id).exists() and Person.objects.filter(pk=person.pk).exists()


def test_the_admin_shows_the_refusal_and_saves_nothing(admin_client, decided_plan):
    frame = FinancialFrame.objects.get(case=decided_plan)
    url = reverse("admin:finance_financialframe_change", args=[frame.pk])
    notice = admin_client.get(url).content.decode()
    assert DECIDED in notice

    data = read_form(admin_client, url)
    data["operating_rows-0-costs"] = "999,0"
    response = admin_client.post(url, data, follow=True)

    assert DECIDED in response.content.decode()
    assert not OperatingBudgetRow.objects.filter(costs=Decimal("999.0")).exists()


def test_the_workbook_import_into_a_decided_case_is_refused_and_saves_nothing(decided_plan, tmp_path):
    before = rows_of(decided_plan)
    workbook = edit(
        export_case_workbook(decided_plan),
        lambda book: set_cell(book["Driftbudget"], 2, "Kostnader", 999.0),
    )
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook)

    with pytest.raises(CommandError, match="inget sparades"):
        call_command("import_workbook", str(path))

    assert rows_of(decided_plan) == before


# ---- A new version ------------------------------------------------------------------------------


def comparable(html: str, case: Case) -> str:
    """The document part of the page, without what tells the two versions apart by design:
    memo number, Dnr, status, the predecessor line, the reader's tools and the ids in URLs."""
    body = html[html.index('<div class="case-body">'):html.rindex("</article>")]
    body = re.sub(
        r'<(nav|section|ul) class="(downloads|case-edit-links|case-actions|messages)".*?</\1>', "",
        body, flags=re.S,
    )
    body = re.sub(r"/arenden/\d+/", "/arenden/ID/", body)
    body = re.sub(r"namndmal-\d+", "namndmal-ID", body)  # anchors named by the board goal's id
    return re.sub(r"\s+", " ", body)


def test_the_clerk_starts_a_new_version_a_full_copy_as_a_draft(decided_plan):
    clerk = client_for(user_with("clerk", decided_plan.board))
    original_page = clerk.get(reverse("cases:detail", args=[decided_plan.pk])).content.decode()
    assert reverse("cases:new_version", args=[decided_plan.pk]) in original_page
    before = rows_of(decided_plan)

    response = clerk.post(reverse("cases:new_version", args=[decided_plan.pk]), follow=True)

    new = Case.objects.get(predecessor=decided_plan)
    assert new.status == Case.Status.DRAFT and new.decided_on is None
    assert (new.memo_year, new.memo_rotel) == (decided_plan.memo_year, decided_plan.memo_rotel)
    assert new.memo_serial == Case.objects.filter(
        memo_year=new.memo_year, memo_rotel=new.memo_rotel).exclude(pk=new.pk).order_by(
        "-memo_serial").first().memo_serial + 1
    assert not new.registry_numbers.exists()  # the registry gives the revised plan its own Dnr
    page = response.content.decode()
    assert f"Ny version av <a href=\"/arenden/{decided_plan.pk}/\">{decided_plan.memo_number}</a>" in page
    assert comparable(page, new) == comparable(original_page, decided_plan)
    copied, original = rows_of(new), rows_of(decided_plan)
    for kind in original:
        if kind not in ("RegistryNumber", "case"):
            assert len(copied[kind]) == len(original[kind]), kind
    assert rows_of(decided_plan) == before


def test_editing_the_new_version_leaves_the_decided_original_unchanged(decided_plan):
    clerk = user_with("clerk", decided_plan.board)
    before = rows_of(decided_plan)
    new = lifecycle.case_new_version(case=decided_plan, user=clerk)

    row = OperatingBudgetRow.objects.filter(frame__case=new).first()
    row.costs = Decimal("123.4")
    record_save(instance=row, user=clerk)
    point = DecisionPoint.objects.filter(case=new).first()
    record_delete(instance=point, user=clerk)
    indicator = Indicator.objects.filter(board_goal__case=new).first()
    indicator.name = "Omdöpt i den nya versionen"
    record_save(instance=indicator, user=clerk)

    assert rows_of(decided_plan) == before
    assert Case.objects.get(pk=decided_plan.pk).status == Case.Status.DECIDED


def test_only_a_decided_case_gets_a_new_version_and_only_from_its_clerk(decided_plan):
    with pytest.raises(ValidationError, match="bara skapas från ett beslutat ärende"):
        lifecycle.case_new_version(case=f.CaseFactory(), user=None)
    editor = user_with("editor", decided_plan.board)
    with pytest.raises(PermissionDenied, match="kan skapa en ny version"):
        lifecycle.case_new_version(case=decided_plan, user=editor)
    assert not Case.objects.filter(predecessor=decided_plan).exists()


def test_the_admin_action_starts_a_new_version(admin_client, decided_plan):
    response = admin_client.post(reverse("admin:budgetplan_case_changelist"), {
        "action": "start_new_version", "_selected_action": [decided_plan.pk],
    }, follow=True)

    new = Case.objects.get(predecessor=decided_plan)
    assert f"{decided_plan.memo_number} fick en ny version som utkast" in response.content.decode()
    assert BoardGoal.objects.filter(case=new).count() == BoardGoal.objects.filter(
        case=decided_plan).count()

"""The roles in the services: a write that names its user is refused, in Swedish, when the role
does not allow it, whichever caller (admin, import, script) it comes from."""
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from budgetplan.access import permissions
from budgetplan.cases.models import Case, DecisionPoint
from budgetplan.document import lifecycle
from budgetplan.kernel.services import RecordsInvalid, record_delete, record_save, records_create
from finance.models import OperatingBudgetRow
from tests import factories as f
from tests.budgetplan.roles import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    case = f.CaseFactory()
    f.DecisionPointFactory(case=case, number=1)
    f.OperatingBudgetRowFactory(frame=f.FinancialFrameFactory(case=case))
    return case


def test_an_editor_edits_the_drafts_of_their_board(plan):
    editor = user_with("editor", plan.board)
    point = DecisionPoint.objects.get(case=plan)
    point.text = "Förslaget godkänns i sin helhet."
    record_save(instance=point, user=editor)
    record_save(instance=DecisionPoint(case=plan, number=2, text="Ny punkt."), user=editor)
    record_delete(instance=DecisionPoint.objects.get(case=plan, number=2), user=editor)
    assert DecisionPoint.objects.get(case=plan).text == "Förslaget godkänns i sin helhet."


@pytest.mark.parametrize("role, member, message", [
    ("editor", False, "Du kan bara ändra ärenden för de nämnder du hör till."),
    ("clerk", False, "Du kan bara ändra ärenden för de nämnder du hör till."),
    ("reader", True, "Du kan bara ändra ärenden för de nämnder du hör till."),
    (None, True, "Du kan bara ändra ärenden för de nämnder du hör till."),
])
def test_others_may_not_edit_the_plan(plan, role, member, message):
    user = user_with(role, plan.board if member else f.BoardFactory())
    row = OperatingBudgetRow.objects.get(frame__case=plan)
    row.costs = Decimal("99.0")
    with pytest.raises(PermissionDenied, match=message):
        record_save(instance=row, user=user)
    with pytest.raises(PermissionDenied, match=message):
        record_delete(instance=row, user=user)
    assert OperatingBudgetRow.objects.get(pk=row.pk).costs == Decimal("10.0")


def test_once_proposed_only_the_clerk_edits(plan):
    lifecycle.case_transition(case=plan, to_status=Case.Status.PROPOSED, user=None)
    editor, clerk = user_with("editor", plan.board), user_with("clerk", plan.board)
    point = DecisionPoint.objects.get(case=plan)
    point.text = "Ändrad i beredningen."

    with pytest.raises(PermissionDenied, match="inte längre ett utkast; nu kan bara nämndsekreteraren"):
        record_save(instance=point, user=editor)
    assert DecisionPoint.objects.get(pk=point.pk).text != "Ändrad i beredningen."
    by_clerk = DecisionPoint.objects.get(pk=point.pk)
    by_clerk.text = "Ändrad i beredningen."
    record_save(instance=by_clerk, user=clerk)
    assert DecisionPoint.objects.get(pk=point.pk).text == "Ändrad i beredningen."


def test_reservations_are_entered_by_the_clerk(plan):
    editor, clerk = user_with("editor", plan.board), user_with("clerk", plan.board)
    reservation = f.ReservationFactory.build(case=plan, order=1)
    with pytest.raises(PermissionDenied, match="Bara nämndsekreterare kan föra in reservationer."):
        record_save(instance=reservation, user=editor)
    record_save(instance=reservation, user=clerk)
    assert plan.reservations.count() == 1


def test_the_councils_shared_records_are_the_administrators(plan):
    goal = f.CouncilGoalFactory()
    goal.title = "Ändrat"
    for role in ("editor", "clerk", "reader"):
        with pytest.raises(PermissionDenied, match="Bara administratörer kan ändra kommunfullmäktiges"):
            record_save(instance=goal, user=user_with(role, plan.board))
    assert goal.__class__.objects.get(pk=goal.pk).title != "Ändrat"
    record_save(instance=goal, user=user_with("administrator"))
    assert goal.__class__.objects.get(pk=goal.pk).title == "Ändrat"
    goal.title = "Ändrat igen"
    record_save(instance=goal, user=User.objects.create_superuser("root", password="pw"))
    assert goal.__class__.objects.get(pk=goal.pk).title == "Ändrat igen"


def test_a_row_cannot_be_moved_into_another_boards_plan(plan):
    other = f.FinancialFrameFactory()
    editor = user_with("editor", plan.board)
    row = OperatingBudgetRow.objects.get(frame__case=plan)
    row.frame = other
    with pytest.raises(PermissionDenied, match="nämnder du hör till"):
        record_save(instance=row, user=editor)
    case = Case.objects.get(pk=plan.pk)
    case.board = other.case.board
    with pytest.raises(PermissionDenied, match="nämnder du hör till"):
        record_save(instance=case, user=editor)


def test_bulk_writes_refuse_by_position(plan):
    editor = user_with("editor", plan.board)
    rows = [
        OperatingBudgetRow(frame=plan.financial_frame, order=5, department="Egen", costs=Decimal("1.0")),
        OperatingBudgetRow(frame=f.FinancialFrameFactory(), order=5, department="Annan",
                           costs=Decimal("1.0")),
    ]
    with pytest.raises(RecordsInvalid) as refused:
        records_create(instances=rows, user=editor)
    assert {i: e.messages for i, e in refused.value.errors.items()} == {
        1: ["Du kan bara ändra ärenden för de nämnder du hör till."]}
    assert not OperatingBudgetRow.objects.filter(department__in=("Egen", "Annan")).exists()


def test_reading_rights(plan):
    reader = user_with("reader", plan.board)
    outsider = user_with("editor", f.BoardFactory())
    assert permissions.can_view_case(reader, plan)
    assert not permissions.can_view_case(outsider, plan)
    assert not permissions.can_view_case(None, plan)
    assert not permissions.can_export_case(reader, plan)
    assert permissions.can_export_case(user_with("clerk", plan.board), plan)

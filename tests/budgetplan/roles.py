"""Users in the roles of issue 5, for tests through the real URLs."""
import datetime
import itertools

from django.contrib.auth.models import Group, User
from django.test import Client

from budgetplan.cases.models import BoardMembership, Case, CaseTransition
from budgetplan.document import lifecycle

ROLE_GROUPS = {
    "reader": "Läsare",
    "editor": "Redaktör",
    "clerk": "Nämndsekreterare",
    "administrator": "Administratör",
}
_serial = itertools.count(1)


def user_with(role: str | None, *boards) -> User:
    """A staff user in the group of `role` (None: no role) who belongs to `boards`."""
    user = User.objects.create_user(f"{role or 'anvandare'}-{next(_serial)}", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    for board in boards:
        BoardMembership.objects.create(user=user, board=board)
    return User.objects.get(pk=user.pk)  # fresh: no roles read and kept on the object yet


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def decide(case: Case, *, on=datetime.date(2012, 1, 25), user=None) -> Case:
    """Move a draft on to proposed and decided, as its clerk would."""
    lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=user)
    lifecycle.case_transition(case=case, to_status=Case.Status.DECIDED, user=user, decided_on=on)
    return Case.objects.get(pk=case.pk)


def as_draft(case: Case) -> Case:
    """Test set-up: the case as it was before it was proposed, for tests that edit a draft.

    The reference case is the proposal that went to the board, and an editor may change only
    drafts. Written straight to the database: no case moves back to draft in the application.
    """
    CaseTransition.objects.filter(case=case).delete()
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)
    return Case.objects.get(pk=case.pk)

"""Who may do what with which case: the roles of issue 5 as plain functions.

The services, the admin and the views all ask here, so a rule reads the same on every path.

- Läsare (reader, e.g. a politician): reads the drafts and proposed cases of their boards.
- Redaktör (editor): reads like a reader and edits the plans of their boards while they are
  drafts.
- Nämndsekreterare (clerk): everything an editor can, also while the case is proposed (the
  committee's changes), plus moving the case through its statuses, entering reservations,
  downloading the PDF and workbook of a case not yet decided, and starting a new version of a
  decided case.
- Administratör (the group, or a superuser): everything, and the only one who edits what no
  single board owns: the council's goals, indicators and activities, parties, persons, boards
  and who belongs to which board.
- Everyone, logged in or not: decided cases, their PDF and workbook.

A role applies to the boards a user belongs to (BoardMembership). A case that is not decided is
invisible to anyone else: the views answer 404, as for a case that does not exist.

City-wide cases (Case.owner "city", no board) belong to the city office: the board marked
`city_office` (the executive board, whose office is Stadsledningskontoret). Its members have the
same roles for the city-wide cases as for that board's own plans; the staff of other boards
read a city-wide case only once it is decided, like everyone else.

That a decided case never changes is another rule, enforced for everyone (administrators too)
by budgetplan.document.lifecycle; these functions say only what a role may do.
"""
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q, Value

from budgetplan.cases.models import Board, BoardMembership, Case, CaseTransition, DecidedDocument

from . import ownership

EDITOR = "Redaktör"
CLERK = "Nämndsekreterare"
READER = "Läsare"
ADMINISTRATOR = "Administratör"
ROLES = (EDITOR, CLERK, READER, ADMINISTRATOR)

NOT_YOUR_BOARD = "Du kan bara ändra ärenden för de nämnder du hör till."
CITY_OFFICE_ONLY = (
    "Stadsövergripande ärenden skrivs av stadsledningskontoret; du hör inte dit."
)
EDITOR_DRAFTS_ONLY = (
    "Ärendet är inte längre ett utkast; nu kan bara nämndsekreteraren ändra det."
)
CLERKS_ENTER_RESERVATIONS = "Bara nämndsekreterare kan föra in reservationer."
SHARED_ADMINISTRATORS_ONLY = (
    "Bara administratörer kan ändra kommunfullmäktiges gemensamma mål, indikatorer och "
    "aktiviteter, partier och personer."
)
BOARDS_ADMINISTRATORS_ONLY = "Bara administratörer kan ändra nämnder och vem som hör till dem."
CLERKS_EXPORT_DRAFTS = "Bara nämndsekreteraren kan ladda ner ett ärende som inte är beslutat."
CLERKS_MOVE_CASES = "Bara nämndsekreteraren för ärendets nämnd kan flytta ärendet vidare."


class ChangeRefused(PermissionDenied, ValidationError):
    """The user's role does not allow this write.

    A PermissionDenied (a view that lets it through answers 403) that is also a ValidationError,
    so the admin's forms and the workbook import show its Swedish message where the refused row
    is, as they show any other rule the write breaks.
    """


@dataclass(frozen=True)
class Access:
    """A user's roles and boards, read once per user object (that is, once per request).

    `city_office` is the id of the city office's board when the user belongs to it: their roles
    then also cover the city-wide cases.
    """

    administrator: bool
    roles: frozenset[str]
    boards: frozenset[int]
    city_office: int | None = None

    def boards_with(self, *roles: str) -> frozenset[int]:
        return self.boards if self.roles.intersection(roles) else frozenset()


NOBODY = Access(False, frozenset(), frozenset())


def _owned_by(case: Case, board_ids: frozenset[int], rights: Access) -> bool:
    """Whether the case belongs to one of these boards; a city-wide case to the city office's."""
    if case.board_id is None:
        return rights.city_office is not None and rights.city_office in board_ids
    return case.board_id in board_ids


def case_owner_filter(board_ids, rights: Access, prefix: str = "") -> Q:
    """The cases (through `prefix`, e.g. "frame__case__") of these boards, and the city-wide
    cases when the city office's board is among them."""
    condition = Q(**{f"{prefix}board_id__in": board_ids})
    if rights.city_office is not None and rights.city_office in board_ids:
        condition |= Q(**{f"{prefix}owner": Case.Owner.CITY})
    return condition


def access(user) -> Access:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_budgetplan_access", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        result = Access(True, frozenset(ROLES), frozenset())
    else:
        # Roles and boards in one query: every page a member reads pays for it.
        groups = user.groups.filter(name__in=ROLES).order_by().values_list(
            "name", Value(None, output_field=models.BigIntegerField()),
            Value(False, output_field=models.BooleanField()),
        )
        # No ORDER BY in either part (BoardMembership orders by board name): SQLite refuses
        # one inside a compound statement.
        memberships = BoardMembership.objects.filter(user=user).order_by().values_list(
            Value("", output_field=models.CharField()), "board_id", "board__city_office",
        )
        rows = list(groups.union(memberships, all=True))
        roles = frozenset(name for name, board_id, city in rows if name)
        boards = frozenset(board_id for name, board_id, city in rows if board_id is not None)
        city_office = next((board_id for name, board_id, city in rows if city), None)
        result = Access(ADMINISTRATOR in roles, roles, boards, city_office)
    user._budgetplan_access = result
    return result


def is_administrator(user) -> bool:
    return access(user).administrator


def readable_board_ids(user) -> frozenset[int]:
    return access(user).boards_with(READER, EDITOR, CLERK)


def editable_board_ids(user) -> frozenset[int]:
    return access(user).boards_with(EDITOR, CLERK)


def clerk_board_ids(user) -> frozenset[int]:
    return access(user).boards_with(CLERK)


# ---- Cases --------------------------------------------------------------------------------


def can_view_case(user, case: Case) -> bool:
    if case.status == Case.Status.DECIDED:
        return True
    rights = access(user)
    return rights.administrator or _owned_by(case, readable_board_ids(user), rights)


def visible_cases(user, queryset: models.QuerySet | None = None) -> models.QuerySet:
    """The cases this user may read: decided ones, and those of their boards."""
    queryset = Case.objects.all() if queryset is None else queryset
    if is_administrator(user):
        return queryset
    return queryset.filter(
        Q(status=Case.Status.DECIDED)
        | case_owner_filter(readable_board_ids(user), access(user))
    )


def can_export_case(user, case: Case) -> bool:
    """PDF and workbook: anyone for a decided case; before that the board's clerks."""
    if case.status == Case.Status.DECIDED:
        return True
    return is_administrator(user) or _owned_by(case, clerk_board_ids(user), access(user))


def can_transition_case(user, case: Case) -> bool:
    return is_administrator(user) or _owned_by(case, clerk_board_ids(user), access(user))


def can_start_new_version(user, case: Case) -> bool:
    return case.status == Case.Status.DECIDED and can_transition_case(user, case)


def edit_refusal(user, case: Case, *, reservation: bool = False) -> str | None:
    """Why this user may not edit the case's plan (or its reservations); None if they may.

    A decided case is refused to everyone by budgetplan.document.lifecycle; here it counts as a case
    the clerk could edit, so the clerk is told it is decided rather than that it is not theirs.
    """
    rights = access(user)
    if rights.administrator:
        return None
    if not _owned_by(case, editable_board_ids(user), rights):
        return CITY_OFFICE_ONLY if case.board_id is None else NOT_YOUR_BOARD
    if _owned_by(case, clerk_board_ids(user), rights):
        return None
    if reservation:
        return CLERKS_ENTER_RESERVATIONS
    if case.status != Case.Status.DRAFT:
        return EDITOR_DRAFTS_ONLY
    return None


def can_edit_case(user, case: Case) -> bool:
    return edit_refusal(user, case) is None


# ---- Any record ---------------------------------------------------------------------------


def _is_reservation_record(instance: models.Model) -> bool:
    from reservations.models import Reservation, ReservationPoint, Signatory

    return isinstance(instance, (Reservation, Signatory, ReservationPoint))


def change_refusal(user, instance: models.Model, cases: Iterable[Case]) -> str | None:
    """Why this user may not save or delete the record; None if they may.

    `cases` are the cases the record is part of, as it is stored and as it will be (see
    budgetplan.document.lifecycle.cases_touched): moving a row into another board's case needs both.
    """
    rights = access(user)
    if isinstance(instance, (CaseTransition, DecidedDocument)):
        # Written by budgetplan.document.lifecycle.case_transition only, for whoever may move the case.
        if all(can_transition_case(user, case) for case in cases):
            return None
        return CLERKS_MOVE_CASES
    if rights.administrator:
        return None
    if isinstance(instance, (Board, BoardMembership)):
        return BOARDS_ADMINISTRATORS_ONLY
    if ownership.is_shared(instance):
        return SHARED_ADMINISTRATORS_ONLY
    if isinstance(instance, Case) and not _owned_by(instance, editable_board_ids(user), rights):
        # a new case, or a case moved to another board (or between a board and the city)
        return CITY_OFFICE_ONLY if instance.board_id is None else NOT_YOUR_BOARD
    reservation = _is_reservation_record(instance)
    for case in cases:
        reason = edit_refusal(user, case, reservation=reservation)
        if reason:
            return reason
    return None


def ensure_may_change(user, instance: models.Model, cases: Iterable[Case]) -> None:
    reason = change_refusal(user, instance, cases)
    if reason:
        raise ChangeRefused(reason, code="permission_denied")


def record_board_filter(model: type[models.Model], board_ids, rights: Access = NOBODY) -> Q | None:
    """A filter on `model` for its records that belong to these boards' cases (and to the
    city-wide cases, when `rights` say the city office's board is among them); None for the
    records no board owns (they are the same for everyone)."""
    from goals.models import Activity, Indicator

    if model is Case:
        return case_owner_filter(board_ids, rights)
    if model is Board:
        return Q(pk__in=board_ids)
    if model in (CaseTransition, DecidedDocument):
        return case_owner_filter(board_ids, rights, "case__")
    if model in (Indicator, Activity):
        return Q(board_goal__isnull=True) | case_owner_filter(board_ids, rights, "board_goal__case__")
    path = ownership.CASE_ID_PATHS.get(model)
    if path is None:
        return None
    return case_owner_filter(board_ids, rights, f"{path.removesuffix('_id')}__")


def readable_records(user, queryset: models.QuerySet) -> models.QuerySet:
    """The records of this model the user may see in the admin: their boards' and the shared."""
    if is_administrator(user):
        return queryset
    if queryset.model is BoardMembership:
        return queryset.none()
    condition = record_board_filter(queryset.model, readable_board_ids(user), access(user))
    return queryset if condition is None else queryset.filter(condition)


def editable_records(user, queryset: models.QuerySet) -> models.QuerySet:
    """The records a user may choose as the parent of a new row: their editable boards' own."""
    if is_administrator(user):
        return queryset
    condition = record_board_filter(queryset.model, editable_board_ids(user), access(user))
    return queryset if condition is None else queryset.filter(condition)

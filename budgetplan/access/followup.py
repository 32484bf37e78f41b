"""Who may read, enter, submit and approve a board's follow-up of its plan.

- The board's staff who edit its plan (Redaktör, Nämndsekreterare) enter their board's outcomes
  while the report is open, and submit it.
- The board's clerk (Nämndsekreterare) approves a submitted report, or opens it again for changes.
- Administrators may do all of it; nobody changes an approved report (budgetplan.document.
  followup_lifecycle), administrators included.
- Reading: the board's readers, editors and clerks and administrators read its reports at any
  status; everyone reads an approved report of a plan they may read.
"""
from budgetplan.cases.models import Case
from followup.models import FollowUpPeriod, FollowUpReport, ReportStatus

from . import permissions

NOT_YOUR_BOARD = "Du kan bara följa upp planer för de nämnder du hör till."
CLERKS_APPROVE = "Bara nämndsekreteraren för planens nämnd kan godkänna uppföljningen eller öppna den igen."
PERIODS_ADMINISTRATORS_ONLY = "Bara administratörer kan ändra uppföljningsperiodernas datum."


def can_view_report(user, report: FollowUpReport) -> bool:
    if permissions.is_administrator(user) or report.case.board_id in permissions.readable_board_ids(user):
        return True
    return report.status == ReportStatus.APPROVED and permissions.can_view_case(user, report.case)


def can_enter(user, case: Case) -> bool:
    """May enter (and submit) the board's outcomes: the same roles that edit its plan. A
    city-wide case has no board and no follow-up of its own."""
    if case.board_id is None:
        return False
    return permissions.is_administrator(user) or case.board_id in permissions.editable_board_ids(user)


def can_approve(user, case: Case) -> bool:
    """May approve a submitted report, or open it again: the board's clerk."""
    if case.board_id is None:
        return False
    return permissions.is_administrator(user) or case.board_id in permissions.clerk_board_ids(user)


def change_refusal(user, instance, report: FollowUpReport | None, stored_status: str | None) -> str | None:
    """Why this user may not make this write of a follow-up record; None if they may.

    `report` is the report the record belongs to (the record itself for a report) as stored,
    `stored_status` the report's status before this write (None for a new report). That an
    approved report is final is not a question of role and is checked before this.
    """
    if isinstance(instance, FollowUpPeriod):
        if instance.pk is None or permissions.is_administrator(user):
            return None
        return PERIODS_ADMINISTRATORS_ONLY
    if report is None:
        return None
    case = report.case
    if not can_enter(user, case):
        return NOT_YOUR_BOARD
    if isinstance(instance, FollowUpReport) and stored_status is not None:
        moving_on = (stored_status, instance.status)
        if moving_on in (
            (ReportStatus.SUBMITTED, ReportStatus.APPROVED), (ReportStatus.SUBMITTED, ReportStatus.OPEN),
        ) and not can_approve(user, case):
            return CLERKS_APPROVE
    return None

"""A case's revision: one more for every write that changes its document, or one per import.

The revision is what a workbook carries from its export (budgetplan.document.workbook.stamp) and
what a page or PDF rendered per revision is keyed by. The case's guard (budgetplan.document.
lifecycle.CaseGuard) counts it after each write; an import wraps its writes in one_revision().
"""
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import F

from budgetplan.cases.models import Case


_listeners: list = []


def listen(listener) -> None:
    """Call `listener(case_ids)` after each count of new revisions (inside the writer's
    transaction): the background PDF (budgetplan.document.pdf_jobs) is scheduled from there."""
    if listener not in _listeners:
        _listeners.append(listener)


def bump_revisions(case_ids) -> None:
    """Count one more revision of each case whose document a write changed: what a workbook
    was exported from is compared with it, and pages cached per revision are read anew."""
    case_ids = {pk for pk in case_ids if pk is not None}
    pending = _one_revision.get()
    if pending is not None:
        pending.update(case_ids)
    elif case_ids:
        Case._base_manager.filter(pk__in=case_ids).update(revision=F("revision") + 1)
        for listener in _listeners:
            listener(case_ids)


_one_revision: ContextVar[set | None] = ContextVar("budgetplan_one_revision", default=None)


@contextmanager
def one_revision():
    """The writes inside count as one revision of each case they change, not one per row: a
    workbook import is one change of its case however many rows it writes. The cases are
    counted up when the block ends without an error (inside its caller's transaction)."""
    if _one_revision.get() is not None:  # already inside one: that one counts
        yield
        return
    token = _one_revision.set(set())
    try:
        yield
        case_ids = _one_revision.get()
    finally:
        _one_revision.reset(token)
    bump_revisions(case_ids)

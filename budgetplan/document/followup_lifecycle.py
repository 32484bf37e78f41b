"""The life of a follow-up report, open → submitted → approved, and the rule that an approved
report is final: the follow-up's guard on the kernel's write path.

Registered beside the case's guard (budgetplan.document.lifecycle) when the app registry is ready.
For every write of a follow-up record it checks, against the report's row as stored and locked
until the transaction ends (so an approval and an entry cannot pass each other):

1. An approved report, and every outcome in it, never changes again, for anyone.
2. Outcomes change only while their report is open; a submitted report waits for the clerk.
3. A report moves only open → submitted → approved, or submitted → open (the clerk reopens it);
   it never moves to another case or period, and a new one starts open.
4. The user's role (budgetplan.access.followup), when the write names a user.

5. After the write, in its transaction: one more revision of each report whose document it
   changed (the report's PDF is rendered per revision, budgetplan.document.pdf_jobs), and of
   the plan's reports of the same year that are not approved (their charts show the earlier
   periods' outcomes).

The plan itself is the case's guard's: a follow-up never writes the plan's records, it only
points at them, so a decided plan stays exactly as decided.
The same rule 1–3 is connected to the models' pre_save/pre_delete, so a `save()` typed in a
shell is refused like a form; loading a fixture (raw) is not guarded.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.signals import pre_delete, pre_save

from budgetplan.access import followup as access
from budgetplan.access.permissions import ChangeRefused
from budgetplan.kernel import guards
from followup.models import OUTCOME_MODELS, FollowUpPeriod, FollowUpReport, ReportStatus

APPROVED_FINAL = "Uppföljningen är godkänd och kan inte ändras."
SUBMITTED_LOCKED = (
    "Uppföljningen är inlämnad och kan inte ändras; nämndsekreteraren kan öppna den igen."
)
NEW_REPORT_OPEN = "En ny uppföljning börjar som öppen."
ONE_STEP = "En uppföljning flyttas från öppen till inlämnad till godkänd, eller tillbaka till öppen från inlämnad."
STAYS_WITH_ITS_PLAN = "En uppföljning och dess utfall hör alltid till samma plan och period."
PERIOD_HAS_APPROVED = "Perioden har godkända uppföljningar och kan inte längre ändras."

ALLOWED_MOVES = {
    (ReportStatus.OPEN, ReportStatus.OPEN),
    (ReportStatus.OPEN, ReportStatus.SUBMITTED),
    (ReportStatus.SUBMITTED, ReportStatus.APPROVED),
    (ReportStatus.SUBMITTED, ReportStatus.OPEN),
}
FOLLOWUP_MODELS = (FollowUpPeriod, FollowUpReport, *OUTCOME_MODELS)


def _reports(ids, *, lock: bool) -> dict[int, FollowUpReport]:
    ids = {pk for pk in ids if pk is not None}
    if not ids:
        return {}
    rows = FollowUpReport.objects.select_related("case").filter(pk__in=ids)
    if lock and transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update(of=("self",)).order_by("pk")
    return {report.pk: report for report in rows}


def _stored_report_ids(model, instances) -> dict:
    pks = [instance.pk for instance in instances if instance.pk is not None]
    if not pks:
        return {}
    return dict(model._base_manager.filter(pk__in=pks).values_list("pk", "report_id"))


def _rule(instance, reports: dict[int, FollowUpReport], stored_report_ids: dict, *, deleting=False):
    """Rules 1–3 for one record; returns (the report as stored, its status before the write)."""
    if isinstance(instance, FollowUpPeriod):
        if instance.pk is not None and FollowUpReport.objects.filter(
            period_id=instance.pk, status=ReportStatus.APPROVED,
        ).exists():
            raise ValidationError(PERIOD_HAS_APPROVED, code="followup_period_final")
        return None, None
    if isinstance(instance, FollowUpReport):
        stored = reports.get(instance.pk) if instance.pk is not None else None
        if stored is None:
            if instance.status != ReportStatus.OPEN:
                raise ValidationError(NEW_REPORT_OPEN, code="followup_new_open")
            return None, None
        if stored.status == ReportStatus.APPROVED:
            raise ValidationError(APPROVED_FINAL, code="followup_approved")
        if deleting:
            return stored, stored.status
        if (stored.case_id, stored.period_id) != (instance.case_id, instance.period_id):
            raise ValidationError(STAYS_WITH_ITS_PLAN, code="followup_same_plan")
        if (stored.status, instance.status) not in ALLOWED_MOVES:
            if stored.status == instance.status == ReportStatus.SUBMITTED:
                raise ValidationError(SUBMITTED_LOCKED, code="followup_submitted")
            raise ValidationError(ONE_STEP, code="followup_one_step")
        return stored, stored.status
    report = reports.get(instance.report_id)
    before = stored_report_ids.get(instance.pk, instance.report_id)
    if before != instance.report_id:
        raise ValidationError(STAYS_WITH_ITS_PLAN, code="followup_same_plan")
    if report is None:
        return None, None
    if report.status == ReportStatus.APPROVED:
        raise ValidationError(APPROVED_FINAL, code="followup_approved")
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError(SUBMITTED_LOCKED, code="followup_submitted")
    return report, report.status


def _report_ids(instances) -> set:
    return {
        instance.pk if isinstance(instance, FollowUpReport) else getattr(instance, "report_id", None)
        for instance in instances
    }


def ensure_followup_changeable(instance, *, user=None, deleting=False, lock=True) -> None:
    model = type(instance)
    stored_ids = _stored_report_ids(model, [instance]) if model in OUTCOME_MODELS else {}
    reports = _reports(_report_ids([instance]) | set(stored_ids.values()), lock=lock)
    report, status = _rule(instance, reports, stored_ids, deleting=deleting)
    if user is not None:
        reason = access.change_refusal(user, instance, report, status)
        if reason:
            raise ChangeRefused(reason, code="permission_denied")


_listeners: list = []


def listen(listener) -> None:
    """Call `listener(report_ids)` after each count of new report revisions (inside the
    writer's transaction): the report's background PDF (pdf_jobs) is scheduled from there."""
    if listener not in _listeners:
        _listeners.append(listener)


def _touched_reports(instances) -> frozenset:
    """The reports whose document a write of these records changes (a period's: all of it)."""
    ids = set()
    for instance in instances:
        if isinstance(instance, FollowUpPeriod):
            if instance.pk is not None:
                ids.update(FollowUpReport.objects.filter(period_id=instance.pk).values_list("pk", flat=True))
        elif isinstance(instance, FollowUpReport):
            ids.add(instance.pk)
        else:
            ids.add(getattr(instance, "report_id", None))
    return frozenset(pk for pk in ids if pk is not None)


def bump_report_revisions(report_ids) -> None:
    """One more revision of each report, and of the same plans' reports of the same year that
    are not approved; then the listeners hear of them. Two queries."""
    if not report_ids:
        return
    touched = FollowUpReport._base_manager.filter(pk__in=report_ids)
    ids = list(FollowUpReport._base_manager.filter(
        Q(pk__in=report_ids)
        | Q(case_id__in=touched.values("case_id"), period__year__in=touched.values("period__year"))
        & ~Q(status=ReportStatus.APPROVED)
    ).values_list("pk", flat=True))
    FollowUpReport._base_manager.filter(pk__in=ids).update(revision=F("revision") + 1)
    for listener in _listeners:
        listener(ids)


class FollowUpGuard(guards.WriteGuard):
    """The follow-up's rules on the kernel's write path (see the module's docstring)."""

    def check(self, instance, *, user, deleting=False):
        if isinstance(instance, FOLLOWUP_MODELS):
            ensure_followup_changeable(instance, user=user, deleting=deleting)
            instance._followup_checked = True
            return _touched_reports([instance]) or None
        return None

    def written(self, note) -> None:
        if note:
            bump_report_revisions(note)

    def check_many(self, instances, *, user):
        if not instances or not isinstance(instances[0], FOLLOWUP_MODELS):
            return {}, None
        model = type(instances[0])
        stored_ids = _stored_report_ids(model, instances) if model in OUTCOME_MODELS else {}
        reports = _reports(_report_ids(instances) | set(stored_ids.values()), lock=True)
        errors = {}
        for index, instance in enumerate(instances):
            try:
                report, status = _rule(instance, reports, stored_ids)
                if user is not None:
                    reason = access.change_refusal(user, instance, report, status)
                    if reason:
                        raise ChangeRefused(reason, code="permission_denied")
            except ValidationError as error:  # ChangeRefused is one too
                errors[index] = error
        return errors, _touched_reports(instances) or None


def _guard_save(sender, instance, raw=False, **kwargs):
    if raw or instance.__dict__.pop("_followup_checked", False):
        return
    ensure_followup_changeable(instance, lock=False)


def _guard_delete(sender, instance, **kwargs):
    if instance.__dict__.pop("_followup_checked", False):
        return
    ensure_followup_changeable(instance, deleting=True, lock=False)


def connect_guards() -> None:
    guards.register(FollowUpGuard())
    for model in FOLLOWUP_MODELS:
        pre_save.connect(_guard_save, sender=model, dispatch_uid=f"followup_save_{model.__name__}")
        pre_delete.connect(_guard_delete, sender=model, dispatch_uid=f"followup_delete_{model.__name__}")

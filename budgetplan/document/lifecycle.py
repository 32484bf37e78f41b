"""The life of a case: draft → proposed → decided, the stored PDF of the decision, new versions,
and the rule that a decided case, and everything its document shows, never changes again.

The rule "decided is final" is checked in three places that share one function
(`ensure_changeable`): the kernel's write services (record_save, record_delete, records_create,
records_update), which every form, import and script is meant to use and which ask the guard
this module registers with them (CaseGuard); and a pre_save/pre_delete guard on every model a
case's document is made of, connected with it in DocumentConfig.ready(). The
guard is there because the issue asks for the rule on every path, the shell included: a
`row.save()` or `case.delete()` typed at a prompt is refused like an admin form. Bulk queryset
writes (`QuerySet.update()`, `bulk_create`) send no signals; the services' bulk functions check
before they write, and a raw `QuerySet.update()` is the one path left to the database's owner.
Loading a fixture (`loaddata`, raw saves) restores a stored state and is not guarded.
"""
import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Max
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.utils import timezone

from budgetplan.access import ownership, permissions
from budgetplan.cases.models import (
    Attachment,
    Case,
    CaseTransition,
    DecidedDocument,
    DecisionPoint,
    OfficialsReport,
    Responsibility,
    Statement,
    StatementSection,
    Subject,
)
from budgetplan.cases.references import case_missing_references
from budgetplan.kernel import guards
from budgetplan.kernel.placeholders import amount_placeholder_problem
from finance import models as finance
from goals import models as goals
from reservations import models as reservations

from .revisions import bump_revisions

DECIDED_MESSAGE = "Ärendet är beslutat och kan inte ändras."
STATUS_BY_TRANSITION = (
    "Ärendets status och beslutsdatum ändras bara genom att flytta ärendet vidare."
)
NEW_CASE_IS_DRAFT = "Ett nytt ärende börjar som utkast; det flyttas sedan vidare steg för steg."
LIFECYCLE_RECORDS = "Statusändringar och beslutade dokument skapas bara när ärendet flyttas vidare."
ONE_STEP = "Ärendet kan bara flyttas ett steg i taget, från {current} till {next}."
ALREADY_DECIDED = "Ärendet är redan beslutat."
NOT_YOUR_CASE_TO_MOVE = permissions.CLERKS_MOVE_CASES
NEW_VERSION_OF_DECIDED_ONLY = "En ny version kan bara skapas från ett beslutat ärende."
NOT_YOUR_CASE_TO_REVISE = "Bara nämndsekreteraren för ärendets nämnd kan skapa en ny version."

NEXT_STATUS = {
    Case.Status.DRAFT: Case.Status.PROPOSED,
    Case.Status.PROPOSED: Case.Status.DECIDED,
}

# Every model whose rows make up a case's document, and the lifecycle's own records.
GUARDED_MODELS: tuple[type[models.Model], ...] = (
    *ownership.CASE_ID_PATHS,
    *ownership.SHARED_MODELS,
    goals.Indicator,
    goals.Activity,
    CaseTransition,
    DecidedDocument,
)
LIFECYCLE_MODELS = (CaseTransition, DecidedDocument)

# The case that case_transition is moving right now: only it may change status, and only it
# may get its transition record and decided document.
_moving: ContextVar[int | None] = ContextVar("budgetplan_case_being_moved", default=None)


# ---- Which cases a write touches -------------------------------------------------------------


def _case_ids_now(instance: models.Model) -> set[int]:
    """The cases whose document shows the record as it is about to be written."""
    if isinstance(instance, LIFECYCLE_MODELS):
        return {instance.case_id} if instance.case_id else set()
    if isinstance(instance, goals.Activity) and instance.board_goal_id is None:
        # A council activity shows in its assigned board's plans that take its goal, from the
        # moment it is created.
        if not (instance.council_goal_id and instance.assigned_board_id):
            return set()
        return set(
            goals.PlanCouncilGoal.objects.filter(
                council_goal_id=instance.council_goal_id,
                case__board_id=instance.assigned_board_id,
            ).values_list("case_id", flat=True)
        )
    return ownership.case_ids_for(instance)


def _case_ids_stored(model: type[models.Model], pk) -> set[int]:
    """The cases whose document shows the record as the database holds it now."""
    path = ownership.CASE_ID_PATHS.get(model)
    if model in LIFECYCLE_MODELS:
        path = "case_id"
    if path == "pk":
        return {pk}
    if path is not None:
        return {
            value for value in model._base_manager.filter(pk=pk).values_list(path, flat=True)
            if value is not None
        }
    if model in (goals.Indicator, goals.Activity):
        stored = model._base_manager.filter(pk=pk).first()
        return _case_ids_now(stored) if stored is not None else set()
    # The shared goals, parties and persons belong to the cases that refer to them; their own
    # fields do not change which cases those are.
    return set()


def case_ids_touched(instance: models.Model) -> set[int]:
    ids = _case_ids_now(instance)
    if instance.pk is not None:
        ids |= _case_ids_stored(type(instance), instance.pk)
    return ids


def _load_cases(ids: Iterable[int], *, lock: bool = False) -> dict[int, Case]:
    """The cases by id. With `lock`, inside a transaction, their rows stay locked until it ends:
    a write checked against a case's status then cannot land after a decision that began
    meanwhile (case_transition holds the row while it renders the PDF), and is refused instead.
    Locked in the order of their ids, as every writer does, so two writers do not deadlock."""
    ids = set(ids)
    if not ids:
        return {}
    cases = Case.objects.only("pk", "status", "decided_on", "board_id").filter(pk__in=ids)
    if lock and transaction.get_connection().in_atomic_block:
        cases = cases.select_for_update().order_by("pk")
    return {case.pk: case for case in cases}


def cases_touched(instance: models.Model, *, lock: bool = False) -> list[Case]:
    """The cases (status and board) a write to this record changes, before and after."""
    return list(_load_cases(case_ids_touched(instance), lock=lock).values())


# ---- Decided is final ------------------------------------------------------------------------


def decided_cases(instance: models.Model) -> list[Case]:
    """The decided cases whose document the record is part of (for the admin's notice)."""
    return [case for case in cases_touched(instance) if case.status == Case.Status.DECIDED]


def ensure_changeable(instance: models.Model, cases: Iterable[Case], *, deleting: bool = False):
    """Refuse, with a message a person can read, a write that would change a decided case.

    The only writes a decided case still takes are case_transition's own: the status and date,
    the transition record and the stored PDF, while it moves that very case.
    """
    cases = list(cases)
    moving = _moving.get()
    if isinstance(instance, LIFECYCLE_MODELS) and not deleting:
        # Written once, by case_transition, for the case it moves; never changed afterwards.
        if moving is None or instance.case_id != moving or instance.pk is not None:
            raise ValidationError(LIFECYCLE_RECORDS, code="lifecycle_records")
        return
    if any(case.status == Case.Status.DECIDED for case in cases):
        if not (isinstance(instance, Case) and instance.pk == moving and not deleting):
            raise ValidationError(DECIDED_MESSAGE, code="case_decided")
    if isinstance(instance, Case) and not deleting and (moving is None or instance.pk != moving):
        _ensure_status_unchanged(instance, {case.pk: case for case in cases})


def _ensure_status_unchanged(case: Case, stored: dict[int, Case]) -> None:
    if case.pk is None or case.pk not in stored:
        if case.status != Case.Status.DRAFT or case.decided_on is not None:
            raise ValidationError({"status": NEW_CASE_IS_DRAFT}, code="case_new_not_draft")
        return
    before = stored[case.pk]
    if (before.status, before.decided_on) != (case.status, case.decided_on):
        raise ValidationError({"status": STATUS_BY_TRANSITION}, code="case_status_by_transition")


def _signature(instance: models.Model) -> tuple:
    """What the check depends on: which cases the record is in, and a case's status and date.

    Other fields (texts, amounts, the version counter the save bumps) may change between the
    check and the save without making the check stale. Read from __dict__: a deferred field is
    not loaded just to be compared.
    """
    names = [f.attname for f in instance._meta.concrete_fields if f.is_relation or f.primary_key]
    if isinstance(instance, Case):
        names += ["status", "decided_on"]
    return tuple(instance.__dict__.get(name) for name in names)


def guard_write(*, instance: models.Model, user=None, deleting: bool = False) -> list[Case]:
    """The services' check before one write: decided is final, then the user's role.

    With no user (a management command, a script, the test suite) only the first applies. The
    instance is marked as checked, so the model guard does not read the same rows again when
    the service saves it unchanged.
    """
    cases = cases_touched(instance, lock=True)
    ensure_changeable(instance, cases, deleting=deleting)
    if user is not None:
        permissions.ensure_may_change(user, instance, cases)
    instance._lifecycle_checked = _signature(instance)
    return cases


def guard_many(
    *, instances: list[models.Model], user=None,
) -> tuple[dict[int, ValidationError], set[int]]:
    """The same check for many records of one model at once, in a few queries.

    Returns the refusals by position (for RecordsInvalid), the user's missing rights among them
    (as permissions.ChangeRefused), and the ids of the cases the records are part of.
    """
    if not instances:
        return {}, set()
    ids_per_instance = _case_ids_many(instances)
    cases = _load_cases(set().union(*ids_per_instance), lock=True)
    errors: dict[int, ValidationError] = {}
    for index, (instance, ids) in enumerate(zip(instances, ids_per_instance)):
        touched = [cases[pk] for pk in ids if pk in cases]
        try:
            ensure_changeable(instance, touched)
        except ValidationError as error:
            errors[index] = error
            continue
        if user is not None:
            try:
                permissions.ensure_may_change(user, instance, touched)
            except permissions.ChangeRefused as error:
                errors[index] = error
    return errors, set().union(*ids_per_instance)


def _case_ids_many(instances: list[models.Model]) -> list[set[int]]:
    model = type(instances[0])
    if model in (goals.Indicator, goals.Activity):
        return _goal_rows_case_ids_many(model, instances)
    path = ownership.CASE_ID_PATHS.get(model)
    if path is None or path == "pk":
        return [case_ids_touched(instance) for instance in instances]
    if "__" in path:
        parent_name, rest = path.split("__", 1)
        parent_field = model._meta.get_field(parent_name)
        parent_ids = {getattr(instance, parent_field.attname) for instance in instances}
        parents = dict(
            parent_field.related_model._base_manager.filter(pk__in=parent_ids - {None})
            .values_list("pk", rest)
        )
        now = [parents.get(getattr(instance, parent_field.attname)) for instance in instances]
    else:
        now = [getattr(instance, path) for instance in instances]
    pks = [instance.pk for instance in instances if instance.pk is not None]
    stored = dict(model._base_manager.filter(pk__in=pks).values_list("pk", path)) if pks else {}
    return [
        {value for value in (current, stored.get(instance.pk)) if value is not None}
        for instance, current in zip(instances, now)
    ]


def _goal_rows_case_ids_many(model, instances: list[models.Model]) -> list[set[int]]:
    """_case_ids_now and _case_ids_stored for many indicators or activities in four queries.

    A board's own row belongs to its board goal's case; a council indicator to the plans that
    follow it; a council activity to its assigned board's plans that take its council goal.
    Each row counts as it is about to be written and as it is stored.
    """
    is_activity = model is goals.Activity

    def state(row) -> tuple:
        return (row.pk, row.board_goal_id, row.council_goal_id,
                row.assigned_board_id if is_activity else None)

    pks = [instance.pk for instance in instances if instance.pk is not None]
    fields = ["pk", "board_goal_id", "council_goal_id"] + (["assigned_board_id"] if is_activity else [])
    stored = {}
    if pks:
        for values in model._base_manager.filter(pk__in=pks).values_list(*fields):
            stored[values[0]] = tuple(values) if is_activity else (*values, None)
    now = [state(instance) for instance in instances]
    states = now + list(stored.values())

    board_goal_case = dict(
        goals.BoardGoal._base_manager.filter(pk__in={s[1] for s in states if s[1]})
        .values_list("pk", "case_id")
    )
    council_cases: dict = defaultdict(set)
    if is_activity:
        plans = goals.PlanCouncilGoal.objects.filter(
            council_goal_id__in={s[2] for s in states if not s[1] and s[2]},
            case__board_id__in={s[3] for s in states if not s[1] and s[3]},
        ).values_list("council_goal_id", "case__board_id", "case_id")
        for goal_id, board_id, case_id in plans:
            council_cases[(goal_id, board_id)].add(case_id)
    else:
        plans = goals.PlanIndicator.objects.filter(
            indicator_id__in={s[0] for s in states if not s[1] and s[0]},
        ).values_list("indicator_id", "case_id")
        for indicator_id, case_id in plans:
            council_cases[indicator_id].add(case_id)

    def cases_of(s: tuple) -> set[int]:
        if s[1]:
            return {board_goal_case[s[1]]} if s[1] in board_goal_case else set()
        if is_activity:
            return set(council_cases.get((s[2], s[3]), ())) if s[2] and s[3] else set()
        return set(council_cases.get(s[0], ())) if s[0] else set()

    return [
        cases_of(current) | (cases_of(stored[instance.pk]) if instance.pk in stored else set())
        for instance, current in zip(instances, now)
    ]


# ---- The model guard: the same rule for writes that bypass the services ----------------------


def _guard_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.__dict__.pop("_lifecycle_checked", None) == _signature(instance):
        return
    ensure_changeable(instance, cases_touched(instance))


def _guard_delete(sender, instance, **kwargs):
    if instance.__dict__.pop("_lifecycle_checked", None) == _signature(instance):
        return
    ensure_changeable(instance, cases_touched(instance), deleting=True)


def _guard_signatories(sender, instance, action, reverse, pk_set, **kwargs):
    """reservation.signatories.add()/remove() write Signatory rows without saving them."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if reverse:  # person.reservations.add(...): the reservations are the ones changed
        changed = reservations.Reservation.objects.all()
        if pk_set is None:
            changed = changed.filter(signatory_rows__person=instance)
        else:
            changed = changed.filter(pk__in=pk_set)
        ids = set(changed.values_list("case_id", flat=True))
    else:
        ids = {instance.case_id}
    ensure_changeable(instance, _load_cases(ids).values())


class CaseGuard(guards.WriteGuard):
    """The case's rules on the kernel's write path: decided is final, then the user's role;
    after the write, one more revision of each case it changed."""

    def check(self, instance, *, user, deleting=False):
        return frozenset(case.pk for case in guard_write(instance=instance, user=user, deleting=deleting))

    def check_many(self, instances, *, user):
        errors, case_ids = guard_many(instances=instances, user=user)
        return errors, frozenset(case_ids)

    def written(self, note) -> None:
        bump_revisions(note)


def connect_guards() -> None:
    guards.register(CaseGuard())
    for model in GUARDED_MODELS:
        pre_save.connect(_guard_save, sender=model, dispatch_uid=f"lifecycle_save_{model.__name__}")
        pre_delete.connect(
            _guard_delete, sender=model, dispatch_uid=f"lifecycle_delete_{model.__name__}",
        )
    m2m_changed.connect(
        _guard_signatories, sender=reservations.Reservation.signatories.through,
        dispatch_uid="lifecycle_signatories",
    )


# ---- Moving a case forward -------------------------------------------------------------------


@contextmanager
def _moving_case(case_id: int):
    token = _moving.set(case_id)
    try:
        yield
    finally:
        _moving.reset(token)


def case_transition(*, case: Case, to_status: str, user, decided_on=None) -> CaseTransition:
    """Move the case one step: draft → proposed → decided, recorded with who and when.

    At the decision the PDF is rendered once and stored with its SHA-256; from then on that file
    is what the case's PDF download serves. Storage takes no part in the transaction: the file is
    written before the row that names it, and removed again when the transition rolls back (an
    enclosing transaction that rolls back later leaves it to `manage.py clean_media`).
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _move(case=case, to_status=to_status, user=user, decided_on=decided_on, stored=stored)
    except BaseException:
        for name in stored:
            DecidedDocument._meta.get_field("file").storage.delete(name)
        raise


def check_step(*, case: Case, to_status: str, user) -> None:
    """Refuse a step of the case's life that this user may not take now: not theirs to move,
    already decided, or not the one next step (the case as read by the caller)."""
    if user is not None and not permissions.can_transition_case(user, case):
        raise PermissionDenied(NOT_YOUR_CASE_TO_MOVE)
    if case.status == Case.Status.DECIDED:
        raise ValidationError(ALREADY_DECIDED, code="case_decided")
    expected = NEXT_STATUS[Case.Status(case.status)]
    if to_status != expected:
        raise ValidationError(
            ONE_STEP.format(current=case.get_status_display().lower(), next=expected.label.lower()),
            code="case_one_step",
        )


def _move(*, case: Case, to_status: str, user, decided_on, stored: list[str]) -> CaseTransition:
    from budgetplan.kernel.services import record_save

    case = Case.objects.select_for_update().get(pk=case.pk)
    check_step(case=case, to_status=to_status, user=user)
    if to_status == Case.Status.PROPOSED:
        missing = case_missing_references(case.pk)
        if missing:
            raise ValidationError(missing, code="case_missing_attachment")
        _ensure_figures_quotable(case)
    before = case.status
    with _moving_case(case.pk):
        case.status = to_status
        case.decided_on = decided_on if to_status == Case.Status.DECIDED else None
        if to_status == Case.Status.DECIDED:
            # The board as named today is what the decision said, whatever it is called later.
            if case.board_id is not None:  # a city-wide case names no board
                case.decided_board_name, case.decided_board_office = case.board.name, case.board.office
        record_save(instance=case, user=user)
        transition = record_save(
            instance=CaseTransition(case=case, from_status=before, to_status=to_status, by=user),
            user=user,
        )
        if to_status == Case.Status.DECIDED:
            _store_decided_document(case, user, stored)
    return transition


def figure_refusals(case: Case) -> list[str]:
    """Why the case's points cannot be put forward as they quote their figures: a figure that
    sums no rows would read "0,0 mnkr", a placeholder that names no figure would show as typed."""
    from finance.selectors import case_figures, case_finance

    figures = case_figures(case_id=case.pk, finance=case_finance(case_id=case.pk))
    reasons = []
    for point in DecisionPoint.objects.filter(case=case).order_by("number"):
        quoted = figures.point_amounts(point.pk)
        problem = amount_placeholder_problem(point.text, len(quoted))
        if problem:
            reasons.append(f"Beslutspunkt {point.number}: {problem}.")
        for value in quoted:
            if not value.rows:
                reasons.append(
                    f"Beslutspunkt {point.number} citerar summa {value.figure.number} "
                    f"”{value.figure.name}”, som inte summerar några rader; lägg till raderna "
                    f"eller ändra vad summan väljer innan ärendet skickas vidare."
                )
    return reasons


def _ensure_figures_quotable(case: Case) -> None:
    reasons = figure_refusals(case)
    if reasons:
        raise ValidationError(reasons, code="figure_without_rows")


def _store_decided_document(case: Case, user, stored: list[str]) -> DecidedDocument:
    from budgetplan.kernel.services import record_save

    from .exports import EXPORTERS
    from .selectors import case_document

    document = case_document(case_id=case.pk)
    content = EXPORTERS["pdf"](document)
    decided = DecidedDocument(
        case=case, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
    )
    decided.file.save(f"{document.file_stem}.pdf", ContentFile(content), save=False)
    stored.append(decided.file.name)
    return record_save(instance=decided, user=user)


DECIDED_DIR = "beslutade"  # where decided_document_upload_to puts the files


def remove_unused_decided_files(*, older_than: datetime.timedelta) -> int:
    """Remove decided PDFs no decided document names: left by a decision whose transaction
    rolled back after the file was stored (in an enclosing transaction, or a process killed
    in between). Only files older than `older_than`, so a decision being saved keeps its file.
    How many were removed."""
    storage = DecidedDocument._meta.get_field("file").storage
    try:
        folders, _ = storage.listdir(DECIDED_DIR)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    named = set(DecidedDocument.objects.values_list("file", flat=True))
    oldest_kept = timezone.now() - older_than
    removed = 0
    for folder in folders:
        _, files = storage.listdir(f"{DECIDED_DIR}/{folder}")
        for file in files:
            name = f"{DECIDED_DIR}/{folder}/{file}"
            if name in named:
                continue
            try:
                if storage.get_modified_time(name) < oldest_kept:
                    storage.delete(name)
                    removed += 1
            except FileNotFoundError:
                continue
    return removed


def decided_pdf(case: Case) -> tuple[str, DecidedDocument] | None:
    """The PDF stored at a case's decision: the download's file name and the stored document,
    whose file the caller opens (and streams) exactly as it was rendered at the decision."""
    document = DecidedDocument.objects.filter(case_id=case.pk).first()
    if document is None:
        return None
    from .selectors import case_file_stem

    # Named after the case, not the stored file, whose name storage may have made unique.
    return f"{case_file_stem(case)}.pdf", document


# ---- A new version of a decided case ---------------------------------------------------------


def _copy(instance: models.Model, **changes) -> models.Model:
    """An unsaved copy of the record with its own fields, and the parents given in `changes`."""
    values = {
        # A stored file is referred to by its name; the FieldFile object belongs to the original.
        f.attname: getattr(instance, f.attname).name if isinstance(f, models.FileField)
        else getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.editable and not f.primary_key
    }
    copy = type(instance)(**values)
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def next_memo_serial(*, memo_year: int, memo_rotel: str) -> int:
    highest = Case.objects.filter(memo_year=memo_year, memo_rotel=memo_rotel).aggregate(
        highest=Max("memo_serial"))["highest"]
    return (highest or 0) + 1


@transaction.atomic
def case_new_version(*, case: Case, user) -> Case:
    """A full copy of a decided case as a draft that names it as its predecessor.

    The copy gets the next free memo serial of the same year and rotel, and no registry number:
    a Dnr is the city registry's to give, and unique, so the clerk enters the revised plan's
    own Dnr when the registry has assigned it. Attachments keep their title, number and stored
    file (stored files are never removed or overwritten, so sharing one is safe).
    """
    from budgetplan.kernel.services import record_save, records_create

    case = Case.objects.select_related("board").get(pk=case.pk)
    if case.status != Case.Status.DECIDED:
        raise ValidationError(NEW_VERSION_OF_DECIDED_ONLY, code="new_version_not_decided")
    if user is not None and not permissions.can_transition_case(user, case):
        raise PermissionDenied(NOT_YOUR_CASE_TO_REVISE)

    new = _copy(
        case, status=Case.Status.DRAFT, decided_on=None, predecessor_id=case.pk,
        memo_serial=next_memo_serial(memo_year=case.memo_year, memo_rotel=case.memo_rotel),
    )
    record_save(instance=new, user=user)

    def copy_all(model, rows, **parents):
        """Copy rows of one model; `parents` maps a foreign key's attname to {old id: new id}."""
        copies = []
        for row in rows:
            changes = {}
            if hasattr(row, "case_id") and "case_id" not in parents:
                changes["case_id"] = new.pk
            for attname, mapping in parents.items():
                old = getattr(row, attname)
                changes[attname] = mapping.get(old, old) if old is not None else None
            copies.append(_copy(row, **changes))
        records_create(instances=copies, user=user)
        return {row.pk: copy.pk for row, copy in zip(rows, copies)}

    subjects = copy_all(Subject, list(Subject.objects.filter(case=case)))
    points = copy_all(DecisionPoint, list(DecisionPoint.objects.filter(case=case)),
                      subject_id=subjects)
    copy_all(Attachment, list(Attachment.objects.filter(case=case)))
    statements = copy_all(Statement, list(Statement.objects.filter(case=case)))
    copy_all(
        StatementSection, list(StatementSection.objects.filter(statement__case=case)),
        statement_id=statements,
    )
    reports = copy_all(OfficialsReport, list(OfficialsReport.objects.filter(case=case)))
    copy_all(
        Responsibility, list(Responsibility.objects.filter(report__case=case)), report_id=reports,
    )

    copy_all(goals.PlanStrategicGoal, list(goals.PlanStrategicGoal.objects.filter(case=case)))
    copy_all(goals.PlanCouncilGoal, list(goals.PlanCouncilGoal.objects.filter(case=case)))
    board_goals = copy_all(goals.BoardGoal, list(goals.BoardGoal.objects.filter(case=case)))
    board_indicators = copy_all(
        goals.Indicator, list(goals.Indicator.objects.filter(board_goal__case=case)),
        board_goal_id=board_goals,
    )
    copy_all(
        goals.Activity, list(goals.Activity.objects.filter(board_goal__case=case)),
        board_goal_id=board_goals,
    )
    copy_all(
        goals.PlanIndicator, list(goals.PlanIndicator.objects.filter(case=case)),
        indicator_id=board_indicators,
    )

    frames = copy_all(
        finance.FinancialFrame, list(finance.FinancialFrame.objects.filter(case=case)),
    )
    for model in (finance.OperatingBudgetRow, finance.Investment, finance.ResultUnit,
                  finance.MajorProject, finance.TurnoverChange):
        copy_all(model, list(model.objects.filter(frame__case=case)), frame_id=frames)
    copy_all(finance.BudgetAdjustment, list(finance.BudgetAdjustment.objects.filter(case=case)))
    figures = copy_all(finance.Figure, list(finance.Figure.objects.filter(case=case)))
    copy_all(
        finance.QuotedFigure, list(finance.QuotedFigure.objects.filter(point__case=case)),
        point_id=points, figure_id=figures,
    )

    _copy_reservations(case, new, copy_all)
    return new


def _copy_reservations(case: Case, new: Case, copy_all) -> None:
    """Reservations that refer to another come after the one they refer to."""
    rows = list(reservations.Reservation.objects.filter(case=case).order_by("order"))
    copied: dict[int, int] = {}
    remaining = rows
    while remaining:
        ready = [row for row in remaining if row.refers_to_id is None or row.refers_to_id in copied]
        if not ready:  # a cycle cannot be saved in the first place; stop rather than loop
            break
        copied.update(copy_all(reservations.Reservation, ready, refers_to_id=copied))
        remaining = [row for row in remaining if row.pk not in copied]
    copy_all(
        reservations.Signatory,
        list(reservations.Signatory.objects.filter(reservation__case=case)),
        reservation_id=copied,
    )
    copy_all(
        reservations.ReservationPoint,
        list(reservations.ReservationPoint.objects.filter(reservation__case=case)),
        reservation_id=copied,
    )

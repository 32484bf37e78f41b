"""Writes to the case and everything beneath it, shared by the admin, the workbook import and scripts.

Every write goes through `record_save` or `record_delete` (or, many rows of one model at once,
`records_create` and `records_update`), so a rule that must hold whatever path a change comes by
(validation, immutability of decided cases, history and optimistic locking) lives in one place.

History: each write names its user to django-simple-history (budgetplan.kernel.history.acting_as), and
the bulk writes use the library's bulk helpers, which record a history row per record as the
signals do for single saves.

Optimistic locking: a record read at version n is saved only while the stored row is still at
version n; the save claims n + 1 with a conditional UPDATE in the same transaction. Otherwise
RecordChanged (a ValidationError) says what someone else changed meanwhile, and nothing is saved.
"""
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connections, models, router, transaction
from django.db.models import F
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from budgetplan.cases.models import Case
from budgetplan.document import lifecycle

from .constraints import check_holds, referenced_fields
from .history import RecordChanged, acting_as, conflict_message, is_versioned

# Fields only the services write, with an UPDATE of their own, never from a copy of the record.
SERVICE_COUNTERS = frozenset({"revision"})


@transaction.atomic
def record_save(*, instance: models.Model, user=None) -> models.Model:
    """Validate the record with the model's own rules and constraints, then save it as the next
    version of the one it was read at; RecordChanged if someone saved it since."""
    # Decided is final, then the user's role (budgetplan.document.lifecycle, budgetplan.access.permissions).
    cases = lifecycle.guard_write(instance=instance, user=user)
    instance.full_clean()
    with acting_as(user):
        if is_versioned(instance) and not instance._state.adding:
            _claim_next_version(instance)
            # The case's revision is the services' counter: a stale copy never writes it back.
            instance.save(update_fields=_saved_fields(instance))
        else:
            instance.save()
    _bump_revisions({case.pk for case in cases})
    return instance


def _saved_fields(instance: models.Model) -> list[str]:
    return [
        f.name for f in instance._meta.concrete_fields
        if not f.primary_key and not f.generated and f.name not in SERVICE_COUNTERS
    ]


def _bump_revisions(case_ids) -> None:
    """Count one more revision of each case whose document the write changed: what a workbook
    was exported from is compared with it, and pages cached per revision are read anew."""
    case_ids = {pk for pk in case_ids if pk is not None}
    pending = _one_revision.get()
    if pending is not None:
        pending.update(case_ids)
    elif case_ids:
        Case._base_manager.filter(pk__in=case_ids).update(revision=F("revision") + 1)


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
    _bump_revisions(case_ids)


def _claim_next_version(instance: models.Model) -> None:
    """Move the stored row from the version this copy was read at to the next one, or refuse.

    The conditional UPDATE also locks the row until the transaction ends, so no other save can
    come between the check and the save that follows it.
    """
    expected = instance.version
    claimed = type(instance)._base_manager.filter(pk=instance.pk, version=expected).update(
        version=expected + 1,
    )
    if not claimed:
        raise RecordChanged(conflict_message(instance, expected), code="record_changed")
    instance.version = expected + 1


@transaction.atomic
def record_delete(*, instance: models.Model, user=None) -> None:
    cases = lifecycle.guard_write(instance=instance, user=user, deleting=True)
    with acting_as(user):
        instance.delete()
    _bump_revisions({case.pk for case in cases})


class RecordsInvalid(Exception):
    """Some of many records break the models' rules; `errors` maps their positions to why."""

    def __init__(self, errors: dict[int, ValidationError]):
        super().__init__(f"{len(errors)} ogiltiga poster")
        self.errors = errors


def record_check(*, instance: models.Model, exclude=()) -> None:
    """The record's own rules without a query per record: its fields, clean() and its check
    constraints (evaluated in Python by budgetplan.kernel.constraints where it can). Raises
    ValidationError like full_clean. That related records exist and unique constraints hold is
    left to the database, which refuses the write if not."""
    exclude = set(exclude)
    relations = [f for f in instance._meta.concrete_fields if f.is_relation and f.name not in exclude]
    errors: dict = {}
    try:
        instance.clean_fields(exclude=exclude | {f.name for f in relations})
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for field in relations:
        if not field.null and getattr(instance, field.attname) is None:
            errors.setdefault(field.name, []).append(
                ValidationError(field.error_messages["null"], code="null"))
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    skipped = exclude | {name for name in errors if name != NON_FIELD_ERRORS}
    for model, constraints in instance.get_constraints():
        for constraint in constraints:
            if not isinstance(constraint, models.CheckConstraint):
                continue
            if referenced_fields(constraint.condition) & skipped:
                continue
            holds = check_holds(constraint.condition, instance)
            if holds is None:
                try:
                    constraint.validate(model, instance, exclude=skipped)
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
            elif not holds:
                errors = ValidationError(
                    constraint.get_violation_error_message(), code=constraint.violation_error_code,
                ).update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _check_all(instances, user=None) -> None:
    # A record of a decided case, or one the user may not change, is refused by position like
    # a broken rule (budgetplan.document.lifecycle.guard_many).
    errors = lifecycle.guard_many(instances=instances, user=user)
    for index, instance in enumerate(instances):
        if index in errors:
            continue
        try:
            record_check(instance=instance)
        except ValidationError as error:
            errors[index] = error
    if errors:
        raise RecordsInvalid(errors)


@transaction.atomic
def records_create(*, instances: list[models.Model], user=None) -> list[models.Model]:
    """Check many new records of one model with record_check, then insert them together.

    Raises RecordsInvalid before anything is written; a unique or foreign-key violation comes
    from the database as IntegrityError and writes none of them.
    """
    _check_all(instances, user=user)
    if instances:
        with acting_as(user):
            bulk_create_with_history(
                instances, type(instances[0]), batch_size=500, default_user=_known(user),
            )
        _bump_revisions(set().union(*lifecycle._case_ids_many(instances)))
    return instances


@transaction.atomic
def records_update(*, instances: list[models.Model], fields: list[str], user=None) -> None:
    """Check many changed records of one model with record_check, then update `fields` together.

    Each record must still be stored at the version it was read at (see record_save); the rows
    are locked and compared in one query, and RecordsInvalid names those someone else changed.
    """
    _check_all(instances, user=user)
    if not instances:
        return
    model = type(instances[0])
    if is_versioned(model):
        _claim_next_versions(model, instances)
        fields = [*fields, "version"] if "version" not in fields else fields
    with acting_as(user), transaction.atomic(savepoint=False):
        _update_rows(model, instances, fields)
        # what simple-history's bulk_update_with_history records, after a faster UPDATE
        get_history_manager_for_model(model).bulk_history_create(
            instances, batch_size=500, update=True, default_user=_known(user),
        )
    _bump_revisions(set().union(*lifecycle._case_ids_many(instances)))


def _update_rows(model, instances: list[models.Model], fields: list[str], batch_size: int = 500) -> None:
    """Write `fields` of many rows of one model, each row its own values.

    On PostgreSQL one UPDATE … FROM (VALUES …) per batch: Django's bulk_update builds a CASE WHEN
    per row and field, and at thousands of rows building it costs more than the writing (10 000
    budget rows: about 8 s of a 19 s import). Elsewhere (the first try on SQLite) bulk_update.
    """
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model._base_manager.bulk_update(instances, fields, batch_size=batch_size)
        return
    quote = connection.ops.quote_name
    pk = model._meta.pk
    written = [model._meta.get_field(name) for name in fields]
    columns = [pk, *written]
    row = "(" + ", ".join(f"%s::{column.cast_db_type(connection)}" for column in columns) + ")"
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in written)
    names = ", ".join(quote(column.column) for column in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(instances), batch_size):
            batch = instances[start:start + batch_size]
            cursor.execute(
                f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "
                f"FROM (VALUES {', '.join([row] * len(batch))}) AS v({names}) "
                f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}",
                [column.get_db_prep_save(getattr(instance, column.attname), connection)
                 for instance in batch for column in columns],
            )


def _claim_next_versions(model, instances: list[models.Model]) -> None:
    stored = dict(
        model._base_manager.select_for_update()
        .filter(pk__in=[instance.pk for instance in instances]).values_list("pk", "version")
    )
    # Only when someone else wrote meanwhile does each changed record cost a query for its message.
    stale = {
        index: RecordChanged(conflict_message(instance, instance.version), code="record_changed")
        for index, instance in enumerate(instances) if stored.get(instance.pk) != instance.version
    }
    if stale:
        raise RecordsInvalid(stale)
    for instance in instances:
        instance.version += 1


def _known(user):
    """The user to record, or None to let the history fall back on the request's."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None

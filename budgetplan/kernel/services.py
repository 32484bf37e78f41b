"""Every write of a record, shared by the admin, the workbook import and scripts.

Every write goes through `record_save` or `record_delete` (or, many rows of one model at once,
`records_create` and `records_update`), so a rule that must hold whatever path a change comes by
(validation, history and optimistic locking here; immutability of decided cases and the roles
through the guards a higher layer registers, budgetplan.kernel.guards) lives in one place.

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

from . import guards
from .constraints import check_holds, referenced_fields
from .history import CounterField, RecordChanged, acting_as, conflict_message, is_versioned


def _check(instance: models.Model, user, *, deleting: bool = False) -> list[tuple]:
    return [(guard, guard.check(instance, user=user, deleting=deleting))
            for guard in guards.registered()]


def _written(notes: list[tuple]) -> None:
    deferred = _one_change.get()
    for guard, note in notes:
        if deferred is None:
            guard.written(note)
        elif note:
            deferred[guard] = deferred.get(guard, frozenset()) | note


_one_change: ContextVar[dict | None] = ContextVar("budgetplan_one_change", default=None)


@contextmanager
def one_change():
    """The writes inside are one change: each guard hears once, when the block ends without an
    error (inside the caller's transaction), of all that they wrote, not after every write (one
    more revision of a report for a whole entry, not one per kind of row). Notes are unions of
    what each write touched (budgetplan.kernel.guards)."""
    if _one_change.get() is not None:  # already inside one: that one tells the guards
        yield
        return
    token = _one_change.set({})
    try:
        yield
        deferred = _one_change.get()
    finally:
        _one_change.reset(token)
    for guard, note in deferred.items():
        guard.written(note)


@transaction.atomic
def record_save(*, instance: models.Model, user=None) -> models.Model:
    """Validate the record with the model's own rules and constraints, then save it as the next
    version of the one it was read at; RecordChanged if someone saved it since."""
    # Decided is final, then the user's role (the guard of budgetplan.document.lifecycle).
    notes = _check(instance, user)
    instance.full_clean()
    with acting_as(user):
        if is_versioned(instance) and not instance._state.adding:
            _claim_next_version(instance)
            # A counter such as the case's revision is the services' own: a stale copy never
            # writes it back.
            instance.save(update_fields=_saved_fields(instance))
        else:
            instance.save()
    _written(notes)
    return instance


def record_save_check(*, instance: models.Model, user=None) -> None:
    """What record_save would refuse, without writing anything: the guards, then the record's
    own rules (record_check). For a row that must be judged but cannot be written."""
    _check(instance, user)
    record_check(instance=instance)


def _saved_fields(instance: models.Model) -> list[str]:
    return [
        f.name for f in instance._meta.concrete_fields
        if not f.primary_key and not f.generated and not isinstance(f, CounterField)
    ]


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
    notes = _check(instance, user, deleting=True)
    with acting_as(user):
        instance.delete()
    _written(notes)


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


def _check_all(instances, user=None) -> list[tuple]:
    # A record a guard refuses (of a decided case, or one the user may not change) is refused
    # by position like a broken rule.
    errors: dict[int, ValidationError] = {}
    notes = []
    for guard in guards.registered():
        refused, note = guard.check_many(instances, user=user)
        for index, error in refused.items():
            errors.setdefault(index, error)
        notes.append((guard, note))
    for index, instance in enumerate(instances):
        if index in errors:
            continue
        try:
            record_check(instance=instance)
        except ValidationError as error:
            errors[index] = error
    if errors:
        raise RecordsInvalid(errors)
    return notes


@transaction.atomic
def records_create(*, instances: list[models.Model], user=None) -> list[models.Model]:
    """Check many new records of one model with record_check, then insert them together.

    Raises RecordsInvalid before anything is written; a unique or foreign-key violation comes
    from the database as IntegrityError and writes none of them.
    """
    notes = _check_all(instances, user=user)
    if instances:
        with acting_as(user):
            bulk_create_with_history(
                instances, type(instances[0]), batch_size=500, default_user=known_user(user),
            )
        _written(notes)
    return instances


@transaction.atomic
def records_update(*, instances: list[models.Model], fields: list[str], user=None) -> None:
    """Check many changed records of one model with record_check, then update `fields` together.

    Each record must still be stored at the version it was read at (see record_save); the rows
    are locked and compared in one query, and RecordsInvalid names those someone else changed.
    """
    notes = _check_all(instances, user=user)
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
            instances, batch_size=500, update=True, default_user=known_user(user),
        )
    _written(notes)


# Far above any number a list of rows holds, and still within a small positive integer.
_RENUMBER_OFFSET = 16000


@transaction.atomic
def records_renumber(*, instances: list[models.Model], numbers: list[int], field: str,
                     user=None) -> list[models.Model]:
    """Give rows of one model new positions (`numbers[i]` to `instances[i]`) in one versioned
    write, for numbers that are unique among their siblings: moving a row up swaps two numbers.

    Saved one by one, the first row would take a number its sibling still holds and the unique
    constraint would refuse it. So the rows that move first step aside to numbers no row has, in
    this transaction only (no version, no history), and then take their new numbers together
    through records_update, with its guards, versions and history. Rows whose number does not
    change are not written.
    """
    moving = [(instance, number) for instance, number in zip(instances, numbers, strict=True)
              if getattr(instance, field) != number]
    if not moving:
        return []
    model = type(moving[0][0])
    model._base_manager.filter(pk__in=[instance.pk for instance, _ in moving]).update(
        **{field: F(field) + _RENUMBER_OFFSET},
    )
    for instance, number in moving:
        setattr(instance, field, number)
    changed = [instance for instance, _ in moving]
    records_update(instances=changed, fields=[field], user=user)
    return changed


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


def known_user(user):
    """The user to record, or None to let the history fall back on the request's."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None

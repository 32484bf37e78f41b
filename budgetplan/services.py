"""Writes to the case and everything beneath it, shared by the admin, the workbook import and scripts.

Every write goes through `record_save` or `record_delete`, so a rule that must hold whatever
path a change comes by (validation, and later immutability of decided cases, history and
optimistic locking) lives in one place.
"""
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from .constraints import check_holds, referenced_fields


@transaction.atomic
def record_save(*, instance: models.Model, user=None) -> models.Model:
    """Validate the record with the model's own rules and constraints, then save it."""
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def record_delete(*, instance: models.Model, user=None) -> None:
    instance.delete()


class RecordsInvalid(Exception):
    """Some of many records break the models' rules; `errors` maps their positions to why."""

    def __init__(self, errors: dict[int, ValidationError]):
        super().__init__(f"{len(errors)} ogiltiga poster")
        self.errors = errors


def record_check(*, instance: models.Model, exclude=()) -> None:
    """The record's own rules without a query per record: its fields, clean() and its check
    constraints (evaluated in Python by budgetplan.constraints where it can). Raises
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


def _check_all(instances) -> None:
    errors = {}
    for index, instance in enumerate(instances):
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
    _check_all(instances)
    if instances:
        type(instances[0])._default_manager.bulk_create(instances, batch_size=500)
    return instances


@transaction.atomic
def records_update(*, instances: list[models.Model], fields: list[str], user=None) -> None:
    """Check many changed records of one model with record_check, then update `fields` together."""
    _check_all(instances)
    if instances:
        type(instances[0])._default_manager.bulk_update(instances, fields, batch_size=500)

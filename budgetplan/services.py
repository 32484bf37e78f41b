"""Writes to the case and everything beneath it, shared by the admin, the workbook import and scripts.

Every write goes through `record_save` or `record_delete`, so a rule that must hold whatever
path a change comes by (validation, and later immutability of decided cases, history and
optimistic locking) lives in one place.
"""
from django.db import models, transaction


@transaction.atomic
def record_save(*, instance: models.Model, user=None) -> models.Model:
    """Validate the record with the model's own rules and constraints, then save it."""
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def record_delete(*, instance: models.Model, user=None) -> None:
    instance.delete()

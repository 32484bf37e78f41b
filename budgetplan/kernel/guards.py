"""The interface through which a higher layer decides whether a write may happen, and hears of it.

The kernel's write services (budgetplan.kernel.services) know nothing of cases, boards or roles.
Before every write they ask each registered guard; a guard refuses by raising a ValidationError
(or a PermissionDenied), and otherwise returns a note of what the write touches. After the write,
in the same transaction, each guard is handed back its note, so it can count what changed (the
case's revision) without reading the same rows twice. A note is a frozenset of what the write
touched (or None): inside services.one_change() a guard is handed the union of its notes once.

budgetplan.document.lifecycle registers the case's guard (decided is final, the user's role, one
more revision) when the app registry is ready.
"""
from collections.abc import Hashable, Iterable

from django.core.exceptions import ValidationError
from django.db import models


class WriteGuard:
    """What a higher layer plugs into the write path. The defaults allow everything."""

    def check(self, instance: models.Model, *, user, deleting: bool = False) -> Hashable:
        """Refuse one write by raising, or return what `written` needs afterwards."""
        return None

    def check_many(self, instances: list[models.Model], *, user) -> tuple[dict[int, ValidationError], Hashable]:
        """The same for many records of one model: the refusals by position, and the note."""
        return {}, None

    def written(self, note) -> None:
        """The write that `note` was returned for has been made (the transaction is still open)."""


_registered: list[WriteGuard] = []


def register(guard: WriteGuard) -> None:
    if not any(type(existing) is type(guard) for existing in _registered):
        _registered.append(guard)


def registered() -> Iterable[WriteGuard]:
    return tuple(_registered)

"""History and versions of the plan's records: who changed what, and the guard against lost updates.

Every model of the plan declares `history = RecordHistory()` (django-simple-history keeps a
historical table beside it, a row per create, change and delete) and, where people edit it,
`version = version_field()`, the counter optimistic locking compares.

Why django-simple-history: it records through Django's save/delete signals on any database, so
the first try on SQLite keeps history exactly as PostgreSQL in CI and production does (the
trigger-based django-pghistory needs PostgreSQL), and its historical rows are plain models the
change log can query and diff. Signals miss bulk writes; the services write in bulk only through
its bulk_create_with_history/bulk_update_with_history, which record the same rows.

Who made a change is taken, in this order, from the user the services were given
(`acting_as`), the logged-in user of the request (HistoryRequestMiddleware), or nobody (a
script without a user).
"""
import contextlib
import contextvars
import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .formatting import format_decimal

_acting_user = contextvars.ContextVar("budgetplan_acting_user", default=None)

# Fields that change with every save and say nothing about what a person changed.
BOOKKEEPING_FIELDS = frozenset({"id", "version", "updated_at", "created_at"})

CREATED, CHANGED, DELETED = "+", "~", "-"
CHANGE_WORDS = {CREATED: "skapad", CHANGED: "ändrad", DELETED: "borttagen"}


@contextlib.contextmanager
def acting_as(user):
    """Record `user` as the author of every change made inside, cascaded deletes included."""
    if user is None or not getattr(user, "is_authenticated", False):
        yield
        return
    token = _acting_user.set(user)
    try:
        yield
    finally:
        _acting_user.reset(token)


def history_user(instance=None, request=None, **kwargs):
    """The author of a change: the services' user, else the request's, else nobody."""
    user = _acting_user.get()
    if user is not None:
        return user
    if request is not None and request.user.is_authenticated:
        return request.user
    return None


class RecordHistory(HistoricalRecords):
    """simple-history's HistoricalRecords with this project's author lookup and Swedish names."""

    def __init__(self, **kwargs):
        kwargs.setdefault("get_user", history_user)
        super().__init__(**kwargs)

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["verbose_name"] = f"historik: {model._meta.verbose_name}"
        options["verbose_name_plural"] = f"historik: {model._meta.verbose_name_plural}"
        return options


def version_field() -> models.PositiveIntegerField:
    """The record's version: 1 when created, one more on every save (see services.record_save)."""
    return models.PositiveIntegerField(
        "version", default=1, editable=False,
        help_text="Räknas upp vid varje ändring; en ändring av en äldre version vägras.",
    )


class CounterField(models.PositiveIntegerField):
    """A counter only the services write, with an UPDATE of their own (a case's revision): a
    save from a copy of the record never writes it back (budgetplan.kernel.services)."""

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        # A plain integer column to the migrations: the difference is only in how it is written.
        return name, "django.db.models.PositiveIntegerField", args, kwargs


def is_versioned(model_or_instance) -> bool:
    return any(f.name == "version" for f in model_or_instance._meta.concrete_fields)


def history_model(model: type[models.Model]):
    """The historical model simple-history keeps beside `model`, or None."""
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager_name).model if manager_name else None


# ---- Showing values and differences --------------------------------------------------------


def tracked_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields whose changes a person would want to see, in the model's order."""
    historical = history_model(model)
    kept = {f.attname for f in historical._meta.concrete_fields} if historical else None
    return [
        f for f in model._meta.concrete_fields
        if f.name not in BOOKKEEPING_FIELDS and not f.generated
        and (kept is None or f.attname in kept)
    ]


def display_value(field: models.Field, value, labels: dict | None = None) -> str:
    """A stored value as the page writes it: Swedish numbers, choice labels, named records."""
    if value is None or value == "":
        return "(tomt)"
    if field.is_relation:
        label = (labels or {}).get((field.related_model, value))
        return label if label is not None else f"nr {value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(field, models.DecimalField):
        return format_decimal(value, field.decimal_places)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 200 else f"{text[:197]}…"


@dataclass(frozen=True)
class FieldChange:
    field: models.Field
    old: object
    new: object

    @property
    def name(self) -> str:
        return str(self.field.verbose_name)

    def describe(self, labels: dict | None = None) -> str:
        return (f"{self.name}: {display_value(self.field, self.old, labels)} → "
                f"{display_value(self.field, self.new, labels)}")


def field_changes(model: type[models.Model], old, new) -> list[FieldChange]:
    """What differs between two versions of a record (model instances or historical rows)."""
    changes = []
    for field in tracked_fields(model):
        before, after = getattr(old, field.attname), getattr(new, field.attname)
        if before != after:
            changes.append(FieldChange(field, before, after))
    return changes


def related_labels(changes) -> dict:
    """(model, pk) -> str(record) for the related records these changes name, one query per
    related model."""
    wanted: dict[type, set] = {}
    for change in changes:
        if change.field.is_relation:
            for value in (change.old, change.new):
                if value is not None:
                    wanted.setdefault(change.field.related_model, set()).add(value)
    labels = {}
    for model, ids in wanted.items():
        manager = model._base_manager
        related = [f.name for f in model._meta.concrete_fields if f.is_relation]
        for pk, record in manager.select_related(*related).in_bulk(ids).items():
            labels[(model, pk)] = str(record)
    return labels


# Who made a change, to a reader who may not see login names (the public reading a decided case).
STAFF_MEMBER = "en handläggare"


def user_label(user, *, login_name: bool = True) -> str:
    """The author of a change: their full name; without one, their login name where the reader
    is staff (`login_name`), and otherwise "en handläggare": a login name is half a password
    guess and is never shown publicly."""
    if user is None:
        return "okänd (ingen inloggad användare)"
    return user.get_full_name() or (user.get_username() if login_name else STAFF_MEMBER)


# ---- Optimistic locking --------------------------------------------------------------------


class RecordChanged(ValidationError):
    """Someone else saved the record after this copy of it was read; nothing was saved."""


def record_label(instance: models.Model) -> str:
    name = str(instance._meta.verbose_name)
    try:
        text = str(instance)
    except (AttributeError, ObjectDoesNotExist, ValueError):
        text = ""
    text = text if len(text) <= 80 else f"{text[:77]}…"
    return f"{name[:1].upper()}{name[1:]} ”{text}”" if text else f"{name[:1].upper()}{name[1:]}"


def conflict_message(instance: models.Model, expected_version: int) -> str:
    """Why a save of `instance` read at `expected_version` is refused: who changed what since.

    The changes are read from the history row of the version the editor had; a record that has
    no history of that version (loaded from a fixture) is compared with what the editor sent.
    """
    model = type(instance)
    current = model._base_manager.filter(pk=instance.pk).first()
    label = record_label(instance)
    if current is None:
        return (f"{label} har tagits bort av någon annan medan du redigerade. "
                "Inget av det du skrev har sparats.")
    historical = history_model(model)
    then = latest = None
    if historical is not None:
        rows = list(
            historical.objects.filter(**{model._meta.pk.attname: instance.pk})
            .filter(history_type__in=(CREATED, CHANGED), version__gte=expected_version)
            .select_related("history_user").order_by("history_id")
        )
        then = next((r for r in rows if r.version == expected_version), None)
        latest = rows[-1] if rows else None
    if then is not None:
        changes = field_changes(model, then, current)
        lead = "har ändrats av någon annan medan du redigerade"
    else:
        changes = [FieldChange(c.field, c.old, c.new) for c in field_changes(model, instance, current)]
        lead = ("har ändrats av någon annan medan du redigerade; det som nu är sparat skiljer sig "
                "från det du skickade i")
    who = ""
    if latest is not None and latest.version == current.version:
        when = timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M")
        who = f" ({user_label(latest.history_user)}, {when})"
    labels = related_labels(changes)
    if then is not None:
        details = "; ".join(c.describe(labels) for c in changes) or "inga synliga fält"
    else:
        details = "; ".join(
            f"{c.name}: du skickade {display_value(c.field, c.old, labels)}, sparat är "
            f"{display_value(c.field, c.new, labels)}" for c in changes
        ) or "inga synliga fält"
    return (f"{label} {lead}{who}: {details}. Inget av det du skrev har sparats; läs in sidan "
            "på nytt och gör om din ändring.")

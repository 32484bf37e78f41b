"""Shared pieces of the per-table import/export resources (django-import-export).

Rows name their records by natural keys, never database ids (each app's resources say which:
a case by its Dnr, a council goal by its number "1.1" and year, a board by its name). Columns have Swedish headers, choices are
written with their Swedish labels, and every save and delete goes through the services, so the
models' own rules and Swedish messages apply in the admin's import preview.
"""
import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from import_export import resources
from import_export.fields import Field
from import_export.widgets import DateWidget, ForeignKeyWidget, IntegerWidget, Widget

from .services import record_delete, record_save


def whole_number(value, label: str) -> int:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{label} ska vara ett heltal (”{value}”).") from None
    if number != number.to_integral_value():
        raise ValueError(f"{label} ska vara ett heltal (”{value}”).")
    return int(number)


VERSION = "Version"
MISSING_VERSION = (
    "Raden ändrar en befintlig post men saknar dess version (kolumnen Version); exportera "
    "tabellen på nytt och gör ändringen i den."
)


class RecordResource(resources.ModelResource):
    """A resource whose writes go through record_save and record_delete.

    Each row carries its record's version (column Version) as exported. A row that changes a
    record is saved as a change of that version, so a record someone saved after the export is
    not overwritten: record_save refuses the row with who changed what, as the admin's forms
    refuse a stale form. A row equal to its record is skipped whatever its version says.
    """

    version = Field(attribute="version", column_name=VERSION, readonly=True, widget=IntegerWidget())

    def before_save_instance(self, instance, row, **kwargs):
        # After the comparison that skips unchanged rows: only a row that writes needs its version.
        if not instance._state.adding:
            value = row.get(VERSION)
            if blank(value):
                raise ValidationError(MISSING_VERSION, code="version_missing")
            try:
                instance.version = whole_number(value, VERSION)
            except ValueError as error:
                raise ValidationError(str(error), code="version_invalid") from None
        super().before_save_instance(instance, row, **kwargs)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)
        # An empty cell reads as None (xlsx keeps no empty text); a text column that stores no
        # NULL holds it as "", as the export wrote it, rather than failing in the database.
        name = field.attribute or ""
        if "__" not in name and getattr(instance, name, "") is None:
            model_field = instance._meta.get_field(name) if name else None
            if isinstance(model_field, (models.CharField, models.TextField)) and not model_field.null:
                setattr(instance, name, "")

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        super().before_import(dataset, **kwargs)

    def get_instance(self, instance_loader, row):
        # A natural key that names nothing is reported on its cell by import_instance, as a
        # validation error in the preview, rather than as a failed row with a traceback.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def do_instance_save(self, instance, is_create):
        try:
            record_save(instance=instance, user=getattr(self, "user", None))
        except PermissionDenied as error:
            # shown on the row in the preview, like any other refusal
            raise ValidationError(str(error) or "Du har inte behörighet att ändra detta.") from error

    def delete_instance(self, instance, row, **kwargs):
        self.before_delete_instance(instance, row, **kwargs)
        try:
            record_delete(instance=instance, user=getattr(self, "user", None))
        except PermissionDenied as error:
            raise ValidationError(str(error) or "Du har inte behörighet att ta bort detta.") from error
        self.after_delete_instance(instance, row, **kwargs)


class NaturalKeyWidget(ForeignKeyWidget):
    """A foreign key found by a natural key; a miss is a Swedish message, not a server error.

    `label` names what was looked for, so that "<label> ”<value>” finns inte." reads.
    """

    def __init__(self, model, field, *, label: str, **kwargs):
        self.label = label
        super().__init__(model, field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return super().clean(value.strip() if isinstance(value, str) else value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(f"{self.label} ”{value}” finns inte.") from None
        except self.model.MultipleObjectsReturned:
            raise ValueError(f"{self.label} ”{value}” är inte entydigt.") from None


def blank(value) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


class ChoiceLabelWidget(Widget):
    """A choice written with its Swedish label ("Tertial"), read by label or stored value."""

    def __init__(self, choices, **kwargs):
        self.labels = {str(value): str(label) for value, label in choices if value}
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        for stored, label in self.labels.items():
            if text.casefold() in (stored.casefold(), label.casefold()):
                return stored
        raise ValueError(f"”{text}” är inget giltigt val; välj bland: {', '.join(self.labels.values())}.")

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value or "", value or "")


class AmountWidget(Widget):
    """mnkr with one decimal, as a number; reads "1 348,0", "-22,0" and 1348.0 alike."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        text = re.sub(r"[\s\u00a0\u202f]", "", str(value)).replace("\u2212", "-").replace(",", ".")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(f"Beloppet måste vara ett tal, t.ex. 1 348,0 (”{value}” är inget belopp).") from None

    def render(self, value, obj=None, **kwargs):
        return value  # a number, never text


class IsoDateWidget(DateWidget):
    """Dates as 2012-01-11; a spreadsheet's own date cells are read as they are."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(f"Skriv datumet som ÅÅÅÅ-MM-DD (”{value}” är inget datum).") from None


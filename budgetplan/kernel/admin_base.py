"""Base classes for every admin: writes go through the services, refusals show on the form.

The mixins here know nothing of boards or roles; budgetplan.web.admin.base puts them together with
the access rules (which board's records a user sees and may change) into the classes the admins
use.

Django's ModelForm leaves out of its validation every constraint that touches a field missing from
the form, and an inline's foreign key to its parent. `record_save` validates the whole record, so
without the extra pass below such a refusal would surface as a server error instead of a message.

Optimistic locking: every form of a versioned record, inline rows too, carries the version it was
read at in a hidden field. A form whose version is no longer the stored one is refused with what
someone else changed meanwhile (budgetplan.kernel.history.conflict_message), and keeps what the editor
typed on the page; record_save checks the version again inside its transaction.
"""
import copy

from django import forms
from django.contrib import messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.widgets import AdminTextareaWidget, RelatedFieldWidgetWrapper
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet, InlineForeignKeyField, construct_instance
from django.forms.utils import pretty_name
from django.http import HttpResponseRedirect
from django.utils.text import capfirst

from .history import conflict_message, is_versioned
from .services import record_delete, record_save

# The hidden form field with the version the record was read at (the model field is not editable).
VERSION_FIELD = "record_version"
# The id of the region with the messages of what a post did.
MESSAGES_ANCHOR = "meddelanden"
# An inline table with more rows than this starts folded on the page.
FOLD_AFTER_ROWS = 8


class SwedishDecimalField(forms.DecimalField):
    """Takes an amount as the document writes it: "1 348,0" (any kind of space), or "1348.0"."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u2212", "-")
        return super().to_python(value)


class LongTextField(forms.CharField):
    """A long text with its line ends as stored (LF). Browsers post a textarea's as CRLF: without
    this, an untouched multi-line text counts as changed, and saving a page writes every such row
    again, with a new version and an empty entry in the change log."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


# Amounts and targets are typed the Swedish way, in a field that keeps the comma.
DECIMAL_OVERRIDES = {
    models.DecimalField: {
        "form_class": SwedishDecimalField,
        "localize": True,
        "widget": forms.TextInput(attrs={"size": 10, "inputmode": "decimal"}),
    },
    models.TextField: {"form_class": LongTextField},
}
COMPACT_TEXT_OVERRIDES = {
    **DECIMAL_OVERRIDES,
    models.TextField: {
        "form_class": LongTextField,
        "widget": AdminTextareaWidget(attrs={"rows": 3, "cols": 40}),
    },
}


def name_split_parts(field):
    """A date and a time typed in two inputs under one label: each input is named for its part
    ("Senaste inloggning, datum"), since a label names only the first. Returns the field."""
    widget = getattr(field, "widget", None)
    if isinstance(widget, forms.SplitDateTimeWidget) and field.label:
        for part, name in zip(widget.widgets, ("datum", "tid")):
            part.attrs.setdefault("aria-label", f"{capfirst(field.label)}, {name}")
    return field


class ServiceModelForm(forms.ModelForm):
    """A model form that also runs the constraints Django's form validation leaves out, and
    refuses a record someone else saved after this form was read."""

    record_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self._locks_version():
            self.initial[VERSION_FIELD] = self.instance.version

    def _locks_version(self) -> bool:
        return (VERSION_FIELD in self.fields and is_versioned(self._meta.model)
                and self.instance.pk is not None and not self.instance._state.adding)

    def clean(self):
        cleaned_data = super().clean()
        for name, value in cleaned_data.items():
            # Browsers send a textarea's line ends as CRLF; the texts are stored with LF only.
            if isinstance(value, str) and "\r" in value:
                cleaned_data[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        if self._locks_version():
            self._check_version(cleaned_data)
        return cleaned_data

    def _check_version(self, cleaned_data) -> None:
        """The record was read for this form at the posted version; it must still be stored at
        it. The instance was loaded for this request, so the check costs no query."""
        read_at = cleaned_data.get(VERSION_FIELD)
        if read_at is None:
            raise ValidationError(
                "Formuläret saknar uppgift om vilken version av posten du läste; läs in sidan på "
                "nytt och gör om din ändring.", code="version_missing",
            )
        if read_at != self.instance.version:
            sent = construct_instance(
                self, copy.copy(self.instance), self._meta.fields, self._meta.exclude,
            )
            raise ValidationError(conflict_message(sent, read_at), code="record_changed")

    def _post_clean(self):
        super()._post_clean()
        if self._locks_version() and self.cleaned_data.get(VERSION_FIELD):
            # record_save saves only while the stored row is still at this version.
            self.instance.version = self.cleaned_data[VERSION_FIELD]

    def validate_unique(self):
        super().validate_unique()
        exclude = {name for name in self._errors if name != NON_FIELD_ERRORS}
        for name, field in self.fields.items():
            # The parent of an inline row not yet saved: its key is unknown, not missing.
            if isinstance(field, InlineForeignKeyField) and self._parent_unsaved(name):
                exclude.add(name)
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._add_unseen_errors(error)

    def _parent_unsaved(self, name: str) -> bool:
        model_field = self.instance._meta.get_field(name)
        return getattr(self.instance, model_field.attname) is None

    def _add_unseen_errors(self, error: ValidationError) -> None:
        """Add only messages the first pass did not already give, under a field the form shows."""
        seen = {
            message
            for errors in self._errors.values()
            for item in errors.as_data()
            for message in item.messages
        }
        unseen: dict[str, list[ValidationError]] = {}
        for name, items in error.update_error_dict({}).items():
            key = name if name in self.fields else NON_FIELD_ERRORS
            for item in items:
                if not set(item.messages) <= seen:
                    unseen.setdefault(key, []).append(item)
                    seen.update(item.messages)
        if unseen:
            self.add_error(None, unseen)


class ServiceInlineFormSet(BaseInlineFormSet):
    """Duplicates among the rows of one submission are reported with the constraint's own words.

    With `position_field` (the rows' number or order field, set by the admin that shows it), a
    new row whose number was left empty takes the next free one: after the highest number among
    the stored rows and those of this submission, in the order the new rows stand on the page.

    Every field of a row is named for a screen reader by its column and its row ("Startdatum,
    nämndens aktivitet 3 under nämndmål 2 under mål 1.1"): a table's cells have no label of their
    own, and the column's heading alone does not say which row a field is in.
    """

    position_field: str | None = None

    def clean(self):
        super().clean()
        if self.position_field:
            self._number_new_rows()

    def _number_new_rows(self) -> None:
        field = self.position_field
        kept = [form for form in self.forms
                if form.cleaned_data and not self._should_delete_form(form)]
        typed = {form.cleaned_data.get(field) for form in kept} - {None}
        # The stored rows' numbers, as the page's rows were read (no query of their own).
        stored = {form.initial.get(field) for form in self.initial_forms} - {None}
        next_free = max(typed | stored, default=0) + 1
        for form in kept:
            if form.cleaned_data.get(field) is not None:
                continue
            if form.instance.pk is None:
                number, next_free = next_free, next_free + 1
            else:  # a stored row whose number was emptied keeps the one it has
                number = form.initial.get(field)
            form.cleaned_data[field] = number
            setattr(form.instance, field, number)

    # Set per page by ServiceInlineMixin.get_formset: what a row is called ("{n}" its number) and
    # what the rows stand under ("under mål 1.1"; empty when the page says it well enough).
    row_label = "rad {n}"
    parent_label = ""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The empty row that the admin's script copies for "Lägg till" is numbered by it
        # (static/js/admin-a11y.js replaces __prefix__ as Django does in ids and names).
        row = self.row_label.format(n="__prefix__" if index is None else index + 1)
        if self.parent_label:
            row = f"{row} {self.parent_label}"
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            column = field.label if field.label is not None else pretty_name(name)
            # A choice with the admin's "add another" buttons is a wrapper around the select it
            # draws: the select carries the name (a copied wrapper no longer shares its attrs).
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs = {**widget.attrs, "aria-label": f"{capfirst(column)}, {row}"}

    def get_unique_error_message(self, unique_check):
        for constraint in self.model._meta.total_unique_constraints:
            if set(constraint.fields) == set(unique_check):
                return constraint.get_violation_error_message()
        names = [str(self.model._meta.get_field(name).verbose_name) for name in unique_check]
        return f"Rätta de dubblerade värdena för {' och '.join(names)}; de måste vara unika."


class VersionFieldMixin:
    """Puts the hidden version field in the form of a versioned record that may be changed."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not issubclass(self.form, ServiceModelForm):
            return fieldsets
        # Read-only pages post no form: they show no version.
        wanted = is_versioned(self.model) and self._may_change(request, obj)
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != VERSION_FIELD]})
            for name, options in fieldsets
        ]
        if wanted:
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], VERSION_FIELD]})
        return fieldsets

    def _may_change(self, request, obj) -> bool:
        if isinstance(self, InlineModelAdmin):
            return self.has_change_permission(request, obj) or self.has_add_permission(request, obj)
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)


class ServiceAdminMixin:
    """Every save and delete, of the record and of its inline rows, goes through the services."""

    form = ServiceModelForm
    formfield_overrides = DECIMAL_OVERRIDES

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = name_split_parts(super().formfield_for_dbfield(db_field, request, **kwargs))
        long_text = isinstance(db_field, models.CharField) and (db_field.max_length or 0) >= 300
        if long_text and not db_field.choices:
            # Titles of goals and cases run long; let them be read whole while typed. A class,
            # not a style="" attribute: the content security policy allows no inline style.
            classes = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{classes} long-title".strip()
        return field

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        # A long table is folded away (a <details> the admin's templates draw for "collapse"),
        # so the keyboard reaches the next part of the page without passing each of its fields.
        # A table with an error stays open: Django does not fold it.
        for formset, inline in zip(formsets, inline_instances):
            classes = tuple(inline.classes or ())
            if formset.initial_form_count() > FOLD_AFTER_ROWS and "collapse" not in classes:
                inline.classes = (*classes, "collapse")
        return super().get_inline_formsets(request, formsets, inline_instances, obj)

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # nothing to write: no new version, no history row
        record_save(instance=obj, user=request.user)

    def delete_model(self, request, obj):
        record_delete(instance=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record_delete(instance=obj, user=request.user)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            record_delete(instance=obj, user=request.user)
        for instance in instances:
            record_save(instance=instance, user=request.user)
        formset.save_m2m()

    # The form has already run the model's rules, so these only catch what the services add on
    # top (for example a decided case that may no longer change). The view's transaction is
    # rolled back before the refusal is shown as a message instead of a server error.

    def changeform_view(self, request, *args, **kwargs):
        return self._refusal_as_message(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refusal_as_message(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refusal_as_message(request, super().changelist_view, *args, **kwargs)

    def _refusal_as_message(self, request, view, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            response = HttpResponseRedirect(request.get_full_path())
        return to_the_message(request, response)


def to_the_message(request, response):
    """A form's redirect after a post leads to the message that says what happened (its region
    has the id MESSAGES_ANCHOR and takes the focus, templates/admin/includes/message_region.html).
    Without a part of its own, the browser would carry over the part the form was posted from
    ("#content-start" after the skip link) and put the focus there instead."""
    location = response.get("Location") if request.method == "POST" else None
    if response.status_code in (301, 302, 303) and location and "#" not in location:
        response["Location"] = f"{location}#{MESSAGES_ANCHOR}"
    return response


class ServiceInlineMixin:
    """Inline rows use the service form (the version they were read at, every constraint) and
    share one list of choices per foreign key instead of querying once per row."""

    form = ServiceModelForm
    formset = ServiceInlineFormSet
    formfield_overrides = DECIMAL_OVERRIDES
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and type(field.widget) is forms.Select:
            field.choices = list(field.choices)
        return field

    # What one row is called in its fields' accessible names; "{n}" is the row's number.
    row_label: str | None = None

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.row_label = self.row_label or f"{self.verbose_name} {{n}}"
        formset.parent_label = self.rows_parent_label(obj) if obj is not None else ""
        return formset

    def rows_parent_label(self, obj) -> str:
        """What the rows stand under, as the parent's admin words it ("under mål 1.1")."""
        parent_admin = self.admin_site._registry.get(type(obj))
        label = getattr(parent_admin, "rows_label", None)
        return label(obj) if label else ""


class TabularInlineMixin:
    """An inline laid out as a table: compact texts, no related-record icons."""

    formfield_overrides = COMPACT_TEXT_OVERRIDES

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            # A table row has no room for the related-record icons; the choice itself stays
            # (static/css/admin.css sets how wide a choice in a row is).
            field.widget = field.widget.widget
        return field


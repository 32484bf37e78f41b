"""Less typing in the admin: numbered rows move with arrows, a new row takes the next free number,
and saving a part of a case leads back to the case.

A numbered inline (decision points, attachments, Dnr, statement sections …) names its number
field as `position_field`. The number of a new row may be left empty (the formset gives it the
next free one, budgetplan.kernel.admin_base.ServiceInlineFormSet); each saved row has an up and a
down button that swaps it with its neighbour through budgetplan.cases.services.record_move, so
the clerk never retypes a column of numbers to put one row elsewhere. The buttons belong to a
small form of their own outside the change form (HTML's form attribute), so moving a row posts
nothing else of the page.
"""
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import _get_foreign_key
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from budgetplan.access import ownership
from budgetplan.cases.models import Case
from budgetplan.cases.services import DOWN, UP, record_move

MOVE_FORM_ID = "flytta-rad"
NEXT_FREE_HELP = "Lämna tomt på en ny rad: den får nästa lediga nummer. Flytta med pilarna."


class MovableInlineMixin:
    """An inline whose rows are ordered by `position_field`: arrows to move a row, and no number
    to type for a new one."""

    position_field: str = ""

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if self.position_field and "move_buttons" not in fields and self._may_move(request, obj):
            fields.append("move_buttons")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "move_buttons")

    def _may_move(self, request, obj) -> bool:
        return obj is not None and self.has_change_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.position_field = self.position_field or None
        field = formset.form.base_fields.get(self.position_field)
        if field is not None:
            field.required = False
            field.help_text = NEXT_FREE_HELP
        return formset

    def move_buttons(self, obj):
        if obj is None or not obj.pk:
            return ""
        value = f"{obj._meta.model_name}:{obj.pk}"
        return format_html(
            '<span class="move-row">'
            '<button type="submit" form="{}" name="rad" value="{}:{}" title="Flytta upp" '
            'aria-label="Flytta {} upp">↑</button> '
            '<button type="submit" form="{}" name="rad" value="{}:{}" title="Flytta ned" '
            'aria-label="Flytta {} ned">↓</button></span>',
            MOVE_FORM_ID, value, UP, obj, MOVE_FORM_ID, value, DOWN, obj,
        )

    move_buttons.short_description = "flytta"


class MovableRowsAdminMixin:
    """The page of a record with movable inlines: the URL the arrows post to, and the template
    that holds their form."""

    change_form_template = "admin/budgetplan/movable_change_form.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/flytta/", self.admin_site.admin_view(self.move_view),
                 name="%s_%s_move" % info),
            *super().get_urls(),
        ]

    def move_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        parent = self.get_object(request, unquote(object_id))  # 404 outside the user's boards
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                             args=[parent.pk])
        model_name, pk, direction = (request.POST.get("rad", "") + "::").split(":")[:3]
        inline = next((inline for inline in self.get_inline_instances(request, parent)
                       if getattr(inline, "position_field", "")
                       and inline.model._meta.model_name == model_name), None)
        if inline is None or not pk.isdigit():
            raise Http404("Raden finns inte.")
        if not self.has_change_permission(request, parent):
            raise PermissionDenied
        fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
        siblings = inline.model._default_manager.filter(**{fk.name: parent})
        row = siblings.filter(pk=pk).first()
        if row is None:
            raise Http404("Raden finns inte.")
        try:
            moved = record_move(instance=row, field=inline.position_field, siblings=siblings,
                                direction=direction, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, f"{row} flyttades inte: {text}")
        else:
            if moved:
                messages.success(request, f"{row} flyttades {'upp' if direction == UP else 'ned'}.")
        # The inline formset's prefix, as BaseInlineFormSet.get_default_prefix names it (building
        # the formset only for it would read the case's figures and budget).
        prefix = fk.remote_field.get_accessor_name(model=inline.model).replace("+", "")
        return HttpResponseRedirect(f"{change_url}#{prefix}-group")


def _case_change_url(obj) -> str | None:
    ids = ownership.case_ids_for(obj) if type(obj) in ownership.CASE_ID_PATHS else set()
    if len(ids) != 1:
        return None
    return reverse(f"admin:{Case._meta.app_label}_{Case._meta.model_name}_change", args=[*ids])


class CasePartAdminMixin:
    """A part of a case with a page of its own (the statement, the report, the budget, a
    reservation): "Spara" leads back to the case's page, where the clerk goes on."""

    def response_add(self, request, obj, post_url_continue=None):
        return self._back_to_case(request, obj, super().response_add(request, obj, post_url_continue))

    def response_change(self, request, obj):
        return self._back_to_case(request, obj, super().response_change(request, obj))

    @staticmethod
    def _back_to_case(request, obj, response):
        staying = {"_continue", "_addanother", "_saveasnew", "_popup"} & set(request.POST)
        if staying or not isinstance(response, HttpResponseRedirect):
            return response
        url = _case_change_url(obj)
        if url is not None:
            response["Location"] = url
        return response

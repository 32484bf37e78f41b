"""The roles of issue 5 in the admin: a user's lists, pages and choices hold their boards' records.

The model permissions the groups carry (migration 0003_create_roles) decide which pages a role
sees at all; these mixins narrow that to the boards the user belongs to, using the same rules
as the services (budgetplan.access.permissions). A record outside them answers 404 as if it did not
exist; a record the user may read but not change shows read-only; the services refuse whatever
gets past this anyway (a forged POST, an inline row moved into another board's case).
"""
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import Http404

from budgetplan.access import ownership, permissions
from budgetplan.cases.models import Board, BoardMembership, Case
from budgetplan.document import lifecycle


def _administrators_only(model) -> bool:
    return model in ownership.SHARED_MODELS or model in (Board, BoardMembership)


def _may_change(request, obj) -> bool:
    if permissions.is_administrator(request.user):
        return True
    # Asked for the page and for each of its inlines: read the record's cases once per request.
    answers = request.__dict__.setdefault("_budgetplan_may_change", {})
    key = (type(obj), obj.pk)
    if key not in answers or obj.pk is None:
        cases = lifecycle.cases_touched(obj)
        answers[key] = permissions.change_refusal(request.user, obj, cases) is None
    return answers[key]


def _limit_choices(model_admin, request, db_field, kwargs) -> None:
    """A foreign key to a board or to a part of a plan offers only the user's editable ones;
    not a field the admin names in `unscoped_fields` (a row that may name any board)."""
    if permissions.is_administrator(request.user) or db_field.name in getattr(
        model_admin, "unscoped_fields", (),
    ):
        return
    model = db_field.related_model
    if permissions.record_board_filter(model, ()) is None:
        return  # the council's shared records are the same choice for everyone
    queryset = kwargs.get("queryset")
    if queryset is None:  # the related admin's ordering, as Django would use
        queryset = model_admin.get_field_queryset(None, db_field, request)
    if queryset is None:
        queryset = model._default_manager.all()
    kwargs["queryset"] = permissions.editable_records(request.user, queryset)


class BoardScopedAdminMixin:
    def get_queryset(self, request):
        return permissions.readable_records(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        # Not in this user's queryset: the same 404 as a record that does not exist, so another
        # board's draft is not even hinted at (Django's own answer is a redirect with a notice).
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("Posten finns inte.")
        return obj

    def has_add_permission(self, request):
        allowed = super().has_add_permission(request)
        if allowed and _administrators_only(self.model):
            return permissions.is_administrator(request.user)
        return allowed

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or _may_change(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or _may_change(request, obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _limit_choices(self, request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and object_id:
            obj = self.get_object(request, unquote(object_id))
            decided = lifecycle.decided_cases(obj)
            if decided:
                messages.warning(request, _decided_notice(obj, decided))
        return super().changeform_view(request, object_id, form_url, extra_context)


def _decided_notice(obj, decided: list[Case]) -> str:
    """On a record's page, which decided case holds it: "Ärendet" alone does not say so on a
    budget row or on a council goal that many plans share."""
    if isinstance(obj, Case):
        return lifecycle.DECIDED_MESSAGE
    shown = Case.objects.filter(pk__in=[case.pk for case in decided]).only(
        "memo_year", "memo_serial", "memo_rotel",
    ).order_by("-memo_year", "-memo_serial")[:3]
    names = [case.memo_number for case in shown]
    if len(decided) == 1:
        return f"Posten ingår i {names[0]}. {lifecycle.DECIDED_MESSAGE}"
    more = f" och {len(decided) - len(names)} till" if len(decided) > len(names) else ""
    return f"Posten ingår i de beslutade ärendena {', '.join(names)}{more} och kan inte ändras."


class BoardScopedInlineMixin:
    """An inline's rows are the user's boards' (a council indicator lists only their plans), and
    they can be changed where the record they stand under can."""

    def get_queryset(self, request):
        return permissions.readable_records(request.user, super().get_queryset(request))

    def _parent_allows(self, request, obj) -> bool:
        return obj is None or _may_change(request, obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._parent_allows(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._parent_allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._parent_allows(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _limit_choices(self, request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

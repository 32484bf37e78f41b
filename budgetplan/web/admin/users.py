"""Users and groups: an administrator manages the roles, and nothing above them."""
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group, User
from django.db.models import Q

from budgetplan.access import permissions
from budgetplan.kernel.admin_base import name_split_parts


def _may_manage(user, account) -> bool:
    """Only a superuser changes a superuser's account, password included."""
    return account is None or not account.is_superuser or user.is_superuser


class RoleUserChangeForm(UserChangeForm):
    def clean_groups(self):
        """Groups the editor was not offered (a superuser gave them) stay as they were."""
        chosen = self.cleaned_data["groups"]
        if self.instance.pk is None:
            return chosen
        offered = self.fields["groups"].queryset
        kept = self.instance.groups.exclude(pk__in=offered.values("pk"))
        return Group.objects.filter(Q(pk__in=chosen) | Q(pk__in=kept))


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class RoleUserAdmin(UserAdmin):
    """Django's user admin, narrowed for an Administratör who is not a superuser: the roles of
    issue 5 to give, no superuser status, no permissions one by one, and no superuser's account
    to change (that would take it over: a new password is one form away)."""

    form = RoleUserChangeForm

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return name_split_parts(super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "user_permissions")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=permissions.ROLES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _may_manage(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _may_manage(request.user, obj)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """The roles' groups and what they may do come from the migrations. Only a superuser adds a
    group or changes its permissions: whoever may do that can give themselves any permission."""

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

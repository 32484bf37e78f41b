"""The admin classes every app's admin uses: the kernel's service admin with the access rules.

A user's lists, pages and choices hold their boards' records (budgetplan.web.admin.scoping), and
every write goes through the kernel's services with the version it was read at
(budgetplan.kernel.admin_base).
"""
from django.contrib import admin

from budgetplan.kernel.admin_base import (
    ServiceAdminMixin,
    ServiceInlineMixin,
    TabularInlineMixin,
    VersionFieldMixin,
)

from .scoping import BoardScopedAdminMixin, BoardScopedInlineMixin


class ServiceAdmin(ServiceAdminMixin, BoardScopedAdminMixin, VersionFieldMixin, admin.ModelAdmin):
    pass


class _ServiceInline(ServiceInlineMixin, BoardScopedInlineMixin, VersionFieldMixin):
    pass


class ServiceTabularInline(TabularInlineMixin, _ServiceInline, admin.TabularInline):
    pass


class ServiceStackedInline(_ServiceInline, admin.StackedInline):
    pass

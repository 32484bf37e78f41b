"""Import and export of single tables in the admin (django-import-export), for those allowed to.

A table is imported as xlsx or csv; the preview shows each row as new, changed or unchanged before
anything is saved. A table spans every board's plans, and that preview would tell an editor
whether a row exists in another board's draft, so importing single tables is for administrators
(the group or superusers) with the add and change permission; a board's staff import their plan
as a whole workbook, whose upload checks each change against their boards. Exporting needs the
view permission and exports only the rows the admin list shows the user.
"""
from django.contrib.auth import get_permission_codename
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from . import permissions


def _has(request, action: str, opts) -> bool:
    return request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


class TableImportExportMixin(ImportExportMixin):
    formats = [XLSX, CSV]

    def has_import_permission(self, request):
        return (
            permissions.is_administrator(request.user)
            and _has(request, "add", self.opts)
            and _has(request, "change", self.opts)
        )

    def has_export_permission(self, request):
        return _has(request, "view", self.opts) or _has(request, "change", self.opts)

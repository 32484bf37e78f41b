"""Import and export of single tables in the admin (django-import-export), for those allowed to.

A table is imported as xlsx or csv; the preview shows each row as new, changed or unchanged before
anything is saved. Importing writes many records at once, so it needs both the add and the change
permission on the model (superusers have every permission); exporting needs the view permission.
"""
from django.contrib.auth import get_permission_codename
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX


def _has(request, action: str, opts) -> bool:
    return request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


class TableImportExportMixin(ImportExportMixin):
    formats = [XLSX, CSV]

    def has_import_permission(self, request):
        return _has(request, "add", self.opts) and _has(request, "change", self.opts)

    def has_export_permission(self, request):
        return _has(request, "view", self.opts) or _has(request, "change", self.opts)

"""Import and export of single tables in the admin (django-import-export), for those allowed to.

A table is imported as xlsx or csv; the preview shows each row as new, changed or unchanged before
anything is saved. A table spans every board's plans, and that preview would tell an editor
whether a row exists in another board's draft, so importing single tables is for administrators
(the group or superusers) with the add and change permission; a board's staff import their plan
as a whole workbook, whose upload checks each change against their boards. Exporting needs the
view permission and exports only the rows the admin list shows the user.

Each row carries its record's version: a row exported before someone changed the record is
refused, not written over their change (budgetplan.kernel.widgets.RecordResource). A text is written so
that no spreadsheet program runs it as a formula, and read back unchanged: a text cell in xlsx, an
apostrophe before it in csv (TextSafeXLSX, TextSafeCSV).
"""
import io
import re

import tablib
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import TempFolderStorage
from openpyxl import Workbook
from openpyxl.styles import Font

from budgetplan.access import permissions
from budgetplan.document.workbook.export import FORMULA_TRIGGERS, write_text

# A csv cell opened in a spreadsheet program runs as a formula when its text begins with one of
# FORMULA_TRIGGERS; such a text (and one that begins with the apostrophe itself) is written with
# an apostrophe before it, which the import takes away again.
QUOTE = "'"


def neutralised(value):
    """A csv cell's value that no spreadsheet program runs as a formula; numbers as they are."""
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, QUOTE)):
        return QUOTE + value
    return value


def restored(value):
    """The text neutralised() was given."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:].startswith((*FORMULA_TRIGGERS, QUOTE)):
        return value[1:]
    return value


class TextSafeCSV(CSV):
    """csv in which no text can run as a formula, read back to the very same texts."""

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(*[[neutralised(v) for v in row] for row in dataset], headers=dataset.headers)
        return super().export_data(safe, **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        return tablib.Dataset(*[[restored(v) for v in row] for row in dataset], headers=dataset.headers)


# A carriage return written into the sheet's XML as it is comes back as a line feed (XML
# normalises line ends); OOXML writes it as _x000D_, and a text that holds such a sequence itself
# with its underscore as _x005F_.
OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def ooxml_escaped(text: str) -> str:
    return OOXML_ESCAPE.sub(r"_x005F_x\1_", text).replace("\r", "_x000D_")


def ooxml_unescaped(value):
    if isinstance(value, str) and "_x" in value:
        return OOXML_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)
    return value


class TextSafeXLSX(XLSX):
    """xlsx whose texts are text cells, with Excel's quote prefix where a formula could begin, as
    the case's workbook writes them (budgetplan.document.workbook.export.write_text): a text is never a
    formula and is read back as it was. Numbers stay number cells."""

    def create_dataset(self, in_stream):
        dataset = super().create_dataset(in_stream)
        return tablib.Dataset(*[[ooxml_unescaped(v) for v in row] for row in dataset],
                              headers=dataset.headers)

    def export_data(self, dataset, **kwargs):
        book = Workbook()
        sheet = book.active
        for column, header in enumerate(dataset.headers or (), start=1):
            cell = sheet.cell(row=1, column=column)
            write_text(cell, str(header))
            cell.font = Font(bold=True)
        for number, row in enumerate(dataset, start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=number, column=column)
                if isinstance(value, str):
                    write_text(cell, ooxml_escaped(value))
                    cell.quotePrefix = value.startswith(FORMULA_TRIGGERS)
                else:
                    cell.value = value
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _has(request, action: str, opts) -> bool:
    return request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")


class LineEndKeepingStorage(TempFolderStorage):
    """import-export's file between preview and confirm, read back with its line ends as
    uploaded: a carriage return inside a csv cell is part of the text, not a line end."""

    def _open(self, mode="r"):
        if self.name and "b" not in mode:
            return open(self.get_full_path(), mode, encoding=self.encoding, newline="")
        return super()._open(mode)


class TableImportExportMixin(ImportExportMixin):
    formats = [TextSafeXLSX, TextSafeCSV]
    tmp_storage_class = LineEndKeepingStorage

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # import-export asks the widgets for numbers and dates as such only for its own xlsx class
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=file_format.is_binary(), **kwargs)
        content = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            content = content.encode(encoding)
        return content

    def get_import_data_kwargs(self, **kwargs):
        # A row refused when the import is confirmed (its record changed since the preview)
        # refuses the whole file: nothing is half-saved.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            for row in result.invalid_rows:
                reasons = " ".join(m for ms in row.error_dict.values() for m in ms)
                messages.error(request, f"Rad {row.number}: {reasons}")
            for number, errors in result.row_errors():
                messages.error(request, f"Rad {number}: {errors[0].error}")
            messages.error(request, "Inget har lästs in; rätta raderna och läs in filen igen.")
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        return super().process_result(result, request)

    def has_import_permission(self, request):
        return (
            permissions.is_administrator(request.user)
            and _has(request, "add", self.opts)
            and _has(request, "change", self.opts)
        )

    def has_export_permission(self, request):
        return _has(request, "view", self.opts) or _has(request, "change", self.opts)

"""Helpers for the workbook tests: edit an exported workbook, empty the database, compare states."""
import io
import re
import struct
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from django.apps import apps
from django.db.models import Sum
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from budgetplan.cases.models import Board, Case
from finance.models import OperatingBudgetRow
from goals.models import Activity, CouncilGoal, Indicator, StrategicGoal
from reservations.models import Party, Person, Reservation

PROJECT_APPS = ("budgetplan", "goals", "finance", "reservations")


def open_book(data: bytes):
    return load_workbook(io.BytesIO(data))


def save_book(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def column_of(sheet, header: str) -> int:
    for cell in sheet[1]:
        if cell.value == header:
            return cell.column
    raise KeyError(header)


def letter_of(sheet, header: str) -> str:
    return get_column_letter(column_of(sheet, header))


def row_where(sheet, header: str, value) -> int:
    column = column_of(sheet, header)
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=column).value == value:
            return row
    raise KeyError(value)


def set_cell(sheet, row: int, header: str, value) -> None:
    sheet.cell(row=row, column=column_of(sheet, header)).value = value


def edit(data: bytes, change) -> bytes:
    """Open the workbook, let `change(book)` edit it, and return the saved bytes."""
    book = open_book(data)
    change(book)
    return save_book(book)


def _sheet_part(archive: zipfile.ZipFile, name: str) -> str:
    """The path of a sheet's part in the package, found as Excel finds it: workbook.xml names
    the sheet's relationship, the workbook's relationships name the part."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relation = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    sheets = ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{main}sheet")
    wanted = next(sheet.get(relation) for sheet in sheets if sheet.get("name") == name)
    for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")):
        if rel.get("Id") == wanted:
            target = rel.get("Target")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(name)


def damage_part(data: bytes, sheet: str, how: str) -> bytes:
    """The workbook with one sheet's part damaged as a broken disk, mail gateway or script does:
    "crc" a checksum that does not match, "size" a wrong uncompressed size in the directory,
    "xml" a tag that is never closed (the package itself is sound)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    part = _sheet_part(source, sheet)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part and how == "xml":
                content = content.replace(b"</sheetData>", b'<row r="999"><c r="A999"><v>1</v></row></sheetData>')
            target.writestr(item.filename, content)
    raw = bytearray(buffer.getvalue())
    if how in ("crc", "size"):
        # the central directory's entry for the part: crc32 at +16, uncompressed size at +24
        position = raw.find(b"PK\x01\x02")
        while position != -1:
            length = struct.unpack("<H", raw[position + 28:position + 30])[0]
            if raw[position + 46:position + 46 + length].decode() == part:
                break
            position = raw.find(b"PK\x01\x02", position + 4)
        field = position + (16 if how == "crc" else 24)
        value = struct.unpack("<I", raw[field:field + 4])[0]
        raw[field:field + 4] = struct.pack("<I", value ^ 0xFFFF if how == "crc" else value - 100)
    return bytes(raw)


def store_number_as_excel_does(data: bytes, sheet: str, coordinate: str, digits: str) -> bytes:
    """The workbook with the number cell at `coordinate` holding `digits` as written in the file.

    Excel writes a double with 17 significant digits (330.20000000000005 for =330,1+0,1 pasted as
    a value); openpyxl writes 16 and so rounds that noise away, which is why the tests set it in
    the XML itself."""
    source = zipfile.ZipFile(io.BytesIO(data))
    part = _sheet_part(source, sheet)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                content, count = re.subn(
                    rf'(<c r="{coordinate}"[^>]*>)<v>[^<]*</v>'.encode(), rf"\g<1><v>{digits}</v>".encode(), content)
                assert count == 1, f"{sheet}!{coordinate} is no number cell"
            target.writestr(item.filename, content)
    return buffer.getvalue()


def empty_database() -> None:
    """Remove every case and the council's shared rows: an empty database, as after migrate."""
    Reservation.objects.filter(refers_to__isnull=False).delete()
    Case.objects.all().delete()
    Activity.objects.all().delete()
    Indicator.objects.all().delete()
    CouncilGoal.objects.all().delete()
    StrategicGoal.objects.all().delete()
    Person.objects.all().delete()
    Party.objects.all().delete()
    Board.objects.all().delete()


def database_state() -> dict:
    """The count of every project model and the figures a person would notice."""
    state = {
        model._meta.label: model._default_manager.count()
        for app in PROJECT_APPS for model in apps.get_app_config(app).get_models()
        if not model._meta.model_name.startswith("historical")  # history grows with each write
    }
    totals = OperatingBudgetRow.objects.aggregate(costs=Sum("costs"), revenues=Sum("revenues"))
    state["costs"] = totals["costs"] or Decimal("0.0")
    state["revenues"] = totals["revenues"] or Decimal("0.0")
    state["titles"] = sorted(Case.objects.values_list("title", flat=True))
    return state


def page_without_ids(html: str) -> str:
    """The case page with the database ids in its URLs and anchors, the form token and the
    revision its background PDF is at (a new case counts its own) taken out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    html = re.sub(r"revision \d+", "revision N", html)
    html = re.sub(r"/pdf/revision/\d+/", "/pdf/revision/N/", html)
    html = re.sub(r"/arenden/\d+/", "/arenden/ID/", html)
    html = re.sub(r"/admin/budgetplan/case/\d+/", "/admin/budgetplan/case/ID/", html)
    return re.sub(r"namndmal-\d+", "namndmal-ID", html)

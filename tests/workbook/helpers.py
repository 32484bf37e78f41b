"""Helpers for the workbook tests: edit an exported workbook, empty the database, compare states."""
import io
import re
from decimal import Decimal

from django.apps import apps
from django.db.models import Sum
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from budgetplan.models import Board, Case
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
    """The case page with the database ids in its URLs and anchors, and the form token, taken out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    html = re.sub(r"/arenden/\d+/", "/arenden/ID/", html)
    html = re.sub(r"/admin/budgetplan/case/\d+/", "/admin/budgetplan/case/ID/", html)
    return re.sub(r"namndmal-\d+", "namndmal-ID", html)

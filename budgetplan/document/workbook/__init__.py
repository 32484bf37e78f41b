"""The whole case as one Excel workbook: export, and an atomic import that lists every problem."""
from .export import build_workbook, export_case_workbook, workbook_filename
from .importer import ImportReport, import_workbook
from .issues import Issue, WorkbookError
from .reader import MAX_UPLOAD_BYTES

__all__ = [
    "ImportReport", "Issue", "MAX_UPLOAD_BYTES", "WorkbookError", "build_workbook",
    "export_case_workbook", "import_workbook", "workbook_filename",
]

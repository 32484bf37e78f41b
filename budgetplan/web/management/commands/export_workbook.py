"""Writes a case, found by any of its registry numbers, to an Excel workbook (.xlsx).

The same as `export_case --format xlsx`, under the name the workbook's users look for.
"""
from .export_case import Command as ExportCaseCommand


class Command(ExportCaseCommand):
    help = 'Skriver ett ärende till en Excel-arbetsbok, t.ex. export_workbook "112-2321/2011" --output plan.xlsx'

    def add_arguments(self, parser):
        parser.add_argument("registry_number", help="Ett av ärendets diarienummer, t.ex. 112-2321/2011.")
        parser.add_argument("--output", required=True, help="Arbetsboken som ska skrivas (.xlsx).")

    def handle(self, *args, **options):
        return super().handle(*args, export_format="xlsx", **options)

"""Writes a case, found by any of its registry numbers, to an Excel workbook (.xlsx)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgetplan.selectors import case_by_registry_number
from budgetplan.workbook import WorkbookError, export_case_workbook


class Command(BaseCommand):
    help = 'Skriver ett ärende till en Excel-arbetsbok, t.ex. export_workbook "112-2321/2011" --output plan.xlsx'

    def add_arguments(self, parser):
        parser.add_argument("registry_number", help="Ett av ärendets diarienummer, t.ex. 112-2321/2011.")
        parser.add_argument("--output", required=True, help="Arbetsboken som ska skrivas (.xlsx).")

    def handle(self, *args, registry_number: str, output: str, **options):
        case = case_by_registry_number(registry_number)
        if case is None:
            raise CommandError(f"Inget ärende har diarienummer {registry_number.strip()}.")
        try:
            content = export_case_workbook(case)
        except WorkbookError as error:
            raise CommandError(str(error)) from error
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Kunde inte skriva {path}: {error.strerror}.") from error
        self.stdout.write(
            self.style.SUCCESS(f"{case.memo_number} skrevs till {path} ({len(content)} byte).")
        )

"""Writes a case, found by any of its registry numbers, to a file in one of the export formats."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgetplan.document.exports import EXPORTERS
from budgetplan.document.selectors import case_by_registry_number, case_document
from budgetplan.document.workbook import WorkbookError


class Command(BaseCommand):
    help = "Skriver ett ärende till en fil, t.ex. export_case \"112-2321/2011\" --format html --output case.html"

    def add_arguments(self, parser):
        parser.add_argument("registry_number", help="Ett av ärendets diarienummer, t.ex. 112-2321/2011.")
        parser.add_argument(
            "--format", dest="export_format", choices=sorted(EXPORTERS), default="html",
            help="Filformat.",
        )
        parser.add_argument("--output", required=True, help="Filen som ska skrivas.")

    def handle(self, *args, registry_number: str, export_format: str, output: str, **options):
        case = case_by_registry_number(registry_number)
        if case is None:
            raise CommandError(f"Inget ärende har diarienummer {registry_number.strip()}.")
        try:
            content = EXPORTERS[export_format](case_document(case_id=case.pk))
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

"""Writes a board's follow-up report for a period, its plan found by a registry number, to a file."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgetplan.document.followup_report import REPORT_EXPORTERS, followup_report_document
from budgetplan.document.selectors import case_by_registry_number
from followup.models import parse_period_kind
from followup.selectors import report_for_case


class Command(BaseCommand):
    help = (
        "Skriver en nämnds uppföljning till en fil, t.ex. "
        "export_followup \"112-2321/2011\" --period T1 --format pdf --output t1.pdf"
    )

    def add_arguments(self, parser):
        parser.add_argument("registry_number", help="Ett av planens diarienummer, t.ex. 112-2321/2011.")
        parser.add_argument("--period", required=True, help="T1, T2 eller Helår.")
        parser.add_argument(
            "--format", dest="export_format", choices=sorted(REPORT_EXPORTERS), default="html",
            help="Filformat.",
        )
        parser.add_argument("--output", required=True, help="Filen som ska skrivas.")

    def handle(self, *args, registry_number: str, period: str, export_format: str, output: str, **options):
        kind = parse_period_kind(period)
        if kind is None:
            raise CommandError(f"Okänd period ”{period}”: ange T1, T2 eller Helår.")
        case = case_by_registry_number(registry_number)
        if case is None:
            raise CommandError(f"Inget ärende har diarienummer {registry_number.strip()}.")
        report = report_for_case(case_id=case.pk, period_kind=kind)
        if report is None:
            raise CommandError(
                f"{case.memo_number} har ingen uppföljning för {kind.value} {case.budget_year}."
            )
        content = REPORT_EXPORTERS[export_format](followup_report_document(report=report))
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Kunde inte skriva {path}: {error.strerror}.") from error
        self.stdout.write(self.style.SUCCESS(
            f"Uppföljningen {kind.value} {case.budget_year} av {case.memo_number} skrevs till "
            f"{path} ({len(content)} byte)."
        ))

"""Creates or updates a whole case from an Excel workbook; with --dry-run nothing is saved."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from budgetplan.document.workbook import import_workbook


class Command(BaseCommand):
    help = (
        "Läser in en arbetsbok och skapar eller uppdaterar ärendet (hittas med sitt Dnr). "
        "Ett enda fel gör att inget sparas; alla fel listas."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Arbetsboken (.xlsx).")
        parser.add_argument(
            "--dry-run", action="store_true",
            help="Kontrollera och visa vad som skulle skapas och ändras, utan att spara.",
        )

    def handle(self, *args, path: str, dry_run: bool, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"Filen {source} finns inte.")
        report = import_workbook(source, dry_run=dry_run)
        if not report.ok:
            for issue in report.issues:
                self.stderr.write(str(issue))
            raise CommandError(
                f"{len(report.issues)} fel i arbetsboken; inget sparades."
                if len(report.issues) != 1 else "1 fel i arbetsboken; inget sparades."
            )
        verbosity = options.get("verbosity", 1)
        heading = (
            f"Provkörning: {report.case_label} skulle " if dry_run else f"{report.case_label} "
        ) + ("uppdateras." if report.existing_case_id else "skapas.")
        self.stdout.write(heading)
        for line in report.summary_lines():
            self.stdout.write(f"  {line}")
        if dry_run or verbosity > 1:
            for change in report.changes:
                self.stdout.write(f"  - {change}")
        if dry_run:
            self.stdout.write("Inget sparades (--dry-run).")
        else:
            self.stdout.write(self.style.SUCCESS("Arbetsboken lästes in."))

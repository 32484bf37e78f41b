"""Removes stored files nothing refers to any more; meant to run from cron, e.g. every night."""
import datetime

from django.core.management.base import BaseCommand

from budgetplan.document.lifecycle import remove_unused_decided_files
from budgetplan.document.workbook.pending import PENDING_MAX_AGE, expire_pending_uploads

UNUSED_DECIDED_AGE = datetime.timedelta(hours=1)  # far longer than any decision takes to save


class Command(BaseCommand):
    help = (
        "Tar bort uppladdade arbetsböcker som aldrig bekräftades och PDF:er från beslut som "
        "aldrig sparades."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours", type=float, default=PENDING_MAX_AGE.total_seconds() / 3600,
            help="Arbetsböcker som väntat längre än så många timmar tas bort (standard: %(default)s).",
        )

    def handle(self, *args, hours: float, **options):
        uploads = expire_pending_uploads(older_than=datetime.timedelta(hours=hours))
        documents = remove_unused_decided_files(older_than=UNUSED_DECIDED_AGE)
        self.stdout.write(
            f"Borttaget: {uploads} arbetsböcker som aldrig bekräftades, "
            f"{documents} PDF:er från beslut som aldrig sparades."
        )

"""Loads the reference case PM 2012:3 RI for a first try, unless the database holds it already,
with the two invented examples beside it: T1 outcomes of its follow-up and a city-wide case."""
import json
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from budgetplan.document.selectors import case_by_registry_number

FIXTURE = "reference_2012"
# Made up for demonstration (and saying so on their pages): the reference plan's T1 follow-up,
# and a city-wide case with subjects, budget adjustments and figures (PM 2024:57 RI).
EXAMPLES = ("reference_2012_followup", "city_example")
REGISTRY_NUMBER = "112-2321/2011"
START_OVER = (
    "Vill du börja om från referensärendet: ta bort databasen (i demon filen db.sqlite3) och kör "
    "skriptet igen."
)


def rows_the_fixture_would_overwrite() -> list[str]:
    """The models of which the database already holds a row with a primary key the fixture uses.

    loaddata writes each row by its primary key, over whatever the database holds under it.
    """
    keys = defaultdict(set)
    for name in (FIXTURE, *EXAMPLES):
        fixture = next(directory / f"{name}.json" for directory in settings.FIXTURE_DIRS)
        for row in json.loads(fixture.read_text(encoding="utf-8")):
            keys[row["model"]].add(row["pk"])
    return [
        apps.get_model(label)._meta.verbose_name_plural
        for label, pks in keys.items()
        if apps.get_model(label)._base_manager.filter(pk__in=pks).exists()
    ]


class Command(BaseCommand):
    help = (
        "Läser in referensärendet PM 2012:3 RI (fixtures/reference_2012.json) med två påhittade "
        "exempel (reference_2012_followup, city_example), men bara i en databas som inte redan "
        "har det: en ny körning skriver inte över det du ändrat."
    )

    def handle(self, *args, **options):
        if case_by_registry_number(REGISTRY_NUMBER) is not None:
            self.stdout.write(
                "Referensärendet PM 2012:3 RI finns redan i databasen och läses inte in igen; "
                f"dina ändringar finns kvar. {START_OVER}"
            )
            return
        taken = rows_the_fixture_would_overwrite()
        if taken:
            self.stdout.write(
                "Referensärendet PM 2012:3 RI läses inte in: databasen har redan poster med "
                f"samma id ({', '.join(taken)}), och de skulle skrivas över. {START_OVER}"
            )
            return
        call_command("loaddata", FIXTURE, *EXAMPLES, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Referensärendet PM 2012:3 RI lästes in."))
        self.stdout.write(
            "Två påhittade exempel lästes in bredvid det: uppföljningen av tertial 1 2012 för "
            "referensärendet och ett stadsövergripande ärende (PM 2024:57 RI)."
        )

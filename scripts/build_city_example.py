"""Builds the invented city-wide example case and writes fixtures/city_example.json.

Everything in it is made up for tests and demonstration (Exempelstaden, its boards, reserves,
people and amounts); nothing is copied from a real document. It shows what a city-wide case of the
city office holds: two subjects with their own Dnr, budget adjustments to four boards from two
central reserves and turnover changes, named figures that the decision points quote (one point
quotes two), and points that refer to attachments.

Regenerate (the JSON is generated output, never edit it by hand):

    .venv/bin/python scripts/build_city_example.py

Like scripts/build_reference_fixture.py it migrates a fresh temporary SQLite database, creates
every record through the write services (each validated before it is saved), moves the case on
to proposed through the lifecycle (which refuses a quoted figure without rows), and dumps the
apps without their history tables. Its primary keys start at 9001 so that it loads beside the
reference case: `manage.py loaddata reference_2012 city_example`.
"""
import argparse
import datetime
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

# The same apps, without their history tables, as the reference fixture (this runs from scripts/).
from build_reference_fixture import DUMPED_APPS, historical_models

BASE_DIR = Path(__file__).resolve().parent.parent
FIXTURE_PATH = BASE_DIR / "fixtures" / "city_example.json"
FIRST_KEY = 9001

CITY_OFFICE = {"name": "Exempelstadens kommunstyrelse", "office": "Stadsledningskontoret",
               "city_office": True}
BOARDS = {
    "norr": {"name": "Norrdalens stadsdelsnämnd", "office": "Norrdalens stadsdelsförvaltning"},
    "soder": {"name": "Södersjö stadsdelsnämnd", "office": "Södersjö stadsdelsförvaltning"},
    "idrott": {"name": "Exempelstadens idrottsnämnd", "office": "Idrottsförvaltningen"},
    "kultur": {"name": "Exempelstadens kulturnämnd", "office": "Kulturförvaltningen"},
}
SOURCES = {
    "reserv2": {"name": "Central medelsreserv", "number": "2",
                "purpose": "Särskilda medel för oförutsedda kostnader"},
    "reserv4": {"name": "Central medelsreserv", "number": "4",
                "purpose": "Investeringar i idrotts- och kulturlokaler"},
}
CASE = {
    "memo_year": 2024, "memo_serial": 57, "memo_rotel": "RI", "budget_year": 2024,
    "title": "Tertialrapport 1 2024 och avstämning av mål och budget för Exempelstaden",
}
# (title, Dnr)
SUBJECTS = [
    ("Tertialrapport 1 2024 med budgetjusteringar", "170-0412/2024"),
    ("Avstämning av mål och budget 2024 samt nämndernas omslutningsförändringar", "170-0588/2024"),
]
# (board, kind, what it is for, amount, source)
ADJUSTMENTS = [
    ("norr", "operating", "Fler elever i grundsärskolan", "12.5", "reserv2"),
    ("soder", "operating", "Utökad hemtjänst under vintern", "8.0", "reserv2"),
    ("idrott", "investment", "Upprustning av Norrdalens sporthall", "24.0", "reserv4"),
    ("kultur", "investment", "Ny meröppen biblioteksfilial i Södersjö", "6.5", "reserv4"),
    ("idrott", "turnover", "Externt finansierade sommarlovsaktiviteter", "3.2", None),
    ("norr", "turnover", "Statsbidrag för läxhjälp", "4.8", None),
    ("kultur", "turnover", "Sponsring av stadsfestivalen", "1.5", None),
]
# (name, rows, board, source)
FIGURES = [
    ("Budgetjusteringar ur central medelsreserv 2", "adjustments", None, "reserv2"),
    ("Investeringsutgifter ur central medelsreserv 4", "adjustment_investment", None, "reserv4"),
    ("Nämndernas omslutningsförändringar", "turnover", None, None),
    ("Idrottsnämndens budgetjusteringar", "adjustments", "idrott", None),
]
# (subject number, text, the figures it quotes by their number)
DECISION_POINTS = [
    (1, "Tertialrapport 1 2024 för Exempelstaden godkänns.", []),
    (1, "Budgetjusteringar om {belopp} mnkr beviljas nämnderna enligt bilaga 1, finansierade ur "
        "central medelsreserv 2.", [1]),
    (1, "Investeringsutgifter om {belopp} mnkr beviljas ur central medelsreserv 4 enligt bilaga 2.",
     [2]),
    (1, "Idrottsnämnden får budgetjusteringar om sammanlagt {belopp} mnkr.", [4]),
    (2, "Nämndernas omslutningsförändringar om {belopp} mnkr godkänns enligt bilaga 3.", [3]),
    (2, "Ur de centrala medelsreserverna tas {belopp:1} mnkr ur reserv 2 och {belopp:2} mnkr ur "
        "reserv 4.", [1, 2]),
    (2, "Ändrade indikatorer och årsmål godkänns enligt bilaga 4.", []),
]
ATTACHMENTS = [
    "Budgetjusteringar per nämnd",
    "Investeringar ur central medelsreserv 4",
    "Omslutningsförändringar per nämnd",
    "Ändrade indikatorer och årsmål",
]
STATEMENT = {
    "commissioner": "Kim Exempelsson",
    "signed_on": datetime.date(2024, 5, 29),
    "place": "Exempelstaden",
    "proposal_lead": "Jag föreslår att borgarrådsberedningen föreslår att kommunstyrelsen "
                     "beslutar följande.",
}
STATEMENT_SECTIONS = [
    ("Ärendet", "Stadsledningskontoret har sammanställt nämndernas tertialrapporter och deras "
                "begäran om budgetjusteringar, och stämt av mål och budget för 2024."),
    ("Mina synpunkter", "Nämnderna håller i stort sin budget. De justeringar som föreslås "
                        "finansieras ur de centrala medelsreserverna; nämndernas "
                        "omslutningsförändringar är finansierade av externa medel."),
]


def start_keys_at(first: int) -> None:
    """SQLite gives the next row of each table the key after its sequence's value."""
    from django.apps import apps
    from django.db import connection

    with connection.cursor() as cursor:
        for app_label in DUMPED_APPS:
            for model in apps.get_app_config(app_label).get_models():
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [model._meta.db_table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                               [model._meta.db_table, first - 1])


def build():
    from django.db import transaction

    from budgetplan.cases import models as case_models
    from budgetplan.document import lifecycle
    from budgetplan.kernel.services import record_save
    from finance import models as finance_models

    def save(model, **fields):
        return record_save(instance=model(**fields))

    with transaction.atomic():
        save(case_models.Board, **CITY_OFFICE)
        boards = {key: save(case_models.Board, **spec) for key, spec in BOARDS.items()}
        sources = {key: save(finance_models.FinancingSource, **spec) for key, spec in SOURCES.items()}
        case = save(case_models.Case, owner=case_models.Case.Owner.CITY, board=None, **CASE)
        subjects = []
        for order, (title, number) in enumerate(SUBJECTS, start=1):
            subject = save(case_models.Subject, case=case, order=order, title=title)
            save(case_models.RegistryNumber, case=case, subject=subject, number=number, order=order)
            subjects.append(subject)
        for number, title in enumerate(ATTACHMENTS, start=1):
            save(case_models.Attachment, case=case, number=number, title=title)
        for order, (board, kind, description, amount, source) in enumerate(ADJUSTMENTS, start=1):
            save(finance_models.BudgetAdjustment, case=case, order=order, board=boards[board],
                 kind=kind, description=description, amount=Decimal(amount),
                 source=sources[source] if source else None)
        figures = [
            save(finance_models.Figure, case=case, number=number, name=name, rows=rows,
                 board=boards[board] if board else None, source=sources[source] if source else None)
            for number, (name, rows, board, source) in enumerate(FIGURES, start=1)
        ]
        for number, (subject, text, quoted) in enumerate(DECISION_POINTS, start=1):
            point = save(case_models.DecisionPoint, case=case, subject=subjects[subject - 1],
                         number=number, text=text)
            for position, figure in enumerate(quoted, start=1):
                save(finance_models.QuotedFigure, point=point, position=position,
                     figure=figures[figure - 1])
        statement = save(case_models.Statement, case=case, **STATEMENT)
        for order, (heading, body) in enumerate(STATEMENT_SECTIONS, start=1):
            save(case_models.StatementSection, statement=statement, order=order, heading=heading,
                 body=body)

        lifecycle.case_transition(case=case, to_status=case_models.Case.Status.PROPOSED, user=None)
        stamp = datetime.datetime(2024, 5, 29, 9, 0, tzinfo=datetime.UTC)
        case_models.CaseTransition.objects.filter(case=case).update(at=stamp)
        # A stored state, its first version and revision: the writes that built it are not its
        # history (the history tables are not dumped either).
        case_models.Case.objects.filter(pk=case.pk).update(
            created_at=stamp, updated_at=stamp, version=1, revision=1,
        )
    return case


def build_and_dump(output: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from budgetplan.cases.models import Board, Case

    call_command("migrate", verbosity=0, interactive=False)
    if Case.objects.exists() or Board.objects.exists():
        sys.exit("The database is not empty; build the fixture in a throwaway database.")
    start_keys_at(FIRST_KEY)
    case = build()
    print(f"Built {case} in {os.environ['DATABASE_URL']}")
    output.parent.mkdir(parents=True, exist_ok=True)
    call_command("dumpdata", *DUMPED_APPS, exclude=historical_models(), indent=2,
                 output=str(output), verbosity=0)
    print(f"Wrote {output}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=FIXTURE_PATH)
    args = parser.parse_args()
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DJANGO_SETTINGS_MODULE"] = "budgetplan.settings.local"
    scratch = tempfile.TemporaryDirectory(prefix="city-example-")
    # Always a throwaway SQLite file: the keys are set through SQLite's own sequence table.
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'city.sqlite3'}"
    try:
        build_and_dump(args.output)
    finally:
        from django.db import connections

        connections.close_all()
        scratch.cleanup()


if __name__ == "__main__":
    main()

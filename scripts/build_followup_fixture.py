"""Writes fixtures/reference_2012_followup.json: INVENTED T1 outcomes for the reference plan.

The reference case (fixtures/reference_2012.json) is a real plan; its follow-up is not public,
so every figure here is made up for demonstration, by fixed rules below so that the file stays
the same from one build to the next. The report carries a note that says so in plain words
(FollowUpReport.demonstration_note), which the entry form and the report show.

What it holds: the period T1 2012 (to 30 April), one open report for PM 2012:3 RI, and an outcome
for every indicator of the plan (a number in the target's unit, or a word where the target is
one), a status for every activity, an assessment of every council goal and board goal, and
outcome and forecast for every budget row and the investment. The report is left open, so it
can be entered further, submitted and approved in the browser.

Regenerate (the JSON is generated output, never edit it by hand):

    .venv/bin/python scripts/build_followup_fixture.py

Like scripts/build_reference_fixture.py it migrates a fresh temporary SQLite database (or the
empty one DATABASE_URL names), loads the reference case, writes everything through the
follow-up's own services (validated, as a person's entry is), and dumps the app without its
history tables.
"""
import argparse
import os
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
FIXTURE_PATH = BASE_DIR / "fixtures" / "reference_2012_followup.json"

DEMONSTRATION_NOTE = (
    "Uppgifterna i denna uppföljning är påhittade för att visa hur uppföljningen fungerar. "
    "De är inte Stockholms stads utfall och får inte citeras."
)
SUMMARY = (
    "Påhittad sammanfattning för demonstration: verksamheten följer i huvudsak planen efter "
    "första tertialet. Några aktiviteter är försenade och prognosen visar ett litet överskott."
)
ACTIVITY_CYCLE = ("ongoing", "done", "ongoing", "not_started", "delayed", "ongoing", "done", "cancelled")
ACTIVITY_COMMENTS = {
    "delayed": "Påhittat för demonstration: försenad, väntar på beslut i annan nämnd.",
    "cancelled": "Påhittat för demonstration: avbruten, ersätts av en annan aktivitet.",
}
ATTAINMENT_CYCLE = ("met", "partly_met", "met", "not_met", "partly_met")
ATTAINMENT_ANALYSIS = {
    "met": "Påhittad analys: målet bedöms uppfyllas; indikatorerna ligger i nivå med årsmålen.",
    "partly_met": "Påhittad analys: målet bedöms delvis uppfyllas; arbetet pågår men några "
                  "aktiviteter är försenade.",
    "not_met": "Påhittad analys: målet bedöms inte uppfyllas i år; åtgärder tas fram till T2.",
}


def _quantize(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def invented_indicator(index: int, line) -> dict:
    """An outcome for one indicator: met, partly met and not met in turn where a number is
    compared, last year's figure beside it, or a word where the target is one."""
    from goals.models import NUMERIC_KINDS, Direction, TargetKind

    target = line.target
    kind = target.kind
    comment = "Påhittat utfall för demonstration."
    if kind == TargetKind.NUMBER:
        decimals = target.decimals
        step = max(line.indicator.tolerance, Decimal(1).scaleb(-decimals)) or Decimal(1)
        shortfall = (-step, step / 2, step * 2)[index % 3]
        if line.indicator.direction == Direction.LOWER:
            value = target.value + shortfall
        else:
            value = target.value - shortfall
        value = max(_quantize(value, decimals), Decimal(0))
        if target.unit == "%":
            value = min(value, Decimal(100))
        previous = _quantize(target.value * Decimal("0.95"), decimals)
        return {"value": value, "previous_value": previous, "comment": comment}
    if kind == TargetKind.PLUS_MINUS:
        return {"value": Decimal("0.6"), "previous_value": Decimal("1.4"), "comment": comment}
    if kind in (TargetKind.INCREASE, TargetKind.DECREASE):
        previous = Decimal(40 + index)
        change = (Decimal(3), Decimal(0), Decimal(-2))[index % 3]
        return {"value": previous + change, "previous_value": previous, "comment": comment}
    assert kind not in NUMERIC_KINDS
    word = ("achieved", "partly_achieved", "achieved", "not_achieved")[index % 4]
    return {"qualitative": word, "comment": comment}


def invented_budget(index: int, line) -> dict:
    """A third of the year's budget spent by 30 April, give or take, and a forecast near it."""
    third = Decimal("0.32") + Decimal(index % 4) / 100
    drift = (Decimal("0.0"), Decimal("-0.8"), Decimal("1.1"), Decimal("-0.3"))[index % 4]
    return {
        "outcome_costs": _quantize(line.budget_costs * third, 1),
        "outcome_revenues": _quantize(line.budget_revenues * third, 1),
        "forecast_costs": max(line.budget_costs + drift, Decimal("0.0")),
        "forecast_revenues": line.budget_revenues,
    }


def build():
    from django.core.management import call_command

    from budgetplan.cases.models import Case
    from budgetplan.kernel.services import record_save, records_update
    from followup import selectors, services

    call_command("loaddata", "reference_2012", verbosity=0)
    case = Case.objects.get(registry_numbers__number="112-2321/2011")
    report = services.report_open(case=case, period_kind="T1", demonstration_note=DEMONSTRATION_NOTE)
    report.summary = SUMMARY
    record_save(instance=report)
    document = selectors.followup_document(report_id=report.pk)

    def write(lines, invent, outcome_of):
        rows = []
        fields = set()
        for index, line in enumerate(lines):
            row = outcome_of(line)
            for name, value in invent(index, line).items():
                setattr(row, name, value)
                fields.add(name)
            rows.append(row)
        records_update(instances=rows, fields=sorted(fields))

    write(document.indicators, invented_indicator, lambda line: line.outcome)
    write(
        document.activities,
        lambda index, line: {
            "status": ACTIVITY_CYCLE[index % len(ACTIVITY_CYCLE)],
            "comment": ACTIVITY_COMMENTS.get(ACTIVITY_CYCLE[index % len(ACTIVITY_CYCLE)], ""),
        },
        lambda line: line.outcome,
    )
    write(
        document.goal_lines,
        lambda index, line: {
            "attainment": ATTAINMENT_CYCLE[index % len(ATTAINMENT_CYCLE)],
            "analysis": ATTAINMENT_ANALYSIS[ATTAINMENT_CYCLE[index % len(ATTAINMENT_CYCLE)]],
        },
        lambda line: line.assessment,
    )
    write(document.budget_lines, invented_budget, lambda line: line.outcome)
    write(
        document.investment_lines,
        lambda index, line: {
            "outcome": _quantize(line.budget * Decimal("0.2"), 1), "forecast": line.budget,
            "comment": "Påhittat: upphandlingen av lokalanpassningen pågår.",
        },
        lambda line: line.outcome,
    )
    # A stored state, its first version: the writes that built it are not its history.
    from followup.models import OUTCOME_MODELS, FollowUpPeriod, FollowUpReport

    for model in (FollowUpPeriod, FollowUpReport, *OUTCOME_MODELS):
        model.objects.update(version=1)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=FIXTURE_PATH)
    args = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetplan.settings.local")
    scratch = None
    if not os.environ.get("DATABASE_URL"):
        scratch = tempfile.TemporaryDirectory(prefix="followup-fixture-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'followup.sqlite3'}"
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from followup.models import FollowUpReport

        call_command("migrate", verbosity=0, interactive=False)
        if FollowUpReport.objects.exists():
            sys.exit("The database already holds follow-up reports; build in a throwaway database.")
        report = build()
        print(f"Built {report} in {os.environ['DATABASE_URL']}")
        models = [
            "followup.FollowUpPeriod", "followup.FollowUpReport", "followup.IndicatorOutcome",
            "followup.ActivityOutcome", "followup.GoalAssessment", "followup.BudgetRowOutcome",
            "followup.InvestmentOutcome",
        ]
        call_command("dumpdata", *models, indent=2, output=str(args.output), verbosity=0)
        print(f"Wrote {args.output}")
    finally:
        if scratch:
            from django.db import connections

            connections.close_all()
            scratch.cleanup()


if __name__ == "__main__":
    main()

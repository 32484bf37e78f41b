"""Each decision point's fixed total (DecisionPoint.figure) becomes a named figure of its case
that the point quotes: the same sum of the same rows, so the text reads as before."""
from django.db import migrations

# The old fixed totals: (rows the figure sums, the name the old choice showed).
OLD_TOTALS = {
    "turnover_change_total": ("turnover", "Summa omslutningsförändringar"),
    "operating_net_total": ("operating_net", "Driftbudget, netto"),
    "operating_costs_total": ("operating_costs", "Driftbudget, kostnader"),
    "operating_revenues_total": ("operating_revenues", "Driftbudget, intäkter"),
    "investment_total": ("investments", "Summa investeringar"),
}
BACK = {rows: old for old, (rows, _) in OLD_TOTALS.items()}


def figures_from_points(apps, schema_editor):
    DecisionPoint = apps.get_model("budgetplan", "DecisionPoint")
    Figure = apps.get_model("finance", "Figure")
    QuotedFigure = apps.get_model("finance", "QuotedFigure")
    made: dict[tuple[int, str], object] = {}
    points = DecisionPoint.objects.exclude(figure="").order_by("case_id", "number")
    for point in points:
        key = (point.case_id, point.figure)
        if key not in made:
            rows, name = OLD_TOTALS[point.figure]
            number = sum(1 for case_id, _ in made if case_id == point.case_id) + 1
            made[key] = Figure.objects.create(case_id=point.case_id, number=number, name=name, rows=rows)
        QuotedFigure.objects.create(point_id=point.pk, position=1, figure=made[key])


def points_from_figures(apps, schema_editor):
    DecisionPoint = apps.get_model("budgetplan", "DecisionPoint")
    QuotedFigure = apps.get_model("finance", "QuotedFigure")
    Figure = apps.get_model("finance", "Figure")
    for quote in QuotedFigure.objects.filter(position=1).select_related("figure"):
        old = BACK.get(quote.figure.rows)
        if old:
            DecisionPoint.objects.filter(pk=quote.point_id).update(figure=old)
    QuotedFigure.objects.all().delete()
    Figure.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("budgetplan", "0007_case_frozen_board"),
        ("finance", "0004_budget_adjustments_and_figures"),
    ]

    operations = [migrations.RunPython(figures_from_points, points_from_figures)]

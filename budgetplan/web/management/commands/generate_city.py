"""Fills the database with a synthetic city for benchmarks: every board's plan, every year."""
from django.core.management.base import BaseCommand, CommandError

from bench.city import CityExists, generate_city
from finance.models import OperatingBudgetRow
from goals.models import Activity, BoardGoal, PlanCouncilGoal, PlanIndicator


class Command(BaseCommand):
    help = (
        "Skapar en syntetisk stad för prestandamätning: --boards nämnder med var sin plan per år "
        "i --years år, --scale gånger referensärendets storlek, samma resultat för samma --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--boards", type=int, default=50, help="Antal nämnder (50).")
        parser.add_argument("--years", type=int, default=3, help="Antal budgetår (3).")
        parser.add_argument("--scale", type=int, default=10,
                            help="Planernas storlek i förhållande till referensärendet (10).")
        parser.add_argument("--seed", type=int, default=1, help="Slumpfrö (1).")
        parser.add_argument("--first-year", type=int, default=2013, help="Första budgetåret (2013).")
        parser.add_argument("--no-followup", action="store_true",
                            help="Utan uppföljning (annars godkända T1, T2 och Helår för varje plan).")

    def handle(self, *args, boards, years, scale, seed, first_year, no_followup=False, **options):
        try:
            report = generate_city(
                boards=boards, years=years, scale=scale, seed=seed, first_year=first_year,
                followup=not no_followup, progress=lambda line: self.stdout.write(f"  {line}"),
            )
        except (CityExists, ValueError) as error:
            raise CommandError(str(error)) from error

        self.stdout.write(self.style.SUCCESS(
            f"Skapade {len(report.cases)} ärenden för {boards} nämnder, budgetår "
            f"{report.years[0]}–{report.years[-1]}, skala {scale}, frö {seed}, "
            f"på {report.seconds:.1f} s."
        ))
        for label, count in report.counts.items():
            self.stdout.write(f"  {label}: {count}")
        first = report.cases[0]
        year = first.budget_year
        self.stdout.write(
            f"  Första planen ({first.memo_number}, id {first.pk}): "
            f"{PlanCouncilGoal.objects.filter(case=first).count()} KF-mål, "
            f"{PlanIndicator.objects.filter(case=first).count()} indikatorer, "
            f"{Activity.objects.filter(assigned_board=first.board, council_goal__strategic_goal__year=year).count()} "
            f"KF-aktiviteter och {Activity.objects.filter(board_goal__case=first).count()} "
            f"nämndaktiviteter, {BoardGoal.objects.filter(case=first).count()} nämndmål, "
            f"{OperatingBudgetRow.objects.filter(frame__case=first).count()} budgetrader."
        )

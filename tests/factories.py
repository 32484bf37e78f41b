"""Factories for test data; the reference case itself comes from the fixture."""
import datetime
from decimal import Decimal

import factory

from budgetplan.cases import models as case_models
from finance import models as finance_models
from goals import models as goal_models
from reservations import models as reservation_models


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Board

    name = factory.Sequence(lambda n: f"Nämnd {n}")
    office = "Stadsledningskontoret"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Case

    memo_year = 2012
    memo_serial = factory.Sequence(lambda n: n + 100)
    memo_rotel = "RI"
    title = factory.Sequence(lambda n: f"Budget/verksamhetsplan 2012 för nämnd {n}")
    budget_year = 2012
    board = factory.SubFactory(BoardFactory)


class RegistryNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.RegistryNumber

    case = factory.SubFactory(CaseFactory)
    number = factory.Sequence(lambda n: f"112-{n + 5000}/2011")


class DecisionPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.DecisionPoint
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Förslaget godkänns."

    @factory.post_generation
    def figure(obj, create, extracted, **kwargs):
        """figure="turnover" (a finance.models.FigureRows value, or a Figure): the point quotes
        that figure of its case, made if the case has none of those rows yet."""
        if create and extracted:
            quote_figures(obj, [extracted])


def figure_of(case, rows, **selection):
    """The case's figure that sums `rows` (with this board/source), made with the next number."""
    from finance.models import Figure, FigureRows

    found = Figure.objects.filter(case=case, rows=rows, **selection).first()
    if found is not None:
        return found
    number = Figure.objects.filter(case=case).count() + 1
    return Figure.objects.create(
        case=case, number=number, rows=rows, name=f"{FigureRows(rows).label} ({number})", **selection,
    )


def quote_figures(point, figures):
    """Make `point` quote `figures` (Figure objects or FigureRows values), in this order."""
    from finance.models import Figure, QuotedFigure

    for position, figure in enumerate(figures, start=1):
        if not isinstance(figure, Figure):
            figure = figure_of(point.case, figure)
        QuotedFigure.objects.create(point=point, position=position, figure=figure)


class StrategicGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goal_models.StrategicGoal

    year = 2012
    number = factory.Sequence(lambda n: n + 10)
    title = factory.Sequence(lambda n: f"Inriktningsmål {n}")


class CouncilGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goal_models.CouncilGoal

    strategic_goal = factory.SubFactory(StrategicGoalFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"KF-mål {n}")


class BoardGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goal_models.BoardGoal

    case = factory.SubFactory(CaseFactory)
    council_goal = factory.SubFactory(CouncilGoalFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Nämndmål {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goal_models.Indicator

    council_goal = factory.SubFactory(CouncilGoalFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Indikator {n}")
    council_target_kind = goal_models.TargetKind.NUMBER
    council_target_value = Decimal("35")
    council_target_unit = goal_models.Unit.PERCENT


class PlanIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goal_models.PlanIndicator

    case = factory.SubFactory(CaseFactory)
    indicator = factory.SubFactory(IndicatorFactory)


class BoardActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goal_models.Activity

    board_goal = factory.SubFactory(BoardGoalFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Nämndens aktivitet {n}")
    start_date = datetime.date(2012, 1, 1)
    end_date = datetime.date(2012, 12, 31)


class CouncilActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goal_models.Activity

    council_goal = factory.SubFactory(CouncilGoalFactory)
    assigned_board = factory.SubFactory(BoardFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"KF:s aktivitet {n}")
    start_date = datetime.date(2012, 1, 1)
    end_date = datetime.date(2012, 12, 31)


class FinancialFrameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = finance_models.FinancialFrame

    case = factory.SubFactory(CaseFactory)
    organisation = "Stadsledningskontoret m.m."


class OperatingBudgetRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = finance_models.OperatingBudgetRow

    frame = factory.SubFactory(FinancialFrameFactory)
    order = factory.Sequence(lambda n: n + 1)
    department = factory.Sequence(lambda n: f"Avdelning {n}")
    costs = Decimal("10.0")
    revenues = Decimal("-1.0")


class TurnoverChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = finance_models.TurnoverChange

    frame = factory.SubFactory(FinancialFrameFactory)
    order = factory.Sequence(lambda n: n + 1)
    description = factory.Sequence(lambda n: f"Ökade kostnader/intäkter för projekt {n}")
    amount = Decimal("5.0")


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reservation_models.Party
        django_get_or_create = ("abbreviation",)

    abbreviation = "S"
    name = "Socialdemokraterna"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reservation_models.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    party = factory.SubFactory(PartyFactory)


class ReservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reservation_models.Reservation

    case = factory.SubFactory(CaseFactory)
    order = factory.Sequence(lambda n: n + 1)
    proposal_lead = "Jag föreslår kommunstyrelsen besluta att"
    text = "Vi anser något annat."


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reservation_models.Signatory

    reservation = factory.SubFactory(ReservationFactory)
    person = factory.SubFactory(PersonFactory)
    order = factory.Sequence(lambda n: n + 1)


class ReservationPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reservation_models.ReservationPoint

    reservation = factory.SubFactory(ReservationFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Avslå förslaget."


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Statement

    case = factory.SubFactory(CaseFactory)
    commissioner = "Sten Nordin"
    signed_on = datetime.date(2012, 1, 11)


class StatementSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.StatementSection

    statement = factory.SubFactory(StatementFactory)
    order = factory.Sequence(lambda n: n + 1)
    heading = "Ärendet"
    body = "Budget och verksamhetsplan ska upprättas."


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Attachment

    case = factory.SubFactory(CaseFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Rapportbilaga {n}")


class OfficialsReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.OfficialsReport

    case = factory.SubFactory(CaseFactory)
    offices = "Stadsledningskontoret och KF/KS kansli"
    dated = datetime.date(2011, 12, 1)
    matter_lead = "Stadsledningskontoret har bland annat ett övergripande ansvar för:"
    preparation = "Ärendet har initierats av stadsledningskontoret."
    report_lead = "Tjänsteutlåtande daterat den {datum} är i huvudsak av följande lydelse."


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Responsibility

    report = factory.SubFactory(OfficialsReportFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"ansvarsområde {n}")


class PlanStrategicGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goal_models.PlanStrategicGoal

    case = factory.SubFactory(CaseFactory)
    strategic_goal = factory.SubFactory(StrategicGoalFactory)
    description = "Kontorets text under inriktningsmålet."


class PlanCouncilGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = goal_models.PlanCouncilGoal

    case = factory.SubFactory(CaseFactory)
    council_goal = factory.SubFactory(CouncilGoalFactory)
    description = "Kontorets text under målet."


class InvestmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = finance_models.Investment

    frame = factory.SubFactory(FinancialFrameFactory)
    order = factory.Sequence(lambda n: n + 1)
    purpose = "Stadshusets lokaler"
    amount = Decimal("2.0")
    text = "Kontoret har en investeringsbudget om {belopp} mnkr för Stadshusets lokaler."


class ResultUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = finance_models.ResultUnit

    frame = factory.SubFactory(FinancialFrameFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = "Visningsenheten"
    text = "Visningsenheten föreslås utgöra en resultatenhet."


class MajorProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = finance_models.MajorProject

    frame = factory.SubFactory(FinancialFrameFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Projekt {n}")
    body = "Projektets beskrivning."


class FinancingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = finance_models.FinancingSource

    name = "Central medelsreserv"
    number = factory.Sequence(lambda n: str(n + 2))
    purpose = "Särskilda medel"


class BudgetAdjustmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = finance_models.BudgetAdjustment

    case = factory.SubFactory(CaseFactory)
    order = factory.Sequence(lambda n: n + 1)
    board = factory.SubFactory(BoardFactory)
    kind = finance_models.AdjustmentKind.OPERATING
    description = "Ökade kostnader"
    amount = Decimal("10.0")
    source = factory.SubFactory(FinancingSourceFactory)

"""Builds a complete case of a chosen size from the factories, for query-count and page tests."""
import datetime
from decimal import Decimal

from budgetplan.cases.models import Body
from reservations.models import Person
from tests import factories as f

TURNOVER_POINT = "Den redovisade omslutningsförändringen med {belopp} mnkr godkänns."


def build_plan(*, size: int, title: str = "Budget/verksamhetsplan 2012 för Kommunfullmäktige m.m."):
    """A case with `size` of everything that repeats: goals, indicators, activities, rows, reservations."""
    board = f.BoardFactory()
    other_board = f.BoardFactory()
    case = f.CaseFactory(board=board, title=title, memo_year=2012, memo_rotel="RI")
    f.RegistryNumberFactory(case=case, order=1)

    frame = f.FinancialFrameFactory(case=case)
    for index in range(size):
        f.OperatingBudgetRowFactory(
            frame=frame, department=f"Avdelning {index + 1}",
            costs=Decimal("82.8"), revenues=Decimal("-22.0") if index % 2 == 0 else Decimal("0.0"),
        )
        f.TurnoverChangeFactory(frame=frame, amount=Decimal("25.0"))
        f.MajorProjectFactory(frame=frame)
        f.BudgetAdjustmentFactory(case=case, amount=Decimal("1.5"))
    f.InvestmentFactory(frame=frame, amount=Decimal("2.0"))
    f.ResultUnitFactory(frame=frame)

    f.DecisionPointFactory(case=case, number=1, text="Förslaget till budget godkänns.")
    f.DecisionPointFactory(
        case=case, number=2, text=TURNOVER_POINT,
        figure="turnover",
    )

    statement = f.StatementFactory(case=case)
    f.StatementSectionFactory(statement=statement, order=1, heading="Ärendet")
    f.StatementSectionFactory(statement=statement, order=2, heading="Mina synpunkter")
    for _ in range(size):
        f.AttachmentFactory(case=case)

    report = f.OfficialsReportFactory(case=case)
    for _ in range(size):
        f.ResponsibilityFactory(report=report)

    first_council_goal = None
    for _ in range(size):
        strategic = f.StrategicGoalFactory(year=case.budget_year)
        f.PlanStrategicGoalFactory(case=case, strategic_goal=strategic)
        for _ in range(size):
            council_goal = f.CouncilGoalFactory(strategic_goal=strategic)
            first_council_goal = first_council_goal or council_goal
            f.PlanCouncilGoalFactory(case=case, council_goal=council_goal)
            for _ in range(size):
                indicator = f.IndicatorFactory(council_goal=council_goal)
                f.PlanIndicatorFactory(
                    case=case, indicator=indicator, board_target_kind="number",
                    board_target_value=Decimal("3"), board_target_unit="st",
                )
                f.CouncilActivityFactory(council_goal=council_goal, assigned_board=board)
            # Another board's activity under the same shared council goal stays out of this plan.
            f.CouncilActivityFactory(
                council_goal=council_goal, assigned_board=other_board,
                text="En annan nämnds aktivitet",
            )
            board_goal = f.BoardGoalFactory(case=case, council_goal=council_goal)
            for _ in range(size):
                board_indicator = f.IndicatorFactory(
                    council_goal=None, board_goal=board_goal, council_target_kind="",
                    council_target_value=None, council_target_unit="",
                )
                f.PlanIndicatorFactory(
                    case=case, indicator=board_indicator, board_target_kind="increase",
                )
                f.BoardActivityFactory(
                    board_goal=board_goal, start_date=datetime.date(2012, 1, 1),
                    end_date=datetime.date(2014, 12, 31),
                )
    frame.placed_under = first_council_goal
    frame.save()

    party = f.PartyFactory(abbreviation="S", name="Socialdemokraterna")
    first = None
    for index in range(size):
        reservation = f.ReservationFactory(case=case, body=Body.COMMISSIONERS_COMMITTEE)
        first = first or reservation
        for _ in range(2):
            f.SignatoryFactory(
                reservation=reservation,
                person=f.PersonFactory(party=party, role=Person.Role.COMMISSIONER),
            )
            f.ReservationPointFactory(reservation=reservation)
    referring = f.ReservationFactory(
        case=case, body=Body.EXECUTIVE_BOARD, refers_to=first, text="", proposal_lead="",
    )
    f.SignatoryFactory(reservation=referring, person=f.PersonFactory(party=party))
    return case

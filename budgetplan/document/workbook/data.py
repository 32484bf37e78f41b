"""Loads one whole case, and everything the workbook carries, with a fixed number of queries."""
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from budgetplan.cases.models import Case
from finance.models import BudgetAdjustment, Figure, FinancialFrame, TurnoverChange
from goals.models import (
    Activity,
    BoardGoal,
    CouncilGoal,
    Indicator,
    PlanCouncilGoal,
    PlanIndicator,
    PlanStrategicGoal,
    StrategicGoal,
)
from reservations.models import Party, Reservation, Signatory

from .issues import WorkbookError


@dataclass
class CaseData:
    case: Case
    registry_numbers: list
    decision_points: list
    statement: object
    sections: list
    attachments: list
    report: object
    responsibilities: list
    strategic_goals: list
    council_goals: list
    plan_strategic_goals: dict  # strategic goal id -> PlanStrategicGoal
    plan_council_goals: dict  # council goal id -> PlanCouncilGoal
    board_goals: list
    indicators: list
    plan_indicators: dict  # indicator id -> PlanIndicator
    activities: list
    frame: object
    figures: list
    adjustments: list
    subjects: list
    reservations: list
    signatories: list
    parties: list
    people: list


def council_code(goal: CouncilGoal) -> str:
    return f"{goal.strategic_goal.number}.{goal.number}"


def load_case(case_id: int) -> CaseData:
    case = (
        Case.objects.select_related("board", "statement", "officials_report")
        .prefetch_related("registry_numbers", "decision_points__quoted_figures__figure", "attachments",
                          "subjects",
                          "statement__sections", "officials_report__responsibilities")
        .get(pk=case_id)
    )
    statement = getattr(case, "statement", None)
    report = getattr(case, "officials_report", None)
    year = case.budget_year

    plan_strategic = {
        p.strategic_goal_id: p
        for p in PlanStrategicGoal.objects.filter(case=case).select_related("strategic_goal")
    }
    plan_council = {
        p.council_goal_id: p
        for p in PlanCouncilGoal.objects.filter(case=case).select_related("council_goal__strategic_goal")
    }
    board_goals = list(
        BoardGoal.objects.filter(case=case).select_related("council_goal__strategic_goal")
        .order_by("council_goal__strategic_goal__number", "council_goal__number", "order")
    )
    plan_indicators = {
        p.indicator_id: p for p in PlanIndicator.objects.filter(case=case)
    }
    frame = (
        FinancialFrame.objects.filter(case=case)
        .select_related("placed_under__strategic_goal")
        .prefetch_related("operating_rows", "investments", "result_units", "projects",
                          Prefetch("turnover_changes",
                                   queryset=TurnoverChange.objects.select_related("board")))
        .first()
    )
    activities = list(
        Activity.objects.filter(
            Q(council_goal__strategic_goal__year=year, assigned_board=case.board_id)
            | Q(board_goal__case=case)
        ).select_related("council_goal__strategic_goal", "board_goal__council_goal__strategic_goal")
    )

    # The workbook carries the council's goals of the budget year; a goal number such as "1.1"
    # names one of them.
    goal_ids = (
        set(plan_council) | {g.council_goal_id for g in board_goals}
        | {a.council_goal_id for a in activities if a.council_goal_id}
        | ({frame.placed_under_id} if frame and frame.placed_under_id else set())
    )
    council_goals = list(
        CouncilGoal.objects.filter(strategic_goal__year=year).select_related("strategic_goal")
        .order_by("strategic_goal__number", "number")
    )
    strategic_goals = list(StrategicGoal.objects.filter(year=year).order_by("number"))
    foreign = (goal_ids - {g.pk for g in council_goals}) or (
        set(plan_strategic) - {g.pk for g in strategic_goals}
    )
    if foreign:
        raise WorkbookError(
            f"Ärendet hänvisar till KF:s mål från ett annat år än budgetåret {year}; "
            "arbetsboken bär bara budgetårets mål."
        )
    # council indicators of the goals the plan takes, or whose indicators it follows; shown with
    # "I planen" Nej when the plan does not follow them
    indicators = list(
        Indicator.objects.filter(
            Q(council_goal__in=set(plan_council))
            | Q(council_goal__indicators__plans__case=case)
            | Q(board_goal__case=case)
        ).distinct().select_related("council_goal__strategic_goal",
                                    "board_goal__council_goal__strategic_goal")
    )

    reservations = list(
        Reservation.objects.filter(case=case).select_related("refers_to").prefetch_related("points")
    )
    signatories = list(
        Signatory.objects.filter(reservation__case=case).select_related("reservation", "person__party")
        .order_by("reservation__order", "order")
    )
    people = {s.person_id: s.person for s in signatories}
    # every party: the register is short, and a person added in the workbook may need one
    parties = {p.pk: p for p in Party.objects.all()}
    return CaseData(
        case=case,
        registry_numbers=list(case.registry_numbers.all()),
        decision_points=list(case.decision_points.all()),
        statement=statement,
        sections=list(statement.sections.all()) if statement else [],
        attachments=list(case.attachments.all()),
        report=report,
        responsibilities=list(report.responsibilities.all()) if report else [],
        strategic_goals=strategic_goals,
        council_goals=council_goals,
        plan_strategic_goals=plan_strategic,
        plan_council_goals=plan_council,
        board_goals=board_goals,
        indicators=_sorted_indicators(indicators),
        plan_indicators=plan_indicators,
        activities=_sorted_activities(activities),
        frame=frame,
        figures=list(Figure.objects.filter(case=case).select_related("board", "source")
                     .order_by("number")),
        adjustments=list(BudgetAdjustment.objects.filter(case=case)
                         .select_related("board", "source").order_by("order")),
        subjects=sorted(case.subjects.all(), key=lambda subject: subject.order),
        reservations=reservations,
        signatories=signatories,
        parties=sorted(parties.values(), key=lambda p: p.abbreviation),
        people=sorted(people.values(), key=lambda p: (p.party.abbreviation, p.name)),
    )


def _goal_sort_key(council_goal, board_goal):
    goal = council_goal or board_goal.council_goal
    return (goal.strategic_goal.year, goal.strategic_goal.number, goal.number,
            board_goal.order if board_goal else 0)


def _sorted_indicators(indicators):
    return sorted(indicators, key=lambda i: (_goal_sort_key(i.council_goal, i.board_goal), i.order, i.pk))


def _sorted_activities(activities):
    return sorted(activities, key=lambda a: (_goal_sort_key(a.council_goal, a.board_goal), a.order, a.pk))

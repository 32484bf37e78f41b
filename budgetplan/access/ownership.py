"""Which cases a record belongs to, for the rules that follow a case: who may edit, decided is final.

A plan's own records (a decision point, a board goal, a budget row …) belong to exactly one case.
The council's shared records (strategic and council goals, council indicators and activities)
and the parties and persons belong to every case that shows them: a change to them changes
each of those cases' documents.
"""
from django.db import models

from budgetplan.cases import models as cases
from finance import models as finance
from goals import models as goals
from reservations import models as reservations

# The ORM path from each plan record to its case's id, for records owned by one case.
CASE_ID_PATHS: dict[type[models.Model], str] = {
    cases.Case: "pk",
    cases.RegistryNumber: "case_id",
    cases.Subject: "case_id",
    cases.DecisionPoint: "case_id",
    cases.Statement: "case_id",
    cases.StatementSection: "statement__case_id",
    cases.Attachment: "case_id",
    cases.OfficialsReport: "case_id",
    cases.Responsibility: "report__case_id",
    goals.PlanStrategicGoal: "case_id",
    goals.PlanCouncilGoal: "case_id",
    goals.BoardGoal: "case_id",
    goals.PlanIndicator: "case_id",
    finance.FinancialFrame: "case_id",
    finance.OperatingBudgetRow: "frame__case_id",
    finance.Investment: "frame__case_id",
    finance.ResultUnit: "frame__case_id",
    finance.MajorProject: "frame__case_id",
    finance.TurnoverChange: "frame__case_id",
    finance.BudgetAdjustment: "case_id",
    finance.Figure: "case_id",
    finance.QuotedFigure: "point__case_id",
    reservations.Reservation: "case_id",
    reservations.Signatory: "reservation__case_id",
    reservations.ReservationPoint: "reservation__case_id",
}

# Records the council (or the registry of parties and people) owns and every plan shares.
SHARED_MODELS = (
    goals.StrategicGoal, goals.CouncilGoal, reservations.Party, reservations.Person,
    finance.FinancingSource,
)


def is_shared(instance: models.Model) -> bool:
    """True for the council's and the party registry's records, which no single board owns."""
    if isinstance(instance, SHARED_MODELS):
        return True
    if isinstance(instance, (goals.Indicator, goals.Activity)):
        return instance.board_goal_id is None
    return False


def _direct_case_ids(instance: models.Model) -> set[int]:
    """The case of a plan record, read from the instance itself where it can be."""
    path = CASE_ID_PATHS[type(instance)]
    if path == "pk":
        return {instance.pk} if instance.pk else set()
    if "__" not in path:
        value = getattr(instance, path)
        return {value} if value else set()
    parent_name, rest = path.split("__", 1)
    parent = getattr(instance, parent_name, None)
    if parent is None:
        return set()
    return {getattr(parent, rest)} if getattr(parent, rest) else set()


def _case_ids_union(*querysets) -> set[int]:
    # No ORDER BY in the parts (the models order by goal numbers): SQLite refuses one there.
    first, *rest = (queryset.order_by().values_list("case_id", flat=True) for queryset in querysets)
    return set(first.union(*rest))


def case_ids_for(instance: models.Model) -> set[int]:
    """The ids of the cases whose document this record is part of."""
    if type(instance) in CASE_ID_PATHS:
        return _direct_case_ids(instance)
    if isinstance(instance, (goals.Indicator, goals.Activity)) and instance.board_goal_id:
        return {instance.board_goal.case_id}
    if not instance.pk:
        return set()
    if isinstance(instance, goals.StrategicGoal):
        # A plan shows a strategic goal it takes, and also one above a council goal it takes or
        # holds a board goal under (budgetplan.document.selectors' goal tree), in one query.
        return _case_ids_union(
            goals.PlanStrategicGoal.objects.filter(strategic_goal=instance),
            goals.PlanCouncilGoal.objects.filter(council_goal__strategic_goal=instance),
            goals.BoardGoal.objects.filter(council_goal__strategic_goal=instance),
        )
    elif isinstance(instance, goals.CouncilGoal):
        # Taken by the plan, or reached through one of its board goals.
        return _case_ids_union(
            goals.PlanCouncilGoal.objects.filter(council_goal=instance),
            goals.BoardGoal.objects.filter(council_goal=instance),
        )
    elif isinstance(instance, goals.Indicator):
        rows = goals.PlanIndicator.objects.filter(indicator=instance)
    elif isinstance(instance, goals.Activity):
        rows = goals.PlanCouncilGoal.objects.filter(
            council_goal_id=instance.council_goal_id, case__board_id=instance.assigned_board_id,
        )
    elif isinstance(instance, reservations.Person):
        rows = reservations.Reservation.objects.filter(signatory_rows__person=instance)
        return set(rows.values_list("case_id", flat=True))
    elif isinstance(instance, finance.FinancingSource):
        # A case shows a source by the budget adjustments and the figures that name it.
        return _case_ids_union(
            finance.BudgetAdjustment.objects.filter(source=instance),
            finance.Figure.objects.filter(source=instance),
        )
    elif isinstance(instance, reservations.Party):
        rows = reservations.Reservation.objects.filter(signatory_rows__person__party=instance)
        return set(rows.values_list("case_id", flat=True))
    else:
        return set()
    return set(rows.values_list("case_id", flat=True))

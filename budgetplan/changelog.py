"""The case's change log: every change recorded beneath a case, newest first, with what changed.

One query per historical model, filtered to the case by the ownership paths
(budgetplan.ownership.CASE_ID_PATHS) followed through the history tables, so the changes of rows
deleted since are found too; the council's shared goals, indicators and activities the plan
shows are included. The differences between successive versions of a record are computed in
Python from the rows read, never by a query per row.
"""
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Q

from finance import models as finance
from goals import models as goals
from reservations import models as reservations

from . import ownership
from .history import (
    CHANGE_WORDS, CHANGED, FieldChange, field_changes, history_model, related_labels,
    user_label,
)
from .models import Case

# What a record's str() reads through its foreign keys, loaded with the history rows.
LABEL_RELATIONS = {
    goals.CouncilGoal: ("strategic_goal",),
    goals.PlanStrategicGoal: ("strategic_goal",),
    goals.PlanCouncilGoal: ("council_goal__strategic_goal",),
    goals.PlanIndicator: ("indicator",),
    finance.FinancialFrame: ("case",),
    reservations.Signatory: ("person__party",),
}


def _reservation_label(row) -> str:
    # str(Reservation) lists its signatories, a query per row; the order names it in the case.
    return f"Reservation {row.order}"


LABEL_OVERRIDES = {reservations.Reservation: _reservation_label}


@dataclass
class ChangeEntry:
    """One recorded change: when, who, which record, what kind, and for a change its fields."""

    when: datetime.datetime
    who: str
    model: type
    record: str
    kind: str  # "+", "~" or "-"
    changes: list[FieldChange] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # filled by describe()
    order: tuple = ()

    @property
    def model_name(self) -> str:
        name = str(self.model._meta.verbose_name)
        return name[:1].upper() + name[1:]

    @property
    def kind_word(self) -> str:
        return CHANGE_WORDS[self.kind]

    @property
    def kind_slug(self) -> str:
        return {"+": "created", "~": "changed", "-": "deleted"}[self.kind]

    def summary(self) -> str:
        text = f"{self.model_name} ”{self.record}” {self.kind_word} av {self.who}"
        return f"{text} ({'; '.join(self.details)})" if self.details else text


def _values_in(model, condition: Q, column: str, target: str) -> Q:
    """`target` is one of the `column` values of model's records meeting `condition`, as they
    are stored now or were in any version kept (a record loaded from a fixture has no history
    until it changes; a deleted one lives on only there)."""
    live = model._base_manager.filter(condition).values(column)
    kept = history_model(model).objects.filter(condition).values(column)
    return Q(**{f"{target}__in": live}) | Q(**{f"{target}__in": kept})


def _path_filter(model, path: str, case: Case) -> Q:
    if path == "pk":
        return Q(id=case.pk)
    if "__" not in path:
        return Q(**{path: case.pk})
    parent_name, rest = path.split("__", 1)
    parent = model._meta.get_field(parent_name).related_model
    return _values_in(parent, _path_filter(parent, rest, case), "id", f"{parent_name}_id")


def _case_filter(model, case: Case) -> Q:
    """The rows of `model` (or of its history) that belong to the case's document."""
    path = ownership.CASE_ID_PATHS.get(model)
    if path is not None:
        return _path_filter(model, path, case)
    in_plan = Q(case_id=case.pk)
    # The council goals the document shows: those the plan takes, and those above its board goals;
    # their strategic goals show too (as budgetplan.ownership counts them).
    council_goals_shown = (
        _values_in(goals.PlanCouncilGoal, in_plan, "council_goal_id", "id")
        | _values_in(goals.BoardGoal, in_plan, "council_goal_id", "id")
    )
    if model is goals.StrategicGoal:
        return _values_in(goals.PlanStrategicGoal, in_plan, "strategic_goal_id", "id") | _values_in(
            goals.CouncilGoal, council_goals_shown, "strategic_goal_id", "id",
        )
    if model is goals.CouncilGoal:
        return council_goals_shown
    of_board_goals = _values_in(goals.BoardGoal, in_plan, "id", "board_goal_id")
    if model is goals.Indicator:
        return of_board_goals | _values_in(goals.PlanIndicator, in_plan, "indicator_id", "id")
    if model is goals.Activity:
        # a council activity shows in the plans of its assigned board that take its goal
        return of_board_goals | (
            _values_in(goals.PlanCouncilGoal, in_plan, "council_goal_id", "council_goal_id")
            & Q(assigned_board_id=case.board_id)
        )
    raise KeyError(model)


LOGGED_MODELS = (
    *ownership.CASE_ID_PATHS, goals.StrategicGoal, goals.CouncilGoal, goals.Indicator, goals.Activity,
)


def _label(model, row) -> str:
    if model in LABEL_OVERRIDES:
        return LABEL_OVERRIDES[model](row)
    record = row.history_object  # the record as this version stored it, read from the row
    # the relations loaded with the history row serve its str() without a query
    record._state.fields_cache.update(row._state.fields_cache)
    record._state.fields_cache.pop("history_user", None)
    try:
        return str(record)
    except (AttributeError, ObjectDoesNotExist):
        return f"nr {row.id}"


def case_changes(*, case: Case, since: datetime.datetime | None = None) -> list[ChangeEntry]:
    """Every change beneath the case (after `since`, if given), newest first.

    A save that changed no field a person sees (only its version) is left out.
    """
    entries = []
    for rank, model in enumerate(LOGGED_MODELS):
        historical = history_model(model)
        rows = (
            historical.objects.filter(_case_filter(model, case))
            .select_related("history_user", *LABEL_RELATIONS.get(model, ()))
            .order_by("id", "history_id")
        )
        previous = None
        for row in rows:
            before = previous if previous is not None and previous.id == row.id else None
            previous = row
            if since is not None and row.history_date <= since:
                continue
            changes = []
            if row.history_type == CHANGED:
                if before is None:
                    changes = []  # a record loaded from a fixture: its earlier values were not kept
                else:
                    changes = field_changes(model, before, row)
                    if not changes:
                        continue
            entries.append(ChangeEntry(
                when=row.history_date, who=user_label(row.history_user), model=model,
                record=_label(model, row), kind=row.history_type, changes=changes,
                order=(row.history_date, rank, row.history_id),
            ))
    entries.sort(key=lambda entry: entry.order, reverse=True)
    return entries


def describe(entries: list[ChangeEntry]) -> list[ChangeEntry]:
    """Fill each entry's details, "fält: gammalt → nytt", naming related records by their str;
    one query per related model the entries name."""
    labels = related_labels(change for entry in entries for change in entry.changes)
    for entry in entries:
        if entry.kind == CHANGED and not entry.changes:
            entry.details = ["tidigare värden finns inte i historiken"]
        else:
            entry.details = [change.describe(labels) for change in entry.changes]
    return entries


CHANGES_PER_PAGE = 100


@dataclass
class ChangeLog:
    case: Case
    page: Page


def case_change_log(*, case_id: int, page_number=None, per_page: int = CHANGES_PER_PAGE) -> ChangeLog:
    """The change-log page of a case: one page of its changes, newest first, described."""
    case = Case.objects.select_related("board").get(pk=case_id)
    page = Paginator(case_changes(case=case), per_page).get_page(page_number)
    describe(page.object_list)
    return ChangeLog(case=case, page=page)

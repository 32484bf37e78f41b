"""The case's change log: every change recorded beneath a case, newest first, with what changed.

One query per historical model, filtered to the case by the ownership paths
(budgetplan.access.ownership.CASE_ID_PATHS) followed through the history tables, so the changes of rows
deleted since are found too; the council's shared goals, indicators and activities the plan
shows are included. The differences between successive versions of a record are computed in
Python from the rows read, never by a query per row.

A record can move from one case to another (a board goal to another board's plan, taking its
indicators and activities along). A case's log shows only the versions written while the record
belonged to the case: each version counts by its own case path, and a version of a record that
belongs through a parent (a budget row through its frame, an indicator through its board goal)
counts by the parent's version at the time. Where the record itself moved, the log of the case
it left says so without naming the other case, and the log of the case it came to starts there.
"""
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import BigIntegerField, BooleanField, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from budgetplan.access import ownership
from budgetplan.cases.models import Case
from budgetplan.kernel.history import (
    CHANGE_WORDS,
    CHANGED,
    CREATED,
    FieldChange,
    field_changes,
    history_model,
    related_labels,
    user_label,
)
from finance import models as finance
from goals import models as goals
from reservations import models as reservations

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

# A record that moved between cases, as the log of the case it came to and of the one it left
# says it; neither names the other case, which its readers may not be allowed to see.
MOVED_IN, MOVED_OUT = ">", "<"
KIND_WORDS = {
    **CHANGE_WORDS,
    MOVED_IN: "flyttad hit från ett annat ärende",
    MOVED_OUT: "flyttad till ett annat ärende",
}
KIND_SLUGS = {CREATED: "created", CHANGED: "changed", "-": "deleted",
              MOVED_IN: "moved-in", MOVED_OUT: "moved-out"}


@dataclass
class ChangeEntry:
    """One recorded change: when, who, which record, what kind, and for a change its fields."""

    when: datetime.datetime
    who: str
    model: type
    record: str
    kind: str  # "+", "~", "-", or MOVED_IN / MOVED_OUT
    changes: list[FieldChange] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # filled by describe()
    order: tuple = ()

    @property
    def model_name(self) -> str:
        name = str(self.model._meta.verbose_name)
        return name[:1].upper() + name[1:]

    @property
    def kind_word(self) -> str:
        return KIND_WORDS[self.kind]

    @property
    def kind_slug(self) -> str:
        return KIND_SLUGS[self.kind]

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
    """The rows of `model` (or of its history) that may belong to the case's document: every
    record some version of which did, at least (`_selection` says which versions do)."""
    path = ownership.CASE_ID_PATHS.get(model)
    if path is not None:
        return _path_filter(model, path, case)
    in_plan = Q(case_id=case.pk)
    # The council goals the document shows: those the plan takes, and those above its board goals;
    # their strategic goals show too (as budgetplan.access.ownership counts them).
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
    return of_board_goals | _shared_goal_rows(model, case)


def _shared_goal_rows(model, case: Case) -> Q:
    """The council's own indicators and activities the plan shows (board_goal is empty)."""
    in_plan = Q(case_id=case.pk)
    if model is goals.Indicator:
        return _values_in(goals.PlanIndicator, in_plan, "indicator_id", "id")
    if model is goals.Activity:
        # a council activity shows in the plans of its assigned board that take its goal
        return (
            _values_in(goals.PlanCouncilGoal, in_plan, "council_goal_id", "council_goal_id")
            & Q(assigned_board_id=case.board_id)
        )
    raise KeyError(model)


def _parent_case_then(parent_model, parent_attname: str, case_path: str):
    """The case id of a history row's parent as the parent stood when the row was written: the
    parent's latest version kept by then. A parent with no version kept by then (loaded from a
    fixture, unchanged since) counts as it is stored now: nothing older is known about it."""
    then = (
        history_model(parent_model).objects
        .filter(id=OuterRef(parent_attname), history_date__lte=OuterRef("history_date"))
        .order_by("-history_date", "-history_id").values(case_path)[:1]
    )
    now = parent_model._base_manager.filter(pk=OuterRef(parent_attname)).order_by().values(case_path)[:1]
    return Coalesce(Subquery(then), Subquery(now), output_field=BigIntegerField())


@dataclass
class _Selection:
    """Which history rows of a model to read for a case, and which of them belong to it."""

    rows: Q  # every version of the records any version of which may belong
    in_case: Q  # the versions that do (refers to `aliases`)
    aliases: dict = field(default_factory=dict)
    moved_by: str | None = None  # the field by which the record itself changes case


def _selection(model, case: Case) -> _Selection:
    candidates = _case_filter(model, case)
    path = ownership.CASE_ID_PATHS.get(model)
    if path == "pk" or model in (goals.StrategicGoal, goals.CouncilGoal):
        # The case itself, and the council's goals the plan shows: chosen by their id.
        return _Selection(rows=candidates, in_case=candidates)
    # Every version of those records, to tell those written here from those written elsewhere.
    every_version = Q(id__in=history_model(model).objects.filter(candidates).values("id"))
    if path is not None and "__" not in path:
        return _Selection(rows=every_version, in_case=Q(**{path: case.pk}), moved_by=path)
    if path is not None:
        # The ownership paths go through one parent at most; the parent holds the case id.
        parent_name, case_path = path.split("__", 1)
        parent = model._meta.get_field(parent_name)
        return _Selection(
            rows=every_version, in_case=Q(_case_then=case.pk), moved_by=parent.attname,
            aliases={"_case_then": _parent_case_then(parent.related_model, parent.attname, case_path)},
        )
    # A board's own indicator or activity belongs through its board goal; the council's (no
    # board goal) show where the plan takes them, as shared records do.
    return _Selection(
        rows=every_version,
        in_case=Q(board_goal_id__isnull=False, _case_then=case.pk)
        | (Q(board_goal_id__isnull=True) & _shared_goal_rows(model, case)),
        moved_by="board_goal_id",
        aliases={"_case_then": _parent_case_then(goals.BoardGoal, "board_goal_id", "case_id")},
    )


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


def _history_rows(model, case: Case):
    """Every kept version of the records that belong or belonged to the case, each marked with
    `_in_case`, in one query."""
    selection = _selection(model, case)
    return (
        history_model(model).objects.filter(selection.rows)
        .alias(**selection.aliases)
        .annotate(_in_case=ExpressionWrapper(selection.in_case, output_field=BooleanField()))
        .select_related("history_user", *LABEL_RELATIONS.get(model, ()))
        .order_by("id", "history_id")
    ), selection.moved_by


def _entry_kind(row, before, moved_by: str | None) -> str | None:
    """How the case's log tells this version, or None when it does not concern the case."""
    moved = (before is not None and moved_by is not None
             and getattr(before, moved_by) != getattr(row, moved_by))
    if not row._in_case:
        # The record left the case with this version; a version written elsewhere is not ours.
        return MOVED_OUT if moved and before._in_case else None
    if before is not None and not before._in_case and moved:
        return MOVED_IN
    return row.history_type


def case_changes(
    *, case: Case, since: datetime.datetime | None = None, login_names: bool = False,
) -> list[ChangeEntry]:
    """Every change beneath the case (after `since`, if given), newest first.

    A save that changed no field a person sees (only its version) is left out. Authors without a
    full name are named by their login name only with `login_names` (for staff).
    """
    entries = []
    for rank, model in enumerate(LOGGED_MODELS):
        rows, moved_by = _history_rows(model, case)
        previous = None
        for row in rows:
            before = previous if previous is not None and previous.id == row.id else None
            previous = row
            if since is not None and row.history_date <= since:
                continue
            kind = _entry_kind(row, before, moved_by)
            if kind is None:
                continue
            changes = []
            if kind == CHANGED:
                if before is None:
                    changes = []  # a record loaded from a fixture: its earlier values were not kept
                else:
                    # A record whose parent brought it here moved with it unchanged: its values
                    # before this version are those the case showed.
                    changes = field_changes(model, before, row)
                    if not changes:
                        continue
            # A record that left is named as it was here; its values elsewhere are not ours.
            shown = before if kind == MOVED_OUT else row
            entries.append(ChangeEntry(
                when=row.history_date, who=user_label(row.history_user, login_name=login_names),
                model=model,
                record=_label(model, shown), kind=kind, changes=changes,
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
        elif entry.kind in (MOVED_IN, MOVED_OUT):
            entry.details = []  # what it was, or became, in the other case is not this case's
        else:
            entry.details = [change.describe(labels) for change in entry.changes]
    return entries


CHANGES_PER_PAGE = 100


@dataclass
class ChangeLog:
    case: Case
    page: Page


def case_change_log(
    *, case_id: int, page_number=None, per_page: int = CHANGES_PER_PAGE, login_names: bool = False,
) -> ChangeLog:
    """The change-log page of a case: one page of its changes, newest first, described."""
    case = Case.objects.select_related("board").get(pk=case_id)
    page = Paginator(case_changes(case=case, login_names=login_names), per_page).get_page(page_number)
    describe(page.object_list)
    return ChangeLog(case=case, page=page)

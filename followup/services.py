"""Every write of the follow-up, each through the kernel's write services.

History, versions and the guards (an approved report is final; who may enter, submit and approve,
registered by budgetplan.document.followup_lifecycle) apply as they do to the plan's own records.
"""
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from budgetplan.cases.models import Case
from budgetplan.kernel.services import (
    RecordsInvalid,
    known_user,
    one_change,
    record_save,
    records_create,
    records_update,
)

from .models import (
    ActivityOutcome,
    BudgetRowOutcome,
    FollowUpPeriod,
    FollowUpReport,
    GoalAssessment,
    IndicatorOutcome,
    InvestmentOutcome,
    PeriodKind,
    ReportStatus,
    default_closing_date,
)
from .selectors import FollowUpDocument, followup_document, plan_records

SUBMIT_OPEN_ONLY = "Bara en öppen uppföljning kan lämnas in."
APPROVE_SUBMITTED_ONLY = "Bara en inlämnad uppföljning kan godkännas."
REOPEN_SUBMITTED_ONLY = "Bara en inlämnad uppföljning kan öppnas igen."
MISSING_LIST_LENGTH = 5


def period_ensure(*, year: int, kind: str, user=None) -> FollowUpPeriod:
    """The year's period of this kind, created with its default closing date if it is missing."""
    kind = PeriodKind(kind)
    period = FollowUpPeriod.objects.filter(year=year, kind=kind).first()
    if period is None:
        period = record_save(
            instance=FollowUpPeriod(year=year, kind=kind, closing_date=default_closing_date(year, kind)),
            user=user,
        )
    return period


def _missing_rows(report: FollowUpReport, existing: dict[type, set[int]], records) -> dict[type, list]:
    """The outcome rows the report lacks for the plan's records, unsaved."""
    wanted = {
        IndicatorOutcome: [IndicatorOutcome(report=report, indicator=row) for row in records.indicators
                           if row.pk not in existing[IndicatorOutcome]],
        ActivityOutcome: [ActivityOutcome(report=report, activity=row) for row in records.activities
                          if row.pk not in existing[ActivityOutcome]],
        GoalAssessment: [
            *(GoalAssessment(report=report, council_goal=goal) for goal in records.council_goals
              if ("council", goal.pk) not in existing[GoalAssessment]),
            *(GoalAssessment(report=report, board_goal=goal) for goal in records.board_goals
              if ("board", goal.pk) not in existing[GoalAssessment]),
        ],
        BudgetRowOutcome: [BudgetRowOutcome(report=report, budget_row=row) for row in records.budget_rows
                           if row.pk not in existing[BudgetRowOutcome]],
        InvestmentOutcome: [InvestmentOutcome(report=report, investment=row) for row in records.investments
                            if row.pk not in existing[InvestmentOutcome]],
    }
    return {model: rows for model, rows in wanted.items() if rows}


def _existing_keys(report: FollowUpReport) -> dict[type, set]:
    assessments = GoalAssessment.objects.filter(report=report).values_list("council_goal_id", "board_goal_id")
    return {
        IndicatorOutcome: set(IndicatorOutcome.objects.filter(report=report).values_list("indicator_id", flat=True)),
        ActivityOutcome: set(ActivityOutcome.objects.filter(report=report).values_list("activity_id", flat=True)),
        GoalAssessment: {("council", c) if c else ("board", b) for c, b in assessments},
        BudgetRowOutcome: set(BudgetRowOutcome.objects.filter(report=report).values_list("budget_row_id", flat=True)),
        InvestmentOutcome: set(InvestmentOutcome.objects.filter(report=report).values_list("investment_id", flat=True)),
    }


CITY_CASE_HAS_NO_FOLLOW_UP = (
    "Ett stadsövergripande ärende följs inte upp; uppföljningen gäller nämndernas planer."
)


@transaction.atomic
@one_change()
def report_open(*, case: Case, period_kind: str, user=None, demonstration_note: str = "") -> FollowUpReport:
    """The case's report for the period of its budget year, created (open, with an empty
    outcome row for every indicator, activity, goal, budget row and investment of the plan)
    if there is none yet."""
    if case.board_id is None:
        raise ValidationError(CITY_CASE_HAS_NO_FOLLOW_UP)
    # The period is the city's calendar, not the board's: created with its default date by
    # the system, whoever opens the first report of it.
    period = period_ensure(year=case.budget_year, kind=period_kind)
    report = FollowUpReport.objects.filter(case=case, period=period).first()
    if report is not None:
        return report
    report = record_save(
        instance=FollowUpReport(case=case, period=period, demonstration_note=demonstration_note),
        user=user,
    )
    report_add_missing_rows(report=report, user=user)
    return report


@transaction.atomic
@one_change()
def report_add_missing_rows(*, report: FollowUpReport, user=None) -> int:
    """Give the report an outcome row for each plan record that has none (a record added to a
    plan still in the making after its report was opened); how many were created."""
    records = plan_records(case=report.case)
    created = 0
    for rows in _missing_rows(report, _existing_keys(report), records).values():
        records_create(instances=rows, user=user)
        created += len(rows)
    return created


@dataclass
class OutcomeChanges:
    """What a form or a workbook changes in one report: changed rows per model with the fields
    written, and the report's own fields (its summary)."""

    rows: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)
    fields: dict[type[models.Model], list[str]] = field(default_factory=dict)
    report_fields: list[str] = field(default_factory=list)

    def add(self, instance: models.Model, fields: list[str]) -> None:
        model = type(instance)
        self.rows.setdefault(model, []).append(instance)
        known = self.fields.setdefault(model, [])
        known.extend(name for name in fields if name not in known)

    def __bool__(self) -> bool:
        return bool(self.rows or self.report_fields)


class OutcomesInvalid(Exception):
    """Some changed rows were refused; `errors` maps (model, position in its list) to why."""

    def __init__(self, errors: dict[tuple[type, int], ValidationError]):
        super().__init__(f"{len(errors)} ogiltiga rader")
        self.errors = errors


@transaction.atomic
@one_change()
def report_outcomes_update(*, report: FollowUpReport, changes: OutcomeChanges, user=None) -> None:
    """Write every change of one entry together, or none of them.

    Each row is written at the version it was read at (someone else's save since refuses it,
    naming what they changed); the guards refuse rows of a report that is no longer open or that
    the user may not change. All refusals of all models are collected before anything is kept,
    and the transaction is rolled back if there are any.
    """
    errors: dict[tuple[type, int], ValidationError] = {}
    if changes.report_fields:
        try:
            record_save(instance=report, user=user)
        except ValidationError as error:
            errors[(FollowUpReport, 0)] = error
    for model, instances in changes.rows.items():
        if any(instance.report_id != report.pk for instance in instances):
            raise ValueError("Every changed row must belong to the report being saved.")
        try:
            with transaction.atomic():
                records_update(instances=instances, fields=changes.fields[model], user=user)
        except RecordsInvalid as invalid:
            for index, error in invalid.errors.items():
                errors[(model, index)] = error
    if errors:
        transaction.set_rollback(True)
        raise OutcomesInvalid(errors)


def _missing_for_submit(document: FollowUpDocument) -> list[str]:
    missing = []
    indicators = [line.name for line in document.indicators if line.measured and not line.outcome_text]
    if indicators:
        missing.append(_listed("indikatorer utan utfall", indicators))
    activities = [line.activity.text for line in document.activities if not line.status]
    if activities:
        missing.append(_listed("aktiviteter utan status", activities))
    rows = [line.department for line in document.budget_lines
            if line.forecast_costs is None or line.forecast_revenues is None]
    if rows:
        missing.append(_listed("budgetrader utan prognos", rows))
    return missing


def _listed(what: str, names: list[str]) -> str:
    shown = [f"”{name[:60]}”" for name in names[:MISSING_LIST_LENGTH]]
    more = len(names) - len(shown)
    text = ", ".join(shown) + (f" och {more} till" if more > 0 else "")
    return f"{len(names)} {what} ({text})"


def _transition(report: FollowUpReport, *, expected: str, message: str) -> FollowUpReport:
    # Locked until the transaction ends: an entry saved meanwhile waits, then finds the status.
    stored = FollowUpReport.objects.select_for_update().select_related("case", "period").get(pk=report.pk)
    if stored.status != expected:
        raise ValidationError(message, code="followup_status")
    return stored


@transaction.atomic
def report_submit(*, report: FollowUpReport, user=None) -> FollowUpReport:
    """The board hands the report in: every outcome due in the period must be entered."""
    stored = _transition(report, expected=ReportStatus.OPEN, message=SUBMIT_OPEN_ONLY)
    missing = _missing_for_submit(followup_document(report=stored))
    if missing:
        raise ValidationError(
            "Uppföljningen kan inte lämnas in än: " + "; ".join(missing) + ".",
            code="followup_incomplete",
        )
    stored.status = ReportStatus.SUBMITTED
    stored.submitted_at, stored.submitted_by = timezone.now(), known_user(user)
    return record_save(instance=stored, user=user)


@transaction.atomic
def report_approve(*, report: FollowUpReport, user=None) -> FollowUpReport:
    """The clerk approves a submitted report; from then on it is final."""
    stored = _transition(report, expected=ReportStatus.SUBMITTED, message=APPROVE_SUBMITTED_ONLY)
    stored.status = ReportStatus.APPROVED
    stored.approved_at, stored.approved_by = timezone.now(), known_user(user)
    return record_save(instance=stored, user=user)


@transaction.atomic
def report_reopen(*, report: FollowUpReport, user=None) -> FollowUpReport:
    """The clerk sends a submitted report back to the board for changes."""
    stored = _transition(report, expected=ReportStatus.SUBMITTED, message=REOPEN_SUBMITTED_ONLY)
    stored.status = ReportStatus.OPEN
    stored.submitted_at, stored.submitted_by = None, None
    return record_save(instance=stored, user=user)


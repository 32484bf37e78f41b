"""The follow-up of a plan: periods, one report per plan and period, and the outcome records.

A budget year is followed up three times: after tertial 1 (to 30 April), tertial 2 (to 31 August,
with the interim accounts) and the whole year (the annual report). The board writes one report
per plan (case) and period; it is open while the board enters it, submitted when the board is
done, and approved (and from then on final) by the clerk.

The decided plan never changes for its follow-up: the outcomes are records of their own that point
at the plan's indicators, activities, goals and budget rows. Deviations and totals are computed
by followup.selectors, never stored.
"""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from budgetplan.kernel.history import CounterField, RecordHistory, version_field


def amount_field(verbose_name: str, **kwargs) -> models.DecimalField:
    """An amount in mnkr with one decimal, as the plan's budget rows have (finance.models)."""
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=1, null=True,
                               blank=True, **kwargs)


class PeriodKind(models.TextChoices):
    T1 = "T1", "Tertial 1"
    T2 = "T2", "Tertial 2"
    FULL_YEAR = "Helår", "Helår"


# The order of the periods in a year, and their default closing dates (month, day).
PERIOD_ORDER = (PeriodKind.T1, PeriodKind.T2, PeriodKind.FULL_YEAR)
DEFAULT_CLOSING = {
    PeriodKind.T1: (4, 30),
    PeriodKind.T2: (8, 31),
    PeriodKind.FULL_YEAR: (12, 31),
}


def default_closing_date(year: int, kind: str) -> datetime.date:
    month, day = DEFAULT_CLOSING[PeriodKind(kind)]
    return datetime.date(year, month, day)


def parse_period_kind(text: str) -> PeriodKind | None:
    """"T1", "t2", "Helår", "helar", "Helår (verksamhetsberättelse)" … -> the period, or None."""
    cleaned = (text or "").strip().casefold().replace("å", "a")
    for kind in PERIOD_ORDER:
        if cleaned in (kind.value.casefold().replace("å", "a"), kind.label.casefold().replace("å", "a")):
            return kind
    if cleaned in ("ar", "year", "helar", "vb"):
        return PeriodKind.FULL_YEAR
    return None


class FollowUpPeriod(models.Model):
    """A follow-up period of a budget year: T1, T2 or Helår, with its closing date."""

    year = models.PositiveSmallIntegerField("budgetår")
    kind = models.CharField("period", max_length=10, choices=PeriodKind.choices)
    closing_date = models.DateField(
        "periodens slutdatum", help_text="Utfallet avser tiden till och med detta datum.",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "uppföljningsperiod"
        verbose_name_plural = "uppföljningsperioder"
        ordering = ["year", "closing_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind"], name="followup_period_unique",
                violation_error_message="Perioden finns redan för detta budgetår.",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.year}"

    def clean(self):
        if self.closing_date and self.year and self.closing_date.year != self.year:
            raise ValidationError(
                {"closing_date": f"Periodens slutdatum ska ligga i budgetåret {self.year}."}
            )


class ReportStatus(models.TextChoices):
    OPEN = "open", "Öppen"
    SUBMITTED = "submitted", "Inlämnad"
    APPROVED = "approved", "Godkänd"


class FollowUpReport(models.Model):
    """One board's follow-up of one plan (case) for one period: open → submitted → approved."""

    case = models.ForeignKey(
        "budgetplan.Case", verbose_name="ärende", on_delete=models.PROTECT,
        related_name="followup_reports",
    )
    period = models.ForeignKey(
        FollowUpPeriod, verbose_name="period", on_delete=models.PROTECT, related_name="reports",
    )
    status = models.CharField(
        "status", max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN,
    )
    summary = models.TextField(
        "sammanfattning", blank=True,
        help_text="Nämndens sammanfattande analys av perioden.",
    )
    # Set for demonstration data (fixtures/reference_2012_followup.json): every page and PDF of
    # the report says so, in these words.
    demonstration_note = models.TextField(
        "demonstrationsdata", blank=True,
        help_text="Ifyllt när uppgifterna är påhittade för demonstration; visas på rapporten.",
    )
    submitted_at = models.DateTimeField("inlämnad", null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        "auth.User", verbose_name="inlämnad av", on_delete=models.SET_NULL, null=True,
        blank=True, editable=False, related_name="+",
    )
    approved_at = models.DateTimeField("godkänd", null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        "auth.User", verbose_name="godkänd av", on_delete=models.SET_NULL, null=True,
        blank=True, editable=False, related_name="+",
    )
    version = version_field()
    # One more for every write that changes what the report's document shows (the report, its
    # outcomes, an earlier period's outcomes of the same plan): its PDF is rendered per revision
    # in the background (budgetplan.document.pdf_jobs), counted by
    # budgetplan.document.followup_lifecycle.
    revision = CounterField(
        "revision", default=1, editable=False,
        help_text="Räknas upp vid varje ändring av uppföljningen; dess PDF skapas per revision.",
    )
    history = RecordHistory(excluded_fields=["revision"])

    class Meta:
        verbose_name = "uppföljning"
        verbose_name_plural = "uppföljningar"
        ordering = ["case", "period__year", "period__closing_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "period"], name="followup_report_unique",
                violation_error_message="Planen har redan en uppföljning för denna period.",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="followup_report_approved_has_date",
                violation_error_message="En godkänd uppföljning har ett godkännandedatum.",
            ),
        ]

    def __str__(self):
        return f"Uppföljning {self.period} – {self.case}"

    @property
    def is_approved(self) -> bool:
        return self.status == ReportStatus.APPROVED


class QualitativeOutcome(models.TextChoices):
    """An outcome in words: for a target "öka"/"minska", or one without a number to compare."""

    INCREASED = "increased", "ökat"
    UNCHANGED = "unchanged", "oförändrat"
    DECREASED = "decreased", "minskat"
    ACHIEVED = "achieved", "uppnått"
    PARTLY_ACHIEVED = "partly_achieved", "delvis uppnått"
    NOT_ACHIEVED = "not_achieved", "ej uppnått"


class IndicatorOutcome(models.Model):
    """An indicator's outcome in one report: a number in the target's unit, or a word."""

    report = models.ForeignKey(
        FollowUpReport, verbose_name="uppföljning", on_delete=models.CASCADE,
        related_name="indicator_outcomes",
    )
    indicator = models.ForeignKey(
        "goals.Indicator", verbose_name="indikator", on_delete=models.PROTECT, related_name="+",
    )
    value = models.DecimalField("utfall", max_digits=12, decimal_places=2, null=True, blank=True)
    qualitative = models.CharField(
        "utfall i ord", max_length=20, choices=QualitativeOutcome.choices, blank=True,
    )
    previous_value = models.DecimalField(
        "utfall föregående år", max_digits=12, decimal_places=2, null=True, blank=True,
        help_text="Samma period föregående år, om det är känt.",
    )
    comment = models.TextField("kommentar", blank=True)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "utfall för indikator"
        verbose_name_plural = "utfall för indikatorer"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="indicator_outcome_unique",
                violation_error_message="Indikatorn har redan ett utfall i denna uppföljning.",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(qualitative=""),
                name="indicator_outcome_number_or_words",
                violation_error_message="Ange utfallet antingen som tal eller i ord, inte båda.",
            ),
        ]

    def __str__(self):
        return f"Utfall: {self.indicator}"

    @property
    def entered(self) -> bool:
        return self.value is not None or bool(self.qualitative)


class ActivityStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Ej påbörjad"
    ONGOING = "ongoing", "Pågår"
    DONE = "done", "Genomförd"
    DELAYED = "delayed", "Försenad"
    CANCELLED = "cancelled", "Avbruten"


class ActivityOutcome(models.Model):
    """Where an activity of the plan stands at the end of the period."""

    report = models.ForeignKey(
        FollowUpReport, verbose_name="uppföljning", on_delete=models.CASCADE,
        related_name="activity_outcomes",
    )
    activity = models.ForeignKey(
        "goals.Activity", verbose_name="aktivitet", on_delete=models.PROTECT, related_name="+",
    )
    status = models.CharField("status", max_length=20, choices=ActivityStatus.choices, blank=True)
    comment = models.TextField("kommentar", blank=True)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "status för aktivitet"
        verbose_name_plural = "status för aktiviteter"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "activity"], name="activity_outcome_unique",
                violation_error_message="Aktiviteten har redan en status i denna uppföljning.",
            ),
        ]

    def __str__(self):
        return f"Status: {self.activity}"


class Attainment(models.TextChoices):
    """Måluppfyllelse, the board's judgement of a goal."""

    MET = "met", "Uppfyllt"
    PARTLY_MET = "partly_met", "Delvis uppfyllt"
    NOT_MET = "not_met", "Ej uppfyllt"


class GoalAssessment(models.Model):
    """The board's assessment of one of its goals, or of a council goal it works toward."""

    report = models.ForeignKey(
        FollowUpReport, verbose_name="uppföljning", on_delete=models.CASCADE,
        related_name="goal_assessments",
    )
    board_goal = models.ForeignKey(
        "goals.BoardGoal", verbose_name="nämndmål", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    council_goal = models.ForeignKey(
        "goals.CouncilGoal", verbose_name="KF:s mål", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    attainment = models.CharField(
        "måluppfyllelse", max_length=20, choices=Attainment.choices, blank=True,
    )
    analysis = models.TextField("analys", blank=True)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "bedömning av mål"
        verbose_name_plural = "bedömningar av mål"
        constraints = [
            models.CheckConstraint(
                condition=Q(board_goal__isnull=False, council_goal__isnull=True)
                | Q(board_goal__isnull=True, council_goal__isnull=False),
                name="goal_assessment_one_goal",
                violation_error_message="En bedömning gäller antingen ett nämndmål eller ett KF-mål.",
            ),
            models.UniqueConstraint(
                fields=["report", "board_goal"], name="goal_assessment_board_goal_unique",
                violation_error_message="Nämndmålet är redan bedömt i denna uppföljning.",
            ),
            models.UniqueConstraint(
                fields=["report", "council_goal"], name="goal_assessment_council_goal_unique",
                violation_error_message="KF-målet är redan bedömt i denna uppföljning.",
            ),
        ]

    def __str__(self):
        return f"Bedömning: {self.board_goal or self.council_goal}"


class BudgetRowOutcome(models.Model):
    """An operating-budget row's outcome to date and forecast for the year (mnkr, revenues
    negative as in the plan). The deviation from the budget is computed, never stored."""

    report = models.ForeignKey(
        FollowUpReport, verbose_name="uppföljning", on_delete=models.CASCADE,
        related_name="budget_outcomes",
    )
    budget_row = models.ForeignKey(
        "finance.OperatingBudgetRow", verbose_name="rad i driftbudgeten", on_delete=models.PROTECT,
        related_name="+",
    )
    outcome_costs = amount_field("utfall kostnader")
    outcome_revenues = amount_field("utfall intäkter", help_text="Anges negativt.")
    forecast_costs = amount_field("prognos kostnader")
    forecast_revenues = amount_field("prognos intäkter", help_text="Anges negativt.")
    comment = models.TextField("kommentar", blank=True)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "utfall för budgetrad"
        verbose_name_plural = "utfall för budgetrader"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "budget_row"], name="budget_outcome_unique",
                violation_error_message="Budgetraden har redan ett utfall i denna uppföljning.",
            ),
            models.CheckConstraint(
                condition=Q(outcome_costs__isnull=True) | Q(outcome_costs__gte=0),
                name="budget_outcome_costs_not_negative",
                violation_error_message="Utfall kostnader anges som ett positivt belopp.",
            ),
            models.CheckConstraint(
                condition=Q(forecast_costs__isnull=True) | Q(forecast_costs__gte=0),
                name="budget_forecast_costs_not_negative",
                violation_error_message="Prognos kostnader anges som ett positivt belopp.",
            ),
            models.CheckConstraint(
                condition=Q(outcome_revenues__isnull=True) | Q(outcome_revenues__lte=0),
                name="budget_outcome_revenues_not_positive",
                violation_error_message="Utfall intäkter anges negativt, t.ex. -7,3.",
            ),
            models.CheckConstraint(
                condition=Q(forecast_revenues__isnull=True) | Q(forecast_revenues__lte=0),
                name="budget_forecast_revenues_not_positive",
                violation_error_message="Prognos intäkter anges negativt, t.ex. -22,0.",
            ),
        ]

    def __str__(self):
        return f"Utfall: {self.budget_row}"


class InvestmentOutcome(models.Model):
    """An investment's outcome to date and forecast for the year (mnkr)."""

    report = models.ForeignKey(
        FollowUpReport, verbose_name="uppföljning", on_delete=models.CASCADE,
        related_name="investment_outcomes",
    )
    investment = models.ForeignKey(
        "finance.Investment", verbose_name="investering", on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = amount_field("utfall")
    forecast = amount_field("prognos")
    comment = models.TextField("kommentar", blank=True)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "utfall för investering"
        verbose_name_plural = "utfall för investeringar"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "investment"], name="investment_outcome_unique",
                violation_error_message="Investeringen har redan ett utfall i denna uppföljning.",
            ),
            models.CheckConstraint(
                condition=Q(outcome__isnull=True) | Q(outcome__gte=0),
                name="investment_outcome_not_negative",
                violation_error_message="Utfallet kan inte vara negativt.",
            ),
            models.CheckConstraint(
                condition=Q(forecast__isnull=True) | Q(forecast__gte=0),
                name="investment_forecast_not_negative",
                violation_error_message="Prognosen kan inte vara negativ.",
            ),
        ]

    def __str__(self):
        return f"Utfall: {self.investment}"


ZERO = Decimal("0.0")

# The outcome records of a report, each with the plan record it follows up.
OUTCOME_MODELS = (
    IndicatorOutcome, ActivityOutcome, GoalAssessment, BudgetRowOutcome, InvestmentOutcome,
)

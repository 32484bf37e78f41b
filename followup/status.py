"""The rules of the follow-up: an indicator's status against its target, and when it is measured.

Pure functions of values, no queries: the entry form, the report, the workbook and the city-wide
roll-up all ask these, so a status reads the same everywhere.
"""
from decimal import Decimal

from django.db import models

from goals.models import NUMERIC_KINDS, Direction, Periodicity, Target, TargetKind

from .models import PeriodKind, QualitativeOutcome


class IndicatorStatus(models.TextChoices):
    MET = "met", "Uppfyllt"
    PARTLY_MET = "partly_met", "Delvis uppfyllt"
    NOT_MET = "not_met", "Ej uppfyllt"
    NOT_MEASURABLE = "not_measurable", "Ej mätbart ännu"


# Shown beside the colour, never colour alone: a symbol and the word (the label above).
STATUS_SYMBOLS = {
    IndicatorStatus.MET: "✔",
    IndicatorStatus.PARTLY_MET: "◐",
    IndicatorStatus.NOT_MET: "✖",
    IndicatorStatus.NOT_MEASURABLE: "–",
}

CHANGE_WORDS = (QualitativeOutcome.INCREASED, QualitativeOutcome.UNCHANGED, QualitativeOutcome.DECREASED)
JUDGEMENT_WORDS = (
    QualitativeOutcome.ACHIEVED, QualitativeOutcome.PARTLY_ACHIEVED, QualitativeOutcome.NOT_ACHIEVED,
)
_JUDGED = {
    QualitativeOutcome.ACHIEVED: IndicatorStatus.MET,
    QualitativeOutcome.PARTLY_ACHIEVED: IndicatorStatus.PARTLY_MET,
    QualitativeOutcome.NOT_ACHIEVED: IndicatorStatus.NOT_MET,
}


def effective_target(*, board_target: Target | None, council_target: Target) -> Target:
    """The target an outcome is compared with: the board's annual target (årsmål) where the plan
    sets one, else the council's (KF:s årsmål)."""
    if board_target is not None and board_target.kind:
        return board_target
    return council_target


def allowed_words(target: Target) -> tuple[str, ...]:
    """The outcomes in words a target can be followed up with: none for a number to reach, the
    direction of change for "öka"/"minska", and the board's judgement for the rest."""
    if target.kind in NUMERIC_KINDS:
        return ()
    if target.kind in (TargetKind.INCREASE, TargetKind.DECREASE):
        return CHANGE_WORDS
    return JUDGEMENT_WORDS


def measured_in(periodicity: str, period: str) -> bool:
    """Whether an indicator of this periodicity is due an outcome in the period: a yearly one
    only in Helår, a half-yearly one from T2 (the interim accounts), the others every period.
    An outcome may still be entered in another period; it is then voluntary."""
    if periodicity == Periodicity.YEAR:
        return period == PeriodKind.FULL_YEAR
    if periodicity == Periodicity.HALF_YEAR:
        return period in (PeriodKind.T2, PeriodKind.FULL_YEAR)
    return True


def _change(value, previous_value, qualitative: str, tolerance: Decimal) -> str | None:
    if value is not None and previous_value is not None:
        difference = value - previous_value
        if difference > tolerance:
            return QualitativeOutcome.INCREASED
        if difference < -tolerance:
            return QualitativeOutcome.DECREASED
        return QualitativeOutcome.UNCHANGED
    return qualitative if qualitative in CHANGE_WORDS else None


def indicator_status(
    *,
    target: Target,
    direction: str = Direction.HIGHER,
    tolerance: Decimal = Decimal("0"),
    value: Decimal | None = None,
    qualitative: str = "",
    previous_value: Decimal | None = None,
) -> IndicatorStatus:
    """An indicator's status for a period, from its target and the outcome entered.

    The rules (docs/architecture.md, "Uppföljning", repeats them):

    1. No outcome entered (neither a number nor a word): not yet measurable.
    2. A number to reach (Tal, e.g. 66 or 35 %): the outcome must be a number.
       Higher is better: at or above the target is met; short of it by at most the tolerance is
       partly met; further below is not met. Lower is better: the same, mirrored (at or below the
       target is met; above it by at most the tolerance partly met). An outcome only in words:
       not yet measurable.
    3. A band (+/- 1 %): the outcome is the deviation; within the band (its absolute value at
       most the target) is met, within the band widened by the tolerance is partly met, outside
       is not met.
    4. "öka" / "minska": the change from last year's outcome for the same period, when both
       numbers are known (a change no larger than the tolerance counts as unchanged), else the
       change given in words (ökat / oförändrat / minskat). Moving the way the target asks is
       met, unchanged is partly met, the other way is not met. Nothing to tell the change by:
       not yet measurable.
    5. Anything else ("fastställs under året", "tas fram av nämnden", no target at all): there is
       no figure to compare with, so the board's own judgement in words decides (uppnått →
       met, delvis uppnått → partly met, ej uppnått → not met); a number alone is not yet
       measurable.

    The tolerance is in the target's unit (2 means two percentage points for a target in %),
    never negative; the direction matters only for rule 2.
    """
    if value is None and not qualitative:
        return IndicatorStatus.NOT_MEASURABLE
    tolerance = abs(tolerance or Decimal("0"))
    kind = target.kind
    if kind == TargetKind.NUMBER and target.value is not None:
        if value is None:
            return IndicatorStatus.NOT_MEASURABLE
        if direction == Direction.LOWER:
            shortfall = value - target.value
        else:
            shortfall = target.value - value
        if shortfall <= 0:
            return IndicatorStatus.MET
        if shortfall <= tolerance:
            return IndicatorStatus.PARTLY_MET
        return IndicatorStatus.NOT_MET
    if kind == TargetKind.PLUS_MINUS and target.value is not None:
        if value is None:
            return IndicatorStatus.NOT_MEASURABLE
        if abs(value) <= abs(target.value):
            return IndicatorStatus.MET
        if abs(value) <= abs(target.value) + tolerance:
            return IndicatorStatus.PARTLY_MET
        return IndicatorStatus.NOT_MET
    if kind in (TargetKind.INCREASE, TargetKind.DECREASE):
        change = _change(value, previous_value, qualitative, tolerance)
        if change is None:
            return IndicatorStatus.NOT_MEASURABLE
        if change == QualitativeOutcome.UNCHANGED:
            return IndicatorStatus.PARTLY_MET
        wanted = QualitativeOutcome.INCREASED if kind == TargetKind.INCREASE else QualitativeOutcome.DECREASED
        return IndicatorStatus.MET if change == wanted else IndicatorStatus.NOT_MET
    return _JUDGED.get(qualitative, IndicatorStatus.NOT_MEASURABLE)

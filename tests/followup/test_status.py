"""The status rule of followup.status.indicator_status, one row per case the docstring names."""
from decimal import Decimal as D

import pytest

from followup.models import PeriodKind, QualitativeOutcome as Q
from followup.status import IndicatorStatus as S, effective_target, indicator_status, measured_in
from goals.models import Direction, Periodicity, Target, TargetKind as K

NUMBER_66 = Target(K.NUMBER, D("66"), 0, "")
SICK_LEAVE = Target(K.NUMBER, D("3.8"), 1, "%")
BAND = Target(K.PLUS_MINUS, D("1"), 0, "%")
INCREASE = Target(K.INCREASE)
DECREASE = Target(K.DECREASE)
LATER = Target(K.SET_DURING_YEAR)
BY_BOARD = Target(K.SET_BY_BOARD)
NONE = Target("")

ROWS = [
    # target, direction, tolerance, value, words, last year -> status
    (NUMBER_66, Direction.HIGHER, D("0"), None, "", None, S.NOT_MEASURABLE),
    (NUMBER_66, Direction.HIGHER, D("0"), D("66"), "", None, S.MET),
    (NUMBER_66, Direction.HIGHER, D("0"), D("70"), "", None, S.MET),
    (NUMBER_66, Direction.HIGHER, D("2"), D("64"), "", None, S.PARTLY_MET),
    (NUMBER_66, Direction.HIGHER, D("2"), D("63.99"), "", None, S.NOT_MET),
    (NUMBER_66, Direction.HIGHER, D("0"), D("65"), "", None, S.NOT_MET),
    (NUMBER_66, Direction.HIGHER, D("0"), None, Q.ACHIEVED, None, S.NOT_MEASURABLE),
    (SICK_LEAVE, Direction.LOWER, D("0.5"), D("3.8"), "", None, S.MET),
    (SICK_LEAVE, Direction.LOWER, D("0.5"), D("3.1"), "", None, S.MET),
    (SICK_LEAVE, Direction.LOWER, D("0.5"), D("4.3"), "", None, S.PARTLY_MET),
    (SICK_LEAVE, Direction.LOWER, D("0.5"), D("4.4"), "", None, S.NOT_MET),
    (BAND, Direction.HIGHER, D("0.5"), D("-0.8"), "", None, S.MET),
    (BAND, Direction.HIGHER, D("0.5"), D("1.0"), "", None, S.MET),
    (BAND, Direction.LOWER, D("0.5"), D("-1.4"), "", None, S.PARTLY_MET),
    (BAND, Direction.HIGHER, D("0.5"), D("1.6"), "", None, S.NOT_MET),
    (INCREASE, Direction.HIGHER, D("0"), D("12"), "", D("10"), S.MET),
    (INCREASE, Direction.HIGHER, D("1"), D("10.5"), "", D("10"), S.PARTLY_MET),
    (INCREASE, Direction.HIGHER, D("0"), D("9"), "", D("10"), S.NOT_MET),
    (INCREASE, Direction.HIGHER, D("0"), D("9"), "", None, S.NOT_MEASURABLE),
    (INCREASE, Direction.HIGHER, D("0"), None, Q.INCREASED, None, S.MET),
    (INCREASE, Direction.HIGHER, D("0"), None, Q.UNCHANGED, None, S.PARTLY_MET),
    (INCREASE, Direction.HIGHER, D("0"), None, Q.DECREASED, None, S.NOT_MET),
    (DECREASE, Direction.LOWER, D("0"), D("8"), "", D("10"), S.MET),
    (DECREASE, Direction.HIGHER, D("0"), None, Q.INCREASED, None, S.NOT_MET),
    (LATER, Direction.HIGHER, D("0"), None, Q.ACHIEVED, None, S.MET),
    (BY_BOARD, Direction.HIGHER, D("0"), None, Q.PARTLY_ACHIEVED, None, S.PARTLY_MET),
    (NONE, Direction.HIGHER, D("0"), None, Q.NOT_ACHIEVED, None, S.NOT_MET),
    (LATER, Direction.HIGHER, D("0"), D("40"), "", None, S.NOT_MEASURABLE),
]


@pytest.mark.parametrize("target, direction, tolerance, value, words, previous, expected", ROWS)
def test_indicator_status(target, direction, tolerance, value, words, previous, expected):
    status = indicator_status(
        target=target, direction=direction, tolerance=tolerance, value=value,
        qualitative=words, previous_value=previous,
    )
    assert status == expected


def test_the_boards_target_is_compared_before_the_councils():
    board = Target(K.NUMBER, D("3.8"), 1, "%")
    council = Target(K.NUMBER, D("4.5"), 1, "%")
    assert effective_target(board_target=board, council_target=council) is board
    assert effective_target(board_target=Target(""), council_target=council) is council
    assert effective_target(board_target=None, council_target=council) is council


@pytest.mark.parametrize("periodicity, period, due", [
    (Periodicity.YEAR, PeriodKind.T1, False),
    (Periodicity.YEAR, PeriodKind.T2, False),
    (Periodicity.YEAR, PeriodKind.FULL_YEAR, True),
    (Periodicity.HALF_YEAR, PeriodKind.T1, False),
    (Periodicity.HALF_YEAR, PeriodKind.T2, True),
    (Periodicity.TERTIAL, PeriodKind.T1, True),
    (Periodicity.MONTH, PeriodKind.T2, True),
])
def test_which_periods_an_indicator_is_due(periodicity, period, due):
    assert measured_in(periodicity, period) is due

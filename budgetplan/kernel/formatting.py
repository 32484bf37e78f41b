"""Swedish formatting of amounts and dates, the one place that decides how a figure reads."""
import datetime
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


def format_decimal(value: Decimal | int | None, decimals: int = 1) -> str:
    """1348 -> '1 348,0' with a no-break space between thousands and a decimal comma."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    integer, _, fraction = f"{abs(rounded):f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    text = NBSP.join(groups) or "0"
    if decimals:
        text = f"{text},{fraction}"
    return f"{sign}{text}"


def format_long_date(value: datetime.date | None) -> str:
    """2012-01-11 -> '11 januari 2012', as the document writes dates in running text."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"

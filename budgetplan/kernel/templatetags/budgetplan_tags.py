"""Template filters that format amounts, dates and long texts the Swedish way; they never query."""
import datetime
from decimal import Decimal

from django import template
from django.utils.safestring import SafeString

from budgetplan.kernel.formatting import format_decimal, format_long_date
from budgetplan.kernel.text import render_blocks

register = template.Library()


@register.filter
def amount(value: Decimal | int | None, decimals: int = 1) -> str:
    """Decimal("1348.0") -> "1 348,0" (no-break space), Decimal("-22") -> "-22,0"."""
    if value is None or value == "":
        return ""
    return format_decimal(value, int(decimals))


@register.filter
def amount_or_blank(value: Decimal | int | None, decimals: int = 1) -> str:
    """As amount, but a zero is left blank, as the budget table shows a department without revenue."""
    if value is None or value == "" or Decimal(value) == 0:
        return ""
    return format_decimal(value, int(decimals))


@register.filter
def long_date(value: datetime.date | None) -> str:
    """2012-01-11 -> "11 januari 2012"."""
    return format_long_date(value)


@register.filter
def short_date(value: datetime.date | None) -> str:
    """2012-01-01 -> "2012-01-01", as the activity tables write their dates."""
    if value is None:
        return ""
    return value.isoformat()


@register.filter
def blocks(text: str, heading_level: int = 4) -> SafeString:
    """Long text in the constrained block markup, rendered with every author character escaped."""
    return render_blocks(text, int(heading_level))

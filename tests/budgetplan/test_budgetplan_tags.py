"""The template filters format amounts, dates and texts the Swedish way."""
import datetime
from decimal import Decimal

from django.template import Context, Template

from budgetplan.kernel.templatetags.budgetplan_tags import (
    amount,
    amount_or_blank,
    blocks,
    long_date,
    short_date,
)

NBSP = "\u00a0"


def test_amount():
    assert amount(Decimal("1348.0")) == f"1{NBSP}348,0"
    assert amount(Decimal("-22")) == "-22,0"
    assert amount(Decimal("1301.45")) == f"1{NBSP}301,5"
    assert amount(Decimal("0")) == "0,0"
    assert amount(None) == ""
    assert amount(Decimal("66"), 0) == "66"


def test_amount_or_blank_leaves_zero_blank():
    assert amount_or_blank(Decimal("0.0")) == ""
    assert amount_or_blank(Decimal("-0.6")) == "-0,6"


def test_dates():
    assert long_date(datetime.date(2011, 12, 1)) == "1 december 2011"
    assert short_date(datetime.date(2012, 1, 1)) == "2012-01-01"
    assert short_date(None) == ""


def test_blocks_escapes_author_text():
    html = blocks("## Rubrik\n\nEtt <b>stycke</b>.", 5)
    assert html == "<h5>Rubrik</h5>\n<p>Ett &lt;b&gt;stycke&lt;/b&gt;.</p>"


def test_filters_in_a_template():
    template = Template(
        "{% load budgetplan_tags %}{{ value|amount }} {{ day|long_date }} {{ day|short_date }}"
    )
    rendered = template.render(Context({"value": Decimal("502.0"), "day": datetime.date(2012, 1, 11)}))
    assert rendered == "502,0 11 januari 2012 2012-01-11"

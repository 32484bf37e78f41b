"""Charts of a follow-up drawn on the server as SVG: the geometry here, the markup in templates.

Why templates and not a chart library: the charts are two simple kinds (bars per period with a
target line; budget against forecast per row), and they must be part of the one template tree
that renders both the page and the PDF, with Swedish number formatting, a <title> and <desc>, and
marks that do not rely on colour. Matplotlib draws text as paths and pulls in a large stack;
pygal's SVG needs JavaScript for its tooltips and its own CSS, and WeasyPrint renders neither the
way the page does. Here the geometry is plain arithmetic on the figures (pixels are floats; the
figures stay Decimal and are formatted by budgetplan.kernel.formatting), and
`templates/includes/charts/*.html` write the inline SVG, escaped by Django like any other text.

Nothing here queries: the report's selectors hand in the figures.
"""
import math
from dataclasses import dataclass, field
from decimal import Decimal

from budgetplan.kernel.formatting import format_decimal

# Drawing area of the indicator chart, in SVG user units (CSS pixels on screen).
INDICATOR_WIDTH = 320
INDICATOR_HEIGHT = 170
MARGIN_LEFT = 46
MARGIN_RIGHT = 10
# The band above the plot holds the target's label, clear of the bars' figures under it.
MARGIN_TOP = 28
TARGET_LABEL_Y = 12
MARGIN_BOTTOM = 30

BUDGET_ROW_HEIGHT = 34
BUDGET_LABEL_WIDTH = 180
BUDGET_WIDTH = 640
BUDGET_VALUE_WIDTH = 70
BAR_HEIGHT = 11


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value_text: str  # the figure written above the bar, formatted the Swedish way
    label_x: float
    label_y: float
    kind: str  # "outcome" or "last-year": told apart by fill pattern as well as colour


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class PeriodSlot:
    label: str
    x: float  # the centre of the slot
    bars: list[Bar]
    missing: bool  # no outcome and no last year: "–" drawn in the slot


@dataclass
class IndicatorChart:
    """Outcome per period (and last year's), against the numeric target, as bars and a line."""

    chart_id: str
    name: str
    title: str
    description: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    baseline_y: float
    ticks: list[Tick]
    slots: list[PeriodSlot]
    target_y: float | None
    target_text: str
    target_label_y: float
    tick_label_x: float
    period_label_y: float
    missing_y: float
    has_last_year: bool
    unit: str


@dataclass(frozen=True)
class PeriodFigure:
    """One period's figures for an indicator chart (None where not measured or not known)."""

    label: str
    outcome: Decimal | None
    last_year: Decimal | None = None


def _nice_step(span: float) -> float:
    """A tick step of 1, 2 or 5 times a power of ten giving about four ticks over `span`."""
    if span <= 0:
        return 1.0
    raw = span / 4
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def _axis(low: float, high: float) -> tuple[float, float, float]:
    """The axis' bottom, top and step: from zero (or below the lowest negative) to a round top."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    step = _nice_step(high - low)
    return step * math.floor(low / step), step * math.ceil(high / step), step


def _with_unit(value: Decimal | None, decimals: int, unit: str) -> str:
    if value is None:
        return "–"
    text = format_decimal(value, decimals)
    return f"{text}\u00a0{unit}" if unit else text


def indicator_chart(
    *, chart_id: str, name: str, periods: list[PeriodFigure], target: Decimal | None,
    decimals: int = 0, unit: str = "",
) -> IndicatorChart | None:
    """The chart of one numeric indicator, or None when it has no figure to draw."""
    values = [figure for period in periods for figure in (period.outcome, period.last_year)
              if figure is not None]
    if not values:
        return None
    has_last_year = any(period.last_year is not None for period in periods)
    numbers = [float(value) for value in values] + ([float(target)] if target is not None else [])
    bottom, top, step = _axis(min(numbers), max(numbers))

    plot_left, plot_right = MARGIN_LEFT, INDICATOR_WIDTH - MARGIN_RIGHT
    plot_top, plot_bottom = MARGIN_TOP, INDICATOR_HEIGHT - MARGIN_BOTTOM

    def y_of(value: float) -> float:
        return round(plot_bottom - (value - bottom) / (top - bottom) * (plot_bottom - plot_top), 1)

    ticks = []
    tick = bottom
    while tick <= top + step / 1000:
        ticks.append(Tick(y_of(tick), format_decimal(Decimal(str(round(tick, 6))), _tick_decimals(step))))
        tick += step

    slot_width = (plot_right - plot_left) / max(len(periods), 1)
    bar_width = min(28.0, slot_width / (3 if has_last_year else 2))
    zero_y = y_of(0.0)
    slots = []
    for index, period in enumerate(periods):
        centre = plot_left + slot_width * (index + 0.5)
        pairs = ([("last-year", period.last_year)] if has_last_year else []) + [("outcome", period.outcome)]
        bars = []
        first_x = centre - bar_width * len(pairs) / 2
        for position, (kind, value) in enumerate(pairs):
            if value is None:
                continue
            value_y = y_of(float(value))
            top_y, height = min(value_y, zero_y), abs(zero_y - value_y)
            bars.append(Bar(
                x=round(first_x + position * bar_width + 1, 1), y=top_y,
                width=round(bar_width - 2, 1), height=round(max(height, 0.5), 1),
                value_text=format_decimal(value, decimals),
                label_x=round(first_x + (position + 0.5) * bar_width, 1),
                label_y=round(top_y - 3 if value >= 0 else top_y + height + 10, 1), kind=kind,
            ))
        slots.append(PeriodSlot(
            label=period.label, x=round(centre, 1), bars=bars,
            missing=period.outcome is None and period.last_year is None,
        ))

    target_text = _with_unit(target, decimals, unit) if target is not None else ""
    parts = [f"{period.label}: {_with_unit(period.outcome, decimals, unit)}"
             + (f" (förra året {_with_unit(period.last_year, decimals, unit)})"
                if period.last_year is not None else "")
             for period in periods]
    description = "Utfall " + "; ".join(parts) + "."
    if target is not None:
        description += f" Årsmål {target_text}."
    return IndicatorChart(
        chart_id=chart_id, name=name,
        title=f"{name}: utfall per period" + (" mot årsmålet" if target is not None else ""),
        description=description,
        width=INDICATOR_WIDTH, height=INDICATOR_HEIGHT,
        plot_left=plot_left, plot_right=plot_right, plot_top=plot_top, baseline_y=zero_y,
        ticks=ticks, slots=slots,
        target_y=y_of(float(target)) if target is not None else None,
        target_text=target_text, target_label_y=TARGET_LABEL_Y, has_last_year=has_last_year, unit=unit,
        tick_label_x=plot_left - 4, period_label_y=INDICATOR_HEIGHT - 12, missing_y=zero_y - 4,
    )


def _tick_decimals(step: float) -> int:
    if step >= 1:
        return 0
    return min(len(f"{step:.6f}".rstrip("0").split(".")[1]), 3)


@dataclass(frozen=True)
class BudgetBar:
    label: str
    y: float
    budget_x: float
    budget_width: float
    forecast_x: float
    forecast_width: float
    budget_text: str
    forecast_text: str
    deviation_text: str
    is_total: bool
    budget_y: float
    forecast_y: float
    text_y: float
    value_x: float


@dataclass
class BudgetChart:
    """Per budget row (and the total), the net budget beside the net forecast, as two bars."""

    chart_id: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    zero_x: float
    plot_right: float
    bar_height: int
    label_x: float
    rows: list[BudgetBar] = field(default_factory=list)


@dataclass(frozen=True)
class BudgetFigure:
    label: str
    budget: Decimal
    forecast: Decimal | None
    is_total: bool = False


def budget_chart(*, chart_id: str, title: str, rows: list[BudgetFigure]) -> BudgetChart | None:
    """Net budget against net forecast per row, in mnkr; None without rows."""
    if not rows:
        return None
    numbers = [float(row.budget) for row in rows] + [
        float(row.forecast) for row in rows if row.forecast is not None
    ]
    low, high = min(min(numbers), 0.0), max(max(numbers), 0.0)
    span = (high - low) or 1.0
    plot_left = BUDGET_LABEL_WIDTH + 6
    plot_right = BUDGET_WIDTH - BUDGET_VALUE_WIDTH
    scale = (plot_right - plot_left) / span
    zero_x = round(plot_left + (0.0 - low) * scale, 1)

    def extent(value: Decimal) -> tuple[float, float]:
        end = plot_left + (float(value) - low) * scale
        return round(min(zero_x, end), 1), round(max(abs(end - zero_x), 0.5), 1)

    bars = []
    for index, row in enumerate(rows):
        y = 8 + index * BUDGET_ROW_HEIGHT
        budget_x, budget_width = extent(row.budget)
        forecast_x, forecast_width = extent(row.forecast) if row.forecast is not None else (zero_x, 0)
        deviation = row.budget - row.forecast if row.forecast is not None else None
        bars.append(BudgetBar(
            label=row.label, y=y, budget_x=budget_x, budget_width=budget_width,
            forecast_x=forecast_x, forecast_width=forecast_width,
            budget_text=format_decimal(row.budget, 1),
            forecast_text=format_decimal(row.forecast, 1) if row.forecast is not None else "–",
            deviation_text=_signed(deviation) if deviation is not None else "–",
            is_total=row.is_total,
            budget_y=y, forecast_y=y + BAR_HEIGHT + 2, text_y=y + BAR_HEIGHT + 4,
            value_x=round(max(budget_x + budget_width, forecast_x + forecast_width) + 6, 1),
        ))
    description = "Netto i mnkr, budget mot prognos: " + "; ".join(
        f"{bar.label}: budget {bar.budget_text}, prognos {bar.forecast_text}, "
        f"avvikelse {bar.deviation_text}" for bar in bars
    ) + "."
    return BudgetChart(
        chart_id=chart_id, title=title, description=description, width=BUDGET_WIDTH,
        height=16 + len(rows) * BUDGET_ROW_HEIGHT, label_width=BUDGET_LABEL_WIDTH,
        zero_x=zero_x, plot_right=plot_right, bar_height=BAR_HEIGHT,
        label_x=BUDGET_LABEL_WIDTH, rows=bars,
    )


def _signed(value: Decimal) -> str:
    text = format_decimal(value, 1)
    return text if value < 0 else f"+{text}" if value > 0 else text

"""The follow-up entry form: one page per board and period, every outcome field of the report.

Not a Django formset per model: the page is shaped like the report (goal by goal, then the
budget), and each row of each model keeps the version it was read at. Every typed value is parsed
here with a Swedish message that names the field and the row; the rows that changed are handed
to followup.services.report_outcomes_update in one piece, which writes all of them or none.
"""
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from budgetplan.document.workbook.importer import located_errors
from budgetplan.kernel.formatting import format_decimal
from budgetplan.kernel.services import record_check
from followup.models import (
    ActivityOutcome,
    ActivityStatus,
    Attainment,
    BudgetRowOutcome,
    FollowUpReport,
    GoalAssessment,
    IndicatorOutcome,
    InvestmentOutcome,
    QualitativeOutcome,
)
from followup.selectors import FollowUpDocument
from followup.services import OutcomeChanges, OutcomesInvalid

NUMBER = re.compile(r"^-?\d+(,\d+)?$")
TEXT_LIMIT = 5000


def parse_number(text: str, *, decimals: int, what: str) -> Decimal | None:
    """A number typed the Swedish way ("1 348,5", "-22,0", "3,8"), with at most `decimals`
    decimals; None when empty. ValidationError with a message naming `what`."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text or "").replace("\u2212", "-")
    if not cleaned:
        return None
    if "." in cleaned and "," not in cleaned and re.match(r"^-?\d+\.\d+$", cleaned):
        raise ValidationError(
            f"{what}: skriv talet med decimalkomma, t.ex. {cleaned.replace('.', ',')}.")
    if not NUMBER.match(cleaned):
        raise ValidationError(f"{what}: ”{text.strip()[:40]}” är inget tal; skriv t.ex. 3,8 eller 1 348.")
    try:
        number = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        raise ValidationError(f"{what}: ”{text.strip()[:40]}” är inget tal.") from None
    if abs(number) >= Decimal("1e10"):
        raise ValidationError(f"{what}: talet är för stort.")
    if number != number.quantize(Decimal(1).scaleb(-decimals)):
        if decimals == 0:
            raise ValidationError(f"{what}: anges utan decimaler, som målet.")
        raise ValidationError(f"{what}: anges med högst {decimals} decimal{'er' if decimals > 1 else ''}, som målet.")
    return number


def shown_number(value: Decimal | None, decimals: int) -> str:
    return "" if value is None else format_decimal(value, decimals).replace("\u00a0", " ")


@dataclass
class Input:
    """One field of the page: its name, the value it shows, and the errors beside it."""

    name: str
    label: str
    value: str = ""
    errors: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] | None = None

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def error_id(self) -> str:
        return f"{self.id}-fel"


@dataclass
class Row:
    """The inputs of one outcome record, with its hidden version and the errors of the row."""

    prefix: str
    record: object  # the outcome row (or the report)
    line: object  # the selector's line, for what the page shows beside the inputs
    inputs: dict[str, Input]
    spec: dict = field(default_factory=dict)  # input name -> (kind, label, decimals or choices)
    errors: list[str] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.record.version

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(i.errors for i in self.inputs.values())


# What each model's inputs are: form name -> (model field, label, kind, decimals or choices)
AMOUNT = "amount"
TEXT = "text"
CHOICE = "choice"
NUMBER_KIND = "number"


class EntryForm:
    """The entry of one report, as read (`data` None) or as posted."""

    def __init__(self, document: FollowUpDocument, data=None):
        self.document = document
        self.data = data
        self.rows: dict[str, Row] = {}
        self.errors: list[str] = []  # errors of the page as a whole
        self.changes = OutcomeChanges()
        self._build()

    # ---- building the rows ----------------------------------------------------------------

    def _build(self) -> None:
        doc = self.document
        report = doc.report
        self.report_row = self._row("rapport", report, None, {
            "summary": (TEXT, "Sammanfattande analys", None),
        })
        self.indicator_rows = {}
        for line in doc.indicators:
            if line.outcome is None:
                continue
            words = [("", "–")] + [(w, QualitativeOutcome(w).label) for w in line.allowed_words]
            spec = {
                "value": (NUMBER_KIND, f"Utfall{f' ({line.unit})' if line.unit else ''}", line.decimals),
                "previous_value": (NUMBER_KIND, "Föregående år", line.decimals),
                "comment": (TEXT, "Kommentar", None),
            }
            if line.allowed_words:
                spec["qualitative"] = (CHOICE, "Utfall i ord", words)
            self.indicator_rows[line.id] = self._row(f"ind-{line.outcome.pk}", line.outcome, line, spec)
        self.activity_rows = {}
        statuses = [("", "Ej angiven")] + list(ActivityStatus.choices)
        for line in doc.activities:
            if line.outcome is None:
                continue
            self.activity_rows[line.id] = self._row(f"akt-{line.outcome.pk}", line.outcome, line, {
                "status": (CHOICE, "Status", statuses),
                "comment": (TEXT, "Kommentar", None),
            })
        self.goal_rows = {}
        attainments = [("", "Ej bedömt")] + list(Attainment.choices)
        for line in doc.goal_lines:
            if line.assessment is None:
                continue
            self.goal_rows[line.key] = self._row(f"mal-{line.assessment.pk}", line.assessment, line, {
                "attainment": (CHOICE, "Måluppfyllelse", attainments),
                "analysis": (TEXT, "Analys", None),
            })
        self.budget_rows = {}
        for line in doc.budget_lines:
            if line.outcome is None:
                continue
            self.budget_rows[line.id] = self._row(f"bud-{line.outcome.pk}", line.outcome, line, {
                "outcome_costs": (AMOUNT, "Utfall kostnader", 1),
                "outcome_revenues": (AMOUNT, "Utfall intäkter", 1),
                "forecast_costs": (AMOUNT, "Prognos kostnader", 1),
                "forecast_revenues": (AMOUNT, "Prognos intäkter", 1),
                "comment": (TEXT, "Kommentar", None),
            })
        self.investment_rows = {}
        for line in doc.investment_lines:
            if line.outcome is None:
                continue
            self.investment_rows[line.id] = self._row(f"inv-{line.outcome.pk}", line.outcome, line, {
                "outcome": (AMOUNT, "Utfall", 1),
                "forecast": (AMOUNT, "Prognos", 1),
                "comment": (TEXT, "Kommentar", None),
            })

    def _row(self, prefix: str, record, line, spec: dict) -> Row:
        inputs = {}
        for name, (kind, label, extra) in spec.items():
            stored = getattr(record, name)
            if kind in (NUMBER_KIND, AMOUNT):
                shown = shown_number(stored, extra)
            else:
                shown = stored or ""
            inputs[name] = Input(
                name=f"{prefix}-{name}", label=label, value=shown,
                choices=extra if kind == CHOICE else None,
            )
        row = Row(prefix=prefix, record=record, line=line, inputs=inputs, spec=spec)
        self.rows[prefix] = row
        return row

    @property
    def budget_pairs(self) -> list[tuple]:
        return [(line, self.budget_rows.get(line.id)) for line in self.document.budget_lines]

    @property
    def investment_pairs(self) -> list[tuple]:
        return [(line, self.investment_rows.get(line.id)) for line in self.document.investment_lines]

    # ---- reading what was posted -----------------------------------------------------------

    def is_valid(self) -> bool:
        """Parse every posted field; collect the changed rows in `changes`. False if any field
        is refused (nothing is written then)."""
        for row in self.rows.values():
            self._read_row(row)
        return not self.has_errors

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.has_errors for row in self.rows.values())

    def _read_row(self, row: Row) -> None:
        data = self.data
        changed: list[str] = []
        values = {}
        what = _row_label(row)
        for name, (kind, label, extra) in row.spec.items():
            field_input = row.inputs[name]
            key = field_input.name
            if key not in data:
                continue  # a field the page did not show is left as it is
            raw = data.get(key, "")
            field_input.value = raw
            try:
                value = self._parse(kind, raw, extra, f"{what}, {label.lower()}")
            except ValidationError as error:
                field_input.errors.extend(error.messages)
                continue
            values[name] = value
            if value != getattr(row.record, name):
                changed.append(name)
        if not changed or row.has_errors:
            return
        posted_version = data.get(f"{row.prefix}-version", "")
        if not posted_version.isdigit():
            row.errors.append(f"{what}: sidan saknar radens version; läs in sidan på nytt.")
            return
        record = row.record
        for name in changed:
            setattr(record, name, values[name])
        record.version = int(posted_version)
        # The record's own rules now, so every error of the page shows at once; the write
        # checks them again (with the guards) inside its transaction.
        try:
            record_check(instance=record, exclude=["report", *_relations(record)])
        except ValidationError as error:
            self._place(row, error)
            return
        if isinstance(record, FollowUpReport):
            self.changes.report_fields = changed
        else:
            self.changes.add(record, changed)
            self._index.setdefault(type(record), []).append(row)

    @property
    def _index(self) -> dict:
        if not hasattr(self, "_rows_by_model"):
            self._rows_by_model: dict[type, list[Row]] = {}
        return self._rows_by_model

    @staticmethod
    def _parse(kind: str, raw: str, extra, what: str):
        if kind == NUMBER_KIND or kind == AMOUNT:
            return parse_number(raw, decimals=extra, what=what)
        if kind == CHOICE:
            allowed = {value for value, _ in extra}
            if raw not in allowed:
                raise ValidationError(f"{what}: välj ett av alternativen i listan.")
            return raw
        text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
        if len(text) > TEXT_LIMIT:
            raise ValidationError(f"{what}: högst {TEXT_LIMIT} tecken ({len(text)} skrivna).")
        return text

    # ---- refusals of the write, shown where they belong ------------------------------------

    def add_write_errors(self, invalid: OutcomesInvalid) -> None:
        """Put each refusal of report_outcomes_update beside the field (or row) it concerns."""
        for (model, index), error in invalid.errors.items():
            row = self.report_row if model is FollowUpReport else self._index[model][index]
            self._place(row, error)

    def _place(self, row: Row, error: ValidationError) -> None:
        what = _row_label(row)
        # A broken constraint is shown beside the field it is about, as the workbooks do.
        for field_name, message in located_errors(error, type(row.record)):
            target = row.inputs.get(field_name)
            (target.errors if target is not None else row.errors).append(f"{what}: {message}")

    @property
    def all_errors(self) -> list[tuple[str, str]]:
        """(the id of the field or row, the message) for the summary at the top of the page."""
        found = [("", message) for message in self.errors]
        for row in self.rows.values():
            found += [(f"rad-{row.prefix}", message) for message in row.errors]
            found += [(i.id, message) for i in row.inputs.values() for message in i.errors]
        return found


def _relations(record) -> list[str]:
    return [f.name for f in record._meta.concrete_fields if f.is_relation]


def _row_label(row: Row) -> str:
    record = row.record
    if isinstance(record, FollowUpReport):
        return "Sammanfattning"
    if isinstance(record, IndicatorOutcome):
        return f"Indikatorn ”{_short(row.line.name)}”"
    if isinstance(record, ActivityOutcome):
        return f"Aktiviteten ”{_short(row.line.activity.text)}”"
    if isinstance(record, GoalAssessment):
        kind = "KF:s mål" if row.line.kind == "council" else "Nämndmålet"
        return f"{kind} ”{_short(row.line.title)}”"
    if isinstance(record, BudgetRowOutcome):
        return f"Budgetraden ”{_short(row.line.department)}”"
    if isinstance(record, InvestmentOutcome):
        return f"Investeringen ”{_short(row.line.purpose)}”"
    return str(record)


def _short(text: str, length: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= length else f"{text[:length - 1]}…"


@dataclass
class GoalSection:
    """A goal of the page with its assessment's inputs and its indicators' and activities'."""

    goal: object  # followup.selectors.GoalLine
    row: Row | None
    indicators: list[tuple[object, Row | None]]
    activities: list[tuple[object, Row | None]]
    board_goals: list["GoalSection"] = field(default_factory=list)


def goal_sections(form: EntryForm) -> list[GoalSection]:
    """The page's goals in the report's order, each with the rows of the form that belong to it."""

    def section(goal) -> GoalSection:
        return GoalSection(
            goal=goal, row=form.goal_rows.get(goal.key),
            indicators=[(line, form.indicator_rows.get(line.id)) for line in goal.indicators],
            activities=[(line, form.activity_rows.get(line.id)) for line in goal.activities],
            board_goals=[section(board_goal) for board_goal in goal.board_goals],
        )

    return [section(goal) for goal in form.document.goals]

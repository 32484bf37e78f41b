"""The follow-up's workbook: one report's outcome sheets, exported and read back atomically.

Each outcome sheet stands beside the plan's record it follows up: the plan's columns (the
indicator, its targets, the budget) are written for people to read and never read back; the
outcome columns are read back. Rows are found by the plan's natural keys (the council goal's
number, the board goal's and the row's Ordning, the department), as in the case's workbook
(budgetplan.document.workbook.layout), and each carries the version it was exported at, so a
row someone changed in the browser meanwhile is refused with what they changed.

The import writes every changed row through followup.services.report_outcomes_update: all of
them or none, with each problem located by sheet, row and column in Swedish.
"""
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from budgetplan.kernel.formatting import format_decimal
from budgetplan.kernel.services import record_check
from followup import services
from followup.models import (
    ActivityStatus,
    Attainment,
    FollowUpReport,
    IndicatorOutcome,
    QualitativeOutcome,
    parse_period_kind,
)
from followup.selectors import FollowUpDocument, followup_document

from ..selectors import registry_numbers_in_order
from . import layout
from .export import HEADER_FILL, HEADER_FONT, TOP, WRAP, _add_validations, _write_value, write_text
from .importer import located_errors
from .issues import Issue
from .reader import read_workbook, written_decimals

C = layout.Column
CONTEXT = layout.COMPUTED  # the plan's columns: written for people, never read back
VERSION = C("Version", "version", layout.INTEGER, 9, required=True)

REPORT = layout.Sheet(
    "Uppföljning",
    (
        C("Dnr", "registry_numbers", layout.TEXT, 18, required=True, natural_key=True),
        C("Period", "period", layout.TEXT, 10, required=True),
        C("Budgetår", "year", CONTEXT, 10),
        C("Status", "status", CONTEXT, 12),
        C("Sammanfattning", "summary", layout.LONGTEXT, 80),
        VERSION,
    ),
    single=True,
    description="Vilken plan och period arbetsboken gäller, och nämndens sammanfattande analys.",
)
INDICATORS = layout.Sheet(
    "Utfall indikatorer",
    (
        C("KF:s mål", "council_goal", layout.CODE, 9, required=True),
        C("Nämndmål", "board_goal", layout.INTEGER, 10),
        C("Ordning", "order", layout.INTEGER, 9, required=True),
        C("Indikator", "name", CONTEXT, 50),
        C("Årsmål", "board_target", CONTEXT, 12),
        C("KF:s årsmål", "council_target", CONTEXT, 12),
        C("Periodicitet", "periodicity", CONTEXT, 12),
        C("Utfall", "value", layout.TARGET, 11),
        C("Utfall i ord", "qualitative", layout.CHOICE, 16, choices=layout._choices(QualitativeOutcome)),
        C("Föregående år", "previous_value", layout.TARGET, 13),
        C("Status", "status", CONTEXT, 16),
        C("Kommentar", "comment", layout.LONGTEXT, 50),
        VERSION,
    ),
    keys=("council_goal", "board_goal", "order"),
    description="Utfall i målets enhet med högst lika många decimaler som målet, eller i ord där "
    "målet är ett ord (öka/minska: ökat, oförändrat, minskat; annars uppnått, delvis uppnått, "
    "ej uppnått). Status räknas fram och läses inte in.",
)
ACTIVITIES = layout.Sheet(
    "Status aktiviteter",
    (
        C("KF:s mål", "council_goal", layout.CODE, 9, required=True),
        C("Nämndmål", "board_goal", layout.INTEGER, 10),
        C("Ordning", "order", layout.INTEGER, 9, required=True),
        C("Aktivitet", "text", CONTEXT, 60),
        C("Slutdatum", "end_date", CONTEXT, 12),
        C("Status", "status", layout.CHOICE, 14, choices=layout._choices(ActivityStatus)),
        C("Kommentar", "comment", layout.LONGTEXT, 50),
        VERSION,
    ),
    keys=("council_goal", "board_goal", "order"),
)
GOALS = layout.Sheet(
    "Bedömning mål",
    (
        C("KF:s mål", "council_goal", layout.CODE, 9, required=True),
        C("Nämndmål", "board_goal", layout.INTEGER, 10),
        C("Mål", "title", CONTEXT, 50),
        C("Måluppfyllelse", "attainment", layout.CHOICE, 16, choices=layout._choices(Attainment)),
        C("Analys", "analysis", layout.LONGTEXT, 60),
        VERSION,
    ),
    keys=("council_goal", "board_goal"),
    description="Nämndmål tomt: bedömningen av KF:s mål. Nämndmål ifyllt (nämndmålets ordning): "
    "bedömningen av nämndmålet.",
)
BUDGET = layout.Sheet(
    "Utfall driftbudget",
    (
        C("Avdelning", "department", layout.TEXT, 32, required=True),
        C("Budget kostnader", "budget_costs", CONTEXT, 12),
        C("Budget intäkter", "budget_revenues", CONTEXT, 12),
        C("Utfall kostnader", "outcome_costs", layout.AMOUNT, 12),
        C("Utfall intäkter", "outcome_revenues", layout.AMOUNT, 12),
        C("Prognos kostnader", "forecast_costs", layout.AMOUNT, 12),
        C("Prognos intäkter", "forecast_revenues", layout.AMOUNT, 12),
        C("Avvikelse netto", "deviation_net", CONTEXT, 12),
        C("Kommentar", "comment", layout.LONGTEXT, 40),
        VERSION,
    ),
    keys=("department",),
    description="Belopp i mnkr med en decimal; intäkter anges negativt. Avvikelse = budget − "
    "prognos, räknas fram och läses inte in.",
)
INVESTMENTS = layout.Sheet(
    "Utfall investeringar",
    (
        C("Ordning", "order", layout.INTEGER, 9, required=True),
        C("Ändamål", "purpose", CONTEXT, 40),
        C("Budget", "budget", CONTEXT, 12),
        C("Utfall", "outcome", layout.AMOUNT, 12),
        C("Prognos", "forecast", layout.AMOUNT, 12),
        C("Kommentar", "comment", layout.LONGTEXT, 40),
        VERSION,
    ),
    keys=("order",),
)
SHEETS = (REPORT, INDICATORS, ACTIVITIES, GOALS, BUDGET, INVESTMENTS)
# The outcome columns each sheet reads back, by model field.
READ_FIELDS = {
    spec.name: [c.key for c in spec.input_columns if c.key != "version" and c.key not in spec.keys]
    for spec in SHEETS
}


# ---- The rows of each sheet ----------------------------------------------------------------


def _codes(document: FollowUpDocument) -> tuple[dict[int, str], dict[int, tuple[str, int]]]:
    """The council goals' numbers, and each board goal's (council goal number, Ordning)."""
    council = {goal.goal_id: goal.code for goal in document.goals}
    board = {
        board_goal.goal_id: (goal.code, board_goal.order)
        for goal in document.goals for board_goal in goal.board_goals
    }
    return council, board


def _record_key(line, council: dict, board: dict) -> tuple:
    """The natural key of an indicator or activity line: (code, board goal order, order)."""
    record = getattr(line, "indicator", None) or line.activity
    if record.board_goal_id:
        code, order = board.get(record.board_goal_id, ("", None))
        return (code, order, record.order)
    return (council.get(record.council_goal_id, ""), None, record.order)


def registry_numbers(document: FollowUpDocument) -> list[str]:
    return list(
        registry_numbers_in_order().filter(case_id=document.case.pk).values_list("number", flat=True)
    )


def sheet_rows(document: FollowUpDocument, numbers: list[str]) -> dict[str, list[tuple[dict, object, object]]]:
    """sheet name -> [(the row's values by column key, the outcome record, the line)]."""
    council, board = _codes(document)
    year = document.period.year
    report = document.report
    rows: dict[str, list] = {spec.name: [] for spec in SHEETS}
    rows[REPORT.name].append(({
        "registry_numbers": ", ".join(numbers),
        "period": document.period.kind, "year": year, "status": report.get_status_display(),
        "summary": report.summary, "version": report.version,
    }, report, None))
    for line in document.indicators:
        if line.outcome is None:
            continue
        code, board_order, order = _record_key(line, council, board)
        rows[INDICATORS.name].append(({
            "council_goal": code, "board_goal": board_order, "order": order, "name": line.name,
            "board_target": line.board_target_text, "council_target": line.council_target_text,
            "periodicity": line.periodicity,
            "value": (line.value, line.decimals), "qualitative": line.qualitative,
            "previous_value": (line.previous_value, line.decimals),
            "status": line.status_label, "comment": line.comment, "version": line.outcome.version,
        }, line.outcome, line))
    for line in document.activities:
        if line.outcome is None:
            continue
        code, board_order, order = _record_key(line, council, board)
        rows[ACTIVITIES.name].append(({
            "council_goal": code, "board_goal": board_order, "order": order,
            "text": line.activity.text, "end_date": line.activity.end_date.isoformat(),
            "status": line.status, "comment": line.comment, "version": line.outcome.version,
        }, line.outcome, line))
    for goal in document.goal_lines:
        if goal.assessment is None:
            continue
        if goal.kind == "council":
            code, board_order = council[goal.goal_id], None
        else:
            code, board_order = board[goal.goal_id]
        rows[GOALS.name].append(({
            "council_goal": code, "board_goal": board_order, "title": goal.title,
            "attainment": goal.attainment, "analysis": goal.analysis,
            "version": goal.assessment.version,
        }, goal.assessment, goal))
    for line in document.budget_lines:
        if line.outcome is None:
            continue
        rows[BUDGET.name].append(({
            "department": line.department, "budget_costs": line.budget_costs,
            "budget_revenues": line.budget_revenues, "outcome_costs": line.outcome_costs,
            "outcome_revenues": line.outcome_revenues, "forecast_costs": line.forecast_costs,
            "forecast_revenues": line.forecast_revenues, "deviation_net": line.deviation_net,
            "comment": line.comment, "version": line.outcome.version,
        }, line.outcome, line))
    for line in document.investment_lines:
        if line.outcome is None:
            continue
        rows[INVESTMENTS.name].append(({
            "order": line.investment.order, "purpose": line.purpose, "budget": line.budget,
            "outcome": line.outcome_amount, "forecast": line.forecast, "comment": line.comment,
            "version": line.outcome.version,
        }, line.outcome, line))
    return rows


# ---- Export ----------------------------------------------------------------------------------


def _write_context(cell, value) -> None:
    if value is None or value == "":
        return
    if isinstance(value, (int,)) and not isinstance(value, bool):
        cell.value = value
    elif hasattr(value, "quantize"):  # a Decimal amount of the plan
        cell.value = value
        cell.number_format = layout.AMOUNT_FORMAT
    else:
        write_text(cell, str(value))
        cell.alignment = WRAP
    cell.font = Font(color="555555")


def build_followup_workbook(document: FollowUpDocument) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    rows = sheet_rows(document, registry_numbers(document))
    for spec in SHEETS:
        worksheet = workbook.create_sheet(spec.name)
        letters = {c.key: get_column_letter(i) for i, c in enumerate(spec.columns, start=1)}
        for index, column in enumerate(spec.columns, start=1):
            cell = worksheet.cell(row=1, column=index)
            write_text(cell, column.header)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, TOP
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        for row_number, (values, _record, _line) in enumerate(rows[spec.name], start=2):
            for index, column in enumerate(spec.columns, start=1):
                cell = worksheet.cell(row=row_number, column=index)
                if column.kind == CONTEXT:
                    _write_context(cell, values.get(column.key))
                else:
                    _write_value(cell, column, values.get(column.key))
        _add_validations(worksheet, spec, letters, len(rows[spec.name]) + 1)
        worksheet.freeze_panes = "A2"
    _write_readme(workbook, document)
    if layout.LISTS_SHEET in workbook.sheetnames:
        index = workbook.sheetnames.index(layout.LISTS_SHEET)
        workbook.move_sheet(layout.LISTS_SHEET, offset=len(workbook.sheetnames) - 1 - index)
    workbook.active = 0
    return workbook


def _write_readme(workbook: Workbook, document: FollowUpDocument) -> None:
    worksheet = workbook.create_sheet(layout.README_SHEET, 0)
    lines = [
        (f"Uppföljning {document.period.kind} {document.period.year} från Budgetplan", ""),
        ("Fyll i utfall, status, bedömningar och prognoser och läs in arbetsboken på "
         "uppföljningens sida. Allt sparas, eller inget: varje fel anges med blad, rad och kolumn.", ""),
        ("Grå kolumner visar planen (mål, budget) och räknade värden; de läses inte in. Planen "
         "ändras aldrig av en uppföljning.", ""),
        ("Rader kan inte läggas till eller tas bort här: varje rad hör till en post i planen. "
         "Kolumnen Version visar vilken version raden exporterades i; en rad som någon annan "
         "ändrat sedan dess vägras.", ""),
        ("Tal skrivs med decimalkomma (3,8). Belopp i mnkr med en decimal; intäkter negativt.", ""),
        ("", ""),
        ("Blad", "Innehåll"),
    ] + [(spec.name, spec.description) for spec in SHEETS]
    if document.demonstration_note:
        lines.insert(1, (f"Påhittade uppgifter: {document.demonstration_note}", ""))
    for row_number, (first, second) in enumerate(lines, start=1):
        if first:
            write_text(worksheet.cell(row=row_number, column=1), first)
        if second:
            write_text(worksheet.cell(row=row_number, column=2), second)
    worksheet["A1"].font = Font(bold=True, size=13)
    worksheet.column_dimensions["A"].width = 28
    worksheet.column_dimensions["B"].width = 100


def export_followup_workbook(document: FollowUpDocument) -> bytes:
    buffer = io.BytesIO()
    build_followup_workbook(document).save(buffer)
    return buffer.getvalue()


def followup_workbook_filename(document: FollowUpDocument) -> str:
    case = document.case
    return (f"uppfoljning-pm-{case.memo_year}-{case.memo_serial}-{slugify(case.memo_rotel)}-"
            f"{slugify(document.period.kind)}.xlsx").lower()


# ---- Import ----------------------------------------------------------------------------------


@dataclass
class FollowUpImport:
    """What an import did: the problems (nothing written when there are any), or the rows changed."""

    issues: list[Issue] = field(default_factory=list)
    changed: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues


def _key_text(spec: layout.Sheet, key: tuple) -> str:
    parts = [f"{spec.column(name).header} {value}" for name, value in zip(spec.keys, key) if value not in (None, "")]
    return ", ".join(parts)


def import_followup_workbook(source, *, report: FollowUpReport, user=None) -> FollowUpImport:
    """Read the workbook into the report: every changed outcome is written, or none."""
    result = FollowUpImport()
    book = read_workbook(source, SHEETS)
    result.issues.extend(book.issues)
    if not book.readable:
        return result
    document = followup_document(report=report)
    numbers = registry_numbers(document)
    rows = sheet_rows(document, numbers)
    _check_report_row(book, document, numbers, result)
    changes = services.OutcomeChanges()
    located: dict[tuple[type, int], tuple[layout.Sheet, object]] = {}
    for spec in SHEETS:
        parsed = book.sheets[spec.name]
        if not parsed.present:
            continue
        if spec is REPORT:
            _read_report(parsed, report, changes, result)
            continue
        known = {tuple(values.get(k) for k in spec.keys): (record, line) for values, record, line in rows[spec.name]}
        for row in parsed.rows:
            if not row.valid:
                continue
            key = tuple(row.values.get(k) for k in spec.keys)
            if key not in known:
                result.issues.append(Issue(
                    f"Planen har ingen post med {_key_text(spec, key)}; här fylls bara planens "
                    "egna poster i, rader kan inte läggas till.",
                    sheet=spec.name, row=row.number,
                ))
                continue
            record, line = known[key]
            changed = [name for name in READ_FIELDS[spec.name] if name in row.values
                       and row.values[name] != getattr(record, name)]
            if not changed:
                continue
            for name in changed:
                setattr(record, name, row.values[name])
            record.version = row.values.get("version")
            problems = _row_problems(spec, record, line)
            try:
                record_check(instance=record, exclude=[f.name for f in record._meta.concrete_fields if f.is_relation])
            except ValidationError as error:
                problems.extend(located_errors(error, type(record)))
            if problems:
                for field_name, message in problems:
                    result.issues.append(_issue(spec, row, field_name, message))
                continue
            changes.add(record, changed)
            located[(type(record), len(changes.rows[type(record)]) - 1)] = (spec, row)
    if result.issues:
        return result
    if not changes:
        return result
    try:
        services.report_outcomes_update(report=report, changes=changes, user=user)
    except services.OutcomesInvalid as invalid:
        for (model, index), error in invalid.errors.items():
            if model is FollowUpReport:
                result.issues.extend(Issue(message, sheet=REPORT.name, row=2) for message in error.messages)
                continue
            spec, row = located[(model, index)]
            for field_name, message in located_errors(error, model):
                result.issues.append(_issue(spec, row, field_name, message))
        return result
    result.changed = sum(len(rows) for rows in changes.rows.values()) + bool(changes.report_fields)
    return result


def _check_report_row(book, document: FollowUpDocument, numbers: list[str], result: FollowUpImport) -> None:
    """The workbook must be this plan's and this period's: a workbook of another board or
    period read into this report would put its figures on the wrong records."""
    parsed = book.sheets[REPORT.name]
    if not parsed.present or not parsed.rows or not parsed.rows[0].valid:
        if parsed.present and not parsed.rows:
            result.issues.append(Issue("Bladet har ingen rad; det ska ange planens Dnr och perioden.",
                                       sheet=REPORT.name, row=2))
        return
    row = parsed.rows[0]
    written = {part.strip() for part in row.values.get("registry_numbers", "").split(",") if part.strip()}
    if not written & set(numbers):
        result.issues.append(Issue(
            f"Arbetsboken gäller Dnr {', '.join(sorted(written))}, inte den här planen "
            f"({', '.join(numbers) or document.case.memo_number}); inget har lästs in.",
            sheet=REPORT.name, row=row.number, column="Dnr", letter=row.letters.get("registry_numbers", ""),
        ))
    kind = parse_period_kind(row.values.get("period", ""))
    if kind != document.period.kind:
        result.issues.append(Issue(
            f"Arbetsboken gäller perioden {row.values.get('period')}, inte {document.period.kind}; "
            "inget har lästs in.",
            sheet=REPORT.name, row=row.number, column="Period", letter=row.letters.get("period", ""),
        ))


def _read_report(parsed, report: FollowUpReport, changes, result) -> None:
    if not parsed.rows or not parsed.rows[0].valid:
        return
    row = parsed.rows[0]
    summary = row.values.get("summary", "")
    if summary != report.summary:
        report.summary = summary
        report.version = row.values.get("version")
        changes.report_fields = ["summary"]


def _row_problems(spec: layout.Sheet, record, line) -> list[tuple[str, str]]:
    """The rules the model cannot check alone: an indicator's outcome typed like its target."""
    problems = []
    if isinstance(record, IndicatorOutcome):
        words = line.allowed_words
        if record.qualitative and record.qualitative not in words:
            allowed = ", ".join(QualitativeOutcome(word).label for word in words) or "inget; ange ett tal"
            problems.append(("qualitative", f"Målet {line.target.display(0) or '(inget)'} följs inte upp "
                                            f"med ”{QualitativeOutcome(record.qualitative).label}”; i ord går: {allowed}."))
        for name in ("value", "previous_value"):
            number = getattr(record, name)
            if number is not None and number != number.quantize(Decimal(1).scaleb(-line.decimals)):
                shown = format_decimal(number, written_decimals(number.normalize()))
                problems.append((name, f"Talet {shown} har fler decimaler än målets {line.decimals}."))
    return problems


def _issue(spec: layout.Sheet, row, field_name: str, message: str) -> Issue:
    try:
        column = spec.column(field_name) if field_name else None
    except KeyError:
        column = None
    if column is None:
        return Issue(message, sheet=spec.name, row=row.number)
    return Issue(message, sheet=spec.name, row=row.number, column=column.header,
                 letter=row.letters.get(column.key, ""))


__all__ = [
    "SHEETS", "FollowUpImport", "build_followup_workbook", "export_followup_workbook",
    "followup_workbook_filename", "import_followup_workbook",
]

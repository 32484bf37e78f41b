"""Writes one whole case to an .xlsx workbook formatted for people, one sheet per part.

Amounts are numbers shown as '# ##0,0', dates are real dates, choices come as drop-downs and
totals are formulas under the rows. Every text is stored as a text cell, and one that begins with
=, +, -, @, a tab or a carriage return also gets Excel's quote prefix, so it can never run as a
formula (spreadsheet formula injection); amounts are numbers and are not affected.
"""
import io
from decimal import Decimal

from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from budgetplan.cases.models import Case

from . import layout
from .data import CaseData, council_code, load_case
from .issues import WorkbookError
from .stamp import write_stamp

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_CELL_LIMIT = 32767
VALIDATED_ROWS = 2000  # drop-downs reach this far, so rows a person adds get them too
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _case_rows(data: CaseData):
    case = data.case
    yield {
        "registry_numbers": ", ".join(r.number for r in data.registry_numbers),
        "memo_year": case.memo_year, "memo_serial": case.memo_serial, "memo_rotel": case.memo_rotel,
        "title": case.title, "budget_year": case.budget_year,
        # A city-wide case names no board (an empty cell): its import keeps it the city's.
        "board": "" if case.is_city_case else case.board_name,
        "board_office": "" if case.is_city_case else case.board_office, "proposing_body": case.proposing_body,
        "deciding_body": case.deciding_body, "status": case.status, "decided_on": case.decided_on,
    }


def _indicator_row(indicator, plan_indicators):
    plan = plan_indicators.get(indicator.pk)
    goal = indicator.council_goal or indicator.board_goal.council_goal
    row = {
        "council_goal": council_code(goal),
        "board_goal": indicator.board_goal.order if indicator.board_goal_id else None,
        "order": indicator.order, "name": indicator.name, "in_plan": plan is not None,
        "periodicity": indicator.periodicity,
        **_target_values("council_target", indicator),
    }
    if plan is not None:
        row.update(_target_values("board_target", plan))
    return row


def _target_values(prefix: str, record) -> dict:
    """A target's columns; its decimals are written as data, whatever a cell's format will say."""
    value, decimals = getattr(record, f"{prefix}_value"), getattr(record, f"{prefix}_decimals")
    return {
        f"{prefix}_kind": getattr(record, f"{prefix}_kind"),
        f"{prefix}_value": (value, decimals),
        f"{prefix}_decimals": decimals if value is not None else None,
        f"{prefix}_unit": getattr(record, f"{prefix}_unit"),
    }


def _activity_row(activity):
    goal = activity.council_goal or activity.board_goal.council_goal
    return {
        "council_goal": council_code(goal),
        "board_goal": activity.board_goal.order if activity.board_goal_id else None,
        "order": activity.order, "text": activity.text,
        "start_date": activity.start_date, "end_date": activity.end_date,
    }


def _rows(spec: layout.Sheet, data: CaseData):
    """The rows of one sheet, as dicts keyed like the layout's columns."""
    frame = data.frame
    if spec is layout.CASE:
        return list(_case_rows(data))
    if spec is layout.DECISION_POINTS:
        subjects = {subject.pk: subject.order for subject in data.subjects}
        return [{"number": p.number, "text": p.text,
                 "figures": layout.FIGURE_SEPARATOR.join(q.figure.name for q in p.quoted_figures.all()),
                 "subject": subjects.get(p.subject_id)}
                for p in data.decision_points]
    if spec is layout.SUBJECTS:
        return [{"order": subject.order, "title": subject.title,
                 "registry_numbers": ", ".join(r.number for r in data.registry_numbers
                                               if r.subject_id == subject.pk)}
                for subject in data.subjects]
    if spec is layout.FIGURES:
        return [{"number": g.number, "name": g.name, "rows": g.rows,
                 "board": g.board.name if g.board_id else "",
                 "source": g.source.label if g.source_id else ""} for g in data.figures]
    if spec is layout.BUDGET_ADJUSTMENTS:
        return [{"order": a.order, "board": a.board.name, "kind": a.kind,
                 "description": a.description, "amount": a.amount,
                 "source": a.source.label if a.source_id else ""} for a in data.adjustments]
    if spec is layout.STATEMENT:
        s = data.statement
        return [{"commissioner": s.commissioner, "proposal_lead": s.proposal_lead, "place": s.place,
                 "signed_on": s.signed_on, "endorsement": s.endorsement}] if s else []
    if spec is layout.STATEMENT_SECTIONS:
        return [{"order": s.order, "heading": s.heading, "body": s.body} for s in data.sections]
    if spec is layout.ATTACHMENTS:
        return [{"number": a.number, "title": a.title} for a in data.attachments]
    if spec is layout.OFFICIALS_REPORT:
        r = data.report
        return [{"offices": r.offices, "dated": r.dated, "report_lead": r.report_lead,
                 "matter_lead": r.matter_lead, "matter_body": r.matter_body,
                 "preparation": r.preparation}] if r else []
    if spec is layout.RESPONSIBILITIES:
        return [{"order": r.order, "text": r.text} for r in data.responsibilities]
    if spec is layout.STRATEGIC_GOALS:
        rows = []
        for goal in data.strategic_goals:
            plan = data.plan_strategic_goals.get(goal.pk)
            rows.append({"number": goal.number, "title": goal.title, "description": goal.description,
                         "in_plan": plan is not None,
                         "plan_description": plan.description if plan else ""})
        return rows
    if spec is layout.COUNCIL_GOALS:
        rows = []
        for goal in data.council_goals:
            plan = data.plan_council_goals.get(goal.pk)
            rows.append({"code": council_code(goal), "title": goal.title,
                         "description": goal.description, "in_plan": plan is not None,
                         "plan_description": plan.description if plan else ""})
        return rows
    if spec is layout.BOARD_GOALS:
        return [{"council_goal": council_code(g.council_goal), "order": g.order, "title": g.title,
                 "description": g.description} for g in data.board_goals]
    if spec is layout.INDICATORS:
        return [_indicator_row(i, data.plan_indicators) for i in data.indicators]
    if spec is layout.ACTIVITIES:
        return [_activity_row(a) for a in data.activities]
    if spec is layout.FINANCIAL_FRAME:
        return [{"organisation": frame.organisation,
                 "placed_under": council_code(frame.placed_under) if frame.placed_under else "",
                 "investments_heading": frame.investments_heading,
                 "turnover_total_label": frame.turnover_total_label}] if frame else []
    if spec is layout.OPERATING_BUDGET:
        return [{"order": r.order, "department": r.department, "costs": r.costs,
                 "revenues": r.revenues} for r in frame.operating_rows.all()] if frame else []
    if spec is layout.TURNOVER_CHANGES:
        return [{"order": t.order, "description": t.description, "amount": t.amount,
                 "board": t.board.name if t.board_id else ""}
                for t in frame.turnover_changes.all()] if frame else []
    if spec is layout.INVESTMENTS:
        return [{"order": i.order, "purpose": i.purpose, "amount": i.amount, "text": i.text}
                for i in frame.investments.all()] if frame else []
    if spec is layout.RESULT_UNITS:
        return [{"order": u.order, "name": u.name, "text": u.text}
                for u in frame.result_units.all()] if frame else []
    if spec is layout.MAJOR_PROJECTS:
        return [{"order": p.order, "title": p.title, "body": p.body}
                for p in frame.projects.all()] if frame else []
    if spec is layout.PARTIES:
        return [{"abbreviation": p.abbreviation, "name": p.name} for p in data.parties]
    if spec is layout.PEOPLE:
        return [{"name": p.name, "party": p.party.abbreviation, "role": p.role} for p in data.people]
    if spec is layout.RESERVATIONS:
        return [{"order": r.order, "body": r.body,
                 "refers_to": r.refers_to.order if r.refers_to_id else None,
                 "proposal_lead": r.proposal_lead, "points_numbered": r.points_numbered,
                 "text": r.text} for r in data.reservations]
    if spec is layout.SIGNATORIES:
        return [{"reservation": s.reservation.order, "order": s.order, "name": s.person.name,
                 "party": s.person.party.abbreviation} for s in data.signatories]
    if spec is layout.RESERVATION_POINTS:
        return [{"reservation": r.order, "number": p.number, "text": p.text}
                for r in data.reservations for p in r.points.all()]
    raise KeyError(spec.name)


def write_text(cell, text: str) -> None:
    """Put text in a cell as text, never as a formula, whatever it begins with."""
    if len(text) > EXCEL_CELL_LIMIT:
        raise WorkbookError(
            f"Texten i {cell.parent.title}!{cell.coordinate} är längre än Excels gräns på "
            f"{EXCEL_CELL_LIMIT} tecken."
        )
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def _label(column: layout.Column, value) -> str:
    return dict(column.choices).get(value, value or "")


def _write_value(cell, column: layout.Column, value) -> None:
    kind = column.kind
    if value is None or value == "":
        if kind == layout.CODE:
            cell.number_format = layout.TEXT_FORMAT
        return
    if kind in (layout.TEXT, layout.LONGTEXT):
        write_text(cell, str(value))
        if kind == layout.LONGTEXT:
            cell.alignment = WRAP
    elif kind == layout.CODE:
        write_text(cell, str(value))
        cell.number_format = layout.TEXT_FORMAT
    elif kind in (layout.INTEGER, layout.DECIMALS):
        cell.value = int(value)
    elif kind == layout.AMOUNT:
        cell.value = Decimal(value)
        cell.number_format = layout.AMOUNT_FORMAT
    elif kind == layout.TARGET:
        number, decimals = value
        if number is None:
            return
        cell.value = Decimal(number)
        # shown with its decimals; read back from its decimals column, never from this format
        cell.number_format = "#,##0" + ("." + "0" * decimals if decimals else "")
    elif kind == layout.DATE:
        cell.value = value
        cell.number_format = layout.DATE_FORMAT
    elif kind == layout.CHOICE:
        write_text(cell, _label(column, value))
    elif kind == layout.BOOLEAN:
        cell.value = layout.YES if value else layout.NO
    else:  # pragma: no cover - COMPUTED cells are written by _write_formulas
        raise KeyError(kind)


def _list_source(worksheet, options: list[str]) -> str:
    """A drop-down's list: the options inline, or, when one holds a comma (an inline list splits
    "Driftbudget, netto" in two), a range of the hidden sheet of lists."""
    if not any("," in option for option in options):
        return '"' + ",".join(options) + '"'
    workbook = worksheet.parent
    if layout.LISTS_SHEET in workbook.sheetnames:
        lists = workbook[layout.LISTS_SHEET]
        column = lists.max_column + 1
    else:
        lists = workbook.create_sheet(layout.LISTS_SHEET)
        lists.sheet_state = "hidden"
        column = 1
    for row, option in enumerate(options, start=1):
        write_text(lists.cell(row=row, column=column), option)
    letter = get_column_letter(column)
    return f"'{layout.LISTS_SHEET}'!${letter}$1:${letter}${len(options)}"


def _add_validations(worksheet, spec: layout.Sheet, letters: dict[str, str], last_row: int):
    for column in spec.columns:
        if column.kind == layout.CHOICE:
            options = [label for _, label in column.choices]
        elif column.kind == layout.BOOLEAN:
            options = [layout.YES, layout.NO]
        else:
            continue
        validation = DataValidation(
            type="list", formula1=_list_source(worksheet, options), allow_blank=not column.required,
            showErrorMessage=True, errorTitle="Ogiltigt val",
            error=f"Välj ett av värdena i listan för {column.header}.",
        )
        letter = letters[column.key]
        validation.add(f"{letter}2:{letter}{max(last_row, VALIDATED_ROWS)}")
        worksheet.add_data_validation(validation)


def _write_formulas(worksheet, spec: layout.Sheet, letters: dict[str, str], count: int) -> None:
    """Netto per row, and the totals row under the rows: shown to people, never read back."""
    first, last = 2, count + 1
    if spec is layout.OPERATING_BUDGET:
        costs, revenues, net = letters["costs"], letters["revenues"], letters["net"]
        for row in range(first, last + 1):
            cell = worksheet[f"{net}{row}"]
            cell.value = f"={costs}{row}+{revenues}{row}"
            cell.number_format = layout.AMOUNT_FORMAT
    if not spec.total_label or not count:
        return
    total_row = last + 1
    label = worksheet[f"{letters[spec.total_label_column.key]}{total_row}"]
    write_text(label, spec.total_label)
    label.font = HEADER_FONT
    for column in spec.columns:
        if column.kind in (layout.AMOUNT, layout.COMPUTED):
            letter = letters[column.key]
            cell = worksheet[f"{letter}{total_row}"]
            cell.value = f"=SUM({letter}{first}:{letter}{last})"
            cell.number_format = layout.AMOUNT_FORMAT
            cell.font = HEADER_FONT


def _fit_widths(worksheet, spec: layout.Sheet, rows: list[dict]) -> None:
    for index, column in enumerate(spec.columns, start=1):
        longest = len(column.header) + 3
        if column.kind != layout.LONGTEXT:
            for row in rows:
                value = row.get(column.key)
                if column.kind in (layout.CHOICE,):
                    value = _label(column, value)
                elif column.kind == layout.AMOUNT and value is not None:
                    value = f"{value:,.1f}"
                elif column.kind == layout.TARGET:
                    value = value[0] if value else None
                if value is not None:
                    longest = max(longest, len(str(value).split("\n", 1)[0]) + 2)
            width = min(longest, 60)
        else:
            width = max(longest, column.width)
        worksheet.column_dimensions[get_column_letter(index)].width = width


def _write_sheet(workbook: Workbook, spec: layout.Sheet, data: CaseData) -> None:
    worksheet = workbook.create_sheet(spec.name)
    letters = {c.key: get_column_letter(i) for i, c in enumerate(spec.columns, start=1)}
    for index, column in enumerate(spec.columns, start=1):
        cell = worksheet.cell(row=1, column=index)
        write_text(cell, column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = TOP
    rows = _rows(spec, data)
    for row_number, row in enumerate(rows, start=2):
        for index, column in enumerate(spec.columns, start=1):
            if column.kind == layout.COMPUTED:
                continue
            _write_value(worksheet.cell(row=row_number, column=index), column, row.get(column.key))
    _write_formulas(worksheet, spec, letters, len(rows))
    _add_validations(worksheet, spec, letters, len(rows) + 1)
    _fit_widths(worksheet, spec, rows)
    worksheet.freeze_panes = "A2"


def _write_readme(workbook: Workbook) -> None:
    worksheet = workbook.create_sheet(layout.README_SHEET)
    table_head = ("Blad", "Innehåll")
    lines = [
        ("Arbetsbok från Budgetplan", ""),
        ("Ändra i bladen och läs in arbetsboken igen: ärendet hittas med sitt Dnr. Det som inte "
         "står i arbetsboken tas bort ur ärendet; KF:s gemensamma mål, indikatorer och aktiviteter "
         "tas aldrig bort, eftersom de är KF:s beslut.", ""),
        ("Skriv värden, inte formler: formler läses inte in. Netto och summarader räknas fram.", ""),
        ("Belopp anges i mnkr med en decimal. Datum skrivs ÅÅÅÅ-MM-DD.", ""),
        ("Tal skrivs med decimalkomma och mellanslag mellan tusentalen (1 348,5). Ett tal med punkt "
         "som står som text (1.000) läses inte in: punkten kan betyda både tusental och decimaler.", ""),
        ("KF:s målnummer skrivs som text (1.10); ett tal kan inte skilja 1.10 från 1.1.", ""),
        ("Hur många decimaler ett årsmål visas med står i dess kolumn ”decimaler” (0,1 mnkr: 1); "
         "cellens talformat läses aldrig. Är decimalcellen tom, eller saknas kolumnen i en äldre "
         "arbetsbok, behåller ett årsmål sina decimaler och får fler bara om talet skrivs med fler.", ""),
        ("", ""),
        table_head,
    ] + [(spec.name, spec.description) for spec in layout.SHEETS]
    for row_number, (first, second) in enumerate(lines, start=1):
        if first:
            write_text(worksheet.cell(row=row_number, column=1), first)
        if second:
            write_text(worksheet.cell(row=row_number, column=2), second)
    worksheet["A1"].font = Font(bold=True, size=13)
    head = lines.index(table_head) + 1
    worksheet[f"A{head}"].font = worksheet[f"B{head}"].font = HEADER_FONT
    worksheet.column_dimensions["A"].width = 28
    worksheet.column_dimensions["B"].width = 100


def build_workbook(case: Case) -> Workbook:
    data = load_case(case.pk)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in layout.SHEETS:
        _write_sheet(workbook, spec, data)
    _write_readme(workbook)
    write_stamp(workbook, data.case)
    if layout.LISTS_SHEET in workbook.sheetnames:  # made while the sheets were written: last
        index = workbook.sheetnames.index(layout.LISTS_SHEET)
        workbook.move_sheet(layout.LISTS_SHEET, offset=len(workbook.sheetnames) - 1 - index)
    workbook.active = 0
    return workbook


def export_case_workbook(case: Case) -> bytes:
    buffer = io.BytesIO()
    build_workbook(case).save(buffer)
    return buffer.getvalue()


def workbook_filename(case: Case) -> str:
    """"arende-pm-2012-3-ri.xlsx": the rotel is free text, so it is slugified for the header."""
    return f"arende-pm-{case.memo_year}-{case.memo_serial}-{slugify(case.memo_rotel)}.xlsx".lower()

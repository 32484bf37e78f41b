"""Reads an uploaded workbook into typed rows, collecting every problem instead of stopping at one.

Decisions:
- The file may be at most MAX_UPLOAD_BYTES (10 MB) and unpack to at most MAX_UNPACKED_BYTES;
  larger files are refused before openpyxl sees them (a zip bomb must not fill the memory).
- A workbook may hold at most MAX_ROWS rows with a value, all sheets together: far more than a
  city's largest plan, few enough that any accepted workbook is checked and imported within
  seconds (bench/largest_workbook.py). The rows are counted in the sheets' XML before openpyxl
  reads anything, and only until the limit is passed, so a file of a million short rows is
  refused at once instead of holding a worker while it is parsed.
- Workbooks are opened in openpyxl's read-only mode with data_only=False so that a formula is
  seen as a formula. A formula in a cell that is read is refused with a clear message: the
  cached value may be missing (files written by scripts have none) or stale, and a plan's figure
  must be what a person typed. The formulas the export itself writes (the Netto column and the
  totals rows) are recognised and skipped, since those figures are always computed from rows.
- The sheet's claimed dimension is ignored (LibreOffice may claim 1 048 576 rows): only rows
  actually stored are parsed, blank ones are skipped, reading ends with the last stored row.
- Columns are found by their header in row 1, so their order may change; unknown columns and
  sheets (notes, a pivot table) are ignored.
"""
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.utils import get_column_letter

from budgetplan.formatting import format_decimal

from . import layout
from .issues import Issue
from .stamp import SHEET as STAMP_SHEET, Stamp, read_stamp

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 10_000

ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
SWEDISH_NUMBER = re.compile(r"^[-−]?\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:,\d+)?$|^[-−]?\d+(?:[.,]\d+)?$")
GOAL_CODE = re.compile(r"^\d{1,3}\.\d{1,3}$")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class CellError(ValueError):
    pass


@dataclass
class ParsedRow:
    number: int
    values: dict = field(default_factory=dict)
    letters: dict = field(default_factory=dict)
    valid: bool = True


@dataclass
class ParsedSheet:
    spec: layout.Sheet
    rows: list[ParsedRow] = field(default_factory=list)
    present: bool = False


@dataclass
class ParsedBook:
    sheets: dict[str, ParsedSheet] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    readable: bool = False  # False when the file itself could not be opened
    stamp: Stamp | None = None  # what the workbook was exported from (budgetplan.workbook.stamp)

    def rows(self, spec: layout.Sheet) -> list[ParsedRow]:
        return self.sheets[spec.name].rows


def _size_text(size: int) -> str:
    return f"{format_decimal(Decimal(size) / (1024 * 1024), 1)} MB"


def _read_bytes(source) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        return source.read(MAX_UPLOAD_BYTES + 1)
    with open(source, "rb") as handle:
        return handle.read(MAX_UPLOAD_BYTES + 1)


def _open(data: bytes):
    """The openpyxl workbook, or a message saying why the file is not one."""
    limit = _size_text(MAX_UPLOAD_BYTES)
    if len(data) > MAX_UPLOAD_BYTES:
        return None, f"Filen är större än {limit}; dela upp den eller ta bort bilder och extra blad."
    if not data:
        return None, "Filen är tom."
    if data.startswith(OLE_MAGIC):
        return None, "Filen är i det gamla Excel-formatet .xls; spara den som .xlsx och försök igen."
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return None, "Filen är ingen Excel-arbetsbok (.xlsx)."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return None, "Filen är skadad och kan inte läsas som en Excel-arbetsbok."
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            return None, "Filen är ett OpenDocument-kalkylblad (.ods); spara den som .xlsx."
        return None, "Filen är ingen Excel-arbetsbok (.xlsx)."
    if unpacked > MAX_UNPACKED_BYTES:
        return None, f"Arbetsboken packas upp till mer än {_size_text(MAX_UNPACKED_BYTES)}; den kan inte läsas in."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            crowded = _sheet_past_row_limit(archive)
    except Exception:  # a package openpyxl could not read either
        return None, "Filen är skadad och kan inte läsas som en Excel-arbetsbok."
    if crowded is not None:
        return None, (
            f"Arbetsboken har fler än {format_decimal(Decimal(MAX_ROWS), 0)} ifyllda rader "
            f"(gränsen passerades i bladet {crowded}); ett ärende har långt färre. Ta bort rader "
            "som inte hör till ärendet, eller dela upp arbetsboken, och försök igen."
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False), ""
    except Exception:  # openpyxl raises many kinds for a damaged package
        return None, "Filen är skadad och kan inte läsas som en Excel-arbetsbok."


def _sheet_past_row_limit(archive: zipfile.ZipFile) -> str | None:
    """The sheet in which the workbook's rows holding a value pass MAX_ROWS; None if they do not.

    Reads each sheet's XML as a stream and stops as soon as the limit is passed. A row counts
    when a cell in it has a value, an inline text or a formula; rows that are only formatted do
    not. openpyxl's own workbook parser finds the sheets (without their shared strings).
    """
    parser = WorkbookParser(archive, "xl/workbook.xml")
    parser.parse()
    counted = 0
    for sheet, relation in parser.find_sheets():
        if not relation.Type.endswith("/worksheet"):
            continue  # a chart sheet has no rows
        with archive.open(relation.target.lstrip("/")) as part:
            holds_value = False
            for _, element in ElementTree.iterparse(part):
                name = element.tag.rpartition("}")[2]
                if name in ("v", "is", "f"):
                    holds_value = True
                elif name == "row":
                    counted += holds_value
                    holds_value = False
                    element.clear()
                    if counted > MAX_ROWS:
                        return sheet.name
    return None


def _normalise_header(value) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else f"{text[:37]}…"


def _decimal_from_text(text: str) -> tuple[Decimal, int]:
    cleaned = text.strip().replace("−", "-")
    if not SWEDISH_NUMBER.match(cleaned):
        raise CellError("")
    cleaned = re.sub(r"[ \u00a0\u202f]", "", cleaned).replace(",", ".")
    number = Decimal(cleaned)
    return number, max(-number.as_tuple().exponent, 0)


def _decimal_from_number(value) -> tuple[Decimal, int]:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    # 1348.0 read back as a float has no meaningful decimals of its own
    normalised = number.normalize()
    return number, max(-normalised.as_tuple().exponent, 0)


def _format_decimals(number_format: str) -> int:
    if "." not in number_format:
        return 0
    fraction = number_format.split(".", 1)[1]
    return len(re.match(r"[0#]*", fraction).group(0))


def parse_text(value, cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def parse_integer(value, cell) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError("Skriv ett heltal, t.ex. 3.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        return int(value)
    raise CellError(f"Skriv ett heltal, t.ex. 3 (”{_shown(value)}” är inget heltal).")


def parse_amount(value, cell) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool) or isinstance(value, (datetime.date, datetime.time)):
            raise CellError("")
        if isinstance(value, str):
            number, _ = _decimal_from_text(value)
        else:
            number, _ = _decimal_from_number(value)
    except (CellError, InvalidOperation):
        raise CellError(
            f"Beloppet måste vara ett tal i mnkr, t.ex. 1 348,0 eller -22,0 "
            f"(”{_shown(value)}” är inget belopp)."
        ) from None
    if number != number.quantize(Decimal("0.1")):
        raise CellError(f"Beloppet {format_decimal(number, 2)} har fler än en decimal; mnkr anges med en decimal.")
    return number.quantize(Decimal("0.1"))


def parse_target(value, cell) -> tuple[Decimal, int] | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool) or isinstance(value, (datetime.date, datetime.time)):
            raise CellError("")
        if isinstance(value, str):
            return _decimal_from_text(value)
        number, decimals = _decimal_from_number(value)
    except (CellError, InvalidOperation):
        raise CellError(
            f"Målvärdet måste vara ett tal utan enhet, t.ex. 35 eller 0,1; enheten väljs i "
            f"kolumnen för enhet (”{_shown(value)}” är inget tal)."
        ) from None
    decimals = max(decimals, _format_decimals(getattr(cell, "number_format", "General") or ""))
    return number, decimals


def parse_date(value, cell) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        match = ISO_DATE.match(value.strip())
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                raise CellError(f"Datumet {value.strip()} finns inte.") from None
    raise CellError(f"Skriv ett datum som ÅÅÅÅ-MM-DD, t.ex. 2012-01-11 (”{_shown(value)}” är inget datum).")


def parse_choice(value, cell, column: layout.Column) -> str:
    text = parse_text(value, cell)
    if not text:
        return ""
    wanted = text.casefold()
    for stored, label in column.choices:
        if wanted in (label.casefold(), stored.casefold()):
            return stored
    labels = ", ".join(label for _, label in column.choices)
    raise CellError(f"”{_shown(text)}” är inget giltigt val; välj bland: {labels}.")


def parse_boolean(value, cell) -> bool | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in ("ja", "j", "yes", "x", "1"):
        return True
    if text in ("nej", "n", "no", "0"):
        return False
    raise CellError(f"Skriv Ja eller Nej (”{_shown(value)}” är inget av dem).")


def parse_code(value, cell) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    text = repr(value) if isinstance(value, float) else str(value).strip()
    if not GOAL_CODE.match(text):
        raise CellError(f"Skriv målets nummer som 1.1 (”{_shown(value)}” är inget målnummer).")
    return text


PARSERS = {
    layout.TEXT: parse_text,
    layout.LONGTEXT: parse_text,
    layout.INTEGER: parse_integer,
    layout.AMOUNT: parse_amount,
    layout.TARGET: parse_target,
    layout.DATE: parse_date,
    layout.BOOLEAN: parse_boolean,
    layout.CODE: parse_code,
}


def _is_formula(cell) -> bool:
    return getattr(cell, "data_type", None) == "f"


def _formula_text(cell) -> str:
    value = cell.value
    return value if isinstance(value, str) else getattr(value, "text", "") or "="


def _is_totals_row(spec: layout.Sheet, cells_by_key: dict) -> bool:
    """The row the export writes under the amounts: a label and =SUM(...) formulas, no key."""
    if not spec.total_label:
        return False
    sums = 0
    for column in spec.columns:
        cell = cells_by_key.get(column.key)
        if cell is None or cell.value is None:
            continue
        if column.kind in (layout.AMOUNT, layout.COMPUTED) and _is_formula(cell):
            sums += 1
        elif column.kind in (layout.TEXT, layout.LONGTEXT):
            continue
        else:
            return False
    return sums > 0


def _read_sheet(worksheet, parsed: ParsedSheet, issues: list[Issue]) -> None:
    spec = parsed.spec
    worksheet.reset_dimensions()  # never trust a claimed 1 048 576 rows
    rows = worksheet.iter_rows()
    header_cells = next(rows, ())
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        name = _normalise_header(getattr(cell, "value", None))
        if name and name not in positions:
            positions[name] = index
    known = {_normalise_header(column.header) for column in spec.columns}
    unknown = [
        str(cell.value).strip() for cell in header_cells
        if getattr(cell, "value", None) is not None and _normalise_header(cell.value) not in known
    ]
    columns: dict[str, int] = {}
    missing = False
    for column in spec.input_columns:
        index = positions.get(_normalise_header(column.header))
        if index is None:
            missing = True
            hint = f" Bladet har den okända kolumnen ”{unknown[0]}”; har den bytt namn?" if unknown else ""
            issues.append(Issue(
                f"Kolumnen ”{column.header}” saknas i rubrikraden.{hint}",
                sheet=spec.name, row=1, column=column.header,
            ))
        else:
            columns[column.key] = index
    if missing:
        return
    for computed in spec.columns:
        if computed.kind == layout.COMPUTED and _normalise_header(computed.header) in positions:
            columns[computed.key] = positions[_normalise_header(computed.header)]

    seen_keys: dict[tuple, int] = {}
    for cells in rows:
        if not cells:
            continue
        cells_by_key = {key: cells[index] for key, index in columns.items() if index < len(cells)}
        if all(cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())
               for cell in cells_by_key.values()):
            continue
        row_number = next(cell.row for cell in cells if getattr(cell, "row", None))
        if _is_totals_row(spec, cells_by_key):
            continue
        row = ParsedRow(number=row_number)
        for column in spec.input_columns:
            letter = get_column_letter(columns[column.key] + 1)
            row.letters[column.key] = letter
            cell = cells_by_key.get(column.key)
            value = None if cell is None else cell.value

            def report(message, column=column, letter=letter):
                row.valid = False
                issues.append(Issue(message, sheet=spec.name, row=row_number,
                                    column=column.header, letter=letter))

            if cell is not None and _is_formula(cell):
                report(f"Cellen innehåller formeln {_shown(_formula_text(cell))}; formler läses inte "
                       "in. Skriv värdet i stället (kopiera och klistra in som värde).")
                continue
            if cell is not None and getattr(cell, "data_type", None) == "e":
                report(f"Cellen innehåller felvärdet {value}; skriv ett värde i stället.")
                continue
            try:
                if column.kind == layout.CHOICE:
                    parsed_value = parse_choice(value, cell, column)
                else:
                    parsed_value = PARSERS[column.kind](value, cell)
            except CellError as error:
                report(str(error))
                continue
            if column.kind == layout.TARGET:
                number, decimals = parsed_value if parsed_value else (None, 0)
                row.values[column.key] = number
                row.values[column.key.replace("_value", "_decimals")] = decimals
                continue
            if column.required and parsed_value in (None, ""):
                report("Värde saknas; kolumnen måste fyllas i.")
                continue
            row.values[column.key] = parsed_value
        # every cell of the row is read before its errors count, so all of them are listed
        if spec.single and parsed.rows:
            row.valid = False
            issues.append(Issue(
                f"Bladet {spec.name} har bara en rad med uppgifter; ta bort rad {row_number} "
                f"eller slå ihop den med rad {parsed.rows[0].number}.",
                sheet=spec.name, row=row_number,
            ))
        if spec.keys and row.valid:
            key = tuple(row.values.get(k) for k in spec.keys)
            if key in seen_keys:
                row.valid = False
                headers = " + ".join(spec.column(k).header for k in spec.keys)
                issues.append(Issue(
                    f"Dubblettrad: samma {headers} som rad {seen_keys[key]}.",
                    sheet=spec.name, row=row_number, column=spec.column(spec.keys[-1]).header,
                    letter=row.letters.get(spec.keys[-1], ""),
                ))
            else:
                seen_keys[key] = row_number
        parsed.rows.append(row)


def read_workbook(source) -> ParsedBook:
    """Parse every sheet the layout knows; file-level problems end the reading early."""
    book = ParsedBook(sheets={spec.name: ParsedSheet(spec) for spec in layout.SHEETS})
    workbook, problem = _open(_read_bytes(source))
    if workbook is None:
        book.issues.append(Issue(problem))
        return book
    try:
        present = {name.strip().casefold(): name for name in workbook.sheetnames}
        expected = [spec.name for spec in layout.SHEETS]
        if not any(name.casefold() in present for name in expected):
            book.issues.append(Issue(
                "Arbetsboken är tom: den har inga av bladen som Budgetplan skriver ("
                + ", ".join(expected[:4]) + " …). Utgå från en arbetsbok som exporterats från ärendet."
            ))
            return book
        book.readable = True
        book.stamp = read_stamp(workbook)
        # Sheets the layout does not know, as hints for a renamed one; the export's own
        # instructions, lists and stamp are never such a sheet.
        own = {e.casefold() for e in (*expected, layout.README_SHEET, layout.LISTS_SHEET, STAMP_SHEET)}
        unknown = [name for name in workbook.sheetnames if name.strip().casefold() not in own]
        for spec in layout.SHEETS:
            name = present.get(spec.name.casefold())
            if name is None:
                hint = f" Arbetsboken har bladet ”{unknown[0]}”; har det bytt namn?" if unknown else ""
                book.issues.append(Issue(f"Bladet ”{spec.name}” saknas i arbetsboken.{hint}",
                                         sheet=spec.name))
                continue
            parsed = book.sheets[spec.name]
            parsed.present = True
            _read_sheet(workbook[name], parsed, book.issues)
    finally:
        workbook.close()
    return book

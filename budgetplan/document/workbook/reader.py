"""Reads an uploaded workbook into typed rows, collecting every problem instead of stopping at one.

Decisions:
- The file may be at most MAX_UPLOAD_BYTES (10 MB) and unpack to at most MAX_UNPACKED_BYTES;
  larger files are refused before openpyxl sees them (a zip bomb must not fill the memory).
- A workbook may hold at most MAX_ROWS rows with a value, all sheets together: far more than a
  city's largest plan, few enough that any accepted workbook is checked and imported within
  seconds (bench/largest_workbook.py). The rows are counted in the sheets' XML before openpyxl
  reads anything, and only until the limit is passed, so a file of a million short rows is
  refused at once instead of holding a worker while it is parsed. The texts of the table of
  shared strings, which openpyxl reads whole before any row, are counted too (MAX_STRINGS).
- Workbooks are opened in openpyxl's read-only mode with data_only=False so that a formula is
  seen as a formula. A formula in a cell that is read is refused with a clear message: the
  cached value may be missing (files written by scripts have none) or stale, and a plan's figure
  must be what a person typed. The formulas the export itself writes (the Netto column and the
  totals rows) are skipped, since those figures are always computed from rows. A totals row is
  known by what the export wrote there: the sheet's total label and no order; a new row with a
  formula of its own is a row, and its formula is refused.
- Numbers are read as people meant them, never from a cell's formatting: a number cell is the
  double Excel shows (15 significant digits, so 330.20000000000005 is 330,2); text with a dot
  ("1.000") is refused, since a Swede may mean a thousand or one; a goal number stored as a
  number (1.10 becomes 1.1) is refused; a target's decimals come from their own column.
- Whitespace inside the values that name records (a person, a department, a board) is one
  space: a no-break space pasted from a PDF must not make a second person.
- A sheet that cannot be read whole (a column missing, a damaged part) is reported once and
  marked incomplete, so that rows elsewhere pointing into it are not reported again.
- The sheet's claimed dimension is ignored (LibreOffice may claim 1 048 576 rows): only rows
  actually stored are parsed, blank ones are skipped, reading ends with the last stored row.
- Columns are found by their header in row 1, so their order may change; unknown columns and
  sheets (notes, a pivot table) are ignored.
"""
import datetime
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.utils import get_column_letter
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS

from budgetplan.kernel.formatting import format_decimal

from . import layout
from .issues import Issue
from .stamp import SHEET as STAMP_SHEET
from .stamp import Stamp, read_stamp

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 10_000
# Texts in the workbook's table of shared strings: a plan's rows hold a handful of texts each.
MAX_STRINGS = 20 * MAX_ROWS

ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
SWEDISH_NUMBER = re.compile(r"^-?\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:,\d+)?$|^-?\d+(?:,\d+)?$")
DOTTED_NUMBER = re.compile(r"^-?\d+(?:\.\d+)+$")
DOTTED_THOUSANDS = re.compile(r"^-?\d{1,3}(?:\.\d{3})+$")
GOAL_CODE = re.compile(r"^\d{1,3}\.\d{1,3}$")
# =SUM(C2:C15) over the cell's own column, as the export writes it and Excel or LibreOffice keep
# it when rows are added (the range grows) or sorted.
SUM_OF_COLUMN = re.compile(r"^=\s*SUM\(\s*\$?([A-Z]{1,3})\$?\d+\s*:\s*\$?([A-Z]{1,3})\$?\d+\s*\)\s*$", re.I)
# Excel keeps a number as a double and shows (and compares) 15 significant digits of it.
EXCEL_DIGITS = 15
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_END_OF_CHAIN = 0xFFFFFFFA  # sector ids from here up end a chain or mark a free sector
# An encrypted (password-protected) .xlsx is an OLE compound file holding these streams; an old
# .xls is one holding a "Workbook" stream.
ENCRYPTED_STREAM = "EncryptionInfo"
PASSWORD_PROTECTED = ("Arbetsboken är skyddad med lösenord och kan inte läsas. Öppna den, ta bort "
                      "lösenordet och spara den igen som .xlsx.")
RESAVE = "Öppna arbetsboken i Excel eller LibreOffice, spara den igen och läs in den på nytt."
DAMAGED_FILE = "Filen är skadad och kan inte läsas som en Excel-arbetsbok."


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
    # Every row was read: the sheet is there, with its columns, undamaged. Rows elsewhere that
    # point into an incomplete sheet are not reported again: its one issue says why.
    complete: bool = False


@dataclass
class ParsedBook:
    sheets: dict[str, ParsedSheet] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    readable: bool = False  # False when the file itself could not be opened
    stamp: Stamp | None = None  # what the workbook was exported from (budgetplan.document.workbook.stamp)

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
        if ENCRYPTED_STREAM in _ole_entry_names(data):
            return None, PASSWORD_PROTECTED
        return None, "Filen är i det gamla Excel-formatet .xls; spara den som .xlsx och försök igen."
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return None, "Filen är ingen Excel-arbetsbok (.xlsx)."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return None, DAMAGED_FILE
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            return None, "Filen är ett OpenDocument-kalkylblad (.ods); spara den som .xlsx."
        return None, "Filen är ingen Excel-arbetsbok (.xlsx)."
    if unpacked > MAX_UNPACKED_BYTES:
        return None, f"Arbetsboken packas upp till mer än {_size_text(MAX_UNPACKED_BYTES)}; den kan inte läsas in."
    damage = _damaged_part(data)
    if damage:
        return None, damage
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            crowded = _sheet_past_row_limit(archive)
            wordy = crowded is None and _strings_past_limit(archive)
    except Exception:  # a package openpyxl could not read either
        return None, "Filen är skadad och kan inte läsas som en Excel-arbetsbok."
    if wordy:
        return None, (
            f"Arbetsboken har fler än {format_decimal(Decimal(MAX_STRINGS), 0)} texter; ett ärende "
            "har långt färre. Spara den på nytt från ärendets arbetsbok och försök igen."
        )
    if crowded is not None:
        return None, (
            f"Arbetsboken har fler än {format_decimal(Decimal(MAX_ROWS), 0)} ifyllda rader "
            f"(gränsen passerades i bladet {crowded}); ett ärende har långt färre. Ta bort rader "
            "som inte hör till ärendet, eller dela upp arbetsboken, och försök igen."
        )
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False), ""
    except Exception:  # openpyxl raises many kinds for a damaged package
        return None, DAMAGED_FILE


def _ole_entry_names(data: bytes) -> set[str]:
    """The names in an OLE compound file's directory, or none when it cannot be read.

    Just enough of the format ([MS-CFB]) to tell an encrypted .xlsx from an old .xls: the header's
    sector size, the sectors of the allocation table (FAT) and the chain of directory sectors, each
    holding 128-byte entries that start with a UTF-16 name.
    """
    try:
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            return set()
        size, per_sector = 1 << shift, (1 << shift) // 4
        fat_count, directory = struct.unpack_from("<II", data, 0x2C)
        extra, extra_count = struct.unpack_from("<II", data, 0x44)
        fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
        for _ in range(min(extra_count, len(data) // size)):
            if extra >= OLE_END_OF_CHAIN:
                break
            entries = struct.unpack_from(f"<{per_sector}I", data, (extra + 1) * size)
            fat_sectors.extend(entries[:-1])
            extra = entries[-1]
        fat = []
        for sector in fat_sectors[:fat_count]:
            fat.extend(struct.unpack_from(f"<{per_sector}I", data, (sector + 1) * size))
        names, seen = set(), set()
        while directory < OLE_END_OF_CHAIN and directory not in seen:
            seen.add(directory)
            start = (directory + 1) * size
            for entry in range(start, start + size, 128):
                length, kind = struct.unpack_from("<HB", data, entry + 64)
                if 2 <= length <= 64 and kind in (1, 2):  # a storage or a stream
                    names.add(data[entry:entry + length - 2].decode("utf-16-le", "replace"))
            directory = fat[directory]
        return names
    except (struct.error, IndexError):
        return set()


def _damaged_part(data: bytes) -> str:
    """Why a part of the package does not unpack, or "" when every part does.

    openpyxl's read-only mode reads a sheet only while its rows are iterated, long after the file
    was opened, so a part whose checksum or size is wrong is looked for here, before it is used.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = archive.testzip()
            if part is None:
                return ""
            sheet = _sheet_names_by_part(archive).get(part)
    except Exception:  # a part that cannot even be decompressed (zlib, EOF, unknown method …)
        return DAMAGED_FILE
    if sheet:
        return f"Bladet {sheet} är skadat i filen och kan inte läsas (fel kontrollsumma eller storlek). {RESAVE}"
    return f"Filen är skadad: delen {part} har fel kontrollsumma eller storlek. {RESAVE}"


def _sheet_names_by_part(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part path (xl/worksheets/sheet14.xml) -> the sheet's name, as workbook.xml and its
    relationships say; empty when they cannot be read."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relation_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        targets = {
            rel.get("Id"): rel.get("Target", "")
            for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        }
        sheets = ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{main}sheet")
        names = {}
        for sheet in sheets:
            target = targets.get(sheet.get(relation_id), "")
            names[target.lstrip("/") if target.startswith("/") else f"xl/{target}"] = sheet.get("name")
        return names
    except (KeyError, ElementTree.ParseError):
        return {}


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
            try:
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
            except ElementTree.ParseError:
                # A sheet with broken XML is named as damaged when it is read, sheet by sheet
                # (or read as no stamp, for the hidden Metadata); its rows so far still count.
                continue
    return None


def _strings_past_limit(archive: zipfile.ZipFile) -> bool:
    """Whether the table of shared strings holds more than MAX_STRINGS texts.

    openpyxl reads that table whole when it opens a workbook, before any row is read, and a few
    hundred kB of packed "<si><t>a</t></si>" unpack to millions of them: minutes and gigabytes.
    Counted as a stream, stopping once the limit is passed.
    """
    manifest = Manifest.from_tree(ElementTree.fromstring(archive.read(ARC_CONTENT_TYPES)))
    part = manifest.find(SHARED_STRINGS)
    if part is None:
        return False
    counted = 0
    with archive.open(part.PartName.lstrip("/")) as strings:
        for _, element in ElementTree.iterparse(strings):
            if element.tag.rpartition("}")[2] == "si":
                counted += 1
                element.clear()
                if counted > MAX_STRINGS:
                    return True
    return False


def _normalise_header(value) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else f"{text[:37]}…"


def written_decimals(number: Decimal) -> int:
    """The decimals a number was written with: 0,10 has two, a number cell's 0.1 one."""
    return max(-number.as_tuple().exponent, 0)


def _decimal_from_text(text: str) -> Decimal:
    """Text a person typed, the Swedish way: 1 348,5; the decimals as written."""
    cleaned = text.strip().replace("−", "-")
    if DOTTED_NUMBER.match(cleaned):
        raise CellError(_dot_message(cleaned))  # before SWEDISH_NUMBER: "1.000" must not be 1,0
    if not SWEDISH_NUMBER.match(cleaned):
        raise CellError("")
    return Decimal(re.sub(r"[ \u00a0\u202f]", "", cleaned).replace(",", "."))


def _dot_message(text: str) -> str:
    """A dot in a typed number is ambiguous in Sweden: a thousands separator to some, the
    decimal point of an English sheet to others. Say both readings; take neither."""
    digits = text.replace(".", "")
    thousands = format_decimal(Decimal(digits), 0) if DOTTED_THOUSANDS.match(text) else ""
    decimal = ""
    if text.count(".") == 1:
        number = Decimal(text).normalize()
        decimal = format_decimal(number, max(written_decimals(number), 1))
    if thousands and decimal:
        return (f"Talet ”{text}” har en punkt, som kan vara tusentalsavgränsare ({thousands}) eller "
                f"decimaltecken ({decimal}); skriv {thousands} eller {decimal}.")
    if decimal:
        return f"Talet ”{text}” har punkt som decimaltecken; skriv det med decimalkomma: {decimal}."
    if thousands:
        return f"Talet ”{text}” har punkter mellan tusentalen; skriv {thousands}."
    return ""  # 1.2.3 is no number at all: the column's own message says what is wanted


def _decimal_from_number(value) -> Decimal:
    """A number cell as Excel shows it: 15 significant digits of the double it stores, so that a
    value pasted from a sum (330.20000000000005) is the 330,2 the person sees."""
    number = Decimal(format(value, f".{EXCEL_DIGITS}g")) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise CellError("")
    return number


def _normalise_key(text: str) -> str:
    """A value that names a record, with its whitespace as one plain space: a double space or a
    no-break space pasted from a PDF names the same person."""
    return " ".join(text.translate(ZERO_WIDTH).split())


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
    if isinstance(value, float):
        number = _decimal_from_number(value)
        if number == number.to_integral_value():
            return int(number)
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
            number = _decimal_from_text(value)
        else:
            number = _decimal_from_number(value)
    except (CellError, InvalidOperation) as error:
        raise CellError(str(error) or (
            f"Beloppet måste vara ett tal i mnkr, t.ex. 1 348,0 eller -22,0 "
            f"(”{_shown(value)}” är inget belopp)."
        )) from None
    if number != number.quantize(Decimal("0.1")):
        raise CellError(f"Beloppet {format_decimal(number, written_decimals(number))} har fler än en "
                        "decimal; mnkr anges med en decimal.")
    return number.quantize(Decimal("0.1"))


def parse_target(value, cell) -> Decimal | None:
    """A target's number as written; how many decimals it shows is in its own column, never in
    the cell's number format (a locale switch in LibreOffice turns "# ##0" into "#.##0")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool) or isinstance(value, (datetime.date, datetime.time)):
            raise CellError("")
        if isinstance(value, str):
            return _decimal_from_text(value)
        return _decimal_from_number(value)
    except (CellError, InvalidOperation) as error:
        raise CellError(str(error) or (
            f"Målvärdet måste vara ett tal utan enhet, t.ex. 35 eller 0,1; enheten väljs i "
            f"kolumnen för enhet (”{_shown(value)}” är inget tal)."
        )) from None


def parse_decimals(value, cell) -> int | None:
    """A target's decimals, 0 to 2; None when the cell is empty."""
    try:
        decimals = parse_integer(value, cell)
    except CellError:
        decimals = -1
    if decimals is not None and not 0 <= decimals <= layout.MAX_TARGET_DECIMALS:
        *first, last = range(layout.MAX_TARGET_DECIMALS + 1)
        raise CellError(f"Skriv antalet decimaler som {', '.join(map(str, first))} eller {last} "
                        f"(”{_shown(value)}” går inte).")
    return decimals


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
    wanted = _normalise_key(text).casefold()  # a label typed with a no-break space is the label
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
    if isinstance(value, float):
        # A number has lost the zeros a person typed: 1.10 is stored as 1.1. Never guess.
        shown = format(value, f".{EXCEL_DIGITS}g")
        raise CellError(
            f"Målnumret är sparat som ett tal ({shown}), och ett tal kan inte skilja {shown} från "
            f"{shown}0. Skriv numret som text, som du menar det: formatera cellen som Text eller "
            f"börja med en apostrof, t.ex. '{shown}0."
        )
    text = _normalise_key(str(value))
    if not GOAL_CODE.match(text):
        raise CellError(f"Skriv målets nummer som 1.1 (”{_shown(value)}” är inget målnummer).")
    return text


PARSERS = {
    layout.TEXT: parse_text,
    layout.LONGTEXT: parse_text,
    layout.INTEGER: parse_integer,
    layout.AMOUNT: parse_amount,
    layout.TARGET: parse_target,
    layout.DECIMALS: parse_decimals,
    layout.DATE: parse_date,
    layout.BOOLEAN: parse_boolean,
    layout.CODE: parse_code,
}


def _is_formula(cell) -> bool:
    return getattr(cell, "data_type", None) == "f"


def _formula_text(cell) -> str:
    value = cell.value
    return value if isinstance(value, str) else getattr(value, "text", "") or "="


def _is_blank(cell) -> bool:
    return cell is None or cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())


def _is_totals_row(spec: layout.Sheet, cells_by_key: dict) -> bool:
    """The row the export writes under the amounts: the sheet's total label and nothing in the
    other columns but the sums. A row a person adds has its own text, so a formula in it is
    refused like any other instead of the row being skipped."""
    if not spec.total_label:
        return False
    label = spec.total_label_column
    if _normalise_header(getattr(cells_by_key.get(label.key), "value", None)) != _normalise_header(spec.total_label):
        return False
    return all(_is_blank(cell) for key, cell in cells_by_key.items()
               if key != label.key and spec.column(key).kind not in (layout.AMOUNT, layout.COMPUTED))


def _totals_row_issues(spec: layout.Sheet, cells_by_key: dict, columns: dict, row_number: int) -> list[Issue]:
    """A totals row's sums are never read; a cell that holds anything but the sum of its own
    column would look like a figure that counts, so it is refused."""
    issues = []
    for column in spec.columns:
        cell = cells_by_key.get(column.key)
        if column.kind != layout.AMOUNT or _is_blank(cell):
            continue
        letter = get_column_letter(columns[column.key] + 1)
        match = SUM_OF_COLUMN.match(_formula_text(cell)) if _is_formula(cell) else None
        if match and match[1].upper() == match[2].upper() == letter:
            continue
        shown = _formula_text(cell) if _is_formula(cell) else cell.value
        issues.append(Issue(
            f"Summaraden räknas alltid fram ur raderna ovanför; lämna cellen tom eller med summan "
            f"av kolumnen, inte {_shown(shown)}.",
            sheet=spec.name, row=row_number, column=column.header, letter=letter,
        ))
    return issues


def _stored_rows(worksheet, damage: list[str]):
    """The sheet's stored rows. openpyxl reads the part lazily, so a damaged one (a checksum
    that does not match, XML that does not parse) shows only now: its reason is put in
    `damage` and the rows end."""
    rows = worksheet.iter_rows()
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except (zipfile.BadZipFile, EOFError, zlib.error):
            damage.append("fel kontrollsumma eller storlek")
            return
        except Exception:  # openpyxl raises many kinds for XML it cannot parse
            damage.append("felaktig XML")
            return
        yield row


def _report_damage(parsed: ParsedSheet, issues: list[Issue], first_issue: int, damage: list[str]) -> None:
    """The damaged sheet's one issue, in place of what was read of it before the damage."""
    del issues[first_issue:]
    parsed.rows.clear()
    issues.append(Issue(f"Bladet är skadat i filen och kan inte läsas ({damage[0]}). {RESAVE}",
                        sheet=parsed.spec.name))


def _read_sheet(worksheet, parsed: ParsedSheet, issues: list[Issue]) -> None:
    spec = parsed.spec
    worksheet.reset_dimensions()  # never trust a claimed 1 048 576 rows
    first_issue, damage = len(issues), []
    rows = _stored_rows(worksheet, damage)
    header_cells = next(rows, ())
    if damage:
        _report_damage(parsed, issues, first_issue, damage)
        return
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
        if index is None and column.optional_header:
            continue  # a workbook exported before the column existed; see layout.Column
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
            issues.extend(_totals_row_issues(spec, cells_by_key, columns, row_number))
            continue
        row = ParsedRow(number=row_number)
        for column in spec.input_columns:
            if column.key not in columns:  # an optional column the workbook does not have
                continue
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
            if column.kind == layout.TEXT and (column.natural_key or column.key in spec.keys):
                parsed_value = _normalise_key(parsed_value)
            if column.required and parsed_value in (None, ""):
                report("Värde saknas; kolumnen måste fyllas i.")
                continue
            row.values[column.key] = parsed_value
        _check_target_decimals(spec, row, issues)
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
    if damage:
        _report_damage(parsed, issues, first_issue, damage)
        return
    parsed.complete = True


def _check_target_decimals(spec: layout.Sheet, row: ParsedRow, issues: list[Issue]) -> None:
    """A target's number may not have more decimals than its decimals column says: 66,5 with 0
    decimals would show as 67 (or 66,5 as 66), and which the person meant is not ours to guess."""
    for column in spec.columns:
        if column.kind != layout.DECIMALS or row.values.get(column.key) is None:
            continue
        value_key = column.key.removesuffix("_decimals") + "_value"
        number, decimals = row.values.get(value_key), row.values[column.key]
        if number is None or written_decimals(number) <= decimals:
            continue
        row.valid = False
        issues.append(Issue(
            f"Målvärdet {format_decimal(number, written_decimals(number))} har fler decimaler än de "
            f"{decimals} som står i kolumnen {column.header}; rätta talet eller antalet decimaler.",
            sheet=spec.name, row=row.number, column=spec.column(value_key).header,
            letter=row.letters.get(value_key, ""),
        ))


def read_workbook(source, sheets: tuple[layout.Sheet, ...] = layout.SHEETS) -> ParsedBook:
    """Parse every sheet of `sheets` (the case's, unless another workbook's such as the
    follow-up's); file-level problems end the reading early."""
    book = ParsedBook(sheets={spec.name: ParsedSheet(spec) for spec in sheets})
    workbook, problem = _open(_read_bytes(source))
    if workbook is None:
        book.issues.append(Issue(problem))
        return book
    try:
        present = {name.strip().casefold(): name for name in workbook.sheetnames}
        expected = [spec.name for spec in sheets]
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
        for spec in sheets:
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

"""What a workbook was exported from: the case and its revision, so a stale workbook is refused.

The export writes a hidden sheet "Metadata" with the case's id, its revision (Case.revision, which
the services count up on every write beneath the case) and the time of the export. An import of
a workbook for a case whose revision has moved on since is refused before anything is written,
with the changes made since the export: saving it would silently undo them. Optimistic locking,
as for one record in the admin, applied to the whole case.

A workbook without the sheet (made by hand, or for a new case) is read without this check.
"""
import datetime
from dataclasses import dataclass

from django.utils import timezone

from budgetplan.cases.models import Case

SHEET = "Metadata"
CASE_ID, REVISION, EXPORTED_AT = "Ärende-id", "Revision", "Exporterad"
LISTED_CHANGES = 10


@dataclass(frozen=True)
class Stamp:
    case_id: int
    revision: int
    exported_at: datetime.datetime | None


def write_stamp(workbook, case: Case) -> None:
    worksheet = workbook.create_sheet(SHEET)
    worksheet.sheet_state = "hidden"
    rows = [
        ("Vad arbetsboken togs ut från; ändra inte.", ""),
        (CASE_ID, case.pk),
        (REVISION, case.revision),
        (EXPORTED_AT, timezone.now().isoformat()),
    ]
    for number, (key, value) in enumerate(rows, start=1):
        worksheet.cell(row=number, column=1).value = key
        if value != "":
            worksheet.cell(row=number, column=2).value = value


def read_stamp(workbook) -> Stamp | None:
    """The stamp of an openpyxl workbook, or None when it has none (or one that was tampered
    with beyond reading)."""
    names = {name.strip().casefold(): name for name in workbook.sheetnames}
    if SHEET.casefold() not in names:
        return None
    values = {}
    try:
        for row in workbook[names[SHEET.casefold()]].iter_rows(min_row=1, max_col=2, values_only=True):
            if row and isinstance(row[0], str):
                values[row[0].strip()] = row[1] if len(row) > 1 else None
    except Exception:  # openpyxl parses the sheet only now; XML it cannot parse is unreadable
        return None
    try:
        case_id, revision = int(values[CASE_ID]), int(values[REVISION])
    except (KeyError, TypeError, ValueError):
        return None
    try:
        exported_at = datetime.datetime.fromisoformat(str(values.get(EXPORTED_AT)))
    except ValueError:
        exported_at = None
    return Stamp(case_id=case_id, revision=revision, exported_at=exported_at)


def stale_refusal(stamp: Stamp | None, case: Case | None) -> str | None:
    """Why a workbook with this stamp may not be read into the case as it is stored; None if
    it may. Lists what changed since the export, from the case's change log."""
    if stamp is None or case is None or case.pk != stamp.case_id or case.revision == stamp.revision:
        return None
    from budgetplan.document.changelog import case_changes, describe

    changes = case_changes(case=case, since=stamp.exported_at) if stamp.exported_at else []
    lead = (
        f"Ärendet har ändrats sedan arbetsboken togs ut (revision {stamp.revision}, nu "
        f"{case.revision}). Inget har lästs in: arbetsboken skulle skriva över ändringarna. "
        "Ta ut en ny arbetsbok och för in dina ändringar i den."
    )
    if not changes:
        return lead
    listed = describe(changes[:LISTED_CHANGES])
    more = len(changes) - len(listed)
    lines = "; ".join(
        f"{timezone.localtime(entry.when):%Y-%m-%d %H:%M} {entry.summary()}" for entry in listed
    )
    tail = f"; och {more} ändringar till" if more > 0 else ""
    return f"{lead} Ändrat sedan dess: {lines}{tail}."

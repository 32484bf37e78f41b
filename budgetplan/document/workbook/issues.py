"""An import problem, located by sheet, row and column, with a message in Swedish."""
from dataclasses import dataclass


class WorkbookError(Exception):
    """Raised when a workbook cannot be produced or read at all."""


@dataclass(frozen=True)
class Issue:
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # the column's header, e.g. "Kostnader"
    letter: str = ""  # the column's letter, e.g. "C"

    @property
    def location(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"bladet {self.sheet}")
        if self.row:
            parts.append(f"rad {self.row}")
        if self.column:
            parts.append(f"kolumn {self.letter} ({self.column})" if self.letter else f"kolumn {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        location = self.location
        return f"{location[:1].upper()}{location[1:]}: {self.message}" if location else self.message

"""How a case is named in the per-table import/export resources of every app: by its Dnr."""
from budgetplan.kernel.widgets import NaturalKeyWidget

from .models import Case


def first_registry_number(case) -> str:
    """The Dnr a case is written with: its first (registry numbers prefetched by the caller)."""
    numbers = list(case.registry_numbers.all())
    return numbers[0].number if numbers else ""


class CaseWidget(NaturalKeyWidget):
    """A case by any of its registry numbers (Dnr); written as its first."""

    def __init__(self, **kwargs):
        super().__init__(Case, "registry_numbers__number", label="Ärendet med Dnr", **kwargs)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else first_registry_number(value)

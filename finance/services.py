"""Writes of the finance app that are more than one record's save: which figures a point quotes."""
from django.db import transaction

from budgetplan.kernel.services import record_delete, record_save

from .models import Figure, QuotedFigure


@transaction.atomic
def point_figures_set(*, point, figures: list[Figure], user=None) -> list[QuotedFigure]:
    """Make `point` quote `figures`, in this order ({belopp:1} is the first), through the write
    services; nothing is written when it already quotes exactly these."""
    existing = list(QuotedFigure.objects.filter(point=point).order_by("position"))
    if [quote.figure_id for quote in existing] == [figure.pk for figure in figures]:
        return existing
    # Positions are unique per point: the old quotes go before the new take their places.
    for quote in existing:
        record_delete(instance=quote, user=user)
    return [
        record_save(instance=QuotedFigure(point=point, position=position, figure=figure), user=user)
        for position, figure in enumerate(figures, start=1)
    ]


def figure_numbers(text: str) -> list[int]:
    """"1, 3" as the admin's field for a point's figures is typed: [1, 3]. ValueError if a part
    is not a whole number."""
    parts = [part.strip() for part in (text or "").replace(";", ",").split(",")]
    return [int(part) for part in parts if part]

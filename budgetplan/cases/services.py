"""Writes of the case's own parts that are more than one record's save: moving a numbered row,
renumbering the attachments together with the references to them."""
from django.core.exceptions import ValidationError
from django.db import models, transaction

from budgetplan.kernel.services import records_renumber, records_update

from .models import Attachment, DecisionPoint
from .references import renumbered

UP, DOWN = "up", "down"


@transaction.atomic
def record_move(*, instance: models.Model, field: str, siblings: models.QuerySet,
                direction: str, user=None) -> bool:
    """Move a numbered row one place up or down among its siblings (the rows that share its
    parent, `instance` among them), swapping numbers with its neighbour. False at either end.

    Attachments take the decision points' references to them along (attachments_renumber).
    """
    if direction not in (UP, DOWN):
        raise ValidationError("Okänd riktning; välj upp eller ned.")
    rows = list(siblings.select_for_update().order_by(field, "pk"))
    index = next((i for i, row in enumerate(rows) if row.pk == instance.pk), None)
    if index is None:
        raise ValidationError("Raden finns inte längre; läs in sidan på nytt.")
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(rows):
        return False
    numbers = [getattr(row, field) for row in rows]
    rows[index], rows[other] = rows[other], rows[index]
    # Each row keeps its place's number, so only the two rows that swap are written; rows that
    # share a number (Dnr written by a script all have order 1) are numbered 1, 2, … first.
    wanted = numbers if len(set(numbers)) == len(numbers) else list(range(1, len(rows) + 1))
    if isinstance(rows[0], Attachment):
        attachments_renumber(
            case_id=rows[0].case_id,
            mapping={getattr(row, field): number for row, number in zip(rows, wanted)},
            user=user,
        )
        return True
    records_renumber(instances=rows, numbers=wanted, field=field, user=user)
    return True


@transaction.atomic
def attachments_renumber(*, case_id: int, mapping: dict[int, int], user=None) -> None:
    """Give the case's attachments new numbers (old number → new) and rewrite every decision
    point's references to them ("bilaga 3" → "bilaga 2") in the same transaction."""
    attachments = list(Attachment.objects.select_for_update().filter(
        case_id=case_id, number__in=list(mapping)).order_by("pk"))
    records_renumber(instances=attachments,
                     numbers=[mapping[row.number] for row in attachments], field="number",
                     user=user)
    points = []
    for point in DecisionPoint.objects.filter(case_id=case_id).order_by("number"):
        text = renumbered(point.text, mapping)
        if text != point.text:
            point.text = text
            points.append(point)
    records_update(instances=points, fields=["text"], user=user)



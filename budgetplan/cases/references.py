"""A decision point's references to the case's attachments: "bilaga 3" in its text.

The text keeps the words as the clerk wrote them; the page and the PDF link each reference to its
attachment (`href="#bilaga-3"`), a reference to an attachment the case does not have is refused,
and renumbering the attachments rewrites the references (budgetplan.cases.services).
"""
import re
from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from .models import Attachment, DecisionPoint

# "bilaga 3", "Bilaga 3" (not "bilagan 3" or "bilaga 3a"): the form the documents use.
REFERENCE = re.compile(r"\b([Bb]ilaga)(\s+)(\d{1,4})\b(?![,.]?\d)")


def referred_numbers(text: str) -> list[int]:
    """The attachment numbers the text refers to, in the order it names them."""
    return [int(match.group(3)) for match in REFERENCE.finditer(text or "")]


def renumbered(text: str, mapping: dict[int, int]) -> str:
    """The text with each reference to an old number (a key of `mapping`) turned into the new
    one, all at once: swapping bilaga 2 and 3 swaps their references."""

    def replace(match):
        number = int(match.group(3))
        return f"{match.group(1)}{match.group(2)}{mapping.get(number, number)}"

    return REFERENCE.sub(replace, text or "")


def linked(html: SafeString, existing: Iterable[int]) -> SafeString:
    """Escaped HTML with each reference to an attachment that exists made a link to its place.

    The references are plain words and digits, so they read the same escaped; nothing the author
    wrote becomes markup."""
    numbers = set(existing)

    def link(match):
        number = int(match.group(3))
        if number not in numbers:
            return match.group(0)
        return f'<a class="attachment-ref" href="#bilaga-{number}">{match.group(0)}</a>'

    return mark_safe(REFERENCE.sub(link, str(html)))  # noqa: S308 - html is escaped, links are ours


def missing_reference_message(point_number: int, attachment_number: int) -> str:
    return (f"Beslutspunkt {point_number} hänvisar till bilaga {attachment_number}, men ärendet "
            f"har ingen bilaga {attachment_number}. Lägg till bilagan eller rätta hänvisningen.")


def missing_references(points: Iterable, attachment_numbers: Iterable[int]) -> list[str]:
    """Messages for every reference of these points to an attachment not among the numbers."""
    numbers = set(attachment_numbers)
    return [
        missing_reference_message(point.number, number)
        for point in points for number in dict.fromkeys(referred_numbers(point.text))
        if number not in numbers
    ]


def case_missing_references(case_id: int) -> list[str]:
    """The references of a case's points to attachments it does not have, in two queries."""
    points = DecisionPoint.objects.filter(case_id=case_id).only("number", "text").order_by("number")
    numbers = Attachment.objects.filter(case_id=case_id).values_list("number", flat=True)
    return missing_references(points, numbers)

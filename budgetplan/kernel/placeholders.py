"""Filling a placeholder such as {belopp} or {datum} in author text, escaping everything else."""
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

AMOUNT_PLACEHOLDER = "{belopp}"
DATE_PLACEHOLDER = "{datum}"
# {belopp:1}, {belopp:2} …: the first, second … of several amounts a text quotes.
NUMBERED_AMOUNT = re.compile(r"\{belopp:(\d+)\}")
ANY_AMOUNT = re.compile(r"\{belopp(?::\d+)?\}")


def fill_placeholder(text: str, placeholder: str, value: str) -> SafeString:
    """Escape the author's text and the value, then put the value where the placeholder stands."""
    return fill_placeholders(text, {placeholder: value})


def fill_placeholders(text: str, values: dict[str, str]) -> SafeString:
    """Escape the author's text and the values, then put each value where its placeholder stands;
    a placeholder with no value is left as typed."""
    if not values:
        return escape(text or "")
    pattern = re.compile("|".join(re.escape(key) for key in sorted(values, key=len, reverse=True)))
    parts, last = [], 0
    for match in pattern.finditer(text or ""):
        parts.append(escape(text[last:match.start()]))
        parts.append(escape(values[match.group(0)]))
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - both text and values are escaped


def amount_placeholder(position: int, count: int) -> str:
    """How a text names the amount at `position` (1, 2 …) of the `count` it quotes."""
    return AMOUNT_PLACEHOLDER if count == 1 else f"{{belopp:{position}}}"


def amount_placeholder_problem(text: str, count: int) -> str | None:
    """Why a text that quotes `count` amounts does not name each exactly once, or None."""
    text = text or ""
    plain = text.count(AMOUNT_PLACEHOLDER)
    numbered = [int(number) for number in NUMBERED_AMOUNT.findall(text)]
    if count == 0:
        if plain or numbered:
            return "texten har {belopp} men punkten citerar ingen summa; välj summan eller ta bort {belopp}"
        return None
    if count == 1:
        if plain != 1 or numbered:
            return "en punkt som citerar en summa ska ha {belopp} exakt en gång i texten"
        return None
    wanted = list(range(1, count + 1))
    if plain or sorted(numbered) != wanted:
        names = ", ".join(f"{{belopp:{n}}}" for n in wanted)
        return f"punkten citerar {count} summor: texten ska ha {names} en gång var, och inget {{belopp}}"
    return None

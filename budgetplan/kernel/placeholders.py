"""Filling a placeholder such as {belopp} or {datum} in author text, escaping everything else."""
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

AMOUNT_PLACEHOLDER = "{belopp}"
DATE_PLACEHOLDER = "{datum}"


def fill_placeholder(text: str, placeholder: str, value: str) -> SafeString:
    """Escape the author's text and the value, then put the value where the placeholder stands."""
    parts = [escape(part) for part in (text or "").split(placeholder)]
    return mark_safe(escape(value).join(parts))  # noqa: S308 - both text and value are escaped

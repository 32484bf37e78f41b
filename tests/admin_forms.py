"""Helpers that use the admin as a browser does: read a change form, change some fields, post."""
from html.parser import HTMLParser

from django.db import connection
from django.test.utils import CaptureQueriesContext

SKIPPED_INPUTS = {"submit", "button", "file", "image", "reset"}


class _AdminFormParser(HTMLParser):
    """Collects what a browser would submit from the admin's change form (id ending in _form)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name, value):
        if name and "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in SKIPPED_INPUTS:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(attrs.get("name"), attrs.get("value") or "on")
                return
            self._add(attrs.get("name"), attrs.get("value") or "")
        elif tag == "select":
            self._select = {"name": attrs.get("name"), "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._text = []

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or [self._select["first"] or ""]
            for value in chosen:
                self._add(self._select["name"], value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # A browser drops the newline that directly follows <textarea>.
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def read_form(client, url: str) -> dict[str, str | list[str]]:
    """The fields of the admin form at url, as a browser would post them unchanged."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    parser = _AdminFormParser()
    parser.feed(response.content.decode())
    return {name: values[0] if len(values) == 1 else values for name, values in parser.data.items()}


def add_row(data: dict, prefix: str, **values) -> int:
    """Fill the next row of an inline formset, as clicking "Lägg till" does; returns its index."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return index


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def assert_changelist_does_not_query_per_row(client, url, make_rows, django_assert_num_queries):
    """The list page runs as many queries for 30 rows as for 3."""
    make_rows(3)
    client.get(url)  # warm caches (content types, sessions) so both counts measure the same work
    with_three = count_queries(client, url)
    make_rows(27)
    with django_assert_num_queries(with_three):
        response = client.get(url)
    assert response.context["cl"].result_count == 30
    return with_three

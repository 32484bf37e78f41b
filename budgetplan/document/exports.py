"""The case rendered to files: one function per format, all from the same selector and templates.

To add a format, write one function that takes a CaseDocument and returns the file's bytes, and
decorate it with @exporter("name"); `export_case --format name` offers it from then on.
"""
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

from .selectors import CaseDocument

CASE_TEMPLATE = "cases/detail.html"

Exporter = Callable[[CaseDocument], bytes]
EXPORTERS: dict[str, Exporter] = {}


def exporter(name: str) -> Callable[[Exporter], Exporter]:
    def register(function: Exporter) -> Exporter:
        EXPORTERS[name] = function
        return function
    return register


def render_case_page(
    document: CaseDocument, request: HttpRequest | None = None, context: dict | None = None,
) -> str:
    """The case page's HTML: the view and the HTML export both render it here.

    `context` adds what the page offers its reader (downloads, the clerk's forms); without it
    (an export) the page is the document alone.
    """
    return render_to_string(CASE_TEMPLATE, {"doc": document, **(context or {})}, request=request)


STYLESHEET_LINK = re.compile(
    r'<link rel="stylesheet" href="(?P<href>[^"]+)"(?: media="(?P<media>[^"]+)")?>'
)


def inline_stylesheets(html: str) -> str:
    """Put the page's own stylesheets into the file so it reads the same opened from a disk.

    The CSS files are copied as they are, never passed through the template engine.
    """
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def replace(match: re.Match) -> str:
        href = match.group("href")
        if not href.startswith(static_prefix):
            return match.group(0)
        path = finders.find(unquote(href[len(static_prefix):]))
        if not path:
            return match.group(0)
        css = Path(path).read_text(encoding="utf-8")
        media = f' media="{match.group("media")}"' if match.group("media") else ""
        return f"<style{media}>\n{css}</style>"

    return STYLESHEET_LINK.sub(replace, html)


@exporter("html")
def export_html(document: CaseDocument) -> bytes:
    return inline_stylesheets(render_case_page(document)).encode("utf-8")


@exporter("pdf")
def export_pdf(document: CaseDocument) -> bytes:
    from .pdf import render_case_pdf

    return render_case_pdf(document)


@exporter("xlsx")
def export_xlsx(document: CaseDocument) -> bytes:
    from .workbook import export_case_workbook

    return export_case_workbook(document.case)

"""The case rendered to files: one function per format, all from the same selector and templates.

To add a format, write one function that takes a CaseDocument and returns the file's bytes, and
decorate it with @exporter("name"); `export_case --format name` offers it from then on.
"""
import base64
import mimetypes
import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from django.http import HttpRequest
from django.template.loader import render_to_string

from .pdf import static_file
from .selectors import CaseDocument

CASE_TEMPLATE = "cases/detail.html"
# The page as a file: the same document without links to the server's own pages.
EXPORT_TEMPLATE = "cases/detail_export.html"

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


CSS_URL = re.compile(r"""url\(\s*(?P<quote>["']?)(?P<url>[^"')]+)(?P=quote)\s*\)""")
# An anchor to a page of the server (an address from the site's root): the file has no server.
SERVER_LINK = re.compile(r'<a href="/[^"]*"[^>]*>(?P<text>.*?)</a>', re.S)


def inline_resources(css: str, css_url: str) -> str:
    """The stylesheet with the static files it names (the fonts) put into it as data: addresses."""

    def replace(match: re.Match) -> str:
        url = match.group("url").strip()
        if url.startswith(("data:", "#")) or ":" in url.split("/")[0]:
            return match.group(0)
        path = static_file(posixpath.normpath(posixpath.join(posixpath.dirname(css_url), url)))
        if not path:
            return match.group(0)
        mime_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if path.endswith(".otf"):
            mime_type = "font/otf"
        data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
        return f'url("data:{mime_type};base64,{data}")'

    return CSS_URL.sub(replace, css)


def inline_stylesheets(html: str) -> str:
    """Put the page's own stylesheets, and the fonts they load, into the file.

    Opened from a disk the file then reads as the page does: a link to /static/ would lead
    nowhere, and a font that does not load changes every line's length. The CSS files are copied
    as they are, never passed through the template engine; only their url() addresses change.
    """

    def replace(match: re.Match) -> str:
        href = match.group("href")
        path = static_file(href)
        if not path:
            return match.group(0)
        css = inline_resources(Path(path).read_text(encoding="utf-8"), href)
        media = f' media="{match.group("media")}"' if match.group("media") else ""
        return f"<style{media}>\n{css}</style>"

    return STYLESHEET_LINK.sub(replace, html)


def without_server_links(html: str) -> str:
    """Links to the server's pages (an attachment, an earlier version) kept as their text only."""
    return SERVER_LINK.sub(lambda match: f"<span>{match.group('text')}</span>", html)


@exporter("html")
def export_html(document: CaseDocument) -> bytes:
    """The case page as one file that opens anywhere: styles and fonts inside, no server links."""
    html = render_to_string(EXPORT_TEMPLATE, {"doc": document})
    return without_server_links(inline_stylesheets(html)).encode("utf-8")


@exporter("pdf")
def export_pdf(document: CaseDocument) -> bytes:
    from .pdf import render_case_pdf

    return render_case_pdf(document)


@exporter("xlsx")
def export_xlsx(document: CaseDocument) -> bytes:
    from .workbook import export_case_workbook

    return export_case_workbook(document.case)

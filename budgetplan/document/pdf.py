"""The board-ready PDF of a case, rendered by WeasyPrint from the same templates as the page.

The PDF is produced as PDF/A-3a: PDF/A for long-term preservation in the city's archive, level
"a" because that level also requires the tagged structure (headings, lists, tables) that the
accessibility rules for published documents ask for, and part 3 because it allows the case's
attachments to be embedded later. WeasyPrint writes the PDF/A markers (XMP, output intent,
embedded fonts) but does not validate; tests read the PDF back to check what it claims.
"""
import atexit
import datetime
import fcntl
import gc
import mimetypes
import os
import tempfile
import threading
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/a-3a"
# How long a request waits for a free render slot before it is told to come back later.
RENDER_WAIT_SECONDS = 20


class PdfBusy(Exception):
    """Every render slot stayed taken for RENDER_WAIT_SECONDS."""


@contextmanager
def render_slot(*, wait_seconds: float | None = None):
    """Hold one of as many render slots as the machine has cores, across all worker processes.

    WeasyPrint is CPU-bound and takes hundreds of megabytes for a large case: one render per
    core at a time keeps a burst of PDF requests from starving the page requests and from
    multiplying memory. The slots are file locks, so gunicorn's separate worker processes share
    them; a lock held by a process that dies is released by the kernel.
    """
    directory = Path(getattr(settings, "PDF_RENDER_LOCK_DIR", "") or tempfile.gettempdir())
    directory = directory / "budgetplan-pdf-slots"
    directory.mkdir(parents=True, exist_ok=True)
    slots = max(1, os.cpu_count() or 1)
    deadline = time.monotonic() + (RENDER_WAIT_SECONDS if wait_seconds is None else wait_seconds)
    while True:
        for slot in range(slots):
            handle = open(directory / f"slot-{slot}.lock", "a+b")  # noqa: SIM115 - held below
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() >= deadline:
            raise PdfBusy
        time.sleep(0.1)


def static_file(url: str) -> str | None:
    """The file a /static/ address names, or None if it names no static file."""
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    if not url.startswith(static_prefix):
        return None
    return finders.find(unquote(url[len(static_prefix):]))


def static_url_fetcher():
    """A fetcher that serves /static/ from the static finders and fetches nothing else.

    Rendering never goes over the network: a case's text could otherwise make the server
    request any URL it names.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = static_file(parsed.path)
                if path:
                    mime_type, _ = mimetypes.guess_type(path)
                    with open(path, "rb") as handle:
                        body = handle.read()
                    return URLFetcherResponse(
                        url, body, {"Content-Type": mime_type or "application/octet-stream"},
                    )
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            raise ValueError(f"PDF-renderingen hämtar inga externa resurser: {url}")

    return StaticFilesFetcher()


# The case PDF's stylesheets, laid over the markup in this order (see templates/cases/detail_pdf.html).
PDF_STYLESHEETS = ("css/case.css", "css/print.css")


_parsed = threading.local()


@atexit.register
def _forget_parsed_stylesheets():
    # Dropped before the interpreter tears down WeasyPrint's modules, whose font configuration
    # would otherwise complain as it is collected.
    _parsed.__dict__.clear()


def pdf_stylesheets(names: tuple[str, ...] = PDF_STYLESHEETS):
    """The print stylesheets, parsed once per thread, and the font configuration they fill.

    Parsing them took a tenth of a second of every render and loading the fonts their @font-face
    rules name as much again; neither depends on the case. A modified file is read anew. The
    fonts register with the FontConfiguration that parsed them, so the two go together, and a
    thread of its own keeps each (Pango's font map is not shared between threads). Each list of
    stylesheets (the case's, the follow-up report's) is kept apart.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    found = []
    for name in names:
        path = finders.find(name)
        if not path:
            raise FileNotFoundError(f"Stilmallen {name} för PDF:en finns inte.")
        found.append((name, path, os.stat(path).st_mtime_ns))
    key = tuple(found)
    if not hasattr(_parsed, "by_names"):
        _parsed.by_names = {}
    kept = _parsed.by_names
    if kept.get(names, (None,))[0] != key:
        font_config = FontConfiguration()
        fetcher = static_url_fetcher()
        static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        stylesheets = tuple(
            # The same base address as the page's <link>: url("../fonts/…") resolves under
            # /static/, which the fetcher serves and nothing else.
            CSS(string=Path(path).read_text(encoding="utf-8"), base_url=f"file://{static_prefix}{name}",
                url_fetcher=fetcher, font_config=font_config, media_type="print")
            for name, path, _ in found
        )
        kept[names] = (key, (stylesheets, font_config))
    return kept[names][1]


@contextmanager
def collector_paused():
    """Hold off Python's cyclic garbage collector while WeasyPrint builds and lays out the document.

    A render allocates millions of small objects (boxes, styles, text pieces) that live until the
    PDF is written; the collections they trigger walk them again and again and took a fifth of the
    render's time. render_html_pdf collects once, between layout and writing, what layout left in
    cycles; the rest is freed by reference counting when the render returns.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Elements without an end tag in HTML.
VOID_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
})


# Start tags before which HTML5 closes an open paragraph (so <p><ul> is two siblings there).
CLOSES_PARAGRAPH = frozenset({
    "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "ul",
})
# What may stand directly in a table's structure; HTML5 moves anything else out of the table,
# and puts a <tbody> around a <tr> written straight into a <table>.
TABLE_CHILDREN = {
    "table": frozenset({"caption", "colgroup", "thead", "tbody", "tfoot", "style", "script", "template"}),
    "thead": frozenset({"tr", "style", "script", "template"}),
    "tbody": frozenset({"tr", "style", "script", "template"}),
    "tfoot": frozenset({"tr", "style", "script", "template"}),
    "tr": frozenset({"td", "th", "style", "script", "template"}),
    "colgroup": frozenset({"col", "template"}),
}


class UnexpectedMarkup(ValueError):
    """The markup is not the well-formed HTML our templates write (see parse_template_html)."""


SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# The SVG elements our charts may write, by the name HTMLParser gives (lower case), with the name
# HTML5 gives them in the tree. Any other element inside <svg> (text in <title> and <desc> is
# fine) goes to WeasyPrint's parser, which knows all of foreign content.
SVG_ELEMENTS = {
    name.lower(): name for name in (
        "svg", "g", "defs", "title", "desc", "pattern", "rect", "line", "path", "text", "tspan",
        "circle", "ellipse", "polyline", "polygon", "clipPath", "linearGradient",
        "radialGradient", "stop", "use", "symbol", "marker", "mask",
    )
}


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.builder = ElementTree.TreeBuilder()
        self.open = []  # the open elements' names as HTMLParser gives them
        self.svg_depth = 0  # how many of them are SVG (always the innermost ones)

    def check(self, tag):
        """Refuse what HTML5's tree construction would rearrange, so the trees always agree."""
        if tag in CLOSES_PARAGRAPH and "p" in self.open:
            raise UnexpectedMarkup(f"<{tag}> inside <p> at line {self.getpos()[0]}")
        parent = self.open[-1] if self.open else None
        if parent in TABLE_CHILDREN and tag not in TABLE_CHILDREN[parent]:
            raise UnexpectedMarkup(f"<{tag}> directly in <{parent}> at line {self.getpos()[0]}")

    def start(self, tag, attrs) -> str:
        """Start the element; its name in the tree."""
        if not self.svg_depth and tag != "svg":
            self.check(tag)
            self.builder.start(tag, {name: value or "" for name, value in attrs})
            return tag
        if tag not in SVG_ELEMENTS or (self.svg_depth and self.open[-1] in ("title", "desc")):
            raise UnexpectedMarkup(f"<{tag}> in an SVG drawing at line {self.getpos()[0]}")
        if not self.svg_depth:
            self.check(tag)
        # HTML5 puts the drawing in the SVG namespace and gives names their SVG case back.
        from tinyhtml5.constants import adjust_foreign_attributes, adjust_svg_attributes

        attributes = {}
        for name, value in attrs:
            if name in adjust_foreign_attributes:
                _, local, namespace = adjust_foreign_attributes[name]
                name = f"{{{namespace}}}{local}"
            attributes[adjust_svg_attributes.get(name, name)] = value or ""
        element = f"{{{SVG_NAMESPACE}}}{SVG_ELEMENTS[tag]}"
        self.builder.start(element, attributes)
        return element

    def handle_starttag(self, tag, attrs):
        element = self.start(tag, attrs)
        if tag in VOID_ELEMENTS:  # never in SVG: start() refuses those names there
            self.builder.end(element)
        else:
            self.open.append(tag)
            self.svg_depth += element != tag

    def handle_startendtag(self, tag, attrs):
        self.builder.end(self.start(tag, attrs))

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS and not self.svg_depth:
            return
        if not self.open or self.open.pop() != tag:
            raise UnexpectedMarkup(f"</{tag}> closes nothing open at line {self.getpos()[0]}")
        if self.svg_depth:
            self.svg_depth -= 1
            self.builder.end(f"{{{SVG_NAMESPACE}}}{SVG_ELEMENTS[tag]}")
        else:
            self.builder.end(tag)

    def handle_data(self, data):
        if self.open and self.open[-1] in TABLE_CHILDREN and data.strip():
            raise UnexpectedMarkup(f"text directly in <{self.open[-1]}> at line {self.getpos()[0]}")
        self.builder.data(data)


def parse_template_html(html: str) -> ElementTree.Element:
    """Our templates' HTML as the element tree WeasyPrint lays out, read by the standard library.

    WeasyPrint's own parser follows the whole HTML5 algorithm in pure Python and took a tenth of
    the large plan's render; the templates write every end tag, so a plain tag-by-tag reading gives
    the same tree four times faster, inline SVG (the follow-up's charts) in the SVG namespace as
    HTML5 puts it. Anything else (an end tag that closes nothing open, an element left open, a block
    in a paragraph, something HTML5 would move out of a table, an element inside an SVG drawing's
    text) raises UnexpectedMarkup, and the caller falls back to WeasyPrint's parser.
    """
    parser = _TreeBuilder()
    parser.feed(html)
    parser.close()
    if parser.open:
        raise UnexpectedMarkup(f"<{parser.open[-1]}> is never closed")
    root = parser.builder.close()
    if root.tag != "html":
        raise UnexpectedMarkup(f"the document starts with <{root.tag}>, not <html>")
    return root


def weasyprint_html(html: str):
    """A weasyprint.HTML of the rendered template, with static files served by static_url_fetcher."""
    import cssselect2
    from weasyprint import HTML

    fetcher = static_url_fetcher()
    try:
        root = parse_template_html(html)
    except UnexpectedMarkup:
        return HTML(string=html, base_url="file:///", url_fetcher=fetcher)

    class ParsedHTML(HTML):
        # What HTML.__init__ sets once its parser has built the tree (WeasyPrint 62–70).
        def __init__(self):
            self.base_url = "file:///"
            self.url_fetcher = fetcher
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
            self.etree_element = self.wrapper_element.etree_element

    return ParsedHTML()


def render_case_html_for_pdf(document) -> str:
    # The creation date is the case's last change, so the same case renders to the same PDF.
    created = document.case.updated_at.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")
    return render_to_string("cases/detail_pdf.html", {"doc": document, "created": created})


def render_case_pdf(document) -> bytes:
    """Render the case document (from budgetplan.document.selectors.case_document) to PDF/A bytes."""
    return render_html_pdf(render_case_html_for_pdf(document), PDF_STYLESHEETS)


def render_html_pdf(html: str, stylesheet_names: tuple[str, ...]) -> bytes:
    """Our template's HTML, with these static stylesheets laid over it in order, as PDF/A bytes
    (the case's and the follow-up report's PDFs).

    The template links no stylesheet of its own: they come parsed from pdf_stylesheets.
    """
    from weasyprint import DEFAULT_OPTIONS

    stylesheets, font_config = pdf_stylesheets(stylesheet_names)
    # What HTML.write_pdf does, in its two steps, to collect the layout's garbage between them.
    options = {**DEFAULT_OPTIONS, "stylesheets": stylesheets, "pdf_variant": PDF_VARIANT,
               "pdf_identifier": False}
    with render_slot():
        with collector_paused():
            laid_out = weasyprint_html(html).render(font_config=font_config, **options)
            # Layout leaves about a million objects in reference cycles for the ten-fold plan
            # (boxes tried on a page and given up); freed before the PDF is written, they lower the
            # peak memory by a quarter. They are all young: the collector was off since they were made.
            gc.collect(0)
            return laid_out.write_pdf(**options)

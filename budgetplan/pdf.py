"""The board-ready PDF of a case, rendered by WeasyPrint from the same templates as the page.

The PDF is produced as PDF/A-3a: PDF/A for long-term preservation in the city's archive, level
"a" because that level also requires the tagged structure (headings, lists, tables) that the
accessibility rules for published documents ask for, and part 3 because it allows the case's
attachments to be embedded later. WeasyPrint writes the PDF/A markers (XMP, output intent,
embedded fonts) but does not validate; tests read the PDF back to check what it claims.
"""
import datetime
import mimetypes
import os
import threading
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

PDF_VARIANT = "pdf/a-3a"
# WeasyPrint is CPU-bound: one render per core at a time keeps a burst of requests from
# starving the web workers and from multiplying memory use.
_render_slots = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def static_url_fetcher():
    """A fetcher that serves /static/ from the static finders and fetches nothing else.

    Rendering never goes over the network: a case's text could otherwise make the server
    request any URL it names.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            static_prefix = "/" + settings.STATIC_URL.lstrip("/")
            if parsed.scheme == "file" and parsed.path.startswith(static_prefix):
                relative = unquote(parsed.path[len(static_prefix):])
                path = finders.find(relative)
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


def render_case_html_for_pdf(document) -> str:
    # The creation date is the case's last change, so the same case renders to the same PDF.
    created = document.case.updated_at.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")
    return render_to_string("cases/detail_pdf.html", {"doc": document, "created": created})


def render_case_pdf(document) -> bytes:
    """Render the case document (from budgetplan.selectors.case_document) to PDF/A bytes."""
    from weasyprint import HTML

    html = render_case_html_for_pdf(document)
    with _render_slots:
        return HTML(
            string=html, base_url="file:///", url_fetcher=static_url_fetcher(),
        ).write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=False)

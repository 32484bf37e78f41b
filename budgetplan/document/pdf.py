"""The board-ready PDF of a case, rendered by WeasyPrint from the same templates as the page.

The PDF is produced as PDF/A-3a: PDF/A for long-term preservation in the city's archive, level
"a" because that level also requires the tagged structure (headings, lists, tables) that the
accessibility rules for published documents ask for, and part 3 because it allows the case's
attachments to be embedded later. WeasyPrint writes the PDF/A markers (XMP, output intent,
embedded fonts) but does not validate; tests read the PDF back to check what it claims.
"""
import datetime
import fcntl
import mimetypes
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

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
    """Render the case document (from budgetplan.document.selectors.case_document) to PDF/A bytes."""
    from weasyprint import HTML

    html = render_case_html_for_pdf(document)
    with render_slot():
        return HTML(
            string=html, base_url="file:///", url_fetcher=static_url_fetcher(),
        ).write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=False)

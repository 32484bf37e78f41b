"""Cache headers: a decided case may be kept by any cache and revalidated; nothing else is stored.

A decided case never changes again (budgetplan.document.lifecycle), so its public page, change log and
files carry validators (ETag, Last-Modified) and a max-age a proxy or CDN can go by, and a
conditional GET is answered 304 before the body is built. Everything else (drafts, anything
seen logged in, errors, the admin) is `private, no-store`: the middleware gives that to every
response a view did not mark, so a view that forgets is safe rather than shared.
"""
import datetime
import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag

# A page links the stylesheets of the release that rendered it: kept a day, then revalidated.
PAGE_MAX_AGE = 24 * 60 * 60
# Bytes stored at the decision (the PDF, the attachments) are the same forever.
STORED_FILE_MAX_AGE = 365 * 24 * 60 * 60


def private(response: HttpResponse) -> HttpResponse:
    """Kept by no cache, the browser's included: a draft, or a page made for its reader."""
    for header in ("Cache-Control", "ETag", "Last-Modified", "Expires"):
        if header in response:
            del response[header]
    patch_cache_control(response, private=True, no_store=True)
    return response


def public(
    request: HttpRequest,
    build: Callable[[], HttpResponse],
    *,
    etag: str,
    last_modified: datetime.datetime | None,
    max_age: int,
    immutable: bool = False,
) -> HttpResponse:
    """The response `build()` makes, marked for any cache; or a 304 when the client's copy is
    current, answered before `build()` opens a file or renders anything."""
    headers = HttpResponse()
    headers["ETag"] = etag if etag.startswith(("W/", '"')) else quote_etag(etag)
    # HTTP dates have whole seconds: compared with microseconds, the date the client sends back
    # would always look older than the record.
    seconds = int(last_modified.timestamp()) if last_modified is not None else None
    if seconds is not None:
        headers["Last-Modified"] = http_date(seconds)
    patch_cache_control(headers, public=True, max_age=max_age, **({"immutable": True} if immutable else {}))
    answer = get_conditional_response(
        request, etag=headers["ETag"], last_modified=seconds, response=headers,
    )
    if answer is not headers:
        return answer
    response = build()
    if not 200 <= response.status_code < 300:
        return response  # a refusal or an error is not the content these validators name
    for header in ("ETag", "Last-Modified", "Cache-Control"):
        if header in headers:
            response[header] = headers[header]
    return response


def content_etag(content: bytes | str) -> str:
    """A strong ETag for a body already in hand: a digest of its bytes."""
    data = content.encode() if isinstance(content, str) else content
    return quote_etag(hashlib.sha256(data).hexdigest()[:32])


class PrivateByDefaultMiddleware:
    """Every response no view marked is `private, no-store`; one that sets a cookie is never
    shared, whatever the view said (a shared cache would hand the cookie to everyone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") or (
            response.cookies and "public" in response["Cache-Control"]
        ):
            private(response)
        return response

"""Cache headers (issue 9, item 6): what is not public is never stored by anyone; a decided case,
which never changes, carries validators and may be kept by proxies and browsers."""
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import http_date

from budgetplan.cases.models import Attachment, DecidedDocument
from budgetplan.document import exports
from budgetplan.kernel.services import record_save
from budgetplan.web import workbook_views
from tests import factories as f
from tests.budgetplan.roles import client_for, decide, user_with

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
DAY = 24 * 60 * 60


def directives(response) -> dict[str, str | None]:
    parts = [part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()]
    return {name.strip().lower(): (value.strip() if value else None)
            for name, _, value in (part.partition("=") for part in parts)}


def assert_private(response) -> None:
    assert response.status_code in (200, 404), response.status_code
    cache_control = directives(response)
    assert "private" in cache_control and "no-store" in cache_control, response.get("Cache-Control")
    assert "public" not in cache_control


def assert_public(response, *, at_least: int) -> None:
    assert response.status_code == 200
    cache_control = directives(response)
    assert "public" in cache_control and "private" not in cache_control, response.get("Cache-Control")
    assert int(cache_control["max-age"]) >= at_least
    assert response.has_header("ETag") and response.has_header("Last-Modified")
    assert not response.cookies  # a shared cache would hand a cookie to everyone


def assert_revalidates(client, url: str, first) -> None:
    """Asked again with either validator, the server answers 304 and sends nothing more."""
    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    for response in (by_etag, by_date):
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == first["ETag"]
        assert "public" in directives(response)
    stale = client.get(url, HTTP_IF_NONE_MATCH='"not-this-one"')
    assert stale.status_code == 200


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def fake_pdf(monkeypatch):
    """A decided case stores its PDF; this one is rendered in no time."""
    monkeypatch.setitem(exports.EXPORTERS, "pdf", lambda document: PDF)


@pytest.fixture
def case():
    case = f.RegistryNumberFactory().case
    record_save(instance=Attachment(
        case=case, number=1, title="Budgetunderlag", file=SimpleUploadedFile("underlag.pdf", PDF),
    ))
    return case


def urls(case) -> dict[str, str]:
    return {
        "page": reverse("cases:detail", args=[case.pk]),
        "changes": reverse("cases:changes", args=[case.pk]),
        "pdf": reverse("cases:pdf", args=[case.pk]),
        "workbook": reverse("cases:workbook", args=[case.pk]),
        "attachment": reverse("cases:attachment", args=[case.pk, 1]),
    }


def test_nothing_of_a_draft_is_stored_by_anyone(case, fake_pdf):
    clerk = client_for(user_with("clerk", case.board))
    for name, url in urls(case).items():
        response = clerk.get(url)
        assert response.status_code == 200, name
        assert_private(response)
        assert not response.has_header("ETag"), name
        # to the public the draft is not there, and that answer is not kept either
        assert_private(client_for(None).get(url))


def test_a_decided_case_is_cacheable_by_anyone_and_revalidated(case, fake_pdf):
    decide(case)
    anonymous = client_for(None)
    for name, url in urls(case).items():
        first = anonymous.get(url)
        content = body(first)
        assert_public(first, at_least=DAY)
        assert_revalidates(anonymous, url, first)
        again = anonymous.get(url)  # the case page from the process's cache now
        assert again["ETag"] == first["ETag"], name
        if not first["ETag"].startswith("W/"):  # a strong ETag promises the same bytes
            assert body(again) == content, name
    page = anonymous.get(urls(case)["page"])
    assert "Cookie" in page["Vary"]  # a cache keeps the logged-out page for the logged out only
    assert "csrfmiddlewaretoken" not in page.content.decode()


def test_stored_files_of_a_decided_case_are_kept_for_a_year(case, fake_pdf):
    decide(case)
    stored = DecidedDocument.objects.get(case=case)
    anonymous = client_for(None)

    pdf = anonymous.get(urls(case)["pdf"])
    attachment = anonymous.get(urls(case)["attachment"])

    for response in (pdf, attachment):
        assert_public(response, at_least=365 * DAY)
        assert "immutable" in directives(response)
    assert pdf["ETag"] == f'"{stored.sha256}"'
    assert pdf["Last-Modified"] == http_date(stored.created_at.timestamp())
    assert hashlib.sha256(body(pdf)).hexdigest() == stored.sha256


def test_a_decided_case_as_a_logged_in_reader_sees_it_is_not_kept_by_shared_caches(case, fake_pdf):
    decide(case)
    clerk = client_for(user_with("clerk", case.board))
    page = clerk.get(urls(case)["page"])
    assert "csrfmiddlewaretoken" in page.content.decode()  # the clerk's "ny version" form
    assert_private(page)
    assert_private(clerk.get(urls(case)["changes"]))
    # The downloads are the same bytes for everyone.
    assert "public" in directives(clerk.get(urls(case)["pdf"]))


def test_a_current_workbook_is_not_rebuilt_to_answer_304(case, fake_pdf, monkeypatch):
    decide(case)
    url = urls(case)["workbook"]
    anonymous = client_for(None)
    first = anonymous.get(url)
    assert first["ETag"].startswith('W/"')  # the same content, not the same bytes (export time)
    builds = []
    original = workbook_views.export_case_workbook
    monkeypatch.setattr(workbook_views, "export_case_workbook",
                        lambda case: builds.append(case) or original(case))

    assert anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert builds == []

"""Uploaded attachments: checked by content and size when they come in, served only as downloads
to those who may read the case."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from budgetplan.cases.models import Attachment
from budgetplan.kernel.files import MAX_ATTACHMENT_BYTES
from budgetplan.kernel.services import record_save
from tests import factories as f
from tests.admin_forms import read_form
from tests.budgetplan.roles import client_for, decide, user_with

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def zipped(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(**extra) -> bytes:
    return zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", **extra})


def xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def odt() -> bytes:
    return zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


def attach(name: str, content: bytes, case=None) -> Attachment:
    attachment = Attachment(
        case=case or f.CaseFactory(), number=1, title="Budgetunderlag",
        file=SimpleUploadedFile(name, content),
    )
    return record_save(instance=attachment)


@pytest.mark.parametrize("name, content", [
    ("underlag.pdf", PDF), ("karta.png", PNG), ("foto.jpg", JPEG), ("foto.JPEG", JPEG),
    ("skrivelse.docx", docx()), ("budget.xlsx", xlsx()), ("protokoll.odt", odt()),
])
def test_the_kinds_of_file_taken(name, content):
    attachment = attach(name, content)
    assert attachment.file.name.endswith(name)


@pytest.mark.parametrize("name, content, message", [
    ("sida.html", b"<html><script>alert(1)</script></html>", "Filtypen tas inte emot."),
    ("program.exe", b"MZ\x90\x00", "Filtypen tas inte emot."),
    ("bild.svg", b"<svg onload=alert(1)/>", "Filtypen tas inte emot."),
    ("underlag.pdf", b"<html><script>alert(1)</script></html>", "Filens innehåll är inte PDF"),
    ("karta.png", PDF, "Filens innehåll är inte PNG"),
    ("skrivelse.docx", zipped({"a.txt": b"x"}), "Filens innehåll är inte DOCX"),
    ("budget.xlsx", docx(), "Filens innehåll är inte XLSX"),
    ("skrivelse.docx", docx(**{"word/vbaProject.bin": b"x"}), "Filen innehåller makron"),
])
def test_a_file_of_another_kind_than_it_claims_is_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        attach(name, content)
    assert not Attachment.objects.exists()


def test_a_file_over_20_mb_is_refused():
    with pytest.raises(ValidationError, match=r"Filen är för stor \(20,0 MB\); den största tillåtna storleken är 20 MB\."):
        attach("underlag.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES)


def test_the_admin_refuses_a_disguised_upload_with_a_swedish_message(admin_client):
    case = f.CaseFactory()
    f.RegistryNumberFactory(case=case)
    url = reverse("admin:budgetplan_case_change", args=[case.pk])
    data = read_form(admin_client, url)
    data.update({
        "attachments-TOTAL_FORMS": "1", "attachments-0-number": "1",
        "attachments-0-title": "Budgetunderlag",
        "attachments-0-file": SimpleUploadedFile("underlag.pdf", b"<script>alert(1)</script>"),
    })

    response = admin_client.post(url, data)

    assert "Filens innehåll är inte PDF som filnamnet (.pdf) säger." in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_attachment_is_served_as_a_download_with_a_fixed_type(client):
    case = f.CaseFactory()
    attachment = attach("underlag.pdf", PDF, case)
    decide(case)

    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    url = reverse("cases:attachment", args=[case.pk, attachment.number])
    response = client.get(url)

    assert f'href="{url}"' in page and "/media/" not in page
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="underlag.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("cases:attachment", args=[case.pk, 9])).status_code == 404


def test_a_drafts_attachment_is_for_its_board_only(client):
    case = f.CaseFactory()
    attachment = attach("karta.png", PNG, case)
    url = reverse("cases:attachment", args=[case.pk, attachment.number])

    assert client.get(url).status_code == 404
    assert client_for(user_with("reader", f.BoardFactory())).get(url).status_code == 404
    response = client_for(user_with("reader", case.board)).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_media_files_have_no_public_url(client):
    case = f.CaseFactory()
    attachment = attach("underlag.pdf", PDF, case)
    decide(case)

    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_attachments_and_decided_pdfs_are_streamed_not_read_whole(client, monkeypatch):
    """Issue 9, item 23: a worker holds a block of the file at a time, not all 20 MB of it."""
    from budgetplan.document import exports

    large = PDF + b"%" * (300 * 1024)
    monkeypatch.setitem(exports.EXPORTERS, "pdf", lambda document: large)
    case = f.CaseFactory()
    attachment = attach("underlag.pdf", large, case)
    decide(case)

    for url in (reverse("cases:attachment", args=[case.pk, attachment.number]),
                reverse("cases:pdf", args=[case.pk])):
        response = client.get(url)
        assert response.streaming, url
        assert response["Content-Length"] == str(len(large))
        blocks = list(response.streaming_content)
        assert len(blocks) > 1 and max(len(block) for block in blocks) < len(large)
        assert b"".join(blocks) == large
        assert response["Content-Disposition"].startswith('attachment; filename="')
        assert response["X-Content-Type-Options"] == "nosniff"

"""Files nothing refers to are removed: upload previews never confirmed, and the PDF of a decision
that was rolled back. Against a real file system storage, so that a file's age is its own."""
import io
import os
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from budgetplan.cases.models import Case, DecidedDocument
from budgetplan.document import lifecycle
from budgetplan.document.workbook import export_case_workbook
from budgetplan.kernel import services
from tests import factories as f
from tests.budgetplan.roles import client_for, decide, user_with
from tests.workbook.helpers import edit, set_cell
from tests.workbook.test_views import IMPORT_URL, token_of, upload

DAY = 24 * 3600


@pytest.fixture
def media(settings, tmp_path):
    """The default storage as a folder of files."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}
    return tmp_path


def stored_file(media, name: str, *, age_seconds: float) -> "os.PathLike":
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04")
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))
    return path


def pending(media) -> set[str]:
    folder = media / "arbetsbocker" / "vantande"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


@pytest.fixture
def changed_workbook(reference_case) -> bytes:
    return edit(export_case_workbook(reference_case),
                lambda book: set_cell(book["Beslutspunkter"], 2, "Text", "Förslaget godkänns."))


def test_an_upload_removes_previews_nobody_confirmed_within_a_day(media, admin_client, changed_workbook):
    forgotten = stored_file(media, "arbetsbocker/vantande/glomd.xlsx", age_seconds=2 * DAY)
    recent = stored_file(media, "arbetsbocker/vantande/nyss.xlsx", age_seconds=3600)

    token = token_of(upload(admin_client, changed_workbook))

    assert not forgotten.exists()
    assert recent.exists()
    assert pending(media) == {"nyss.xlsx", f"{token}.xlsx"}


def test_a_new_preview_replaces_the_sessions_earlier_one(media, admin_client, changed_workbook):
    first = token_of(upload(admin_client, changed_workbook))
    second = token_of(upload(admin_client, changed_workbook))

    assert pending(media) == {f"{second}.xlsx"}
    response = admin_client.post(IMPORT_URL, {"step": "confirm", "token": first}, follow=True)
    assert "Förhandsgranskningen har gått ut; ladda upp arbetsboken igen." in response.content.decode()


def test_a_decision_that_is_rolled_back_leaves_no_pdf_behind(media, monkeypatch, db):
    case = f.CaseFactory()
    lifecycle.case_transition(case=case, to_status=Case.Status.PROPOSED, user=None)
    clerk = client_for(user_with("clerk", case.board))
    save = services.record_save

    def refused(*, instance, user=None):
        if isinstance(instance, DecidedDocument):
            raise ValidationError("Beslutet kunde inte sparas.")
        return save(instance=instance, user=user)

    # the stored PDF's row is the last write of the decision: refusing it rolls the decision back
    monkeypatch.setattr(services, "record_save", refused)
    response = clerk.post(reverse("cases:transition", args=[case.pk]),
                          {"to_status": "decided", "decided_on": "2012-01-25"}, follow=True)

    assert "Beslutet kunde inte sparas." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.PROPOSED
    assert not DecidedDocument.objects.exists()
    assert not (media / "beslutade").exists() or not any((media / "beslutade").rglob("*.pdf"))


def test_clean_media_removes_what_nothing_refers_to_and_keeps_the_rest(media, db):
    case = decide(f.CaseFactory())
    kept_decision = media / DecidedDocument.objects.get(case=case).file.name
    forgotten = stored_file(media, "arbetsbocker/vantande/glomd.xlsx", age_seconds=2 * DAY)
    recent = stored_file(media, "arbetsbocker/vantande/nyss.xlsx", age_seconds=3600)
    rolled_back = stored_file(media, "beslutade/999/PM-2012-9-RI.pdf", age_seconds=2 * 3600)
    being_saved = stored_file(media, "beslutade/998/PM-2012-8-RI.pdf", age_seconds=60)
    os.utime(kept_decision, (time.time() - 30 * DAY,) * 2)
    out = io.StringIO()

    call_command("clean_media", stdout=out)

    assert out.getvalue().strip() == (
        "Borttaget: 1 arbetsböcker som aldrig bekräftades, 1 PDF:er från beslut som aldrig sparades.")
    assert not forgotten.exists() and not rolled_back.exists()
    assert recent.exists() and being_saved.exists() and kept_decision.exists()

"""`manage.py export_case` writes the case page to a file, found by any of its registry numbers."""
import base64
import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command, execute_from_command_line
from django.urls import reverse

from budgetplan.document.exports import EXPORTERS
from tests import factories as f
from tests.budgetplan.plan_builder import build_plan


@pytest.mark.django_db
def test_writes_the_same_page_to_a_file(tmp_path, admin_client):
    case = build_plan(size=1)
    f.RegistryNumberFactory(case=case, number="112-2400/2011", order=2)
    output = tmp_path / "case.html"

    call_command("export_case", "112-2400/2011", "--format", "html", "--output", str(output))

    written = output.read_text(encoding="utf-8")
    page = admin_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    start, end = '<article class="case"', "</article>\n"
    # The page adds its reader's tools (downloads, the clerk's forms, the follow-up's links); the
    # file is the document.
    # The change log is a page of the server, which the file does not link to.
    tools = re.compile(
        r'<(nav class="(downloads|case-edit-links|case-actions)"|section class="case-actions"|p class="case-history-link").*?</(nav|section|p)>',
        re.S,
    )
    page = tools.sub("", page)

    def words(html):
        return re.sub(r"\s+", " ", html[html.index(start):html.rindex(end)])

    assert words(written) == words(page)
    assert "Den redovisade omslutningsförändringen med 25,0 mnkr godkänns." in written
    # The file carries its stylesheet, so it reads the same opened from a disk.
    assert "<style>" in written and "font-variant-numeric: tabular-nums" in written
    assert '<link rel="stylesheet"' not in written


@pytest.mark.django_db
def test_unknown_registry_number_fails_with_a_swedish_message(tmp_path):
    output = tmp_path / "case.html"
    with pytest.raises(CommandError, match="Inget ärende har diarienummer 999-1/2011"):
        call_command("export_case", "999-1/2011", "--output", str(output))
    assert not output.exists()


@pytest.mark.django_db
def test_unknown_registry_number_exits_non_zero(tmp_path, capsys):
    """As from a shell: the command line turns the error into a message and exit status 1."""
    output = tmp_path / "case.html"
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(
            ["manage.py", "export_case", "999-1/2011", "--format", "html", "--output", str(output)]
        )
    assert exit_info.value.code == 1
    assert "Inget ärende har diarienummer 999-1/2011." in capsys.readouterr().err
    assert not output.exists()


def test_html_is_one_of_the_formats():
    assert "html" in EXPORTERS


@pytest.mark.django_db
def test_the_file_opens_anywhere_fonts_inside_and_no_links_to_the_server(tmp_path, settings):
    case = build_plan(size=1)
    # An earlier version and an attached file: on the page both are links to the server.
    earlier = f.CaseFactory(board=case.board, memo_year=2011)
    type(case).objects.filter(pk=case.pk).update(predecessor=earlier)
    f.AttachmentFactory(case=case, file=ContentFile(b"%PDF-1.7", name="bilaga.pdf"))
    f.RegistryNumberFactory(case=case, number="112-2401/2011", order=2)
    output = tmp_path / "case.html"

    call_command("export_case", "112-2401/2011", "--format", "html", "--output", str(output))

    written = output.read_text(encoding="utf-8")
    # Every font the stylesheet loads is inside the file, byte for byte.
    fonts = re.findall(r'url\("data:font/otf;base64,([A-Za-z0-9+/=]+)"\)', written)
    regular = (settings.BASE_DIR / "static" / "fonts" / "Inter-Regular.otf").read_bytes()
    assert len(fonts) == 4
    assert base64.b64encode(regular).decode() in fonts
    assert "url(\"../" not in written and "/static/" not in written
    # Nothing points at a page that only the server has; the document's own anchors remain.
    assert re.findall(r'(?:href|src|action)="(?!#)[^"]*"', written) == []
    assert 'href="#forslag"' in written
    assert "Budgetplan" in written and "Ändringar i ärendet" not in written
    assert f"Ny version av <span>{earlier.memo_number}</span>" in written
    assert "Rapportbilaga" in written

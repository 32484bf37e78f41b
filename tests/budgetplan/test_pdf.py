"""The board-ready PDF, read back: pages, text, bookmarks, metadata and the archival claims."""
import io
from html.parser import HTMLParser
import re

import pytest
from django.core.management import call_command
from django.db import transaction
from pypdf import PdfReader

from budgetplan.cases.models import Case
from budgetplan.document.pdf import render_case_html_for_pdf, render_case_pdf
from budgetplan.document.selectors import case_document
from goals.models import CouncilGoal
from tests.budgetplan.plan_builder import build_plan
from tests.budgetplan.roles import as_draft, decide

NBSP = "\u00a0"
# Marking the module tells pytest-django to create the test database the module fixture uses.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def reference_pdf(django_db_setup, django_db_blocker):
    """The reference case rendered once for the whole module (rendering takes seconds)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "reference_2012", verbosity=0)
        case = Case.objects.get(registry_numbers__number="112-2321/2011")
        council_goal_titles = list(CouncilGoal.objects.values_list("title", flat=True))
        document = case_document(case_id=case.pk)
        pdf = render_case_pdf(document)
        html = render_case_html_for_pdf(document)
        transaction.set_rollback(True)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return {"bytes": pdf, "reader": reader, "text": text, "html": html,
            "council_goal_titles": council_goal_titles}


@pytest.fixture(scope="module")
def draft_pdf(django_db_setup, django_db_blocker):
    """The reference case as a draft (tests.budgetplan.roles.as_draft), rendered once."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "reference_2012", verbosity=0)
        case = as_draft(Case.objects.get(registry_numbers__number="112-2321/2011"))
        pdf = render_case_pdf(case_document(case_id=case.pk))
        transaction.set_rollback(True)
    return PdfReader(io.BytesIO(pdf))


def texts_with_height(page) -> list[tuple[str, float]]:
    """The page's pieces of text, each with how far above the bottom edge it sits (pt)."""
    pieces = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            # Where the text matrix puts the text, in page space (the current matrix applied).
            pieces.append((text.strip(), tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return pieces


def flatten(text: str) -> str:
    """Page text with line breaks and no-break spaces folded, to find phrases that wrap."""
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


def outline_titles(outline) -> list:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles.append(outline_titles(item))
        else:
            titles.append(item.title)
    return titles


def test_pdf_is_a4_and_paginated_in_the_citys_form(reference_pdf):
    reader = reference_pdf["reader"]
    pages = len(reader.pages)
    assert 15 <= pages <= 60
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)
    assert f"1 ({pages})" in reader.pages[0].extract_text()
    last = reader.pages[-1].extract_text()
    assert f"{pages} ({pages})" in last
    assert "PM 2012:3 RI (Dnr 112-2321/2011)" in reader.pages[1].extract_text()


def test_pdf_holds_the_whole_case(reference_pdf):
    text = flatten(reference_pdf["text"])
    assert "Borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande." in text
    assert "Den redovisade omslutningsförändringen med 502,0 mnkr godkänns." in text
    for title in reference_pdf["council_goal_titles"]:
        assert flatten(title) in text, title
    assert "KS förslag till budget 1 348,0 -46,6 1 301,4" in text
    assert "Stockholm den 11 januari 2012" in text
    assert "Ann-Margarethe Livh" in text


def test_table_of_contents_has_page_numbers(reference_pdf):
    # The contents follow the proposal on page 1 and run on to page 2.
    pages = [page.extract_text() for page in reference_pdf["reader"].pages]
    first = next(number for number, text in enumerate(pages) if "Innehåll" in text)
    toc_page = "\n".join(pages[first:first + 2])
    assert re.search(r"Reservationer[ .]*\d+", toc_page)
    assert re.search(r"3\.1 Budgeten ska vara i balans[ .]*\d+", flatten(toc_page))


def test_bookmarks_follow_the_goal_hierarchy(reference_pdf):
    outline = outline_titles(reference_pdf["reader"].outline)
    top = [item for item in outline if isinstance(item, str)]
    assert {"Förslag till beslut", "Reservationer", "Stadsledningskontoret och KF/KS kansli"} <= set(top)
    flat = repr(outline)
    assert "1.1 Företag ska välja etableringar" in flat
    assert "Nämndens ekonomiska förutsättningar 2012" in flat
    # pypdf lists a bookmark's children as the list that follows it: the report holds the
    # strategic goals, and those hold the council goals.
    report_position = outline.index("Stadsledningskontoret och KF/KS kansli")
    report_children = outline[report_position + 1]
    assert isinstance(report_children, list)
    assert report_children[0].startswith("KF:s inriktningsmål 1")
    assert isinstance(report_children[1], list)
    assert any("1.1 Företag ska välja" in str(child) for child in report_children[1])


def test_metadata_and_archival_claims(reference_pdf):
    reader = reference_pdf["reader"]
    info = reader.metadata
    assert "Budget/verksamhetsplan 2012 för Kommunfullmäktige m.m." in info.title
    assert info.author == "Stadsledningskontoret och KF/KS kansli"
    assert "112-2321/2011" in info.subject
    assert info.creation_date is not None
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert "/OutputIntents" in root
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp)
    assert re.search(r'pdfaid:conformance="A"', xmp)


def test_fonts_are_embedded(reference_pdf):
    fonts = set()
    for page in reference_pdf["reader"].pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] \
                if "/DescendantFonts" in font else font["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(str(font["/BaseFont"]))
    assert any("Inter" in name for name in fonts)


def test_case_page_offers_the_pdf_and_the_download_is_a_pdf(admin_client, reference_case):
    page = admin_client.get(f"/arenden/{reference_case.pk}/").content.decode()
    assert f'href="/arenden/{reference_case.pk}/pdf/"' in page
    response = admin_client.get(f"/arenden/{reference_case.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="PM-2012-3-RI.pdf"'
    # The stored file of the current revision (the test settings run the render job in place).
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_export_case_writes_the_pdf(reference_case, tmp_path):
    output = tmp_path / "case.pdf"
    call_command("export_case", "112-2321/2011", "--format", "pdf", "--output", str(output))
    reader = PdfReader(output)
    assert "PM 2012:3 RI" in reader.pages[0].extract_text()


def test_renders_wait_for_a_free_slot_and_a_full_house_fails_the_job_not_a_request(
    admin_client, reference_case, monkeypatch, tmp_path, settings,
):
    """The slots now bound the workers' renders: a job that finds every slot taken fails its
    attempts and says why; the request answers at once either way (issue 13)."""
    from budgetplan.document import pdf

    settings.PDF_RENDER_LOCK_DIR = str(tmp_path)
    settings.BUDGETPLAN_PDF_RETRY_SECONDS = [0]
    monkeypatch.setattr(pdf.os, "cpu_count", lambda: 1)
    with pdf.render_slot():
        # Another worker process would see the same lock file taken; so does a second holder here.
        with pytest.raises(pdf.PdfBusy):
            with pdf.render_slot(wait_seconds=0.3):
                pass
        monkeypatch.setattr(pdf, "RENDER_WAIT_SECONDS", 0.3)
        response = admin_client.get(f"/arenden/{reference_case.pk}/pdf/")
    assert response.status_code == 200
    assert ("kunde inte skapas: alla platser för att skapa PDF:er var upptagna."
            in response.content.decode())
    assert "Försök igen" in response.content.decode()
    # Once the slot is free again the clerk's "Försök igen" has it rendered.
    admin_client.post(f"/arenden/{reference_case.pk}/pdf/forsok-igen/")
    response = admin_client.get(f"/arenden/{reference_case.pk}/pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


# The page's top margin (static/css/print.css): the running header sits in it, above the text.
TOP_MARGIN_PT = 24 / 25.4 * 72
A4_HEIGHT_PT = 842


def test_a_drafts_pdf_says_utkast_on_every_page_in_the_margin(draft_pdf, reference_pdf):
    pages = draft_pdf.pages
    marks = [[height for text, height in texts_with_height(page) if text == "UTKAST"]
             for page in pages]

    assert len(pages) > 20
    assert [len(found) for found in marks] == [1] * len(pages)
    # In the top margin, above every line of the page's text: it covers none of it.
    assert all(found[0] > A4_HEIGHT_PT - TOP_MARGIN_PT for found in marks)
    # The mark takes no room from the text: the draft paginates as the proposal does.
    assert len(pages) == len(reference_pdf["reader"].pages)
    assert "Budgetår 2012 · Utkast" in pages[0].extract_text()


def test_a_proposals_pdf_carries_no_draft_mark(reference_pdf):
    assert "Budgetår 2012 · Föreslaget" in reference_pdf["reader"].pages[0].extract_text()
    assert "UTKAST" not in reference_pdf["text"]
    assert "Utkast" not in reference_pdf["text"]


def test_a_decided_cases_stored_pdf_carries_no_draft_mark(client):
    case = decide(build_plan(size=1))

    response = client.get(f"/arenden/{case.pk}/pdf/")

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))  # the stored file, streamed
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "· Beslutat 25 januari 2012" in text
    assert "UTKAST" not in text and "Utkast" not in text


# --- the print layout, read back from the PDF's text positions ----------------------------------

BOTTOM_MARGIN_PT = 20 / 25.4 * 72


def page_fill(page) -> float:
    """How far down the text area (between the page margins) the page's lowest line of text sits."""
    top, bottom = A4_HEIGHT_PT - TOP_MARGIN_PT, BOTTOM_MARGIN_PT
    heights = [height for _, height in texts_with_height(page) if bottom < height < top]
    return (top - min(heights)) / (top - bottom) if heights else 0.0


class TableRows(HTMLParser):
    """The tables of the rendered HTML, each a list of its body and total rows' first cells, and
    the lists of decision points, each a list of its points."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell, self.in_row, self.group_row = [], None, False, False
        self.lists, self.point, self.in_points = [], None, False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("ol", "ul") and {"decision-points", "reservation__points"} & set(classes):
            self.lists.append([])
            self.in_points = True
        elif tag == "li" and self.in_points and self.point is None:
            self.point = ""
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.in_row, self.group_row = True, "group-row" in (dict(attrs).get("class") or "")
        elif tag in ("th", "td") and self.in_row and self.cell is None:
            self.cell = ""

    def handle_endtag(self, tag):
        self.handle_endtag_of_point(tag)
        if tag in ("th", "td") and self.cell is not None and self.in_row:
            if not self.group_row and self.cell.strip():
                self.tables[-1].append(flatten(self.cell))
            self.in_row = False
            self.cell = None
        elif tag == "thead":
            # The header row was collected as a row; a table's rows are its body and total.
            if self.tables and self.tables[-1]:
                self.tables[-1].pop()

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data
        if self.point is not None:
            self.point += data

    def handle_endtag_of_point(self, tag):
        if tag == "li" and self.point is not None:
            self.lists[-1].append(flatten(self.point))
            self.point = None
        elif tag in ("ol", "ul"):
            self.in_points = False


def page_of_each_row(pages_text: list[str], tables: list[list[str]]) -> list[list[int]]:
    """The page each table row's first cell starts on, found in document order."""
    page, offset, found = 0, 0, []
    for rows in tables:
        table_pages = []
        for row in rows:
            # The first words: a long cell wraps, and the page text folds lines into spaces.
            needle = " ".join(row.split()[:6])
            while True:
                at = pages_text[page].find(needle, offset)
                if at >= 0:
                    offset = at + len(needle)
                    break
                page, offset = page + 1, 0
                assert page < len(pages_text), f"raden {row!r} finns inte i PDF:en"
            table_pages.append(page + 1)
        found.append(table_pages)
    return found


def test_no_page_before_the_last_is_nearly_empty(reference_pdf):
    fills = [page_fill(page) for page in reference_pdf["reader"].pages]

    nearly_empty = {number: round(fill, 2) for number, fill in enumerate(fills[:-1], start=1)
                    if fill < 0.5}
    assert nearly_empty == {}
    # The contents list follows the proposal on page 1 instead of leaving it half empty.
    assert "Innehåll" in reference_pdf["reader"].pages[0].extract_text()


def test_no_table_of_ten_rows_or_fewer_is_split_across_pages(reference_pdf):
    parser = TableRows()
    parser.feed(reference_pdf["html"])
    pages_text = [flatten(page.extract_text()) for page in reference_pdf["reader"].pages]
    rows_pages = page_of_each_row(pages_text, parser.tables)

    small = [(rows, pages) for rows, pages in zip(parser.tables, rows_pages, strict=True)
             if len(rows) <= 10]
    split = [(rows[0], pages) for rows, pages in small if len(set(pages)) > 1]
    assert len(small) > 30
    assert split == []
    # The turnover table keeps its total with its rows.
    turnover = next((rows, pages) for rows, pages in zip(parser.tables, rows_pages, strict=True)
                    if rows[-1] == "Förslag till omslutningsförändringar 2011")
    assert len(turnover[0]) == 11 and len(set(turnover[1])) == 1


def test_decision_points_and_a_reservations_own_points_stay_on_one_page(reference_pdf):
    parser = TableRows()
    parser.feed(reference_pdf["html"])
    pages_text = [flatten(page.extract_text()) for page in reference_pdf["reader"].pages]
    # The points of the proposal and the statement, then each reservation's own.
    lists = [points for points in parser.lists if points]
    pages = page_of_each_row(pages_text, lists)

    assert len(lists) >= 4
    assert any(len(points) == 4 and points[0].startswith("Godkänna Miljöpartiets förslag")
               for points in lists)
    assert [(points[0], found) for points, found in zip(lists, pages, strict=True)
            if len(set(found)) > 1] == []


def texts_at(page) -> list[tuple[str, float, float]]:
    """The page's pieces of text with their left edge and height above the bottom (pt)."""
    pieces = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            pieces.append((text.strip(), tm[4] * cm[0] + tm[5] * cm[2] + cm[4],
                           tm[4] * cm[1] + tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return pieces


def test_date_columns_are_as_wide_in_every_activity_table(reference_pdf):
    # Each activity table's header names its two date columns; where they start says how wide
    # the columns are, the table being as wide as the text.
    starts = {round(x, 1) for page in reference_pdf["reader"].pages
              for text, x, _ in texts_at(page) if text in ("Startdatum", "Slutdatum")}
    headers = sum(text in ("Startdatum", "Slutdatum") for page in reference_pdf["reader"].pages
                  for text, _, _ in texts_at(page))

    assert headers >= 40
    assert len(starts) == 2


def test_goal_labels_print_in_capitals_as_the_original_sets_them(reference_pdf):
    text = flatten(reference_pdf["text"])
    assert "KF:s INRIKTNINGSMÅL 1:" in text
    assert "KF:s MÅL FÖR VERKSAMHETSOMRÅDET:" in text
    assert "NÄMNDMÅL:" in text
    assert "inriktningsmål 1:" not in text


def test_hidden_table_captions_stay_out_of_the_pdf_text(reference_pdf):
    text = flatten(reference_pdf["text"])
    assert "KF:s indikatorer för mål" not in text
    assert "Nämndens aktiviteter för nämndmålet" not in text
    # A target is never wrapped inside its column.
    raw = "\n".join(page.extract_text() for page in reference_pdf["reader"].pages)
    assert raw.count("fastställs 2012") == flatten(raw).count("fastställs 2012") >= 4


# --- reading the template's HTML for WeasyPrint ------------------------------------------------

def element_sequence(root) -> list:
    return [(element.tag, sorted(element.attrib.items()), (element.text or "").strip(),
             (element.tail or "").strip())
            for element in root.iter() if isinstance(element.tag, str)]


def test_the_templates_html_is_read_into_the_tree_weasyprints_parser_builds(reference_pdf):
    import tinyhtml5

    from budgetplan.document.pdf import parse_template_html

    html = reference_pdf["html"]
    ours = element_sequence(parse_template_html(html))
    weasyprints = element_sequence(tinyhtml5.parse(html, namespace_html_elements=False))

    assert len(ours) > 1000
    assert ours == weasyprints


def test_markup_that_is_not_closed_as_written_goes_to_weasyprints_parser():
    from budgetplan.document.pdf import UnexpectedMarkup, parse_template_html, weasyprint_html

    with pytest.raises(UnexpectedMarkup):
        parse_template_html("<html><body><p>ett</div></body></html>")
    with pytest.raises(UnexpectedMarkup):
        parse_template_html("<html><body><p>ett<p>två</body></html>")
    # HTML5 ends a paragraph where a list begins, and moves a stray cell's text out of a table.
    with pytest.raises(UnexpectedMarkup):
        parse_template_html("<html><body><p>ett<ul><li>två</li></ul></p></body></html>")
    with pytest.raises(UnexpectedMarkup):
        parse_template_html("<html><body><table><tr><td>1</td></tr></table></body></html>")
    with pytest.raises(UnexpectedMarkup):
        parse_template_html("<html><body><table><tbody>text<tr></tr></tbody></table></body></html>")

    # HTML5's own rules close the first paragraph where the second begins.
    document = weasyprint_html("<html><body><p>ett<p>två</body></html>")
    assert [p.text for p in document.etree_element.iter("p")] == ["ett", "två"]


def test_the_stylesheets_are_parsed_once_and_again_when_a_file_changes(tmp_path, monkeypatch):
    import os
    import shutil

    from django.contrib.staticfiles import finders

    from budgetplan.document import pdf

    copies = {}
    for name in pdf.PDF_STYLESHEETS:
        copies[name] = tmp_path / name.replace("/", "-")
        shutil.copy(finders.find(name), copies[name])
    monkeypatch.setattr(pdf.finders, "find", lambda name: str(copies[name]))

    first = pdf.pdf_stylesheets()
    assert pdf.pdf_stylesheets() is first

    stat = os.stat(copies["css/print.css"])
    os.utime(copies["css/print.css"], ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    again = pdf.pdf_stylesheets()
    assert again is not first
    assert pdf.pdf_stylesheets() is again

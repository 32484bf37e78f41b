"""The board's follow-up report through its real URLs: what it shows, who may read it, its cache
headers, its PDF, its query count and the export_followup command."""
import datetime
import io
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from budgetplan.cases.models import Case
from budgetplan.document.followup_report import followup_report_document
from budgetplan.kernel.formatting import format_decimal
from followup.models import BudgetRowOutcome, FollowUpReport, IndicatorOutcome, PeriodKind
from followup.selectors import followup_document
from tests.budgetplan.plan_builder import build_plan
from tests.budgetplan.roles import client_for, user_with
from tests.followup.report_helpers import filled_report

pytestmark = pytest.mark.django_db

REPORT_PAGE_QUERIES = 20
NOTE = "Uppgifterna i denna uppföljning är påhittade för demonstration."


def url(case, period="t1", pdf=False):
    return reverse("cases:followup_report_pdf" if pdf else "cases:followup_report", args=[case.pk, period])


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def row_text(html: str, name: str) -> str:
    """The text of the table row whose header starts with `name`."""
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S):
        if re.search(r'<th scope="row">\s*' + re.escape(name), row):
            return text_of(row).strip()
    raise AssertionError(f"no row {name!r}")


def test_the_report_shows_targets_beside_outcomes_with_marks_budget_and_assessments(reference_case):
    report = filled_report(reference_case, demonstration_note=NOTE)
    # One indicator far short of its target: 66 for "Företagens nöjdhet med effektiviteten".
    IndicatorOutcome.objects.filter(
        report=report, indicator__name="Företagens nöjdhet med effektiviteten",
    ).update(value=Decimal("52"), previous_value=Decimal("60"))
    clerk = user_with("clerk", reference_case.board)

    response = client_for(clerk).get(url(reference_case))

    assert response.status_code == 200
    html = response.content.decode()
    # Target beside outcome, last year's, and the status with its symbol and word.
    assert row_text(html, "Företagens nöjdhet med effektiviteten") == (
        "Företagens nöjdhet med effektiviteten Enligt plan. 66 År 52 60 ✖ Ej uppfyllt"
    )
    assert row_text(html, "Företagens nöjdhet med information från staden").endswith("69 År 69 68 ✔ Uppfyllt")
    assert 'class="status-mark status-mark--not_met"' in html
    # Not approved yet: marked as such, and the invented data says so.
    assert "EJ GODKÄND" in html
    assert NOTE in text_of(html)
    # Activities' status, goal assessments.
    assert "→</span> Pågår" in html
    assert "Måluppfyllelse: ◐ Delvis uppfyllt" in text_of(html)
    assert "Målet bedöms delvis uppnås." in html
    # The budget: every figure in mnkr with one decimal, totals computed from the rows.
    budget = html.split('class="data-table budget-table followup-budget"')[1].split("</table>")[0]
    rows = list(BudgetRowOutcome.objects.filter(report=report).select_related("budget_row"))
    costs = sum(row.budget_row.costs for row in rows)
    forecast = sum(row.forecast_costs for row in rows)
    assert forecast - costs == Decimal("1.0") * len(rows)
    total_costs = re.search(r'<tr class="total-row"><th scope="row">Kostnader</th>(.*?)</tr>', budget).group(1)
    cells = [text_of(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", total_costs)]
    assert cells[0] == format_decimal(costs).replace("\u00a0", " ")
    assert cells[2] == format_decimal(forecast).replace("\u00a0", " ")
    assert cells[3] == f"-{len(rows)},0"  # forecast 1,0 mnkr over the budget on every row
    # Investments with budget, outcome, forecast and deviation.
    assert "Summa investeringar" in html
    # Charts, drawn as SVG with a title and a text alternative, in the page.
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart__svg" role="img"') >= 2
    assert "<desc id=\"diagram-indikator-" in html
    assert "Utfall T1: 52 (förra året 60); T2: –; Helår: –. Årsmål 66." in html
    assert "Netto i mnkr, budget mot prognos" in html
    assert response["Cache-Control"] == "private, no-store"


def test_who_reads_a_report_and_what_is_public(reference_case):
    report = filled_report(reference_case)
    outsider_board = build_plan(size=1).board
    reader = user_with("reader", reference_case.board)
    stranger = user_with("reader", outsider_board)

    # Open, of a plan not decided: its board reads it; nobody else learns it exists.
    assert client_for(reader).get(url(reference_case)).status_code == 200
    assert client_for(stranger).get(url(reference_case)).status_code == 404
    assert client_for(None).get(url(reference_case)).status_code == 404
    # No report for T2, and an unknown period: 404 too.
    assert client_for(reader).get(url(reference_case, "t2")).status_code == 404
    assert client_for(reader).get(url(reference_case, "t7")).status_code == 404

    # Approved, but the plan is still a proposal: still not public.
    filled_report(reference_case, approve=True)
    report.refresh_from_db()
    assert report.status == "approved"
    assert client_for(None).get(url(reference_case)).status_code == 404

    # Approved, of a decided plan: public, with validators a cache can go by.
    Case.objects.filter(pk=reference_case.pk).update(
        status=Case.Status.DECIDED, decided_on=datetime.date(2012, 1, 25),
    )
    public = client_for(None).get(url(reference_case))
    assert public.status_code == 200
    assert "public" in public["Cache-Control"] and "max-age=86400" in public["Cache-Control"]
    assert "EJ GODKÄND" not in public.content.decode()
    again = client_for(None).get(url(reference_case), HTTP_IF_NONE_MATCH=public["ETag"])
    assert again.status_code == 304
    # Logged in, the page is made for its reader and kept by no cache.
    assert client_for(reader).get(url(reference_case))["Cache-Control"] == "private, no-store"


def test_the_pdf_is_the_clerks_before_approval_and_everyones_after(reference_case, settings, tmp_path):
    # Render slots of this test's own: the machine's are shared with every other process.
    settings.PDF_RENDER_LOCK_DIR = str(tmp_path)
    filled_report(reference_case)
    reader = user_with("reader", reference_case.board)
    clerk = user_with("clerk", reference_case.board)

    assert client_for(reader).get(url(reference_case, pdf=True)).status_code == 403
    # The page offers the download only to whom it is allowed, and the entry form to its staff.
    assert "Ladda ner PDF" not in client_for(reader).get(url(reference_case)).content.decode()
    clerk_page = client_for(clerk).get(url(reference_case)).content.decode()
    # No PDF is stored yet (renders on change are off in the tests): the page says it is made.
    revision = FollowUpReport.objects.get(case=reference_case).revision
    assert f"PDF för revision {revision} skapas …" in clerk_page
    assert f'href="{url(reference_case, pdf=True)}">Hämta PDF när den är klar' in clerk_page
    entry = reverse("cases:followup_entry", args=[reference_case.pk, "T1"])
    assert f'href="{entry}">Föra in eller ändra uppföljningen' in clerk_page
    assert client_for(None).get(url(reference_case, pdf=True)).status_code == 404

    response = client_for(clerk).get(url(reference_case, pdf=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)  # the stored file, sent as it is stored
    assert content.startswith(b"%PDF-")
    assert 'filename="UPPFOLJNING-T1-2012-PM-2012-3-RI.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Tertialrapport 1 2012" in text
    assert "EJ GODKÄND" in text
    assert "Driftbudget" in text
    # The job ran where it was queued (the tests' jobs run in place); the page now offers the file.
    clerk_page = client_for(clerk).get(url(reference_case)).content.decode()
    assert f'href="{url(reference_case, pdf=True)}" download>Ladda ner PDF (revision {revision})' in clerk_page

    # Approved, of a decided plan: everyone's, and any cache may keep it.
    filled_report(reference_case, approve=True)
    Case.objects.filter(pk=reference_case.pk).update(
        status=Case.Status.DECIDED, decided_on=datetime.date(2012, 1, 25),
    )
    public = client_for(None).get(url(reference_case, pdf=True))
    assert public.status_code == 200 and b"".join(public.streaming_content).startswith(b"%PDF-")
    assert "public" in public["Cache-Control"]
    assert client_for(None).get(url(reference_case, pdf=True), HTTP_IF_NONE_MATCH=public["ETag"]).status_code == 304


@pytest.mark.parametrize("period", [PeriodKind.T1])
def test_the_page_takes_as_many_queries_for_a_plan_nine_times_larger(period, django_assert_num_queries):
    """20: the session, the user, their roles, the report, followup_document's 13, the
    report's own two (registry numbers, the earlier periods' outcomes for the charts) and where
    its PDF is (pdf_jobs.report_pdf_state)."""
    small, large = build_plan(size=1), build_plan(size=3)
    filled_report(small, period)
    filled_report(large, period)
    admin = user_with("administrator")
    client = client_for(admin)
    client.get(url(small))  # the session and the user's roles, read once for a first request
    with django_assert_num_queries(REPORT_PAGE_QUERIES) as small_queries:
        small_html = client.get(url(small)).content.decode()
    with django_assert_num_queries(len(small_queries)):
        large_html = client.get(url(large)).content.decode()
    # The larger plan really is on the page: 2·27 indicators, against 2·1.
    assert large_html.count('<tr>\n        <th scope="row">') > small_html.count('<tr>\n        <th scope="row">')
    assert text_of(large_html).count("Uppfyllt") > 9 * 2
    print(f"report page: {len(small_queries)} queries")


def test_charts_follow_the_indicator_over_the_periods(reference_case):
    t1 = filled_report(reference_case, PeriodKind.T1, approve=True)
    t2 = filled_report(reference_case, PeriodKind.T2)
    name = "Företagens nöjdhet med effektiviteten"
    IndicatorOutcome.objects.filter(report=t1, indicator__name=name).update(value=Decimal("61"))
    IndicatorOutcome.objects.filter(report=t2, indicator__name=name).update(value=Decimal("64"))

    document = followup_report_document(report=t2)
    chart = next(entry.chart for section in document.sections for entry in section.indicators
                 if entry.line.name == name)
    assert chart.description == (
        "Utfall T1: 61 (förra året 65); T2: 64 (förra året 65); Helår: –. Årsmål 66."
    )
    assert [bar.value_text for slot in chart.slots for bar in slot.bars if bar.kind == "outcome"] == ["61", "64"]
    # The target line is above both bars: the higher the value, the smaller y.
    outcome_bars = [bar for slot in chart.slots for bar in slot.bars if bar.kind == "outcome"]
    assert chart.target_y < outcome_bars[1].y < outcome_bars[0].y
    # The target's label stands above the plot, clear of every bar's figure (9 px high text).
    figures = [bar.label_y for slot in chart.slots for bar in slot.bars]
    assert all(chart.target_label_y < label_y - 9 for label_y in figures)
    assert chart.target_label_y < chart.plot_top
    # The T1 report, approved, shows T1 only: what it was when approved.
    first = followup_report_document(report=t1)
    chart = next(entry.chart for section in first.sections for entry in section.indicators
                 if entry.line.name == name)
    assert chart.description.startswith("Utfall T1: 61 (förra året 65); T2: –; Helår: –.")


def test_export_followup_writes_the_report_and_names_what_is_missing(reference_case, tmp_path):
    filled_report(reference_case, demonstration_note=NOTE)
    output = tmp_path / "t1.html"
    out = StringIO()
    call_command("export_followup", "112-2321/2011", "--period", "T1", "--format", "html",
                 "--output", str(output), stdout=out)
    html = output.read_text(encoding="utf-8")
    assert "Tertialrapport 1 2012" in html
    assert NOTE in html
    assert "<style>" in html and "status-mark--met" in html  # stylesheets inside the file
    assert "skrevs till" in out.getvalue()

    with pytest.raises(CommandError, match="Okänd period ”T4”: ange T1, T2 eller Helår."):
        call_command("export_followup", "112-2321/2011", "--period", "T4", "--output", str(output))
    with pytest.raises(CommandError, match="har ingen uppföljning för Helår 2012"):
        call_command("export_followup", "112-2321/2011", "--period", "Helår", "--output", str(output))
    with pytest.raises(CommandError, match="Inget ärende har diarienummer 1-1/2011"):
        call_command("export_followup", "1-1/2011", "--period", "T1", "--output", str(output))


def test_the_demonstration_fixture_reads_as_a_report_that_says_it_is_invented(reference_case):
    call_command("loaddata", "reference_2012_followup", verbosity=0)
    reader = user_with("reader", reference_case.board)

    html = client_for(reader).get(url(reference_case)).content.decode()

    assert "Påhittade uppgifter." in html
    assert "De är inte Stockholms stads utfall och får inte citeras." in html
    assert "Tertialrapport 1 2012" in html
    # Every indicator of the reference plan, each with a status mark.
    table_rows = sum(
        table.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")
        for table in html.split('class="data-table indicator-table followup-indicators"')[1:]
    )
    report = FollowUpReport.objects.get(case=reference_case, period__kind="T1")
    indicators = len(followup_document(report=report).indicators)
    assert table_rows == indicators == 31
    assert html.count('<td class="status"><span class="status-mark') >= indicators
    city = client_for(reader).get(reverse("cases:city_followup", args=[2012, "t1"])).content.decode()
    assert reference_case.board.name in city


def test_what_the_board_wrote_is_shown_as_text_never_as_markup(reference_case):
    from followup.models import GoalAssessment
    from goals.models import Indicator

    report = filled_report(reference_case)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    IndicatorOutcome.objects.filter(report=report).update(comment=evil)
    GoalAssessment.objects.filter(report=report).update(analysis=evil)
    # An indicator's name goes into its chart's <title> and <desc> as well.
    Indicator.objects.filter(name="Företagens nöjdhet med effektiviteten").update(name=f"Nöjdhet {evil}")

    html = client_for(user_with("reader", reference_case.board)).get(url(reference_case)).content.decode()

    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<title id="diagram-indikator-' in html and "Nöjdhet &lt;script&gt;" in html


def test_the_report_pdf_reads_its_charts_as_html5_does_and_draws_them(reference_case, settings, tmp_path):
    """The PDF's markup goes through the standard library's parser (budgetplan.document.pdf): the
    charts' inline SVG must come out in the SVG namespace with its names' case (viewBox,
    patternUnits), as WeasyPrint's own HTML5 parser gives it, or WeasyPrint draws no chart."""
    import tinyhtml5
    from django.template.loader import render_to_string

    from budgetplan.document.followup_report import REPORT_PDF_TEMPLATE, render_report_pdf
    from budgetplan.document.pdf import parse_template_html

    settings.PDF_RENDER_LOCK_DIR = str(tmp_path)
    document = followup_report_document(report=filled_report(reference_case, PeriodKind.T1))
    html = render_to_string(REPORT_PDF_TEMPLATE, {"doc": document, "created": document.created})

    def elements(root):
        return [(element.tag, sorted(element.attrib.items()), (element.text or "").strip(),
                 (element.tail or "").strip()) for element in root.iter()]

    ours = elements(parse_template_html(html))
    assert ours == elements(tinyhtml5.parse(html, namespace_html_elements=False))
    svg = "{http://www.w3.org/2000/svg}"
    assert sum(tag == f"{svg}svg" for tag, *_ in ours) > 3
    assert any(tag == f"{svg}pattern" and ("patternUnits", "userSpaceOnUse") in attributes
               for tag, attributes, *_ in ours)

    chart = next(entry.chart for section in document.sections for entry in section.indicators
                 if entry.chart and entry.chart.target_text)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_report_pdf(document))).pages)
    flat = " ".join(text.replace("\u00a0", " ").split())
    assert f"Årsmål {chart.target_text}".replace("\u00a0", " ") in flat  # the chart's own label
    # Drawn as SVG, not laid out as text: <desc> is for screen readers and stays out of the page.
    assert " ".join(chart.description.replace("\u00a0", " ").split()) not in flat

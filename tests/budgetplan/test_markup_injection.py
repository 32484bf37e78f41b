"""Text people type cannot become markup: every free-text field of a case holds a script tag and
an attribute break-out, and the page shows them escaped and the PDF as the literal text typed."""
import io
import re

import pytest
from django.db import models
from django.urls import reverse
from pypdf import PdfReader

from budgetplan.access.ownership import CASE_ID_PATHS
from budgetplan.cases.models import Board, Case
from goals.models import Activity, CouncilGoal, Indicator, StrategicGoal
from reservations.models import Party, Person, Reservation
from tests.budgetplan.plan_builder import build_plan

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
# Identifiers rather than text, or text with a format of its own, and never free text to escape.
NOT_FREE_TEXT = {"memo_rotel", "number", "abbreviation"}
# Names that label a record in the admin; the document prints the record's text, not them.
NOT_ON_THE_PAGE = {"Investment.purpose", "ResultUnit.name", "Board.office"}
# A figure's name labels it in the admin and the workbook; the point prints its amount.
NOT_ON_THE_PAGE |= {"Figure.name"}
# The board as named at the decision, shown instead of Board.name once the case is decided.
NOT_ON_THE_PAGE |= {"Case.decided_board_name", "Case.decided_board_office"}
# Shown in an attribute (the party's name as the title of its abbreviation), not as printed text.
ATTRIBUTES_ONLY = {"Party.name"}
# A figure's name is the clerk's, in the admin; the page prints the sum it quotes, not its name.
NOT_ON_THE_PAGE |= {"Figure.name"}


def free_text_fields(model) -> list[str]:
    return [
        field.name for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and not field.choices and field.name not in NOT_FREE_TEXT
    ]


def fill_every_free_text_field(case: Case) -> dict[int, str]:
    """Store both payloads (numbered, to find each again) in every free-text field the case's
    document shows, its own records' and the shared ones'; returns number -> "Model.field"."""
    targets = [(model, model.objects.filter(**{path: case.pk})) for model, path in CASE_ID_PATHS.items()]
    targets += [
        (Board, Board.objects.filter(pk=case.board_id)),
        (StrategicGoal, StrategicGoal.objects.filter(year=case.budget_year)),
        (CouncilGoal, CouncilGoal.objects.filter(plans__case=case)),
        (Indicator, Indicator.objects.filter(plans__case=case)),
        (Activity, Activity.objects.filter(board_goal__case=case)),
        (Activity, Activity.objects.filter(council_goal__plans__case=case, assigned_board=case.board)),
        (Person, Person.objects.filter(reservations__case=case)),
        (Party, Party.objects.filter(people__reservations__case=case)),
    ]
    filled: dict[int, str] = {}
    for model, queryset in targets:
        for pk in set(queryset.values_list("pk", flat=True)):
            names = free_text_fields(model)
            if model is Reservation and Reservation.objects.filter(pk=pk, refers_to__isnull=False).exists():
                continue  # a reservation "med hänvisning" has no text of its own
            values = {}
            for name in names:
                field = model._meta.get_field(name)
                number = len(filled) + 1
                filled[number] = f"{model.__name__}.{name}"
                text = f"{SCRIPT}{BREAKOUT} [{number}]"
                if field.max_length and len(text) > field.max_length:
                    text = text[:field.max_length]
                if name in ("text",) and model.__name__ == "DecisionPoint":
                    text = text.replace("{", "(")
                values[name] = text
            # Straight to the database: this is what any path could have stored.
            model.objects.filter(pk=pk).update(**values)
    return filled


def test_every_free_text_field_is_escaped_on_the_page_and_literal_in_the_pdf(admin_client):
    case = build_plan(size=1)
    filled = fill_every_free_text_field(case)
    assert len(filled) > 40

    html = admin_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    pdf = admin_client.get(reverse("cases:pdf", args=[case.pk]))

    # The only script is the PDF's status script, by URL (budgetplan.document.pdf_jobs).
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/pdf-status.js" defer>']
    assert "<script" not in re.sub(r'<script src="/static/js/pdf-status.js" defer></script>', "", html).lower()
    assert "<img" not in html.lower()
    assert "onerror=alert(1)>" not in html  # never an attribute break-out left open
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt; "
    shown = {int(number) for number in re.findall(re.escape(escaped) + r"\[(\d+)\]", html)}
    assert {filled[n] for n in set(filled) - shown} <= NOT_ON_THE_PAGE

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
    text = re.sub(r"\s+", "", text)
    literal = re.sub(r"\s+", "", SCRIPT + BREAKOUT)
    in_pdf = {int(number) for number in re.findall(re.escape(literal) + r"\[(\d+)\]", text)}
    assert {filled[n] for n in set(filled) - in_pdf} <= NOT_ON_THE_PAGE | ATTRIBUTES_ONLY

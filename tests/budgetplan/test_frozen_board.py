"""A decided case reads the same forever, also when its board is renamed (issue 9, item 9)."""
import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from budgetplan.cases.models import Case
from budgetplan.document import lifecycle
from tests import factories
from tests.admin_forms import read_form
from tests.budgetplan.roles import client_for, decide

pytestmark = pytest.mark.django_db

BEFORE, OFFICE_BEFORE = "Kommunfullmäktige m.m.", "Stadsledningskontoret"
AFTER, OFFICE_AFTER = "Kommunstyrelsen och fullmäktige", "Stadsledningsförvaltningen"


@pytest.fixture
def root():
    return User.objects.create_superuser("root", first_name="Rut", last_name="Rot")


def rename_board(root, board) -> None:
    """As an administrator does: the board's page in the admin."""
    client = client_for(root)
    url = reverse("admin:budgetplan_board_change", args=[board.pk])
    data = read_form(client, url)
    data.update(name=AFTER, office=OFFICE_AFTER)
    assert client.post(url, data).status_code == 302
    board.refresh_from_db()
    assert (board.name, board.office) == (AFTER, OFFICE_AFTER)


def workbook_board(response) -> tuple[str, str]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                    if response.streaming else response.content))["Ärende"]
    header = [cell.value for cell in sheet[1]]
    values = [cell.value for cell in sheet[2]]
    return values[header.index("Nämnd")], values[header.index("Förvaltning")]


def test_renaming_the_board_leaves_a_decided_case_as_it_was_decided(root):
    board = factories.BoardFactory(name=BEFORE, office=OFFICE_BEFORE)
    case = factories.RegistryNumberFactory(case__board=board).case
    draft = factories.RegistryNumberFactory(case__board=board).case
    decide(case)
    anonymous, staff = client_for(None), client_for(root)
    page = reverse("cases:detail", args=[case.pk])
    assert BEFORE in anonymous.get(page).content.decode()  # and now in the public page cache

    rename_board(root, board)
    cache.clear()  # what follows is rendered anew, not the cached page

    for client in (anonymous, staff):
        for url in (page, reverse("cases:changes", args=[case.pk])):
            text = client.get(url).content.decode()
            assert BEFORE in text and AFTER not in text, url
        index = client.get(reverse("cases:index")).content.decode()
        decided_item = index.split(f'href="{page}"', 1)[1].split("</li>", 1)[0]
        assert BEFORE in decided_item and AFTER not in decided_item
        workbook = client.get(reverse("cases:workbook", args=[case.pk]))
        assert workbook_board(workbook) == (BEFORE, OFFICE_BEFORE)
    # A draft, and a new version of the decided case, are the board's as it is now.
    assert AFTER in staff.get(reverse("cases:detail", args=[draft.pk])).content.decode()
    new = lifecycle.case_new_version(case=Case.objects.get(pk=case.pk), user=root)
    assert AFTER in staff.get(reverse("cases:detail", args=[new.pk])).content.decode()


def test_the_pdf_of_a_case_decided_before_pdfs_were_stored_keeps_the_name_too(root):
    board = factories.BoardFactory(name=BEFORE, office=OFFICE_BEFORE)
    case = factories.RegistryNumberFactory(case__board=board).case
    # Decided before the decision stored a PDF: its PDF is rendered from the records.
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.DECIDED, decided_on=datetime.date(2012, 1, 25),
        decided_board_name=BEFORE, decided_board_office=OFFICE_BEFORE,
    )
    rename_board(root, board)

    response = client_for(None).get(reverse("cases:pdf", args=[case.pk]))

    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert BEFORE in text and AFTER not in text
    assert reader.metadata.author == OFFICE_BEFORE


@pytest.mark.django_db(transaction=True)
def test_the_migration_freezes_the_board_of_cases_decided_before_it():
    executor = MigrationExecutor(connection)
    before = [("budgetplan", "0006_case_fields_named_arende")]
    latest = executor.loader.graph.leaf_nodes("budgetplan")
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        board = old.get_model("budgetplan", "Board").objects.create(name=BEFORE, office=OFFICE_BEFORE)
        make = old.get_model("budgetplan", "Case").objects.create
        decided = make(memo_year=2011, memo_serial=1, memo_rotel="RI", title="Beslutat", budget_year=2011,
                       board=board, status="decided", decided_on=datetime.date(2011, 1, 25))
        draft = make(memo_year=2012, memo_serial=1, memo_rotel="RI", title="Utkast", budget_year=2012,
                     board=board)

        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes())

    decided, draft = Case.objects.get(pk=decided.pk), Case.objects.get(pk=draft.pk)
    assert (decided.decided_board_name, decided.decided_board_office) == (BEFORE, OFFICE_BEFORE)
    assert (draft.decided_board_name, draft.decided_board_office) == ("", "")

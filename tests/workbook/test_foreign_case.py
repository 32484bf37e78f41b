"""A workbook naming the Dnr of a draft the uploader may not read is answered as an unknown Dnr.

The staleness refusal lists a case's latest changes (who, when, old and new values), and a
refused change says that the case belongs to another board: either would tell an outsider that
the draft exists and what is in it. Each test uploads the same workbook bytes twice, once while
the Dnr belongs to another board's draft and once after that Dnr has left the registry, and
compares the whole pages.
"""
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from budgetplan.cases.models import Board, Case, RegistryNumber
from budgetplan.document.workbook import export_case_workbook
from budgetplan.kernel.services import record_save
from finance.models import OperatingBudgetRow
from tests.budgetplan.roles import client_for, user_with
from tests.workbook.helpers import column_of, database_state, edit, set_cell
from tests.workbook.test_views import IMPORT_URL, token_of, upload

DNR = "112-2321/2011"


@pytest.fixture
def stale_foreign_workbook(reference_case) -> bytes:
    """The reference draft's workbook, exported before its board changed a figure."""
    workbook = export_case_workbook(reference_case)
    anna = User.objects.create_superuser("anna", first_name="Anna", last_name="Andersson")
    row = OperatingBudgetRow.objects.get(frame__case=reference_case, department="Stadsledning")
    row.costs += Decimal("5.0")
    record_save(instance=row, user=anna)
    return workbook


@pytest.fixture
def outsider(reference_case):
    """An editor of another board: the reference case is a draft they may not read."""
    return client_for(user_with("editor", Board.objects.create(name="Utbildningsnämnden")))


def comparable(response) -> str:
    """The page without what differs between any two requests (the form tokens)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'name="token" value="[^"]+"', 'name="token"', html)


def forget_the_dnr(case: Case) -> None:
    """The Dnr leaves the registry, so that it is a truly unknown one; the case stays."""
    RegistryNumber.objects.filter(case=case, number=DNR).update(number="999-9999/2011")


def test_a_foreign_draft_answers_exactly_as_an_unknown_dnr(reference_case, stale_foreign_workbook, outsider):
    before = database_state()

    foreign = upload(outsider, stale_foreign_workbook)
    page = foreign.content.decode()
    forget_the_dnr(reference_case)
    unknown = upload(outsider, stale_foreign_workbook)

    assert foreign.status_code == unknown.status_code == 200
    assert comparable(foreign) == comparable(unknown)
    # nothing of the draft: not that it changed, not who changed it, not its figures
    assert "Ärendet har ändrats sedan arbetsboken togs ut" not in page
    assert "Anna Andersson" not in page and "Stadsledning”" not in page
    assert database_state() == before


def test_a_new_case_under_a_foreign_drafts_dnr_previews_as_new_and_is_refused_on_confirm(
    reference_case, stale_foreign_workbook,
):
    own_board = Board.objects.create(name="Utbildningsnämnden", office="Utbildningsförvaltningen")
    outsider_clerk = client_for(user_with("clerk", own_board))

    def as_own_new_case(book):
        sheet = book["Ärende"]
        set_cell(sheet, 2, "Nämnd", own_board.name)
        set_cell(sheet, 2, "Förvaltning", own_board.office)
        set_cell(sheet, 2, "PM-nr", 44)
        set_cell(sheet, 2, "Status", "Utkast")  # a new case starts as a draft
        # the council's activities assigned to the board are the administrators' to add
        activities = book["Aktiviteter"]
        board_goal = column_of(activities, "Nämndmål")
        for number in range(activities.max_row, 1, -1):
            if activities.cell(row=number, column=board_goal).value is None:
                activities.delete_rows(number)

    workbook = edit(stale_foreign_workbook, as_own_new_case)
    before = database_state()

    foreign = upload(outsider_clerk, workbook)
    token = token_of(foreign)
    refused = outsider_clerk.post(IMPORT_URL, {"step": "confirm", "token": token})

    assert "PM 2012:44 RI Budget/verksamhetsplan 2012 för Kommunfullmäktige m.m. skapas" in foreign.content.decode()
    page = refused.content.decode()
    assert refused.status_code == 200
    assert f"Diarienumret {DNR} är redan upptaget i diariet" in page
    assert "Anna Andersson" not in page and "Ärendet har ändrats sedan" not in page
    assert database_state() == before

    forget_the_dnr(reference_case)
    unknown = upload(outsider_clerk, workbook)
    assert comparable(foreign) == comparable(unknown)

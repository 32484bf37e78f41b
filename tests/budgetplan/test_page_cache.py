"""Decided cases are rendered once and served from the cache; drafts are never served stale."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from budgetplan.access import permissions
from budgetplan.cases.models import BoardMembership, Case
from budgetplan.kernel.services import record_save
from finance.models import OperatingBudgetRow

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def decide(case: Case) -> None:
    # Straight to the database: this test is about reading a decided case, not deciding one
    # (tests/budgetplan/test_lifecycle.py covers the transition and its stored PDF).
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.DECIDED, decided_on=datetime.date(2012, 1, 25),
    )


def test_decided_case_page_is_rendered_once_then_served_without_a_query(
    client, reference_case, django_assert_num_queries, django_assert_max_num_queries,
):
    decide(reference_case)
    url = reverse("cases:detail", args=[reference_case.pk])
    with django_assert_max_num_queries(25):  # the page's bound (test_case_page.CASE_PAGE_QUERIES)
        first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    assert f"1{NBSP}301,4" in second.content.decode()


def test_a_logged_in_reader_gets_the_page_rendered_for_them(client, admin_client, reference_case):
    decide(reference_case)
    url = reverse("cases:detail", args=[reference_case.pk])
    assert "Logga in" in client.get(url).content.decode()  # the public's page, now cached
    page = admin_client.get(url).content.decode()
    assert "Logga ut" in page and "Logga in" not in page


def test_an_edited_draft_shows_the_change_on_the_next_request(admin_client, reference_draft):
    url = reverse("cases:detail", args=[reference_draft.pk])
    assert f"1{NBSP}301,4" in admin_client.get(url).content.decode()
    row = OperatingBudgetRow.objects.get(frame__case=reference_draft, department="Stadsledning")
    row.costs = Decimal("66.1")
    record_save(instance=row)
    page = admin_client.get(url).content.decode()
    assert f"1{NBSP}311,4" in page
    assert f"1{NBSP}358,0" in page


def test_a_board_member_reads_a_draft_in_at_most_30_queries(
    client, reference_draft, django_user_model, django_assert_max_num_queries,
):
    clerk = django_user_model.objects.create_user("sekreterare", password="x-lösen-123")
    clerk.groups.add(Group.objects.get(name=permissions.CLERK))
    BoardMembership.objects.create(user=clerk, board=reference_draft.board)
    client.force_login(clerk)
    # 25, and the case's subjects (1), its budget adjustments, figures and quotes (3) and where its
    # background PDF is (1)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("cases:detail", args=[reference_draft.pk]))
    assert response.status_code == 200
    assert "Ärendets gång" in response.content.decode()


def test_a_draft_pdf_is_rendered_once_per_revision(admin_client, reference_draft, monkeypatch):
    from budgetplan.document import exports

    renders = []
    monkeypatch.setitem(
        exports.EXPORTERS, "pdf", lambda document: renders.append(document) or b"%PDF-1.7 test",
    )
    url = reverse("cases:pdf", args=[reference_draft.pk])
    admin_client.get(url)
    admin_client.get(url)
    assert len(renders) == 1
    row = OperatingBudgetRow.objects.get(frame__case=reference_draft, department="Stadsledning")
    row.costs = Decimal("66.1")
    record_save(instance=row)
    admin_client.get(url)
    assert len(renders) == 2


def test_a_drafts_page_is_never_cached_for_the_public(client, reference_draft):
    url = reverse("cases:detail", args=[reference_draft.pk])
    assert client.get(url).status_code == 404
    decide(reference_draft)
    assert client.get(url).status_code == 200

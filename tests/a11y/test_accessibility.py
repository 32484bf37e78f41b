"""WCAG 2.1 AA checks with axe-core in headless Chromium on the pages people read."""
import pytest

from .browsing import axe_violations


@pytest.fixture
def clerk_session(reference_case):
    """The session cookie of the reference board's clerk, who reads the draft and sees the forms
    that move it on: the page as its most complete."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from budgetplan.cases.models import BoardMembership

    clerk = User.objects.create_user("sekreterare-a11y")
    # The live server's tests flush the database, the migrations' groups with it.
    clerk.groups.add(Group.objects.get_or_create(name="Nämndsekreterare")[0])
    BoardMembership.objects.create(user=clerk, board=reference_case.board)
    client = Client()
    client.force_login(clerk)
    return client.cookies["sessionid"].value


@pytest.mark.parametrize("width", [1280, 390])
def test_index_page_has_no_wcag_violations(browser, live_server, clerk_session, width):
    assert axe_violations(browser, live_server.url + "/", width, clerk_session) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_case_page_has_no_wcag_violations(browser, live_server, reference_case, clerk_session, width):
    url = f"{live_server.url}/arenden/{reference_case.pk}/"
    assert axe_violations(browser, url, width, clerk_session) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_a_drafts_page_with_its_draft_mark_has_no_wcag_violations(
    browser, live_server, reference_draft, clerk_session, width,
):
    url = f"{live_server.url}/arenden/{reference_draft.pk}/"
    assert axe_violations(browser, url, width, clerk_session) == []

"""WCAG 2.1 AA checks with axe-core in headless Chromium on the pages people read."""
import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium saknas: scripts/test.sh ska installera Debians chromium.")
        pytest.skip("Chromium is not installed on this machine")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test data is loaded from the
    # same thread while no request is served concurrently, which Django allows when told so.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


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


def axe_violations(browser, url: str, width: int, session: str | None = None) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 900})
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": url}])
    page = context.new_page()
    try:
        response = page.goto(url)
        assert response.status == 200, f"{url} svarade {response.status}"
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    finally:
        page.close()
        context.close()
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} st, t.ex. "
        f"{violation['nodes'][0]['target']})"
        for violation in result.response["violations"]
    ]


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

"""Helpers of the accessibility tests: a logged-in session for a browser, axe-core on a page."""

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def session_cookie(user) -> str:
    """The session cookie of `user` logged in, for a browser context."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def axe_page_violations(page) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations on the page as it stands, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} st, t.ex. "
        f"{violation['nodes'][0]['target']})"
        for violation in result.response["violations"]
    ]


def axe_violations(browser, url: str, width: int, session: str | None = None) -> list[str]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": url}])
    page = context.new_page()
    try:
        response = page.goto(url)
        assert response.status == 200, f"{url} svarade {response.status}"
        return axe_page_violations(page)
    finally:
        page.close()
        context.close()

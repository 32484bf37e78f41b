"""WCAG 2.1 AA checks with axe-core on the follow-up form, filled with the demonstration data."""
import pytest
from django.core.management import call_command

from .browsing import axe_violations
from .test_accessibility import clerk_session  # noqa: F401 - fixture


@pytest.mark.parametrize("width", [1280, 390])
def test_the_follow_up_form_has_no_wcag_violations(browser, live_server, reference_case, clerk_session, width):
    call_command("loaddata", "reference_2012_followup", verbosity=0)
    url = f"{live_server.url}/arenden/{reference_case.pk}/uppfoljning/T1/"
    assert axe_violations(browser, url, width, clerk_session) == []

"""WCAG 2.1 AA checks (axe-core, headless Chromium) on the follow-up report and the city page."""
import pytest
from django.core.management import call_command

from .browsing import axe_violations
from .test_accessibility import clerk_session  # noqa: F401 - fixture


@pytest.fixture
def followup_loaded(reference_case):
    call_command("loaddata", "reference_2012_followup", verbosity=0)
    return reference_case


@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_page_has_no_wcag_violations(browser, live_server, followup_loaded, clerk_session, width):
    url = f"{live_server.url}/arenden/{followup_loaded.pk}/uppfoljning/t1/rapport/"
    assert axe_violations(browser, url, width, clerk_session) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_city_pages_have_no_wcag_violations(browser, live_server, followup_loaded, clerk_session, width):
    from followup.models import FollowUpReport
    from goals.models import CouncilGoal

    assert FollowUpReport.objects.exists()
    assert axe_violations(browser, f"{live_server.url}/uppfoljning/2012/t1/", width, clerk_session) == []
    goal = CouncilGoal.objects.filter(strategic_goal__year=2012).first()
    url = f"{live_server.url}/uppfoljning/2012/t1/mal/{goal.pk}/"
    assert axe_violations(browser, url, width, clerk_session) == []

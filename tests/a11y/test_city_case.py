"""A city-wide case with two subjects in a real browser: its page passes the WCAG checks, and the
arrows in the admin move an attachment (the button posts its own small form, HTML's form
attribute, which only a browser shows to work)."""
import pytest
from django.contrib.auth.models import User
from django.test import Client

from budgetplan.cases.models import Attachment, Board, Case, DecisionPoint, RegistryNumber, Subject
from tests.a11y.browsing import axe_violations


@pytest.fixture
def city_case(db):
    Board.objects.create(name="Kommunstyrelsen", office="Stadsledningskontoret", city_office=True)
    case = Case.objects.create(owner=Case.Owner.CITY, board=None, memo_year=2012, memo_serial=14,
                               memo_rotel="RI", title="Tertialrapport 1 2012", budget_year=2012)
    first = Subject.objects.create(case=case, order=1, title="Tertialrapport 1 med budgetjusteringar")
    second = Subject.objects.create(case=case, order=2, title="Omslutningsförändringar 2012")
    RegistryNumber.objects.create(case=case, subject=first, number="112-900/2012", order=1)
    RegistryNumber.objects.create(case=case, subject=second, number="112-1100/2011", order=2)
    Attachment.objects.create(case=case, number=1, title="Budgetjusteringar per nämnd")
    Attachment.objects.create(case=case, number=2, title="Omslutningsförändringar per nämnd")
    DecisionPoint.objects.create(case=case, subject=first, number=1,
                                 text="Budgetjusteringarna beviljas enligt bilaga 1.")
    DecisionPoint.objects.create(case=case, subject=second, number=2,
                                 text="Omslutningsförändringarna godkänns enligt bilaga 2.")
    return case


@pytest.fixture
def superuser_session(db):
    client = Client()
    client.force_login(User.objects.create_superuser("granskare-a11y", password="pw"))
    return client.cookies["sessionid"].value


@pytest.mark.parametrize("width", [1280, 390])
def test_a_city_case_with_subjects_has_no_wcag_violations(
    browser, live_server, city_case, superuser_session, width,
):
    url = f"{live_server.url}/arenden/{city_case.pk}/"
    assert axe_violations(browser, url, width, superuser_session) == []


def test_the_arrow_moves_an_attachment_and_its_references(
    browser, live_server, city_case, superuser_session,
):
    url = f"{live_server.url}/admin/budgetplan/case/{city_case.pk}/change/"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # For the whole site: the arrow posts to the case's move URL, not to this page.
    context.add_cookies([
        {"name": "sessionid", "value": superuser_session, "url": live_server.url + "/"},
    ])
    page = context.new_page()
    try:
        page.goto(url)
        with page.expect_navigation():
            page.get_by_role("button", name="Flytta Bilaga 1 Budgetjusteringar per nämnd ned").click()
        landed = page.url
        assert page.locator(".messagelist").count(), (landed, page.content()[:1500])
        notice = page.locator(".messagelist").inner_text()
    finally:
        page.close()
        context.close()

    assert landed == f"{url}#attachments-group"
    assert "flyttades ned" in notice
    assert dict(city_case.attachments.values_list("number", "title")) == {
        1: "Omslutningsförändringar per nämnd", 2: "Budgetjusteringar per nämnd"}
    assert list(city_case.decision_points.order_by("number").values_list("text", flat=True)) == [
        "Budgetjusteringarna beviljas enligt bilaga 2.",
        "Omslutningsförändringarna godkänns enligt bilaga 1.",
    ]

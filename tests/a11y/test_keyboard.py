"""A board editor writes a plan in the admin with the keyboard alone, in headless Chromium.

No clicks: the test presses Tab, Shift+Tab, Enter and Space and types, as a person who does not
use a mouse would, and finds its way by the accessible names the fields are read by. Focus must be
visible at every field it stops at, and after a save it must be on the message that says what
happened.
"""
import datetime

from tests.budgetplan.roles import user_with

from .browsing import session_cookie

FOCUSED = r"""() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    classes: element.className || "",
    name: element.getAttribute("name") || "",
    label: element.getAttribute("aria-label") || "",
    text: (element.textContent || element.value || "").replace(/\s+/g, " ").trim().slice(0, 200),
    outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, wanted, *, limit=400, backwards=False) -> int:
    """Press Tab (or Shift+Tab) until the focused element is the wanted one; how many presses.
    Every element on the way shows where the focus is."""
    trail = []
    for presses in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = focused(page)
        trail.append(now["label"] or now["text"][:40] or now["tag"])
        assert now["outline"] >= 2, f"Fokus syns inte på {now}; dessförinnan {trail[-8:]}"
        if wanted(now):
            return presses
    raise AssertionError(f"Nådde inte fram med {limit} tryck på Tab; på vägen {trail[-8:]}")


def labelled(label: str):
    return lambda element: element["label"] == label


def text_is(text: str):
    return lambda element: element["text"] == text


def save_and_read_message(page) -> dict:
    """Enter on the focused save button; after the page has loaded, what has the focus."""
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    now = focused(page)
    assert now["outline"] >= 2, f"Fokus syns inte på meddelandet: {now} " + page.evaluate(
        "() => [document.querySelector('#meddelanden, .errornote')?.outerHTML,"
        " [...document.scripts].map((s) => s.src).join(' ')].join(' | ')"
    )
    return now


def skip_to_content(page) -> None:
    """The admin's first tab stop jumps past its header and side menu."""
    tab_to(page, lambda element: "skip-to-content-link" in element["classes"], limit=3)
    page.keyboard.press("Enter")


def test_an_editor_changes_a_plan_with_the_keyboard_alone(
    browser, live_server, roles, reference_draft,
):
    from budgetplan.cases.models import DecisionPoint
    from finance.models import OperatingBudgetRow
    from goals.models import Activity, BoardGoal

    case = reference_draft
    editor = user_with("editor", case.board)
    # Board goal 1 under council goal 3.1: nine activities, a table that starts folded.
    goal = BoardGoal.objects.get(
        case=case, council_goal__strategic_goal__number=3, council_goal__number=1, order=1,
    )
    activities = Activity.objects.filter(board_goal=goal).count()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session_cookie(editor), "url": live_server.url}])
    page = context.new_page()
    try:
        # 1. A decision point's text, reached by the list of the page's parts.
        page.goto(f"{live_server.url}/admin/budgetplan/case/{case.pk}/change/")
        skip_to_content(page)
        tab_to(page, text_is("Beslutspunkter"))
        page.keyboard.press("Enter")
        tab_to(page, labelled("Text, beslutspunkt 2"))
        page.keyboard.press("Control+End")
        page.keyboard.type(" Ändrat med tangentbordet.")
        # The long tables after it are folded: the save button is near, not hundreds of fields on.
        presses = tab_to(page, lambda element: element["name"] == "_continue")
        assert presses < 80
        message = save_and_read_message(page)
        assert message["id"] == "meddelanden"
        assert message["text"].startswith("Ändrade ärende")
        assert DecisionPoint.objects.get(case=case, number=2).text.endswith(
            " Ändrat med tangentbordet."
        )

        # 2. An activity with its dates under a board goal, in its folded table.
        page.goto(f"{live_server.url}/admin/goals/boardgoal/{goal.pk}/change/")
        skip_to_content(page)
        tab_to(page, lambda element: element["tag"] == "summary"
               and element["text"].startswith("Nämndens aktiviteter"))
        page.keyboard.press("Enter")  # opens the table
        tab_to(page, lambda element: element["text"].startswith("Lägg till ytterligare"))
        page.keyboard.press("Enter")
        row = f"aktivitet {activities + 1} under nämndmål 1 till mål 3.1"
        tab_to(page, labelled(f"Ordning, {row}"), backwards=True)
        page.keyboard.type(str(activities + 1))
        tab_to(page, labelled(f"Aktivitet, {row}"))
        page.keyboard.type("Tillgänglighetsgranska stadens interna tjänster.")
        tab_to(page, labelled(f"Startdatum, {row}"))
        page.keyboard.type("2012-02-01")
        tab_to(page, labelled(f"Slutdatum, {row}"))
        page.keyboard.type("2012-11-30")
        tab_to(page, lambda element: element["name"] == "_continue")
        message = save_and_read_message(page)
        assert message["id"] == "meddelanden", message
        added = Activity.objects.get(
            board_goal=goal, text="Tillgänglighetsgranska stadens interna tjänster.",
        )
        assert (added.start_date, added.end_date) == (
            datetime.date(2012, 2, 1), datetime.date(2012, 11, 30),
        )

        # 3. A budget row removed: its delete box, named by its row, ticked with Space.
        frame = case.financial_frame
        page.goto(f"{live_server.url}/admin/finance/financialframe/{frame.pk}/change/")
        skip_to_content(page)
        tab_to(page, lambda element: element["tag"] == "summary"
               and element["text"].startswith("Rader i driftbudgeten"))
        page.keyboard.press("Enter")
        # An opened table starts with a way past it.
        tab_to(page, text_is("Hoppa förbi rader i driftbudgeten"), limit=1)
        tab_to(page, labelled("Radera, rad 12 i driftbudgeten"))
        page.keyboard.press("Space")
        tab_to(page, lambda element: element["name"] == "_continue")
        message = save_and_read_message(page)
        assert message["id"] == "meddelanden", message
        assert not OperatingBudgetRow.objects.filter(frame=frame, department="Bidrag").exists()
        assert OperatingBudgetRow.objects.filter(frame=frame).count() == 13

        # 4. A refusal from the services is said where the focus lands, too: an editor may not
        # send the case on to the board (only its clerk may).
        page.goto(f"{live_server.url}/admin/budgetplan/case/")
        skip_to_content(page)
        tab_to(page, lambda element: element["name"] == "action")
        page.keyboard.type("Skicka")  # a select picks the option its typed letters begin
        assert page.evaluate("document.activeElement.value") == "propose"
        tab_to(page, lambda element: element["name"] == "_selected_action")
        page.keyboard.press("Space")
        tab_to(page, lambda element: element["name"] == "index", backwards=True)
        message = save_and_read_message(page)
        assert message["id"] == "meddelanden", message
        assert message["text"].startswith(f"{case.memo_number}:")
        case.refresh_from_db()
        assert case.status == case.Status.DRAFT
    finally:
        page.close()
        context.close()

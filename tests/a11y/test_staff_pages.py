"""WCAG 2.1 AA checks with axe-core on the pages where staff write a plan, as each role sees them.

CASE_PAGES lists the pages of a case by address; every change list and change form of the admin
that a role may open is taken from the admin's own registry, so the admin of a new app (follow-up,
city-wide cases) is checked as soon as it is registered.
"""
import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.budgetplan.roles import user_with

from .browsing import axe_page_violations, session_cookie


WIDTHS = [1280, 390]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The pages of a case that staff work on, by name and address. Add new ones here. (The case's
# own page, with the clerk's status form, is checked in test_accessibility.)
CASE_PAGES = [
    ("administrationens startsida", lambda case: reverse("admin:index")),
    ("ärendets redigeringssida",
     lambda case: reverse("admin:budgetplan_case_change", args=[case.pk])),
    ("inläsning av arbetsbok", lambda case: reverse("cases:workbook_import")),
    ("ändringsloggen", lambda case: reverse("cases:changes", args=[case.pk])),
]


def admin_pages(user, *, editing_only=False) -> list[tuple[str, str]]:
    """Every change list the user may open in the admin, and the change form of its first row;
    with `editing_only`, only the change forms of the records the user may change."""
    request = RequestFactory().get(reverse("admin:index"))
    request.user = user
    pages = []
    for model, model_admin in admin.site._registry.items():
        if not (model_admin.has_module_permission(request)
                and model_admin.has_view_permission(request)):
            continue
        if editing_only and not model_admin.has_change_permission(request):
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if not editing_only:
            pages.append(
                (f"listan {model._meta.verbose_name_plural}", reverse(f"{info}_changelist"))
            )
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            pages.append(
                (f"formuläret {model._meta.verbose_name}", reverse(f"{info}_change", args=[first.pk]))
            )
    return pages


def changed_workbook(case) -> bytes:
    """The case's workbook with one budget row's costs changed: its upload shows a preview."""
    from budgetplan.document.workbook import export_case_workbook
    from tests.workbook.helpers import edit

    def change(book):
        sheet = book["Driftbudget"]
        sheet.cell(row=2, column=_column(sheet, "Kostnader")).value = 123.4

    return edit(export_case_workbook(case), change)


def _column(sheet, header: str) -> int:
    return next(cell.column for cell in sheet[1] if cell.value == header)


def check(page, name: str, found: dict) -> None:
    """axe-core on the page at each width, with every folded part opened: a field in a closed
    <details> is not on the screen, and axe would not look at it."""
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if violations := axe_page_violations(page):
            found[f"{name} vid {width} px"] = violations


@pytest.mark.parametrize(("role", "editing_only"), [("administrator", False), ("editor", True)])
def test_staff_pages_have_no_wcag_violations(
    browser, live_server, roles, reference_draft, role, editing_only,
):
    """Every admin page as the administrator sees it, and the board editor's forms of what they
    may change. (An editor's lists and read-only pages are the administrator's templates with
    fewer rows and no inputs; checking them again would double the module's time.)"""
    case = reference_draft
    user = user_with(role, case.board)
    pages = [(name, address(case)) for name, address in CASE_PAGES]
    pages += admin_pages(user, editing_only=editing_only)
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    context.add_cookies([{"name": "sessionid", "value": session_cookie(user), "url": live_server.url}])
    page = context.new_page()
    found = {}
    try:
        for name, path in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{name} ({path}) svarade {response.status}"
            check(page, f"{name} ({path})", found)

        # The workbook's preview: what an upload would change, before it is saved.
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(live_server.url + reverse("cases:workbook_import"))
        page.set_input_files("input[type=file]", files=[{
            "name": "arbetsbok.xlsx", "mimeType": XLSX_TYPE, "buffer": changed_workbook(case),
        }])
        page.locator("input[type=submit]").click()
        page.wait_for_selector("#workbook-summary")
        check(page, "förhandsgranskning av arbetsbok", found)
    finally:
        page.close()
        context.close()
    assert len(pages) > len(CASE_PAGES)
    assert not found, "\n".join(
        f"{name}:\n  " + "\n  ".join(violations) for name, violations in found.items()
    )

"""The synthetic city for benchmarks: sizes, determinism, shared council goals, and pages that render."""
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape

from bench.city import HISTORY_REASON, generate_city
from budgetplan.cases.models import Case
from budgetplan.document.selectors import case_document
from budgetplan.kernel.formatting import format_decimal
from finance.models import OperatingBudgetRow, TurnoverChange
from goals.models import Activity, BoardGoal, CouncilGoal, PlanCouncilGoal, PlanIndicator
from reservations.models import Reservation

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def snapshot() -> dict:
    """What a reader would compare between two runs: titles, texts and amounts, not ids."""
    return {
        "cases": list(Case.objects.order_by("budget_year", "memo_serial").values_list("title", "memo_serial")),
        "council_goals": list(CouncilGoal.objects.order_by("strategic_goal__year", "strategic_goal__number", "number")
                              .values_list("title", flat=True)),
        "board_goals": list(BoardGoal.objects.order_by("case__memo_serial", "council_goal__strategic_goal__number",
                                                       "council_goal__number", "order")
                            .values_list("title", flat=True)),
        "activities": list(Activity.objects.order_by("text", "start_date", "end_date")
                           .values_list("text", "start_date", "end_date")),
        "rows": list(OperatingBudgetRow.objects.order_by("frame__case__memo_serial", "order")
                     .values_list("department", "costs", "revenues")),
        "turnover": list(TurnoverChange.objects.order_by("frame__case__memo_serial", "order")
                         .values_list("description", "amount")),
        "reservations": list(Reservation.objects.order_by("case__memo_serial", "order")
                             .values_list("text", flat=True)),
    }


def test_small_city_has_the_reference_cases_shape():
    out = StringIO()
    call_command("generate_city", boards=2, years=1, scale=1, seed=1, first_year=2013, stdout=out)

    cases = list(Case.objects.filter(budget_year=2013).order_by("memo_serial"))
    assert len(cases) == 2
    for case in cases:
        assert case.plan_council_goals.count() == 13
        assert case.board_goals.count() == 21
        assert case.financial_frame.operating_rows.count() == 14
        assert case.financial_frame.turnover_changes.count() == 10
        council = Activity.objects.filter(assigned_board=case.board,
                                          council_goal__strategic_goal__year=2013).count()
        board = Activity.objects.filter(board_goal__case=case).count()
        assert (council, board) == (33, 43)
        assert 20 <= case.plan_indicators.count() <= 45
        assert case.decision_points.filter(text__contains="{belopp}").count() == 1
        assert case.attachments.count() == 7
        assert case.reservations.count() == 5
        assert case.reservations.filter(refers_to__isnull=False).count() == 2
    # Every amount has one decimal, as the document writes it.
    assert all(row.costs == row.costs.quantize(row.costs.__class__("0.1"))
               for row in OperatingBudgetRow.objects.all())
    assert "Skapade 2 ärenden för 2 nämnder" in out.getvalue()
    assert "13 KF-mål" in out.getvalue()


def test_same_seed_gives_the_same_city_and_another_seed_another():
    with transaction.atomic():
        generate_city(boards=2, years=1, scale=1, seed=7, first_year=2013)
        first = snapshot()
        transaction.set_rollback(True)
    assert Case.objects.count() == 0

    with transaction.atomic():
        generate_city(boards=2, years=1, scale=1, seed=7, first_year=2013)
        again = snapshot()
        transaction.set_rollback(True)

    generate_city(boards=2, years=1, scale=1, seed=8, first_year=2013)
    other = snapshot()

    assert first == again
    assert first["rows"] and first["activities"]
    assert other["rows"] != first["rows"]
    assert other["council_goals"] != first["council_goals"]


def test_a_boards_plan_does_not_depend_on_how_many_boards_are_generated():
    with transaction.atomic():
        generate_city(boards=1, years=1, scale=1, seed=3, first_year=2013)
        alone = snapshot()
        transaction.set_rollback(True)
    generate_city(boards=3, years=1, scale=1, seed=3, first_year=2013)
    first_of_three = snapshot()

    assert first_of_three["council_goals"] == alone["council_goals"]
    assert first_of_three["board_goals"][:21] == alone["board_goals"]
    assert first_of_three["rows"][:14] == alone["rows"]


def test_boards_share_the_councils_goals():
    generate_city(boards=2, years=2, scale=1, seed=1, first_year=2013)
    first, second = Case.objects.filter(budget_year=2013).order_by("memo_serial")

    goals_of = {
        case.pk: set(PlanCouncilGoal.objects.filter(case=case).values_list("council_goal_id", flat=True))
        for case in (first, second)
    }
    shared = goals_of[first.pk] & goals_of[second.pk]
    # The council's goals exist once for the city, not once per board.
    assert len(shared) >= 10
    assert CouncilGoal.objects.filter(strategic_goal__year=2013).count() == 16
    # The indicators both plans follow are the same council rows, with each board's own target.
    followed = PlanIndicator.objects.filter(indicator__council_goal__in=shared)
    assert followed.filter(case=first).values("indicator").intersection(
        followed.filter(case=second).values("indicator")).exists()
    # A council activity belongs to one board and shows only in that board's plan.
    shared_goal = CouncilGoal.objects.get(pk=min(shared))
    assert set(shared_goal.activities.values_list("assigned_board", flat=True)) <= {first.board_id, second.board_id}
    # Each year has its own council goals.
    assert not goals_of[first.pk] & set(
        PlanCouncilGoal.objects.filter(case__budget_year=2014).values_list("council_goal_id", flat=True)
    )


def test_generated_case_renders_with_the_figures_it_holds(admin_client):
    generate_city(boards=1, years=1, scale=1, seed=1, first_year=2013)
    case = Case.objects.get(budget_year=2013)
    document = case_document(case_id=case.pk)

    response = admin_client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(html)

    turnover = format_decimal(document.finance.turnover_total)
    assert f"Den redovisade omslutningsförändringen med {turnover} mnkr godkänns." in text
    assert f"KS förslag till budget {format_decimal(document.finance.costs_total)}" in text
    assert format_decimal(document.finance.net_total) in text
    row = case.financial_frame.operating_rows.order_by("order").first()
    assert f"{escape(row.department)} {format_decimal(row.costs)}" in text
    for goal in PlanCouncilGoal.objects.filter(case=case).select_related("council_goal"):
        assert escape(goal.council_goal.title) in html
    activity = Activity.objects.filter(board_goal__case=case).first()
    assert f"{escape(activity.text)} {activity.start_date.isoformat()} {activity.end_date.isoformat()}" in text
    assert "med hänvisning till reservationen av" in text
    assert html.count('class="council-goal"') == 13


def test_generated_rows_have_their_created_history():
    generate_city(boards=1, years=1, scale=1, seed=1, first_year=2013)
    case = Case.objects.get(budget_year=2013)

    created = case.history.get()
    assert created.history_type == "+"
    assert created.history_change_reason == HISTORY_REASON
    assert OperatingBudgetRow.history.filter(frame_id=case.financial_frame.pk).count() == 14
    assert Activity.history.filter(board_goal__isnull=False).count() == 43


def test_a_year_already_in_the_database_is_refused():
    generate_city(boards=1, years=1, scale=1, seed=1, first_year=2013)

    with pytest.raises(CommandError, match="redan KF-mål eller ärenden för 2013"):
        call_command("generate_city", boards=1, years=2, scale=1, first_year=2012, stdout=StringIO())
    assert Case.objects.count() == 1

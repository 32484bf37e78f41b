"""The reference case PM 2012:3 RI as loaded from fixtures/reference_2012.json: complete and faithful."""
import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import models
from django.db.models import Sum

from budgetplan.cases.models import Body, Case, DecisionPoint
from finance.models import OperatingBudgetRow, TurnoverChange
from goals.models import (
    Activity,
    BoardGoal,
    CouncilGoal,
    Indicator,
    Periodicity,
    PlanIndicator,
    StrategicGoal,
    TargetKind,
)
from reservations.models import Reservation

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Counted in the document (twice): the nämndmål headings, the rows of the "KF:s indikatorer"
# tables, and the rows of the "KF:s aktiviteter" and "Nämndens aktiviteter" tables.
BOARD_GOALS = 21
COUNCIL_INDICATORS = 31
COUNCIL_ACTIVITIES = 33
BOARD_ACTIVITIES = 43
# Board goals per council goal, in the document's order.
BOARD_GOALS_PER_COUNCIL_GOAL = {
    "1.1": 6, "1.2": 1, "1.3": 1, "1.4": 1, "1.5": 1, "1.6": 1, "1.7": 2,
    "2.1": 1, "2.2": 2, "2.3": 2, "2.4": 1, "3.1": 1, "3.2": 1,
}


def test_the_case_is_the_proposal_that_went_to_the_board(reference_case):
    """Signed by the presenting commissioner on 11 January 2012 and put before the board."""
    assert reference_case.status == Case.Status.PROPOSED
    assert reference_case.decided_on is None
    assert list(reference_case.transitions.values_list("from_status", "to_status", "by", "at")) == [
        ("draft", "proposed", None, datetime.datetime(2012, 1, 11, tzinfo=STOCKHOLM)),
    ]


def test_operating_budget_totals_come_from_the_rows(reference_case):
    rows = OperatingBudgetRow.objects.filter(frame__case=reference_case)
    totals = rows.aggregate(costs=Sum("costs"), revenues=Sum("revenues"), net=Sum("net"))

    assert rows.count() == 14
    assert totals == {
        "costs": Decimal("1348.0"), "revenues": Decimal("-46.6"), "net": Decimal("1301.4"),
    }
    assert list(rows.values_list("department", flat=True))[:2] == [
        "Stadsledning", "Förnyelseavdelning",
    ]
    assert rows.get(department="Förnyelseavdelning").net == Decimal("60.8")
    assert rows.get(department="Stadsledning").revenues == Decimal("0.0")


def test_turnover_changes_sum_to_the_figure_decision_point_4_quotes(reference_case):
    changes = TurnoverChange.objects.filter(frame__case=reference_case)

    assert changes.count() == 10
    assert changes.aggregate(total=Sum("amount"))["total"] == Decimal("502.0")
    assert changes.first().description == "Ökade kostnader/intäkter Visningsenheten"
    assert reference_case.financial_frame.turnover_total_label == (
        "Förslag till omslutningsförändringar 2011"
    )


def test_decision_point_4_computes_its_figure_instead_of_typing_it(reference_case):
    points = list(reference_case.decision_points.all())
    point_4 = points[3]

    assert [point.number for point in points] == [1, 2, 3, 4]
    assert point_4.text == "Den redovisade omslutningsförändringen med {belopp} mnkr godkänns."
    assert "502" not in point_4.text
    (quote,) = point_4.quoted_figures.all()
    assert (quote.figure.name, quote.figure.rows) == ("Summa omslutningsförändringar", "turnover")


def test_case_header_statement_attachments_and_report(reference_case):
    assert reference_case.memo_number == "PM 2012:3 RI"
    assert reference_case.board.name == "Kommunfullmäktige m.m."
    assert reference_case.title == "Budget/verksamhetsplan 2012 för Kommunfullmäktige m.m."
    statement = reference_case.statement
    assert statement.commissioner == "Sten Nordin"
    assert statement.signed_on == datetime.date(2012, 1, 11)
    assert [s.heading for s in statement.sections.all()] == [
        "Ärendet", "Beredning", "Mina synpunkter",
    ]
    assert statement.sections.get(heading="Beredning").body.startswith(
        "Ärendet har initierats av stadsledningskontoret och "
        "kommunfullmäktiges/kommunstyrelsens kansli."
    )
    attachments = list(reference_case.attachments.values_list("number", "title"))
    assert len(attachments) == 7
    assert attachments[0] == (1, "Rapportbilaga KF m.m. 2012")
    assert attachments[6] == (7, "System för internkontroll och Internkontrollplan 2011")

    report = reference_case.officials_report
    assert report.dated == datetime.date(2011, 12, 1)
    assert "{datum}" in report.report_lead
    # The document's list has thirteen lines; the V reservation speaks of "13 uppräknade områden".
    assert report.responsibilities.count() == 13
    assert len(report.matter_body.split("\n\n")) == 2


def test_goal_hierarchy_counts(reference_case):
    assert StrategicGoal.objects.filter(year=2012).count() == 3
    assert reference_case.plan_strategic_goals.count() == 3
    assert CouncilGoal.objects.filter(strategic_goal__year=2012).count() == 13
    assert reference_case.plan_council_goals.count() == 13
    assert BoardGoal.objects.filter(case=reference_case).count() == BOARD_GOALS
    council_indicators = Indicator.objects.filter(council_goal__isnull=False)
    assert council_indicators.count() == COUNCIL_INDICATORS
    assert Indicator.objects.filter(board_goal__isnull=False).count() == 0
    assert reference_case.plan_indicators.count() == COUNCIL_INDICATORS
    council_activities = Activity.objects.filter(
        council_goal__isnull=False, assigned_board=reference_case.board,
    )
    assert council_activities.count() == COUNCIL_ACTIVITIES
    assert Activity.objects.filter(board_goal__case=reference_case).count() == BOARD_ACTIVITIES

    per_goal = {
        f"{goal.strategic_goal.number}.{goal.number}": goal.n
        for goal in CouncilGoal.objects.select_related("strategic_goal").annotate(
            n=models.Count("board_goals"),
        )
    }
    assert per_goal == BOARD_GOALS_PER_COUNCIL_GOAL


def test_strategic_goal_1_carries_the_offices_three_paragraphs(reference_case):
    texts = [p.description for p in reference_case.plan_strategic_goals.all()]

    assert len(texts[0].split("\n\n")) == 3
    assert texts[0].endswith("för att gemensamt skapa en ledande tillväxtregion.")
    assert texts[1:] == ["", ""]


def test_spot_check_activity_with_its_dates(reference_case):
    activity = Activity.objects.get(
        text="Teckna ett treårsavtal för perioden 2013-2015 med Handelshögskolan och "
        "institutet för kommunal ekonomi",
    )

    assert (activity.start_date, activity.end_date) == (
        datetime.date(2012, 1, 1), datetime.date(2012, 12, 31),
    )
    assert activity.council_goal.code == "1.1"
    assert activity.order == 1
    assert Activity.objects.get(text__startswith="Påbörja upphandling av avtal om it-stöd för "
                                "dokumentation").text.endswith("till och med 2012-12-31")


def test_spot_check_targets(reference_case):
    forecast = Indicator.objects.get(name="Nämndens prognossäkerhet T2 (alla nämnder)")
    assert forecast.council_target_kind == TargetKind.PLUS_MINUS
    assert forecast.council_target_value == Decimal("1")
    assert forecast.council_target_unit == "%"
    assert forecast.council_target.display(2012) == "+/-\u00a01\u00a0%"

    sick_leave = PlanIndicator.objects.select_related("indicator").get(
        case=reference_case, indicator__name="Sjukfrånvaro (alla nämnder/bolag)",
    )
    assert sick_leave.board_target.display(2012) == "3,8\u00a0%"
    assert sick_leave.indicator.council_target.display(2012) == "4,5\u00a0%"

    satisfaction = PlanIndicator.objects.select_related("indicator").get(
        case=reference_case, indicator__name="Företagens nöjdhet med effektiviteten",
    )
    assert satisfaction.board_target_kind == ""
    assert satisfaction.indicator.council_target.display(2012) == "66"

    summer_jobs = PlanIndicator.objects.select_related("indicator").get(
        case=reference_case, indicator__name__startswith="Antal ungdomar som fått sommarjobb",
    )
    assert summer_jobs.board_target.display(2012) == "3\u00a0st"
    assert summer_jobs.indicator.council_target_kind == TargetKind.INCREASE

    result = Indicator.objects.get(name="Stadens ekonomiska resultat")
    assert result.council_target.display(2012) == "0,1\u00a0mnkr"
    assert result.periodicity == Periodicity.TERTIAL
    # "tas fam av nämnden" in the document is the same target as "tas fram av nämnden".
    assert Indicator.objects.filter(council_target_kind=TargetKind.SET_BY_BOARD).count() == 5


def test_reservations_in_order_with_signatories_and_bodies(reference_case):
    reservations = list(
        Reservation.objects.filter(case=reference_case)
        .select_related("refers_to")
        .prefetch_related("signatory_rows__person__party", "points")
    )

    def signed(reservation):
        return [(row.person.name, row.person.party.abbreviation)
                for row in reservation.signatory_rows.all()]

    assert [r.body for r in reservations] == [
        Body.COMMISSIONERS_COMMITTEE, Body.COMMISSIONERS_COMMITTEE,
        Body.EXECUTIVE_BOARD, Body.EXECUTIVE_BOARD, Body.EXECUTIVE_BOARD,
    ]
    assert [signed(r) for r in reservations] == [
        [("Karin Wanngård", "S"), ("Tomas Rudin", "S")],
        [("Daniel Helldén", "MP")],
        [("Karin Wanngård", "S"), ("Tomas Rudin", "S"), ("Olle Burell", "S")],
        [("Stefan Nilsson", "MP"), ("Sara Pettigrew", "MP")],
        [("Ann-Margarethe Livh", "V")],
    ]
    s_committee, mp_committee, s_board, mp_board, v_board = reservations

    assert s_committee.points_numbered is False
    assert [p.text for p in s_committee.points.all()] == [
        "delvis bifalla förslaget till budget- och verksamhetsplan", "därtill anföra följande",
    ]
    assert s_committee.proposal_lead == (
        "Vi föreslår borgarrådsberedningen föreslå kommunstyrelsen besluta att"
    )
    assert "## Företagande i ytterstaden och Centrum för kulturellt företagande" in (
        s_committee.text
    )
    assert "\n> Centrum för kulturellt företagande\n" in s_committee.text
    assert s_committee.text.endswith("där vi har avvikande mening.")

    assert [p.number for p in mp_committee.points.all()] == [1, 2, 3, 4]
    assert mp_committee.points.all()[3].text == (
        "Godkänna den redovisade omslutningsförändringen med 502.0 mnkr."
    )
    assert "\n\n## Klimatarbete\n\n" in mp_committee.text
    assert mp_committee.text.endswith("genom tjänstecyklar, som friskvård.")

    assert s_board.refers_to == s_committee and s_board.text == ""
    assert mp_board.refers_to == mp_committee and mp_board.text == ""

    assert [p.text for p in v_board.points.all()] == [
        "Avslå förslaget med hänvisning till vänsterpartiets budgetreservation i "
        "kommunfullmäktige",
        "Därutöver framföra följande",
    ]
    assert v_board.text.startswith("## Ökad jämställdhet, jämlikhet och klimaträttvisa\n\n")
    assert "A- och B-lag inom äldreomsorgen" in v_board.text


def test_financial_frame_sits_under_council_goal_3_1(reference_case):
    frame = reference_case.financial_frame

    assert frame.placed_under.code == "3.1"
    assert frame.investments.get().text == (
        "Kontoret har en investeringsbudget om {belopp} miljoner kronor för 2012 för "
        "Stadshusets lokaler."
    )
    assert frame.result_units.get().name == "Visningsenheten"
    sikt = frame.projects.get(title="SIKT")
    assert "\n\n1. Systemdrift" in sikt.body
    assert "\n5. Terminaler (telefoner, läs- och surfplattor eller liknande hårdvara)\n\n" in (
        sikt.body
    )


def all_texts():
    """Every free text of the four apps, with where it sits."""
    for app_label in ("budgetplan", "goals", "finance", "reservations"):
        for model in apps.get_app_config(app_label).get_models():
            fields = [
                field.attname for field in model._meta.concrete_fields
                if isinstance(field, (models.CharField, models.TextField)) and not field.choices
            ]
            for row in model.objects.values("pk", *fields):
                for name in fields:
                    yield f"{model.__name__}.{name} #{row['pk']}", row[name] or ""


def test_no_extraction_artefacts_in_any_text(reference_case):
    artefacts = []
    for where, value in all_texts():
        if (
            "-\n" in value
            or "kommunfullmäkti-" in value
            # A word broken at a line end and glued back with a space: "Handels- högskolan".
            # Real suspended hyphens are followed by a conjunction ("budget- och", "små- och").
            or re.search(r"\w- (?!och |eller )", value)
            or re.search(r"(^|\n) | (\n|$)|  ", value)
        ):
            artefacts.append((where, value[:80]))

    assert artefacts == []


def test_real_hyphens_are_kept(reference_case):
    texts = "\n".join(value for _, value in all_texts())

    for word in (
        "it-området", "e-tjänster", "Hässelby-Vällingby", "EU-redovisning", "ILS-webben",
        "budget- och verksamhetsplan", "Järva- och Söderortsvisionerna", "it-verksamheten",
    ):
        assert word in texts, word
    assert "Handelshögskolan" in texts
    assert "kommunfullmäktiges/kommunstyrelsens" in texts

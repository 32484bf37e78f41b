"""The reservations as the document gives them: intro sentences, order, grouping by body."""
import pytest

from budgetplan.cases.models import Body
from reservations.models import Person
from reservations.selectors import Signer, case_reservations, reservation_intro, swedish_list
from tests import factories as f

BRB = Body.COMMISSIONERS_COMMITTEE
KS = Body.EXECUTIVE_BOARD


def test_swedish_list():
    assert swedish_list([]) == ""
    assert swedish_list(["A"]) == "A"
    assert swedish_list(["A", "B"]) == "A och B"
    assert swedish_list(["A", "B", "C"]) == "A, B och C"


def test_two_commissioners_of_one_party_in_the_commissioners_committee():
    signers = [Signer("Karin Wanngård", "S", True), Signer("Tomas Rudin", "S", True)]
    assert reservation_intro(body=BRB, signers=signers) == (
        "Reservation anfördes av borgarråden Karin Wanngård och Tomas Rudin (båda S) enligt följande."
    )


def test_one_commissioner():
    assert reservation_intro(body=BRB, signers=[Signer("Daniel Helldén", "MP", True)]) == (
        "Reservation anfördes av borgarrådet Daniel Helldén (MP) enligt följande."
    )


def test_three_members_referring_to_an_earlier_reservation():
    signers = [
        Signer("Karin Wanngård", "S", True), Signer("Tomas Rudin", "S", True),
        Signer("Olle Burell", "S", False),
    ]
    assert reservation_intro(body=KS, signers=signers, referred_parties=["S"], referred_body=BRB) == (
        "Reservation anfördes av Karin Wanngård, Tomas Rudin och Olle Burell (alla S) med "
        "hänvisning till reservationen av (S) i borgarrådsberedningen."
    )


def test_two_members_referring():
    signers = [Signer("Stefan Nilsson", "MP"), Signer("Sara Pettigrew", "MP")]
    assert reservation_intro(body=KS, signers=signers, referred_parties=["MP"], referred_body=BRB) == (
        "Reservation anfördes av Stefan Nilsson och Sara Pettigrew (båda MP) med hänvisning till "
        "reservationen av (MP) i borgarrådsberedningen."
    )


def test_one_member_in_the_executive_board():
    assert reservation_intro(body=KS, signers=[Signer("Ann-Margarethe Livh", "V")]) == (
        "Reservation anfördes av Ann-Margarethe Livh (V) enligt följande."
    )


def test_commissioners_in_the_executive_board_have_no_role_word():
    signers = [Signer("Karin Wanngård", "S", True), Signer("Tomas Rudin", "S", True)]
    assert reservation_intro(body=KS, signers=signers).startswith(
        "Reservation anfördes av Karin Wanngård och Tomas Rudin (båda S)"
    )


def test_a_member_among_commissioners_drops_the_role_word():
    signers = [Signer("Karin Wanngård", "S", True), Signer("Olle Burell", "S", False)]
    assert reservation_intro(body=BRB, signers=signers).startswith(
        "Reservation anfördes av Karin Wanngård och Olle Burell (båda S)"
    )


def test_mixed_parties_each_get_their_own_parenthesis():
    signers = [
        Signer("Karin Wanngård", "S"), Signer("Daniel Helldén", "MP"), Signer("Tomas Rudin", "S"),
        Signer("Ann-Margarethe Livh", "V"),
    ]
    assert reservation_intro(body=KS, signers=signers) == (
        "Reservation anfördes av Karin Wanngård och Tomas Rudin (båda S), Daniel Helldén (MP) och "
        "Ann-Margarethe Livh (V) enligt följande."
    )


def test_without_signatories_the_sentence_still_reads():
    assert reservation_intro(body=KS, signers=[]) == "Reservation anfördes enligt följande."


@pytest.mark.django_db
def test_case_reservations_grouped_by_body_in_order(django_assert_num_queries):
    case = f.CaseFactory()
    s = f.PartyFactory(abbreviation="S", name="Socialdemokraterna")
    mp = f.PartyFactory(abbreviation="MP", name="Miljöpartiet de gröna")
    v = f.PartyFactory(abbreviation="V", name="Vänsterpartiet")
    wanngard = f.PersonFactory(name="Karin Wanngård", party=s, role=Person.Role.COMMISSIONER)
    rudin = f.PersonFactory(name="Tomas Rudin", party=s, role=Person.Role.COMMISSIONER)

    # Entered out of order on purpose: the executive board's come after the committee's.
    livh_ks = f.ReservationFactory(case=case, body=KS, order=5)
    f.SignatoryFactory(reservation=livh_ks, person=f.PersonFactory(name="Ann-Margarethe Livh", party=v))
    s_brb = f.ReservationFactory(case=case, body=BRB, order=1)
    f.SignatoryFactory(reservation=s_brb, person=wanngard, order=1)
    f.SignatoryFactory(reservation=s_brb, person=rudin, order=2)
    f.ReservationPointFactory(reservation=s_brb, number=2, text="därtill anföra följande")
    f.ReservationPointFactory(reservation=s_brb, number=1, text="delvis bifalla förslaget")
    mp_brb = f.ReservationFactory(case=case, body=BRB, order=2)
    f.SignatoryFactory(
        reservation=mp_brb,
        person=f.PersonFactory(name="Daniel Helldén", party=mp, role=Person.Role.COMMISSIONER),
    )
    s_ks = f.ReservationFactory(case=case, body=KS, order=3, refers_to=s_brb, text="", proposal_lead="")
    for order, person in enumerate(
        [wanngard, rudin, f.PersonFactory(name="Olle Burell", party=s)], start=1,
    ):
        f.SignatoryFactory(reservation=s_ks, person=person, order=order)
    f.ReservationFactory(case=f.CaseFactory(), body=BRB)  # another case's stays out

    with django_assert_num_queries(3):
        groups = case_reservations(case_id=case.pk)

    assert [group.label for group in groups] == ["Borgarrådsberedningen", "Kommunstyrelsen"]
    assert [[entry.reservation.pk for entry in group.reservations] for group in groups] == [
        [s_brb.pk, mp_brb.pk], [s_ks.pk, livh_ks.pk],
    ]
    first = groups[0].reservations[0]
    assert first.intro == (
        "Reservation anfördes av borgarråden Karin Wanngård och Tomas Rudin (båda S) enligt följande."
    )
    assert [person.name for person in first.signatories] == ["Karin Wanngård", "Tomas Rudin"]
    assert [party.abbreviation for party in first.parties] == ["S"]
    assert [point.text for point in first.points] == ["delvis bifalla förslaget", "därtill anföra följande"]
    assert groups[1].reservations[0].intro == (
        "Reservation anfördes av Karin Wanngård, Tomas Rudin och Olle Burell (alla S) med "
        "hänvisning till reservationen av (S) i borgarrådsberedningen."
    )
    assert groups[1].reservations[0].refers


@pytest.mark.django_db
def test_case_without_reservations_has_no_groups():
    assert case_reservations(case_id=f.CaseFactory().pk) == []

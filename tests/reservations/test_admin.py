"""The reservation admin: parties, people, and dissents with their signatories and points."""
import itertools

import pytest
from django.urls import reverse

from budgetplan.cases.models import Body
from reservations.models import Party, Person, Reservation
from tests import factories
from tests.admin_forms import add_row, assert_changelist_does_not_query_per_row, read_form

pytestmark = pytest.mark.django_db


def change_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def earlier():
    """The (S) reservation in the commissioners' committee, with one signatory."""
    reservation = factories.ReservationFactory(order=1, body=Body.COMMISSIONERS_COMMITTEE)
    person = factories.PersonFactory(name="Karin Wanngård", party__abbreviation="S")
    reservation.signatory_rows.create(person=person, order=1)
    return reservation


def _reservation_form(admin_client, case, **values):
    url = reverse("admin:reservations_reservation_add") + f"?case={case.pk}"
    data = read_form(admin_client, url)
    data.update(values)
    return url, data


def test_reference_with_own_text_is_refused(admin_client, earlier):
    person = factories.PersonFactory(name="Roger Mogert", party__abbreviation="S")
    url, data = _reservation_form(
        admin_client, earlier.case, order="2", body=Body.EXECUTIVE_BOARD, refers_to=str(earlier.pk),
        text="Vi anser dessutom något annat.",
    )
    data["signatory_rows-0-person"] = str(person.pk)
    data["signatory_rows-0-order"] = "1"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "En reservation med hänvisning har ingen egen text." in response.content.decode()
    assert Reservation.objects.count() == 1


def test_reference_without_text_is_saved_with_its_signatories(admin_client, earlier):
    first = factories.PersonFactory(name="Roger Mogert", party__abbreviation="S")
    second = factories.PersonFactory(name="Ann-Margarethe Livh", party=Party.objects.create(
        abbreviation="V", name="Vänsterpartiet"))
    url, data = _reservation_form(
        admin_client, earlier.case, order="2", body=Body.EXECUTIVE_BOARD, refers_to=str(earlier.pk),
        proposal_lead="", text="",
    )
    data["signatory_rows-0-person"] = str(first.pk)
    data["signatory_rows-0-order"] = "1"
    add_row(data, "signatory_rows", person=str(second.pk), order="2")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    saved = Reservation.objects.get(order=2)
    assert saved.refers_to == earlier
    assert [row.person.name for row in saved.signatory_rows.all()] == [
        "Roger Mogert", "Ann-Margarethe Livh",
    ]


def test_own_points_are_saved_and_duplicates_refused(admin_client, earlier):
    url = change_url(earlier)
    data = read_form(admin_client, url)
    add_row(data, "points", number="1", text="Förslaget avslås.")
    add_row(data, "points", number="1", text="Förslaget återremitteras.")

    response = admin_client.post(url, data)

    assert "Numret finns redan bland reservationens punkter." in response.content.decode()
    assert not earlier.points.exists()

    data["points-1-number"] = "2"
    assert admin_client.post(url, data).status_code == 302
    assert [str(point) for point in earlier.points.all()] == [
        "1. Förslaget avslås.", "2. Förslaget återremitteras.",
    ]


def test_reservation_without_text_or_reference_is_refused(admin_client, earlier):
    person = factories.PersonFactory()
    url, data = _reservation_form(
        admin_client, earlier.case, order="2", proposal_lead="", text="",
    )
    data["signatory_rows-0-person"] = str(person.pk)
    data["signatory_rows-0-order"] = "1"

    response = admin_client.post(url, data)

    assert "Skriv reservationens text, eller välj en reservation den hänvisar till." in (
        response.content.decode()
    )
    assert Reservation.objects.count() == 1


def test_reference_choices_are_the_cases_other_reservations(admin_client, earlier):
    other_case = factories.ReservationFactory(order=1)
    own = factories.ReservationFactory(case=earlier.case, order=2)

    response = admin_client.get(change_url(own))

    choices = list(response.context["adminform"].form.fields["refers_to"].queryset)
    assert choices == [earlier]
    assert other_case not in choices
    assert "Reservation av Karin Wanngård (S)" in response.content.decode()


def test_list_filters_by_year_and_board(admin_client, earlier):
    factories.ReservationFactory(case__budget_year=2013, case__board=earlier.case.board)
    factories.ReservationFactory(case__budget_year=2012)

    response = admin_client.get(
        changelist_url(Reservation),
        {"case__budget_year": 2012, "case__board__id__exact": earlier.case.board_id},
    )

    assert list(response.context["cl"].result_list) == [earlier]
    assert "Karin Wanngård (S)" in response.content.decode()


def _reservations(count):
    for reservation in factories.ReservationFactory.create_batch(count):
        for order in (1, 2):
            reservation.signatory_rows.create(person=factories.PersonFactory(), order=order)


PARTY_NUMBERS = itertools.count()


def _parties(count):
    for _ in range(count):
        number = next(PARTY_NUMBERS)
        Party.objects.create(abbreviation=f"P{number}", name=f"Parti {number}")


def _people(count):
    factories.PersonFactory.create_batch(count)


@pytest.mark.parametrize(
    "model, make_rows",
    [(Reservation, _reservations), (Party, _parties), (Person, _people)],
    ids=["reservation", "party", "person"],
)
def test_list_pages_do_not_query_per_row(admin_client, django_assert_num_queries, model, make_rows):
    assert_changelist_does_not_query_per_row(
        admin_client, changelist_url(model), make_rows, django_assert_num_queries,
    )


def test_reference_is_listed_without_extra_queries(admin_client, django_assert_num_queries, earlier):
    def referring(count):
        for _ in range(count):
            factories.ReservationFactory(
                case=earlier.case, refers_to=earlier, text="", proposal_lead="",
                order=Reservation.objects.count() + 1,
            )

    # With the earlier reservation: 1 + 2 rows, then 30.
    assert_changelist_does_not_query_per_row(
        admin_client, changelist_url(Reservation), lambda n: referring(n - 1 if n == 3 else n),
        django_assert_num_queries,
    )


def test_text_is_stored_with_the_line_ends_it_is_written_with(admin_client, earlier):
    """A browser posts CRLF; the stored text, and so the rendered blocks, have plain line ends."""
    data = read_form(admin_client, change_url(earlier))
    data["text"] = "## Bakgrund\r\nFörslaget är otillräckligt.\r\n\r\n> Ett citat."

    assert admin_client.post(change_url(earlier), data).status_code == 302
    earlier.refresh_from_db()
    assert earlier.text == "## Bakgrund\nFörslaget är otillräckligt.\n\n> Ett citat."

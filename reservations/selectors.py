"""Reads of a case's reservations, grouped by the body they were entered in, in three queries."""
from dataclasses import dataclass, field

from django.db.models import Prefetch

from budgetplan.cases.models import Body

from .models import Party, Person, Reservation, ReservationPoint, Signatory

# The document gives the commissioners' committee's reservations first, then the executive board's.
BODY_ORDER = [Body.COMMISSIONERS_COMMITTEE, Body.EXECUTIVE_BOARD, Body.CITY_COUNCIL]


@dataclass(frozen=True)
class Signer:
    """What the intro sentence needs to know about one signatory."""

    name: str
    party: str
    commissioner: bool = False


def swedish_list(items: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b och c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"


def _party_phrase(names: list[str], party: str) -> str:
    if len(names) == 1:
        return f"{names[0]} ({party})"
    quantifier = "båda" if len(names) == 2 else "alla"
    return f"{swedish_list(names)} ({quantifier} {party})"


def reservation_intro(
    *, body: str, signers: list[Signer],
    referred_parties: list[str] | None = None, referred_body: str = "",
) -> str:
    """The sentence that opens a reservation, as the document writes it.

    "Reservation anfördes av borgarråden Karin Wanngård och Tomas Rudin (båda S) enligt följande."
    "Reservation anfördes av Stefan Nilsson och Sara Pettigrew (båda MP) med hänvisning till
    reservationen av (MP) i borgarrådsberedningen."
    """
    by_party: dict[str, list[str]] = {}
    for signer in signers:
        by_party.setdefault(signer.party, []).append(signer.name)
    names = swedish_list([_party_phrase(names, party) for party, names in by_party.items()])

    role = ""
    if signers and body == Body.COMMISSIONERS_COMMITTEE and all(s.commissioner for s in signers):
        role = "borgarrådet " if len(signers) == 1 else "borgarråden "

    if referred_parties is not None:
        parties = swedish_list([f"({party})" for party in referred_parties])
        where = f" i {Body(referred_body).label.lower()}" if referred_body else ""
        ending = f"med hänvisning till reservationen av {parties}{where}."
    else:
        ending = "enligt följande."
    if not signers:
        return f"Reservation anfördes {ending}"
    return f"Reservation anfördes av {role}{names} {ending}"


@dataclass
class ReservationEntry:
    reservation: Reservation
    intro: str
    signatories: list[Person]
    parties: list[Party]
    points: list[ReservationPoint]

    @property
    def anchor(self) -> str:
        return f"reservation-{self.reservation.order}"

    @property
    def refers(self) -> bool:
        return self.reservation.refers_to_id is not None


@dataclass
class ReservationGroup:
    body: str
    label: str
    reservations: list[ReservationEntry] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"reservationer-{self.body}"


def _parties_of(people: list[Person]) -> list[Party]:
    parties: dict[int, Party] = {}
    for person in people:
        parties.setdefault(person.party_id, person.party)
    return list(parties.values())


def case_reservations(*, case_id: int) -> list[ReservationGroup]:
    """The case's reservations in order, grouped by body, each with its intro sentence."""
    reservations = list(
        Reservation.objects.filter(case_id=case_id)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "signatory_rows",
                queryset=Signatory.objects.select_related("person__party").order_by("order"),
            ),
            Prefetch("points", queryset=ReservationPoint.objects.order_by("number")),
        )
    )
    people = {
        reservation.pk: [row.person for row in reservation.signatory_rows.all()]
        for reservation in reservations
    }
    # A reservation refers to one in the same case (the model refuses anything else), so the
    # referred party is read from the rows already here rather than with another query.
    by_id = {reservation.pk: reservation for reservation in reservations}

    groups = {body: ReservationGroup(body, Body(body).label) for body in BODY_ORDER}
    for reservation in reservations:
        signatories = people[reservation.pk]
        referred = by_id.get(reservation.refers_to_id)
        intro = reservation_intro(
            body=reservation.body,
            signers=[
                Signer(person.name, person.party.abbreviation,
                       person.role == Person.Role.COMMISSIONER)
                for person in signatories
            ],
            referred_parties=(
                [party.abbreviation for party in _parties_of(people[referred.pk])]
                if referred else None
            ),
            referred_body=referred.body if referred else "",
        )
        groups[reservation.body].reservations.append(
            ReservationEntry(
                reservation=reservation,
                intro=intro,
                signatories=signatories,
                parties=_parties_of(signatories),
                points=list(reservation.points.all()),
            )
        )
    return [group for group in groups.values() if group.reservations]

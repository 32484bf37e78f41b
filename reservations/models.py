"""Parties, their people, and the reservations (dissents) they enter against a case."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from budgetplan.cases.models import Body
from budgetplan.kernel.history import RecordHistory, version_field


class Party(models.Model):
    abbreviation = models.CharField("förkortning", max_length=10, unique=True)
    name = models.CharField("namn", max_length=200)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "parti"
        verbose_name_plural = "partier"
        ordering = ["abbreviation"]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})"


class Person(models.Model):
    class Role(models.TextChoices):
        COMMISSIONER = "commissioner", "borgarråd"
        MEMBER = "member", "ledamot"

    name = models.CharField("namn", max_length=200)
    party = models.ForeignKey(Party, verbose_name="parti", on_delete=models.PROTECT, related_name="people")
    role = models.CharField("roll", max_length=20, choices=Role.choices, default=Role.MEMBER)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "personer"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "party"], name="person_name_party_unique",
                violation_error_message="Personen finns redan i detta parti.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.party.abbreviation})"


class Reservation(models.Model):
    """A party's written dissent: its own points and text, or a reference to an earlier one."""

    case = models.ForeignKey(
        "budgetplan.Case", verbose_name="ärende", on_delete=models.CASCADE, related_name="reservations",
    )
    body = models.CharField(
        "organ", max_length=40, choices=Body.choices, default=Body.COMMISSIONERS_COMMITTEE,
        help_text="Där reservationen anfördes.",
    )
    order = models.PositiveSmallIntegerField("ordning")
    signatories = models.ManyToManyField(
        Person, verbose_name="undertecknare", through="Signatory", related_name="reservations",
    )
    refers_to = models.ForeignKey(
        "self", verbose_name="med hänvisning till", on_delete=models.PROTECT, null=True, blank=True,
        related_name="referenced_by",
    )
    proposal_lead = models.TextField(
        "inledning till förslaget", blank=True,
        help_text="T.ex. ”Jag föreslår kommunstyrelsen besluta att”.",
    )
    points_numbered = models.BooleanField("numrerade punkter", default=True)
    text = models.TextField(
        "text", blank=True,
        help_text="Stycken skiljs åt med en tom rad. En rad som börjar med ”## ” blir en rubrik, "
        "rader som börjar med ”> ” blir ett citat. HTML visas som text.",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "reservation"
        verbose_name_plural = "reservationer"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "order"], name="reservation_order_unique",
                violation_error_message="Ordningsnumret finns redan bland ärendets reservationer.",
            ),
            models.CheckConstraint(
                condition=Q(refers_to__isnull=True) | (Q(text="") & Q(proposal_lead="")),
                name="reservation_reference_has_no_text",
                violation_error_message="En reservation med hänvisning har ingen egen text.",
            ),
        ]

    def __str__(self):
        names = ", ".join(str(p) for p in self.signatories.all())
        return f"Reservation av {names}" if names else f"Reservation {self.order}"

    def clean(self):
        if self.refers_to_id and self.refers_to_id == self.pk:
            raise ValidationError({"refers_to": "En reservation kan inte hänvisa till sig själv."})
        if self.refers_to_id and self.refers_to.case_id != self.case_id:
            raise ValidationError(
                {"refers_to": "Hänvisningen måste gå till en reservation i samma ärende."}
            )
        if not self.refers_to_id and not self.text.strip() and not self.proposal_lead.strip():
            raise ValidationError(
                "Skriv reservationens text, eller välj en reservation den hänvisar till."
            )


class Signatory(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="signatory_rows")
    person = models.ForeignKey(Person, verbose_name="person", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField("ordning")
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "undertecknare"
        verbose_name_plural = "undertecknare"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["reservation", "person"], name="signatory_unique",
                violation_error_message="Personen står redan som undertecknare.",
            ),
        ]

    def __str__(self):
        return str(self.person)


class ReservationPoint(models.Model):
    """One of the reservation's own proposed decision points."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveSmallIntegerField("nummer")
    text = models.TextField("text")
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "reservationens beslutspunkt"
        verbose_name_plural = "reservationens beslutspunkter"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["reservation", "number"], name="reservation_point_number_unique",
                violation_error_message="Numret finns redan bland reservationens punkter.",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"

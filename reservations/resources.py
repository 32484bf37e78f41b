"""Per-table import and export of reservations' signatories, keyed by Dnr, order and name."""
from import_export.fields import Field
from import_export.widgets import IntegerWidget

from budgetplan.cases.resources import first_registry_number
from budgetplan.kernel.widgets import NaturalKeyWidget, RecordResource, blank, whole_number

from .models import Person, Reservation, Signatory

CASE, RESERVATION, NAME, PARTY = "Dnr", "Reservation", "Namn", "Parti"


class ReservationWidget(NaturalKeyWidget):
    """A reservation by its case's Dnr (column Dnr) and its order within the case."""

    def __init__(self, **kwargs):
        super().__init__(Reservation, "order", label=RESERVATION, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        order = whole_number(value, RESERVATION)
        registry_number = str((row or {}).get(CASE) or "").strip()
        found = Reservation.objects.filter(
            case__registry_numbers__number=registry_number, order=order).first()
        if found is None:
            raise ValueError(f"Reservation {order} finns inte i ärendet {registry_number or '(Dnr saknas)'}.")
        return found

    def render(self, value, obj=None, **kwargs):
        return value.order if value is not None else ""


class PersonWidget(NaturalKeyWidget):
    """A person by name and party abbreviation (column Parti)."""

    def __init__(self, **kwargs):
        super().__init__(Person, "name", label="Personen", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        party = str((row or {}).get(PARTY) or "").strip()
        found = Person.objects.filter(name=str(value).strip(), party__abbreviation=party).first()
        if found is None:
            raise ValueError(f"{str(value).strip()} ({party or 'parti saknas'}) finns inte bland personerna.")
        return found

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class SignatoryResource(RecordResource):
    """Undertecknare: Dnr + Reservation (ordning) + Namn + Parti name the row."""

    case = Field(column_name=CASE, readonly=True)
    reservation = Field(attribute="reservation", column_name=RESERVATION, widget=ReservationWidget())
    order = Field(attribute="order", column_name="Ordning", widget=IntegerWidget())
    person = Field(attribute="person", column_name=NAME, widget=PersonWidget())
    party = Field(column_name=PARTY, readonly=True)

    class Meta:
        model = Signatory
        fields = ("case", "reservation", "order", "person", "party", "version")
        import_id_fields = ("reservation", "person")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def dehydrate_case(self, signatory):
        return first_registry_number(signatory.reservation.case)

    def dehydrate_party(self, signatory):
        return signatory.person.party.abbreviation

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("reservation__case", "person__party").prefetch_related(
                "reservation__case__registry_numbers")
        return super().export(queryset, **kwargs)

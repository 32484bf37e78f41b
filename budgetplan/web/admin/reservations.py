"""Admin for parties, their people and the reservations entered against a case."""
from django.contrib import admin
from django.db.models import Prefetch

from budgetplan.web.admin.tables import TableImportExportMixin
from reservations.models import Party, Person, Reservation, ReservationPoint, Signatory
from reservations.resources import SignatoryResource

from .base import ServiceAdmin, ServiceTabularInline
from .positions import CasePartAdminMixin


@admin.register(Party)
class PartyAdmin(ServiceAdmin):
    list_display = ("abbreviation", "name")
    list_display_links = ("abbreviation", "name")
    ordering = ("abbreviation",)
    search_fields = ("abbreviation", "name")


@admin.register(Person)
class PersonAdmin(ServiceAdmin):
    list_display = ("name", "party", "role")
    list_select_related = ("party",)
    list_filter = ("party", "role")
    ordering = ("name",)
    search_fields = ("name", "party__abbreviation", "party__name")

    def get_queryset(self, request):
        # A person's name carries the party's abbreviation, in every list and select.
        return super().get_queryset(request).select_related("party")


class SignatoryInline(ServiceTabularInline):
    model = Signatory
    fields = ("person", "order")
    min_num = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "person":
            kwargs["queryset"] = Person.objects.select_related("party").order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReservationPointInline(ServiceTabularInline):
    model = ReservationPoint
    fields = ("number", "text")


def _with_signatories(queryset):
    """Reservations named by their signatories (Reservation.__str__), read in one query."""
    return queryset.prefetch_related(
        Prefetch("signatories", queryset=Person.objects.select_related("party"))
    )


@admin.register(Reservation)
class ReservationAdmin(CasePartAdminMixin, ServiceAdmin):
    list_display = ("signatory_names", "case", "body", "order", "reference")
    list_select_related = ("case", "refers_to")
    list_filter = ("case__budget_year", "case__board", "body")
    ordering = ("-case__budget_year", "case__board__name", "order")
    search_fields = ("text", "case__title", "signatories__name", "signatories__party__abbreviation")
    autocomplete_fields = ("case",)
    fieldsets = (
        (None, {"fields": ("case", "body", "order")}),
        ("Med hänvisning till en tidigare reservation", {
            "fields": ("refers_to",),
            "description": "En reservation som hänvisar till en annan har ingen egen text.",
        }),
        ("Egen text", {"fields": ("proposal_lead", "points_numbered", "text")}),
    )
    inlines = (SignatoryInline, ReservationPointInline)

    def get_queryset(self, request):
        # The signatories in the order they signed for the list column, and for the name that
        # the admin prints on every row (Reservation.__str__): two queries for the whole page.
        return _with_signatories(super().get_queryset(request)).prefetch_related(
            Prefetch(
                "signatory_rows",
                queryset=Signatory.objects.select_related("person__party").order_by("order"),
            )
        )

    def get_form(self, request, obj=None, **kwargs):
        # The admin is shared by all requests; what is being edited belongs to this one.
        request.reservation_being_edited = obj
        return super().get_form(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "refers_to":
            obj = getattr(request, "reservation_being_edited", None)
            kwargs["queryset"] = self._reference_choices(request, obj)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @staticmethod
    def _reference_choices(request, obj):
        """Only the case's other reservations can be referred to."""
        queryset = _with_signatories(Reservation.objects.order_by("order"))
        if obj is not None:
            return queryset.filter(case_id=obj.case_id).exclude(pk=obj.pk)
        case_id = request.GET.get("case") or request.POST.get("case")
        if case_id and case_id.isdigit():
            return queryset.filter(case_id=case_id)
        return queryset

    @admin.display(description="undertecknare")
    def signatory_names(self, obj):
        names = ", ".join(str(row.person) for row in obj.signatory_rows.all())
        return names or f"Reservation {obj.order}"

    @admin.display(description="hänvisning")
    def reference(self, obj):
        if obj.refers_to_id is None:
            return ""
        return f"till reservation {obj.refers_to.order}"


@admin.register(Signatory)
class SignatoryAdmin(TableImportExportMixin, ServiceAdmin):
    """Signatories across the reservations, for import and export as a table (xlsx, csv)."""

    resource_classes = [SignatoryResource]
    list_display = ("person", "reservation_order", "order", "case")
    list_select_related = ("person__party", "reservation__case")
    list_filter = ("reservation__case__budget_year", "reservation__case__board", "person__party")
    ordering = ("-reservation__case__budget_year", "reservation__case__title", "reservation__order", "order")
    search_fields = ("person__name", "reservation__case__registry_numbers__number")
    autocomplete_fields = ("person",)
    raw_id_fields = ("reservation",)  # a reservation is named by its signatories: no list of all

    @admin.display(description="reservation", ordering="reservation__order")
    def reservation_order(self, obj):
        return obj.reservation.order

    @admin.display(description="ärende", ordering="reservation__case__title")
    def case(self, obj):
        return obj.reservation.case

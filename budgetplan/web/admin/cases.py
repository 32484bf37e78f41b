"""Admin for the case (KS-ärende): header, Dnr, decision points, attachments, statement, report.

The case page is where a member of staff writes a board's plan: the document's front matter, then
the goals the plan takes, their annual targets and the board goals, with links in the document's
order to the parts that have pages of their own (statement, reservations, report, budget).
"""
from types import SimpleNamespace

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from budgetplan.cases.models import (
    Attachment,
    Board,
    BoardMembership,
    Case,
    CaseTransition,
    DecisionPoint,
    OfficialsReport,
    RegistryNumber,
    Responsibility,
    Statement,
    StatementSection,
    Subject,
)
from budgetplan.cases.references import missing_references
from budgetplan.document import lifecycle
from budgetplan.document.selectors import resolve_decision_point
from budgetplan.kernel.admin_base import ServiceInlineFormSet
from budgetplan.kernel.formatting import format_decimal
from budgetplan.web.admin.goals import (
    BoardGoalInline,
    PlanCouncilGoalInline,
    PlanIndicatorInline,
    PlanStrategicGoalInline,
)
from finance.models import FinancialFrame
from goals.models import Activity
from reservations.models import Reservation

from .base import ServiceAdmin, ServiceStackedInline, ServiceTabularInline
from .figures import (
    BudgetAdjustmentInline,
    DecisionPointForm,
    FigureInline,
    FigureSumsMixin,
    save_decision_points,
)
from .positions import CasePartAdminMixin, MovableInlineMixin, MovableRowsAdminMixin

admin.site.site_header = "Budgetplan – administration"
admin.site.site_title = "Budgetplan – administration"
admin.site.index_title = "Ärenden, mål, ekonomi och reservationer"


def admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


class BoardMembershipInline(ServiceTabularInline):
    model = BoardMembership
    fields = ("user",)
    autocomplete_fields = ("user",)
    verbose_name = "användare i nämnden"
    verbose_name_plural = "användare i nämnden (deras grupper avgör vad de får göra)"


@admin.register(Board)
class BoardAdmin(ServiceAdmin):
    list_display = ("name", "office", "city_office")
    ordering = ("name",)
    search_fields = ("name", "office")
    inlines = (BoardMembershipInline,)


@admin.register(BoardMembership)
class BoardMembershipAdmin(ServiceAdmin):
    """Which boards a user belongs to; their groups (Redaktör, Nämndsekreterare, Läsare,
    Administratör) say what they may do with those boards' cases."""

    list_display = ("user", "board")
    list_select_related = ("user", "board")
    list_filter = ("board",)
    ordering = ("board__name", "user__username")
    search_fields = ("user__username", "user__first_name", "user__last_name", "board__name")
    autocomplete_fields = ("user", "board")


class CaseTransitionInline(admin.TabularInline):
    """Who moved the case and when; written only by the move itself, never by hand."""

    model = CaseTransition
    fields = ("from_status", "to_status", "by", "at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class SubjectChoiceMixin:
    """The subject of a Dnr or a point is chosen among its own case's subjects."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "subject":
            case_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = Subject.objects.filter(case_id=case_id).order_by("order", "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SubjectInline(MovableInlineMixin, ServiceTabularInline):
    model = Subject
    position_field = "order"
    fields = ("order", "title")
    verbose_name_plural = "ingående ärenden"
    # What the subjects are for, above the table (not in its heading, which the parts list repeats).
    template = "admin/edit_inline/described_tabular.html"
    description = (
        "Fyll bara i ingående ärenden när ärendet för fram flera ärenden, vart och ett med egen "
        "rubrik, egna diarienummer och egna beslutspunkter. Välj sedan ärendet vid varje "
        "diarienummer och varje beslutspunkt."
    )


class RegistryNumberInline(MovableInlineMixin, SubjectChoiceMixin, ServiceTabularInline):
    model = RegistryNumber
    position_field = "order"
    fields = ("number", "subject", "order")
    min_num = 1


class DecisionPointFormSet(ServiceInlineFormSet):
    """The points, checked against the attachments as the same submission leaves them: a point
    may refer ("bilaga 3") only to an attachment the case will have."""

    attachment_formset = None  # set by CaseAdmin._create_formsets

    def clean(self):
        super().clean()
        numbers = self._attachment_numbers()
        if numbers is None:
            return
        points = [
            SimpleNamespace(number=form.cleaned_data.get("number") or "(ny)",
                            text=form.cleaned_data.get("text") or "")
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        problems = missing_references(points, numbers)
        if problems:
            raise ValidationError(problems)

    def _attachment_numbers(self) -> set[int] | None:
        formset = self.attachment_formset
        if formset is None:
            if self.instance.pk is None:
                return set()
            return set(Attachment.objects.filter(case=self.instance).values_list("number", flat=True))
        if not formset.is_valid():
            return None  # the attachments' own errors are shown; judge the references after
        return {
            form.cleaned_data.get("number") or form.instance.number
            for form in formset.forms
            if form.cleaned_data and not formset._should_delete_form(form)
        }


class DecisionPointInline(FigureSumsMixin, MovableInlineMixin, SubjectChoiceMixin, ServiceTabularInline):
    """The points, with the help for {belopp} and the figures above the table (a tooltip on a
    column heading is easily missed)."""

    model = DecisionPoint
    formset = DecisionPointFormSet
    form = DecisionPointForm
    position_field = "number"
    template = "admin/budgetplan/decision_points_inline.html"
    fields = ("number", "subject", "text", "figure_numbers", "rendered")
    readonly_fields = ("rendered",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("quoted_figures__figure")

    def get_formset(self, request, obj=None, **kwargs):
        # Inline instances are made per request: the case's figures are read once for all points.
        self.read_figures(obj)
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.figures_by_number = {
            value.figure.number: value.figure for value in self._figures.figures
        } if self._figures else {}
        return formset

    def figure_help(self):
        """Each figure a point can quote, with what it amounts to now (for the help text)."""
        if self._figures is None:
            return []
        return [(value.figure.number, value.figure.name, format_decimal(value.amount))
                for value in self._figures.figures]

    @admin.display(description="citerar summor")
    def figure_numbers(self, obj):
        """The figures' numbers, for a reader who sees the points without a form."""
        if not obj.pk:
            return ""
        return ", ".join(str(quote.figure.number) for quote in obj.quoted_figures.all())

    @admin.display(description="visas som")
    def rendered(self, obj):
        if not obj.pk or self._figures is None:
            return ""
        quoted = self._figures.point_amounts(obj.pk)
        if not quoted:
            return ""
        html = resolve_decision_point(obj, self._figures).html
        empty = [str(value.figure.number) for value in quoted if not value.rows]
        if empty:
            return format_html('{} <strong class="errornote">Summa {} har inga rader.</strong>',
                               html, ", ".join(empty))
        return html


class AttachmentInline(MovableInlineMixin, ServiceTabularInline):
    """Attachments; moving one renumbers it and every point's "bilaga N" with it."""

    model = Attachment
    position_field = "number"
    fields = ("number", "title", "file")


@admin.register(Case)
class CaseAdmin(MovableRowsAdminMixin, ServiceAdmin):
    list_display = (
        "memo_number", "title", "registry_number_list", "budget_year", "owner", "board", "status",
    )
    list_display_links = ("memo_number", "title")
    list_select_related = ("board",)
    list_filter = ("budget_year", "owner", "board", "status")
    ordering = ("-budget_year", "-memo_year", "-memo_serial")
    search_fields = ("title", "registry_numbers__number", "board__name")
    # Status and decision date change only by moving the case on (budgetplan.document.lifecycle).
    readonly_fields = ("parts", "status", "decided_on", "predecessor", "decision")
    fieldsets = (
        ("Ärendet", {"fields": (
            ("memo_year", "memo_serial", "memo_rotel"), "title", "budget_year", "owner", "board",
        )}),
        ("Beslut", {"fields": (
            "proposing_body", "deciding_body", "status", "decided_on", "predecessor", "decision",
        )}),
        ("Ärendets delar i dokumentets ordning", {"fields": ("parts",)}),
    )
    inlines = (
        # The figures before the points that quote them: a new figure is saved first.
        SubjectInline, RegistryNumberInline, FigureInline, DecisionPointInline,
        BudgetAdjustmentInline, AttachmentInline, PlanStrategicGoalInline,
        PlanCouncilGoalInline, BoardGoalInline, PlanIndicatorInline, CaseTransitionInline,
    )
    actions = ("propose", "start_new_version")

    def save_formset(self, request, form, formset, change):
        if formset.model is DecisionPoint:
            save_decision_points(formset, request.user)
        else:
            super().save_formset(request, form, formset, change)

    @admin.action(description="Skicka till borgarrådsberedningen (utkast → föreslaget)")
    def propose(self, request, queryset):
        self._each(request, queryset, lambda case: lifecycle.case_transition(
            case=case, to_status=Case.Status.PROPOSED, user=request.user,
        ), "skickades till borgarrådsberedningen")

    @admin.action(description="Skapa ny version som utkast (av beslutade ärenden)")
    def start_new_version(self, request, queryset):
        self._each(request, queryset, lambda case: lifecycle.case_new_version(
            case=case, user=request.user,
        ), "fick en ny version som utkast (utan diarienummer tills registratorn gett ett)")

    def _each(self, request, queryset, service, done: str):
        for case in queryset:
            try:
                service(case)
            except ValidationError as error:
                self._refused(request, case, " ".join(error.messages))
            except PermissionDenied as error:
                self._refused(request, case, str(error))
            else:
                self.message_user(request, f"{case.memo_number} {done}.", messages.SUCCESS)

    def _refused(self, request, case, reason: str):
        self.message_user(request, f"{case.memo_number}: {reason}", messages.ERROR)

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        by_model = {formset.model: formset for formset in formsets}
        if DecisionPoint in by_model:
            by_model[DecisionPoint].attachment_formset = by_model.get(Attachment)
        return formsets, inline_instances

    @admin.display(description="beslut")
    def decision(self, obj):
        if not obj.pk:
            return "Ett nytt ärende börjar som utkast."
        url = reverse("cases:detail", args=[obj.pk])
        document = getattr(obj, "decided_document", None)
        if document is not None:
            return format_html(
                'Beslutad PDF sparad, SHA-256 <code>{}</code>. <a href="{}">Visa ärendet</a>',
                document.sha256, url,
            )
        return format_html(
            'Nämndsekreteraren flyttar ärendet vidare under ”Ärendets gång” på '
            '<a href="{}#arendets-gang">ärendets sida</a> eller med åtgärderna i listan.', url,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("registry_numbers")

    @admin.display(description="PM-nummer", ordering="memo_serial")
    def memo_number(self, obj):
        return obj.memo_number

    @admin.display(description="Dnr")
    def registry_number_list(self, obj):
        return ", ".join(number.number for number in obj.registry_numbers.all())

    @admin.display(description="delar")
    def parts(self, obj):
        if not obj.pk:
            return "Spara ärendet först; därefter visas här länkar till dess delar."
        rows = [
            ("Beslutspunkter", "nedan", None),
            self._one_to_one(Statement, obj, "Föredragande borgarrådets anförande"),
            ("Bilagor", "nedan", None),
            self._reservations(obj),
            self._one_to_one(OfficialsReport, obj, "Tjänsteutlåtande"),
            ("Mål, årsmål och nämndmål", "nedan", None),
            (
                "KF:s aktiviteter för nämnden",
                "visa",
                f"{admin_url(Activity, 'changelist')}?year={obj.budget_year}&board={obj.board_id}",
            ) if obj.board_id else (
                "KF:s aktiviteter", "hör till nämndernas planer, inte till ett stadsövergripande "
                "ärende", None,
            ),
            self._one_to_one(FinancialFrame, obj, "Nämndens ekonomiska förutsättningar"),
            ("Hela ärendet", "visa som sida", reverse("cases:detail", args=[obj.pk])),
        ]
        items = format_html_join(
            "", "<li>{}: {}</li>",
            ((label, format_html('<a href="{}">{}</a>', url, text) if url else text)
             for label, text, url in rows),
        )
        return format_html("<ul>{}</ul>", items)

    @staticmethod
    def _one_to_one(model, case, label):
        pk = model.objects.filter(case=case).values_list("pk", flat=True).first()
        if pk is None:
            return label, "lägg till", f"{admin_url(model, 'add')}?case={case.pk}"
        return label, "ändra", admin_url(model, "change", pk)

    @staticmethod
    def _reservations(case):
        count = Reservation.objects.filter(case=case).count()
        url = f"{admin_url(Reservation, 'changelist')}?case__id__exact={case.pk}"
        if not count:
            return "Reservationer", "lägg till", f"{admin_url(Reservation, 'add')}?case={case.pk}"
        return "Reservationer", f"{count} st", url


class StatementSectionInline(MovableInlineMixin, ServiceStackedInline):
    model = StatementSection
    position_field = "order"
    fields = ("order", "heading", "body")


@admin.register(Statement)
class StatementAdmin(CasePartAdminMixin, MovableRowsAdminMixin, ServiceAdmin):
    list_display = ("commissioner", "case", "signed_on")
    list_select_related = ("case",)
    list_filter = ("case__budget_year", "case__board")
    ordering = ("-case__budget_year", "case__board__name")
    search_fields = ("commissioner", "case__title", "case__registry_numbers__number")
    autocomplete_fields = ("case",)
    fields = ("case", "commissioner", "proposal_lead", "place", "signed_on", "endorsement")
    inlines = (StatementSectionInline,)


class ResponsibilityInline(MovableInlineMixin, ServiceTabularInline):
    model = Responsibility
    position_field = "order"
    fields = ("order", "text")


@admin.register(OfficialsReport)
class OfficialsReportAdmin(CasePartAdminMixin, MovableRowsAdminMixin, ServiceAdmin):
    list_display = ("offices", "case", "dated")
    list_select_related = ("case",)
    list_filter = ("case__budget_year", "case__board")
    ordering = ("-case__budget_year", "case__board__name")
    search_fields = ("offices", "case__title", "case__registry_numbers__number")
    autocomplete_fields = ("case",)
    fieldsets = (
        (None, {"fields": ("case", "offices", "dated", "report_lead")}),
        ("ÄRENDET", {
            "fields": ("matter_lead", "matter_body"),
            "description": "Ansvarslistan (nedan) står i dokumentet mellan inledningen och texten "
            "efter listan.",
        }),
        ("BEREDNING", {"fields": ("preparation",)}),
    )
    inlines = (ResponsibilityInline,)

"""Admin for a case's budget adjustments, its named figures and which figures its points quote.

The figures and adjustments are edited on the case's own page (inlines), beside the decision
points that quote them; the financing sources are shared by every case, like the boards.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from budgetplan.cases.models import Board
from budgetplan.kernel.admin_base import ServiceModelForm
from budgetplan.kernel.formatting import format_decimal
from budgetplan.kernel.placeholders import amount_placeholder_problem
from budgetplan.kernel import admin_base
from finance.models import BudgetAdjustment, Figure, FinancingSource
from finance.selectors import case_figures, case_finance
from finance.services import figure_numbers as parse_figure_numbers
from finance.services import point_figures_set

from .base import ServiceAdmin, ServiceStackedInline, ServiceTabularInline
from .positions import MovableInlineMixin

QUOTED = "figure_numbers"

def _figures_of(case) -> dict[int, Figure]:
    if case is None or case.pk is None:
        return {}
    return {figure.number: figure for figure in Figure.objects.filter(case=case)}


class DecisionPointForm(ServiceModelForm):
    """A decision point with the numbers of the figures it quotes, checked against its text."""

    figure_numbers = forms.CharField(
        label="citerar summor", required=False,
        widget=forms.TextInput(attrs={"size": 6, "inputmode": "numeric"}),
        help_text="Summornas nummer i textens ordning, t.ex. 1 eller 2, 3.",
    )
    figures_by_number: dict[int, Figure] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Read with the inline's queryset (prefetched), no query per row.
            numbers = [quote.figure.number for quote in self.instance.quoted_figures.all()]
            self.initial[QUOTED] = ", ".join(str(number) for number in numbers)

    def clean_figure_numbers(self) -> list[Figure]:
        try:
            numbers = parse_figure_numbers(self.cleaned_data.get(QUOTED, ""))
        except ValueError:
            raise ValidationError("Skriv summornas nummer med komma emellan, t.ex. 2, 3.") from None
        if len(set(numbers)) != len(numbers):
            raise ValidationError("Samma summa står två gånger.")
        missing = [str(number) for number in numbers if number not in self.figures_by_number]
        if missing:
            raise ValidationError(
                f"Ärendet har ingen summa {', '.join(missing)}; lägg till den under Summor och "
                f"spara först."
            )
        return [self.figures_by_number[number] for number in numbers]

    def clean(self):
        cleaned_data = super().clean()
        figures = cleaned_data.get(QUOTED)
        text = cleaned_data.get("text")
        if figures is not None and text is not None:
            problem = amount_placeholder_problem(text, len(figures))
            if problem:
                self.add_error("text", f"{problem[0].upper()}{problem[1:]}.")
        return cleaned_data

    def has_changed(self):
        # An unchanged list of figures typed differently ("1,2" for "1, 2") is no change.
        return bool(self.changed_data)

    @property
    def changed_data(self):
        changed = [name for name in super().changed_data if name != QUOTED]
        if QUOTED in self.fields and hasattr(self, "cleaned_data") and QUOTED in self.cleaned_data:
            before = [quote.figure_id for quote in self.instance.quoted_figures.all()] if self.instance.pk else []
            if [figure.pk for figure in self.cleaned_data[QUOTED]] != before:
                changed.append(QUOTED)
        elif QUOTED in super().changed_data:
            changed.append(QUOTED)
        return changed


def save_decision_points(formset, user) -> None:
    """Save the points, then the figures each quotes; a point whose only change is its figures
    is not written again. Through the services the admin base uses, as every inline is."""
    formset.save(commit=False)
    for point in formset.deleted_objects:
        admin_base.record_delete(instance=point, user=user)
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed():
            continue
        changed = set(form.changed_data)
        if changed - {QUOTED} or form.instance.pk is None:
            admin_base.record_save(instance=form.instance, user=user)
        if QUOTED in changed:
            point_figures_set(point=form.instance, figures=form.cleaned_data[QUOTED], user=user)


class FigureSumsMixin:
    """Reads the case's figures with their rows once per page, for every row that shows one."""

    _figures = None

    def read_figures(self, case) -> None:
        self._figures = (
            case_figures(case_id=case.pk, finance=case_finance(case_id=case.pk)) if case else None
        )


class AnyBoardMixin:
    """A row names any of the city's boards, not only those the user belongs to: the case's own
    owner decides who may write the row."""

    unscoped_fields = ("board",)  # left as they are by scoping._limit_choices

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "board":
            kwargs.setdefault("queryset", Board.objects.order_by("name"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BudgetAdjustmentInline(AnyBoardMixin, MovableInlineMixin, ServiceTabularInline):
    model = BudgetAdjustment
    position_field = "order"
    fields = ("order", "board", "kind", "description", "amount", "source")
    template = "admin/edit_inline/described_tabular.html"
    description = (
        "Budgetjusteringar som ärendet beviljar: nämnden, slaget (driftbudget, nettokostnad; "
        "investeringsutgift; omslutningsförändring, där kostnader och intäkter ökar lika mycket), "
        "beloppet i mnkr (en minskning negativ) och var pengarna tas ifrån. Finansieringskällorna "
        "(t.ex. central medelsreserv 2) är gemensamma för alla ärenden."
    )


class FigureInline(AnyBoardMixin, FigureSumsMixin, MovableInlineMixin, ServiceStackedInline):
    """Stacked: the list of rows a figure sums needs the width of the page."""

    model = Figure
    position_field = "number"
    fields = (("number", "name"), "rows", ("board", "source"), "summed_rows")
    readonly_fields = ("summed_rows",)
    template = "admin/edit_inline/described_stacked.html"
    description = (
        "Summor som beslutspunkterna citerar. En summa väljer rader i ärendet: vilket slag, och "
        "om du vill bara en nämnd och/eller en finansieringskälla. Under varje summa står "
        "raderna den summerar just nu och deras summa. En summa utan rader stoppar "
        "ärendet när det ska skickas vidare."
    )

    def get_formset(self, request, obj=None, **kwargs):
        self.read_figures(obj)
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="summerar (mnkr)")
    def summed_rows(self, obj):
        if not obj.pk or self._figures is None or obj.pk not in self._figures.values:
            return ""
        value = self._figures.values[obj.pk]
        if not value.rows:
            return mark_safe('<strong class="errornote">Inga rader: 0,0.</strong>')  # noqa: S308
        rows = format_html_join(
            "", "<li>{}: {} <span class='num'>{}</span></li>",
            ((row.table, row.label, format_decimal(row.amount)) for row in value.rows),
        )
        return format_html("<ul class='figure-rows'>{}</ul><strong>Summa {}</strong>", rows,
                           format_decimal(value.amount))


@admin.register(FinancingSource)
class FinancingSourceAdmin(ServiceAdmin):
    list_display = ("name", "number", "purpose")
    ordering = ("name", "number")
    search_fields = ("name", "number", "purpose")
    fields = ("name", "number", "purpose")

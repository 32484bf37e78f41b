"""Admin for a plan's financial frame: the budget rows in the document's order, totals computed."""
from django.contrib import admin

from budgetplan.kernel.formatting import format_decimal
from budgetplan.web.admin.tables import TableImportExportMixin
from finance.models import (
    FinancialFrame,
    Investment,
    MajorProject,
    OperatingBudgetRow,
    ResultUnit,
    TurnoverChange,
)
from finance.resources import InvestmentResource, OperatingBudgetRowResource, TurnoverChangeResource
from finance.selectors import case_finance

from .base import ServiceAdmin, ServiceStackedInline, ServiceTabularInline
from .figures import AnyBoardMixin
from .positions import CasePartAdminMixin


class OperatingBudgetRowInline(ServiceTabularInline):
    model = OperatingBudgetRow
    row_label = "rad {n} i driftbudgeten"
    fields = ("order", "department", "costs", "revenues", "net_display")
    readonly_fields = ("net_display",)

    @admin.display(description="netto (beräknas)")
    def net_display(self, obj):
        return format_decimal(obj.net) if obj.pk else ""


class InvestmentInline(ServiceTabularInline):
    model = Investment
    fields = ("order", "purpose", "amount", "text")


class ResultUnitInline(ServiceTabularInline):
    model = ResultUnit
    fields = ("order", "name", "text")


class MajorProjectInline(ServiceStackedInline):
    model = MajorProject
    fields = ("order", "title", "body")


class TurnoverChangeInline(AnyBoardMixin, ServiceTabularInline):
    model = TurnoverChange
    fields = ("order", "description", "amount", "board")


def _total(name: str, description: str):
    @admin.display(description=description)
    def display(self, obj):
        return format_decimal(getattr(self.section(obj), name)) if obj.pk else ""

    return display


@admin.register(FinancialFrame)
class FinancialFrameAdmin(CasePartAdminMixin, ServiceAdmin):
    list_display = ("case", "board", "budget_year", "organisation")
    list_select_related = ("case__board",)
    list_filter = ("case__budget_year", "case__board")
    ordering = ("-case__budget_year", "case__board__name")
    search_fields = ("organisation", "case__title", "case__registry_numbers__number")
    autocomplete_fields = ("case", "placed_under")
    readonly_fields = (
        "costs_total", "revenues_total", "net_total", "investments_total", "turnover_total",
    )
    fieldsets = (
        (None, {"fields": ("case", "placed_under", "organisation")}),
        ("Rubriker", {"fields": ("investments_heading", "turnover_total_label")}),
        ("Summor (beräknas från raderna nedan, mnkr)", {"fields": (
            "costs_total", "revenues_total", "net_total", "investments_total", "turnover_total",
        )}),
    )
    inlines = (
        OperatingBudgetRowInline, InvestmentInline, ResultUnitInline, MajorProjectInline,
        TurnoverChangeInline,
    )

    @staticmethod
    def section(obj):
        # Read once per page for all five totals, with the same sums the case page prints.
        if not hasattr(obj, "_finance_section"):
            obj._finance_section = case_finance(case_id=obj.case_id)
        return obj._finance_section

    costs_total = _total("costs_total", "kostnader, summa")
    revenues_total = _total("revenues_total", "intäkter, summa")
    net_total = _total("net_total", "KS förslag till budget, netto")
    investments_total = _total("investments_total", "investeringar, summa")
    turnover_total = _total("turnover_total", "omslutningsförändringar, summa")

    @admin.display(description="nämnd", ordering="case__board__name")
    def board(self, obj):
        return obj.case.board

    @admin.display(description="budgetår", ordering="case__budget_year")
    def budget_year(self, obj):
        return obj.case.budget_year


class FrameRowAdmin(TableImportExportMixin, ServiceAdmin):
    """One kind of budget row across the plans, for import and export as a table (xlsx, csv)."""

    list_select_related = ("frame__case__board",)
    list_filter = ("frame__case__budget_year", "frame__case__board")
    ordering = ("-frame__case__budget_year", "frame__case__board__name", "order")
    search_fields = ("frame__case__registry_numbers__number",)
    autocomplete_fields = ("frame",)

    @admin.display(description="ärende", ordering="frame__case__title")
    def case(self, obj):
        return obj.frame.case


@admin.register(OperatingBudgetRow)
class OperatingBudgetRowAdmin(FrameRowAdmin):
    resource_classes = [OperatingBudgetRowResource]
    list_display = ("department", "costs", "revenues", "net", "case")
    search_fields = ("department", *FrameRowAdmin.search_fields)


@admin.register(TurnoverChange)
class TurnoverChangeAdmin(FrameRowAdmin):
    resource_classes = [TurnoverChangeResource]
    list_display = ("description", "amount", "case")
    search_fields = ("description", *FrameRowAdmin.search_fields)


@admin.register(Investment)
class InvestmentAdmin(FrameRowAdmin):
    resource_classes = [InvestmentResource]
    list_display = ("purpose", "amount", "case")
    search_fields = ("purpose", *FrameRowAdmin.search_fields)

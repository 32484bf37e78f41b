"""Per-table import and export of budget rows, turnover changes and investments, keyed by Dnr."""
from import_export.fields import Field
from import_export.widgets import IntegerWidget

from budgetplan.cases.resources import first_registry_number
from budgetplan.kernel.widgets import AmountWidget, NaturalKeyWidget, RecordResource

from .models import FinancialFrame, Investment, OperatingBudgetRow, TurnoverChange

CASE = "Dnr"


class FrameWidget(NaturalKeyWidget):
    """A plan's financial frame by any of its case's registry numbers (Dnr)."""

    def __init__(self, **kwargs):
        super().__init__(FinancialFrame, "case__registry_numbers__number",
                         label="Ekonomiska förutsättningar för Dnr", **kwargs)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else first_registry_number(value.case)


class FrameRowResource(RecordResource):
    """Rows of one plan's financial frame; the frame is named by its case's Dnr."""

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("frame__case").prefetch_related(
                "frame__case__registry_numbers")
        return super().export(queryset, **kwargs)


class OperatingBudgetRowResource(FrameRowResource):
    """Driftbudget: a row per department; the department's name identifies the row."""

    frame = Field(attribute="frame", column_name=CASE, widget=FrameWidget())
    order = Field(attribute="order", column_name="Ordning", widget=IntegerWidget())
    department = Field(attribute="department", column_name="Avdelning")
    costs = Field(attribute="costs", column_name="Kostnader", widget=AmountWidget())
    revenues = Field(attribute="revenues", column_name="Intäkter", widget=AmountWidget())
    net = Field(attribute="net", column_name="Netto", widget=AmountWidget(), readonly=True)

    class Meta:
        model = OperatingBudgetRow
        fields = ("frame", "order", "department", "costs", "revenues", "net", "version")
        import_id_fields = ("frame", "department")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class TurnoverChangeResource(FrameRowResource):
    frame = Field(attribute="frame", column_name=CASE, widget=FrameWidget())
    order = Field(attribute="order", column_name="Ordning", widget=IntegerWidget())
    description = Field(attribute="description", column_name="Beskrivning")
    amount = Field(attribute="amount", column_name="Belopp", widget=AmountWidget())

    class Meta:
        model = TurnoverChange
        fields = ("frame", "order", "description", "amount", "version")
        import_id_fields = ("frame", "order")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class InvestmentResource(FrameRowResource):
    frame = Field(attribute="frame", column_name=CASE, widget=FrameWidget())
    order = Field(attribute="order", column_name="Ordning", widget=IntegerWidget())
    purpose = Field(attribute="purpose", column_name="Ändamål")
    amount = Field(attribute="amount", column_name="Belopp", widget=AmountWidget())
    text = Field(attribute="text", column_name="Text")

    class Meta:
        model = Investment
        fields = ("frame", "order", "purpose", "amount", "text", "version")
        import_id_fields = ("frame", "order")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

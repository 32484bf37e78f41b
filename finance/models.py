"""The board's financial frame: operating budget, investments, result units, projects, turnover.

Every amount is in mnkr (million kronor) with one decimal, as the document writes it. Totals are
never stored: they are summed from the rows by the selectors.
"""
from django.db import models
from django.db.models import F, Q

from budgetplan.kernel.history import RecordHistory, version_field


def amount_field(verbose_name: str, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=1, **kwargs)


class FinancialFrame(models.Model):
    """Nämndens ekonomiska förutsättningar: the budget section of one plan."""

    case = models.OneToOneField(
        "budgetplan.Case", verbose_name="ärende", on_delete=models.CASCADE,
        related_name="financial_frame",
    )
    placed_under = models.ForeignKey(
        "goals.CouncilGoal", verbose_name="visas under KF:s mål", on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
        help_text="Avsnittet visas sist under detta mål; utan mål visas det efter målen.",
    )
    organisation = models.CharField(
        "organisation i tabellhuvudet", max_length=200, help_text="T.ex. Stadsledningskontoret m.m.",
    )
    investments_heading = models.CharField("rubrik, investeringar", max_length=200, default="Investeringar")
    turnover_total_label = models.CharField(
        "summarad, omslutningsförändringar", max_length=200,
        default="Förslag till omslutningsförändringar",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "ekonomiska förutsättningar"
        verbose_name_plural = "ekonomiska förutsättningar"

    def __str__(self):
        return f"Ekonomiska förutsättningar – {self.case}"


class OperatingBudgetRow(models.Model):
    """One department's row of the operating budget (driftverksamhet); revenues are negative."""

    frame = models.ForeignKey(
        FinancialFrame, verbose_name="ekonomiska förutsättningar", on_delete=models.CASCADE,
        related_name="operating_rows",
    )
    order = models.PositiveSmallIntegerField("ordning")
    department = models.CharField("avdelning", max_length=200)
    costs = amount_field("kostnader")
    revenues = amount_field("intäkter", default=0, help_text="Anges negativt, som i dokumentet.")
    net = models.GeneratedField(
        expression=F("costs") + F("revenues"),
        output_field=models.DecimalField(max_digits=13, decimal_places=1),
        db_persist=True,
        verbose_name="netto",
    )
    version = version_field()
    history = RecordHistory(excluded_fields=["net"])

    class Meta:
        verbose_name = "rad i driftbudgeten"
        verbose_name_plural = "rader i driftbudgeten"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["frame", "order"], name="operating_row_order_unique",
                violation_error_message="Ordningsnumret finns redan i driftbudgeten.",
            ),
            models.UniqueConstraint(
                fields=["frame", "department"], name="operating_row_department_unique",
                violation_error_message="Avdelningen finns redan i driftbudgeten.",
            ),
            models.CheckConstraint(
                condition=Q(costs__gte=0), name="operating_row_costs_not_negative",
                violation_error_message="Kostnader anges som ett positivt belopp.",
            ),
            models.CheckConstraint(
                condition=Q(revenues__lte=0), name="operating_row_revenues_not_positive",
                violation_error_message="Intäkter anges negativt, t.ex. -22,0.",
            ),
        ]

    def __str__(self):
        return self.department


class Investment(models.Model):
    """A line of the investment budget."""

    frame = models.ForeignKey(
        FinancialFrame, verbose_name="ekonomiska förutsättningar", on_delete=models.CASCADE,
        related_name="investments",
    )
    order = models.PositiveSmallIntegerField("ordning")
    purpose = models.CharField("ändamål", max_length=300)
    amount = amount_field("belopp (mnkr)")
    text = models.TextField(
        "text", help_text="Skriv {belopp} där beloppet ska stå, t.ex. ”Kontoret har en "
        "investeringsbudget om {belopp} mnkr för 2012 för Stadshusets lokaler.”",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "investering"
        verbose_name_plural = "investeringar"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["frame", "order"], name="investment_order_unique",
                violation_error_message="Ordningsnumret finns redan bland investeringarna.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="investment_amount_not_negative",
                violation_error_message="Beloppet kan inte vara negativt.",
            ),
        ]

    def __str__(self):
        return self.purpose


class ResultUnit(models.Model):
    """A unit allowed to carry its result over (resultatenhet)."""

    frame = models.ForeignKey(
        FinancialFrame, verbose_name="ekonomiska förutsättningar", on_delete=models.CASCADE,
        related_name="result_units",
    )
    order = models.PositiveSmallIntegerField("ordning")
    name = models.CharField("enhet", max_length=200)
    text = models.TextField("text")
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "resultatenhet"
        verbose_name_plural = "resultatenheter"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["frame", "order"], name="result_unit_order_unique",
                violation_error_message="Ordningsnumret finns redan bland resultatenheterna.",
            ),
        ]

    def __str__(self):
        return self.name


class MajorProject(models.Model):
    """A major project that is not an investment (betydande projekt som inte är investeringar)."""

    frame = models.ForeignKey(
        FinancialFrame, verbose_name="ekonomiska förutsättningar", on_delete=models.CASCADE,
        related_name="projects",
    )
    order = models.PositiveSmallIntegerField("ordning")
    title = models.CharField("rubrik", max_length=300)
    body = models.TextField(
        "text", help_text="Stycken skiljs åt med en tom rad; rader som börjar med ”1. ” blir en "
        "numrerad lista.",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "betydande projekt"
        verbose_name_plural = "betydande projekt"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["frame", "order"], name="major_project_order_unique",
                violation_error_message="Ordningsnumret finns redan bland projekten.",
            ),
        ]

    def __str__(self):
        return self.title


class TurnoverChange(models.Model):
    """A gross-turnover change (omslutningsförändring): costs and revenues raised alike."""

    frame = models.ForeignKey(
        FinancialFrame, verbose_name="ekonomiska förutsättningar", on_delete=models.CASCADE,
        related_name="turnover_changes",
    )
    order = models.PositiveSmallIntegerField("ordning")
    description = models.CharField("beskrivning", max_length=300)
    amount = amount_field("belopp (mnkr)")
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "omslutningsförändring"
        verbose_name_plural = "omslutningsförändringar"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["frame", "order"], name="turnover_change_order_unique",
                violation_error_message="Ordningsnumret finns redan bland omslutningsförändringarna.",
            ),
        ]

    def __str__(self):
        return self.description

"""The board's financial frame: operating budget, investments, result units, projects, turnover.

Every amount is in mnkr (million kronor) with one decimal, as the document writes it. Totals are
never stored: they are summed from the rows by the selectors.
"""
from django.core.exceptions import ValidationError
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
    board = models.ForeignKey(
        "budgetplan.Board", verbose_name="nämnd", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
        help_text="Den nämnd förändringen gäller, i ett ärende för flera nämnder; annars tomt.",
    )
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


class FinancingSource(models.Model):
    """Where a budget adjustment's money comes from, e.g. central medelsreserv 2 (shared by all
    cases, like the boards)."""

    name = models.CharField("namn", max_length=200, help_text="T.ex. Central medelsreserv.")
    number = models.CharField(
        "nummer", max_length=20, blank=True, help_text="Reservens nummer, t.ex. 2; tomt om den saknar.",
    )
    purpose = models.CharField(
        "ändamål", max_length=300, blank=True,
        help_text="T.ex. Särskilda medel för oförutsedda kostnader.",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "finansieringskälla"
        verbose_name_plural = "finansieringskällor"
        ordering = ["name", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "number"], name="financing_source_unique",
                violation_error_message="Finansieringskällan finns redan.",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """"Central medelsreserv 2", as the document names it."""
        return f"{self.name} {self.number}".strip()


class AdjustmentKind(models.TextChoices):
    """What a budget adjustment changes."""

    OPERATING = "operating", "Driftbudget, nettokostnad"
    INVESTMENT = "investment", "Investeringsutgift"
    TURNOVER = "turnover", "Omslutningsförändring, kostnader och intäkter"


class BudgetAdjustment(models.Model):
    """A budgetjustering: a change to one board's budget granted in the case, financed from a
    named source. A turnover change raises the board's costs and revenues by the amount alike."""

    case = models.ForeignKey(
        "budgetplan.Case", verbose_name="ärende", on_delete=models.CASCADE,
        related_name="budget_adjustments",
    )
    order = models.PositiveSmallIntegerField("ordning")
    board = models.ForeignKey(
        "budgetplan.Board", verbose_name="nämnd", on_delete=models.PROTECT, related_name="+",
    )
    kind = models.CharField("slag", max_length=20, choices=AdjustmentKind.choices)
    description = models.CharField(
        "avser", max_length=300, blank=True, help_text="T.ex. Ökade kostnader för skolskjuts.",
    )
    amount = amount_field("belopp (mnkr)", help_text="En minskning anges negativt.")
    source = models.ForeignKey(
        FinancingSource, verbose_name="finansieras ur", on_delete=models.PROTECT, null=True,
        blank=True, related_name="adjustments",
        help_text="Tomt när justeringen inte finansieras ur någon särskild källa.",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "budgetjustering"
        verbose_name_plural = "budgetjusteringar"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "order"], name="budget_adjustment_order_unique",
                violation_error_message="Ordningsnumret finns redan bland budgetjusteringarna.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AdjustmentKind.values), name="budget_adjustment_kind_known",
                violation_error_message="Välj driftbudget, investeringsutgift eller "
                "omslutningsförändring.",
            ),
        ]

    def __str__(self):
        return f"{self.board} – {self.get_kind_display()}"


class FigureRows(models.TextChoices):
    """Which rows of the case a figure sums."""

    ADJUSTMENTS = "adjustments", "Budgetjusteringar, alla slag"
    ADJUSTMENT_OPERATING = "adjustment_operating", "Budgetjusteringar, driftbudget (nettokostnad)"
    ADJUSTMENT_INVESTMENT = "adjustment_investment", "Budgetjusteringar, investeringsutgifter"
    TURNOVER = "turnover", "Omslutningsförändringar (tabellen och budgetjusteringar av det slaget)"
    OPERATING_NET = "operating_net", "Driftbudgetens tabell, netto"
    OPERATING_COSTS = "operating_costs", "Driftbudgetens tabell, kostnader"
    OPERATING_REVENUES = "operating_revenues", "Driftbudgetens tabell, intäkter"
    INVESTMENTS = "investments", "Investeringar (ekonomiska förutsättningar)"


# The rows of the financial frame's own tables name no board and no source of financing.
FRAME_TABLE_ROWS = (
    FigureRows.OPERATING_NET, FigureRows.OPERATING_COSTS, FigureRows.OPERATING_REVENUES,
    FigureRows.INVESTMENTS,
)


class Figure(models.Model):
    """A named sum (summa) of the case's rows that decision points quote.

    It stores only which rows it sums; the amount is computed from them whenever it is shown
    (finance.figures), so changing a row changes every point that quotes it.
    """

    case = models.ForeignKey(
        "budgetplan.Case", verbose_name="ärende", on_delete=models.CASCADE, related_name="figures",
    )
    number = models.PositiveSmallIntegerField("nummer")
    name = models.CharField("namn", max_length=200, help_text="T.ex. Summa omslutningsförändringar.")
    rows = models.CharField("summerar", max_length=30, choices=FigureRows.choices)
    board = models.ForeignKey(
        "budgetplan.Board", verbose_name="bara nämnd", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+", help_text="Tomt: rader för alla nämnder.",
    )
    source = models.ForeignKey(
        FinancingSource, verbose_name="bara finansieringskälla", on_delete=models.PROTECT,
        null=True, blank=True, related_name="figures", help_text="Tomt: oavsett finansiering.",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "summa"
        verbose_name_plural = "summor"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"], name="figure_number_unique",
                violation_error_message="Numret finns redan bland ärendets summor.",
            ),
            models.UniqueConstraint(
                fields=["case", "name"], name="figure_name_unique",
                violation_error_message="Namnet finns redan bland ärendets summor.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="figure_number_positive",
                violation_error_message="Numret måste vara minst 1.",
            ),
            models.CheckConstraint(
                condition=~Q(rows__in=[choice.value for choice in FRAME_TABLE_ROWS])
                | (Q(board__isnull=True) & Q(source__isnull=True)),
                name="figure_frame_table_unfiltered",
                violation_error_message="Raderna i de ekonomiska förutsättningarnas tabeller "
                "har ingen nämnd eller finansieringskälla: lämna de valen tomma.",
            ),
        ]

    def __str__(self):
        return f"Summa {self.number}: {self.name}"


class QuotedFigure(models.Model):
    """That a decision point quotes a figure, and where: {belopp} when it quotes one, {belopp:1},
    {belopp:2} … by this position when it quotes several."""

    point = models.ForeignKey(
        "budgetplan.DecisionPoint", verbose_name="beslutspunkt", on_delete=models.CASCADE,
        related_name="quoted_figures",
    )
    position = models.PositiveSmallIntegerField("plats")
    # RESTRICT, not PROTECT: a figure stays while a point quotes it, but a case deleted whole
    # takes its points, their quotes and its figures together.
    figure = models.ForeignKey(
        Figure, verbose_name="summa", on_delete=models.RESTRICT, related_name="quotes",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "citerad summa"
        verbose_name_plural = "citerade summor"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "position"], name="quoted_figure_position_unique",
                violation_error_message="Platsen finns redan bland punktens summor.",
            ),
            models.UniqueConstraint(
                fields=["point", "figure"], name="quoted_figure_once",
                violation_error_message="Punkten citerar redan den summan.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1), name="quoted_figure_position_positive",
                violation_error_message="Platsen måste vara minst 1.",
            ),
        ]

    def __str__(self):
        return f"{self.point} – {self.figure}"

    def clean(self):
        if self.point_id and self.figure_id and self.point.case_id != self.figure.case_id:
            raise ValidationError({"figure": "Punkten kan bara citera summor i sitt eget ärende."})

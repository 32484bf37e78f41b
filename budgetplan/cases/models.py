"""The case (KS-ärende) itself: its header, decision points, statement, attachments and report."""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from budgetplan.kernel.files import validate_attachment_file
from budgetplan.kernel.history import CounterField, RecordHistory, version_field
from budgetplan.kernel.placeholders import AMOUNT_PLACEHOLDER, DATE_PLACEHOLDER  # noqa: F401 - re-exported


class Body(models.TextChoices):
    """The political bodies a case passes through."""

    CITY_COUNCIL = "kommunfullmaktige", "Kommunfullmäktige"
    EXECUTIVE_BOARD = "kommunstyrelsen", "Kommunstyrelsen"
    COMMISSIONERS_COMMITTEE = "borgarradsberedningen", "Borgarrådsberedningen"


class Board(models.Model):
    """A board (nämnd/styrelse) whose budget area has a plan each year."""

    name = models.CharField("namn", max_length=200, unique=True)
    office = models.CharField(
        "förvaltning", max_length=200, blank=True,
        help_text="Förvaltningen som tar fram planen, t.ex. Stadsledningskontoret.",
    )
    city_office = models.BooleanField(
        "stadsledningskontoret", default=False,
        help_text="Kryssa i för den nämnd (kommunstyrelsen) vars förvaltning är "
        "stadsledningskontoret. De som hör till den läser och skriver stadens egna, "
        "stadsövergripande ärenden, med samma roller som för nämndens planer.",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "nämnd"
        verbose_name_plural = "nämnder"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city_office"], condition=Q(city_office=True),
                name="board_one_city_office",
                violation_error_message="Det finns redan en nämnd markerad som "
                "stadsledningskontoret; bara en kan vara det.",
            ),
        ]

    def __str__(self):
        return self.name


class BoardMembership(models.Model):
    """Which boards a user belongs to; the user's groups (roles) say what they may do there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="användare", on_delete=models.CASCADE,
        related_name="board_memberships",
    )
    board = models.ForeignKey(
        Board, verbose_name="nämnd", on_delete=models.CASCADE, related_name="memberships",
    )
    history = RecordHistory()

    class Meta:
        verbose_name = "nämndtillhörighet"
        verbose_name_plural = "nämndtillhörigheter"
        ordering = ["board__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "board"], name="board_membership_unique",
                violation_error_message="Användaren hör redan till nämnden.",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.board}"


CITY_OWNER_NAME = "Stadsövergripande"
CITY_OWNER_OFFICE = "Stadsledningskontoret"


class Case(models.Model):
    """One KS-ärende: the budget and activity plan of one board for one year, or a city-wide case
    of the city office's own (a tertial report, a reconciliation) that no single board owns."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Utkast"
        PROPOSED = "proposed", "Föreslaget"
        DECIDED = "decided", "Beslutat"

    class Owner(models.TextChoices):
        BOARD = "board", "En nämnds plan"
        CITY = "city", "Stadsövergripande ärende (stadsledningskontoret)"

    memo_year = models.PositiveSmallIntegerField("PM-år")
    memo_serial = models.PositiveSmallIntegerField("PM-löpnummer")
    memo_rotel = models.CharField("rotel", max_length=10, help_text="T.ex. RI för rotel I.")
    title = models.CharField("rubrik", max_length=300)
    budget_year = models.PositiveSmallIntegerField("budgetår")
    owner = models.CharField(
        "ärendets ägare", max_length=10, choices=Owner.choices, default=Owner.BOARD,
        help_text="En nämnds plan hör till nämnden; ett stadsövergripande ärende hör till "
        "stadsledningskontoret och har ingen nämnd.",
    )
    board = models.ForeignKey(
        Board, verbose_name="nämnd/budgetområde", on_delete=models.PROTECT, related_name="cases",
        null=True, blank=True, help_text="Lämnas tom för ett stadsövergripande ärende.",
    )
    proposing_body = models.CharField(
        "föreslående organ", max_length=40, choices=Body.choices,
        default=Body.COMMISSIONERS_COMMITTEE,
    )
    deciding_body = models.CharField(
        "beslutande organ", max_length=40, choices=Body.choices, default=Body.EXECUTIVE_BOARD,
    )
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.DRAFT)
    decided_on = models.DateField("beslutsdatum", null=True, blank=True)
    # The board as the decision named it: a decided case reads the same after a board is renamed.
    decided_board_name = models.CharField(
        "nämnd vid beslutet", max_length=200, blank=True, editable=False,
    )
    decided_board_office = models.CharField(
        "förvaltning vid beslutet", max_length=200, blank=True, editable=False,
    )
    predecessor = models.ForeignKey(
        "self", verbose_name="föregående version", on_delete=models.PROTECT, null=True,
        blank=True, related_name="successors",
        help_text="Det beslutade ärende som detta är en ny version av.",
    )
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    updated_at = models.DateTimeField("ändrad", auto_now=True)
    revision = CounterField(
        "revision", default=1, editable=False,
        help_text="Räknas upp när ärendet eller något under det ändras; en arbetsbok från en "
        "äldre revision läses inte in.",
    )
    version = version_field()
    history = RecordHistory(excluded_fields=["revision"])

    class Meta:
        verbose_name = "ärende"
        verbose_name_plural = "ärenden"
        ordering = ["-budget_year", "-memo_year", "-memo_serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["memo_year", "memo_serial", "memo_rotel"], name="case_memo_number_unique",
                violation_error_message="Det finns redan ett ärende med detta PM-nummer.",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | Q(decided_on__isnull=False),
                name="case_decided_has_date",
                violation_error_message="Ett beslutat ärende måste ha ett beslutsdatum.",
            ),
            models.CheckConstraint(
                condition=~Q(owner="board") | Q(board__isnull=False),
                name="case_board_plan_has_board",
                violation_error_message="En nämnds plan måste ha en nämnd: välj nämnd, eller "
                "välj att ärendet är stadsövergripande.",
            ),
            models.CheckConstraint(
                condition=~Q(owner="city") | Q(board__isnull=True),
                name="case_city_case_has_no_board",
                violation_error_message="Ett stadsövergripande ärende hör inte till någon nämnd: "
                "lämna nämnd tom, eller välj att ärendet är en nämnds plan.",
            ),
        ]

    def __str__(self):
        return f"{self.memo_number} {self.title}"

    @property
    def memo_number(self) -> str:
        return f"PM {self.memo_year}:{self.memo_serial} {self.memo_rotel}"

    @property
    def is_city_case(self) -> bool:
        return self.owner == Case.Owner.CITY

    @property
    def _board_frozen(self) -> bool:
        return self.status == Case.Status.DECIDED and bool(self.decided_board_name)

    @property
    def board_name(self) -> str:
        """The board's name as the document shows it: as at the decision, once decided; a
        city-wide case names no board."""
        if self.board_id is None:
            return CITY_OWNER_NAME
        return self.decided_board_name if self._board_frozen else self.board.name

    @property
    def board_office(self) -> str:
        if self.board_id is None:
            return CITY_OWNER_OFFICE
        return self.decided_board_office if self._board_frozen else self.board.office


class Subject(models.Model):
    """One of several subjects (ärenden) a case brings before the board at once: its own title,
    its own Dnr and its own decision points. A case with one subject needs none of these: its
    title, Dnr and points are the case's own."""

    case = models.ForeignKey(
        Case, verbose_name="ärende", on_delete=models.CASCADE, related_name="subjects",
    )
    order = models.PositiveSmallIntegerField("ordning")
    title = models.CharField("rubrik", max_length=300)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "ingående ärende"
        verbose_name_plural = "ingående ärenden"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "order"], name="subject_order_unique",
                violation_error_message="Ordningsnumret finns redan bland ärendets ingående ärenden.",
            ),
        ]

    def __str__(self):
        return self.title


def _check_same_case(record, label: str) -> None:
    """A Dnr or a point stands under a subject of its own case, never of another one.

    Without a query where the subject itself was assigned (the admin's form, the workbook
    import): record_check runs this for every row of a batch."""
    if not (record.subject_id and record.case_id):
        return
    if type(record)._meta.get_field("subject").is_cached(record):
        same_case = record.subject.case_id == record.case_id
    else:
        same_case = Subject.objects.filter(pk=record.subject_id, case_id=record.case_id).exists()
    if not same_case:
        raise ValidationError(
            {"subject": f"{label} kan bara höra till ett ingående ärende i samma ärende."}
        )


REGISTRY_NUMBER_PATTERN = re.compile(r"^\d{1,4}-\d{1,6}/\d{4}$")


class RegistryNumber(models.Model):
    """A diarienummer (Dnr); a case can carry several, in the order they were entered."""

    case = models.ForeignKey(
        Case, verbose_name="ärende", on_delete=models.CASCADE, related_name="registry_numbers",
    )
    # RESTRICT, not PROTECT: a subject stays while a Dnr or a point is filed under it, but a case
    # deleted whole takes its subjects, their Dnr and their points together.
    subject = models.ForeignKey(
        Subject, verbose_name="ingående ärende", on_delete=models.RESTRICT, null=True, blank=True,
        related_name="registry_numbers",
        help_text="För ett ärende med flera ingående ärenden: vilket av dem diarienumret hör till.",
    )
    number = models.CharField("diarienummer", max_length=40, unique=True)
    order = models.PositiveSmallIntegerField("ordning", default=1)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "diarienummer"
        verbose_name_plural = "diarienummer"
        # Equal orders (rows written before orders were numbered) keep the order of entry.
        ordering = ["order", "pk"]

    def __str__(self):
        return self.number

    def clean(self):
        if self.number and not REGISTRY_NUMBER_PATTERN.match(self.number):
            raise ValidationError(
                {"number": "Diarienumret ska skrivas som 112-2321/2011 (serie-löpnummer/år)."}
            )
        _check_same_case(self, f"Diarienumret {self.number}")


class DecisionPoint(models.Model):
    """A numbered point of the proposed decision (att-sats).

    A point may quote figures: sums of the case's rows that the finance app names and links to
    the point (finance.models.Figure, QuotedFigure). The text holds {belopp} where the one figure
    stands, or {belopp:1}, {belopp:2} … for several; the amounts are computed when the point is
    shown, so they cannot drift from the rows.
    """

    case = models.ForeignKey(
        Case, verbose_name="ärende", on_delete=models.CASCADE, related_name="decision_points",
    )
    subject = models.ForeignKey(  # RESTRICT: see RegistryNumber.subject
        Subject, verbose_name="ingående ärende", on_delete=models.RESTRICT, null=True, blank=True,
        related_name="decision_points",
        help_text="För ett ärende med flera ingående ärenden: vilket av dem punkten hör till.",
    )
    number = models.PositiveSmallIntegerField("nummer")
    text = models.TextField(
        "text", help_text="Skriv {belopp} där summan ska stå om punkten citerar en summa; "
        "{belopp:1}, {belopp:2} … om den citerar flera.",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "beslutspunkt"
        verbose_name_plural = "beslutspunkter"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"], name="decision_point_number_unique",
                violation_error_message="Numret finns redan bland ärendets beslutspunkter.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="decision_point_number_positive",
                violation_error_message="Numret måste vara minst 1.",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.text}"

    def clean(self):
        # Whether {belopp} matches the figures the point quotes is checked where both are known:
        # the admin's point form, the workbook import and the proposal (finance.models.QuotedFigure).
        _check_same_case(self, f"Beslutspunkt {self.number}")


class Statement(models.Model):
    """The presenting commissioner's statement (föredragande borgarrådets anförande)."""

    case = models.OneToOneField(
        Case, verbose_name="ärende", on_delete=models.CASCADE, related_name="statement",
    )
    commissioner = models.CharField("föredragande borgarråd", max_length=200)
    proposal_lead = models.TextField(
        "inledning till förslaget",
        default="Jag föreslår att borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande.",
    )
    place = models.CharField("ort", max_length=100, default="Stockholm")
    signed_on = models.DateField("datum")
    endorsement = models.TextField(
        "tillstyrkan", blank=True,
        default="Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag.",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "borgarrådets anförande"
        verbose_name_plural = "borgarrådens anföranden"

    def __str__(self):
        return f"Föredragande borgarrådet {self.commissioner}"


class StatementSection(models.Model):
    """A headed section of the statement: Ärendet, Beredning, Mina synpunkter."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField("ordning")
    heading = models.CharField("rubrik", max_length=200)
    body = models.TextField("text", help_text="Stycken skiljs åt med en tom rad.")
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "avsnitt"
        verbose_name_plural = "avsnitt"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "order"], name="statement_section_order_unique",
                violation_error_message="Ordningsnumret finns redan i anförandet.",
            ),
        ]

    def __str__(self):
        return self.heading


def attachment_upload_to(instance, filename):
    return f"bilagor/{instance.case_id}/{filename}"


class Attachment(models.Model):
    """A numbered appendix (bilaga) listed under Bilagor."""

    case = models.ForeignKey(
        Case, verbose_name="ärende", on_delete=models.CASCADE, related_name="attachments",
    )
    number = models.PositiveSmallIntegerField("nummer")
    title = models.CharField("titel", max_length=300)
    file = models.FileField(
        "fil", upload_to=attachment_upload_to, blank=True, validators=[validate_attachment_file],
        help_text="PDF, DOCX, XLSX, ODT, PNG eller JPEG, högst 20 MB.",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "bilaga"
        verbose_name_plural = "bilagor"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"], name="attachment_number_unique",
                violation_error_message="Numret finns redan bland ärendets bilagor.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="attachment_number_positive",
                violation_error_message="Numret måste vara minst 1.",
            ),
        ]

    def __str__(self):
        return f"Bilaga {self.number} {self.title}"


class OfficialsReport(models.Model):
    """The offices' report (tjänsteutlåtande) that carries the plan itself."""

    case = models.OneToOneField(
        Case, verbose_name="ärende", on_delete=models.CASCADE, related_name="officials_report",
    )
    offices = models.CharField(
        "förvaltningar", max_length=300, help_text="T.ex. Stadsledningskontoret och KF/KS kansli.",
    )
    dated = models.DateField("daterat")
    matter_lead = models.TextField(
        "ÄRENDET, inledning", blank=True,
        help_text="Text före ansvarslistan, t.ex. ”Stadsledningskontoret har bland annat ett "
        "övergripande ansvar för:”.",
    )
    matter_body = models.TextField("ÄRENDET, text efter listan", blank=True)
    preparation = models.TextField("BEREDNING", blank=True)
    report_lead = models.TextField(
        "inledning till utlåtandet", blank=True,
        help_text="Skriv {datum} där utlåtandets datum ska stå.",
    )
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "tjänsteutlåtande"
        verbose_name_plural = "tjänsteutlåtanden"

    def __str__(self):
        return f"Tjänsteutlåtande {self.offices}"

    def clean(self):
        if self.report_lead.count(DATE_PLACEHOLDER) > 1:
            raise ValidationError({"report_lead": "{datum} får förekomma högst en gång."})


class Responsibility(models.Model):
    """One line of the responsibilities list under ÄRENDET."""

    report = models.ForeignKey(
        OfficialsReport, on_delete=models.CASCADE, related_name="responsibilities",
    )
    order = models.PositiveSmallIntegerField("ordning")
    text = models.CharField("ansvarsområde", max_length=500)
    version = version_field()
    history = RecordHistory()

    class Meta:
        verbose_name = "ansvarsområde"
        verbose_name_plural = "ansvarsområden"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "order"], name="responsibility_order_unique",
                violation_error_message="Ordningsnumret finns redan i listan.",
            ),
        ]

    def __str__(self):
        return self.text


class CaseTransition(models.Model):
    """One step of a case's life (utkast → föreslaget → beslutat): who moved it, and when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("från", max_length=10, choices=Case.Status.choices)
    to_status = models.CharField("till", max_length=10, choices=Case.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="av", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+", help_text="Tomt när ärendet flyttades av ett skript.",
    )
    at = models.DateTimeField("tidpunkt", auto_now_add=True)
    history = RecordHistory()

    class Meta:
        verbose_name = "statusändring"
        verbose_name_plural = "statusändringar"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


def decided_document_upload_to(instance, filename):
    return f"beslutade/{instance.case_id}/{filename}"


class DecidedDocument(models.Model):
    """The PDF of a decided case, rendered once at the decision and served as it is from then on."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decided_document")
    file = models.FileField("fil", upload_to=decided_document_upload_to)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("storlek (byte)")
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    history = RecordHistory()

    class Meta:
        verbose_name = "beslutat dokument"
        verbose_name_plural = "beslutade dokument"

    def __str__(self):
        return f"{self.case.memo_number} (SHA-256 {self.sha256})"

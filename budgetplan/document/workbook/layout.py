"""The workbook's layout: its sheets, their columns, and how each column maps to a record field.

Export and import both read this one description, so a column can never be written under one
header and read under another. Records are identified by natural keys (Dnr, goal numbers such
as "1.1", department names, party abbreviations), never by database ids.
"""
from dataclasses import dataclass, field

from budgetplan.cases.models import Body, Case
from finance.models import AdjustmentKind, FigureRows
from goals.models import Periodicity, TargetKind, Unit
from reservations.models import Person

YES, NO = "Ja", "Nej"
# The export's sheet of instructions for people; the import never reads it.
README_SHEET = "Läs mig"
# A hidden sheet with the drop-down lists an inline list cannot hold (an option with a comma).
LISTS_SHEET = "Listor"

# Column kinds: how a value is written and parsed.
TEXT = "text"          # a line of text
LONGTEXT = "longtext"  # long text in the block markup, wrapped in the cell
INTEGER = "integer"    # a whole number (numbers, order)
AMOUNT = "amount"      # mnkr with one decimal, '# ##0,0'
TARGET = "target"      # a target's number; how many decimals it shows is in its DECIMALS column
DECIMALS = "decimals"  # a target's decimals, 0 to MAX_TARGET_DECIMALS; never read from formatting
DATE = "date"
CHOICE = "choice"      # one of the labels of `choices`, offered as a drop-down
BOOLEAN = "boolean"    # Ja/Nej, offered as a drop-down
CODE = "code"          # a council goal number such as "1.1", always written as text
COMPUTED = "computed"  # written as a formula for people; never read back

AMOUNT_FORMAT = "#,##0.0"  # shown as 1 348,0 under a Swedish locale
MAX_TARGET_DECIMALS = 2  # the targets' DecimalField keeps two
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
# Between the names of the figures a decision point quotes, in one cell.
FIGURE_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = TEXT
    width: int = 14
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, label shown in the sheet)
    # Added after workbooks were already exported: a workbook without it is still read.
    optional_header: bool = False
    # Names a record of another sheet or table (a board, a Dnr) without being one of this
    # sheet's keys; compared after whitespace is normalised, like the keys.
    natural_key: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    single: bool = False  # at most one data row (the case, the statement …)
    total_label: str = ""  # a formula totals row is written under the rows
    description: str = ""
    keys: tuple[str, ...] = field(default=())  # the columns that identify a row

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind != COMPUTED)

    @property
    def total_label_column(self) -> Column:
        """Where the totals row's label is written: the first text column."""
        return next(c for c in self.columns if c.kind == TEXT)


def _choices(enum) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in enum.choices)


BODIES = _choices(Body)
STATUSES = _choices(Case.Status)
ROLES = _choices(Person.Role)
ADJUSTMENT_KINDS = _choices(AdjustmentKind)
FIGURE_ROWS = _choices(FigureRows)
PERIODICITIES = _choices(Periodicity)
TARGET_KINDS = _choices(TargetKind)
UNITS = tuple((value, label) for value, label in _choices(Unit) if value)


def _target_columns(prefix: str, label: str) -> tuple[Column, ...]:
    return (
        Column(f"{label}, typ", f"{prefix}_kind", CHOICE, 20, choices=TARGET_KINDS),
        Column(f"{label}, tal", f"{prefix}_value", TARGET, 11),
        Column(f"{label}, decimaler", f"{prefix}_decimals", DECIMALS, 11, optional_header=True),
        Column(f"{label}, enhet", f"{prefix}_unit", CHOICE, 10, choices=UNITS),
    )


CASE = Sheet(
    "Ärende",
    (
        Column("Dnr", "registry_numbers", TEXT, 18, required=True, natural_key=True),
        Column("PM-år", "memo_year", INTEGER, 8, required=True),
        Column("PM-nr", "memo_serial", INTEGER, 8, required=True),
        Column("Rotel", "memo_rotel", TEXT, 8, required=True),
        Column("Rubrik", "title", TEXT, 50, required=True),
        Column("Budgetår", "budget_year", INTEGER, 10, required=True),
        Column("Nämnd", "board", TEXT, 30, natural_key=True),
        Column("Förvaltning", "board_office", TEXT, 26),
        Column("Föreslående organ", "proposing_body", CHOICE, 24, required=True, choices=BODIES),
        Column("Beslutande organ", "deciding_body", CHOICE, 22, required=True, choices=BODIES),
        Column("Status", "status", CHOICE, 12, required=True, choices=STATUSES),
        Column("Beslutsdatum", "decided_on", DATE, 13),
    ),
    single=True,
    # The sheet's description is part of the workbook (its first sheet): a city-wide case's empty
    # Nämnd is explained in the README, so the reference workbook stays as it is.
    description="Ärendets huvud. Flera diarienummer skrivs med komma emellan.",
)

DECISION_POINTS = Sheet(
    "Beslutspunkter",
    (
        Column("Nr", "number", INTEGER, 6, required=True),
        Column("Text", "text", LONGTEXT, 80, required=True),
        # The names of the figures (sheet Summor) the point quotes, in order, "; " between them.
        Column("Citerad summa", "figures", TEXT, 30),
        # The order of the subject (sheet Ingående ärenden) the point belongs to; empty: none.
        Column("Ingående ärende", "subject", INTEGER, 10, optional_header=True),
    ),
    keys=("number",),
)

SUBJECTS = Sheet(
    "Ingående ärenden",
    (
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Rubrik", "title", TEXT, 60, required=True),
        Column("Dnr", "registry_numbers", TEXT, 24),
    ),
    keys=("order",),
    description="För ett ärende med flera ingående ärenden: deras rubriker och diarienummer (som "
    "också står på bladet Ärende). En beslutspunkt anger sitt ingående ärende med dess ordning.",
)

FIGURES = Sheet(
    "Summor",
    (
        Column("Nr", "number", INTEGER, 6, required=True),
        Column("Namn", "name", TEXT, 40, required=True),
        Column("Summerar", "rows", CHOICE, 50, required=True, choices=FIGURE_ROWS),
        Column("Bara nämnd", "board", TEXT, 30, natural_key=True),
        Column("Bara finansieringskälla", "source", TEXT, 30, natural_key=True),
    ),
    keys=("number",),
    description="Summor som beslutspunkterna citerar (kolumnen Citerad summa där, med namnet). "
    "Beloppen räknas fram från raderna när ärendet visas. Nämnd och finansieringskälla tomma: "
    "alla rader av slaget.",
)

BUDGET_ADJUSTMENTS = Sheet(
    "Budgetjusteringar",
    (
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Nämnd", "board", TEXT, 30, required=True, natural_key=True),
        Column("Slag", "kind", CHOICE, 40, required=True, choices=ADJUSTMENT_KINDS),
        Column("Avser", "description", TEXT, 40),
        Column("Belopp", "amount", AMOUNT, 13, required=True),
        Column("Finansieras ur", "source", TEXT, 30, natural_key=True),
    ),
    keys=("order",),
    description="Belopp i mnkr; en minskning anges negativt. Finansieras ur: en befintlig "
    "finansieringskälla, t.ex. Central medelsreserv 2.",
)

STATEMENT = Sheet(
    "Anförande",
    (
        Column("Föredragande borgarråd", "commissioner", TEXT, 26, required=True),
        Column("Inledning till förslaget", "proposal_lead", LONGTEXT, 50),
        Column("Ort", "place", TEXT, 12, required=True),
        Column("Datum", "signed_on", DATE, 13, required=True),
        Column("Tillstyrkan", "endorsement", LONGTEXT, 50),
    ),
    single=True,
)

STATEMENT_SECTIONS = Sheet(
    "Anförandets avsnitt",
    (
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Rubrik", "heading", TEXT, 24, required=True),
        Column("Text", "body", LONGTEXT, 80, required=True),
    ),
    keys=("order",),
)

ATTACHMENTS = Sheet(
    "Bilagor",
    (
        Column("Nr", "number", INTEGER, 6, required=True),
        Column("Titel", "title", TEXT, 60, required=True),
    ),
    keys=("number",),
    description="Bilagornas filer följer inte med arbetsboken; en bilaga som finns kvar behåller sin fil.",
)

OFFICIALS_REPORT = Sheet(
    "Tjänsteutlåtande",
    (
        Column("Förvaltningar", "offices", TEXT, 40, required=True),
        Column("Daterat", "dated", DATE, 13, required=True),
        Column("Inledning till utlåtandet", "report_lead", LONGTEXT, 50),
        Column("ÄRENDET, inledning", "matter_lead", LONGTEXT, 50),
        Column("ÄRENDET, text efter listan", "matter_body", LONGTEXT, 50),
        Column("BEREDNING", "preparation", LONGTEXT, 50),
    ),
    single=True,
)

RESPONSIBILITIES = Sheet(
    "Ansvarsområden",
    (
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Ansvarsområde", "text", TEXT, 80, required=True),
    ),
    keys=("order",),
)

STRATEGIC_GOALS = Sheet(
    "Inriktningsmål",
    (
        Column("Nr", "number", INTEGER, 6, required=True),
        Column("Inriktningsmål", "title", TEXT, 50, required=True),
        Column("Beskrivning", "description", LONGTEXT, 60),
        Column("I planen", "in_plan", BOOLEAN, 9, required=True),
        Column("Nämndens text", "plan_description", LONGTEXT, 60),
    ),
    keys=("number",),
    description="KF:s inriktningsmål för budgetåret. Delas av alla nämnders planer.",
)

COUNCIL_GOALS = Sheet(
    "KF-mål",
    (
        Column("Nr", "code", CODE, 7, required=True),
        Column("Mål", "title", TEXT, 50, required=True),
        Column("Beskrivning", "description", LONGTEXT, 60),
        Column("I planen", "in_plan", BOOLEAN, 9, required=True),
        Column("Nämndens text", "plan_description", LONGTEXT, 60),
    ),
    keys=("code",),
    description="KF:s mål för verksamhetsområdet, numrerade 1.1, 1.2 … Delas av alla nämnders planer.",
)

BOARD_GOALS = Sheet(
    "Nämndmål",
    (
        Column("KF:s mål", "council_goal", CODE, 9, required=True),
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Nämndmål", "title", TEXT, 50, required=True),
        Column("Beskrivning", "description", LONGTEXT, 60),
    ),
    keys=("council_goal", "order"),
)

INDICATORS = Sheet(
    "Indikatorer",
    (
        Column("KF:s mål", "council_goal", CODE, 9, required=True),
        Column("Nämndmål", "board_goal", INTEGER, 10),
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Indikator", "name", TEXT, 50, required=True),
        Column("I planen", "in_plan", BOOLEAN, 9, required=True),
        *_target_columns("board_target", "Årsmål"),
        *_target_columns("council_target", "KF:s årsmål"),
        Column("Periodicitet", "periodicity", CHOICE, 13, required=True, choices=PERIODICITIES),
    ),
    keys=("council_goal", "board_goal", "order"),
    description="Nämndmål tomt: KF:s indikator under målet. Nämndmål ifyllt (nämndmålets "
    "ordning): nämndens egen indikator. Decimaler: hur många decimaler årsmålet visas med "
    "(0,1 mnkr: 1; 66: 0).",
)

ACTIVITIES = Sheet(
    "Aktiviteter",
    (
        Column("KF:s mål", "council_goal", CODE, 9, required=True),
        Column("Nämndmål", "board_goal", INTEGER, 10),
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Aktivitet", "text", LONGTEXT, 70, required=True),
        Column("Startdatum", "start_date", DATE, 12, required=True),
        Column("Slutdatum", "end_date", DATE, 12, required=True),
    ),
    keys=("council_goal", "board_goal", "order"),
    description="Nämndmål tomt: KF:s aktivitet som nämnden ansvarar för. Nämndmål ifyllt: "
    "nämndens egen aktivitet.",
)

FINANCIAL_FRAME = Sheet(
    "Ekonomi",
    (
        Column("Organisation", "organisation", TEXT, 32, required=True),
        Column("Visas under KF:s mål", "placed_under", CODE, 20),
        Column("Rubrik, investeringar", "investments_heading", TEXT, 24, required=True),
        Column("Summarad, omslutningsförändringar", "turnover_total_label", TEXT, 40, required=True),
    ),
    single=True,
    description="Nämndens ekonomiska förutsättningar.",
)

OPERATING_BUDGET = Sheet(
    "Driftbudget",
    (
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Avdelning", "department", TEXT, 40, required=True),
        Column("Kostnader", "costs", AMOUNT, 13, required=True),
        Column("Intäkter", "revenues", AMOUNT, 13, required=True),
        Column("Netto", "net", COMPUTED, 13),
    ),
    keys=("department",),
    total_label="KS förslag till budget",
    description="Belopp i mnkr med en decimal; intäkter anges negativt. Netto och summaraden "
    "räknas fram och läses inte in.",
)

TURNOVER_CHANGES = Sheet(
    "Omslutningsförändringar",
    (
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Beskrivning", "description", TEXT, 70, required=True),
        Column("Belopp", "amount", AMOUNT, 13, required=True),
        Column("Nämnd", "board", TEXT, 30, optional_header=True, natural_key=True),
    ),
    keys=("order",),
    total_label="Summa",
)

INVESTMENTS = Sheet(
    "Investeringar",
    (
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Ändamål", "purpose", TEXT, 40, required=True),
        Column("Belopp", "amount", AMOUNT, 13, required=True),
        Column("Text", "text", LONGTEXT, 70, required=True),
    ),
    keys=("order",),
    total_label="Summa investeringar",
)

RESULT_UNITS = Sheet(
    "Resultatenheter",
    (
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Enhet", "name", TEXT, 30, required=True),
        Column("Text", "text", LONGTEXT, 70, required=True),
    ),
    keys=("order",),
)

MAJOR_PROJECTS = Sheet(
    "Betydande projekt",
    (
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Rubrik", "title", TEXT, 50, required=True),
        Column("Text", "body", LONGTEXT, 80, required=True),
    ),
    keys=("order",),
    description="Betydande projekt som inte är investeringar.",
)

PARTIES = Sheet(
    "Partier",
    (
        Column("Förkortning", "abbreviation", TEXT, 12, required=True),
        Column("Namn", "name", TEXT, 30, required=True),
    ),
    keys=("abbreviation",),
)

PEOPLE = Sheet(
    "Personer",
    (
        Column("Namn", "name", TEXT, 28, required=True),
        Column("Parti", "party", TEXT, 8, required=True),
        Column("Roll", "role", CHOICE, 12, required=True, choices=ROLES),
    ),
    keys=("name", "party"),
)

RESERVATIONS = Sheet(
    "Reservationer",
    (
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Organ", "body", CHOICE, 24, required=True, choices=BODIES),
        Column("Med hänvisning till", "refers_to", INTEGER, 12),
        Column("Inledning till förslaget", "proposal_lead", LONGTEXT, 40),
        Column("Numrerade punkter", "points_numbered", BOOLEAN, 11, required=True),
        Column("Text", "text", LONGTEXT, 90),
    ),
    keys=("order",),
    description="”Med hänvisning till” anger ordningen för den reservation som åberopas.",
)

SIGNATORIES = Sheet(
    "Undertecknare",
    (
        Column("Reservation", "reservation", INTEGER, 12, required=True),
        Column("Ordning", "order", INTEGER, 9, required=True),
        Column("Namn", "name", TEXT, 28, required=True),
        Column("Parti", "party", TEXT, 8, required=True),
    ),
    keys=("reservation", "name", "party"),
)

RESERVATION_POINTS = Sheet(
    "Reservationspunkter",
    (
        Column("Reservation", "reservation", INTEGER, 12, required=True),
        Column("Nr", "number", INTEGER, 6, required=True),
        Column("Text", "text", LONGTEXT, 80, required=True),
    ),
    keys=("reservation", "number"),
)

SHEETS: tuple[Sheet, ...] = (
    CASE, DECISION_POINTS, STATEMENT, STATEMENT_SECTIONS, ATTACHMENTS,
    OFFICIALS_REPORT, RESPONSIBILITIES,
    STRATEGIC_GOALS, COUNCIL_GOALS, BOARD_GOALS, INDICATORS, ACTIVITIES,
    FINANCIAL_FRAME, OPERATING_BUDGET, TURNOVER_CHANGES, INVESTMENTS, RESULT_UNITS, MAJOR_PROJECTS,
    PARTIES, PEOPLE, RESERVATIONS, SIGNATORIES, RESERVATION_POINTS,
    # Added by issue 12, last so that an earlier workbook's sheets keep their places.
    SUBJECTS, FIGURES, BUDGET_ADJUSTMENTS,
)

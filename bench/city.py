"""A synthetic city for benchmarks: every board's plan for every year over the council's shared goals.

Deterministic for a seed: each year's council goals come from their own random stream, and each
board's plan from a stream of its own, so a board's plan is the same whether one board or fifty are
generated. At scale 1 a plan has the reference case's size (13 council goals, 31 indicators, 76
activities, 14 budget rows, 21 board goals); at scale 10 ten times that.

This is a generator for benchmarks, not user input: the rows go in with bulk_create, past
record_save and full_clean, because a city of fifty ten-fold plans a year is hundreds of thousands
of rows. The data is built to satisfy the models' rules, and the database checks the constraints.
Where a model keeps a history, its "created" history rows are written in bulk too, so the city
has histories of the size real use would give it.
"""
import datetime
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from budgetplan.cases.models import (
    AMOUNT_PLACEHOLDER,
    DATE_PLACEHOLDER,
    Attachment,
    Board,
    Body,
    Case,
    DecisionPoint,
    OfficialsReport,
    RegistryNumber,
    Responsibility,
    Statement,
    StatementSection,
)
from finance.models import (
    Figure,
    FigureRows,
    FinancialFrame,
    Investment,
    MajorProject,
    OperatingBudgetRow,
    QuotedFigure,
    ResultUnit,
    TurnoverChange,
)
from followup.models import (
    PERIOD_ORDER,
    ActivityOutcome,
    ActivityStatus,
    Attainment,
    BudgetRowOutcome,
    FollowUpPeriod,
    FollowUpReport,
    GoalAssessment,
    IndicatorOutcome,
    InvestmentOutcome,
    PeriodKind,
    QualitativeOutcome,
    ReportStatus,
    default_closing_date,
)
from goals.models import (
    NUMERIC_KINDS,
    Activity,
    BoardGoal,
    CouncilGoal,
    Indicator,
    Periodicity,
    PlanCouncilGoal,
    PlanIndicator,
    PlanStrategicGoal,
    StrategicGoal,
    TargetKind,
    Unit,
)
from reservations.models import Party, Person, Reservation, ReservationPoint, Signatory

# The reference case's counts, which scale 1 reproduces.
REFERENCE = {
    "strategic_goals": 3,
    "council_goals": 13,
    "indicators": 31,
    "council_activities": 33,
    "board_activities": 43,
    "board_goals": 21,
    "operating_rows": 14,
    "turnover_changes": 10,
    "projects": 3,
}
# Of a plan's indicators, this many per scale step are the board's own; the rest are the
# council's indicators under the council goals the plan takes.
BOARD_INDICATORS_PER_SCALE = 3
# The council sets more goals than any one board takes: each plan takes a share of the pool.
COUNCIL_POOL_FACTOR = Decimal("1.25")
BATCH_SIZE = 2000
BOARDS_PER_FLUSH = 10

BOARDS = [
    ("Stadsdelsnämnden Rinkeby-Kista", "Rinkeby-Kista stadsdelsförvaltning"),
    ("Stadsdelsnämnden Spånga-Tensta", "Spånga-Tensta stadsdelsförvaltning"),
    ("Stadsdelsnämnden Hässelby-Vällingby", "Hässelby-Vällingby stadsdelsförvaltning"),
    ("Stadsdelsnämnden Bromma", "Bromma stadsdelsförvaltning"),
    ("Stadsdelsnämnden Kungsholmen", "Kungsholmens stadsdelsförvaltning"),
    ("Stadsdelsnämnden Norrmalm", "Norrmalms stadsdelsförvaltning"),
    ("Stadsdelsnämnden Östermalm", "Östermalms stadsdelsförvaltning"),
    ("Stadsdelsnämnden Södermalm", "Södermalms stadsdelsförvaltning"),
    ("Stadsdelsnämnden Enskede-Årsta-Vantör", "Enskede-Årsta-Vantörs stadsdelsförvaltning"),
    ("Stadsdelsnämnden Skarpnäck", "Skarpnäcks stadsdelsförvaltning"),
    ("Stadsdelsnämnden Farsta", "Farsta stadsdelsförvaltning"),
    ("Stadsdelsnämnden Älvsjö", "Älvsjö stadsdelsförvaltning"),
    ("Stadsdelsnämnden Hägersten-Liljeholmen", "Hägersten-Liljeholmens stadsdelsförvaltning"),
    ("Stadsdelsnämnden Skärholmen", "Skärholmens stadsdelsförvaltning"),
    ("Utbildningsnämnden", "Utbildningsförvaltningen"),
    ("Socialnämnden", "Socialförvaltningen"),
    ("Kulturnämnden", "Kulturförvaltningen"),
    ("Idrottsnämnden", "Idrottsförvaltningen"),
    ("Trafiknämnden", "Trafikkontoret"),
    ("Exploateringsnämnden", "Exploateringskontoret"),
    ("Stadsbyggnadsnämnden", "Stadsbyggnadskontoret"),
    ("Miljö- och hälsoskyddsnämnden", "Miljöförvaltningen"),
    ("Äldrenämnden", "Äldreförvaltningen"),
    ("Arbetsmarknadsnämnden", "Arbetsmarknadsförvaltningen"),
    ("Fastighetsnämnden", "Fastighetskontoret"),
    ("Servicenämnden", "Serviceförvaltningen"),
    ("Överförmyndarnämnden", "Överförmyndarförvaltningen"),
    ("Kyrkogårdsnämnden", "Kyrkogårdsförvaltningen"),
    ("Valnämnden", "Valkansliet"),
    ("Revisorskollegiet", "Stadsrevisionen"),
    ("Styrelsen för Stockholms Stadshus AB", "Stockholms Stadshus AB"),
    ("Styrelsen för AB Svenska Bostäder", "AB Svenska Bostäder"),
    ("Styrelsen för AB Familjebostäder", "AB Familjebostäder"),
    ("Styrelsen för AB Stockholmshem", "AB Stockholmshem"),
    ("Styrelsen för Stockholms Hamn AB", "Stockholms Hamn AB"),
    ("Styrelsen för Stockholm Vatten AB", "Stockholm Vatten AB"),
    ("Styrelsen för Stokab", "Stokab"),
    ("Styrelsen för SISAB", "Skolfastigheter i Stockholm AB"),
    ("Styrelsen för Micasa Fastigheter i Stockholm AB", "Micasa Fastigheter i Stockholm AB"),
    ("Styrelsen för Stockholms Stadsteater AB", "Stockholms Stadsteater AB"),
    ("Styrelsen för Stockholm Business Region AB", "Stockholm Business Region AB"),
    ("Styrelsen för Stockholm Parkering AB", "Stockholm Parkering AB"),
    ("Styrelsen för Stockholms Stads Bostadsförmedling AB", "Bostadsförmedlingen i Stockholm AB"),
    ("Styrelsen för Fastighets AB Förvaltaren", "Fastighets AB Förvaltaren"),
    ("Styrelsen för S:t Erik Markutveckling AB", "S:t Erik Markutveckling AB"),
    ("Styrelsen för Stockholm Globe Arena Fastigheter AB", "Stockholm Globe Arena Fastigheter AB"),
    ("Styrelsen för Stockholms Kooperativa Bostadsförening", "SKB"),
    ("Styrelsen för Mässfastigheter i Stockholm AB", "Mässfastigheter i Stockholm AB"),
    ("Styrelsen för Stockholms Stads Parkerings AB", "Parkeringsbolaget"),
    ("Styrelsen för Stockholm Stads Servicebolag AB", "Servicebolaget"),
]
ROTELS = ["RI", "RII", "RIII", "RIV", "RV", "RVI", "RVII", "RVIII", "RIX"]

PARTIES = {
    "S": "Socialdemokraterna",
    "MP": "Miljöpartiet de gröna",
    "V": "Vänsterpartiet",
    "M": "Moderaterna",
    "FP": "Folkpartiet liberalerna",
    "L": "Liberalerna",
    "C": "Centerpartiet",
    "KD": "Kristdemokraterna",
}
PEOPLE_PER_PARTY = 6
FIRST_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per", "Lena",
    "Mikael", "Emma", "Jonas", "Ingrid", "Ahmed", "Fatima", "Oskar", "Elin", "Nils", "Sofia",
    "Gustav", "Linnea", "Ali", "Helena", "Magnus", "Maja", "Henrik", "Ida", "Leila", "Björn",
]
LAST_NAMES = [
    "Lindqvist", "Bergström", "Karlsson", "Nyberg", "Sandberg", "Holm", "Ekström", "Lundgren",
    "Forsberg", "Sjöberg", "Wallin", "Engström", "Hedlund", "Åberg", "Lindholm", "Björk", "Dahl",
    "Strand", "Söderberg", "Öberg", "Sundqvist", "Hassan", "Mäkinen", "Blom", "Falk", "Törnqvist",
]

SUBJECTS = [
    "Stockholmarna", "Barn och unga i Stockholm", "Äldre stockholmare", "Företagen i Stockholm",
    "Besökare i Stockholm", "Stadens medarbetare", "Invånarna i ytterstaden",
    "Personer med funktionsnedsättning", "Nyanlända stockholmare", "Eleverna i stadens skolor",
    "Föreningslivet", "Brukarna",
]
AREAS = [
    "kollektivtrafiken", "förskolan", "grundskolan", "äldreomsorgen", "kultur- och idrottsutbudet",
    "parker och grönområden", "bostadsbyggandet", "stadens e-tjänster", "renhållningen",
    "cykelvägnätet", "biblioteken", "stadsmiljön", "upphandlingen", "energianvändningen",
    "brukarinflytandet", "tryggheten i stadsdelarna", "arbetsmarknadsinsatserna", "socialtjänsten",
    "integrationen", "tillgängligheten", "vatten och avlopp", "luftkvaliteten",
    "bygglovshanteringen", "feriearbetena", "fritidsgårdarna", "hemtjänsten", "vuxenutbildningen",
    "kommunikationen med invånarna", "krisberedskapen", "stadens lokaler", "it-infrastrukturen",
    "näringslivsservicen", "evenemangen", "simhallarna", "trafiksäkerheten",
    "matavfallsinsamlingen", "ekonomistyrningen", "kompetensförsörjningen",
]
ADJECTIVES = [
    "attraktiv", "trygg", "tillgänglig", "växande", "hållbar", "jämlik", "öppen", "klimatsmart",
    "levande", "modern",
]
FOR_WHOM = [
    "boende, företagande och besök", "barn och unga", "alla stockholmare", "äldre",
    "företag och besökare", "dem som bor och verkar i staden",
]
STRATEGIC_TEMPLATES = [
    "Stockholm ska vara en {adj1}, {adj2} och {adj3} stad för {whom}",
    "Kvalitet och valfrihet inom {area} ska utvecklas och förbättras",
    "Stadens verksamheter inom {area} ska vara kostnadseffektiva",
    "Stockholm ska vara en {adj1} och {adj2} stad där {subject_lower} kan leva väl",
]
COUNCIL_GOAL_TEMPLATES = [
    "{subject} ska vara nöjda med {area}",
    "{subject} ska uppleva god kvalitet i {area}",
    "{subject} ska ha goda möjligheter att påverka {area}",
    "Stockholm ska vara ledande inom {area}",
    "Kvaliteten inom {area} ska öka",
    "Stadens arbete med {area} ska vara hållbart och effektivt",
    "{subject} ska känna sig trygga med {area}",
    "Budgeten för {area} ska vara i balans",
]
BOARD_GOAL_TEMPLATES = [
    "Andelen nöjda brukare inom {area} ska öka",
    "Det ska vara lätt för {group} att använda {area}",
    "{Area} ska utvecklas i dialog med {partner}",
    "Kostnaderna för {area} ska hållas inom budget",
    "Tillgängligheten inom {area} ska förbättras",
    "{subject} ska få bättre information om {area}",
    "Bidra till en god ekonomisk hushållning inom {area}",
]
PARTNERS = [
    "stadsdelsnämnderna", "näringslivet", "landstinget", "civilsamhället", "de kommunala bolagen",
    "stadens fackförvaltningar", "universitet och högskolor", "polisen", "grannkommunerna",
    "brukarorganisationerna",
]
SENTENCES = [
    "{office} arbetar för att {area} ska utvecklas i dialog med {partner}.",
    "Under {year} prioriteras {area} och {area2}.",
    "Arbetet med {area} följs upp {period} och redovisas i verksamhetsberättelsen.",
    "Samarbetet med {partner} om {area} fördjupas under året.",
    "Resurserna för {area} ska användas effektivt och med god kvalitet.",
    "Stadens nämnder och bolag bidrar gemensamt till att {area} förbättras.",
    "Insatserna inom {area} ska nå alla stadsdelar, med särskild tyngd i ytterstaden.",
    "Uppföljningen av {area} visar att arbetet går i rätt riktning men att mer återstår.",
    "En samlad plan för {area} ska läggas fram för kommunstyrelsen under {year}.",
    "Kontoret ska tillsammans med {partner} utreda hur {area} kan förbättras.",
]
PERIODS = ["varje tertial", "två gånger per år", "årligen", "i samband med bokslutet"]
ACTIONS = [
    "Ta fram en handlingsplan för", "Genomföra en kartläggning av", "Följa upp och utvärdera",
    "Införa nya e-tjänster inom", "Utreda förutsättningarna för att förbättra",
    "Genomföra en brukarundersökning om", "Utbilda medarbetarna i frågor om",
    "Samordna stadens arbete med", "Starta ett pilotprojekt inom", "Revidera riktlinjerna för",
    "Teckna ett treårsavtal om", "Utveckla samarbetet med {partner} kring",
]
ACTION_ENDINGS = ["", "", " i samverkan med {partner}", " i ytterstaden", " under {year}"]
GROUPS = ["brukare", "elever", "föräldrar", "invånare", "företagare", "besökare", "medarbetare", "äldre"]
THINGS = [
    "nya bostäder", "genomförda kontroller", "nya e-tjänster", "feriejobb", "deltagare",
    "evenemang", "avslutade upphandlingar",
]
PREMISES = ["stadens lokaler", "förskolorna", "skolorna", "äldreboendena", "simhallarna", "biblioteken"]
DEPARTMENT_STEMS = [
    "Stadsledning", "Förnyelse", "Kommunikation", "Finans", "IT", "Juridik", "Personal",
    "Administration", "Upphandling", "Miljö", "Trafik", "Bygglov", "Kultur", "Idrott",
    "Utbildning", "Förskole", "Äldreomsorg", "Socialtjänst", "Fastighet", "Park", "Renhållning",
    "Säkerhet", "Analys", "Integration", "Arbetsmarknad", "Näringsliv", "Stadsutveckling",
    "Ekonomi", "Kvalitet", "Digitalisering",
]
DEPARTMENT_KINDS = ["avdelning", "enhet", "stab", "sektion", "kansli"]
RESULT_UNIT_STEMS = [
    "Visnings", "Konferens", "Utbildnings", "Service", "Tolk", "Lokal", "Bemannings", "Tryck",
    "Fordons", "Evenemangs",
]
RESPONSIBILITIES = [
    "strategiska framtidsfrågor", "ekonomi- och verksamhetsstyrning samt resultatuppföljning",
    "förvaltning och utveckling av stadens verksamhetssystem", "kommunikationsstrategier",
    "personalstrategier, ledarförsörjning och arbetsgivarfrågor", "utveckling av valfrihetssystem",
    "upphandlingsstrategier", "säkerhetsarbetet", "internationellt arbete",
    "lokalförsörjning och större investeringar", "service inom juridik- och skatteområdet",
    "stadsövergripande brukarundersökningar", "sekretariatsuppgifter åt nämnden",
]
ATTACHMENTS = [
    "Rapportbilaga {year}", "Aktivitetsplan {year}", "Jämställdhets- och mångfaldsplan {year}",
    "Indikatorer {year}", "Processer {year}", "Internkontrollplan {year}",
    "System för internkontroll {year}",
]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _tenths(rng: random.Random, low: int, high: int) -> Decimal:
    """A Decimal amount with one decimal between low/10 and high/10."""
    return Decimal(rng.randint(low, high)).scaleb(-1)


def _spread(rng: random.Random, total: int, bins: int, minimum: int = 0) -> list[int]:
    """`total` items over `bins` bins, at least `minimum` in each."""
    counts = [minimum] * bins
    for _ in range(max(0, total - minimum * bins)):
        counts[rng.randrange(bins)] += 1
    return counts


def _governing(year: int) -> tuple[list[str], list[str]]:
    """(majority, opposition) in the city hall for a budget year."""
    if year <= 2014:
        return ["M", "FP", "C", "KD"], ["S", "MP", "V"]
    liberal = "L" if year >= 2016 else "FP"
    return ["S", "MP", "V"], ["M", liberal, "C", "KD"]


class Words:
    """Swedish-looking text from the word lists, drawn from one random stream."""

    def __init__(self, rng: random.Random, year: int, office: str = "Förvaltningen"):
        self.rng = rng
        self.year = year
        self.office = office

    def pick(self, items):
        return self.rng.choice(items)

    def fill(self, template: str) -> str:
        area = self.pick(AREAS)
        subject = self.pick(SUBJECTS)
        adjectives = self.rng.sample(ADJECTIVES, 3)
        return template.format(
            area=area, Area=_cap(area), area2=self.pick([a for a in AREAS if a != area]),
            subject=subject, subject_lower=subject.lower(), partner=self.pick(PARTNERS),
            group=self.pick(GROUPS), year=self.year, period=self.pick(PERIODS),
            office=self.office, adj1=adjectives[0], adj2=adjectives[1], adj3=adjectives[2],
            whom=self.pick(FOR_WHOM),
        )

    def sentence(self) -> str:
        return self.fill(self.pick(SENTENCES))

    def paragraph(self, sentences: tuple[int, int] = (2, 4)) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(*sentences)))

    def text(self, paragraphs: int) -> str:
        return "\n\n".join(self.paragraph() for _ in range(paragraphs))

    def maybe_text(self, chance: float, paragraphs: tuple[int, int] = (1, 2)) -> str:
        return self.text(self.rng.randint(*paragraphs)) if self.rng.random() < chance else ""

    def activity(self) -> str:
        return self.fill(f"{self.pick(ACTIONS)} {{area}}{self.pick(ACTION_ENDINGS)}")

    def indicator(self) -> tuple[str, dict]:
        """An indicator's name and a council target that suits it."""
        rng = self.rng
        area, premises = self.pick(AREAS), self.pick(PREMISES)
        kind = rng.choices(
            [TargetKind.NUMBER, TargetKind.INCREASE, TargetKind.SET_DURING_YEAR,
             TargetKind.SET_BY_BOARD, TargetKind.PLUS_MINUS, TargetKind.DECREASE],
            weights=[14, 5, 5, 5, 1, 1],
        )[0]
        if kind == TargetKind.PLUS_MINUS:
            return f"Budgetföljsamhet för {area}", _target(kind, Decimal("1"), 0, Unit.PERCENT)
        shapes = [
            (f"Andel {self.pick(GROUPS)} som är nöjda med {area}", Unit.PERCENT, 40, 95, 0),
            (f"Nöjd-kund-index för {area}", Unit.NONE, 55, 85, 0),
            (f"Antal {self.pick(THINGS)} inom {area}", Unit.PIECES, 3, 400, 0),
            (f"Energianvändning per kvadratmeter i {premises}", Unit.KWH, 60, 200, 0),
            (f"Nettokostnad för {area}", Unit.MSEK, 1, 500, 1),
            (f"Sjukfrånvaro bland medarbetarna inom {area}", Unit.PERCENT, 30, 90, 1),
            (f"Andel ekologiska livsmedel i {premises}", Unit.PERCENT, 15, 60, 0),
        ]
        name, unit, low, high, decimals = self.pick(shapes)
        if kind != TargetKind.NUMBER:
            return name, _target(kind)
        value = Decimal(rng.randint(low, high)).scaleb(-decimals)
        return name, _target(kind, value, decimals, unit)


def _target(kind: str, value: Decimal | None = None, decimals: int = 0, unit: str = "") -> dict:
    return {"kind": kind, "value": value, "decimals": decimals, "unit": unit}


def _council_target_fields(target: dict) -> dict:
    return {f"council_target_{key}": value for key, value in target.items()}


def _board_target_fields(target: dict) -> dict:
    return {f"board_target_{key}": value for key, value in target.items()}


def _board_target_like(rng: random.Random, council: dict) -> dict:
    """The board's annual target for a council indicator: near the council's, or in words."""
    if council["kind"] == TargetKind.NUMBER and rng.random() < 0.8:
        step = Decimal(1).scaleb(-council["decimals"])
        value = max(step, council["value"] + step * rng.randint(-5, 5))
        return _target(TargetKind.NUMBER, value, council["decimals"], council["unit"])
    if council["kind"] == TargetKind.PLUS_MINUS:
        return dict(council)
    return _target(rng.choice([TargetKind.INCREASE, TargetKind.DECREASE, TargetKind.SET_BY_BOARD]))


def _periodicity(rng: random.Random) -> str:
    return rng.choices([Periodicity.YEAR, Periodicity.TERTIAL], weights=[24, 7])[0]


def _activity_dates(rng: random.Random, year: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, rng.choice([1, 1, 1, 3, 6, 9]), 1)
    end_year = year + rng.choices([0, 1, 2], weights=[8, 1, 1])[0]
    return start, datetime.date(end_year, 12, 31)


@dataclass
class Council:
    """The council's goals for one year, shared by every board's plan."""

    year: int
    strategic_goals: list[StrategicGoal]
    council_goals: list[CouncilGoal]
    indicators: dict[int, list[tuple[Indicator, dict]]]  # council goal index -> indicators, targets


@dataclass
class Writes:
    """Unsaved rows in the order they must be inserted (a row's parents before it)."""

    stages: list[dict[type, list]] = field(default_factory=lambda: [{} for _ in range(5)])

    def add(self, stage: int, *rows) -> None:
        for row in rows:
            self.stages[stage].setdefault(type(row), []).append(row)

    def flush(self, counts: dict[str, int]) -> None:
        for stage in self.stages:
            for model, rows in stage.items():
                # bulk_create sets each row's primary key, which later stages' foreign keys read.
                _bulk_create(model, rows)
                counts[model._meta.verbose_name_plural] = (
                    counts.get(model._meta.verbose_name_plural, 0) + len(rows)
                )
        self.stages = [{} for _ in range(5)]


HISTORY_REASON = "Syntetisk stad för prestandamätning (generate_city)"


def _bulk_create(model: type, rows: list) -> None:
    """Insert the rows, and their "created" history rows where the model keeps a history."""
    try:
        from simple_history.exceptions import NotHistoricalModelError
        from simple_history.utils import bulk_create_with_history, get_history_manager_for_model
    except ImportError:
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        return
    try:
        get_history_manager_for_model(model)
    except NotHistoricalModelError:
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        return
    bulk_create_with_history(rows, model, batch_size=BATCH_SIZE, default_change_reason=HISTORY_REASON)


@dataclass
class CityReport:
    years: list[int]
    cases: list[Case]
    counts: dict[str, int]
    seconds: float


class CityExists(Exception):
    """The database already holds council goals or cases for a year the city would fill."""


def _scaled(name: str, scale: int) -> int:
    return REFERENCE[name] * scale


def _council(year: int, scale: int, seed: int, writes: Writes) -> Council:
    rng = random.Random(f"{seed}:{year}:{scale}:council")
    words = Words(rng, year, "Stadsledningskontoret")
    strategic_count = _scaled("strategic_goals", scale)
    pool = int(_scaled("council_goals", scale) * COUNCIL_POOL_FACTOR)
    strategic_goals = [
        StrategicGoal(
            year=year, number=number, title=words.fill(words.pick(STRATEGIC_TEMPLATES)),
            description=words.maybe_text(0.3),
        )
        for number in range(1, strategic_count + 1)
    ]
    writes.add(0, *strategic_goals)
    council_goals = []
    for strategic, count in zip(strategic_goals, _spread(rng, pool, strategic_count, minimum=1)):
        for number in range(1, count + 1):
            council_goals.append(CouncilGoal(
                strategic_goal=strategic, number=number,
                title=words.fill(words.pick(COUNCIL_GOAL_TEMPLATES)),
                description=words.maybe_text(0.2),
            ))
    writes.add(1, *council_goals)
    indicators = {}
    for index, goal in enumerate(council_goals):
        rows = []
        for order in range(1, rng.choices([1, 2, 3, 4], weights=[25, 40, 30, 5])[0] + 1):
            name, target = words.indicator()
            indicator = Indicator(
                council_goal=goal, order=order, name=name, periodicity=_periodicity(rng),
                **_council_target_fields(target),
            )
            rows.append((indicator, target))
        indicators[index] = rows
        writes.add(2, *(indicator for indicator, _ in rows))
    return Council(year, strategic_goals, council_goals, indicators)


def _department_names(rng: random.Random, count: int) -> list[str]:
    names = [
        f"{stem}-{kind}" if stem.isupper() else f"{stem}{kind}"
        for stem in DEPARTMENT_STEMS for kind in DEPARTMENT_KINDS
    ]
    rng.shuffle(names)
    rounds = [names] + [[f"{name} {n}" for name in names] for n in range(2, 2 + count // len(names))]
    return [name for batch in rounds for name in batch][:count]


def _plan(
    *, council: Council, board: Board, board_index: int, scale: int, seed: int,
    people: dict[str, list[Person]], writes: Writes, periods: list[FollowUpPeriod] = (),
) -> Case:
    """One board's plan for the council's year, as unsaved rows added to `writes`."""
    year = council.year
    rng = random.Random(f"{seed}:{year}:{scale}:board:{board_index}")
    words = Words(rng, year, board.office)
    serial = board_index + 1
    case = Case(
        memo_year=year, memo_serial=serial, memo_rotel=ROTELS[board_index % len(ROTELS)],
        title=f"Budget/verksamhetsplan {year} för {board.name}", budget_year=year, board=board,
    )
    writes.add(0, case)
    series = 101 + board_index
    writes.add(1, *[
        RegistryNumber(case=case, number=f"{series}-{1000 + serial * 10 + order}/{year - 1}", order=order)
        for order in range(1, rng.choice([1, 1, 2]) + 1)
    ])

    # The goal tree: the council goals this plan takes, then its own board goals beneath them.
    taken = sorted(rng.sample(range(len(council.council_goals)), _scaled("council_goals", scale)))
    strategic_taken = sorted({id(council.council_goals[i].strategic_goal): council.council_goals[i].strategic_goal
                              for i in taken}.values(), key=lambda goal: goal.number)
    writes.add(1, *[
        PlanStrategicGoal(case=case, strategic_goal=goal, description=words.maybe_text(0.4, (1, 3)))
        for goal in strategic_taken
    ])
    writes.add(1, *[
        PlanCouncilGoal(case=case, council_goal=council.council_goals[i],
                        description=words.maybe_text(0.6, (1, 2)))
        for i in taken
    ])
    plan_indicators = []
    for i in taken:
        for indicator, target in council.indicators[i]:
            plan_indicators.append(PlanIndicator(
                case=case, indicator=indicator,
                **_board_target_fields(_board_target_like(rng, target)),
            ))
    activities = []
    council_activities = _spread(rng, _scaled("council_activities", scale), len(taken))
    for i, count in zip(taken, council_activities):
        for order in range(1, count + 1):
            start, end = _activity_dates(rng, year)
            activities.append(Activity(
                council_goal=council.council_goals[i], assigned_board=board, order=order,
                text=words.activity(), start_date=start, end_date=end,
            ))
            writes.add(1, activities[-1])

    board_goals = []
    for i, count in zip(taken, _spread(rng, _scaled("board_goals", scale), len(taken), minimum=1)):
        for order in range(1, count + 1):
            board_goals.append(BoardGoal(
                case=case, council_goal=council.council_goals[i], order=order,
                title=words.fill(words.pick(BOARD_GOAL_TEMPLATES)),
                description=words.maybe_text(0.7, (1, 1)),
            ))
    writes.add(1, *board_goals)
    per_goal = _spread(rng, _scaled("board_activities", scale), len(board_goals), minimum=1)
    for board_goal, count in zip(board_goals, per_goal):
        for order in range(1, count + 1):
            start, end = _activity_dates(rng, year)
            activities.append(Activity(
                board_goal=board_goal, order=order, text=words.activity(),
                start_date=start, end_date=end,
            ))
            writes.add(2, activities[-1])
    board_indicator_orders: dict[int, int] = {}
    for board_goal in rng.sample(board_goals, min(len(board_goals), BOARD_INDICATORS_PER_SCALE * scale)):
        name, council_target = words.indicator()
        order = board_indicator_orders[id(board_goal)] = board_indicator_orders.get(id(board_goal), 0) + 1
        indicator = Indicator(board_goal=board_goal, order=order, name=name,
                              periodicity=_periodicity(rng))
        writes.add(2, indicator)
        plan_indicators.append(PlanIndicator(
            case=case, indicator=indicator,
            **_board_target_fields(_board_target_like(rng, council_target)),
        ))
    writes.add(3, *plan_indicators)

    names = _finance(case=case, council=council, taken=taken, rng=rng, words=words,
                     scale=scale, writes=writes)
    _case_texts(case=case, board=board, names=names, rng=rng, words=words, writes=writes)
    _reservations(case=case, rng=rng, words=words, people=people, scale=scale, writes=writes)
    if periods:
        # A stream of its own, so the plan is the same with or without its follow-up.
        _followup(
            case=case, periods=periods, rng=random.Random(f"{seed}:{year}:{scale}:followup:{board_index}"),
            plan_indicators=plan_indicators, activities=activities,
            council_goals=[council.council_goals[i] for i in taken], board_goals=board_goals,
            budget_rows=names["rows"], investments=names["investments"], writes=writes,
        )
    return case


# How the synthetic boards fare, per period: most on target, some a little short, some far off.
FOLLOWUP_SPREAD = {"met": 6, "short": 2, "far": 2}
ACTIVITY_WEIGHTS = {
    PeriodKind.T1: {ActivityStatus.NOT_STARTED: 3, ActivityStatus.ONGOING: 6, ActivityStatus.DONE: 1,
                    ActivityStatus.DELAYED: 1},
    PeriodKind.T2: {ActivityStatus.ONGOING: 5, ActivityStatus.DONE: 3, ActivityStatus.DELAYED: 2},
    PeriodKind.FULL_YEAR: {ActivityStatus.DONE: 7, ActivityStatus.DELAYED: 2, ActivityStatus.CANCELLED: 1},
}
# The share of the year's budget spent by the end of each period.
SPENT_BY = {PeriodKind.T1: Decimal("0.32"), PeriodKind.T2: Decimal("0.65"), PeriodKind.FULL_YEAR: Decimal("1")}
ATTAINMENTS = [Attainment.MET, Attainment.MET, Attainment.PARTLY_MET, Attainment.NOT_MET]
FOLLOWUP_NOTE = "Uppföljningen är syntetisk: genererad för prestandamätning (generate_city)."


def followup_periods(year: int) -> list[FollowUpPeriod]:
    """The year's periods T1, T2 and Helår with their default closing dates, created if missing."""
    periods = []
    for kind in PERIOD_ORDER:
        period, _ = FollowUpPeriod.objects.get_or_create(
            year=year, kind=kind, defaults={"closing_date": default_closing_date(year, kind)},
        )
        periods.append(period)
    return periods


def _outcome_value(rng: random.Random, row: PlanIndicator) -> tuple[Decimal | None, str]:
    """A number near the board's target (or a word for a target in words), drawn per period."""
    kind = row.board_target_kind
    if kind in NUMERIC_KINDS and row.board_target_value is not None:
        step = Decimal(1).scaleb(-row.board_target_decimals)
        fate = rng.choices(list(FOLLOWUP_SPREAD), weights=list(FOLLOWUP_SPREAD.values()))[0]
        if kind == TargetKind.PLUS_MINUS:
            # The outcome is the deviation: inside the band, or one or three steps outside it.
            outside = {"met": None, "short": 1, "far": 3}[fate]
            if outside is None:
                return Decimal(0), ""
            return (abs(row.board_target_value) + step * outside) * rng.choice([-1, 1]), ""
        offset = {"met": rng.randint(0, 3), "short": -rng.randint(1, 2), "far": -rng.randint(4, 12)}[fate]
        return max(Decimal(0), row.board_target_value + step * offset), ""
    if kind in (TargetKind.INCREASE, TargetKind.DECREASE):
        return None, rng.choice([QualitativeOutcome.INCREASED, QualitativeOutcome.INCREASED,
                                 QualitativeOutcome.UNCHANGED, QualitativeOutcome.DECREASED])
    return None, rng.choice([QualitativeOutcome.ACHIEVED, QualitativeOutcome.ACHIEVED,
                             QualitativeOutcome.PARTLY_ACHIEVED, QualitativeOutcome.NOT_ACHIEVED])


def _followup(*, case, periods, rng, plan_indicators, activities, council_goals, board_goals,
              budget_rows, investments, writes) -> None:
    """The plan's follow-up: an approved report for each of the year's periods, every outcome
    entered (an indicator measured per year only in Helår)."""
    for period in periods:
        approved_at = datetime.datetime.combine(
            period.closing_date + datetime.timedelta(days=30), datetime.time(12),
            tzinfo=datetime.timezone.utc,
        )
        report = FollowUpReport(
            case=case, period=period, status=ReportStatus.APPROVED, demonstration_note=FOLLOWUP_NOTE,
            submitted_at=approved_at - datetime.timedelta(days=7), approved_at=approved_at,
        )
        writes.add(3, report)
        for row in plan_indicators:
            measured = row.indicator.periodicity != Periodicity.YEAR or period.kind == PeriodKind.FULL_YEAR
            value, words = _outcome_value(rng, row) if measured else (None, "")
            previous = value - Decimal(1).scaleb(-row.board_target_decimals) if value is not None and rng.random() < 0.5 else None
            writes.add(4, IndicatorOutcome(report=report, indicator=row.indicator, value=value,
                                           qualitative=words, previous_value=previous))
        weights = ACTIVITY_WEIGHTS[PeriodKind(period.kind)]
        statuses = rng.choices(list(weights), weights=list(weights.values()), k=len(activities))
        writes.add(4, *[
            ActivityOutcome(report=report, activity=activity, status=status)
            for activity, status in zip(activities, statuses)
        ])
        writes.add(4, *[
            GoalAssessment(report=report, council_goal=goal, attainment=rng.choice(ATTAINMENTS))
            for goal in council_goals
        ], *[
            GoalAssessment(report=report, board_goal=goal, attainment=rng.choice(ATTAINMENTS))
            for goal in board_goals
        ])
        spent = SPENT_BY[PeriodKind(period.kind)]
        budget_outcomes = []
        for row in budget_rows:
            drift = Decimal(rng.randint(-40, 60)).scaleb(-3)  # -4 % … +6 % of the costs
            forecast_costs = (row.costs * (1 + drift)).quantize(Decimal("0.1"))
            budget_outcomes.append(BudgetRowOutcome(
                report=report, budget_row=row,
                outcome_costs=(forecast_costs * spent).quantize(Decimal("0.1")),
                outcome_revenues=(row.revenues * spent).quantize(Decimal("0.1")),
                forecast_costs=forecast_costs, forecast_revenues=row.revenues,
            ))
        writes.add(4, *budget_outcomes)
        writes.add(4, *[
            InvestmentOutcome(
                report=report, investment=investment,
                outcome=(investment.amount * spent * Decimal("0.9")).quantize(Decimal("0.1")),
                forecast=investment.amount,
            )
            for investment in investments
        ])


def _finance(*, case, council, taken, rng, words, scale, writes) -> dict:
    """The plan's budget section; returns the names the decision points quote."""
    year = case.budget_year
    # The budget stands under a council goal of the last strategic goal, as 3.1 holds it in 2012.
    last_strategic = max(council.council_goals[i].strategic_goal.number for i in taken)
    placed_under = next(council.council_goals[i] for i in taken
                        if council.council_goals[i].strategic_goal.number == last_strategic)
    frame = FinancialFrame(
        case=case, placed_under=placed_under, organisation=f"{case.board.office} m.m.",
        turnover_total_label=f"Förslag till omslutningsförändringar {year}",
    )
    writes.add(1, frame)
    departments = _department_names(rng, _scaled("operating_rows", scale))
    budget_rows = [
        OperatingBudgetRow(
            frame=frame, order=order, department=department,
            costs=(costs := _tenths(rng, 20, rng.choice([300, 900, 1500, 6000]))),
            revenues=-_tenths(rng, 1, int(costs * 10) // 3) if rng.random() < 0.4 else Decimal("0.0"),
        )
        for order, department in enumerate(departments, start=1)
    ]
    writes.add(2, *budget_rows)
    investments = []
    for order in range(1, scale + 1):
        premises = words.pick(PREMISES)
        investments.append(Investment(
            frame=frame, order=order, purpose=f"Upprustning av {premises}",
            amount=_tenths(rng, 5, 800),
            text=f"Kontoret har en investeringsbudget om {AMOUNT_PLACEHOLDER} miljoner kronor för "
                 f"{year} för upprustning av {premises}.",
        ))
    writes.add(2, *investments)
    unit_names = [f"{RESULT_UNIT_STEMS[i % len(RESULT_UNIT_STEMS)].capitalize()}enheten"
                  + (f" {i // len(RESULT_UNIT_STEMS) + 1}" if i >= len(RESULT_UNIT_STEMS) else "")
                  for i in range(scale)]
    writes.add(2, *[
        ResultUnit(frame=frame, order=order, name=name,
                   text=f"{name} inom {departments[order - 1].lower()} föreslås utgöra en "
                        f"resultatenhet under {year}.")
        for order, name in enumerate(unit_names, start=1)
    ])
    projects = []
    for order in range(1, _scaled("projects", scale) + 1):
        area = words.pick(AREAS)
        body = words.text(rng.randint(2, 3))
        if rng.random() < 0.4:
            items = "\n".join(f"{n}. {_cap(words.pick(AREAS))}" for n in range(1, rng.randint(3, 6)))
            body = f"{body}\n\n{words.paragraph((1, 1))}\n\n{items}"
        projects.append(MajorProject(frame=frame, order=order, title=_cap(area), body=body))
    writes.add(2, *projects)
    writes.add(2, *[
        TurnoverChange(
            frame=frame, order=order, amount=_tenths(rng, 5, rng.choice([150, 300, 900, 3500])),
            description=f"Ökade kostnader/intäkter för {words.pick(AREAS)}",
        )
        for order in range(1, _scaled("turnover_changes", scale) + 1)
    ])
    return {"result_unit": unit_names[0], "department": departments[0], "rows": budget_rows,
            "investments": investments}


def _case_texts(*, case, board, names, rng, words, writes) -> None:
    year = case.budget_year
    writes.add(1, *[
        DecisionPoint(case=case, number=1,
                      text=f"Förslag till budget/verksamhetsplan för {year} för {board.name} godkänns."),
        DecisionPoint(case=case, number=2,
                      text="Förvaltningschefen får rätt att under löpande budgetår omdisponera "
                           "medel inom fastställd budget i enlighet med delegationsreglerna."),
        DecisionPoint(case=case, number=3,
                      text=f"{names['result_unit']} inom {names['department'].lower()} får utgöra "
                           f"en resultatenhet."),
    ])
    # Point 4 quotes the sum of the turnover changes, as the reference case does.
    quoting = DecisionPoint(case=case, number=4,
                            text=f"Den redovisade omslutningsförändringen med {AMOUNT_PLACEHOLDER} "
                                 f"mnkr godkänns.")
    turnover = Figure(case=case, number=1, name="Summa omslutningsförändringar",
                      rows=FigureRows.TURNOVER)
    writes.add(1, quoting, turnover)
    writes.add(2, QuotedFigure(point=quoting, position=1, figure=turnover))
    first, last = words.pick(FIRST_NAMES), words.pick(LAST_NAMES)
    statement = Statement(
        case=case, commissioner=f"{first} {last}",
        signed_on=datetime.date(year, 1, rng.randint(9, 20)),
    )
    writes.add(1, statement)
    writes.add(2, *[
        StatementSection(statement=statement, order=1, heading="Ärendet",
                         body=f"Budget och verksamhetsplan för {year} för {board.name} ska "
                              f"upprättas. Föreliggande ärende utgör förslag till budget och "
                              f"verksamhetsplan."),
        StatementSection(statement=statement, order=2, heading="Beredning",
                         body=f"Ärendet har initierats av {board.office}. Ärendet har behandlats "
                              f"i förvaltningsgruppen enligt samverkansavtalet."),
        StatementSection(statement=statement, order=3, heading="Mina synpunkter",
                         body=words.text(rng.randint(1, 3))),
    ])
    writes.add(1, *[
        Attachment(case=case, number=number, title=title.format(year=year))
        for number, title in enumerate(ATTACHMENTS, start=1)
    ])
    report = OfficialsReport(
        case=case, offices=board.office, dated=datetime.date(year - 1, 12, 1),
        matter_lead=f"{board.office} har bland annat ett övergripande ansvar för:",
        matter_body=words.text(2),
        preparation=f"Ärendet har initierats av {board.office}.",
        report_lead=f"{board.office}s tjänsteutlåtande daterat den {DATE_PLACEHOLDER} är i "
                    f"huvudsak av följande lydelse.",
    )
    writes.add(1, report)
    writes.add(2, *[
        Responsibility(report=report, order=order, text=text)
        for order, text in enumerate(rng.sample(RESPONSIBILITIES, len(RESPONSIBILITIES)), start=1)
    ])


def _reservation_text(words: Words, scale: int) -> str:
    blocks = []
    for index in range(2 + scale):
        if index % 3 == 0:
            blocks.append(f"## {_cap(words.pick(AREAS))}")
        if index % 4 == 2:
            blocks.append(f"> {words.sentence()}")
        blocks.append(words.paragraph())
    return "\n\n".join(blocks)


def _reservations(*, case, rng, words, people, scale, writes) -> None:
    """Five reservations as in the reference: two in the committee, two referring to them, one more."""
    _, opposition = _governing(case.budget_year)
    first, second, third = opposition[0], opposition[1], opposition[2]
    committee = Body.COMMISSIONERS_COMMITTEE
    board = Body.EXECUTIVE_BOARD

    def own(order, body, party, signers, lead, numbered):
        reservation = Reservation(
            case=case, body=body, order=order, proposal_lead=lead, points_numbered=numbered,
            text=_reservation_text(words, scale),
        )
        writes.add(1, reservation)
        writes.add(2, *[
            ReservationPoint(reservation=reservation, number=number, text=text)
            for number, text in enumerate(
                [f"godkänna {PARTIES[party].lower()}s förslag till verksamhetsplan för {case.budget_year}",
                 *(f"{words.activity().lower()}" for _ in range(rng.randint(1, 3)))],
                start=1,
            )
        ])
        _sign(reservation, party, signers, 2)
        return reservation

    def _sign(reservation, party, signers, stage):
        commissioners = [p for p in people[party] if p.role == Person.Role.COMMISSIONER]
        members = [p for p in people[party] if p.role == Person.Role.MEMBER]
        pool = commissioners if reservation.body == committee else members
        writes.add(stage, *[
            Signatory(reservation=reservation, person=person, order=order)
            for order, person in enumerate(rng.sample(pool, signers), start=1)
        ])

    def referring(order, party, signers, earlier):
        reservation = Reservation(case=case, body=board, order=order, refers_to=earlier)
        writes.add(2, reservation)
        _sign(reservation, party, signers, 3)

    lead = "Vi föreslår borgarrådsberedningen föreslå kommunstyrelsen besluta att"
    one = own(1, committee, first, 2, lead, False)
    two = own(2, committee, second, 1,
              "Jag föreslår borgarrådsberedningen föreslå kommunstyrelsen besluta att", True)
    referring(3, first, rng.randint(1, 2), one)
    referring(4, second, 2, two)
    own(5, board, third, 1, "Jag föreslår kommunstyrelsen besluta att", True)


def _parties_and_people(years: list[int], seed: int, counts: dict[str, int]) -> dict[str, list[Person]]:
    needed = sorted({abbr for year in years for side in _governing(year) for abbr in side})
    existing = {party.abbreviation: party for party in Party.objects.filter(abbreviation__in=needed)}
    missing = [Party(abbreviation=abbr, name=PARTIES[abbr]) for abbr in needed if abbr not in existing]
    _bulk_create(Party, missing)
    counts[Party._meta.verbose_name_plural] = len(missing)
    parties = {**existing, **{party.abbreviation: party for party in missing}}

    rng = random.Random(f"{seed}:people")
    wanted: dict[tuple[str, int], Person] = {}
    for abbr in needed:
        names: list[str] = []
        while len(names) < PEOPLE_PER_PARTY:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in names:
                names.append(name)
        for index, name in enumerate(names):
            role = Person.Role.COMMISSIONER if index < 2 else Person.Role.MEMBER
            wanted[(name, parties[abbr].pk)] = Person(name=name, party=parties[abbr], role=role)
    found = {
        (person.name, person.party_id): person
        for person in Person.objects.filter(party__in=parties.values(),
                                            name__in={name for name, _ in wanted})
        .select_related("party")
    }
    missing_people = [person for key, person in wanted.items() if key not in found]
    _bulk_create(Person, missing_people)
    counts[Person._meta.verbose_name_plural] = len(missing_people)
    people: dict[str, list[Person]] = {abbr: [] for abbr in needed}
    for key, person in wanted.items():
        chosen = found.get(key, person)
        # A person already in the database keeps their role; the signing pools follow it.
        people[chosen.party.abbreviation].append(chosen)
    for abbr, pool in people.items():
        roles = {person.role for person in pool}
        if roles != {Person.Role.COMMISSIONER, Person.Role.MEMBER}:
            raise CityExists(f"Partiet {abbr} saknar borgarråd eller ledamöter bland personerna.")
    return people


def _boards(count: int, counts: dict[str, int]) -> list[Board]:
    wanted = []
    for index in range(count):
        name, office = BOARDS[index % len(BOARDS)]
        if index >= len(BOARDS):
            name = f"{name} {index // len(BOARDS) + 1}"
        wanted.append(Board(name=name, office=office))
    existing = {board.name: board for board in Board.objects.filter(name__in=[b.name for b in wanted])}
    missing = [board for board in wanted if board.name not in existing]
    _bulk_create(Board, missing)
    counts[Board._meta.verbose_name_plural] = len(missing)
    return [existing.get(board.name, board) for board in wanted]


@transaction.atomic
def generate_city(
    *, boards: int = 50, years: int = 3, scale: int = 10, seed: int = 1, first_year: int = 2013,
    progress: Callable[[str], None] | None = None, followup: bool | Collection[int] = True,
) -> CityReport:
    """Fill the database with `boards` plans a year for `years` years from `first_year`, each
    followed up in T1, T2 and Helår with approved reports: every year's plans, none (`followup`
    false) or those of the years `followup` names."""
    if boards < 1 or years < 1 or scale < 1:
        raise ValueError("boards, years och scale måste vara minst 1.")
    started = time.perf_counter()
    year_list = list(range(first_year, first_year + years))
    taken = sorted(set(
        StrategicGoal.objects.filter(year__in=year_list).values_list("year", flat=True)
    ) | set(Case.objects.filter(budget_year__in=year_list).values_list("budget_year", flat=True)))
    if taken:
        raise CityExists(
            f"Databasen har redan KF-mål eller ärenden för {', '.join(map(str, taken))}; "
            f"välj ett annat första år."
        )
    counts: dict[str, int] = {}
    people = _parties_and_people(year_list, seed, counts)
    board_rows = _boards(boards, counts)
    cases: list[Case] = []
    for year in year_list:
        writes = Writes()
        council = _council(year, scale, seed, writes)
        writes.flush(counts)
        followed_up = followup is True or (followup and year in followup)
        periods = followup_periods(year) if followed_up else []
        for index, board in enumerate(board_rows):
            cases.append(_plan(council=council, board=board, board_index=index, scale=scale,
                               seed=seed, people=people, writes=writes, periods=periods))
            if (index + 1) % BOARDS_PER_FLUSH == 0:
                writes.flush(counts)
        writes.flush(counts)
        if progress:
            progress(f"{year}: {len(board_rows)} planer, {time.perf_counter() - started:.1f} s")
    return CityReport(year_list, cases, counts, time.perf_counter() - started)

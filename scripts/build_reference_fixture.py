"""Transcribes the reference case PM 2012:3 RI into the models and writes fixtures/reference_2012.json.

The data below is the whole case "Budget/verksamhetsplan 2012 för Kommunfullmäktige m.m.", in
the document's order, with the extraction's artefacts undone: words broken at a line end are
joined ("Handels-/högskolan" -> "Handelshögskolan") while real hyphens stay ("e-tjänster",
"EU-redovisning"), stray spaces and page breaks are gone, and paragraphs are rejoined by sense.
The document's own spelling mistakes are kept: it is the record of a real case.

Regenerate (the JSON is generated output, never edit it by hand):

    .venv/bin/python scripts/build_reference_fixture.py

By default the script migrates a fresh temporary SQLite database, creates every object through
the ORM (each one validated with full_clean() before it is saved), and dumps the apps budgetplan,
goals, finance and reservations, without their history tables, to fixtures/reference_2012.json.
To build in a database of your own, point DATABASE_URL at an empty one, e.g.

    DATABASE_URL=sqlite:////tmp/ref.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/ref.sqlite3 .venv/bin/python scripts/build_reference_fixture.py

It refuses to write into a database that already holds a case or goals. With
`--check-source <the document's .txt>` it also checks that every transcribed text occurs in the
document (ignoring whitespace, hyphens and the block markup), which catches typing mistakes.
"""
import argparse
import datetime
import os
import re
import sys
import tempfile
import textwrap
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
FIXTURE_PATH = BASE_DIR / "fixtures" / "reference_2012.json"
DUMPED_APPS = ["budgetplan", "goals", "finance", "reservations"]

BLOCK_MARKER = re.compile(r"^(## |> |- |\d+\. )")


def text(source: str) -> str:
    """Turns a wrapped source into the block markup of budgetplan/kernel/text.py.

    Blocks are separated by blank lines and each paragraph becomes one line. Inside a block that
    starts with a marker ("## ", "> ", "- ", "1. "), each marker starts an item and unmarked
    lines continue the item before them. A wrapped line that starts like a marker in an ordinary
    paragraph is a mistake in this file and stops the build.
    """
    blocks = []
    for chunk in re.split(r"\n[ \t]*\n", textwrap.dedent(source).strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        first = BLOCK_MARKER.match(lines[0])
        if not first:
            if any(BLOCK_MARKER.match(line) for line in lines[1:]):
                raise ValueError(f"A wrapped line starts like a block marker: {chunk!r}")
            blocks.append(" ".join(lines))
            continue
        items: list[str] = []
        for line in lines:
            if BLOCK_MARKER.match(line):
                items.append(line)
            else:
                items[-1] = f"{items[-1]} {line}"
        kinds = {re.sub(r"\d+", "1", BLOCK_MARKER.match(item).group(1)) for item in items}
        if len(kinds) > 1 or (first.group(1) == "## " and len(items) > 1):
            raise ValueError(f"A block mixes markers or a heading runs on: {chunk!r}")
        blocks.append("\n".join(items))
    return "\n\n".join(blocks)


# --------------------------------------------------------------------------------------------
# The case: header, decision points, statement, attachments
# --------------------------------------------------------------------------------------------

BOARD = {"name": "Kommunfullmäktige m.m.", "office": "Stadsledningskontoret"}

CASE = {
    "memo_year": 2012,
    "memo_serial": 3,
    "memo_rotel": "RI",
    "title": "Budget/verksamhetsplan 2012 för Kommunfullmäktige m.m.",
    "budget_year": 2012,
    "proposing_body": "borgarradsberedningen",
    "deciding_body": "kommunstyrelsen",
}
# The document is the proposal that went to the board: signed by the presenting commissioner,
# endorsed by the committee. The case is built as a draft (every case starts as one) and moved
# on to proposed as a clerk would, so its history holds the step.
STATUS = "proposed"
REGISTRY_NUMBERS = ["112-2321/2011"]
# The case's timestamps are pinned so that regenerating gives the same JSON: created, and
# proposed, on the day the commissioner signed.
CASE_TIMESTAMP = datetime.datetime(2012, 1, 11, tzinfo=ZoneInfo("Europe/Stockholm"))

# The figures the points quote: (name, which rows it sums; finance.models.FigureRows).
FIGURES = [("Summa omslutningsförändringar", "turnover")]
# (text, the name of the figure it quotes). Point 4 quotes the sum of the turnover changes; the
# renderer computes 502,0.
DECISION_POINTS = [
    ("Förslag till budget/verksamhetsplan för 2012 för Kommunfullmäktige m.m. godkänns.", ""),
    (
        text("""
            Stadsdirektören får rätt att under löpande budgetår omdisponera medel inom fastställd
            budget i enlighet med delegationsreglerna.
        """),
        "",
    ),
    ("Visningsenheten inom administrativa avdelningen får utgöra en resultatenhet.", ""),
    ("Den redovisade omslutningsförändringen med {belopp} mnkr godkänns.", "Summa omslutningsförändringar"),
]

STATEMENT = {
    "commissioner": "Sten Nordin",
    "proposal_lead": (
        "Jag föreslår att borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande."
    ),
    "place": "Stockholm",
    "signed_on": datetime.date(2012, 1, 11),
    "endorsement": "Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag.",
}
STATEMENT_SECTIONS = [
    (
        "Ärendet",
        text("""
            Budget och verksamhetsplan för 2012 för Kommunfullmäktige m.m. ska upprättas.
            Föreliggande ärende utgör förslag till budget och verksamhetsplan.
        """),
    ),
    (
        "Beredning",
        text("""
            Ärendet har initierats av stadsledningskontoret och
            kommunfullmäktiges/kommunstyrelsens kansli. Ärendet har behandlats i
            förvaltningsgruppen enligt samverkansavtalet.
        """),
    ),
    (
        "Mina synpunkter",
        text("""
            Stadens centrala ledningsarbete följer de mål som är uppställda av kommunfullmäktige i
            samband med budget 2012.
        """),
    ),
]

ATTACHMENTS = [
    "Rapportbilaga KF m.m. 2012",
    "Aktivitetsplan 2012",
    "Jämställdhets- och mångfaldsplan 2010-2012",
    "ROV Indikatorer 2012",
    "ROV processer 2012",
    "Internkontrollplan 2012",
    "System för internkontroll och Internkontrollplan 2011",
]

# --------------------------------------------------------------------------------------------
# Parties, people and the five reservations
# --------------------------------------------------------------------------------------------

PARTIES = [
    ("S", "Socialdemokraterna"),
    ("MP", "Miljöpartiet de gröna"),
    ("V", "Vänsterpartiet"),
    ("M", "Moderaterna"),
    ("FP", "Folkpartiet liberalerna"),
    ("C", "Centerpartiet"),
    ("KD", "Kristdemokraterna"),
]

# (name, party, role)
PEOPLE = [
    ("Karin Wanngård", "S", "commissioner"),
    ("Tomas Rudin", "S", "commissioner"),
    ("Daniel Helldén", "MP", "commissioner"),
    ("Olle Burell", "S", "member"),
    ("Stefan Nilsson", "MP", "member"),
    ("Sara Pettigrew", "MP", "member"),
    ("Ann-Margarethe Livh", "V", "member"),
]

RESERVATION_S_COMMITTEE = text("""
    Vi Socialdemokrater hade när fullmäktige beslutade om budgeten högre ambitioner för
    företagande, ytterstadens utveckling, kvalitetsinsatser och förbättrad personalpolitik genom
    exempelvis fler heltidstjänster. Det gäller både mål och ekonomiska resurser för att kunna
    genomföra målen.

    Vi anser fortfarande att dessa högre målsättningar bör vara vägledande för Stockholm stad och
    verksamhetsplanen för Kommunfullmäktige mm.

    Den plan som nu läggs fram av den borgerliga majoriteten är i stora delar full av
    målsättningar och utredningar som initieras utan ekonomiska förutsättningar att förändra
    verksamheten substantiellt i dessa delar. Samtidigt är stora delar av de åtgärder som vi
    föreslog i budgeten möjliga att genomföra genom en omprioritering inom ramen för SLK’s
    verksamhet.

    Vi föreslog i fullmäktige en besparing på 53,6 miljoner kronor genom minskat köp av externa
    konsulter, ökad effektivisering och minskade PR-kostnader. De ökande kostnaderna för
    konsultköp som vi sett sedan dess illustrerar väl möjligheten att göra stora besparingar –
    vilket också möjliggör att insatserna för ökad kvalitet, bättre personalpolitik och
    företagande skulle kunna bli annat än vackra ord.

    I korthet föreslog vi ekonomiska resurser bland annat till en heltidssatsning,
    låglönesatsning, kulturellt företagande, företagande i ytterstaden, kvalitetsarbetet och fler
    trainee- och praktikplatser. Därför anser vi att verksamhetsplanen bör Kommunfullmäktige m.m.
    bör rymma en omdisponering också av det ekonomiska utrymmet och möjliggöra följande
    satsningar:

    ## Företagande i ytterstaden och Centrum för kulturellt företagande

    Förslaget till verksamhetsplan rymmer ett till intet förpliktigande (och som dessutom är helt
    omöjligt att mäta) mål om att attraktiviteten i ytterstaden ska öka. Det föreslås inga
    konkreta åtgärder och det finns inte heller några specifikt ekonomiska medel avsatta för
    ändamålet. Vi föreslår därför att planen kompletteras med de förslag som vi lade i
    kommunfullmäktige enligt nedan.

    > ”Företagande i ytterstaden
    > En stor utmaning i ytterstaden är villkoren för småföretagandet. Stockholm mår bra av
      mångfald i stadens handel. Det medför inte bara värden för de stockholmare som lever olika
      delar av staden utan också för ny- och småföretagande i Stockholm. Idag går staden mot en
      utveckling där Stockholms småskaliga handel kontinuerligt förlorar marknadsandelar.
      Utförsäljningen av gallerior och stadens vägran att anpassa lokalhyrorna inom det egna
      beståndet har skapat stora problem för såväl enskilda små- och egenföretagare som för de
      hela stadsdelar som långsamt utarmas på service och kommersiellt utbud.
      Stadsledningskontoret ska inrätta en Räddningskommission för ytterstadens småföretagande
      (RYS) med uppgift att stödja småföretagandets villkor och företräda dessa gentemot stadens
      övriga förvaltningar och bolag, samt mot de externa aktörer och bolag som staden har avtal
      med. Kommissionens ledning ska inkludera företagare inom handel och service.
    > Centrum för kulturellt företagande
    > För att kunna leva på sin idé behöver man nätverk och miljöer där man har tillgång till
      erfarenhet och stöd i såväl utvecklandet av sin konstform som av ekonomisk och juridisk
      rådgivning. Fler stockholmare ska kunna leva på sin kreativitet. De som är utbildade eller
      arbetar inom konst och kultur och som vill kunna sälja sina idéer, produkter eller sin
      kunskap ska också kunna göra det. Fler ska kunna anställa och växa. Trots att svensk design,
      musik och underhållningsindustri har skördar stora framgångar över världen upplever vi att
      Stockholms stad är väldigt passiv inför den här utvecklingen. Dessa näringar skulle kunna
      spela en mer framträdande roll i Stockholms framtid. Det är ofta frågan om relativt små
      företag men med stor potential. Staden har en viktig roll att fylla i att stödja och denna
      viktiga framtidsbransch. Bland annat kan detta ske genom att staden underlättar och
      möjliggör erfarenhetsutbyten och samarbeten mellan olika kreativa företag.
    > Därför ska Stockholms stad – i samverkan med Konstfack – etablera ett centrum för kulturellt
      företagande vid Telefonplan, ett område som är under snabb förvandling från klassisk till
      kreativ industri och där en stor andel av konst-, design- och kulturutbildningarna
      bedrivs.”

    ## En personalpolitik för bra arbetsvillkor

    I verksamhetsplanen preciserar nu majoriteten löftet om att bekämpa den ofrivilliga deltiden
    med att nämnden ska samordna verksamheten. Inget mål fastställs och inga ekonomiska resurser
    avsätts för ändamålet. Värt att notera är att Moderaterna i riksdagen tycker arbetet med att
    erbjuda heltider kostar stora eknomiska resurser medan Moderaterna i Stockholm inte ser någon
    kostnad (alternativt inte har några egentliga ambitioner utöver fina ord). Vi tror att det
    initialt, om det ska bli verklig förändring, krävs både ett tydligt ledarskap och ekonomiska
    medel för att bekämpa den ofrivilliga deltidsarbetslösheten i staden. Vi föreslår därför att
    planen kompletteras enligt följande.

    > ”Deltidsarbetslösheten har vuxit till ett stort problem på arbetsmarknaden. För att staden
      ska ta ett ansvar och erbjuda de som så önskar att öka sin sysselsättningsgrad avsätts 10
      miljoner kronor. Heltid skall vara en rättighet och deltid en möjlighet. Idag arbetar cirka
      20 procent av stadens anställda deltid. Redan till 2014 borde den siffran kunna minskas till
      10 procent. Alltför många i staden är idag ofrivilligt timanställda och många under alltför
      lång tid. Vi vill möta ersätta osäkra timanställningar med fasta anställningar inom
      vikariepooler i äldreomsorg och förskola (i ett första skede). Det ger tryggare anställningar
      men framförallt möjligheten att öka kompetensen och kontinuiteten. Det bidrar aktivt till en
      bättre kvalitet i välfärden.”

    ## Kvalitet före konkurrens

    Medan den borgerliga majoriteten ägnat allt fokus de senaste åren åt att öka andelen
    verksamhet som är konkurrensutsatt (eg privat) har vi Socialdemokrater drivit temat om
    kvalitet före driftsform. I årets budget motsatte vi oss det av fullmäktige uppsatta
    övergripande målet att en ökad andel av verksamheten ska vara privat. I stället ville vi
    investera 5 miljoner i ett kvalitetskansli som skulle kunna skärpa upp kvalitetskraven vid
    upphandling. Nu uttrycker majoritéten en oro för att inte tillräckligt mycket kan läggas ut på
    privat drift. Även om vi anser att det är bra att staden ska ta fram stadsgemensamma
    riktlinjer för hantering av entreprenörer som ej fullföljer sina uppdrag görs alltför lite i
    övrigt för att förstärka kvaliteten i den upphandlade verksamheten. Vi anser därför att fokus
    borde läggas på kvaliteten i verksamheten och förordar att följande text tillförs
    verksamhetsplanen.

    > ”Uppföljningen av kvalitet i välfärdsverksamheterna, såväl privata som kommunala ska
      förbättras. Övergripande uppföljning, kontroll och inspektion av äldreomsorgen, verksamheter
      för personer med funktionsnedsättning, förskola och skola ska organiseras centralt och
      förstärkas. System för att ställa krav på att åtgärda brister ska ses över och skärpas för
      utförare oavsett driftsform.
    > System för medborgarnas valfrihet ska utvecklas till att öka möjligheterna för
      stockholmarna att få rättvisande information om verksamheternas kvalitet. För att garantera
      att konkurrensutsättningen inom ett verksamhetsområde är optimalt för att få bästa möjliga
      kvalitet ska Stadsledningskontoret systematiskt utvärdera marknaden inom aktuella
      verksamhetsområden och förse Kommunstyrelsen och Kommunfullmäktige med beslutsunderlag. För
      inrättandet av ett Kvalitetssäkringskansli avsätts 5 miljoner kronor.”

    ## I övrigt vill vi anföra följande i andra delar av verksamhetsplanen

    När det gäller målet att Stockholmarna ska kunna försörja sig själva så uppnås det till rätt
    ringa grad av att tre (3) ungdomar erbjuds sommarjobb i en verksamhet som omsluter 1,8
    miljarder. Det är en tydlig illustration på den borgerliga majoritetens låga ambitioner på
    området. Tillsammans med uteblivna satsningar på företagande och arbetsmarknadsåtgärder bidrar
    det tvärtom till att kostnaderna för försörjningsstödet ökar kraftigt (enligt majoritetens
    eget budgetförslag). Vi anser att nämndens mål för sommarjobb bör mångfaldigas. Tillsammans
    med våra höjda ambitioner för arbetsmarknadsåtgärder och utbildningsinsatser skulle målet
    kunna uppnås. Nu blir det precis tvärtom.

    När det gäller målet att det ska byggas många bostäder i Stockholm så delar vi ambitionen att
    effektivisera plan- och byggprocessen. Samtidigt är även detta en budgetfråga – vilket vi
    poängterade i vårt budgetförslag och därför föreslog en utökad budgetram för
    Stadsbyggnadsnämnden. På samma sätt förhåller det sig med att Stockholmarna ska vara trygga
    och nöjda med städning samt renhållning.

    Vi delar i grunden ambitionen att förskolan behöver ha en gemensam kö och att det ska finnas
    möjlighet att använda 30 timmars förskola mer flexibelt. På samma sätt bör det vara en
    självklarhet att förskolor i normalfallet har generösa öppettider. Det är en del av en
    fungerande arbetslinje. Då är det problematiskt att majoriteten enbart ägnar sig åt att utreda
    frågor. Det behövs ett tydligt ledarskap som vågar driva på förändringen även i denna del.

    I verksamhetsplanen finns därutöver ett antal förslag som vi delar. I detta har vi dock valt
    att fokusera på de delar där vi har avvikande mening.
""")

RESERVATION_MP_COMMITTEE = text("""
    ## Kommunfullmäktige m.m.

    ## Kommunstyrelsen – stadsledningskontoret

    Stadsledningskontoret är kommunstyrelsens förvaltning. Stadsledningskontoret ska centralt
    styra, samordna och följa upp stadens verksamheter och genomföra särskilda övergripande
    uppdrag som ska säkra stadens långsiktiga arbete.

    ## Klimatarbete

    Kommunstyrelsen har det övergripande ansvaret för att stadens klimatmål uppnås. Därför
    inrättas under kommunstyrelsen en central funktion för klimat. Funktionen ansvarar för
    stadens strategiska klimatarbete, klimatberedskap samt för att styra satsningar inriktade på
    att Stockholm ska bli en fossilbränslefri stad 2030. Det krävs aktiv styrning samt
    klimatsamordning centralt som prioriterar, driver på och följer upp nämndernas och bolagens
    klimatarbete.

    Stockholms stads mål ska vara att minska utsläppen av växthusgaser till 2,0 ton
    koldioxidekvivalenter per stockholmare och år till år 2015 och nå ett fossilbränslefritt
    Stockholm år 2030.

    ## Lika rättigheter

    Att alla, oavsett kön, etnicitet, funktionalitet, ålder, könsidentitet, könsuttryck eller
    sexualitet har samma rättigheter och möjligheter är grunden för ett demokratiskt samhälle och
    en mänsklig rättighet. Det är även viktigt att ta hänsyn till maktordningar som rör
    nationalitet, kultur och språk. För att Stockholms stad ska uppnå det krävs ett aktivt,
    långsiktigt arbete för lika rättigheter integrerat i stadens ordinarie verksamhet. Därför ska
    det inrättas en central funktion för lika rättigheter, för främjande och uppföljning, vilken
    har ett huvudansvar för att Stockholms stad arbetar integrerat för mångfald och jämställdhet
    ur ett intersektionellt och normkritiskt perspektiv. Funktionen ska ligga under
    Kommunstyrelsen och ha till uppdrag att granska stadens verksamheters arbete med lika
    rättigheter för alla samt bedriva ett aktivt arbete främjandearbete genom exempelvis
    utbildning av politiker och anställda.

    Funktionen ska ha spetskompetens inom frågor som rör feminism, intersektionalitet och
    normkritik vilken stadens förvaltningar och bolag kan använda sig av i sitt eget arbete för
    lika rättigheter. Funktionen ska även säkerställa att stadens verksamheter arbetar integrerat
    och utvecklande med frågor som rör lika rätt genom kontinuerlig uppföljning och utvärdering.
    Funktionen ska vara drivande i att stadens verksamheter prioriterar ett aktivt, integrerat
    arbete för lika rättigheter.

    Den centrala funktionen ska verka samlande och skapa forum för anställd inom kommunen som har
    ett uppdrag att arbeta mer lika rättigheter. För verksamheternas utveckling är det viktigt med
    erfarenhetsutbyten och kompetensutveckling inom normkritik och intersektionalitet.

    Våld, eller hot om våld, är det yttersta och mest allvarliga uttrycket för det förtryck
    personer kan bli utsatta för utifrån maktordningar beroende på kön, etnicitet,
    funktionalitet, ålder, könsidentitet, könsuttryck och/eller sexualitet. Flera aktörer i
    Stockholms stad hanterar hatbrottsproblematik till exempel socialtjänst, hälso- och
    sjukvården samt brottsofferjourer. Det är viktigt att dessa aktörer ser strukturerna bakom
    hatbrott och vad som kan göras för att känna igen ett hatbrott och agera därefter. Därför ska
    Stockholms stad ta fram en handlingsplan mot hatbrott och implementera den i berörda
    verksamheter.

    Stockholm hade som mål att bli världens tillgängligaste huvudstad 2010. Det finns mycket kvar
    att göra för att uppnå denna titel. Otillgänglighet är diskriminering och människor med
    funktionsnedsättning har rätt till full delaktighet. Tillgänglighetsbegreppet ska vidgas från
    det fysiska till att innefatta sådant som bemötande och möjlighet till full delaktighet i
    samhället. Stockholm måste utforma en plan för hur enkelt avhjälpta hinder kan tas bort.
    Staden ska tillsätta en samordnare med ansvar att utforma och genomföra en plan för hur enkelt
    avhjälpta hinder ska vara borta 2012. Underlåtenhet att avhjälpa hinder ska kopplas till
    sanktioner. Dessa medel ska investeras i ökad tillgänglighet.

    ## Grön upphandling

    Det är oacceptabelt att leverantörer till offentlig sektor bryter mot grundläggande mänskliga
    rättigheter och utnyttjar människor och miljö för att producera det vi konsumerar. Ändå är det
    ofta så det ser ut idag. Det är stor risk att de skattepengar som Stockholms stad dagligen
    spenderar på inköp av varor stödjer en produktion som är både olaglig och oetisk.

    Stadens upphandling omfattar mer än 11 miljarder kr och är därför av stor strategisk betydelse
    för omställningen till ett hållbart samhälle. Staden ska använda sin konsumentmakt och bedriva
    ett aktivt arbete inom området miljöanpassad upphandling med höga krav på energieffektivitet
    och att driva fram ny miljöteknik. Tidigare beslut om antidiskrimineringsklausul och hållbar
    upphandling som omfattar kemikalier, energi, transporter, ekologiska livsmedel m.m. ska
    återinföras. Sociala och etiska villkor ska inarbetas i upphandlingspolicyn och gälla alla
    upphandlingar. Stadens klausul för yttrandefrihet i verksamheter som drivs på entreprenad ska
    formuleras om så att den ger ett juridiskt hållbart skydd för den enskilda medarbetaren som
    yttrar sig offentligt, oavsett om han eller hon har stöd av staden gentemot sin arbetsgivare.

    Staden ska uppnå 40 % ekologiska livsmedel av inköpen år 2012. Det är fullt möjligt att ställa
    krav på att varor är ekologiska och etiskt anpassade. Staden ska ta ansvar för hållbar
    konsumtion genom tydliga mål för upphandling av miljöanpassade varor och tjänster, av
    ekologiska och etiskt producerade livsmedel och inte köpa in fisk vars bestånd är hotat. Som
    ett led i att utveckla den etiska konsumtionen ska Stockholm stad, liksom många andra
    huvudstäder bli en Fairtrade City. För att nå en god matkvalitet i de kommunala köken ska en
    central kostenhet ge stöd och utbildning för måltidspersonal i förskola, skola och
    äldreomsorg.

    Folkhälsoprogrammet som avvecklades 2007 ska uppdateras och återinföras. Stockholms stad ska
    införa välfärdsbokslut för att systematiskt och samlat redovisa, styra mot och följa upp
    folkhälsomål, miljömål, sociala och ekonomiska mål.

    ## Staden som arbetsgivare

    En hållbar livsmiljö kräver ett hållbart arbetsliv. Den bästa investeringen staden kan göra är
    i våra medarbetare. Stadens anställda ska kunna kombinera en aktiv fritid och ett aktivt
    föräldraskap med en god arbetsmiljö och goda karriärmöjligheter. Ett delat chefskap i stadens
    förvaltningar och bolag kan vara ett sätt att skapa ett mer modernt ledarskap.

    Det är viktigt att en så stor arbetsgivare som Stockholms stad, med ca 40 000 anställda,
    föregår med gott exempel. Kommunens medarbetare är det viktigaste verktyg staden har för att
    utföra vårt uppdrag och säkerställa en god service till medborgarna. Det är grundläggande att
    stadens medarbetare känner sig trygga i sin anställning, har inflytande över sin
    arbetssituation och känner en delaktighet i verksamheternas mål.

    Staden ska skapa goda förutsättningar för våra medarbetare att utföra sitt arbete. Det kräver
    ett gott ledarskap, en rimlig arbetssituation och god arbetsmiljö samt rimliga löner. Ca 75 %
    av stadens anställda är kvinnor, många arbetar inom tunga vård- och omsorgsyrken och många
    arbetar deltid. Staden ska verka för att medarbetarna har en god hälsa och kan leva på sin
    inkomst. Samtliga förvaltningar ska årligen avsätta medel för kompetensutveckling av stadens
    medarbetare.

    Stadsledningskontoret ska ges i uppdrag att tillsammans med de fackliga organisationerna ta
    fram förslag till arbetstidsförkortning för de personalkategorier där det finns störst behov.
    Vidare skapas en låglöne- och jämställdhetssatsning på framför allt kvinnodominerade yrken.
    Staden ska införa rätt till heltid men möjlighet till deltid i samtliga förvaltningar och
    bolag.

    Det ska införas ett traineeprogram i Stockholms stads kommunala förvaltningar och bolag för
    att strategiskt kunna möta det kommande generationsskiftet. Traineeprogrammet är även ett
    viktigt verktyg för Stockholm att säkerställa en god mångfald bland stadens anställda.

    Stadens förvaltningar och bolag ska särskilt anstränga sig för att skapa sommarjobb för unga
    inom den egna verksamheten. Dessutom bör staden skapa arbetstillfällen för personer som står
    långt ifrån arbetsmarknaden så som långtidsarbetslösa.

    I sin rekrytering ska staden verka för att alla verksamheter får en stor mångfald på alla
    nivåer med avseende till kön, etnicitet, funktionalitet, ålder, könsidentitet, könsuttryck och
    sexualitet. Mångfaldsarbetet ska kontinuerligt följas upp och utvärderas, bland annat genom
    framtagandet av statistik och medarbetarundersökningar. Alla anställda i staden med
    otillräckliga svenskkunskaper ska erbjudas möjlighet att läsa sfi på arbetstid

    Stockholms stad ska arbeta aktivt för att strukturella löneskillnader som har samband med kön
    avskaffas i stadens verksamheter. Dessutom ska individuella löneskillnader som har samband med
    kön, etnicitet, funktionalitet, könsidentitet, könsuttryck och/eller sexualitet avskaffas.
    Verksamheternas jämställdhets- och mångfaldsplaner är levande dokument som ska granskas och
    uppdateras regelbundet. Granskning av planerna ska genomföras varje år och kompletteras med en
    uppföljning av strategiska nyckeltal. Det är också angeläget att genomföra djupare studier,
    exempelvis av lönekartläggningen och resultatet av handlingsplanerna för jämställda löner samt
    ta initiativ till att upprätta en bindande handlingsplan med fack och arbetsgivare för att få
    bort osakliga löneskillnader. Kunskap om normkritik och intersektionalitet ska ingå i
    fortbildningen av stadens anställda och chefer.

    ## Friskvård

    I stadens ambitioner att vara en bra arbetsgivare är det viktigt att de möjligheter som
    anställda har också i realiteten kan utnyttjas. Friskvård på arbetstid är en viktig faktor för
    god hälsa. Stadens anställda ska ha möjlighet till två friskvårdstimmar per vecka.
    Stadsledningskontoret ska göra en översyn för att säkerställa att friskvårdstimmarna också
    utnyttjas i realiteten av de anställda. Staden ska stimulera cykling för medarbetarna, t ex
    genom tjänstecyklar, som friskvård.
""")

RESERVATION_V_BOARD = text("""
    ## Ökad jämställdhet, jämlikhet och klimaträttvisa

    Med vänsterpartiets budget skulle verksamhetsplanen ha en offensiv inriktning med fokus på att
    öka jämställdheten, jämlikheten och klimaträttvisan. Vi skulle prioritera arbetet mot
    hemlösheten, bostadssegregationen, klimathotet och för att uppfylla FN:s konventioner om
    mänskliga rättigheter rörande barn, kvinnor och personer med funktionsnedsättningar.

    ## Rätten till en god omsorg oavsett inkomst och utbildning

    Istället har vi att ta ställning till en verksamhetsplan som enligt budget 2012 fokuserar på
    fortsatt konkurrensutsättning trots att vetenskapligt stöd saknas för att experimenterandet
    med stockholmarnas egendom och skattepengar skulle leda till bättre kvalitet. Tvärtom har vi
    under hösten fått bekräftat gång på gång hur vinstintresset leder till vanvård av våra äldre.
    Utvecklad uppföljning av upphandlade verksamheter föreslås i verksamhetsplanen och det
    behövs, men är inte trovärdigt när insikten kommer först när skandalerna passerat revy.

    Att äldreforskarna betonar att äldre inte röstar med fötterna får inte majoriteten att backa
    från mantrat att konkurrensutsättningen ökar valfriheten. Att de äldre inte har många månader
    kvar att leva när beviljas vård- och omsorgsboende innebär att valfriheten för många därför
    blir en chimär. Vi menar att det viktigaste att prioritera är att alla får god omsorg.

    Kundval kombinerat med subventionering av hushållsnära tjänster ökar risken A- och B-lag inom
    äldreomsorgen, där förmögna och välutbildade väljer hushållsnära tjänster istället för
    hemtjänst vid små hjälpbehov och privat utförare som får sälja tilläggstjänster vid stora
    behov. Därmed finns en indirekt diskriminering av kommunal omsorg som man tiger om.

    Att fortsätta att ha som mål att andelen upphandlad verksamhet ska öka bekräftar än en gång
    att den borgerliga majoriteten prioriterar driftsform före kvalitet. Om kvaliteten var den
    viktigaste skulle de tvingande aktivitetsplanerna avskaffas och målen formuleras om. Att
    införa förenklad upphandling för småföretagare utan att förbjuda stor- och
    riskkapitalbolagen att verka i omsorgerna, blir plakatpolitik när småföretagen köps upp av de
    stora.

    ## Strategi för att motverka bostads- och skolsegregationen

    Stadsledningskontoret borde få i prioriterat uppdrag att ta fram en strategi mot den ensidiga
    befolkningssammansättningen i rika områden. Ytterstadsarbetet blundar för att det är de
    resursstarkas flyttmönster som driver bostadssegregationen. Skolsegregationen följer i
    bostadssegregationens spår, men drivs också av en skolpolitik som prioriterat
    konkurrensutsättning före bra skolor till alla barn. Stadsledningskontoret borde därför få i
    uppdrag att se över resursfördelningen i förskolan i likhet med den som gjorts för skolan
    samt utreda ett framtida system som inte skapar skolsegregering.

    En viktig del i arbetet för en integrerad stad är att barns uppväxtvillkor ska vara goda i
    alla delar av staden. Stadsledningskontoret bör ges i uppdrag att uppdatera handlingsplanen
    för barnkonventionen, eftersom det inte har funnits en gällande plan sedan 31 december 2008.

    Arbetslösheten följer samma geografiska mönster som bostads- och skolsegregationen.

    Såväl unga som kvinnor har högre arbetslöshet i ytterförorterna. Ett övergripande mål borde
    sättas om att öka jämlikheten och stadsledningskontoret borde aktivt följa utvecklingen. Ett
    nödvändigt steg är att avskaffa vårdnadsbidraget och ge stadsledningskontoret i uppdrag att
    samordna arbetet med jämställdhetsintegrering i hela staden.

    Ett program bör arbetas fram för att stärka de små förortscentrumen enligt förslag i motion
    från vänsterpartiet. Fattiga förorter får närmiljön försämrad genom byggen på omtyckta
    grönområden och motorvägar i ytläge istället för i tunnel. Människor som vill bo i förort
    känner att de inte räknas. Att de boendes uppfattningar och önskemål ska lyftas fram låter
    bra, men måste visas i handling innan det blir trovärdigt.

    Arbetet mot hemlösheten ska styras av en nollvision för den totala hemlösheten. Alla hemlösa
    är lika mycket värda, vi ska inte räkna bort EU-medborgare och papperslösa. Vänsterpartiet har
    redan 2007 tagit fram en samlad plan för att målmedvetet minska hemlösheten, med åtgärder på
    alla nivåer och där alla nämnder och styrelser ska bidra. Stadsledningskontoret bör därför få
    i uppdrag att anställa en hemlöshetssamordnare och inleda arbetet för att nå visionen.

    ## En vässad personalpolitik

    Staden är en av Sveriges största arbetsgivare, vilket innebär ett mycket stort ansvar på den
    politiska nivån. Att vare sig jämställdhet eller mångfald är prioriterat framgår tyvärr i
    förslaget till verksamhetsplan, där frågorna inte nämns inledningsvis bland 13 uppräknade
    områden där kontoret har ett övergripande ansvar. Vi vill tvärtom att stadsledningskontoret
    aktivt ska samordna och följa upp ett strategiskt jämställdhets- och mångfaldsarbete. Idag är
    detta inte möjligt på grund av bristande politisk vilja. Utökade resurser behöver ställas
    till förfogande för att initiera och genomföra granskningar, utbildningar, uppföljningar etc.

    ## Mycket prat men lite verkstad

    På område efter område blir det allt tydligare att den moderatledda alliansens politik leder
    till ökad segregation, stagnation inom skola och välfärd, ett minskat förtroende bland
    småföretagen, en trafikpolitik som lett till trafikinfarkt, en bostadspolitik som inte är
    värd namnet, en arbetsmarknadspolitik där 1000-tals av våra ungdomar står utan både jobb och
    utbildning. Det enda område där man lyckats är att med ett rasande tempo sälja ut våra
    gemensamma ägodelar såsom kommunens bostäder, hela bostadsbestånd samt kommunens bolag som man
    i vissa fall mer eller mindre skänkt bort eller sålt till kraftigt underpris.

    Vi är djupt kritiska mot att moderaterna med sin egen reklambyrå (läs KREAB) sedan har
    fräckheten att för Stockholms skattebetalares pengar gå ut och torgföra sitt politiska
    budskap och försöka dölja sina misslyckanden.

    ## KF/KS-kansli kvar som egen förvaltning

    Kansliet kvarstår som egen förvaltning eftersom den har en särställning i sin funktion att ge
    service till alla förtroendevalda samt rotlar och kanslier för alla partier. Behov av
    modernisering och kompetensutveckling kan säkras genom samverkan med andra förvaltningar.
""")

# In the document's order. "refers_to" is the position (1-based) of the reservation referred to.
RESERVATIONS = [
    {
        "body": "borgarradsberedningen",
        "signatories": ["Karin Wanngård", "Tomas Rudin"],
        "proposal_lead": "Vi föreslår borgarrådsberedningen föreslå kommunstyrelsen besluta att",
        "points_numbered": False,
        "points": [
            "delvis bifalla förslaget till budget- och verksamhetsplan",
            "därtill anföra följande",
        ],
        "text": RESERVATION_S_COMMITTEE,
    },
    {
        "body": "borgarradsberedningen",
        "signatories": ["Daniel Helldén"],
        "proposal_lead": "Jag föreslår borgarrådsberedningen föreslå kommunstyrelsen besluta att",
        "points_numbered": True,
        "points": [
            text("""
                Godkänna Miljöpartiets förslag till verksamhetsplan och budget för
                kommunfullmäktige m.m 2012,
            """),
            text("""
                Stadsdirektören får rätt att under löpande budgetår omdisponera medel inom
                fastställd budget i enlighet med delegationsreglerna.
            """),
            "Visningsenheten inom administrativa avdelningen får utgöra en resultatenhet.",
            # The party's own text: their figure stays as they typed it.
            "Godkänna den redovisade omslutningsförändringen med 502.0 mnkr.",
        ],
        "text": RESERVATION_MP_COMMITTEE,
    },
    {
        "body": "kommunstyrelsen",
        "signatories": ["Karin Wanngård", "Tomas Rudin", "Olle Burell"],
        "refers_to": 1,
    },
    {
        "body": "kommunstyrelsen",
        "signatories": ["Stefan Nilsson", "Sara Pettigrew"],
        "refers_to": 2,
    },
    {
        "body": "kommunstyrelsen",
        "signatories": ["Ann-Margarethe Livh"],
        "proposal_lead": "Jag föreslår kommunstyrelsen besluta att",
        "points_numbered": True,
        "points": [
            text("""
                Avslå förslaget med hänvisning till vänsterpartiets budgetreservation i
                kommunfullmäktige
            """),
            "Därutöver framföra följande",
        ],
        "text": RESERVATION_V_BOARD,
    },
]

# --------------------------------------------------------------------------------------------
# The officials' report (tjänsteutlåtande): ÄRENDET, BEREDNING
# --------------------------------------------------------------------------------------------

OFFICIALS_REPORT = {
    "offices": "Stadsledningskontoret och KF/KS kansli",
    "dated": datetime.date(2011, 12, 1),
    "matter_lead": "Stadsledningskontoret har bland annat ett övergripande ansvar för:",
    "matter_body": text("""
        I stadsledningskontorets budget ingår budgeten för Rådet till skydd för Stockholms
        skönhet.

        Utifrån kommunfullmäktiges mål anger stadsledningskontoret i sin verksamhetsplan mål för
        respektive verksamhetsområde och årsmål för de indikatorer som kommunstyrelsen för egen
        del planerar för. Mål, aktiviteter och indikatorer som bidrar till att uppfylla flera
        inriktningsmål anges bara en gång.
    """),
    "preparation": text("""
        Ärendet har initierats av stadsledningskontoret och
        kommunfullmäktige/kommunstyrelsens kansli.
    """),
    "report_lead": text("""
        Stadsledningskontorets och KF/KS kanslis gemensamma tjänsteutlåtande daterat den {datum}
        är i huvudsak av följande lydelse.
    """),
}

# The document lists thirteen (the V reservation also speaks of "13 uppräknade områden").
RESPONSIBILITIES = [
    "strategiska framtidsfrågor",
    "ekonomi- och verksamhetsstyrning samt resultatuppföljning",
    text("""
        förvaltning och utveckling av ekonomi-, personal- och verksamhetssystem, webbplatsen samt
        it-infrastruktur
    """),
    text("""
        kommunikationsstrategier, it-strategier, konkurrensstrategier och strategier för
        kvalitetsutveckling
    """),
    "personalstrategier, ledarförsörjning, arbetsgivar- och pensionsfrågor",
    "utveckling av valfrihetssystem",
    "upphandlingsstrategier",
    "säkerhetsarbetet",
    "internationellt arbete",
    text("""
        strategiska mark-, exploaterings-, fastighets- och lokalfrågor samt bedömningar av förslag
        till större investeringar, inhyrningar och avveckling av lokaler
    """),
    "service inom juridik- och skatteområdet",
    "stadsövergripande brukarundersökningar",
    text("""
        service och sekretariatsuppgifter åt kommunfullmäktige, kommunstyrelsen,
        kommunfullmäktiges presidium, beredningar med mera.
    """),
]

# --------------------------------------------------------------------------------------------
# The goals, as the report sets them out
#
# Indicators are (name, Årsmål, KF:s årsmål, periodicitet), written as the document writes the
# targets; target() below reads them. Activities are (text, start, end).
# --------------------------------------------------------------------------------------------

Y = ("2012-01-01", "2012-12-31")  # the whole budget year, the dates of most activities

STRATEGIC_GOALS = [
    {
        "number": 1,
        "title": text("""
            Stockholm ska vara en attraktiv, trygg, tillgänglig och växande stad för boende,
            företagande och besök
        """),
        "plan_text": text("""
            Stadsledningskontoret stimulerar utvecklingsinsatser för att öka valfriheten för
            stockholmarna. I de strategiska upphandlingsfrågor som kontoret arbetar med ingår att
            finna vägar för att öka konkurrensen och få in fler aktörer som kan bidra till
            valfrihet för den enskilde. Uppföljningen av upphandlade verksamheter ska utvecklas.

            Att förbättra servicen till stockholmare, företag och besökare på webbplatsen är en
            viktig del i e-tjänsteprogrammet.

            Kontoret fortsätter samarbetet med nämnder, bolag och näringslivet för att ta fram nya
            metoder och strategier för att gemensamt skapa en ledande tillväxtregion.
        """),
        "council_goals": [
            {
                "number": 1,
                "title": text("""
                    Företag ska välja etableringar i Stockholm framför andra städer i norra Europa
                """),
                "plan_text": "",
                "indicators": [
                    ("Företagens nöjdhet med effektiviteten", "", "66", "År"),
                    ("Företagens nöjdhet med information från staden", "", "69", "År"),
                    ("Andel upphandlad verksamhet i konkurrens (alla nämnder)", "", "35 %", "År"),
                ],
                "activities": [
                    (
                        text("""
                            Teckna ett treårsavtal för perioden 2013-2015 med Handelshögskolan och
                            institutet för kommunal ekonomi
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Staden ska underlätta för småföretagare att vara med i stadens olika
                            upphandlingar
                        """),
                        "2012-01-01", "2012-03-31",
                    ),
                ],
                "board_goals": [
                    {
                        "title": "Andelen verksamheter som upphandlas i konkurrens ska öka",
                        "description": text("""
                            Genom stöd, utbildning och styrning arbetar kontoret för upphandling i
                            konkurrens av verksamheter som inte är strategisk ledningsfunktion
                            eller myndighetsutövning enligt den policy om har beslutats av
                            kommunfullmäktige.
                        """),
                        "activities": [],
                    },
                    {
                        "title": "Attraktiviteten i ytterstadens stadsdelar ska öka",
                        "description": text("""
                            Stadsdelarna i Järva och söderort ska utvecklas mot ökad ekonomisk,
                            social och miljömässig hållbarhet. Inom Söderortsvisionen ska en
                            fokusering ske på utvecklingen av Rågsved. Under året ska satsningarna
                            i ytterstaden utökas och även omfatta Hässelby-Vällingby
                            stadsdelsnämndsområde.

                            Fler jobb och ökat företagande är ett av de viktigaste uppdragen inom
                            ytterstadsarbetet, liksom att säkerställa skolor av god kvalitet
                            oavsett huvudman. En annan viktig del i ytterstadsutvecklingen är att
                            lyfta fram de boendes uppfattningar och önskemål och identifiera det
                            som bör åtgärdas. Kontoret ska även medverka till att de boende får
                            god återkoppling.

                            Goda erfarenheter ska tas tillvara för den fortsatta
                            ytterstadsutvecklingen.
                        """),
                        "activities": [
                            ("Fortsatta aktiviteter i Järvalyftet.", "2012-01-01", "2014-12-31"),
                            (
                                "Fortsatta aktiviteter i Söderortsvisionen.",
                                "2012-01-01", "2014-12-31",
                            ),
                            (
                                text("""
                                    Initiera aktiviteter i Hässelby-Vällingby stadsdelsområde i
                                    Järvalyftet.
                                """),
                                *Y,
                            ),
                            ("Ta fram en arbetsplatskvot – arbetsplatser/bostäder", *Y),
                        ],
                    },
                    {
                        "title": "Det ska vara lätt för företag att delta i stadens upphandlingar.",
                        "description": text("""
                            Kontoret ska underlätta för småföretagare att vara med i stadens olika
                            upphandlingar genom att ta fram förenklade upphandlingsmodeller. I de
                            upphandlingar som har genomförts har många av företagens synpunkter
                            använts.
                        """),
                        "activities": [
                            (
                                text("""
                                    Ta fram förenklade upphandlingsmodeller för att underlätta för
                                    småföretagare att vara med i stadens olika upphandlingar.
                                """),
                                *Y,
                            ),
                        ],
                    },
                    {
                        "title": "Stockholm är en stad där företag vill etablera sig.",
                        "description": "",
                        "activities": [],
                    },
                    {
                        "title": text("""
                            Stockholmare, företag och besökare hittar information och utför
                            tjänster.
                        """),
                        "description": text("""
                            Den fortsatta utvecklingen av stadens webbplats innebär att fokus
                            flyttas från "att läsa" till "att göra" och sker i nära samarbete med
                            stadens förvaltningar. Frågor och synpunkter från stockholmarna som
                            Kontaktcenter Stockholm tar emot återanvänds och skapar
                            användarnytta. Förutom ett ökat fokus på servicefrågorna kommer
                            ytterligare två delar att utvecklas: Stockholm växer – här kommer
                            pågående och planerade stadsutvecklingsprojekt att presenteras,
                            Upplev Stockholm – här kommer stockholmarna att kunna hitta allt inom
                            stadens kultur-, idrotts- och fritidsutbud.

                            Syftet är att väva ihop stadens utbud av service, stadsutveckling och
                            upplevelser till en helhet som blir större än delarna var för sig.
                        """),
                        "activities": [],
                    },
                    {
                        "title": text("""
                            Stockholms verksamheter ska stå sig i konkurrensen i såväl nationella
                            som internationella jämförelser.
                        """),
                        "description": text("""
                            Kontoret ska leda arbetet att ta fram en övergripande vision för city.
                            Visionens övergripande mål är attraktivare stadsmiljöer, fler bostäder
                            och stärkt cityhandel och den ska stärka stadsutvecklingsområdet den
                            centrala staden.

                            Utvecklingen av Stockholm som kunskapsregion ska främjas. Det sker
                            bland annat genom samarbete med lärosäten och inom ramen för
                            Stockholms Akademiska Forum samt stiftelserna Electrum och
                            Vetenskapsstaden.
                        """),
                        "activities": [
                            (
                                text("""
                                    Genomlysning av Stockholms internationella position inom ett
                                    antal områden göras utifrån relevanta index, nyckeltal
                                    och/eller statistik. Syftet är att beskriva nuläget samt att ta
                                    fram underlag för att på lång sikt kunna följa upp och redovisa
                                    utvecklingen i staden.
                                """),
                                *Y,
                            ),
                            ("Leda arbetet att ta fram en vision för City.", *Y),
                            (
                                text("""
                                    Utveckla och fördjupa samarbetet med Stockholms akademiska
                                    forum för att främja utvecklingen som kunskapsregion.
                                """),
                                *Y,
                            ),
                        ],
                    },
                ],
            },
            {
                "number": 2,
                "title": "Invånare i Stockholm ska vara eller bli självförsörjande",
                "plan_text": "Kontoret ska ge sommarjobb åt minst tre ungdomar.",
                "indicators": [
                    (
                        "Antal ungdomar som fått sommarjobb i stadens regi (alla nämnder/bolag)",
                        "3 st", "öka", "År",
                    ),
                ],
                "activities": [
                    (
                        text("""
                            I dialog med Jobbtorg Stockholm ta fram och tillhandahålla
                            praktikplatser som passar stadens aspiranter
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Kommunstyrelsen har i uppdrag att i samarbete med stadsdelsnämnderna,
                            arbetsmarknadsnämnden och socialnämnden ta fram förslag på "en väg in"
                            för personer som söker ekonomiskt bistånd
                        """),
                        *Y,
                    ),
                ],
                "board_goals": [
                    {
                        "title": "Stockholmarna ska kunna försörja sig själva.",
                        "description": "",
                        "activities": [],
                    },
                ],
            },
            {
                "number": 3,
                "title": "Stockholms livsmiljö ska vara hållbar",
                "plan_text": text("""
                    Stockholm ska höja ambitonen avsevärt när det gäller insamling av matavfall för
                    att öka tillgången på biogas i regionen. Ökningen ska ske såväl från
                    privathushåll som storhushåll och ska sträva efter att nå det nationella målet.

                    Kontoret ska tillsammans med Stockholm Stadshus AB utreda hur detta ska
                    genomföras och presentera ett förslag till handlingsplan för kommunstyrelsen
                    under första halvåret 2012.
                """),
                "indicators": [
                    (
                        text("""
                            Andel relevanta upphandlingar av varor och produkter där krav ställts
                            på att miljö- och hälsofarliga ämnen inte ingår
                        """),
                        "100 %", "fastställs 2012", "År",
                    ),
                    ("Elanvändning per kvadratmeter", "", "76 kWh", "År"),
                ],
                "activities": [
                    (
                        text("""
                            Kommunstyrelsen och Stockholms Stadshus AB ska utreda hur det
                            nationella målet avseende insamling av matavfall ska nås för staden,
                            när målet ska vara uppnått och presentera en handlingsplan för
                            måluppfyllelse
                        """),
                        "2012-01-01", "2012-06-30",
                    ),
                ],
                "board_goals": [
                    {
                        "title": "Stockholmarnas livsmiljö ska vara och förbli hållbar",
                        "description": "",
                        "activities": [
                            (
                                text("""
                                    Arbeta utifrån en handlingsplan för Grön it för att minska
                                    it:s negativa miljöbelastning samt för att staden ska bli
                                    bättre på att använda it som miljöteknik.
                                """),
                                *Y,
                            ),
                            (
                                text("""
                                    Genomföra en fallstudie om hur urban tillväxt- och
                                    hållbarhetspolitik kan bidra till att förbättra de ekonomiska
                                    resultaten och miljökvaliteterna. Studien görs tillsammans med
                                    Chicago, Paris och Kitakyaushu (Japan) genom OECD.
                                """),
                                *Y,
                            ),
                            (
                                text("""
                                    Genomföra en jämförande studie om hållbara städers tillväxt.
                                    Studien görs av London School of Economics inom ramen för
                                    Stern report och jämförelsen omfattar förutom Stockholm bland
                                    annat Portland, Oregon.
                                """),
                                *Y,
                            ),
                            (
                                text("""
                                    Ta fram framtidsutredning under temat hur staden klarar att
                                    uppfylla visionen med tillväxt och växande stad samtidigt som
                                    hänsyn tas till klimatfrågorna och en hållbar livsmiljö
                                """),
                                *Y,
                            ),
                        ],
                    },
                ],
            },
            {
                "number": 4,
                "title": "Det ska byggas många bostäder i Stockholm",
                "plan_text": text("""
                    Stockholm växer och kommer vara en miljonstad 2025. För att livet i Stockholm
                    ska fungera när vi blir många fler måste staden planera och investera redan
                    nu. Fram till år 2030 planerar staden för 100 000 bostäder. För att det ska bli
                    möjligt att genomföra ska plan- och byggprocessen effektiviseras.

                    Boendeformerna ska vara blandade – hyresrätter, bostadsrätter,
                    ägarlägenheter, småhus och studentlägenheter – och en arkitektonisk mångfald
                    ska främjas.
                """),
                "indicators": [],
                "activities": [],
                "board_goals": [
                    {
                        "title": "Det ska vara lätt att bygga bostäder i Stockholm",
                        "description": "",
                        "activities": [
                            ("Effektivisera plan- och byggprocessen", *Y),
                            (
                                text("""
                                    Medverka i samordningen av Stockholmsrummet, den digitala och
                                    fysiska mötesplatsen för dialog om att staden växer.
                                """),
                                *Y,
                            ),
                        ],
                    },
                ],
            },
            {
                "number": 5,
                "title": "Framkomligheten i regionen ska öka",
                "plan_text": text("""
                    Stockholm ska bli en ledande cykelstad. På stadsledningskontoret inrättas en
                    funktion för strategisk samordning av övergripande cykelfrågor. Arbetet ska
                    drivas i tät dialog med berörda förvaltningar. Samordningen av olika aktörer,
                    cykelsäkerhet, nya cykelparkeringar och informationsinsatser motiverar en
                    samlat arbetssätt.
                """),
                "indicators": [],
                "activities": [
                    (
                        text("""
                            Inrätta funktion för strategisk samordning av övergripande cykelfrågor
                        """),
                        *Y,
                    ),
                ],
                "board_goals": [
                    {
                        "title": text("""
                            Framkomligheten och trafiksäkerheten för stockholmarna ska förbättras.
                        """),
                        "description": "",
                        "activities": [
                            (
                                text("""
                                    Utreda förutsättningarna för ett lokalt ansvar för
                                    trängselskatten
                                """),
                                *Y,
                            ),
                        ],
                    },
                ],
            },
            {
                "number": 6,
                "title": text("""
                    Stockholmarna ska vara nöjda med kultur- och idrottsmöjligheterna i Stockholm
                """),
                "plan_text": text("""
                    Idrottsanläggningar som har liten målgrupp men behöver stora ytor och är av
                    regionalt intresse bör finaniseras gemensamt av intresserade kommuner
                    tillsammans med andra intressenter. Kontoret ska därför tillsammans med
                    idrottsnämnden påbörja planeringen så att en regional bandyhall byggs i
                    Stockholmsregionen.
                """),
                "indicators": [],
                "activities": [
                    (
                        text("""
                            I samarbete med idrottsnämnden påbörja planeringen för att bygga en
                            regional bandyhall
                        """),
                        *Y,
                    ),
                ],
                "board_goals": [
                    {
                        "title": "Stockholm som evenemangsstad utvecklas",
                        "description": text("""
                            Stockholm ska vara en evenemangs- och upplevelsestad i världsklass. Det
                            kan handla om evenemang som staden initierar, mer kommersiella större
                            artist- och idrottsevenemang eller kongresser, mässor och konferenser.
                            Målet är att 2030 vara en av Europas tre främsta evenemangsstäder.

                            Stadshuset är en symbol för Stockholm och en internationellt känd
                            byggnad inte minst beroende på den publicitet som Stadshuset får varje
                            år i samband med Nobelfesten. Det innebär att besöksantalet ökar. Att
                            samordna stadens arbete med att marknadsföra och utveckla Stockholm som
                            evenemangsstad är en uppgift för kontoret i linje med Vision 2030.
                        """),
                        "activities": [
                            ("Införa evenemangsstrategin i staden.", *Y),
                            ("Införa evenemangsstrategin på verksamheten i Stadshuset.", *Y),
                            ("Medverka i arbetet att utveckla ett Nobelcenter i Stockholm.", *Y),
                            (
                                text("""
                                    Medverka i samordningen av firandet av OS 1912 och kopplingen
                                    till den växande staden.
                                """),
                                *Y,
                            ),
                            (
                                text("""
                                    Planera inför stadens högtidlighållande av kommunfullmäktige
                                    150 år.
                                """),
                                *Y,
                            ),
                        ],
                    },
                ],
            },
            {
                "number": 7,
                "title": text("""
                    Stockholmarna ska vara trygga och nöjda med städning samt renhållning
                """),
                "plan_text": text("""
                    Säkerhetsarbetet ska fokusera på att dels fördjupa samarbetet inom staden, dels
                    på att stärka samarbetet mellan det egna säkerhetsarbetet,
                    brottsförebyggande- och trygghetsarbete.
                """),
                "indicators": [
                    (
                        text("""
                            Andel identifierade sårbarheter som styrelse/nämnd avser förebygga
                            eller minimera under året
                        """),
                        "", "100 %", "År",
                    ),
                    (
                        "Antal krisledningsövningar i nämnd/bolag på ledningsnivå",
                        "", "47 st", "År",
                    ),
                ],
                "activities": [],
                "board_goals": [
                    {
                        "title": "Stockholmarna ska vara trygga med stadens sätt att hantera kriser.",
                        "description": text("""
                            Stadsledningskontoret har en samordnad planering och god beredskap att
                            hantera kriser och större olyckor. Grunden för säkerhetsarbetet är det
                            säkerhetsprogram som kommunfullmäktige fastställt.
                        """),
                        "activities": [],
                    },
                    {
                        "title": "Tryggheten för stockholmarna ska vara lika god i alla stadsdelar",
                        "description": "",
                        "activities": [
                            (
                                text("""
                                    Integrera det förebyggande trygghetsarbetet med
                                    säkerhetsarbetet.
                                """),
                                *Y,
                            ),
                            ("Utbilda och öva stadens krisledningsgrupper.", *Y),
                        ],
                    },
                ],
            },
        ],
    },
    {
        "number": 2,
        "title": "Kvalitet och valfrihet ska utvecklas och förbättras",
        "plan_text": "",
        "council_goals": [
            {
                "number": 1,
                "title": "Stockholmarna ska erbjudas valfrihet och ökad mångfald",
                "plan_text": text("""
                    Att underlätta för stockholmarna att göra vad de själva uppfattar som kloka val
                    är en viktig uppgift för stadsledningskontoret och övriga verksamheter. Jämför
                    Service på stockholm.se är viktig ingång som hela tiden utvecklas. Aktuella
                    brukarundersökningar med uppgifter om hur stockholmarna upplever servicen är en
                    väsentlig del i Jämför Service.
                """),
                "indicators": [
                    (
                        text("""
                            Andel medborgare som vet var information finns för att kunna göra sina
                            val
                        """),
                        "50 %", "öka", "År",
                    ),
                ],
                "activities": [],
                "board_goals": [
                    {
                        "title": "Öka stockholmarnas möjlighet att välja service",
                        "description": "",
                        "activities": [
                            (
                                text("""
                                    Inleda utvärderingen och en eventuell uppdatering av vision
                                    2030 som ska föreläggas kommunfullmäktige senast 2014.
                                """),
                                "2012-01-01", "2014-12-31",
                            ),
                            ("Samordna utdelningen av S:t Julianpriset 2012.", *Y),
                        ],
                    },
                ],
            },
            {
                "number": 2,
                "title": text("""
                    Förskolor och skolor i Stockholm ska ge barn vad de behöver för att lära och
                    utvecklas
                """),
                "plan_text": text("""
                    Barn och ungdomar i Stockholm ska erbjudas Sveriges bästa förskolor och skolor.
                    Det ska alltid finnas ett brett urval av verksamheter, inriktningar och
                    fristående alternativ där kunskap, lärande och omsorg står i fokus.
                """),
                "indicators": [],
                "activities": [
                    (
                        text("""
                            Utreda förutsättningarna för en gemensam förskolekö i samråd med
                            utbildningsnämnden
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Utreda möjligheten till ett mer flexibelt utnyttjande av 30 timmars
                            förskola
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Utreda möjligheterna att inom Jämför service inkludera uppgifter om
                            förskolors avvikande öppettider
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Utbildningsnämnden och kommunstyrelsen ska i samråd undersöka
                            möjligheterna för månadsvis avläsning för grundskolan
                        """),
                        *Y,
                    ),
                ],
                "board_goals": [
                    {
                        "title": text("""
                            Hög kvalitet i förskolor och skolor ger stockholmsbarnen bäst
                            förutsättningar.
                        """),
                        "description": "",
                        "activities": [],
                    },
                    {
                        "title": text("""
                            Ökad valfrihet och flexibilitet i förskolor och skolor ger
                            stockholmsbarnen bäst förutsättningar.
                        """),
                        "description": "",
                        "activities": [],
                    },
                ],
            },
            {
                "number": 3,
                "title": "Stockholmarna ska uppleva att de får god service och omsorg",
                "plan_text": "",
                "indicators": [
                    (
                        text("""
                            Andel personer med funktionsnedsättning som upplever att stadens inne-
                            och utemiljö är tillgänglig och användbar (stöd och service till
                            personer med funktionsnedsättning)
                        """),
                        "", "tas fram av nämnden", "År",
                    ),
                    (
                        text("""
                            Andel personer med funktionsnedsättning som upplever att de kan ta del
                            av och förstå stadens information (stöd och service till personer med
                            funktionsnedsättning)
                        """),
                        "", "tas fam av nämnden", "År",
                    ),
                    (
                        text("""
                            Andelen barn och ungdomar med funktionsnedsättning som deltar i
                            fritidsverksamhet (stöd och service till personer med
                            funktionsnedsättning)
                        """),
                        "", "tas fram av nämnden", "År",
                    ),
                ],
                "activities": [
                    (
                        text("""
                            Kommunstyrelsen ska i samarbete med socialnämnden utreda
                            förutsättningarna för hur fler personer med funktionsnedsättningar ska
                            kunna gå från daglig verksamhet till arbete
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Ta fram en modell som syftar till att informera om tillgängligheten i
                            stadens lokaler
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            I samarbete med äldrenämnden utreda lämplig nivå för hemtjänst med
                            förenklad biståndsbedömning avseende ålder och prisnivå
                        """),
                        "2012-01-01", "2012-06-30",
                    ),
                    (
                        text("""
                            Organisatorisk placering av heminstruktörer ska utredas.
                            Centralisering till en nämnd eller regionaliserng ska prövas
                        """),
                        "2012-01-01", "2012-06-30",
                    ),
                    (
                        text("""
                            Påbörja upphandling av avtal om it-stöd för dokumentation i Stockholms
                            stad enligt hälso- och sjukvårdslagen, VODOK, då nuvarande avtal
                            maximalt kan förlängas till och med 2012-12-31
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Påbörja upphandling av avtal om it-stöd för verksamhetsplanering inom
                            omsorgen, SchemOS, samt it-system för mobil kommunikation inom
                            omsorgen, ParaGå, då nuvarande avtal maximalt kan förlängas till och
                            med 2014-10-31
                        """),
                        *Y,
                    ),
                ],
                "board_goals": [
                    {
                        "title": "Digital information ska göras mer tillgänglig",
                        "description": text("""
                            Etableringen av e-förvaltningen fortsätter. Det innebär att vårt
                            arbetssätt ställs om från manuellt och pappersbaserat arbete till att
                            använda e-samhällets möjligheter. Genom att i allt högre grad erbjuda
                            service till stockholmarna via internet och genom att digitalisera vår
                            interna handläggning skapas förutsättningar för en bättre service till
                            stockholmare och företag. Tillgängligheten ökar, handläggningstiderna
                            minskas, kostnadseffektiviteten blir bättre och miljöpåverkan av vårt
                            interna arbete mindre. Under året ska kontoret, inom
                            e-tjänsteprogrammet, arbeta för att ta fram en gemensam plattform för
                            interna e-tjänster vilket ökar kraven på förvaltning och samordning.

                            En prioriterad fråga är att utveckla stadens verksamhetssystem för att
                            klara både stadens egna krav på till exempel valfrihet och fler externa
                            utförare och det europeiska PSI-direktivet, vilket innebär en plattform
                            för öppen data.
                        """),
                        "activities": [
                            (
                                text("""
                                    Ansöka om att få och därefter implementera registry och
                                    toppdomänen .stockholm.
                                """),
                                *Y,
                            ),
                            (
                                text("""
                                    Vid utveckling av stadens webbplatser, systemstöd och
                                    e-tjänster ska internationella standarder och riktlinjer för
                                    tillgänglighet tillämpas.
                                """),
                                *Y,
                            ),
                        ],
                    },
                    {
                        "title": text("""
                            Stockholmarna ska uppleva att staden arbetar aktivt för
                            kvalitetsutveckling
                        """),
                        "description": text("""
                            Stadens tjänster och serviceutbud utgör en viktig del för att skapa ett
                            Stockholm i världsklass. Stockholmarna har rätt att förvänta sig en god
                            verksamhet för sina skattepengar. Det ställer höga krav på oss som
                            arbetar i staden. Därför arbetar vi systematiskt med
                            verksamhetsutveckling och utvärdering.

                            Genom åtaganden och arbetssätt blir det tydligt för stockholmarna vad
                            de kan förvänta sig av verksamheterna. Verksamhetsutveckling är även
                            ett sätt att skapa arbetsglädje och engagemang hos medarbetarna. Med
                            tydliga åtaganden och strukturerade arbetssätt tydliggörs varje
                            medarbetares roll i verksamheten. Det leder till ett effektivare
                            resursutnyttjande, goda resultat och ett Stockholm i världsklass.

                            Kontoret har ett uppdrag att förse verksamheterna med goda exempel,
                            verktyg och inspiration.
                        """),
                        "activities": [
                            ("Samverkan med Stockholms läns landsting.", *Y),
                        ],
                    },
                ],
            },
            {
                "number": 4,
                "title": text("""
                    Stockholms stad som arbetsgivare ska erbjuda spännande och utmanande arbeten
                """),
                "plan_text": "",
                "indicators": [
                    ("Aktivt Medskapandeindex", "", "fastställs 2012", "År"),
                    (
                        text("""
                            Andel anställda personer med funktionsnedsättning i staden (stöd och
                            service till personer med funktionsnedsättning)
                        """),
                        "", "tas fram av nämnden", "År",
                    ),
                    (
                        "Andel medarbetare på deltid som erbjuds heltid",
                        "", "fastställs 2012", "År",
                    ),
                    (
                        "Chefer och ledare ställer tydliga krav på sina medarbetare",
                        "", "fastställs 2012", "År",
                    ),
                    (
                        "Medarbetare vet vad som förväntas av dem i deras arbete",
                        "", "fastställs 2012", "År",
                    ),
                    ("Sjukfrånvaro (alla nämnder/bolag)", "3,8 %", "4,5 %", "År"),
                ],
                "activities": [
                    ("Samordna arbetet med att erbjuda fler anställda heltid", *Y),
                    (
                        text("""
                            Utforma ett allmänt traineeprogram för akademiker, varav ett antal
                            platser ska erbjudas akademiker med funktionsnedsättning
                        """),
                        *Y,
                    ),
                ],
                "board_goals": [
                    {
                        "title": text("""
                            Attrahera, rekrytera och behålla engagerade och kompetenta medarbetare
                        """),
                        "description": text("""
                            Stadsledningskontoret ska vara en öppen och kreativ arbetsplats med
                            korta beslutsvägar. Samarbetet mellan avdelningarna ska utvecklas
                            vidare och medarbetarnas kompetensutveckling ska stimuleras. Kontoret
                            ska ha en god arbetsmiljö och erbjuda möjlighet till friskvård.
                            Kontoret har just startat ett nytt medarbetarprogram med sexton
                            deltagare.
                        """),
                        "activities": [
                            ("Samordna projektet Verksamhet och hälsa", *Y),
                            ("Utveckla stadens jämställdhets- och mångfaldsarbete.", *Y),
                        ],
                    },
                ],
            },
        ],
    },
    {
        "number": 3,
        "title": "Stadens verksamheter ska vara kostnadseffektiva",
        "plan_text": "",
        "council_goals": [
            {
                "number": 1,
                "title": "Budgeten ska vara i balans",
                "plan_text": "",
                "indicators": [
                    (
                        "Kommunkoncernens soliditet inkl. pensionsåtaganden",
                        "", "34 %", "Tertial",
                    ),
                    (
                        text("""
                            Nämndens budgetföljsamhet efter resultatöverföringar (alla nämnder)
                        """),
                        "100 %", "100 %", "Tertial",
                    ),
                    (
                        text("""
                            Nämndens budgetföljsamhet före resultatöverföringar (alla nämnder)
                        """),
                        "100 %", "100 %", "Tertial",
                    ),
                    ("Nämndens prognossäkerhet T2 (alla nämnder)", "", "+/- 1 %", "År"),
                    ("Stadens ekonomiska resultat", "", "0,1 mnkr", "Tertial"),
                    (
                        "Stadens kapitalkostnader per nettodriftskostnader",
                        "", "7,0 %", "Tertial",
                    ),
                    ("Stadens nettodriftskostnader per skatteintäkter", "", "100 %", "Tertial"),
                    ("Stadens soliditet inkl. pensionsåtaganden", "", "34 %", "Tertial"),
                ],
                "activities": [
                    (
                        text("""
                            Ta fram en samlad prognos för ersättningsinvesteringar inom it-området
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Påbörja upphandling av statistik- och utredningingstjänster då
                            nuvarade avtal löper ut 2013-12-31
                        """),
                        *Y,
                    ),
                ],
                "board_goals": [
                    {
                        "title": text("""
                            Bidra till en god ekonomisk hushållning i staden och till att säkra en
                            långsiktig balans i ekonomin
                        """),
                        "description": text("""
                            Kontoret ska bidra tll en långsiktig hållbar ekonomi. Det kräver väl
                            underbyggda prognoser och beslutsförslag och en god
                            omvärldsbevakning. Ett elektroniskt upphandlingssystem och en väl
                            fungerande avtalsdatabas ökar möjligheten att effektivisera
                            upphandlingsarbetet. En förenkling av det administrativa arbetet med
                            upphandlingar frigör resurser till den strategiska planeringen samt
                            för uppföljning av avtal.

                            Mer effektiva inköpsprocesser med ökad ramavtalstrohet möjliggör
                            kostadsbesparingar och bättre uppföljningsmöjligheter.
                        """),
                        "activities": [
                            ("Förbereda införandet av IT-plattform för interna tjänster", *Y),
                            (
                                text("""
                                    Förbereda upphandling av nytt ekonomisystem för
                                    kommunkoncernen
                                """),
                                *Y,
                            ),
                            (
                                text("""
                                    Genomföra processanalyser som förberedelse för en eventuell
                                    upphandling av ett nytt HR-system/funktion.
                                """),
                                *Y,
                            ),
                            (
                                text("""
                                    Ha god kännedom om samt påverka ny lagstiftning både
                                    nationellt och inom EU.
                                """),
                                *Y,
                            ),
                            ("Införa stadens investeringsstrategi.", *Y),
                            (
                                text("""
                                    Standardisera inköpsprocessen i staden och implementera
                                    inköpssystemet.
                                """),
                                *Y,
                            ),
                            ("Ta fram en finansstrategi.", *Y),
                            (
                                text("""
                                    Upphandling inom telefoni och kommunikation samt drift och
                                    förvaltning av gemensamma system
                                """),
                                *Y,
                            ),
                            (
                                text("""
                                    Utreda förutsättningarna för en konsolidering av den it-nära
                                    förvaltningen av stadens olika system för hantering av
                                    geografisk information.
                                """),
                                *Y,
                            ),
                        ],
                    },
                ],
            },
            {
                "number": 2,
                "title": "Alla verksamheter staden finansierar ska vara effektiva",
                "plan_text": "",
                "indicators": [
                    (
                        "Administrationens andel av de totala kostnaderna (alla nämnder)",
                        "77 %", "minska", "År",
                    ),
                    (
                        text("""
                            Andel invånare som anser att stadens verksamheter har en god service
                        """),
                        "", "öka", "År",
                    ),
                    (
                        text("""
                            Andel invånare som vet var information finns för att komma i kontakt
                            med stadens verksamheter
                        """),
                        "", "öka", "År",
                    ),
                    (
                        text("""
                            Andel personer som anser att stadens webbplats fungerar bra och är
                            användarvänlig
                        """),
                        "", "öka", "År",
                    ),
                    (
                        "Antal tävlande i kvalitetsutmärkelsen (alla nämnder)",
                        "", "tas fram av nämnden", "År",
                    ),
                ],
                "activities": [
                    (
                        text("""
                            Arbetet med nya utvecklingsmodeller och metoder i nämnders och bolags
                            verksamheter ska analyseras och spridas när de visar positiva resultat
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            I samråd med Stockholms Stadshus AB samordna arbetet med att ta fram
                            nya studentbostäder
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            I samråd med Stockholms Stadshus AB utreda effektiviseringsmöjligheter
                            avseende stadens administrativa lokaler
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Ta fram en teknisk lösning för att via olika tekniska plattformar,
                            inklusive läsplattor, läsa, spara och anteckna i handlingar som görs
                            tillgängliga på internet och via e-post
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Ta fram lämpliga nyckeltal och verktyg för uppföljning av
                            it-verksamheten
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Uppföljning och eventuell justering av fördelningsnyckeln för
                            stadsmiljöverksamheten
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            För att utveckla stadens centrala styr- och ledningsfunktioner ska det
                            centrala nyttjandet av stadens gemensamma verksamhets- och
                            ekonomisystem öka
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Kommunstyrelsen uppdras att under 2012 utreda ett förslag till
                            förskoletal
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Utreda förslag till finansieringsmodeller för utbyggnad av grundskolor
                            som innebär att delar av kostnaden för utbyggnaden kan finansieras på
                            andra sätt än genom framtida hyreskostnder
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Ta fram stadsgemensamma riktlinjer för hantering av brukare som
                            drabbas när entreprenörer inte fullföljer sitt uppdrag
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Ta fram stadsgemensamma riktlinjer för hantering av entreprenörer som
                            ej fullföljer sitt uppdrag
                        """),
                        *Y,
                    ),
                    (
                        text("""
                            Utreda regelverk om innovationsupphandlingar och inarbeta detta i
                            stadens konkurrenspolicy
                        """),
                        *Y,
                    ),
                ],
                "board_goals": [
                    {
                        "title": "Alla verksamheter staden finansierar ska vara effektiva.",
                        "description": "",
                        "activities": [
                            (
                                text("""
                                    Effektivisera och automatisera framtagandet av nyckeltal inom
                                    ramen för ledningsinformationssystemet LIS samt utarbeta en
                                    teknisk lösning för överföring av dessa till ILS-webben.
                                """),
                                *Y,
                            ),
                            (
                                text("""
                                    Planera upphandling av nytt stadsgemensamt ärende- och
                                    dokumenthanteringssystem (eDoK).
                                """),
                                *Y,
                            ),
                            ("Utveckla stadens beställarkompetens.", *Y),
                            (
                                text("""
                                    Utveckla stadens samlade uppföljning av effektiviseringar och
                                    produktivitetsökningar.
                                """),
                                *Y,
                            ),
                            (
                                text("""
                                    Överföra kompetensen inom EU-projekt och EU-redovisning till
                                    servicenämnden.
                                """),
                                *Y,
                            ),
                        ],
                    },
                ],
            },
        ],
    },
]

# --------------------------------------------------------------------------------------------
# Nämndens ekonomiska förutsättningar 2012, shown last under council goal 3.1
# --------------------------------------------------------------------------------------------

FINANCIAL_FRAME = {
    "placed_under": (3, 1),
    "organisation": "Stadsledningskontoret m.m.",
    "investments_heading": "Investeringar",
    # As the document labels the sum row, although the changes are for 2012.
    "turnover_total_label": "Förslag till omslutningsförändringar 2011",
}

# (department, costs, revenues, net as typed). Net is generated by the database; the typed
# figure is only used to check the transcription.
OPERATING_ROWS = [
    ("Stadsledning", "56.1", "0", "56.1"),
    ("Förnyelseavdelning", "82.8", "-22.0", "60.8"),
    ("Kommunikationsstab", "29.7", "0", "29.7"),
    ("Finansavdelning", "51.7", "0", "51.7"),
    ("IT-avdelning", "82.2", "0", "82.2"),
    ("Juridisk avdelning", "21.7", "-8.9", "12.8"),
    ("Personalstrategisk avdelning", "85.6", "0", "85.6"),
    ("Administrativ avdelning", "39.4", "-13.1", "26.3"),
    ("Förvaltningsövergripande", "147.2", "-2.0", "145.2"),
    ("Skönhetsråd", "2.6", "0", "2.6"),
    ("Politikerorganisation", "106.2", "0", "106.2"),
    ("Bidrag", "544.1", "0", "544.1"),
    ("Stadsövergripande", "84.0", "0", "84.0"),
    ("KF/KS kansli", "14.7", "-0.6", "14.1"),
]
# The sum row "KS förslag till budget" as typed, checked against the rows.
OPERATING_TOTAL = ("1348.0", "-46.6", "1301.4")

INVESTMENTS = [
    {
        "purpose": "Stadshusets lokaler",
        "amount": "2.0",
        "text": text("""
            Kontoret har en investeringsbudget om {belopp} miljoner kronor för 2012 för Stadshusets
            lokaler.
        """),
    },
]

RESULT_UNITS = [
    {
        "name": "Visningsenheten",
        "text": text("""
            Visningsenheten inom administrativa avdelningen föreslås utgöra en resultatenhet under
            2012.
        """),
    },
]

MAJOR_PROJECTS = [
    {
        "title": "e-tjänster",
        "body": text("""
            Stockholms stad har avsatt 650 miljoner kronor för att under åren 2007-2012 förenkla
            servicen till invånarna med hjälp av IT. En del av satsningen är att utveckla
            e-tjänster på <www.stockholm.se>. Stockholmarna och andra intressenter ska erbjudas
            ett större utbud av tjänster via olika kanaler. Förlängning av e-tjänstprogrammet i
            ytterligare två år förväntas beslutas i början av 2012.

            Resultat och erfarenheter har följts upp av e-tjänstprogrammet under 2011. Förslag på
            förändrad inriktning för stadens arbete med e-tjänster planeras föreläggas
            kommunstyrelsen under 2012.

            Kostnaderna för 2012 prognostiseras till 100 miljoner kronor.
        """),
    },
    {
        "title": "Vision Järva, Söderortsvisionen och insatser i Hässelby-Vällingby",
        "body": text("""
            Utvecklingen i ytterstaden för att förverkliga Järva- och Söderortsvisionerna fortsätter
            och ansvaret ligger på stadens hela organisation. Stadsledningskontorets främsta
            uppgift är att samordna, följa upp och utvärdera arbetet.

            Under 2012 prioriteras centrum- och näringslivsutvecklingen. Därutöver prioriteras
            aktiviteter för barn och ungdom och utvecklingen av ytterstadens byggda miljö, såväl
            upprustningen av miljonprogrammet, som nya bostäder. Utvecklingen ska ske i nära
            dialog med de som bor och verkar i stadsdelarna.

            Från och med 2012 tillkommer ett särskilt ansvar för att i enlighet med de positiva
            erfarenheterna från Vision Järva och Söderortsvisionen stärka stadsdelar i Hässelby
            och Vällingby.
        """),
    },
    {
        "title": "SIKT",
        "body": text("""
            Kontoret planerar för att, inom ramen för projektet SIKT, under 2012 påbörja och
            annonsera upphandlingar inom följande områden:

            1. Systemdrift och förvaltning av stadens centrala och gemensamma verksamhetssystem
            2. Telefoni och extern datakommunikation
            3. Intern datakommunikation
            4. Support
            5. Terminaler (telefoner, läs- och surfplattor eller liknande hårdvara)

            Ovanstående upphandlingar genomförs med anledning av att två av stadens stora ramavtal
            inom it-området löper ut under 2014. Det ena är stadens avtal om systemförvaltning och
            telefoni, tecknat med Tieto Corporation och det andra är stadens avtal med St Erik
            Kommunikation AB (och underleverantören Cygate AB).
        """),
    },
]

# (description, amount). Only the extraction's glued words are separated.
TURNOVER_CHANGES = [
    ("Ökade kostnader/intäkter Visningsenheten", "15.0"),
    ("Ökade kostnader intäkter för Donationsstiftelser", "2.3"),
    ("Ökade kostnader/intäkter för e-Tjänster", "80.0"),
    ("Ökade kostnader/intäkter för KLIMP", "4.0"),
    ("Ökade kostnader/intäkter för Järvalyftet", "25.0"),
    ("Ökade kostnader/intäkter för Söderortsvisionen", "25.0"),
    ("Ökade kostnader/intäkter för Hässelbylyftet", "10.0"),
    ("Ökade kostnader/intäkter för Gemensamma och centrala IT-lösningar", "330.2"),
    ("Ökade kostnader/intäkter för Projekt Verksamhet o Hälsa", "9.0"),
    ("Ökade kostnader/intäkter för Juridiska avdelningen", "1.5"),
]
TURNOVER_TOTAL = "502.0"  # the sum row as typed, checked against the rows


# ============================================================================================
# Building
# ============================================================================================

PERIODICITY = {"År": "year", "Tertial": "tertial"}

# For the follow-up (followup.status): the indicators where a lower outcome is better, and how far
# from its target an outcome still counts as "delvis uppfyllt", in the target's unit. The document
# states neither; these are the plain reading of each measure (a cost share, sick leave and
# energy use should go down), chosen for the demonstration.
LOWER_IS_BETTER = {
    "Elanvändning per kvadratmeter",
    "Sjukfrånvaro (alla nämnder/bolag)",
    "Stadens kapitalkostnader per nettodriftskostnader",
    "Stadens nettodriftskostnader per skatteintäkter",
}
TOLERANCES = {
    "Företagens nöjdhet med effektiviteten": "3",
    "Företagens nöjdhet med information från staden": "3",
    "Andel upphandlad verksamhet i konkurrens (alla nämnder)": "5",
    "Elanvändning per kvadratmeter": "4",
    "Sjukfrånvaro (alla nämnder/bolag)": "0.5",
    "Kommunkoncernens soliditet inkl. pensionsåtaganden": "2",
    "Nämndens budgetföljsamhet efter resultatöverföringar (alla nämnder)": "2",
    "Nämndens budgetföljsamhet före resultatöverföringar (alla nämnder)": "2",
    "Nämndens prognossäkerhet T2 (alla nämnder)": "1",
    "Stadens kapitalkostnader per nettodriftskostnader": "1",
    "Stadens nettodriftskostnader per skatteintäkter": "1",
    "Stadens soliditet inkl. pensionsåtaganden": "2",
}
NUMBER_TARGET = re.compile(r"(?P<pm>\+/- )?(?P<int>\d+)(?:,(?P<frac>\d+))?(?: (?P<unit>%|st|kWh|mnkr))?")


def target(spec: str, year: int) -> dict:
    """Reads a target as the document writes it ("35 %", "0,1 mnkr", "+/- 1 %", "öka" …)."""
    from goals.models import TargetKind

    def words(kind):
        return {"kind": kind, "value": None, "decimals": 0, "unit": ""}

    if spec == "":
        return words("")
    if spec == "öka":
        return words(TargetKind.INCREASE)
    if spec == "minska":
        return words(TargetKind.DECREASE)
    if spec == f"fastställs {year}":
        return words(TargetKind.SET_DURING_YEAR)
    # "tas fam av nämnden" is the document's typo for the same thing.
    if spec in {"tas fram av nämnden", "tas fam av nämnden"}:
        return words(TargetKind.SET_BY_BOARD)
    match = NUMBER_TARGET.fullmatch(spec)
    if not match:
        raise ValueError(f"Unreadable target: {spec!r}")
    fraction = match["frac"] or ""
    return {
        "kind": TargetKind.PLUS_MINUS if match["pm"] else TargetKind.NUMBER,
        "value": Decimal(f"{match['int']}.{fraction}" if fraction else match["int"]),
        "decimals": len(fraction),
        "unit": match["unit"] or "",
    }


def as_date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def build():
    """Creates the whole case; every object passes full_clean() (in record_save) before saving."""
    from django.db import transaction

    from budgetplan.cases import models as case_models
    from budgetplan.document import lifecycle
    from budgetplan.kernel.services import record_save
    from finance import models as finance_models
    from goals import models as goal_models
    from reservations import models as reservation_models

    def save(model, **fields):
        return record_save(instance=model(**fields))

    with transaction.atomic():
        board = save(case_models.Board, **BOARD)
        case = save(case_models.Case, board=board, **CASE)
        case_models.Case.objects.filter(pk=case.pk).update(
            created_at=CASE_TIMESTAMP, updated_at=CASE_TIMESTAMP,
        )
        for order, number in enumerate(REGISTRY_NUMBERS, start=1):
            save(case_models.RegistryNumber, case=case, number=number, order=order)
        figures = {
            name: save(finance_models.Figure, case=case, number=number, name=name, rows=rows)
            for number, (name, rows) in enumerate(FIGURES, start=1)
        }
        for number, (point_text, figure) in enumerate(DECISION_POINTS, start=1):
            point = save(case_models.DecisionPoint, case=case, number=number, text=point_text)
            if figure:
                save(finance_models.QuotedFigure, point=point, position=1, figure=figures[figure])

        statement = save(case_models.Statement, case=case, **STATEMENT)
        for order, (heading, body) in enumerate(STATEMENT_SECTIONS, start=1):
            save(case_models.StatementSection, statement=statement, order=order,
                 heading=heading, body=body)
        for number, title in enumerate(ATTACHMENTS, start=1):
            save(case_models.Attachment, case=case, number=number, title=title)

        parties = {
            abbreviation: save(reservation_models.Party, abbreviation=abbreviation, name=name)
            for abbreviation, name in PARTIES
        }
        people = {
            name: save(reservation_models.Person, name=name, party=parties[party], role=role)
            for name, party, role in PEOPLE
        }
        reservations = []
        for order, spec in enumerate(RESERVATIONS, start=1):
            refers_to = spec.get("refers_to")
            reservation = save(
                reservation_models.Reservation,
                case=case,
                body=spec["body"],
                order=order,
                refers_to=reservations[refers_to - 1] if refers_to else None,
                proposal_lead=spec.get("proposal_lead", ""),
                points_numbered=spec.get("points_numbered", True),
                text=spec.get("text", ""),
            )
            reservations.append(reservation)
            for position, name in enumerate(spec["signatories"], start=1):
                save(reservation_models.Signatory, reservation=reservation,
                     person=people[name], order=position)
            for number, point_text in enumerate(spec.get("points", []), start=1):
                save(reservation_models.ReservationPoint, reservation=reservation,
                     number=number, text=point_text)

        report = save(case_models.OfficialsReport, case=case, **OFFICIALS_REPORT)
        for order, responsibility in enumerate(RESPONSIBILITIES, start=1):
            save(case_models.Responsibility, report=report, order=order, text=responsibility)

        year = case.budget_year
        council_goals = {}
        for strategic_spec in STRATEGIC_GOALS:
            strategic_goal = save(
                goal_models.StrategicGoal,
                year=year, number=strategic_spec["number"], title=strategic_spec["title"],
            )
            save(goal_models.PlanStrategicGoal, case=case, strategic_goal=strategic_goal,
                 description=strategic_spec["plan_text"])
            for goal_spec in strategic_spec["council_goals"]:
                council_goal = save(
                    goal_models.CouncilGoal,
                    strategic_goal=strategic_goal, number=goal_spec["number"],
                    title=goal_spec["title"],
                )
                council_goals[(strategic_spec["number"], goal_spec["number"])] = council_goal
                save(goal_models.PlanCouncilGoal, case=case, council_goal=council_goal,
                     description=goal_spec["plan_text"])
                for order, (name, board_target, council_target, periodicity) in enumerate(
                    goal_spec["indicators"], start=1,
                ):
                    council = target(council_target, year)
                    indicator = save(
                        goal_models.Indicator,
                        council_goal=council_goal, order=order, name=name,
                        council_target_kind=council["kind"],
                        council_target_value=council["value"],
                        council_target_decimals=council["decimals"],
                        council_target_unit=council["unit"],
                        periodicity=PERIODICITY[periodicity],
                        direction="lower" if name in LOWER_IS_BETTER else "higher",
                        tolerance=Decimal(TOLERANCES.get(name, "0")),
                    )
                    own = target(board_target, year)
                    save(
                        goal_models.PlanIndicator,
                        case=case, indicator=indicator,
                        board_target_kind=own["kind"], board_target_value=own["value"],
                        board_target_decimals=own["decimals"], board_target_unit=own["unit"],
                    )
                for order, (activity_text, start, end) in enumerate(goal_spec["activities"], start=1):
                    save(
                        goal_models.Activity,
                        council_goal=council_goal, assigned_board=board, order=order,
                        text=activity_text, start_date=as_date(start), end_date=as_date(end),
                    )
                for goal_order, board_spec in enumerate(goal_spec["board_goals"], start=1):
                    board_goal = save(
                        goal_models.BoardGoal,
                        case=case, council_goal=council_goal, order=goal_order,
                        title=board_spec["title"], description=board_spec["description"],
                    )
                    for order, (activity_text, start, end) in enumerate(
                        board_spec["activities"], start=1,
                    ):
                        save(
                            goal_models.Activity,
                            board_goal=board_goal, order=order, text=activity_text,
                            start_date=as_date(start), end_date=as_date(end),
                        )

        frame = save(
            finance_models.FinancialFrame,
            case=case,
            placed_under=council_goals[FINANCIAL_FRAME["placed_under"]],
            organisation=FINANCIAL_FRAME["organisation"],
            investments_heading=FINANCIAL_FRAME["investments_heading"],
            turnover_total_label=FINANCIAL_FRAME["turnover_total_label"],
        )
        for order, (department, costs, revenues, net) in enumerate(OPERATING_ROWS, start=1):
            if Decimal(costs) + Decimal(revenues) != Decimal(net):
                raise ValueError(f"{department}: costs and revenues do not give the typed net")
            save(finance_models.OperatingBudgetRow, frame=frame, order=order,
                 department=department, costs=Decimal(costs), revenues=Decimal(revenues))
        for index, typed_total in enumerate(OPERATING_TOTAL, start=1):
            summed = sum((Decimal(row[index]) for row in OPERATING_ROWS), Decimal("0"))
            if summed != Decimal(typed_total):
                raise ValueError(f"Operating column {index} sums to {summed}, not {typed_total}")
        for order, spec in enumerate(INVESTMENTS, start=1):
            save(finance_models.Investment, frame=frame, order=order, purpose=spec["purpose"],
                 amount=Decimal(spec["amount"]), text=spec["text"])
        for order, spec in enumerate(RESULT_UNITS, start=1):
            save(finance_models.ResultUnit, frame=frame, order=order, **spec)
        for order, spec in enumerate(MAJOR_PROJECTS, start=1):
            save(finance_models.MajorProject, frame=frame, order=order, **spec)
        for order, (description, amount) in enumerate(TURNOVER_CHANGES, start=1):
            save(finance_models.TurnoverChange, frame=frame, order=order,
                 description=description, amount=Decimal(amount))
        if sum(Decimal(amount) for _, amount in TURNOVER_CHANGES) != Decimal(TURNOVER_TOTAL):
            raise ValueError("The turnover changes do not sum to the typed total")

        lifecycle.case_transition(case=case, to_status=STATUS, user=None)
        case_models.CaseTransition.objects.filter(case=case).update(at=CASE_TIMESTAMP)
        # The fixture is a stored state, its first version and revision: the writes that built
        # it are not its history (the history tables are not dumped either).
        case_models.Case.objects.filter(pk=case.pk).update(
            updated_at=CASE_TIMESTAMP, version=1, revision=1,
        )
    return case


def normalise(value: str) -> str:
    """Text without whitespace, hyphens or list bullets, to compare with the extraction."""
    return re.sub(r"[\s\-\uf0b7]+", "", value)


def check_against_source(source_path: Path) -> list[str]:
    """Every stored free text, placeholders aside, must occur in the document."""
    from django.apps import apps
    from django.db import models

    from reservations.models import Party

    document = normalise(source_path.read_text(encoding="utf-8"))
    # The history tables repeat the texts of their records (the parties' names too).
    history = set(historical_models())
    problems = []
    for app_label in DUMPED_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model is Party:  # the parties' full names are not written out in the document
                continue
            if model._meta.label in history:
                continue
            fields = [
                field for field in model._meta.concrete_fields
                if isinstance(field, (models.CharField, models.TextField)) and not field.choices
            ]
            for instance in model.objects.all():
                for field in fields:
                    for line in (getattr(instance, field.attname) or "").splitlines():
                        line = re.sub(r"^(## |> )", "", line)
                        for part in re.split(r"\{belopp\}|\{datum\}", line):
                            if normalise(part) and normalise(part) not in document:
                                problems.append(f"{model.__name__}.{field.name}: {part}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=FIXTURE_PATH)
    parser.add_argument(
        "--check-source", type=Path, metavar="TXT",
        help="the extracted text of the document, to check every transcribed text against",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budgetplan.settings.local")
    scratch = None
    if not os.environ.get("DATABASE_URL"):
        scratch = tempfile.TemporaryDirectory(prefix="reference-fixture-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'reference.sqlite3'}"
    try:
        build_and_dump(args)
    finally:
        if scratch:
            from django.db import connections

            connections.close_all()
            scratch.cleanup()


def historical_models() -> list[str]:
    """The history tables beside the dumped models: the fixture is the case, not how it was typed."""
    from django.apps import apps

    from budgetplan.kernel.history import history_model

    return sorted(
        history_model(model)._meta.label
        for app in DUMPED_APPS for model in apps.get_app_config(app).get_models()
        if history_model(model) is not None
    )


def build_and_dump(args):
    import django

    django.setup()
    from django.core.management import call_command

    from budgetplan.cases.models import Board, Case
    from goals.models import StrategicGoal

    call_command("migrate", verbosity=0, interactive=False)
    if Case.objects.exists() or Board.objects.exists() or StrategicGoal.objects.exists():
        sys.exit("The database is not empty; build the fixture in a throwaway database.")

    case = build()
    print(f"Built {case} in {os.environ['DATABASE_URL']}")

    if args.check_source:
        problems = check_against_source(args.check_source)
        for problem in problems:
            print(f"not in the document: {problem}", file=sys.stderr)
        if problems:
            sys.exit(f"{len(problems)} texts do not occur in the document; nothing written.")
        print("Every transcribed text occurs in the document.")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    call_command("dumpdata", *DUMPED_APPS, exclude=historical_models(), indent=2,
                 output=str(args.output), verbosity=0)
    print(f"Wrote {args.output}")


if __name__ == "__main__":
    main()

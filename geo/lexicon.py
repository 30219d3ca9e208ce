"""Word lists the recognizer reads: English news usage, not place data.

Every list is general knowledge of how English news writes (titles before names, verbs of saying, outlet names,
words that open organisation names); none holds a place or an answer of a corpus. Words are lower-case.
"""

from __future__ import annotations

__all__ = [
    "ABBREVIATIONS", "AUXILIARIES", "COMMON_WORDS", "CONNECTORS", "DIRECTIONS", "FACILITY_HEADS", "GIVEN_NAMES",
    "INSTITUTION_HEADS", "LOCATIVE",
    "MONTHS", "NAME_PARTICLES",
    "NON_PLACE_NAMES", "NON_PLACE_PHRASES",
    "ORG_HEADS", "OUTLETS", "PERSON_NOUNS", "PERSON_TITLES", "REPORT_VERBS", "STOPWORDS", "WEEKDAYS",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MONTHS = _words("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec""")

WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri "
                  "sat sun")

#: Abbreviations whose period does not end a sentence.
ABBREVIATIONS = _words("""mr mrs ms dr prof gen lt col maj capt sgt adm gov sen rep st mt ft rev jr sr no vs etc
inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec approx est""")

#: Words before a person's name ("President Erdogan", "Defence Minister Hulusi Akar", "Mr Smith").
PERSON_TITLES = _words("""president presidents vice prime minister ministers secretary secretary-general mr mrs ms
miss dr doctor prof professor sir dame lord lady king queen prince princess sheikh emir sultan pope cardinal bishop
archbishop rev reverend father imam rabbi general gen lt lieutenant colonel col major maj captain capt sgt sergeant
admiral adm commander marshal field governor gov mayor senator sen rep representative congressman congresswoman
ambassador chancellor premier spokesman spokeswoman spokesperson chairman chairwoman chair director judge justice
officer deputy commissioner envoy counsellor counselor advisor adviser chief head leader mp mep lawmaker
correspondent reporter journalist analyst activist resident colleague saint""")

#: Lower-case words for people that come straight before a name ("her son Jack", "water expert Ben Carter",
#: "farmer Lin"): the name is a person's.
PERSON_NOUNS = _words("""son sons daughter daughters wife husband mother father brother sister uncle aunt nephew
niece cousin grandson granddaughter grandmother grandfather boyfriend girlfriend fiancé fiancee widow widower
expert experts scientist scientists researcher researchers microbiologist virologist epidemiologist biologist
veterinarian physician surgeon nurse farmer farmers teacher student lawyer attorney prosecutor defendant suspect
witness singer actor actress writer author artist photographer musician economist professor colleague""")

#: Words that open or close organisation names: a place before them is a modifier ("Queensland Health",
#: "US Centers for Disease Control", "the Turkish Defence Ministry"), a name after them is not a place by itself.
ORG_HEADS = _words("""department departments ministry ministries army navy air force forces police government
council agency agencies authority authorities university college school schools hospital hospitals institute
centre center centers centres bank company corporation party front guard guards times post news herald tribune
journal daily telegraph gazette observer press radio television tv board commission committee office service
services society association federation union league club airlines airways railways museum church foundation trust
group organization organisation parliament assembly senate congress court embassy consulate mission health
observatory network channel broadcasting corporation inc ltd fund program programme project initiative
administration coalition alliance brigade brigades battalion regiment division corps command fleet unit units
district""")

#: Given names that are also the names of countries, states, capitals or big towns: before a capitalised word that
#: no place name continues, they open a person's name ("Jordan Peterson", "Paris Hilton", "Chad Smith").
GIVEN_NAMES = _words("""paris jordan chad israel victoria georgia austin florence sydney madison dallas denver phoenix
india asia virginia carolina charlotte orlando lincoln jackson houston kingston regina adelaide alexandria geneva
helena valencia santiago milan vienna montana nevada dakota cheyenne salem troy eugene savannah brooklyn chelsea tyler
aurora camden logan hudson beverly marion augusta elizabeth""")

#: Last words of the names of institutions and newspapers that open with a place ("Aberdeen University", "The Los
#: Angeles Times", "China Daily"): the place is part of the name.
INSTITUTION_HEADS = _words("""university universities college colleges school schools academy hospital hospitals
infirmary clinic zoo times herald journal tribune gazette chronicle daily post telegraph observer examiner courier
broadcasting""")

#: Last words of facilities named after the place they serve ("Istanbul Atatürk International Airport", "Abu Shok
#: Camp"): the place opening such a name is that place.
FACILITY_HEADS = _words("""airport airports airbase airfield port harbour harbor station terminal camp camps crossing
checkpoint dam bridge""")

#: Verbs of saying and deciding: "Ankara said" is a metonym when the name is a capital or a country; a person
#: otherwise ("Akar said").
REPORT_VERBS = _words("""said says say told tells added adds stated states announced announces claimed claims
warned warns insisted insists denied denies accused accuses agreed agrees refused refuses rejected rejects
condemned condemns urged urges demanded demands responded responds replied replies confirmed confirms threatened
threatens vowed vows wants wanted asked asks called calls signed signs blamed blames argued argues believes hopes
fears reported reports noted notes explained explains acknowledged acknowledges admitted admits pledged pledges
promised promises welcomed welcomes expressed expresses suggested suggests declared declares insisted insist
launched launches sent sends decided decides considers considered commented comments wrote writes recalled
recalls testified testifies""")

#: Verbs and adverbs that may sit between a name and a verb of saying ("Washington has refused").
AUXILIARIES = _words("has had have will would could may might should must is was also did does not has also "
                     "had also then previously repeatedly reportedly")

#: Prepositions that put a name in a place role ("in Idlib", "near Saraqeb").
LOCATIVE = _words("""in near at from to into outside inside across around throughout towards toward within via
through off over along across between among amid beyond by onto upon""")

#: Direction words that may open a region name ("Central Luzon", "Northern Syria").
DIRECTIONS = _words("""north south east west northern southern eastern western central upper lower greater
northeast northwest southeast southwest northeastern northwestern southeastern southwestern north-east
north-west south-east south-west north-eastern north-western south-eastern south-western mid inner outer""")

#: Lower-case words allowed inside a multi-word name ("Gulf of Aden", "Ma'arrat al-Numan", "Bosnia and Herzegovina").
CONNECTORS = _words("""of the and de del della di da do dos das du des la le les los al el il ul an as ash ad ar at
az ez es ed er en et on upon sur am im bin bint ibn abu van von der den y e i""")

#: Particles inside people's names ("Bashar al-Assad", "Ursula von der Leyen").
NAME_PARTICLES = _words("al el bin ibn abu van von der den de da di du le la ul")

#: Outlets, agencies and other organisations whose names are not places (some contain one: "Russia 24").
OUTLETS: tuple[str, ...] = (
    "Al Jazeera", "Al-Jazeera", "Anadolu", "Anadolu Agency", "SANA", "Syrian Arab News Agency", "Reuters", "AFP",
    "Agence France-Presse", "Agence France Presse", "AP", "Associated Press", "Interfax", "TASS", "RIA Novosti",
    "Sputnik", "RT", "Bloomberg", "BBC", "CNN", "Xinhua", "Kyodo", "Yonhap", "IRNA", "Tasnim", "DHA",
    "Demiroren News Agency", "IHA", "TRT", "TRT World", "Daily Sabah", "Hurriyet", "Hürriyet", "Hurriyet Daily News",
    "Yeni Safak", "Milliyet", "Cumhuriyet", "Al-Monitor", "Al Monitor", "The New Arab", "Al-Araby Al-Jadeed",
    "Asharq Al-Awsat", "Al Arabiya", "Al-Arabiya", "Sky News", "Sky News Arabia", "Al Mayadeen", "Al-Mayadeen",
    "Al-Masdar", "Al Masdar News", "Enab Baladi", "Step News", "Orient News", "Syria TV", "Rudaw", "Kurdistan 24",
    "ANHA", "Hawar", "Russia 24", "Rossiya 24", "France 24", "Channel 4", "Euronews", "Deutsche Welle", "DW",
    "The New York Times", "New York Times", "The Washington Post", "Washington Post", "The Wall Street Journal",
    "Wall Street Journal", "The Guardian", "Guardian", "Financial Times", "The Financial Times", "The Times",
    "The Independent", "The Telegraph", "Daily Mail", "The Economist", "Economist", "Politico", "Axios",
    "Newsweek", "NPR", "ABC", "CBS", "NBC", "Fox News", "Voice of America", "VOA",
    "Radio Free Europe", "Radio Liberty", "Le Monde", "Der Spiegel", "Spiegel", "El País", "El Pais",
    "Kathimerini", "Ekathimerini", "ERT", "Haaretz", "The Times of Israel", "Times of Israel",
    "The Jerusalem Post", "Jerusalem Post", "NHK", "Kommersant", "Izvestia", "Pravda", "Wikinews",
    "Syrian Observatory for Human Rights", "SOHR", "Human Rights Watch", "Amnesty International",
)

#: Organisations, groups and movements written like names that are not places (acronyms and a few words).
NON_PLACE_NAMES = _words("""nato eu un who unhcr unicef unesco wfp ocha cdc fda isis isil is daesh hts sdf ypg pkk
fsa sna saa idf iaea opcw icrc msf ngo ngos imf opec asean au oas gcc osce oecd wto g7 g20 bbc cnn afp ap sana dha
iha trt rt tass sohr dpa ansa efe kcna irna ria hezbollah hamas taliban kremlin pentagon whitehouse interpol
europol frontex un-led ceasefire covid covid-19 sars mers h1n1 h5n1 aids hiv ebola""")

#: Names of organisations and institutions that contain a place word but are not places.
NON_PLACE_PHRASES: tuple[str, ...] = (
    "European Union", "United Nations", "Arab League", "African Union", "Security Council", "Red Crescent",
    "Red Cross", "White House", "Syrian Arab Army", "Syrian National Army", "Free Syrian Army",
    "Syrian Democratic Forces", "Islamic State", "National Security Council", "State Department",
    "Defence Ministry", "Defense Ministry", "Foreign Ministry", "Health Ministry", "Interior Ministry",
    "World Health Organization", "World Health Organisation", "World Bank", "World Food Programme",
)

#: Frequent English words: a capitalised one at a sentence start is that word, not a place ("Police said…").
COMMON_WORDS = _words("""a about above according across after afterwards again against ago ahead aid air all
almost alone along already also although always among amid an and another any anyone anything are area areas
around as at attack attacks authorities authority away back bad base based be because been before behind being
below beside besides best better between beyond big black blue both brief but by call called came can cannot
care case cases cause center central centre certain chief children city civil clear close coast come comes
common control could council country county court crisis current cut daily day days dead death deaths despite
did do does done down due during each early earlier east eastern either else emergency end enough entire even
ever every everything far few field fighting final fire first five following food for force forces former
four free from front full further general given go going good government great green ground group groups had
half hall has have having he health heavy help her here high him his home hope hospital hours house how however
human if in including independent inside instead into is island it its just key kind known land large last
late later latest law least left less let life light like little local long low made main major make man many
market may me meanwhile medical meeting members men might military ministry more moreover most much must my
national near nearly never new news next nine no none nor north northern not nothing now number of off officer
official officials often oil old on once one only open or order other others our out outside over own part
party past people per perhaps place plan point police political port power president press previous prime
public put rather red regional report reports rest right river road rock round rule safe said same saw say
says second security see seven several she should side since six small so some someone something south
southern special spring square state states station still street such summer support sure take ten than that
the their them then there therefore these they third this those though three through thus time to today
together told too top total toward towards town trade two under union unit united until up upon us use very
via village war was water way we week well were west western what when where whether which while white who
whole why will winter with within without woman women work world would year years yes yet you young your
source sources follow read watch share related update updated editing photo photos image images video videos
copyright advertisement subscribe sign click interactive breaking live opinion analysis feature explainer
comment comments story stories email print contact login menu search home top
federal media royal energy homeland zoo villages egg eggs
tsunami hurricane tornado volcano monsoon fires rain snow hail mud wave waves tide shelters toll riot shelling vote
polls ballot""")

#: Function words of English, for language detection.
STOPWORDS = _words("""the of and to in a is that for on with as was by it at from he be this are have has an
were which or not but its their they his had been who will said also after more about than one would there
into when her all out up can our can't we i you she them what its""")

"""The words that tell a place's name from the other capitalised words of an article.

:mod:`mapgen.quotes.mentions` reads these lists: connectors that may stand inside a name,
the words after which a name is very likely a place, phrases and words that look like a
city but are not one (``White House``, ``Reading``), words that never start a name
(``The``, ``Monday``), and each country's demonyms (``North Korean``).  They are kept apart
from the rules that use them because they are data, tuned by reading articles: a newcomer
adds a word here without reading the matcher.
"""

from __future__ import annotations

from ..geo.countries import fold


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that may stand inside a name, never at its ends.
CONNECTORS = _words(
    "of and the de del della da do dos das du la le les al el es upon on sur am an der au aux"
)
#: Words after which a capitalised name is very likely a place.
LOCATIVES = _words("in to from at near via into towards toward outside across through around reach")
#: Names that contain a place's name but are not places (institutions, newspapers...).
STOP_PHRASES = frozenset(
    fold(p)
    for p in (
        "White House",
        "New York Times",
        "Washington Post",
        "Los Angeles Times",
        "Financial Times",
        "Wall Street",
        "Wall Street Journal",
        "Capitol Hill",
        "Downing Street",
        "Kyiv Independent",
        "Moscow Times",
        "Korea Herald",
        "Korea Times",
        "Pacific Fleet",
        "Black Sea Fleet",
        "Northern Fleet",
    )
)
#: Common words and first names that are also city names: cities only after "in", "to"...
STOP_WORDS = frozenset(
    fold(w)
    for w in _words(
        "Reading Split Nice Mobile Bath Deal Hope Orange Temple March May Along Union Sale"
        " Enterprise Independence Liberty Concord Providence Hull Bury Wells Worth Paradise"
        " Aurora Victoria Florence Charlotte Eugene Jackson Lincoln Austin Madison Dallas"
        " Houston Phoenix Mercedes Trinidad Roma Mission Surprise Spring Plymouth Taft"
        " Buffalo Eagle Bend Vladimir Marion Gary Tyler Chester Clinton Homer Troy Said"
    )
)

#: Words that, after a city's name, make an institution of that city: the city is still
#: mentioned (``Oxford Police``, ``Moscow Mayor``), unlike a name it only starts
#: (``Toronto Blue Jays``).  English nouns for a town's services and buildings.
INSTITUTIONS = frozenset(
    fold(w)
    for w in _words(
        "Police Council City County Mayor Airport Hospital University College School Court"
        " Prison Jail Zoo Port Harbour Harbor Station Museum Cathedral Stadium Municipality"
        " Metro Region Regional Province Provincial Area District Office Department Fire"
    )
)

#: Words that some first-level regions are called by alone (Kenya's ``Coast`` and
#: ``Eastern``, Brazil's ``Federal`` District) but that alone, in English, are an
#: adjective or a common noun: a region only with more words (``Eastern Cape``).
GENERIC_REGION_WORDS = frozenset(
    fold(w)
    for w in _words(
        "North South East West Northern Southern Eastern Western Central Northeast Northwest"
        " Southeast Southwest Upper Lower Middle Inner Outer Federal Capital National Coast"
        " Island Islands City Metropolitan Interior Border Frontier Lake Lakes River Valley"
        " Mountain Mountains Highland Highlands Plateau Delta Region Province State"
    )
)

#: Capitalised words that never belong to a name: a sentence's usual first words, days and
#: months.  ``Then Pyongyang said`` names Pyongyang alone; ``On Monday Moscow`` Moscow.
NOT_NAMES = frozenset(
    fold(w)
    for w in _words(
        "The Then And But Or Nor Yet So In On At As After Before When While Whereas Meanwhile More"
        " However Additionally Also Both This That These Those Last Next Later Earlier If"
        " Although Though Since Because During Under Over From To For With Without By Of"
        " Despite According Still Now Today Yesterday Tomorrow Here There It He She They We"
        " I You His Her Their Our Its A An Some Many Most Several Such Other Another Each"
        " Every All No Not Only Even Once Instead Thus Hence Moreover Furthermore Indeed"
        " Reports Officials Sources Analysts Critics"
        " Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February April"
        " March May June July August September October November December"
    )
)

#: Country ISO code and its demonyms ("|"-separated); plurals ("Ukrainians") are added.
#: Demonyms shared by two countries (Congolese, Dominican) or ambiguous (Korean) are left
#: out: a mention must say which country it means.
_DEMONYM_TABLE = """
AF Afghan
AL Albanian
DZ Algerian
AO Angolan
AR Argentine|Argentinian|Argentinean
AM Armenian
AU Australian
AT Austrian
AZ Azerbaijani|Azeri
BS Bahamian
BH Bahraini
BD Bangladeshi
BB Barbadian
BY Belarusian|Belarussian
BE Belgian
BZ Belizean
BJ Beninese
BT Bhutanese
BO Bolivian
BA Bosnian
BW Botswanan
BR Brazilian
BN Bruneian
BG Bulgarian
BF Burkinabe
MM Burmese
BI Burundian
KH Cambodian
CM Cameroonian
CA Canadian
CV Cape Verdean
CF Central African
TD Chadian
CL Chilean
CN Chinese
CO Colombian
KM Comoran
CR Costa Rican
HR Croatian
CU Cuban
CY Cypriot
CZ Czech
DK Danish
DJ Djiboutian
EC Ecuadorian|Ecuadorean
EG Egyptian
AE Emirati
GQ Equatorial Guinean
ER Eritrean
EE Estonian
SZ Swazi
ET Ethiopian
FJ Fijian
PH Filipino|Philippine
FI Finnish
FR French
GA Gabonese
GM Gambian
GE Georgian
DE German
GH Ghanaian
GR Greek
GD Grenadian
GT Guatemalan
GN Guinean
GW Bissau-Guinean
GY Guyanese
HT Haitian
HN Honduran
HU Hungarian
IS Icelandic
IN Indian
ID Indonesian
IR Iranian
IQ Iraqi
IE Irish
IL Israeli
IT Italian
CI Ivorian
JM Jamaican
JP Japanese
JO Jordanian
KZ Kazakh|Kazakhstani
KE Kenyan
KW Kuwaiti
KG Kyrgyz
LA Laotian
LV Latvian
LB Lebanese
LR Liberian
LY Libyan
LT Lithuanian
LU Luxembourgish
MG Malagasy
MW Malawian
MY Malaysian
MV Maldivian
ML Malian
MT Maltese
MR Mauritanian
MU Mauritian
MX Mexican
MD Moldovan
MC Monegasque
MN Mongolian
ME Montenegrin
MA Moroccan
MZ Mozambican
NA Namibian
NP Nepali|Nepalese
NL Dutch
NZ New Zealander
NI Nicaraguan
NE Nigerien
NG Nigerian
KP North Korean
MK North Macedonian|Macedonian
NO Norwegian
OM Omani
PK Pakistani
PS Palestinian
PA Panamanian
PG Papua New Guinean
PY Paraguayan
PE Peruvian
PL Polish
PT Portuguese
QA Qatari
RO Romanian
RU Russian
RW Rwandan
WS Samoan
SA Saudi|Saudi Arabian
SN Senegalese
RS Serbian
SC Seychellois
SL Sierra Leonean
SG Singaporean
SK Slovak|Slovakian
SI Slovenian|Slovene
SO Somali
ZA South African
KR South Korean
SS South Sudanese
ES Spanish
LK Sri Lankan
SD Sudanese
SR Surinamese
SE Swedish
CH Swiss
SY Syrian
TW Taiwanese
TJ Tajik|Tajikistani
TZ Tanzanian
TH Thai
TL Timorese
TG Togolese
TO Tongan
TT Trinidadian
TN Tunisian
TR Turkish
TM Turkmen
UG Ugandan
UA Ukrainian
GB British
US American
UY Uruguayan
UZ Uzbek
VE Venezuelan
VN Vietnamese
YE Yemeni
ZM Zambian
ZW Zimbabwean
XK Kosovar
SV Salvadoran
"""


def _demonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _DEMONYM_TABLE.strip().splitlines():
        code, _, names = line.partition(" ")
        for name in names.split("|"):
            table[fold(name)] = code
            if name.endswith(("an", "i", "ch", "k")):
                table[fold(name + "s")] = code
    return table


#: Folded demonym (and its plural) -> ISO alpha-2 code.
DEMONYMS: dict[str, str] = _demonyms()
#: Country forms that count only in capitals (``US``, not ``us``).
SHORT_FORMS = frozenset({"us", "usa", "uk", "uae", "dprk", "rok", "drc", "prc"})

"""The places an article mentions, found with the offline gazetteer.

``mapgen check`` lists the places the articles mention that the map does not show (unless
``places.yaml`` leaves them out on purpose, under ``left_out:``), and ``mapgen extract``
turns an article's mentions into ready-to-paste YAML.  Both use :func:`find_mentions`.

How a mention is found, in a sentence:

* Only capitalised words can start or end a name (``of``, ``and``, ``the``... may stand
  inside one: ``Bosnia and Herzegovina``, ``Rostov-on-Don``), and the longest name wins.
* Countries by their names and common forms (``North Korea``, ``the United States``;
  ``US``, ``U.S.``, ``UK``, ``DPRK`` only in capitals), and by their demonyms
  (``North Korean``, ``Russian``, ``Ukrainians``: :data:`DEMONYMS`).
* Cities by GeoNames names and alternate names, more carefully, since many are also words
  or people's names: a city's name must be the whole capitalised run it stands in (so
  ``Vladimir`` in ``Russian President Vladimir Putin`` is a person; a country or demonym
  beside it is allowed, ``Russia's Vladivostok``); the city must be a capital, or have at
  least :data:`MIN_POPULATION` people (50,000 for a one-word name, 15,000 for a longer one;
  alternate names 500,000), or follow ``in``, ``to``, ``from``, ``at``... (then 1,000 will
  do); a word that the article also uses as someone's surname (``Jake Sullivan`` ...
  ``Sullivan said``) is not a city; :data:`STOP_PHRASES` (``White House``, ``New York
  Times``) never are, and :data:`STOP_WORDS` (``Reading``, ``Nice``, ``Austin``) only
  after ``in``, ``to``...; :data:`NOT_NAMES` (``The``, ``Then``, ``Monday``) never start
  or join a name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.terminal import one_line
from ..geo.countries import _country_index, fold
from ..geo.gazetteer import Gazetteer, Match, distance_km
from ..story.model import GeocodedStory, LeftOut

__all__ = [
    "DEMONYMS",
    "MIN_POPULATION",
    "Mention",
    "MentionReport",
    "Target",
    "extract_yaml",
    "find_mentions",
    "report",
    "sentences",
]

#: Fewest people a city needs to count as mentioned: (one-word name, longer name,
#: alternate name, after "in"/"to"/"from"...).
MIN_POPULATION = (50_000, 15_000, 500_000, 1_000)
#: ... and for an alternate name after "in"/"to"/"from" (``near Avdiivka``: Avdiyivka).
MIN_POPULATION_ALTERNATE_LOCATED = 10_000


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that may stand inside a name, never at its ends.
CONNECTORS = _words(
    "of and the de del della da do dos das du la le les al el upon on sur am an der"
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

#: Capitalised words that never belong to a name: a sentence's usual first words, days and
#: months.  ``Then Pyongyang said`` names Pyongyang alone; ``On Monday Moscow`` Moscow.
NOT_NAMES = frozenset(
    fold(w)
    for w in _words(
        "The Then And But Or Nor Yet So In On At As After Before When While Whereas Meanwhile"
        " However Additionally Also Both This That These Those Last Next Later Earlier If"
        " Although Though Since Because During Under Over From To For With Without By Of"
        " Despite According Still Now Today Yesterday Tomorrow Here There It He She They We"
        " I You His Her Their Our Its A An Some Many Most Several Such Other Another Each"
        " Every All No Not Only Even Once Instead Thus Hence Moreover Furthermore Indeed"
        " Reports Officials Sources Analysts Critics"
        " Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February April"
        " June July August September October November December"
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
_SHORT_FORMS = frozenset({"us", "usa", "uk", "uae", "dprk", "rok", "drc", "prc"})

_WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][^\W_]*(?:[\u2019'][^\W_]+)*")
_POSSESSIVE = re.compile(r"[\u2019']s?\Z")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.){2,}|\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sgt|Capt|Jr|Sr|Prof|Rep"
    r"|Sen|Gov|No|vs|etc|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec)\.)[\"\u201d\u2019)]*\Z"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d\u2019)]*\s+(?=[\"\u201c\u2018(]*[A-Z0-9])|\n+")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Target:
    """What a mention refers to: a country (``feature == "country"``) or a city."""

    feature: str
    name: str
    country_code: str
    lat: float
    lon: float
    geonameid: int | None = None
    population: int | None = None
    capital: bool = False
    #: Other places of similar size by the same name (the guess may be wrong).
    ambiguous: bool = False

    @property
    def key(self) -> str:
        return (
            f"country:{self.country_code}"
            if self.feature == "country"
            else f"city:{self.geonameid}"
        )

    def describe(self) -> str:
        if self.feature == "country":
            return f"{self.name} (country, {self.country_code})"
        pop = f"; pop. {self.population:,}" if self.population else ""
        capital = ", capital" if self.capital else ""
        return f"{self.name} ({self.country_code}{capital}; {self.lat:.2f}, {self.lon:.2f}{pop})"


@dataclass(frozen=True)
class Mention:
    """A place named in an article: the words, where they are, the sentence, the place."""

    source: str  # the source id (or, for extract, the file)
    file: str
    start: int
    end: int
    line: int
    col: int
    words: str
    how: str  # "name", "alternate name", "country" or "demonym"
    sentence: str
    target: Target

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split after ``.``, ``!`` or ``?`` before a capital,
    and at line breaks, but not after an abbreviation (``U.S.``, ``Mr.``, ``J.``)."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        near = max(0, match.start() - 16)
        if "\n" not in match.group() and _ABBREVIATION.search(text, near, match.start()):
            continue
        if text[start : match.start()].strip():
            spans.append(_trim(text, start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass
class _Token:
    start: int
    end: int
    word: str  # without a possessive 's

    #: The first word of its sentence.
    first: bool = False

    @property
    def capital(self) -> bool:
        """Capitalised, and possibly part of a name (not ``The``, ``Monday``...)."""
        if not self.word[:1].isupper():
            return False
        return not (fold(self.word) in NOT_NAMES and (self.first or not self.word.isupper()))


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    out = []
    for m in _WORD.finditer(text, start, end):
        word = m.group()
        stripped = _POSSESSIVE.sub("", word) if len(word) > 2 else word
        out.append(_Token(m.start(), m.start() + len(stripped), stripped, not out))
    return out


# --------------------------------------------------------------------------- matching


class _Matcher:
    """Names to places, with the gazetteer's cities and the country tables."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or Gazetteer()
        by_code, by_name = _country_index()
        self.by_code = by_code
        self.by_name = by_name
        self._countries: dict[str, Target | None] = {}
        self._cities: dict[str, tuple[Match, bool] | None] = {}

    def country(self, code: str) -> Target | None:
        if code not in self._countries:
            country = self.by_code.get(code)
            match = Gazetteer._country_match(country) if country is not None else None
            self._countries[code] = (
                Target("country", match.name, code, match.lat, match.lon)
                if match is not None
                else None
            )
        return self._countries[code]

    def country_named(self, words: str) -> tuple[Target, str] | None:
        key = fold(words)
        if key in DEMONYMS:
            target = self.country(DEMONYMS[key])
            return (target, "demonym") if target else None
        if key.startswith("the"):
            key = key[3:]
        if key in self.by_name:
            if key in _SHORT_FORMS and not words.replace(".", "").isupper():
                return None
            target = self.country(self.by_name[key])
            return (target, "country") if target else None
        return None

    def city(self, words: str) -> tuple[Match, bool] | None:
        """The best city by that name (strong matches only), and whether it is ambiguous."""
        key = fold(words)
        if key not in self._cities:
            found = self.gazetteer.search(words, feature="city")
            best = found.best
            self._cities[key] = (best, found.ambiguous) if best is not None else None
        return self._cities[key]


def _stop(words: str) -> bool:
    return fold(words) in STOP_PHRASES


def _surnames(tokens: Iterable[list[_Token]]) -> set[str]:
    """Words that end a run of two or three capitalised words whose first is not a place
    word: ``Jake Sullivan`` makes ``Sullivan`` a surname in this article."""
    names = set()
    for sentence in tokens:
        for run in _runs(sentence):
            words = [t.word for t in run]
            if 2 <= len(words) <= 3 and fold(words[0]) not in DEMONYMS:
                names.add(fold(words[-1]))
    return names


def _runs(tokens: list[_Token]) -> list[list[_Token]]:
    """Maximal runs of capitalised tokens (connectors break them)."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for token in tokens:
        if token.capital:
            current.append(token)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _spans(tokens: list[_Token], i: int, longest: int = 6) -> Iterable[int]:
    """Ends j (exclusive) of candidate names starting at token i, longest first: capitalised
    words, with connectors inside."""
    ends = []
    j = i
    while j < len(tokens) and j - i < longest:
        token = tokens[j]
        if token.capital:
            ends.append(j + 1)
        elif token.word.lower() not in CONNECTORS:
            break
        j += 1
    return reversed(ends)


def find_mentions(
    text: str,
    *,
    source: str = "",
    file: str = "",
    gazetteer: Gazetteer | None = None,
    matcher: _Matcher | None = None,
) -> list[Mention]:
    """Every place the text names, in order."""
    matcher = matcher or _Matcher(gazetteer)
    spans = sentences(text)
    tokenized = [_tokens(text, a, b) for a, b in spans]
    surnames = _surnames(tokenized)
    found: list[Mention] = []
    # Lines are counted on from the last mention, never from the start: mentions come in
    # order, and counting from the start for each made a 10 MB article take minutes.
    line, counted, line_start = 1, 0, 0
    for (s_start, s_end), tokens in zip(spans, tokenized, strict=True):
        sentence = " ".join(text[s_start:s_end].split())
        taken: dict[int, tuple[int, Target, str]] = {}  # first token -> (end, target, how)
        used = [False] * len(tokens)
        # Countries, demonyms and stop phrases first, longest first.
        i = 0
        while i < len(tokens):
            if not tokens[i].capital:
                i += 1
                continue
            for j in _spans(tokens, i):
                words = text[tokens[i].start : tokens[j - 1].end]
                if _stop(words):
                    used[i:j] = [True] * (j - i)
                    i = j - 1
                    break
                hit = matcher.country_named(words)
                if hit is not None:
                    # "The United States": the mention is "United States".
                    first = i + 1 if j - i > 1 and tokens[i].word.lower() == "the" else i
                    taken[first] = (j, hit[0], hit[1])
                    used[i:j] = [True] * (j - i)
                    i = j - 1
                    break
            i += 1
        # Then cities, in what is left.
        runs = _runs(tokens)
        run_of = {id(t): run for run in runs for t in run}
        index = {id(t): k for k, t in enumerate(tokens)}
        i = 0
        while i < len(tokens):
            if used[i] or not tokens[i].capital:
                i += 1
                continue
            for j in _spans(tokens, i):
                if any(used[i:j]):
                    continue
                words = text[tokens[i].start : tokens[j - 1].end]
                target = _city_target(matcher, words, tokens, i, j, surnames, run_of, index, used)
                if target is not None:
                    taken[i] = (j, target[0], target[1])
                    used[i:j] = [True] * (j - i)
                    i = j - 1
                    break
            i += 1
        for i in sorted(taken):
            j, target, how = taken[i]
            start, end = tokens[i].start, tokens[j - 1].end
            breaks = text.count("\n", counted, start)
            if breaks:
                line += breaks
                line_start = text.rfind("\n", counted, start) + 1
            counted = start
            col = start - line_start + 1
            found.append(
                Mention(source, file, start, end, line, col, text[start:end], how, sentence, target)
            )
    return found


def _city_target(
    matcher: _Matcher,
    words: str,
    tokens: list[_Token],
    i: int,
    j: int,
    surnames: set[str],
    run_of: dict[int, list[_Token]],
    index: dict[int, int],
    used: list[bool],
) -> tuple[Target, str] | None:
    """The city ``tokens[i:j]`` names, if it passes the rules in the module docstring."""
    key = fold(words)
    if not key:
        return None
    single = j - i == 1
    after_locative = i > 0 and tokens[i - 1].word.lower() in LOCATIVES
    if single and key in surnames:
        return None
    if single and key in STOP_WORDS and not after_locative:
        return None
    # The whole capitalised run: every other word of it must be a country or demonym.
    run = run_of.get(id(tokens[i]), [])
    for token in run:
        k = index[id(token)]
        if not (i <= k < j) and not used[k]:
            return None
    if j < len(tokens) and id(tokens[j]) in {id(t) for t in run}:
        return None
    hit = matcher.city(words)
    if hit is None:
        return None
    best, ambiguous = hit
    population = best.population or 0
    one, longer, alternate, located = MIN_POPULATION
    if best.match == "name":
        needed = one if single else longer
    else:
        needed = alternate if not after_locative else MIN_POPULATION_ALTERNATE_LOCATED
    if after_locative and best.match == "name":
        needed = located
    if not (best.capital or population >= needed):
        return None
    target = Target(
        "city",
        best.name,
        best.country_code,
        best.lat,
        best.lon,
        best.geonameid,
        best.population,
        best.capital,
        ambiguous,
    )
    return target, best.match


# --------------------------------------------------------------------------- check


@dataclass
class MentionReport:
    """What the articles mention, against what the map shows."""

    mentions: list[Mention]
    #: Target key -> the map feature (place, area or route stop) that shows it.
    shown: dict[str, str] = field(default_factory=dict)
    #: Target key -> the left_out entry that covers it.
    left_out: dict[str, LeftOut] = field(default_factory=dict)
    #: left_out entries that match no mention.
    unused: list[LeftOut] = field(default_factory=list)
    #: What was not read for mentions (:func:`read_within`), if anything.
    unread: str | None = None

    def missing(self) -> dict[str, list[Mention]]:
        """Target key -> its mentions, for places neither shown nor left out (in order)."""
        out: dict[str, list[Mention]] = {}
        for mention in self.mentions:
            key = mention.target.key
            if key not in self.shown and key not in self.left_out:
                out.setdefault(key, []).append(mention)
        return out

    def lines(self, *, clip: int = 200) -> list[str]:
        """The report as ``mapgen check`` prints it."""
        places = dict.fromkeys(m.target.key for m in self.mentions)
        missing = self.missing()
        left = {k for k in places if k in self.left_out}
        n = len(self.mentions)
        out = [
            f"Place mentions in the articles: {n}, of {len(places)} places:"
            f" {len(places) - len(missing) - len(left)} on the map, {len(left)} left out,"
            f" {len(missing)} missing."
        ]
        if self.unread:
            out.append(self.unread[0].upper() + self.unread[1:] + ".")
        if missing:
            out.append(
                "Mentioned in the articles but not on the map (add them, or list them under"
                " left_out: in places.yaml):"
            )
            for mentions in missing.values():
                target = mentions[0].target
                guess = target.describe() + (" (ambiguous)" if target.ambiguous else "")
                count = len(mentions)
                out.append(f"  {guess}: {count} mention{'s' if count != 1 else ''}")
                for m in mentions:
                    words, sentence = one_line(m.words), one_line(_clip(m.sentence, clip))
                    out.append(f'    {one_line(m.where())}: "{words}": {sentence}')
        for entry in self.unused:
            out.append(
                f"{entry.pos}: left_out: '{one_line(entry.name)}' is not mentioned in the articles"
                " (or not recognised as a place)"
            )
        return out


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "\u2026"


#: Most characters of articles read for mentions in one run (``check``, ``extract``): a
#: 10 MB article naming places densely takes some 5 s, and 100 MB of them would pass the
#: budget's 60 s.  What lies past it is said, in one line, not read.
MAX_MENTION_CHARS = 20_000_000


def read_within(files: list[tuple[str, str]]) -> tuple[list[tuple[int, str]], str | None]:
    """Each distinct text of ``files`` ((file, text), in order) to look for mentions in,
    with its index, as far as :data:`MAX_MENTION_CHARS` lets: the last one read may be
    cut (at a line break if one is near), the rest left out.  With it, the line that says
    what was not read, or None.  (Sources naming one file share its text: read once.)"""
    left, seen = MAX_MENTION_CHARS, set()
    read: list[tuple[int, str]] = []
    for k, (file, text) in enumerate(files):
        if text in seen:
            continue
        seen.add(text)
        if len(text) > left:
            cut = text.rfind("\n", 0, left) + 1
            cut = cut if cut > left // 2 else left
            if cut:
                read.append((k, text[:cut]))
            rest = len({t for _, t in files[k + 1 :]} - seen)
            line = text.count("\n", 0, cut) + 1
            after = f", and {rest} article{'s' if rest != 1 else ''} after it," if rest else ""
            return read, (
                f"only the first {MAX_MENTION_CHARS:,} characters of the articles were read for"
                f" mentions: {one_line(file)} from line {line:,} on{after} were not"
            )
        left -= len(text)
        read.append((k, text))
    return read, None


def report(geo: GeocodedStory, gazetteer: Gazetteer | None = None) -> MentionReport:
    """Every place the story's articles mention, and which of them the map shows."""
    story = geo.story
    matcher = _Matcher(gazetteer)
    mentions: list[Mention] = []
    read, unread = read_within([(source.file, source.text) for source in story.sources])
    for k, text in read:
        source = story.sources[k]
        mentions += find_mentions(text, source=source.id, file=source.file, matcher=matcher)
    result = MentionReport(mentions, unread=unread)
    targets = {m.target.key: m.target for m in mentions}
    shown = _shown(geo, matcher)
    for key, target in targets.items():
        feature = _shows(shown, target)
        if feature is not None:
            result.shown[key] = feature
    for entry in story.left_out:
        keys = _left_out_keys(entry, targets, matcher)
        for key in keys:
            result.left_out.setdefault(key, entry)
        if not keys:
            result.unused.append(entry)
    return result


@dataclass(frozen=True)
class _Shown:
    feature: str
    names: frozenset[str]
    country: str | None = None  # an area's country code
    lat: float | None = None
    lon: float | None = None


def _shown(geo: GeocodedStory, matcher: _Matcher) -> list[_Shown]:
    story = geo.story
    out = []
    for place in story.places:
        loc = geo.places[place.id]
        names = frozenset(
            fold(n) for n in (place.name, place.query or "", place.geocode_query) if n
        )
        country = None
        if loc.precision == "country":
            hit = matcher.country_named(place.name)
            country = hit[0].country_code if hit else None
        out.append(_Shown(place.id, names, country, loc.lat, loc.lon))
    for area in story.areas:
        hit = matcher.country_named(area.country) or matcher.country_named(area.name)
        code = hit[0].country_code if hit else (area.country if len(area.country) == 2 else None)
        out.append(_Shown(area.id, frozenset({fold(area.name)}), code))
    for route in story.routes:
        points = geo.routes[route.id]
        for stop, (lat, lon) in zip(route.via, points, strict=False):
            if stop.name:
                out.append(_Shown(route.id, frozenset({fold(stop.name)}), None, lat, lon))
    return out


def _shows(shown: list[_Shown], target: Target) -> str | None:
    for item in shown:
        if target.feature == "country":
            if item.country == target.country_code:
                return item.feature
            continue
        if item.country is not None:
            continue
        if fold(target.name) in item.names:
            return item.feature
        near = item.lat is not None and item.lon is not None
        if near and distance_km(item.lat, item.lon, target.lat, target.lon) <= 25:  # type: ignore[arg-type]
            return item.feature
    return None


def _left_out_keys(entry: LeftOut, targets: dict[str, Target], matcher: _Matcher) -> list[str]:
    """The mentioned places a left_out entry names: by country, by city, or by name."""
    name = entry.name
    country = matcher.country_named(name)
    if country is not None:
        key = country[0].key
        return [key] if key in targets else []
    wanted = fold(name)
    keys = [k for k, t in targets.items() if fold(t.name) == wanted]
    if keys:
        return keys
    hit = matcher.city(name)
    if hit is not None:
        best = hit[0]
        keys = [
            k for k, t in targets.items() if t.feature == "city" and t.geonameid == best.geonameid
        ]
    return keys


# --------------------------------------------------------------------------- extract


def _slug(name: str) -> str:
    folded = re.sub(r"[^a-z0-9]+", "-", fold_ascii(name)).strip("-")
    return folded or "place"


def fold_ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's, and so are the ``\\x9b``,
    ``\\u202e`` escapes :func:`~mapgen.terminal.one_line` gives what JSON leaves raw: the
    YAML is printed, and must say the same on a terminal as in places.yaml)."""
    return one_line(json.dumps(value, ensure_ascii=False))


def extract_yaml(
    files: list[tuple[str, str]], gazetteer: Gazetteer | None = None
) -> tuple[str, list[Mention]]:
    """A places.yaml to start a story from articles: ``files`` is (path as given, text).

    Each article is a source; each country mentioned an area, each city a place, with the
    gazetteer's guess (in a comment) and its precision, a country hint so the build finds
    the same place, and every sentence naming it as a quote.
    """
    matcher = _Matcher(gazetteer)
    ids: dict[str, str] = {}
    sources = []
    mentions: list[Mention] = []
    read, unread = read_within(files)
    scanned = dict(read)
    for k, (path, body) in enumerate(files):
        source_id = _unique(_slug(Path(path).stem).replace("-", "_") or "article", ids)
        ids[source_id] = path
        first = next(iter(sentences(body[:10_000])), (0, 0))  # only the headline
        headline = _clip(" ".join(body[first[0] : first[1]].split()), 100) or Path(path).stem
        sources.append((source_id, path, headline))
        if k in scanned:
            mentions += find_mentions(scanned[k], source=source_id, file=path, matcher=matcher)
    by_target: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_target.setdefault(mention.target.key, []).append(mention)
    lines = [
        "# Started by `mapgen extract` from "
        + ", ".join(one_line(path) for _, path, _ in sources)  # a comment: one line
        + ".",
        "# Check each guess: the gazetteer's choice is in the comment above each place.",
        *([f"# Note: {unread}."] if unread else []),
        _yaml_line("title", "A story from " + ", ".join(Path(p).name for _, p, _ in sources)),
        "sources:",
    ]
    for source_id, path, headline in sources:
        lines += [
            f"  - id: {source_id}",
            f"    file: {_yaml_text(path)}",
            f"    title: {_yaml_text(headline)}  # the first sentence: write the headline",
        ]
    places = [ms for ms in by_target.values() if ms[0].target.feature == "city"]
    areas = [ms for ms in by_target.values() if ms[0].target.feature == "country"]
    used_ids = dict(ids)
    if places:
        lines.append("")
        lines.append("places:")
        for ms in places:
            target = ms[0].target
            kind = "capital" if target.capital else "city"
            guess = target.describe() + (", ambiguous: check it" if target.ambiguous else "")
            lines += [
                f"  # gazetteer: {guess}; precision: city",
                f"  - id: {_unique(_slug(target.name), used_ids)}",
                f"    name: {_yaml_text(_surface(ms))}",
                f"    kind: {kind}",
                f"    country: {target.country_code}",
                "    quotes:",
                *_quote_lines(ms),
            ]
    if areas:
        lines.append("")
        lines.append("areas:")
        for ms in areas:
            target = ms[0].target
            lines += [
                f"  # gazetteer: {target.describe()}; precision: country",
                f"  - id: {_unique(_slug(target.name), used_ids)}",
                f"    name: {_yaml_text(target.name)}",
                f"    country: {target.country_code}",
                "    quotes:",
                *_quote_lines(ms),
            ]
    return "\n".join(lines) + "\n", mentions


def _yaml_line(key: str, value: str) -> str:
    return f"{key}: {_yaml_text(value)}"


def _surface(mentions: list[Mention]) -> str:
    """The name as the articles most often write it."""
    counts: dict[str, int] = {}
    for m in mentions:
        counts[m.words] = counts.get(m.words, 0) + 1
    return max(counts, key=lambda w: (counts[w], -list(counts).index(w)))


def _quote_lines(mentions: list[Mention]) -> list[str]:
    seen = set()
    out = []
    for m in mentions:
        key = (m.source, m.sentence)
        if key in seen:
            continue
        seen.add(key)
        out += [f"      - source: {m.source}", f"        text: {_yaml_text(m.sentence)}"]
    return out


def _unique(base: str, taken: dict[str, str]) -> str:
    candidate = base
    n = 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken[candidate] = ""
    return candidate

"""The places an article mentions, found with the offline gazetteer and region tables.

``mapgen check`` lists the places the articles mention that the map does not show (unless
``places.yaml`` leaves them out on purpose, under ``left_out:``;
:mod:`mapgen.quotes.mentionreport`), ``mapgen extract`` turns an article's mentions into
ready-to-paste YAML (:mod:`mapgen.quotes.extract`) and ``mapgen mentions`` lists them
(:mod:`mapgen.quotes.mentiondata`).  All use :func:`find_mentions`, which this module holds
with the rules below.  Where a name begins and ends is :mod:`mapgen.quotes.tokens`'
(commas, quotes and possessives end one); what a name can mean, :mod:`mapgen.quotes.matcher`'s;
who is a person, :mod:`mapgen.quotes.people`'s; the word lists, :mod:`mapgen.quotes.wordlists`.

The rules, as an editor would state them:

* Only capitalised words start or end a name (``of``, ``and``, ``on``... may stand inside
  one: ``Bosnia and Herzegovina``, ``Rostov-on-Don``), and the longest name wins.
* People are not places: the words after a title (``Mayor Sergei Sobyanin``, ``Mr.
  Jordan``) or from a common given name on (``Andrew Jordan``), and those surnames later in
  the article (``Jordan said``).  Months and days are dates (``in March 2014``).
* Countries by their names and common forms (``the United States``; ``US``, ``U.S.``,
  ``UK`` only in capitals; never a currency, ``US$``), and by their demonyms
  (``Russian``); continents (``Africa``); states, provinces and regions (``Texas``,
  ``Nyanza Province``, ``Lipetsk region``: with its type word, a region, not the city),
  and by their ISO 3166-2 letters (``NSW``) in an article that names their country.
  A name that is a country and a region (``Georgia``) is the region when the article's
  other places are in the region's country and none in the country's, or when it follows
  a city of that country (``Atlanta, Georgia``).
* A place inside a hyphenated name is not one (``Agence France-Presse``), nor is a
  country's other name inside a longer name (``Voice of America``).
* Cities by GeoNames names and alternate names, more carefully, since many are also words
  or people's names: the city begins its capitalised run (a country, region or demonym may
  come before it, ``Russia's Vladivostok``; an institution after it, ``Oxford Police``);
  it is a capital, or has at least :data:`MIN_POPULATION` people (50,000 for a one-word
  name, 15,000 for a longer one; alternate names 500,000), or follows ``in``, ``to``,
  ``from``, ``at``... (then 1,000 will do, if the article names its country or region;
  ``to Wagner mercenaries`` is not Wagner, Bahia), or is written ``City, Region``
  (``Pandi, Bulacan``); an acronym (``EU``) or a sentence's first word that the article
  also writes in lower case (``Man``/``man``) is not a city; :data:`STOP_PHRASES`
  (``White House``) never are, and :data:`STOP_WORDS` (``Reading``, ``Nice``) only after
  ``in``, ``to``...
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.terminal import one_line
from ..geo.countries import fold
from ..geo.gazetteer import Gazetteer, Match, distance_km
from ..geo.ranking import STRONG_SHARE
from ..geo.regions import Region
from .article import Article as _Article
from .article import Found as _Found
from .composed import Composed
from .incontext import in_context
from .matcher import Matcher, Target, city_target, region_target
from .people import TITLES
from .tokens import Token, sentences, spans
from .wordlists import (
    DEMONYMS,
    GENERIC_REGION_WORDS,
    INSTITUTIONS,
    LOCATIVES,
    STOP_PHRASES,
    STOP_WORDS,
)

__all__ = [
    "DEMONYMS",
    "MAX_MENTION_CHARS",
    "MIN_POPULATION",
    "Matcher",
    "Mention",
    "Target",
    "clipped",
    "find_mentions",
    "read_within",
    "sentences",
]

#: Fewest people a city needs to count as mentioned: (one-word name, longer name,
#: alternate name, after "in"/"to"/"from"...).
MIN_POPULATION = (50_000, 15_000, 500_000, 1_000)
#: ... and for an alternate name after "in"/"to"/"from" (``near Avdiivka``: Avdiyivka).
MIN_POPULATION_ALTERNATE_LOCATED = 10_000
#: A city this big (or a capital) is what its name means even where a region has the name
#: too (``New York``, ``Madrid``); so is one of 200,000 in the region's own country (a region
#: named after its city: ``Lipetsk``; ``Lipetsk region`` is the region).
CITY_OVER_REGION = 1_000_000

_DOTTED = re.compile(r"(?:[A-Z]\.){2,}")


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
    how: str  # "name", "alternate name", "abbreviation" (US, UK, NSW) or "demonym"
    sentence: str
    target: Target

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


def _after_locative(sentence: list[Token], i: int) -> bool:
    return i > 0 and sentence[i - 1].word.lower() in LOCATIVES


def _in_compound(article: _Article, sentence: list[Token], i: int, j: int) -> bool:
    """``France`` in ``Agence France-Presse``: a hyphen joins it to a capitalised word that
    is no place (``Russia-Ukraine`` names two)."""
    after = sentence[j] if j < len(sentence) else None
    if after is not None and after.hyphen and after.capital and not article.is_area(after.word):
        return True
    if i > 0 and sentence[i].hyphen and sentence[i - 1].capital:
        return not article.is_area(sentence[i - 1].word)
    return False


def _of_a_name(article: _Article, n: int, sentence: list[Token], i: int) -> bool:
    """``America`` in ``Voice of America``: after ``of`` in a capitalised name that is no
    person's (``Marco Rubio of Florida`` names Florida) and whose head is neither a place,
    a place's type word nor a title (``Governor of Texas``)."""
    if i < 2 or sentence[i - 1].word != "of" or not sentence[i - 1].joined:
        return False
    head = sentence[i - 2]
    if not head.capital or not sentence[i].joined or article.used[n][i - 2]:
        return False
    key = fold(head.word)
    return not (
        key in TITLES or article.matcher.typed(f"{head.word} of X") or article.is_area(head.word)
    )


def _city_first(m: Matcher, words: str) -> bool:
    """Whether a name of several words is a city's own (not an alternate) name, of a
    capital or a town of 15,000: ``Mexico City`` is not Mexico."""
    hit = m.city(words)
    if hit is None or hit[0].match != "name":
        return False
    return hit[0].capital or (hit[0].population or 0) >= MIN_POPULATION[1]


#: What :func:`_area` says of a name that it leaves to the cities: skip it, whole.
_DEFER = _Found(-1, -1, None, "")


def _direction(sentence: list[Token], k: int) -> bool:
    key = fold(sentence[k].word)
    return key in _DIRECTIONS or (key in _COMPASS and k > 0 and fold(sentence[k - 1].word) == "far")


def _heads_its_run(article: _Article, n: int, sentence: list[Token], i: int, j: int) -> bool:
    """Whether ``sentence[i:j]`` is its capitalised run's name: only places, demonyms or
    compass words before it (``Russia's Vladivostok``, ``Far North Queensland``), only an institution or a title after it (``Oxford
    Police``, ``New York Governor``), so not ``Eastern`` in ``Eastern Economic Forum``."""

    used = article.used[n]
    start, end = article.run_of[n].get(i, (i, i + 1))
    for k in range(start, i):
        if not used[k] and not _direction(sentence, k):
            return False
    for k in range(j, end):
        if not used[k] and fold(sentence[k].word) not in INSTITUTIONS | TITLES:
            return False
    return True


def _area(
    article: _Article, n: int, sentence: list[Token], i: int, j: int, words: str
) -> _Found | None:
    """The country, continent or region ``sentence[i:j]`` names, if the rules allow."""
    m = article.matcher
    token = sentence[i]
    single = j - i == 1
    if single and fold(token.word) in article.people and not _after_locative(sentence, i):
        return None
    if single and fold(token.word) in TITLES:
        return None  # "Ms", "General": a title, even alone
    if _in_compound(article, sentence, i, j):
        return None
    if j < len(sentence) and sentence[j].joined and not sentence[j].capital:
        typed = f"{words} {sentence[j].word}"  # "Lipetsk region", "Georgia state"
        if m.typed(typed) and (regions := m.regions(typed)):
            return _Found(i, j, None, "name", regions)
    if j - i > 1 and _city_first(m, words):
        return _DEFER  # "Mexico City", "Kuwait City": not the country
    country = m.country_named(words)
    if country is not None:
        alias = country[1] == "name" and fold(words) != fold(country[0].name)
        if alias and _of_a_name(article, n, sentence, i):
            return None  # a country's other name in an institution's: "Voice of America"
        first = i + 1 if j - i > 1 and token.word.lower() == "the" else i
        regions = m.regions(words) if country[1] == "name" else []
        return _Found(first, j, country[0], country[1], regions)
    continent = m.continent(words)
    if continent is not None:
        return _Found(i, j, continent, "name")
    dotted = single and _DOTTED.fullmatch(token.word) is not None
    if single and (token.acronym or dotted):
        # "NSW"; "B.C." (dotted, two letters will do): in an article naming its country
        coded = m.region_by_initials(token.word.replace(".", ""), 2 if dotted else 3)
        if not coded:
            return None
        return _Found(i, j, None, "abbreviation", coded, needs_context=True)
    if single and (article.common_word(token) or fold(words) in GENERIC_REGION_WORDS):
        return None
    regions = m.regions(words)
    if not regions or not (m.typed(words) or _heads_its_run(article, n, sentence, i, j)):
        return None
    if m.typed(words) and j < len(sentence) and sentence[j].word == "of":
        return None  # "Illinois Department of Natural Resources": an office, not the state
    if not m.typed(words):
        hit = m.city(words)
        if hit is not None and hit[0].match != "weak alternate name":
            city, population = hit[0], hit[0].population or 0
            same = any(r.country == city.country_code for r in regions)
            if city.capital or population >= CITY_OVER_REGION or (same and population >= 200_000):
                return _DEFER  # the city's name first (New York, Lipetsk); see _comma_area
    return _Found(i, j, None, "name", regions)


def _comma_area(
    article: _Article, n: int, sentence: list[Token], j: int
) -> tuple[int, int, list[tuple[str, Region | None]]] | None:
    """What ``, Region`` or ``, Country`` right after a name at ``sentence[:j]`` may be:
    (start, end, [(country code, region or None)])."""
    if j >= len(sentence) or not sentence[j].capital:
        return None
    if article.text[sentence[j - 1].end : sentence[j].start] != ", ":
        return None
    found = article.found[n].get(j)
    if found is not None and found.target is not None and found.target.feature == "continent":
        return None
    if found is not None:
        options: list[tuple[str, Region | None]] = [(r.country, r) for r in found.regions]
        if found.target is not None:
            options.append((found.target.country_code, None))
        return j, found.j, options
    for end in spans(sentence, j):
        if any(article.used[n][j:end]):
            continue
        regions = article.matcher.regions(article.words(sentence, j, end))
        if regions:
            return j, end, [(r.country, r) for r in regions]
    return None


def _city(
    article: _Article, n: int, sentence: list[Token], i: int, j: int, context: list[str]
) -> _Found | None:
    """The city ``sentence[i:j]`` names, if it passes the rules in the module docstring."""

    words = article.words(sentence, i, j)
    key = fold(words)
    token = sentence[i]
    if not key:
        return None
    single = j - i == 1
    after = _after_locative(sentence, i)
    comma = _comma_area(article, n, sentence, j)
    if single and key in article.people and not comma:  # "Allen, Texas" is a town
        return None
    if single and key in TITLES:
        return None
    if single and key in STOP_WORDS and not (after or comma):
        return None
    if single and (token.acronym or (article.common_word(token) and not (after or comma))):
        return None
    if _in_compound(article, sentence, i, j):
        return None
    if not _heads_its_run(article, n, sentence, i, j):
        return None
    m = article.matcher
    best, ambiguous = None, False
    if comma is not None:  # "Pandi, Bulacan", "Atlanta, Georgia": the city in that country
        for code, region in comma[2]:
            found = m.gazetteer.search(words, country=code, feature="city")
            if found.best is not None:
                best, ambiguous = found.best, found.ambiguous
                _settle_comma(article, n, comma, code, region)
                break
    if best is None:
        hit = m.city(words)
        if hit is None:
            return None
        best, ambiguous = hit
        population = best.population or 0
        one, longer, alternate, located = MIN_POPULATION
        needed = (one if single else longer) if best.match == "name" else alternate
        if not (best.capital or population >= needed):
            # After "in", "to"...: a town of a country the article names ("to Wagner
            # mercenaries" is not Wagner, Bahia, in an article that never names Brazil).
            if not after:
                return None
            least = located if best.match == "name" else MIN_POPULATION_ALTERNATE_LOCATED
            best, ambiguous = _town_in(m, words, best, ambiguous, context)
            if best is None or (best.population or 0) < least:
                return None
    return _Found(i, j, city_target(best, ambiguous), best.match)


def _town_in(
    m: Matcher, words: str, best: Match, ambiguous: bool, context: list[str]
) -> tuple[Match | None, bool]:
    """The town ``words`` names in the first of the article's countries (in the order it
    names them) that has one, or None."""
    if best.country_code in context:
        return best, ambiguous
    for code in context:
        found = m.gazetteer.search(words, country=code, feature="city")
        if found.best is not None and found.best.match == "name":
            return found.best, found.ambiguous
    return None, False


def _settle_comma(
    article: _Article,
    n: int,
    comma: tuple[int, int, list[tuple[str, Region | None]]],
    code: str,
    region: Region | None,
) -> None:
    """``Atlanta, Georgia``: the name after the comma is the region of the city's country
    (or that country)."""
    start, end, _ = comma
    found = article.found[n].get(start)
    if region is None:
        if found is not None:
            found.regions = []
        return
    article.found[n][start] = _Found(start, end, region_target(region), "name")
    article.used[n][start:end] = [True] * (end - start)


def _scan(article: _Article, n: int, pick) -> None:
    """Take, left to right and longest first, the names ``pick`` accepts in sentence n."""
    sentence = article.sentences[n]
    used = article.used[n]
    i = 0
    while i < len(sentence):
        if used[i] or not sentence[i].capital:
            i += 1
            continue
        for j in spans(sentence, i):
            if any(used[i:j]):
                continue
            words = article.words(sentence, i, j)
            if fold(words) in STOP_PHRASES:
                used[i:j] = [True] * (j - i)
                i = j - 1
                break
            found = pick(i, j, words)
            if found is _DEFER:
                i = j - 1
                break
            if found is not None:
                article.found[n][found.i] = found
                used[i:j] = [True] * (j - i)
                i = j - 1
                break
        i += 1


def _settle(article: _Article) -> None:
    """Decide what each name that may be several places is, from the article's other
    places: a region's country named elsewhere, a country's namesake region (Georgia in an
    article set in the United States, not Mali in "Guinea, Mali and Niger")."""
    context = article.context()
    counts = article.country_counts(namesakes=True)
    for found in article.found:
        for key in list(found):
            f = found[key]
            if not f.regions:
                continue
            near = [r for r in f.regions if r.country in context]
            if f.needs_context and not near:
                del found[key]
                continue
            if f.target is not None:  # a country's name, also a region's
                # the article must be mostly set in the region's country, this name aside
                others = {c: k for c, k in counts.items() if c != f.target.country_code}
                total = sum(others.values())
                mostly = [r for r in near if others.get(r.country, 0) > STRONG_SHARE * total]
                if mostly and f.target.country_code not in context:
                    f.target = region_target(_most_known(mostly))
            else:
                chosen = near or f.regions
                f.target = region_target(_most_known(chosen), len({r.country for r in chosen}) > 1)
            f.regions = []


#: Words that may stand before a place's name in its run: ``Northern Sumatra``, ``Far
#: North Queensland`` (a bare compass word makes a name: ``West Nile``, ``South Sudan``).
_DIRECTIONS = frozenset(
    [
        "far",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "upper",
        "lower",
        "outer",
        "inner",
        "rural",
        "downtown",
    ]
)
_COMPASS = frozenset(["north", "south", "east", "west"])
_LISTED = re.compile(r"\s*(?:,|;|,?\s+(?:and|or))\s*\Z")


def _lists(article: _Article) -> None:
    """A name in a list of regions is a region: ``Oregon, Washington and Ohio`` lists
    states, so Washington is the state, not the city."""
    text = article.text
    for sentence, found in zip(article.sentences, article.found, strict=True):
        names = [found[k] for k in sorted(found) if found[k].target is not None]
        for k, f in enumerate(names):
            target = f.target
            if target is None or target.feature != "city":
                continue
            neighbours = []
            if k > 0:
                neighbours.append(
                    (names[k - 1], sentence[names[k - 1].j - 1].end, sentence[f.i].start)
                )
            if k + 1 < len(names):
                neighbours.append(
                    (names[k + 1], sentence[f.j - 1].end, sentence[names[k + 1].i].start)
                )
            listed = any(
                n.target is not None
                and n.target.feature == "region"
                and n.target.country_code == target.country_code
                and _LISTED.match(text, a, b) is not None
                for n, a, b in neighbours
            )
            if not listed:
                continue
            words = article.words(sentence, f.i, f.j)
            same = [
                r
                for r in article.matcher.regions(words)
                if r.country == target.country_code  # not the city's own district (DC)
                and distance_km(r.lat, r.lon, target.lat, target.lon) > 50
            ]
            if same:
                f.target = region_target(_most_known(same))
                f.how = "name"


def _most_known(regions: list[Region]) -> Region:
    return min(regions, key=lambda r: 99 if r.scalerank is None else r.scalerank)


def find_mentions(
    text: str,
    *,
    source: str = "",
    file: str = "",
    gazetteer: Gazetteer | None = None,
    matcher: Matcher | None = None,
) -> list[Mention]:
    """Every place the text names, in order (read composed: offsets, words and sentences
    are the text's as written)."""
    matcher = matcher or Matcher(gazetteer)
    composed = Composed(text)
    written, text = text, composed.text
    article = _Article(text, matcher)
    for n, sentence in enumerate(article.sentences):
        _scan(article, n, lambda i, j, words, n=n, s=sentence: _area(article, n, s, i, j, words))
    context = article.context()
    for n, sentence in enumerate(article.sentences):
        _scan(article, n, lambda i, j, words, n=n, s=sentence: _city(article, n, s, i, j, context))
    _settle(article)
    _lists(article)
    found: list[Mention] = []
    # Lines are counted on from the last mention, never from the start: mentions come in
    # order, and counting from the start for each made a 10 MB article take minutes.
    line, counted, line_start = 1, 0, 0
    for (s_start, s_end), sentence, names in zip(
        article.spans, article.sentences, article.found, strict=True
    ):
        quoted = " ".join(written[composed.start(s_start) : composed.end(s_end)].split())
        for i in sorted(names):
            f = names[i]
            if f.target is None:
                continue
            start = composed.start(sentence[i].start)
            end = composed.end(sentence[f.j - 1].end)
            breaks = written.count("\n", counted, start)
            if breaks:
                line += breaks
                line_start = written.rfind("\n", counted, start) + 1
            counted = start
            col = start - line_start + 1
            found.append(
                Mention(
                    source, file, start, end, line, col, written[start:end], f.how, quoted, f.target
                )
            )
    return in_context(found, matcher)  # each name again, with the article's geography


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


def clipped(value: str, limit: int) -> str:
    """``value`` as shown in a report: cut to ``limit`` characters, ending in an ellipsis."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "\u2026"

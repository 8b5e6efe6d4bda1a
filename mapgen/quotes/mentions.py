"""The places an article mentions, found with the offline gazetteer.

``mapgen check`` lists the places the articles mention that the map does not show (unless
``places.yaml`` leaves them out on purpose, under ``left_out:``;
:mod:`mapgen.quotes.mentionreport`), and ``mapgen extract`` turns an article's mentions
into ready-to-paste YAML (:mod:`mapgen.quotes.extract`).  Both use :func:`find_mentions`,
which this module holds with the rules below; the word lists the rules name are
:mod:`mapgen.quotes.wordlists`.

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

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..core.terminal import one_line
from ..geo.countries import _country_index, fold
from ..geo.gazetteer import Gazetteer, Match
from .incontext import in_context
from .wordlists import (
    CONNECTORS,
    DEMONYMS,
    LOCATIVES,
    NOT_NAMES,
    SHORT_FORMS,
    STOP_PHRASES,
    STOP_WORDS,
)

__all__ = [
    "DEMONYMS",
    "MAX_MENTION_CHARS",
    "MIN_POPULATION",
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
    #: What decided the gazetteer's answer (``largest of 3 by population``), and a region's
    #: ISO 3166-2 code (see :mod:`mapgen.quotes.incontext`).
    why: str = ""
    region: str = ""

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
    how: str  # "name", "alternate name", "abbreviation" (US, UK...) or "demonym"
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


class Matcher:
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
            if key in SHORT_FORMS and not words.replace(".", "").isupper():
                return None
            target = self.country(self.by_name[key])
            how = "abbreviation" if key in SHORT_FORMS else "name"
            return (target, how) if target else None
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
    matcher: Matcher | None = None,
) -> list[Mention]:
    """Every place the text names, in order."""
    matcher = matcher or Matcher(gazetteer)
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
    return in_context(found, matcher)  # each name again, with the article's geography


def _city_target(
    matcher: Matcher,
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

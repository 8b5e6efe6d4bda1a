"""An article as sentences and words, and where a name may begin and end.

:mod:`mapgen.quotes.mentions` reads names out of these tokens.  What this module decides
is what an editor decides before knowing any place: where sentences end, which words are
capitalised name words, and which neighbouring words belong to one name.  Two
capitalised words belong to one name only if nothing but a space or a hyphen stands
between them: a comma, a quote, a bracket or a full stop ends a name (``In Moscow, Mayor
Sergei Sobyanin``; ``towards Moscow, Russian President``), and so does a possessive
(``southern Russia's Rostov-on-Don`` is Russia, then Rostov-on-Don), except that an
initial or a short title (``George W. Bush``, ``St. Louis``) joins what follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..geo.countries import fold
from .sentences import trimmed
from .wordlists import CONNECTORS, NOT_NAMES

__all__ = ["Token", "runs", "sentences", "spans", "tokens"]

_WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][^\W_]*(?:[\u2019'][^\W_]+)*")
_POSSESSIVE = re.compile(r"[\u2019']s?\Z")
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]\.){2,}|\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sgt|Capt|Jr|Sr|Prof|Rep"
    r"|Sen|Gov|No|vs|etc|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec)\.)[\"\u201d\u2019)]*\Z"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d\u2019)]*\s+(?=[\"\u201c\u2018(]*[A-Z0-9])|\n+")
#: ``I'd``, ``We'll``, ``Don't``: words, never names.
_CONTRACTION = re.compile(r"[\u2019'](?:d|ll|re|ve|m|t)\Z", re.IGNORECASE)
_DATELINE = re.compile(r"\s*(?:,|\(|\u2014|\u2013|--? )")
#: What may stand between two words of one name: spaces on one line, or a hyphen.
_JOIN = re.compile(r"[ \t\u00a0]+|-")
#: ... or a full stop and a space after an initial or a short title (``W. Bush``, ``St. Louis``).
_JOIN_AFTER_SHORT = re.compile(r"\.[ \t\u00a0]+")
#: Short forms written with a full stop that join the name after them: places' (``St.
#: Louis``) and titles' (``Mr. Jordan``, read as a person by :mod:`mapgen.quotes.people`).
_SHORT = frozenset(
    [
        "st",
        "mt",
        "ft",
        "pt",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "rev",
        "fr",
        "maj",
        "adm",
        "cmdr",
    ]
)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split after ``.``, ``!`` or ``?`` before a capital,
    and at line breaks, but not after an abbreviation (``U.S.``, ``Mr.``, ``J.``)."""
    spans_ = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        near = max(0, match.start() - 16)
        if "\n" not in match.group() and _ABBREVIATION.search(text, near, match.start()):
            continue
        if text[start : match.start()].strip():
            spans_.append(trimmed(text, start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans_.append(trimmed(text, start, len(text)))
    return spans_


@dataclass(slots=True)
class Token:
    """A word of a sentence: where it is, the word (without a possessive ``'s``), and how
    it stands to the word before it."""

    start: int
    end: int
    word: str
    #: The first word of its sentence.
    first: bool = False
    #: Nothing but a space or hyphen between it and the word before (see the module doc).
    joined: bool = False
    #: Joined by a hyphen (``France-Presse``, ``Rostov-on-Don``).
    hyphen: bool = False
    #: Written with a possessive ``'s`` (stripped from ``word``): a name ends with it.
    possessive: bool = False
    #: Beside a ``$`` (``US$ 5``): a currency, not a place.
    money: bool = False
    #: In capitals at the start of a line, before a comma, bracket or dash: a dateline
    #: (``WASHINGTON (AP) —``), a name, not an acronym.
    dateline: bool = False
    #: Capitalised, and possibly part of a name (not ``The``, ``Monday``, ``I'd``, ``US$``).
    capital: bool = False

    @property
    def acronym(self) -> bool:
        """All capitals, two letters or more, no dots (``EU``, ``WHO``, ``NSW``)."""
        return (
            len(self.word) > 1
            and self.word.isupper()
            and "." not in self.word
            and not self.dateline
        )


def tokens(text: str, start: int, end: int) -> list[Token]:
    """The words of ``text[start:end]`` (a sentence), in order."""
    out: list[Token] = []
    for m in _WORD.finditer(text, start, end):
        word = m.group()
        stripped = _POSSESSIVE.sub("", word) if len(word) > 2 and not word.isalpha() else word
        token = Token(m.start(), m.start() + len(stripped), stripped, not out)
        token.possessive = len(stripped) < len(word)
        if out:
            before = out[-1]
            gap = text[before.end : m.start()]
            if not before.possessive and (
                gap == " "
                or _JOIN.fullmatch(gap)
                or (
                    _JOIN_AFTER_SHORT.fullmatch(gap)
                    and (len(before.word) == 1 or fold(before.word) in _SHORT)
                )
            ):
                token.joined = True
                token.hyphen = gap == "-"
        if stripped[:1].isupper():
            token.money = (
                text[m.end() : m.end() + 1] == "$" or text[m.start() - 1 : m.start()] == "$"
            )
            if len(word) > 3 and word.isupper() and _DATELINE.match(text, m.end()):
                line_start = text.rfind("\n", 0, m.start()) + 1
                token.dateline = not text[line_start : m.start()].strip()
            token.capital = not (
                token.money
                or (not word.isalpha() and _CONTRACTION.search(stripped))
                or (fold(stripped) in NOT_NAMES and (token.first or not stripped.isupper()))
            )
        out.append(token)
    return out


def runs(sentence: list[Token]) -> list[list[Token]]:
    """Maximal runs of joined capitalised tokens (a lowercase word, a comma, a quote or a
    possessive ends one)."""
    out: list[list[Token]] = []
    current: list[Token] = []
    for token in sentence:
        if token.capital and (token.joined and current):
            current.append(token)
            continue
        if current:
            out.append(current)
        current = [token] if token.capital else []
    if current:
        out.append(current)
    return out


def spans(sentence: list[Token], i: int, longest: int = 6) -> Iterable[int]:
    """Ends j (exclusive) of candidate names starting at token i, longest first: joined
    capitalised words, with connectors (``of``, ``on``...) inside."""
    ends = []
    j = i
    while j < len(sentence) and j - i < longest:
        token = sentence[j]
        if j > i and not token.joined:
            break
        if token.capital:
            ends.append(j + 1)
        elif token.word.lower() not in CONNECTORS:
            break
        if token.possessive:
            break
        j += 1
    return reversed(ends)

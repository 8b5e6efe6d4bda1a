"""A quote in its article: whether it is fair evidence, and what its cut leaves out.

A quote found word for word can still mislead: ``Pier 3`` is in ``Pier 33``, ``confirmed a
summit`` is in ``had not yet confirmed a summit``, and ``Russia`` is in any article about
Russia.  Verification (:mod:`mapgen.quotes.verify`) therefore refuses the mechanical ways
to make a quote unfair (:func:`flaw`: a cut word or number, a fragment, two paragraphs
spliced), and ``mapgen check`` warns where the words a quote leaves out of its sentence
change what it says (:func:`warnings`).  The sentences and paragraphs these rules read are
found by :mod:`mapgen.quotes.sentences`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .sentences import collapse_spaces, ellipses, paragraph_broken, sentence_of

__all__ = [
    "APOSTROPHES",
    "DASHES",
    "THREE_WORDS",
    "QuoteInContext",
    "cut_at",
    "flaw",
    "quote_warnings",
    "says_status",
    "three_words",
    "warnings",
    "words_in",
]

# --------------------------------------------------------------------------- the rules

#: What folding (:mod:`mapgen.quotes.verify`) reads as an apostrophe, and as a dash: the fold
#: table is built from these, so that a quote typed with ``'`` stands for any of them,
#: and no character folding takes for an apostrophe is missing from the word rules here.
APOSTROPHES = "'\u2018\u2019\u201a\u201b\u2032\u02bc\uff07"
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
#: Apostrophes that join the parts of a word (``can't``, ``Russia's``): those folding
#: reads as one, and the accents typed for one (an acute accent, or ``can`t``).
_APOSTROPHE_JOINERS = APOSTROPHES + "\u00b4`"
#: Characters that join two parts of one word or number: ``Russia's``, ``in-person``,
#: ``10-13``, ``1.5``, ``1,500``.  A quote may not start or end between the parts.  Every
#: dash folding reads as a hyphen joins, but the em dashes and the horizontal bar: they
#: set a clause apart (``the talks\u2014held in secret\u2014were``), and join only digits.
_CLAUSE_DASHES = "\u2014\u2015\ufe58"
_JOINERS = _APOSTROPHE_JOINERS + DASHES.translate(dict.fromkeys(map(ord, _CLAUSE_DASHES)))
#: What joins two digits of one number: a decimal point or thousands separator (``1.5``,
#: ``1,500``), a dash (``10\u201413``), and the spaces printed inside a number
#: (``68\u00a0000``: no-break, thin, narrow no-break and figure spaces).
_NUMBER_JOINERS = ".," + _CLAUSE_DASHES + "\u00a0\u2009\u202f\u2007"
#: The signs that make a number a percentage (per cent, per mille, per ten thousand).
_PER = "%\u2030\u2031\uff05"
#: A sign that is part of the number it stands before (``-40``, ``\u221240``, ``+3``).
_SIGNS = "+-\u2212\u2013\ufe62\ufe63\uff0b\uff0d"
_WORD_PATTERN = rf"\w+(?:[{re.escape(_APOSTROPHE_JOINERS)}]\w+)*"
_WORD = re.compile(_WORD_PATTERN)
#: Three words from the start (``match``), as :data:`_WORD` finds them: each whole, taken
#: through a look-ahead, which is never backtracked into, so that ``can't`` is not ``can``
#: and ``t``.  (Anchored: a ``search`` would start again inside a word of megabytes.)
THREE_WORDS = re.compile(r"\W*" + r"\W*".join([rf"(?=({_WORD_PATTERN}))\{k}" for k in (1, 2, 3)]))


def _inside(char: str) -> bool:
    """Whether ``char`` is part of a word: a letter or a digit, or a combining mark
    (``cafe\u0301`` is ``café``: the accent is the word's, not the end of ``cafe``)."""
    return char.isalnum() or (char > "\u02ff" and unicodedata.category(char) in _MARKS)


_MARKS = frozenset(("Mn", "Mc", "Me"))
#: Most invisible characters looked past at a boundary (a run of megabytes: clipped).
_INVISIBLE_RUN = 16


def _visible(text: str, at: int, step: int) -> int:
    """The offset of the first character from ``at`` on (``step`` 1) or back (-1) that
    is not a format character (a soft hyphen, a zero width space or joiner, a word
    joiner, a direction mark): those are inside whatever word they stand in, unseen.
    -1 or ``len(text)`` if there is none."""
    for _ in range(_INVISIBLE_RUN):
        if not 0 <= at < len(text):
            return at
        char = text[at]
        if char < "\u00ad" or unicodedata.category(char) != "Cf":
            return at
        at += step
    return at


def _part_of_word(text: str, at: int) -> bool:
    """Whether the boundary at offset ``at`` (between ``text[at-1]`` and ``text[at]``)
    falls inside a word or a number.

    Format characters are looked past (``Pier 3\u00ad3`` is ``Pier 33``, soft hyphen
    or not); a joiner with word characters on both sides is inside the word
    (``Russia's``, ``in-person``, ``can\u2018t``), a decimal point, a thousands separator,
    a dash or a space inside a number with digits on both sides (``1.5``,
    ``68\u00a0000``, ``10\u221213``); and a sign or a decimal point before a number that
    no word precedes is the number's (``-40``, ``.5%``)."""
    if at <= 0 or at >= len(text):
        return False
    a, b = _visible(text, at - 1, -1), _visible(text, at, 1)
    if a < 0 or b >= len(text):
        return False
    left, right = text[a], text[b]
    if _inside(left) and _inside(right):
        return True
    before, after = _char(text, a, -1), _char(text, b, 1)
    # "Russia|'s", "in|-person", "can|\u2018t": a joiner with word characters on both sides
    if (right in _JOINERS and _inside(left) and _inside(after)) or (
        left in _JOINERS and _inside(before) and _inside(right)
    ):
        return True
    # "1|.5", "68|\u00a0000", "10\u2014|13": a number's joiner with digits on both sides
    if (right in _NUMBER_JOINERS and left.isdigit() and after.isdigit()) or (
        left in _NUMBER_JOINERS and before.isdigit() and right.isdigit()
    ):
        return True
    # "10|%": a percentage is a number of its own ("rose 10" is not "rose 10%")
    if left.isdigit() and right in _PER:
        return True
    # "-|40", ".|5%", "-|.5": a sign or a decimal point that starts a number
    if (left in _SIGNS or left == ".") and not _inside(before):
        return right.isdigit() or (left != "." and right == "." and after.isdigit())
    return False


def _char(text: str, at: int, step: int) -> str:
    """The visible character next to ``text[at]``, after it (``step`` 1) or before it
    (-1), or "" at either end of the text."""
    k = _visible(text, at + step, step)
    return text[k] if 0 <= k < len(text) else ""


def _whole_word(text: str, at: int) -> str:
    """The word or number (with its joined parts) around offset ``at``."""
    start = end = at
    first, last = max(0, at - 40), min(len(text), at + 40)  # a "word" of megabytes: clipped
    while start > first and (_part_of_word(text, start) or _inside(text[start - 1])):
        start -= 1
    while end < last and (_part_of_word(text, end) or _inside(text[end])):
        end += 1
    return text[start:end]


def cut_at(text: str, span: tuple[int, int]) -> int | None:
    """The offset (the quote's start or end) where the quote cuts a word or a number."""
    for at in span:
        if _part_of_word(text, at):
            return at
    return None


def words_in(quote: str) -> int:
    """How many words (or numbers) ``quote`` holds."""
    return len(_WORD.findall(quote))


def three_words(quote: str) -> bool:
    """Whether ``quote`` holds at least three words (or numbers), told without counting
    them all: what :func:`flaw` and the column at a time check
    (:func:`mapgen.quotes.verify.refuse_unfair`) both ask.  Folding changes no word's count:
    the apostrophes it changes are all joiners, the rest is white space or marks."""
    return THREE_WORDS.match(quote) is not None


#: The longest sentence a message shows whole; a longer "sentence" (an article with no
#: full stops) is clipped, so that no message runs to megabytes.
SHOWN = 1000


def _clip(words: str, limit: int = SHOWN) -> str:
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "\u2026"


def _sentence_shown(text: str, span: tuple[int, int]) -> str:
    start, end = sentence_of(text, span)
    return _clip(collapse_spaces(text[start : min(end, start + 4 * SHOWN)]))


def flaw(text: str, span: tuple[int, int], quote: str) -> str | None:
    """Why the quote found at ``span`` of ``text`` is not fair evidence, or None: it cuts
    a word or a number, it is a fragment (fewer than three words, and not a whole
    sentence), or it runs over a paragraph break.  Each reason shows the article's
    sentence, so that the fix is one paste."""
    start, end = span
    at = cut_at(text, span)
    if at is not None:
        word = _whole_word(text, at)
        what = "number" if any(c.isdigit() for c in word) else "word"
        side = "starts" if at == start else "ends"
        return (
            f'quote {side} inside the {what} "{word}" (it reads'
            f' "{_clip(collapse_spaces(text[start:end]))}"): quote whole words; the sentence is'
            f' "{_sentence_shown(text, span)}"'
        )
    broken = paragraph_broken(text, span)
    if broken is not None:
        before = _clip(collapse_spaces(text[start:broken]))
        after = _clip(collapse_spaces(text[broken:end]))
        return (
            f'quote runs across two paragraphs ("{before}" | "{after}"): quote one'
            " paragraph at a time, as separate quotes"
        )
    lead, trail = ellipses(text, span)
    if not three_words(quote) and (lead or trail):
        return (
            f'quote "{collapse_spaces(quote)}" is a fragment: quote at least three words, or a'
            f' whole sentence; the sentence is "{_sentence_shown(text, span)}"'
        )
    return None


# --------------------------------------------------------------------------- check's warnings

_NEGATION = re.compile(
    r"\b(?:not|no|never|nor|neither|none|nothing|nobody|without|cannot|hardly|yet\s+to|"
    r"unable|fail(?:s|ed|ing)?\s+to|declin(?:e|es|ed|ing)\s+to|"
    r"den(?:y|ies|ied|ying|ial)|refus(?:e|es|ed|ing)|reject(?:s|ed|ing)?|"
    rf"dismiss(?:es|ed|ing)?|false(?:ly)?|\w+n[{re.escape(_APOSTROPHE_JOINERS)}]t)\b",
    re.IGNORECASE,
)
#: What, said after a quote in its sentence, takes it back (``..., a report the Kremlin
#: later denied.``): a denial, not any negation (``..., not food`` takes nothing back).
_DENIAL_AFTER = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ials?)|dismiss(?:es|ed|ing)?|reject(?:s|ed|ing)?|"
    r"refut(?:e|es|ed|ing)|disput(?:e|es|ed|ing)|false(?:ly)?|untrue|not\s+true|"
    r"not\s+the\s+case|no\s+evidence|retract(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)
#: The verbs of saying (lower case: "United States" is no "states").
_SAYING = (
    r"said|says|cautioned|cautions|warned|warns|reported|reports|claimed|claims|alleged|"
    r"alleges|stated|told|tells|suggested|suggests|indicated|indicates|disclosed|revealed|"
    r"announced|asserted|argued|insisted|insists|believes|believed|noted|mentioned|"
    r"added|affirmed|maintained|contended|wrote|"
    r"say|tell|claim|allege|warn|caution|believe|insist|argue|suggest|"
    # the hedges that say the same: someone else says so
    r"reportedly|allegedly|purportedly|supposedly|apparently"
)
#: Who says it: a verb of saying, or "according to", before the quote's words; after
#: them, the same ("..., US officials alleged", "..., according to officials").
_ATTRIBUTION = re.compile(rf"\b(?:{_SAYING}|[Aa]ccording\s+to|[Aa]s\s+reported\s+by)\b")
_ATTRIBUTION_AFTER = re.compile(
    rf"\b(?:{_SAYING}|according\s+to|as\s+reported\s+by|as\s+quoted\s+by)\b"
)
#: A condition, in any case ("If the talks succeed, ..."), or a modal; "may" in lower
#: case only ("In May, ..." is a month).
_CONDITIONAL = re.compile(
    r"\b(?:(?i:if|unless|whether|should|would|could|might|provided\s+that)|may)\b"
)
#: A condition set first by inversion: "Were Russia to supply jets, ...", "Had the talks
#: failed, ...".
_INVERTED_CONDITION = re.compile(r"\W*(Were|Had)\b[^,;:.!?]*,")
_CONFIRM = re.compile(r"\bconfirm(?:s|ed|ing|ation)?\b", re.IGNORECASE)
_DENY = re.compile(r"\bden(?:y|ies|ied|ying|ials?)\b", re.IGNORECASE)
#: How many of the left-out words just before a quote a negation is looked for in; and
#: how many before it at most, for a negation set apart from its verb ("has not, as of
#: Tuesday evening, confirmed ...").
NEGATION_WINDOW = 4
#: How many characters before a word "just before" it is read in (a quote of megabytes
#: that says "not confirmed" a million times is not split a million times).
_NEAR = 200
NEGATION_REACH = 12


@dataclass(frozen=True)
class QuoteInContext:
    """A quote as :func:`warnings` reads it: its words, its article and where it stands."""

    words: str
    article: str
    span: tuple[int, int]
    stance: str = "claims"


def _last_words(text: str, n: int) -> str:
    """The last ``n`` words of ``text``: how near "just before" is."""
    return " ".join(text.split()[-n:])


def quote_warnings(quote: QuoteInContext, status: str) -> list[str]:
    """What the words the quote leaves out of its sentence do to it: a negation just
    before it, a dropped attribution on a ``confirmed`` feature, a conditional."""
    text, (start, end) = quote.article, quote.span
    s_start, s_end = sentence_of(text, quote.span)
    # the left-out words near the quote: a sentence of megabytes is read no further
    before, after = text[max(s_start, start - SHOWN) : start], text[end : min(s_end, end + SHOWN)]
    whole = _sentence_shown(text, quote.span)
    found = []
    near = _NEGATION.search(_last_words(before, NEGATION_WINDOW))
    negation = near or _NEGATION.search(_last_words(before, NEGATION_REACH))
    if negation is not None:
        found.append(
            f'the sentence says "{collapse_spaces(negation.group())}"'
            f' {"just " if near else ""}before the quote, which leaves it out: "{whole}"'
        )
    denial = _DENIAL_AFTER.search(after)
    if denial is not None:
        found.append(
            f'the sentence says "{collapse_spaces(denial.group())}" after the quote, which'
            f' leaves it out: "{whole}"'
        )
    if status == "confirmed":
        said = _ATTRIBUTION.search(before)
        dropped = before if said else after if _ATTRIBUTION_AFTER.search(after) else ""
        if dropped:
            found.append(
                f'the quote leaves out who says it ("{collapse_spaces(dropped)}"), yet the feature'
                f' is confirmed: "{whole}"'
            )
    conditional = (
        _CONDITIONAL.search(before)
        or _CONDITIONAL.search(after)
        or (start - s_start <= SHOWN and _INVERTED_CONDITION.match(text, s_start, start))
    )
    if conditional is not None:
        found.append(
            f'the quote leaves out a condition ("{conditional.group(conditional.lastindex or 0)}")'
            f' of its sentence: "{whole}"'
        )
    return found


def says_status(quotes: Iterable[QuoteInContext], status: str) -> bool:
    """Whether any quote says what a ``confirmed`` or ``denied`` status claims: a passage
    that confirms (not "did not confirm", "declined to confirm", "No official would
    confirm"), one that denies (not "did not deny"), or a ``stance: denies`` quote for a
    denial."""
    said = _CONFIRM if status == "confirmed" else _DENY if status == "denied" else None
    if said is None:
        return False
    for quote in quotes:
        if status == "denied" and quote.stance == "denies":
            return True
        for match in said.finditer(quote.words):
            near = quote.words[max(0, match.start() - _NEAR) : match.start()]
            if not _NEGATION.search(_last_words(near, NEGATION_WINDOW)):
                return True
    return False


def warnings(quotes: list[QuoteInContext], status: str) -> list[tuple[int, str]]:
    """(index of the quote, message) of each warning about a feature's quotes; an index
    of -1 for a status that no quote says."""
    found = [(k, w) for k, quote in enumerate(quotes) for w in quote_warnings(quote, status)]
    if status in ("confirmed", "denied") and not says_status(quotes, status):
        verb = "confirms" if status == "confirmed" else "denies"
        found.append(
            (
                -1,
                f"the feature is {status}, but none of its quotes {verb} it (a passage"
                f" with {'confirm' if status == 'confirmed' else 'deny'} or its forms"
                + (", or a stance: denies quote" if status == "denied" else "")
                + ")",
            )
        )
    return found

"""An article's sentences and paragraphs, and where a quote stands among them.

The page shows each quote as part of its sentence (:func:`sentence_of`,
:func:`ellipses`: whether the sentence goes on before and after the quote), the GeoJSON
writes that sentence beside a cut quote (:func:`sentences_column`), and verification
refuses a quote that runs across a paragraph break (:func:`paragraph_broken`).

An article's layout (:func:`layout`: its sentences and paragraph breaks) is found once per
text by regular expressions, in C: a big story's thousand articles are laid out in a
fraction of a second, and each quote's sentence is then a binary search.  Separate from
:mod:`mapgen.quotes.context` (the rules that judge a quote in its sentence) because this is
only the text's shape: the page and the GeoJSON need it, not the rules.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import compress, count, repeat
from operator import add, getitem, itemgetter, not_, sub

__all__ = [
    "LINE_BREAKS",
    "SENTENCE_CONTEXT",
    "Layout",
    "collapse_spaces",
    "ellipses",
    "ellipsis_flags",
    "in_sentence",
    "layout",
    "paragraph_broken",
    "sentence_of",
    "sentences_column",
]

#: Quote marks and brackets that may close a sentence after its full stop (``."`` ``.”``),
#: and that may open one.
_CLOSERS = "\"'\u201d\u2019)\\]\u00bb"
_OPENERS = "\"'\u201c\u2018(\\[\u00ab"
#: A capital (Latin, Greek, Cyrillic) or a digit: what a new sentence starts with.
_CAPITAL = "A-Z0-9\u00c0-\u00d6\u00d8-\u00de\u0391-\u03a9\u0410-\u042f"

#: (A run of stops is tried once, from its first: "....." is not tried at each dot.)
#: A full stop that does not end a sentence: after an abbreviation (``Mr.``, ``Sept.``),
#: or an initial (``J.``, the last dot of ``U.S.``).  Each look-behind has a fixed width.
_NOT_AFTER = (
    r"(?<!\b[A-Z])"
    r"(?<!\b(?:Mr|Ms|Dr|St|Lt|Jr|Sr|Mt|Ft|No|vs|Co))"
    r"(?<!\b(?:Mrs|Gen|Col|Sgt|Rep|Sen|Gov|Adm|Maj|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec))"
    r"(?<!\b(?:Capt|Prof|Sept|Cmdr|Gens|Reps|Sens))"
)
#: The end of a sentence: ``.``, ``!``, ``?`` or ``…`` (not after an abbreviation), any
#: closing quote marks, white space, and then (maybe after opening marks) a capital or a
#: digit.  A decimal point (``1.5``) has no white space after it, so never ends one.
_END = re.compile(
    rf"(?=[.!?\u2026])(?<![.!?])(?:{_NOT_AFTER}\.+|[!?]+|\u2026)[{_CLOSERS}]*"
    rf"(?=\s+[{_OPENERS}]*[{_CAPITAL}])"
)
#: A line break: ``\n``, ``\r\n`` (one break, not two), a lone ``\r``, and the other
#: characters that end a line (as ``str.splitlines`` reads them: NEL, the line separator,
#: vertical tab, form feed...).  The paragraph separator is a paragraph break.
_LINE_BREAK = r"(?:\r\n|\r(?!\n)|[\n\v\f\x1c-\x1e\x85\u2028])"
#: White space within a line (a "blank" line may hold spaces, tabs or no-break spaces).
_IN_LINE = r"[^\S\n\v\f\r\x1c-\x1e\x85\u2028\u2029]"
#: Every character :data:`_LINE_BREAK` or a paragraph separator is made of.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
#: A paragraph break: a blank line (or several), a paragraph separator, or a line break
#: after a line that ends a sentence (``.``, ``!``, ``?``, ``:`` and any closing marks),
#: with any blank lines after it (group 1: the white space between the paragraphs).
_PARAGRAPH_BREAK = re.compile(
    rf"{_LINE_BREAK}(?:{_IN_LINE}*{_LINE_BREAK})+|\u2029"
    rf"|[.!?:\u2026][{_CLOSERS}]*({_IN_LINE}*{_LINE_BREAK}(?:{_IN_LINE}*{_LINE_BREAK})*)"
)
_DOUBLE_QUOTES = re.compile('["\u201c\u201d]')


@dataclass(frozen=True)
class Layout:
    """An article's sentences, as sorted (start, end) offsets, and its paragraph breaks.

    ``cores`` are the sentences without their opening and closing marks (quote marks, the
    full stop), so that a quote that leaves out only those is not said to leave anything
    out.  ``breaks`` are the offsets of the paragraph breaks (white space between two
    paragraphs)."""

    starts: list[int]
    ends: list[int]
    core_starts: list[int]
    core_ends: list[int]
    breaks: list[int]


@functools.lru_cache(maxsize=4096)
def layout(text: str) -> Layout:
    """The sentences and paragraph breaks of ``text`` (once per text: treat as read-only).

    Paragraphs are separated by blank lines, and by a line break after a line that ends
    a sentence: an article with one paragraph a line has no blank lines, and a blank line
    elsewhere in it does not make its paragraphs one.  A line that does not end a
    sentence is wrapped: its line break is a space.  Sentences end at paragraph breaks,
    and at ``.``, ``!`` or ``?`` followed by white space and a capital or a digit, except
    after an abbreviation or an initial, and except inside a quotation (``\u201cWhy not?
    They are our neighbours,\u201d he said.`` is one sentence) where its marks are
    balanced.
    """
    breaks = []
    paragraphs = []
    at = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        # the break: a blank line, or the line break after the full stop and marks
        where = 1 if match.start(1) >= 0 else 0
        paragraphs.append((at, match.start(where)))
        breaks.append(match.start(where))
        at = match.end(where)
    paragraphs.append((at, len(text)))
    starts: list[int] = []
    ends: list[int] = []
    for first, last in paragraphs:
        cuts = [m.end() for m in _END.finditer(text, first, last)]
        if cuts and _DOUBLE_QUOTES.search(text, first, last):
            cuts = _outside_quotations(text, first, last, cuts)
        at = first
        for cut in [*cuts, last]:
            start, end = trimmed(text, at, cut)
            if start < end:
                starts.append(start)
                ends.append(end)
            at = cut
    core_starts = [_core_start(text, s, e) for s, e in zip(starts, ends, strict=True)]
    core_ends = [_core_end(text, s, e) for s, e in zip(core_starts, ends, strict=True)]
    return Layout(starts, ends, core_starts, core_ends, breaks)


def _outside_quotations(text: str, first: int, last: int, cuts: list[int]) -> list[int]:
    """The cuts not inside a quotation, if the paragraph's double quote marks pair up
    (curly ones open and close; straight ones alternate); all of them if they do not."""
    marks = [(m.start(), m.group()) for m in _DOUBLE_QUOTES.finditer(text, first, last)]
    opening = sum(1 for _, c in marks if c == "\u201c")
    closing = sum(1 for _, c in marks if c == "\u201d")
    straight = sum(1 for _, c in marks if c == '"')
    if opening != closing or straight % 2:
        return cuts
    depth_after = []  # (offset, depth just after the mark)
    depth = 0
    inside_straight = False
    for at, c in marks:
        if c == '"':
            inside_straight = not inside_straight
            depth += 1 if inside_straight else -1
        else:
            depth += 1 if c == "\u201c" else -1
        depth_after.append((at, depth))
    offsets = [at for at, _ in depth_after]
    kept = []
    for cut in cuts:
        k = bisect_left(offsets, cut) - 1  # the last mark before the cut
        if k < 0 or depth_after[k][1] <= 0:
            kept.append(cut)
    return kept


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` moved inward past white space at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_CORE_LEFT = set(_OPENERS.replace("\\", "")) | {" "}
_CORE_RIGHT = set(_CLOSERS.replace("\\", "")) | set(".!?,;:\u2026 ")


def _core_start(text: str, start: int, end: int) -> int:
    while start < end and text[start] in _CORE_LEFT:
        start += 1
    return start


def _core_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _CORE_RIGHT:
        end -= 1
    return end


def _sentences_over(lay: Layout, start: int, end: int) -> tuple[int, int]:
    """The indices of the first and last sentences that [start, end) touches."""
    first = bisect_right(lay.ends, start)
    last = bisect_left(lay.starts, end) - 1
    return first, max(first, last)


def sentence_of(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """(start, end) of the sentence that the quote at ``span`` stands in (of the sentences,
    if it runs over more than one), never narrower than the quote."""
    lay = layout(text)
    start, end = span
    first, last = _sentences_over(lay, start, end)
    if first >= len(lay.starts):
        return span
    return min(start, lay.starts[first]), max(end, lay.ends[last])


def ellipses(text: str, span: tuple[int, int]) -> tuple[bool, bool]:
    """Whether the sentence goes on before the quote and after it: where the page puts an
    ellipsis (``…confirmed a summit between Kim and Putin.``).  Opening quote marks, the
    full stop and closing marks do not count: a quote may leave them out."""
    lay = layout(text)
    start, end = span
    first, last = _sentences_over(lay, start, end)
    if first >= len(lay.starts):
        return False, False
    return start > lay.core_starts[first], end < lay.core_ends[last]


_STOPS = ".!?\u2026"
_AFTER_STOP = set(_STOPS + _CLOSERS.replace("\\", "") + "\n")


def _plainly_whole(text: str, start: int, end: int) -> bool:
    """Whether the quote at [start, end) is plainly whole sentences, told from the two
    characters at either end of it alone: it starts a line after a full stop, a closing
    mark or a blank line (or the text's start), and ends a line on a full stop (or the
    text's end).  True for every quote of a story that quotes whole lines, so a big
    story's articles need no :func:`layout`.  :func:`sentences_column` tells the same."""
    left = text[start - 2 : start] if start >= 2 else ""
    return left in _WHOLE_START and text[end - 1 : end + 1] in _WHOLE_END


def in_sentence(text: str, span: tuple[int, int]) -> tuple[bool, bool, tuple[int, int]]:
    """:func:`ellipses` and :func:`sentence_of` of the quote at ``span``: whether its
    sentence goes on before it and after it, and where the sentence stands.  A quote
    that is plainly whole sentences (:func:`_plainly_whole`) is its own sentence."""
    if _plainly_whole(text, *span):
        return False, False, span
    lead, trail = ellipses(text, span)
    return lead, trail, sentence_of(text, span)


def sentences_column(
    articles: dict[str, str], sources: list[str], spans: list[tuple[int, int]]
) -> list[str | None]:
    """For each quote (its source and span), its sentence on one line if the quote leaves
    part of it out (:func:`in_sentence`), else None; a C loop per test over all the quotes,
    and a closer look one by one only at those that are not plainly whole sentences."""
    texts = list(map(articles.__getitem__, sources))
    starts = list(map(itemgetter(0), spans))
    ends = list(map(itemgetter(1), spans))
    # text[start - 2 : start] and text[end - 1 : end + 1], shorter at the text's ends:
    # each in a set of the pairs that plainly start and end whole sentences
    lefts = map(slice, map(sub, starts, repeat(2)), starts)  # "" for a start of 0 or 1
    rights = map(slice, map(sub, ends, repeat(1)), map(add, ends, repeat(1)))
    tests = zip(
        map(_WHOLE_START.__contains__, map(getitem, texts, lefts)),
        map(_WHOLE_END.__contains__, map(getitem, texts, rights)),
        strict=True,
    )
    found: list[str | None] = [None] * len(spans)
    for k in compress(count(), map(not_, map(all, tests))):
        text, span = texts[k], spans[k]
        lead, trail, (start, end) = in_sentence(text, span)  # told one by one
        if lead or trail:
            found[k] = _around(text, (start, end), span)
    return found


#: Most characters of a quote's sentence written on either side of the quote.  An article
#: with no full stop is one long sentence: on main a 9 MB one, quoted by 200 places, wrote
#: its whole text into the GeoJSON 200 times (1.8 GB).
SENTENCE_CONTEXT = 1000


def _around(text: str, sentence: tuple[int, int], span: tuple[int, int]) -> str:
    """The sentence on one line, cut (at an ellipsis) :data:`SENTENCE_CONTEXT` characters
    before the quote and after it if it goes on further."""
    start, end = (
        max(sentence[0], span[0] - SENTENCE_CONTEXT),
        min(sentence[1], span[1] + SENTENCE_CONTEXT),
    )
    line = collapse_spaces(text[start:end])
    return (
        ("\u2026" if start > sentence[0] else "") + line + ("\u2026" if end < sentence[1] else "")
    )


#: What plainly stands before whole sentences, and ends them (see :func:`_plainly_whole`,
#: which these agree with): a line break after a full stop, a closing mark or a blank line
#: (or the text's start), and a full stop before a line break (or the text's end).
_WHOLE_START = frozenset({"", "\n", *(c + "\n" for c in _AFTER_STOP)})
_WHOLE_END = frozenset({*_STOPS, *(c + "\n" for c in _STOPS)})


def ellipsis_flags(
    articles: dict[str, str], sources: list[str], spans: list[tuple[int, int]]
) -> list[int]:
    """For each quote, 2 if its sentence goes on before it, plus 4 if after it (as the
    data layer's passages write it beside 1 for a denial), a column at a time: the quotes
    :func:`sentences_column` finds cut are the only ones looked at again."""
    cut = sentences_column(articles, sources, spans)
    flags = [0] * len(spans)
    for k in compress(count(), cut):
        lead, trail, _ = in_sentence(articles[sources[k]], spans[k])
        flags[k] = 2 * lead + 4 * trail
    return flags


def paragraph_broken(text: str, span: tuple[int, int]) -> int | None:
    """The offset of the first paragraph break inside the quote at ``span``, or None."""
    breaks = layout(text).breaks
    k = bisect_right(breaks, span[0])
    return breaks[k] if k < len(breaks) and breaks[k] < span[1] else None


def collapse_spaces(words: str) -> str:
    """``words`` on one line, each run of white space one space, as an error message
    shows them (not :func:`mapgen.core.terminal.one_line`, which escapes control characters
    for a terminal)."""
    return " ".join(words.split())

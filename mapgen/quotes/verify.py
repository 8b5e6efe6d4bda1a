"""Quote verification: every quote must stand in its article, word for word.

Editors type straight quotes where articles print curly ones, and copy text across line
breaks, so both sides are *folded* first: typographic quotes, apostrophes and dashes become
their ASCII forms and runs of white space become one space.  Nothing else is forgiven: a
changed word, case or punctuation mark is a different quote.
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
from collections.abc import Callable, Mapping
from itertools import chain, compress, count, repeat
from operator import getitem
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from ..core.errors import Problem, StoryError
from ..story.model import Quote, Story, place_columns
from . import context, sentences

_FOLD = str.maketrans(
    {
        **dict.fromkeys(context.APOSTROPHES.replace("'", ""), "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02", '"'),
        **dict.fromkeys(context.DASHES.replace("-", ""), "-"),
        "\u2026": "...",
    }
)
_SPACE = re.compile(r"\s+")


class Folded:
    """Folded text, and for each of its characters the offset it came from (:meth:`at`).

    The offsets are kept as the few places where folding changes the text's length (runs
    of white space, ellipses), found with a few vectorised passes over the text, not a
    Python step per character: 20 MB of articles fold in a fraction of a second.
    """

    __slots__ = ("_origin", "_shift", "_starts", "text")

    def __init__(self, text: str, starts: list[int], shift: list[tuple[int, int]]):
        self.text = text
        #: Folded offsets where a piece starts, and for each (original offset, step): the
        #: piece's first character came from there, and later ones follow (step 1) or
        #: repeat it (step 0: the dots of an ellipsis, a run of white space).
        self._starts = starts
        self._shift = shift
        self._origin: list[int] | None = None

    def at(self, index: int) -> int:
        """The offset in the original text of folded character ``index``."""
        k = bisect.bisect_right(self._starts, index) - 1
        origin, step = self._shift[k]
        return origin + step * (index - self._starts[k])

    @property
    def origin(self) -> list[int]:
        """Every folded character's original offset, as a list (built on first use)."""
        if self._origin is None:
            self._origin = [self.at(i) for i in range(len(self.text))]
        return self._origin


#: Whether each code point below U+3001 is white space (str.isspace, as str.split uses);
#: none above is.
_IS_SPACE = np.array([chr(i).isspace() for i in range(0x3001)] + [False])
_ELLIPSIS = 0x2026
#: Characters :func:`_resized` looks at in one go.
_SLICE = 1 << 22


def _resized(text: str) -> list[tuple[int, int, int]]:
    """(start, end, folded width) of every stretch whose folded length differs from its
    own: white space runs of two or more (one space; none at either end), a lone white
    space character at either end (none), and each ellipsis (three dots)."""
    n = len(text)
    space = np.empty(n, dtype=np.int8)
    ellipses: list[np.ndarray] = []
    has_ellipsis = "\u2026" in text
    # A slice at a time: the code points as 4 bytes each and their lookup's 8-byte index
    # are 12 bytes a character, 1.2 GB for a 100 MB article; one byte each is kept.
    for start in range(0, n, _SLICE):
        codes = np.frombuffer(
            text[start : start + _SLICE].encode("utf-32-le", "surrogatepass"), dtype=np.uint32
        )
        space[start : start + len(codes)] = _IS_SPACE[np.minimum(codes, len(_IS_SPACE) - 1)]
        if has_ellipsis:
            ellipses.append(np.flatnonzero(codes == _ELLIPSIS) + start)
        del codes
    edges = np.flatnonzero(np.diff(space, prepend=0, append=0))
    starts, ends = edges[0::2], edges[1::2]
    at_end = (starts == 0) | (ends == n)
    keep = at_end | (ends - starts > 1)
    found = [
        (start, end, 0 if edge else 1)
        for start, end, edge in zip(
            starts[keep].tolist(), ends[keep].tolist(), at_end[keep].tolist(), strict=True
        )
    ]
    if ellipses:
        found += [(i, i + 1, 3) for i in np.concatenate(ellipses).tolist()]
        found.sort()
    return found


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> Folded:
    """Fold ``text`` for comparison, remembering where each character came from.

    The offsets let a match in folded text be shown, and later highlighted, in the
    article's own words.  Verification, the page and the GeoJSON all need an article's
    folding: it is computed once per text (treat the result as read-only).
    """
    folded = fold_text(text)
    starts, shift = [0], [(0, 1)]
    if len(folded) == len(text) and "\u2026" not in text:
        return Folded(folded, starts, shift)  # nothing moved
    at = done = 0  # the folded offset of text[done]
    for a, b, width in _resized(text):
        at += a - done  # the characters before map one to one
        if starts[-1] == at:  # an empty piece (a run at the start): replace it
            starts.pop()
            shift.pop()
        starts += [at, at + width]
        shift += [(a, 0), (b, 1)]
        at += width
        done = b
    return Folded(folded, starts, shift)


def fold_text(text: str) -> str:
    """Just the folded string, for callers that need no offsets."""
    if not text.isascii():  # every character folding changes is beyond ASCII
        # A substitution of the few characters the table maps: str.translate with a dict
        # looks up every character of the text (a millisecond for an article).
        text = _FOLDED.sub(_fold_one, text)
    return " ".join(text.split())


_FOLDED = re.compile("[" + "".join(re.escape(chr(c)) for c in _FOLD) + "]")


def _fold_one(match: re.Match[str]) -> str:
    return _FOLD[ord(match.group())]


#: Every character ``str.isspace`` (and so ``str.split``) takes for white space (a test
#: checks the list against all of Unicode, which takes too long to scan at import).
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

#: What folding changes one character for one: typographic quotes, apostrophes and
#: dashes, and white space other than a space.  An article with just these changed keeps
#: its offsets (see :func:`fold_in_place`).
_IN_PLACE = {
    **{chr(k): v for k, v in _FOLD.items() if len(v) == 1},
    **dict.fromkeys(_WHITE_SPACE.replace(" ", ""), " "),
}
_ASCII_SPACES = tuple(c for c in _IN_PLACE if c.isascii())
_IN_PLACE_WIDE = {c: v for c, v in _IN_PLACE.items() if not c.isascii()}


@functools.lru_cache(maxsize=4096)
def fold_in_place(text: str) -> str:
    """``text`` with every character that folding changes one for one changed, and nothing
    else: same length, same offsets.  Runs of white space and ellipses are left as they
    are, so a folded quote found here stands at the same offsets in ``text`` (a fifth of
    the cost of :func:`fold`, and no offsets to map back)."""
    for c in _ASCII_SPACES:
        if c in text:
            text = text.replace(c, " ")
    if not text.isascii():
        # A replace for each character the text holds: a scan each, in C (a regular
        # expression's substitution calls back into Python at each match: 3.5 times
        # slower on articles with typographic apostrophes).
        for c, plain in _IN_PLACE_WIDE.items():
            if c in text:
                text = text.replace(c, plain)
    return text


def needle(quote: str) -> str:
    """The quote folded, as it is searched for."""
    return quote if folds_to_itself(quote) else fold_text(quote)


@functools.lru_cache(maxsize=1 << 16)
def locate(quote: str, article: str) -> tuple[int, int] | None:
    """Where ``quote`` stands in ``article``: (start, end) offsets in the original text.

    The first place where the article, folded in place (:func:`fold_in_place`), reads as
    the folded quote; failing that (the quote runs across a paragraph break or an
    ellipsis), the first in the fully folded article.  :func:`locate_all` finds the
    same for every quote of a story at once.
    """
    folded = needle(quote)
    if not folded:
        return None
    at = fold_in_place(article).find(folded)
    if at >= 0:
        return at, at + len(folded)
    return _locate_folded(folded, article)


def _locate_folded(folded_quote: str, article: str) -> tuple[int, int] | None:
    folded = fold(article)
    at = folded.text.find(folded_quote)
    if at < 0:
        return None
    end = at + len(folded_quote) - 1
    return folded.at(at), folded.at(end) + 1


Span = tuple[int, int] | None


def locate_all(story: Story) -> dict[tuple[str, str], Span]:
    """(source id, quote text) -> :func:`locate` of it, for every quote of the story.

    The same answers as one :func:`locate` call a quote, a few times faster for a big
    story: its 100,000 quotes are searched for by C loops (``map``), not one Python call
    each, and only those not found in place take the slow path.  (A big build finds them
    in a second process instead: :func:`find_all`, see :mod:`mapgen.pipeline.builder`.)
    """
    keys = quote_keys(story)
    return dict(zip(keys, find_all(story, keys), strict=True))


def quote_keys(story: Story) -> list[tuple[str, str]]:
    """(source id, quote text) of every quote of the story, each once, in story order:
    the keys of :attr:`~mapgen.story.model.Story.spans`, in the same order wherever made."""
    places = place_columns(story.places)  # a big story's, read from its columns
    others = _quotes_beside_places(story)
    sources = chain(places.quote_sources, map(_SOURCE, others))
    texts = chain(places.quote_texts, map(_TEXT, others))
    return list(dict.fromkeys(zip(sources, texts, strict=True)))


_SOURCE, _TEXT = operator.attrgetter("source"), operator.attrgetter("text")


def find_all(story: Story, keys: list[tuple[str, str]]) -> list[Span]:
    """:func:`locate` of each (source id, quote text) of ``keys``, in C loops."""
    return find_all_texts(keys, {s.id: s.text for s in story.sources})


def find_all_texts(keys: list[tuple[str, str]], texts: dict[str, str]) -> list[Span]:
    """:func:`find_all` in the articles ``texts`` (source id -> text)."""
    return _locate_keys(keys, texts)


def _locate_keys(keys: list[tuple[str, str]], texts: dict[str, str]) -> list[Span]:
    quotes = [text for _, text in keys]
    simple = _fold_to_themselves(quotes)
    needles = [q if ok else fold_text(q) for q, ok in zip(quotes, simple, strict=True)]
    in_place = {
        source: _searchable(fold_in_place(texts[source]))
        for source in dict.fromkeys(s for s, _ in keys)
    }
    found = [hay.find(n) for hay, n in zip([in_place[s] for s, _ in keys], needles, strict=True)]
    return [
        (at, at + len(folded))
        if at >= 0 and folded
        else (_locate_folded(folded, texts[key[0]]) if folded else None)
        for key, at, folded in zip(keys, found, needles, strict=True)
    ]


@functools.cache
def fast_str() -> Callable[[str], Any] | None:
    """``stringzilla.Str`` if the ``big`` extra is installed (``pip install 'mapgen[big]'``),
    else None: the one place that asks, so a test can hide it here.

    Why optional: it makes a big story's quote search five times faster, and a default
    install is kept small (issue 20); without it the same offsets come from ``str.find``.
    """
    try:
        import stringzilla  # the big extra: SIMD search, for big stories; may be absent
    except ImportError:
        return None
    return stringzilla.Str


def _searchable(text: str) -> Any:
    """``text`` as fastest searched: an ASCII text as a :class:`stringzilla.Str` (the same
    characters, no copy), whose ``find`` scans with SIMD instructions, several times faster
    than ``str.find`` (100,000 quotes of 200 characters, in 1,000 articles of 20,000: 0.09
    s against 0.5 s); its offsets are bytes, which are characters only in ASCII, so any
    other text stays a ``str``.  A needle that is not ASCII is in no ASCII text either way.
    Without stringzilla (not installed: :func:`fast_str`), every text stays a ``str``: the
    same answers, found by ``str.find``.
    """
    make = fast_str()
    return make(text) if make is not None and text.isascii() else text


def folds_to_itself(quote: str) -> bool:
    """Whether ``fold_text(quote) == quote``, told without folding it: printable ASCII
    (no white space but single spaces, nothing the fold table maps) with words at both
    ends, and not empty."""
    return (
        quote.isascii()
        and quote.isprintable()
        and quote[:1] not in ("", " ")
        and quote[-1:] != " "
        and "  " not in quote
    )


def _fold_to_themselves(quotes: list[str]) -> list[bool]:
    """:func:`folds_to_itself` of each quote, each test a C loop over all of them."""
    tests = zip(
        map(str.isascii, quotes),
        map(str.isprintable, quotes),
        map(str.startswith, quotes, repeat(" ")),
        map(str.endswith, quotes, repeat(" ")),
        map(operator.contains, quotes, repeat("  ")),
        quotes,
        strict=True,
    )
    return [
        bool(ascii_ and printable and not lead and not trail and not double and quote)
        for ascii_, printable, lead, trail, double, quote in tests
    ]


#: Most characters of a quote the nearest-passage search compares: a message shows 160 of
#: the passage, and the search's work grows with the quote's length times the article's (a
#: 1 MB quote took 247 s).
MAX_FUZZY_QUOTE = 300
#: Most characters of an article searched whole for the nearest passage; in a longer one
#: only the stretch around a piece of the quote found word for word is.
MAX_FUZZY_ARTICLE = 1_000_000
#: Most quotes of one check given a nearest passage: each search is a fraction of a second
#: at most, and a story with thousands of changed quotes must not freeze a watch.
MAX_HINTS = 20
#: Most characters a passage is widened by to reach whole words at either end.
_WIDEN = 100


def nearest_passage(quote: str, article: str, folded: Folded | None = None) -> str:
    """The passage of ``article`` most like ``quote``, in the article's own words.

    Bounded work whatever the sizes: the quote's first :data:`MAX_FUZZY_QUOTE` characters
    are compared, with the whole article up to :data:`MAX_FUZZY_ARTICLE` characters, else
    with the stretch around the first piece of the quote found in it word for word (none
    found: no passage).
    """
    folded = folded or fold(article)
    if not folded.text:
        return ""
    needle = fold_text(quote[: MAX_FUZZY_QUOTE * 4])[:MAX_FUZZY_QUOTE]
    hay, base = folded.text, 0
    if len(hay) > MAX_FUZZY_ARTICLE:
        window = _window(needle, hay)
        if window is None:
            return ""
        base, end = window
        hay = hay[base:end]
    hit = fuzz.partial_ratio_alignment(needle, hay)
    if hit is None or hit.dest_end <= hit.dest_start:
        return ""
    start = folded.at(base + hit.dest_start)
    end = max(folded.at(base + hit.dest_end - 1) + 1, start + len(needle))
    # The alignment may cut words in two; widen it to whole words (not past a word's
    # plausible length: an article may have no white space at all).
    first, last = max(start - _WIDEN, 0), min(end + _WIDEN, len(article))
    while start > first and not article[start - 1].isspace():
        start -= 1
    while end < last and not article[end].isspace():
        end += 1
    return _SPACE.sub(" ", article[start:end]).strip()


def _window(needle: str, text: str) -> tuple[int, int] | None:
    """The stretch of ``text`` around the first of a few pieces of ``needle`` (a few words
    each, from its start, middle and end) found in it word for word, or None."""
    words = needle.split(" ")
    for at in dict.fromkeys((0, len(words) // 3, 2 * len(words) // 3, max(len(words) - 4, 0))):
        piece = " ".join(words[at : at + 4])
        if len(piece) < 8:
            continue
        found = text.find(piece)
        if found >= 0:
            offset = needle.find(piece)
            start = max(found - offset - len(needle), 0)
            return start, min(found - offset + 2 * len(needle), len(text))
    return None


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def iter_quotes(story: Story):
    """Every quote of the story, wherever it stands."""
    for place in story.places:
        yield from place.quotes
    yield from _quotes_beside_places(story)


def _quotes_beside_places(story: Story) -> list[Quote]:
    """The quotes of the routes, areas and events, in story order (a big story's places'
    are read from their columns instead)."""
    return [
        q for group in (story.routes, story.areas, story.events) for f in group for q in f.quotes
    ]


def check_quote(quote: Quote, article: str, title: str, hint: bool = True) -> Problem | None:
    """A :class:`Problem` if ``quote`` is not in its article, naming the nearest passage
    (unless ``hint`` is false), or if it stands there only as a cut word, a fragment or a
    splice of two paragraphs (:func:`mapgen.quotes.context.flaw`), showing the passage it
    matched."""
    span = locate(quote.text, article)
    if span is None:
        near = nearest_passage(quote.text, article) if hint else ""
        shown = f'; nearest passage: "{_clip(near)}"' if near else ""
        return Problem(f'quote not found in source "{quote.source}" ({title}){shown}', quote.pos)
    span, why = fair_span(quote.text, article, span)
    if why is None:
        return None
    return Problem(f'in source "{quote.source}" ({title}): {why}', quote.pos)


#: How many places of an article a quote found unfairly (a cut word...) is looked for
#: further on, before it is refused: a fragment such as "a" stands everywhere.
FAIR_TRIES = 100


def fair_span(quote: str, article: str, span: tuple[int, int]) -> tuple[Span, str | None]:
    """The first place of ``article``, from ``span`` (where :func:`locate` found the quote)
    on, where the quote stands fairly, and None; or ``span`` and why it is not fair there
    (:func:`mapgen.quotes.context.flaw`), if it stands fairly nowhere (looked for in the first
    :data:`FAIR_TRIES` places)."""
    why = context.flaw(article, span, quote)
    if why is None:
        return span, None
    folded, hay = needle(quote), fold_in_place(article)
    at = hay.find(folded, span[0] + 1) if hay.startswith(folded, span[0]) else -1
    for _ in range(FAIR_TRIES):
        if at < 0:
            break
        if context.flaw(article, (at, at + len(folded)), quote) is None:
            return (at, at + len(folded)), None
        at = hay.find(folded, at + 1)
    return span, why


def refuse_unfair(keys: list[tuple[str, str]], found: list[Span], texts: dict[str, str]) -> None:
    """Move each span of ``found`` (:func:`find_all`'s, for ``keys``) that does not stand
    fairly (:func:`fair_span`) to where it does, or make it None: :func:`quote_problems`
    then says why.

    Run on every quote of a big story, so a C loop per test over all of them (0.2 s for
    100,000): only a quote whose span does not stand between white space (a space
    printed inside a number, ``68\u00a0000``, is not), holds a line break of any kind,
    or has fewer than three words is looked at more closely, one by one.
    """
    at = list(compress(count(), found))
    if not at:
        return
    spans = list(map(found.__getitem__, at))
    picked = list(map(keys.__getitem__, at))
    articles = list(map(texts.__getitem__, map(_FIRST, picked)))
    starts = list(map(_FIRST, spans))
    ends = list(map(_SECOND, spans))
    # text[start - 1] and text[end], as slices: white space, or "" at either end
    before = map(getitem, articles, map(slice, map(operator.sub, starts, repeat(1)), starts))
    after = map(getitem, articles, map(slice, ends, map(operator.add, ends, repeat(1))))
    quoted = list(map(_SECOND, picked))
    # where each span holds a line break: "\n", and "\r", NEL... if any article has one
    breaks = ["\n", *(c for c in sentences.LINE_BREAKS[1:] if any(c in t for t in texts.values()))]
    lines = [map(str.find, articles, repeat(c), starts, ends) for c in breaks]  # -1: none
    checks = zip(
        map(_SPACED.__contains__, before),
        map(_SPACED.__contains__, after),
        # three words or more, counted as flaw() counts them (not by spaces: " Russia "
        # and "Russia  was" are one word and two, as they are folded too)
        map(context.THREE_WORDS.match, quoted),
        lines[0] if len(lines) == 1 else map(max, *lines),
        strict=True,
    )
    closer = [
        k
        for k, (spaced, spaced_after, words, line) in enumerate(checks)
        if not (spaced and spaced_after and words) or line >= 0
    ]
    for k in closer:
        i = at[k]
        source, quote = keys[i]
        span, why = fair_span(quote, texts[source], spans[k])
        found[i] = span if why is None else None


_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)
#: What may stand just outside a quote, plainly: nothing (the article's ends) or white space,
#: but the spaces printed inside a number (``68\u00a0000``), which flaw() looks at.
_SPACED = frozenset(("", *_WHITE_SPACE)) - frozenset("\u00a0\u2009\u202f\u2007")


def verify_quotes(story: Story) -> None:
    """Raise one :class:`StoryError` listing every quote that is not in its source, or
    stands there only unfairly (:func:`fair_span`).

    Where every quote stands is kept in ``story.spans``, found or not, for the page.
    """
    spans = locate_all(story)
    keys, found = list(spans), list(spans.values())
    refuse_unfair(keys, found, {s.id: s.text for s in story.sources})
    spans = story.spans = dict(zip(keys, found, strict=True))
    problems = quote_problems(story, spans) if None in found else []
    if problems:
        raise StoryError(problems)


def quote_problems(story: Story, spans: Mapping[tuple[str, str], Span]) -> list[Problem]:
    """A :class:`Problem` for each quote of the story that ``spans`` did not find."""
    sources = {s.id: (s.text, s.title) for s in story.sources}
    problems: list[Problem] = []
    for quote in iter_quotes(story):
        if spans[(quote.source, quote.text)] is None:
            problem = check_quote(quote, *sources[quote.source], len(problems) < MAX_HINTS)
            if problem is not None:
                problems.append(problem)
    return problems


def story_warnings(story: Story) -> list[Problem]:
    """``mapgen check``'s warnings about the story's quotes
    (:func:`mapgen.quotes.context.warnings`), in story order, each at its quote (or at its
    feature, for a status no quote says).

    A quote is read once per feature status however many features cite it (a big story
    quotes a passage again and again)."""
    spans = story.spans
    articles = {s.id: s.text for s in story.sources}
    read: dict[tuple[str, str, str], list[str]] = {}
    found: list[Problem] = []
    features = (*story.places, *story.routes, *story.areas, *story.events)
    for feature in features:
        status = feature.status
        quotes = []
        for quote in feature.quotes:
            article = articles[quote.source]
            span = spans.get((quote.source, quote.text)) or locate(quote.text, article)
            if span is None:
                continue
            quotes.append(
                context.QuoteInContext(
                    sentences.collapse_spaces(article[span[0] : span[1]]),
                    article,
                    span,
                    quote.stance,
                )
            )
            key = (quote.source, quote.text, status)
            if key not in read:  # a whole sentence leaves nothing out: no layout needed
                lead, trail, _ = sentences.in_sentence(article, span)
                read[key] = context.quote_warnings(quotes[-1], status) if lead or trail else []
            found += [Problem(f"warning: {w}", quote.pos) for w in read[key]]
        if status in ("confirmed", "denied") and not context.says_status(quotes, status):
            _, message = context.warnings([], status)[0]
            found.append(Problem(f"warning: {message}", feature.pos))
    return found

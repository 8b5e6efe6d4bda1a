"""Quote verification: every quote must stand in its article, word for word.

Editors type straight quotes where articles print curly ones, and copy text across line
breaks, so both sides are *folded* first: typographic quotes, apostrophes and dashes become
their ASCII forms and runs of white space become one space.  Nothing else is forgiven: a
changed word, case or punctuation mark is a different quote.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from .errors import Problem, StoryError
from .model import Quote, Story

_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\uff07", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        "\u2026": "...",
    }
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Folded:
    """Folded text plus, for each of its characters, the offset it came from."""

    text: str
    origin: list[int]


@functools.lru_cache(maxsize=256)
def fold(text: str) -> Folded:
    """Fold ``text`` for comparison, remembering where each character came from.

    The offsets let a match in folded text be shown, and later highlighted, in the
    article's own words.  Verification, the page and the GeoJSON all need an article's
    folding: it is computed once per text (treat the result as read-only).
    """
    out: list[str] = []
    origin: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                origin.append(i)
            in_space = True
            continue
        in_space = False
        for piece in ch.translate(_FOLD):
            out.append(piece)
            origin.append(i)
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    return Folded("".join(out), origin)


def fold_text(text: str) -> str:
    """Just the folded string, for callers that need no offsets."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip()


def locate(quote: str, article: str, folded: Folded | None = None) -> tuple[int, int] | None:
    """Where ``quote`` stands in ``article``: (start, end) offsets in the original text."""
    folded = folded or fold(article)
    needle = fold_text(quote)
    if not needle:
        return None
    at = folded.text.find(needle)
    if at < 0:
        return None
    end = at + len(needle) - 1
    return folded.origin[at], folded.origin[end] + 1


def nearest_passage(quote: str, article: str, folded: Folded | None = None) -> str:
    """The passage of ``article`` most like ``quote``, in the article's own words."""
    folded = folded or fold(article)
    if not folded.text:
        return ""
    hit = fuzz.partial_ratio_alignment(fold_text(quote), folded.text)
    if hit is None or hit.dest_end <= hit.dest_start:
        return ""
    start = folded.origin[hit.dest_start]
    end = max(folded.origin[hit.dest_end - 1] + 1, start + len(quote))
    # The alignment may cut words in two; widen it to whole words.
    while start > 0 and not article[start - 1].isspace():
        start -= 1
    while end < len(article) and not article[end].isspace():
        end += 1
    return _SPACE.sub(" ", article[start:end]).strip()


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def iter_quotes(story: Story):
    """Every quote of the story, wherever it stands."""
    for group in (story.places, story.routes, story.areas):
        for feature in group:
            yield from feature.quotes


def check_quote(quote: Quote, article: str, folded: Folded, title: str) -> Problem | None:
    """A :class:`Problem` if ``quote`` is not in its article, naming the nearest passage."""
    if locate(quote.text, article, folded) is not None:
        return None
    near = nearest_passage(quote.text, article, folded)
    hint = f'; nearest passage: "{_clip(near)}"' if near else ""
    return Problem(f'quote not found in source "{quote.source}" ({title}){hint}', quote.pos)


def verify_quotes(story: Story) -> None:
    """Raise one :class:`StoryError` listing every quote that is not in its source."""
    folded = {s.id: fold(s.text) for s in story.sources}
    sources = {s.id: s for s in story.sources}
    problems = [
        problem
        for quote in iter_quotes(story)
        if (
            problem := check_quote(
                quote, sources[quote.source].text, folded[quote.source], sources[quote.source].title
            )
        )
    ]
    if problems:
        raise StoryError(problems)

"""One article as :func:`mapgen.quotes.mentions.find_mentions` reads it: its sentences and
words, who in it is a person, and the names found so far, before the article's own
geography settles what each is.

Apart from the rules (:mod:`mapgen.quotes.mentions`) because it is their working state,
built once per article: the runs of capitalised words of each sentence, the lower-case
words the article uses (``man`` makes a headline's ``Man`` a word), the people's names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..geo.regions import Region
from .matcher import Matcher, Target
from .people import person_tokens, surnames_of
from .tokens import Token, runs, sentences, tokens

__all__ = ["Article", "Found"]

_LOWER_WORD = re.compile(r"\b[a-z]+\b")


@dataclass
class Found:
    """A name found in a sentence, before the article's context settles what it is."""

    i: int
    j: int
    target: Target | None
    how: str
    #: Regions it may be (a region's name, or a country's that a region shares).
    regions: list[Region] = field(default_factory=list)
    #: Taken only if the article names its country (a region by its initials).
    needs_context: bool = False


class Article:
    """One article's sentences, tokens, people, and the names found so far."""

    def __init__(self, text: str, matcher: Matcher):
        self.text = text
        self.matcher = matcher
        self.spans = sentences(text)
        self.sentences = [tokens(text, a, b) for a, b in self.spans]
        self.lower = set(_LOWER_WORD.findall(text))
        self.used = [[False] * len(s) for s in self.sentences]
        people = [person_tokens(s, self.is_place, self.is_area) for s in self.sentences]
        for used, marked in zip(self.used, people, strict=True):
            for k in marked:
                used[k] = True
        self.people = surnames_of(self.sentences, people)
        for sentence, used in zip(self.sentences, self.used, strict=True):
            first = sentence[0] if sentence else None  # "Overall Edmonton received..."
            if first is not None and first.capital and self.common_word(first):
                used[0] = used[0] or not self.is_place(first.word)
        self.found: list[dict[int, Found]] = [{} for _ in self.sentences]
        #: Per sentence: token index -> (first, end) of its capitalised run.
        self.run_of: list[dict[int, tuple[int, int]]] = []
        for sentence in self.sentences:
            at = {id(t): k for k, t in enumerate(sentence)}
            spans_ = {}
            for run in runs(sentence):
                first, last = at[id(run[0])], at[id(run[-1])] + 1
                for k in range(first, last):
                    spans_[k] = (first, last)
            self.run_of.append(spans_)

    def words(self, sentence: list[Token], i: int, j: int) -> str:
        return self.text[sentence[i].start : sentence[j - 1].end]

    def is_area(self, words: str) -> bool:
        m = self.matcher
        return bool(m.country_named(words) or m.continent(words) or m.regions(words))

    def is_place(self, words: str) -> bool:
        if self.is_area(words):
            return True
        hit = self.matcher.city(words)
        return hit is not None and hit[0].match == "name" and (hit[0].population or 0) >= 15_000

    def common_word(self, token: Token) -> bool:
        """A sentence's first word that the article also writes in lower case (``Man``)."""
        return token.first and token.word.lower() in self.lower

    def context(self) -> list[str]:
        """The countries the article's settled mentions are in, in the order it names them
        (a region whose every namesake is in one country counts for that country)."""
        return list(self.country_counts())

    def country_counts(self, *, namesakes: bool = False) -> dict[str, int]:
        """:meth:`context`'s countries, each with how many settled mentions it has; with
        ``namesakes``, a country's name that is also a region's (``Georgia``) counts for
        the country too."""
        out: dict[str, int] = {}
        for found in self.found:
            for key in sorted(found):
                f = found[key]
                codes = {r.country for r in f.regions}
                named = f.target is not None and f.target.country_code
                if named and (namesakes or not f.regions):
                    code = f.target.country_code
                elif f.target is None and len(codes) == 1 and not f.needs_context:
                    code = next(iter(codes))
                else:
                    continue
                out[code] = out.get(code, 0) + 1
        return out

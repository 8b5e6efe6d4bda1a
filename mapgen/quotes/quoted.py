"""Each quote as its article prints it: the words verification found, where they stand,
and whether their sentence goes on (for the popups, the reader and the GeoJSON alike)."""

from __future__ import annotations

from dataclasses import dataclass

from ..story.model import Quote, SpansLater, Story
from .sentences import in_sentence, sentences_column
from .verify import folds_to_itself, locate, spans_of

__all__ = ["QuoteText", "Quotes"]


@dataclass(frozen=True)
class QuoteText:
    """A quote as the article prints it, with the source it came from and where it stands
    in the article (``span``: start and end offsets, None if it is not there)."""

    source_id: str
    source_title: str
    words: str
    stance: str = "claims"
    span: tuple[int, int] | None = None
    #: Whether the quote's sentence goes on before it and after it, and where the
    #: sentence stands (:func:`mapgen.context.in_sentence`).
    lead: bool = False
    trail: bool = False
    sentence: tuple[int, int] | None = None

    @property
    def with_ellipses(self) -> str:
        """The words as a popup shows them: an ellipsis where the sentence goes on, so that
        a part of a sentence is not read as the whole of it."""
        return ("\u2026" if self.lead else "") + self.words + ("\u2026" if self.trail else "")


class Quotes:
    """Each quote as its article prints it: its words, and where they stand (as
    verification found them, see :attr:`mapgen.model.Story.spans`)."""

    def __init__(self, story: Story):
        self._sources = {s.id: s for s in story.sources}
        self._story = story
        self._spans: dict[tuple[str, str], tuple[int, int] | None] | None = None
        later = story.spans
        self._later = later if isinstance(later, SpansLater) else None

    def articles_made_beside(self) -> list[str]:
        """The JSON of the first articles (:func:`sources_json`) that the process that finds
        the quotes (a big build's second one) made, once it has sent it; none if there is
        no such process, or it failed, or it found a quote missing."""
        later = self._later
        made = later.articles() if later is not None and later.articles is not None else None
        return made or []

    def spans(self) -> dict[tuple[str, str], tuple[int, int] | None]:
        """:attr:`Story.spans <mapgen.model.Story.spans>`, asked for when first needed:
        they may still be on their way (:func:`mapgen.sources.spans_of`).  A quote
        missing there is not unknown: :meth:`span` finds it."""
        spans = self._spans
        if spans is None:
            spans = self._spans = spans_of(self._story)
        return spans

    def span(self, quote: Quote) -> tuple[int, int] | None:
        """Where the quote stands in its article (offsets), or None."""
        return self.span_of(quote.source, quote.text)

    def span_of(self, source_id: str, text: str) -> tuple[int, int] | None:
        """:meth:`span` of the quote of ``text`` from that source (its columns: see
        :class:`~mapgen.model.PlaceColumns`)."""
        spans = self._spans if self._spans is not None else self.spans()
        key = (source_id, text)
        if key in spans:
            return spans[key]
        return locate(text, self._sources[source_id].text)

    def verbatim(self, quote: Quote) -> QuoteText:
        source = self._sources[quote.source]
        span = self.span(quote)
        words = self._words(quote.source, quote.text, span)
        if span is None:
            return QuoteText(source.id, source.title, words, quote.stance, span)
        lead, trail, sentence = in_sentence(source.text, span)
        return QuoteText(source.id, source.title, words, quote.stance, span, lead, trail, sentence)

    def articles(self) -> dict[str, str]:
        """Each source's article, by source id."""
        return {source_id: source.text for source_id, source in self._sources.items()}

    def sentence_of(self, source_id: str, text: str) -> str | None:
        """The sentence (on one line) of the quote of ``text`` from that source, if the
        quote leaves part of it out; None if it is whole, or not found."""
        span = self.span_of(source_id, text)
        if span is None:
            return None
        article = {source_id: self._sources[source_id].text}
        return sentences_column(article, [source_id], [span])[0]

    def words(self, quote: Quote) -> str:
        """Just the quote's words as the article prints them (white space folded)."""
        return self.words_of(quote.source, quote.text)

    def words_of(self, source_id: str, text: str) -> str:
        """:meth:`words` of the quote of ``text`` from that source."""
        return self._words(source_id, text, self.span_of(source_id, text))

    def _words(self, source_id: str, text: str, span: tuple[int, int] | None) -> str:
        if span is None:
            return text
        words = self._sources[source_id].text[span[0] : span[1]]
        if words == text and folds_to_itself(words):
            return words
        return " ".join(words.split())

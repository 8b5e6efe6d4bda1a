"""Mentions as data: every place a text names, as plain records for other programs.

``mapgen mentions`` prints these (as JSON with ``--json``), and ``benchmarks/geoparse.py``
scores them against annotated corpora, so they are a stable interface: the fields and
their meanings are documented in ``docs/mentions.md`` and change only by adding fields.
The finding itself is :func:`mapgen.quotes.mentions.find_mentions`; this module only says
what each mention is in terms a fact-checker's pipeline can use without reading mapgen.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..core.progress import Progress, task
from ..geo.gazetteer import Gazetteer
from .extract import MANY_ARTICLES
from .mentions import Matcher, Mention, find_mentions

__all__ = ["MentionRecord", "mentions_json", "mentions_of", "record_of"]

#: How a mention was matched, as ``by`` says it: the finder's word -> the interface's.
_BY = {
    "name": "name",
    "country": "name",
    "alternate name": "alternate name",
    "weak alternate name": "alternate name",
    "demonym": "demonym",
    "abbreviation": "abbreviation",
}


@dataclass(frozen=True)
class MentionRecord:
    """One mention: where it is in the text (code points, ``text[start:end] == text``), the
    place it resolved to, and how it was matched."""

    start: int
    end: int
    text: str
    place: str
    #: ``country``, ``region``, ``city`` or ``continent``.
    kind: str
    #: ISO 3166-1 alpha-2, or None (a continent).
    country: str | None
    lat: float | None
    lon: float | None
    #: ``name``, ``alternate name``, ``demonym`` or ``abbreviation``.
    by: str

    def as_json(self) -> dict[str, Any]:
        """The record as a JSON object, keys in the documented order."""
        return asdict(self)


def record_of(mention: Mention) -> MentionRecord:
    """The record for a :class:`~mapgen.quotes.mentions.Mention`."""
    target = mention.target
    return MentionRecord(
        start=mention.start,
        end=mention.end,
        text=mention.words,
        place=target.name,
        kind=target.feature,
        country=target.country_code or None,
        lat=target.lat if target.lat is not None else None,
        lon=target.lon if target.lon is not None else None,
        by=_BY.get(mention.how, mention.how),
    )


def mentions_of(
    text: str, *, gazetteer: Gazetteer | None = None, matcher: Matcher | None = None
) -> list[MentionRecord]:
    """Every place ``text`` names, in order, as records (offsets into ``text`` as given:
    pass the article exactly as read, newlines unchanged, for the offsets to hold)."""
    return [record_of(m) for m in find_mentions(text, gazetteer=gazetteer, matcher=matcher)]


def mentions_json(
    files: list[tuple[str, str]],
    *,
    gazetteer: Gazetteer | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """``[{"file": ..., "mentions": [...]}, ...]`` for ``files`` ((name, text), in order):
    what ``mapgen mentions --json`` prints.  One matcher serves every article, so a name is
    looked up once.  ``progress`` shows the articles read, as ``extract`` does."""
    matcher = Matcher(gazetteer)
    reading = task(
        progress, "reading articles", len(files), "articles", announce=len(files) > MANY_ARTICLES
    )
    out = []
    for name, text in files:
        reading.advance(0, name)
        out.append(
            {"file": name, "mentions": [r.as_json() for r in mentions_of(text, matcher=matcher)]}
        )
        reading.advance()
    reading.finish()
    return out

"""Evidence a reader can follow: popups whose quotes open the article at the passage.

The page carries each source article's text as JSON data (``<script type="application/json">``,
never HTML), with, for every feature, where each of its quotes stands in its article
(offsets found at build time by :func:`mapgen.sources.locate`).  A side panel holds the
list of sources (title, outlet, date, what each supports), the reader, and any other tabs
(the timeline, see :mod:`mapgen.timeline`).

Python side, for anything that draws features (``render`` and any other layer):

* :func:`popup_html` (:mod:`mapgen.page.popup`'s, the one popup template) builds a
  feature's popup: title, status, facts, note, how many sources support it, and its
  quotes, each a link to its passage; claims and denials side by side.
* :class:`Evidence` collects the sources and each feature's passages, anchor and layers;
  :class:`mapgen.panel.StoryPanel` puts the panel, the data and the script in the page.

JavaScript side (:data:`mapgen.panel.READER_JS`), for any script on the page:

* ``mapgenReader.open(featureId, quoteIndex)``: the reader at that quote's passage,
  highlighted; ``mapgenReader.next()`` / ``.prev()`` page through the feature's passages;
  ``mapgenReader.openSource(sourceId)`` shows a whole article.
* ``mapgenStory.register(featureId, layer)``: a Leaflet layer drawn for the feature (the
  timeline hides and shows it); ``mapgenStory.focus(featureId)`` flies the map to a feature
  or event and opens its popup; ``mapgenStory.showTab(name)``.

Any element with ``data-mg-feature`` and ``data-mg-quote`` (popups' quotes),
``data-mg-source``, ``data-mg-focus`` or ``data-mg-tab`` does that when clicked: no inline
handlers, so story text never reaches a script.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import ne
from typing import TYPE_CHECKING, Any

from ..quotes.quoted import Quotes, QuoteText
from ..story.model import Source, Story
from ..story.when import label as date_label
from ..story.when import parse_when
from .markup import POPUP_OPTIONS, isolated, text
from .popup import (
    _plural,
    format_coords,
    popup_html,
    precision_line,
    quotes_html,
    status_html,
    support_line,
)

if TYPE_CHECKING:
    from branca.element import MacroElement

__all__ = [
    "Evidence",
    "Tab",
    "format_coords",
    "popup_html",
    "precision_line",
    "quotes_html",
    "safe_url",
    "script_json",
    "status_html",
    "support_line",
]


# --------------------------------------------------------------------------- the data


def utf16(value: str, index: int) -> int:
    """A Python string index as JavaScript counts it (UTF-16 code units).  For many
    indexes in one text, make its :class:`Utf16` once: this reads the text up to
    ``index``, each time."""
    return Utf16(value[:index])(index)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16:
    """Offsets in a text as JavaScript counts them (UTF-16 code units), in O(log n).

    Made once per text: counting from the start for each quote made a 9 MB article
    quoted 200 times take 213 s to build."""

    def __init__(self, text: str):
        self.astral = (
            [m.start() for m in _ASTRAL.finditer(text)]
            if not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)
            else []
        )

    def __call__(self, index: int) -> int:
        return index + bisect.bisect_left(self.astral, index) if self.astral else index


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s); anything else (``javascript:``...) is never linked."""
    if url and re.match(r"https?://[^\s]+\Z", url.strip(), re.I):
        return url.strip()
    return None


def script_json(value: Any) -> str:
    """JSON that can stand inside ``<script>``: no ``<``, ``>`` or ``&`` left as they are,
    nor the two line separators some parsers take for line ends."""
    dumped = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return script_safe(dumped)


class Encoded(str):
    """A value already made :func:`script_json`: :func:`data_json` writes it as it is."""


def sources_json(story: Story, start: int = 0, stop: int | None = None) -> list[str]:
    """Each article (``story.sources[start:stop]``) as the reader has it
    (:meth:`Evidence.sources`), made :func:`script_json`: no text of it holds a line
    break (JSON escapes them)."""
    if start >= len(story.sources):
        return []
    return [script_json(entry) for entry in Evidence(story).sources()[start:stop]]


def data_json(data: dict[str, Any]) -> str:
    """:func:`script_json` laid out a line per source and per feature, so that a rebuild's
    diff shows what changed (moving a place changes its one line)."""
    return "".join(data_json_parts(data))


def data_json_parts(data: dict[str, Any]) -> list[str]:
    """:func:`data_json` in parts, not joined (see :func:`mapgen.page.big_text`)."""
    parts = ["{"]
    for n, (key, value) in enumerate(data.items()):
        if n:
            parts.append(",\n")
        parts.append(script_json(key) + ":")
        if isinstance(value, list) and value:
            parts.append("[\n")
            for i, item in enumerate(value):
                if i:
                    parts.append(",\n")
                parts.append(item if isinstance(item, Encoded) else script_json(item))
            parts.append("\n]")
        elif isinstance(value, dict) and value and key == "features":
            items = ",\n".join(f"{script_json(k)}:{script_json(v)}" for k, v in value.items())
            parts.append(f"{{\n{items}\n}}")
        else:
            parts.append(script_json(value))
    parts.append("}")
    return parts


def script_safe(dumped: str) -> str:
    """JSON text that cannot end the ``<script>`` element it is placed in, nor break JS."""
    return (
        dumped.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@dataclass
class FeatureEvidence:
    """What the page knows of one feature (a place, route, area or event)."""

    id: str
    name: str
    kind: str
    status: str
    quotes: list[QuoteText]
    #: Where to open its popup ([lat, lon]) and what to fit the map to.
    at: tuple[float, float] | None = None
    bounds: list[list[float]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def source_date(source: Source) -> str:
    """How a source's date reads: ``September 2023``."""
    if not source.date:
        return ""
    when = parse_when(source.date)
    return date_label(when) if not isinstance(when, str) else source.date


class Evidence:
    """The sources and, for every feature, its passages, anchor and layers."""

    def __init__(self, story: Story, quotes: Quotes | None = None):
        self.story = story
        self.quotes = quotes or Quotes(story)
        self.features: dict[str, FeatureEvidence] = {}
        #: Feature id -> the JavaScript names of the Leaflet layers drawn for it.
        self.layers: dict[str, list[str]] = {}
        #: Source id -> kind -> how many features it supports that are drawn elsewhere (a
        #: big story's data layer carries its places' passages itself): counted, not listed.
        self.elsewhere: dict[str, dict[str, int]] = {}
        self._sources_json: list[Encoded] | None = None

    def add(self, feature: FeatureEvidence, *layers: MacroElement) -> FeatureEvidence:
        self.features[feature.id] = feature
        self.layers.setdefault(feature.id, [])
        self.layer(feature.id, *layers)
        return feature

    def layer(self, feature_id: str, *layers: MacroElement) -> None:
        """Layers drawn for a feature (its marker, its line, its arrows...)."""
        self.layers.setdefault(feature_id, []).extend(layer.get_name() for layer in layers)

    def count_elsewhere(
        self, kind: str, counts: list[int], sources: list[str], stances: list[str]
    ) -> None:
        """Features drawn by a layer that carries its own passages (:mod:`mapgen.datalayer`),
        each given by its quotes (``counts[k]`` of them for feature ``k``, their sources
        and stances flattened in order, as :class:`~mapgen.model.PlaceColumns` has them):
        the sources' counts include them, though :meth:`data` does not list them.  A
        feature counts once for each source that supports it."""
        if all(map((1).__eq__, counts)):  # one quote each: a C loop
            one = Counter(compress(sources, map(ne, stances, repeat("denies"))))
        else:
            one = Counter()
            at = 0
            for n in counts:
                cited = zip(sources[at : at + n], stances[at : at + n], strict=True)
                one.update({source for source, stance in cited if stance != "denies"})
                at += n
        for source_id, n in one.items():
            tally = self.elsewhere.setdefault(source_id, {})
            tally[kind] = tally.get(kind, 0) + n

    def counts(self, source_id: str) -> dict[str, int]:
        """How many places, routes, areas and events the source supports."""
        counts = {"place": 0, "route": 0, "area": 0, "event": 0}
        for kind, n in self.elsewhere.get(source_id, {}).items():
            counts[kind] = counts.get(kind, 0) + n
        for feature in self.features.values():
            if any(q.source_id == source_id and q.stance != "denies" for q in feature.quotes):
                counts[feature.kind] = counts.get(feature.kind, 0) + 1
        return counts

    def sources(self) -> list[dict[str, Any]]:
        """The articles as the reader has them: title, outlet, date, link and text.

        Each text is carried once: a source whose text an earlier one has (sources quoting
        one file) has ``same``, that source's index, instead of ``text``, and the page's
        script gives it the same string (:data:`mapgen.panel.SHARED_TEXTS_JS`).  On main 200 sources naming
        one 9.8 MB file wrote a 1.98 GB page."""
        sources = []
        first: dict[str, int] = {}  # text -> the index of the first source that has it
        for i, source in enumerate(self.story.sources):
            entry: dict[str, Any] = {"id": source.id, "title": source.title}
            if source.outlet:
                entry["outlet"] = source.outlet
            if source.date:
                entry["date"] = source_date(source)
            url = safe_url(source.url)
            if url:
                entry["url"] = url
            same = first.setdefault(source.text, i)
            if same == i:
                entry["text"] = source.text
            else:
                entry["same"] = same
            sources.append(entry)
        return sources

    def shares_texts(self) -> bool:
        """Whether two sources have one text, carried once (:meth:`sources`)."""
        texts = [source.text for source in self.story.sources]
        return len(set(texts)) < len(texts)

    def sources_json(self) -> list[Encoded]:
        """:meth:`sources`, each made :func:`script_json` once.  The page's biggest text
        after the places (every article whole): a big build's second process makes it
        for the first articles (:meth:`Quotes.articles_made_beside`, :mod:`mapgen.pipeline`),
        this one for the rest, and the page asks for it last."""
        if self._sources_json is None:
            made = self.quotes.articles_made_beside()
            if len(made) > len(self.story.sources):
                made = []
            made += sources_json(self.story, len(made))
            self._sources_json = list(map(Encoded, made))
        return self._sources_json

    def data(self) -> dict[str, Any]:
        """Everything the reader needs, in story order."""
        story = self.story
        index = {s.id: i for i, s in enumerate(story.sources)}
        made: dict[str, Utf16] = {}  # a text's offsets, once (sources may share it)
        offsets = {
            s.id: made.get(s.text) or made.setdefault(s.text, Utf16(s.text)) for s in story.sources
        }
        sources = self.sources()
        features: dict[str, Any] = {}
        for feature in self.features.values():
            passages = []
            for q in feature.quotes:
                if q.span is None:  # not in its article (a story built unverified): no mark
                    passages.append([index[q.source_id], -1, -1, q.stance])
                    continue
                js = offsets[q.source_id]
                passage = [index[q.source_id], js(q.span[0]), js(q.span[1]), q.stance]
                if q.lead or q.trail:  # the reader shows the quote in its sentence
                    sentence = q.sentence or q.span
                    passage += [js(sentence[0]), js(sentence[1])]
                passages.append(passage)
            entry = {
                "name": feature.name,
                "kind": feature.kind,
                "status": feature.status,
                "passages": passages,
            }
            if feature.at is not None:
                entry["at"] = [round(feature.at[0], 5), round(feature.at[1], 5)]
            if feature.bounds is not None:
                entry["bounds"] = [[round(v, 4) for v in corner] for corner in feature.bounds]
            entry.update(feature.extra)
            features[feature.id] = entry
        return {"sources": sources, "features": features, "popup": POPUP_OPTIONS}


# --------------------------------------------------------------------------- the panel


@dataclass(frozen=True)
class Tab:
    """A tab of the story panel: its key, its label, its (escaped) HTML and its script."""

    key: str
    label: str
    html: str
    script: str = ""
    css: str = ""


def sources_tab(evidence: Evidence) -> Tab:
    """The list of sources: title (opens the article), outlet and date, what it supports."""
    items = []
    for source in evidence.story.sources:
        outlet = [isolated(source.outlet)] if source.outlet else []
        date = source_date(source)
        meta = " \u00b7 ".join(outlet + ([text(date)] if date else []))
        counts = evidence.counts(source.id)
        supports = ", ".join(_plural(n, noun) for noun, n in counts.items() if n and noun in counts)
        items.append(
            '<li class="mg-source">'
            f'<a href="#mg-panel" class="mg-source-title" data-mg-source="{text(source.id)}"'
            f' title="Read the article" dir="auto">{text(source.title)}</a>'
            + (f'<span class="mg-source-meta">{meta}</span>' if meta else "")
            + f'<span class="mg-source-counts">Supports {text(supports or "nothing yet")}</span>'
            "</li>"
        )
    body = (
        f'<p class="mg-hint">{_plural(len(items), "article")} this map quotes. Choose one to'
        " read it; every quote in a popup opens its passage here.</p>"
        f'<ul class="mg-sources">{"".join(items)}</ul>'
    )
    return Tab("sources", "Sources", body)

"""Evidence a reader can follow: popups whose quotes open the article at the passage.

The page carries each source article's text as JSON data (``<script type="application/json">``,
never HTML), with, for every feature, where each of its quotes stands in its article
(offsets found at build time by :func:`mapgen.sources.locate`).  A side panel holds the
list of sources (title, outlet, date, what each supports), the reader, and any other tabs
(the timeline, see :mod:`mapgen.timeline`).

Python side, for anything that draws features (``render`` and any other layer):

* :func:`popup_html` builds a feature's popup: title, status, facts, note, how many sources
  support it, and its quotes, each a link to its passage; claims and denials side by side.
* :class:`Evidence` collects the sources and each feature's passages, anchor and layers;
  :class:`StoryPanel` puts the panel, the data and the script in the page.

JavaScript side (:data:`READER_JS`), for any script on the page:

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

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from branca.element import Figure, MacroElement

from .elements import POPUP_OPTIONS, text
from .model import Quote, Source, Story
from .page import RawHTML, big_text
from .sources import SpansLater, folds_to_itself, locate, spans_of
from .styles import STATUS_LABELS, status_icon
from .when import label as date_label
from .when import parse_when

__all__ = [
    "READER_JS",
    "Evidence",
    "QuoteText",
    "Quotes",
    "StoryPanel",
    "Tab",
    "popup_html",
    "safe_url",
    "script_json",
    "support_line",
]


@dataclass(frozen=True)
class QuoteText:
    """A quote as the article prints it, with the source it came from and where it stands
    in the article (``span``: start and end offsets, None if it is not there)."""

    source_id: str
    source_title: str
    words: str
    stance: str = "claims"
    span: tuple[int, int] | None = None


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
        """The JSON of the first articles (:func:`sources_json`) that the process that
        finds the quotes (a big build's second one) made, once it has sent it; none if
        there is no such process, or it failed, or it found a quote missing."""
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
        spans = self._spans if self._spans is not None else self.spans()
        key = (quote.source, quote.text)
        if key in spans:
            return spans[key]
        return locate(quote.text, self._sources[quote.source].text)

    def verbatim(self, quote: Quote) -> QuoteText:
        source = self._sources[quote.source]
        span = self.span(quote)
        return QuoteText(source.id, source.title, self._words(quote, span), quote.stance, span)

    def words(self, quote: Quote) -> str:
        """Just the quote's words as the article prints them (white space folded)."""
        return self._words(quote, self.span(quote))

    def _words(self, quote: Quote, span: tuple[int, int] | None) -> str:
        if span is None:
            return quote.text
        words = self._sources[quote.source].text[span[0] : span[1]]
        if words == quote.text and folds_to_itself(words):
            return words
        return " ".join(words.split())


# --------------------------------------------------------------------------- popups


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def support_line(quotes: list[QuoteText]) -> str:
    """``Supported by 2 sources (3 passages)``, and the denials if any."""
    claims = [q for q in quotes if q.stance != "denies"]
    denials = [q for q in quotes if q.stance == "denies"]
    parts = []
    if claims:
        sources = len(dict.fromkeys(q.source_id for q in claims))
        line = f"Supported by {_plural(sources, 'source')}"
        if len(claims) > sources:
            line += f" ({len(claims)} passages)"
        parts.append(line)
    if denials:
        sources = len(dict.fromkeys(q.source_id for q in denials))
        parts.append(f"a denial quoted in {_plural(sources, 'source')}")
    line = "; ".join(parts)
    return line[:1].upper() + line[1:]


def _quote_html(feature_id: str, index: int, quote: QuoteText) -> str:
    return (
        f'<blockquote class="mg-quote"><a class="mg-cite" href="#mg-panel"'
        f' data-mg-feature="{text(feature_id)}" data-mg-quote="{index}"'
        ' title="Show this passage in the article">'
        f"\u201c{text(quote.words)}\u201d</a>"
        f"<footer>\u2014 <cite>{text(quote.source_title)}</cite></footer></blockquote>"
    )


def quotes_html(feature_id: str, quotes: list[QuoteText]) -> str:
    """The quotes, each linking to its passage; claims and denials side by side."""
    numbered = list(enumerate(quotes))
    claims = [(i, q) for i, q in numbered if q.stance != "denies"]
    denials = [(i, q) for i, q in numbered if q.stance == "denies"]
    if claims and denials:
        left = "".join(_quote_html(feature_id, i, q) for i, q in claims)
        right = "".join(_quote_html(feature_id, i, q) for i, q in denials)
        return (
            '<div class="mg-sides"><div class="mg-side mg-claims"><h4>The claim</h4>'
            f'{left}</div><div class="mg-side mg-denials"><h4>The denial</h4>{right}</div></div>'
        )
    return "".join(_quote_html(feature_id, i, q) for i, q in numbered)


def status_html(status: str) -> str:
    """The status as a badge and a word, for popups and lists."""
    return (
        f'<span class="mg-status mg-status-{status}">{status_icon(status)}'
        f"{STATUS_LABELS[status]}</span>"
    )


def popup_html(
    feature_id: str,
    title: str,
    meta: list[str],
    note: str | None,
    quotes: list[QuoteText],
    status: str = "reported",
) -> str:
    """A feature's popup: every piece of story text escaped, each quote a link that opens
    the reader at its passage (``feature_id`` and the quote's index in ``quotes``).

    The one function that builds popups, for any layer that draws features: a popup built
    here behaves the same wherever it is opened, once the feature's passages are in the
    page's :class:`Evidence`.
    """
    parts = [f'<div class="mg-popup" data-mg-id="{text(feature_id)}"><h3>{text(title)}</h3>']
    if status != "reported":
        parts.append(f'<p class="mg-claim">{status_html(status)}</p>')
    parts += [f'<p class="mg-meta">{text(line)}</p>' for line in meta]
    if note:
        parts.append(f'<p class="mg-note">{text(note)}</p>')
    if quotes:
        parts.append(f'<p class="mg-support">{text(support_line(quotes))}</p>')
    parts.append(quotes_html(feature_id, quotes))
    parts.append("</div>")
    return "".join(parts)


# --------------------------------------------------------------------------- the data


def utf16(value: str, index: int) -> int:
    """A Python string index as JavaScript counts it (UTF-16 code units)."""
    prefix = value[:index]
    return index + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


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

    def count_elsewhere(self, kind: str, cited: list[list[Quote]]) -> None:
        """Features drawn by a layer that carries its own passages (:mod:`mapgen.datalayer`),
        each given by its quotes: the sources' counts include them, though :meth:`data`
        does not list them.  A feature counts once for each source that supports it."""
        one = Counter(q[0].source for q in cited if len(q) == 1 and q[0].stance != "denies")
        for quotes in cited:
            if len(quotes) != 1:
                one.update({q.source for q in quotes if q.stance != "denies"})
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
        """The articles as the reader has them: title, outlet, date, link and text."""
        sources = []
        for source in self.story.sources:
            entry: dict[str, Any] = {"id": source.id, "title": source.title}
            if source.outlet:
                entry["outlet"] = source.outlet
            if source.date:
                entry["date"] = source_date(source)
            url = safe_url(source.url)
            if url:
                entry["url"] = url
            entry["text"] = source.text
            sources.append(entry)
        return sources

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
        texts = {s.id: s.text for s in story.sources}
        sources = self.sources()
        features: dict[str, Any] = {}
        for feature in self.features.values():
            passages = []
            for q in feature.quotes:
                if q.span is None:  # not in its article (a story built unverified): no mark
                    passages.append([index[q.source_id], -1, -1, q.stance])
                    continue
                whole = texts[q.source_id]
                passages.append(
                    [index[q.source_id], utf16(whole, q.span[0]), utf16(whole, q.span[1]), q.stance]
                )
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
        meta = " \u00b7 ".join(x for x in (source.outlet, source_date(source)) if x)
        counts = evidence.counts(source.id)
        supports = ", ".join(_plural(n, noun) for noun, n in counts.items() if n and noun in counts)
        items.append(
            '<li class="mg-source">'
            f'<a href="#mg-panel" class="mg-source-title" data-mg-source="{text(source.id)}"'
            f' title="Read the article">{text(source.title)}</a>'
            + (f'<span class="mg-source-meta">{text(meta)}</span>' if meta else "")
            + f'<span class="mg-source-counts">Supports {text(supports or "nothing yet")}</span>'
            "</li>"
        )
    body = (
        f'<p class="mg-hint">{_plural(len(items), "article")} this map quotes. Choose one to'
        " read it; every quote in a popup opens its passage here.</p>"
        f'<ul class="mg-sources">{"".join(items)}</ul>'
    )
    return Tab("sources", "Sources", body)


READER_HTML = """<div class="mg-reader-head">
<p class="mg-reader-for" id="mg-reader-for"></p>
<h3 id="mg-reader-title"></h3>
<p class="mg-reader-meta" id="mg-reader-meta"></p>
<div class="mg-pager" id="mg-reader-pager">
<button type="button" id="mg-reader-prev" aria-label="Previous passage">&#8249; Previous</button>
<span id="mg-reader-pos" aria-live="polite"></span>
<button type="button" id="mg-reader-next" aria-label="Next passage">Next &#8250;</button>
</div>
<button type="button" class="mg-linkish" id="mg-reader-show">Show on the map</button>
</div>
<div class="mg-reader-text" id="mg-reader-text" tabindex="0"></div>"""


class StoryPanel(MacroElement):
    """The side panel (tabs: timeline, sources, reader...), the evidence data and the
    scripts.  Add it to the map last: its script registers the layers drawn before it."""

    def __init__(self, evidence: Evidence, tabs: list[Tab], data: dict[str, Any] | None = None):
        super().__init__()
        self._name = "StoryPanel"
        self.evidence = evidence
        self.tabs = [*tabs, Tab("reader", "Reader", READER_HTML)]
        self.extra = data or {}

    def panel_html(self) -> str:
        buttons = "".join(
            f'<button type="button" role="tab" id="mg-tabbtn-{t.key}" data-mg-tab="{t.key}"'
            f' aria-controls="mg-tab-{t.key}" aria-selected="{"true" if i == 0 else "false"}">'
            f"{text(t.label)}</button>"
            for i, t in enumerate(self.tabs)
        )
        sections = "".join(
            f'<section class="mg-tab" id="mg-tab-{t.key}" role="tabpanel"'
            f' aria-labelledby="mg-tabbtn-{t.key}"{"" if i == 0 else " hidden"}>{t.html}</section>'
            for i, t in enumerate(self.tabs)
        )
        return (
            '<aside id="mg-panel" class="mg-box" aria-label="The story: timeline, sources and'
            ' reader"><div class="mg-tabs" role="tablist">'
            f"{buttons}"
            '<button type="button" class="mg-fold" id="mg-panel-fold" aria-expanded="true"'
            ' title="Fold the panel away">&#8211;</button></div>'
            f'<div class="mg-tab-body">{sections}</div></aside>'
        )

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if not in a Figure."
        name = self.get_name()
        data = {**self.evidence.data(), **self.extra}
        data["sources"] = self.evidence.sources_json()
        css = PANEL_CSS + "".join(t.css for t in self.tabs)
        figure.header.add_child(RawHTML(f"<style>{css}</style>\n"), name=f"{name}_css")
        figure.html.add_child(
            RawHTML(
                self.panel_html()
                + '\n<script type="application/json" id="mg-evidence">\n'
                + big_text(data_json_parts(data))
                + "\n</script>\n"
            ),
            name=name,
        )
        layers = ",".join(
            f"{json.dumps(fid)}:[{','.join(names)}]"
            for fid, names in self.evidence.layers.items()
            if names
        )
        scripts = "".join(t.script for t in self.tabs)
        figure.script.add_child(
            RawHTML(
                f"\n{READER_JS}\n{scripts}\n"
                f'mapgenStory.init({self._parent.get_name()}, "mg-evidence", {{{layers}}});\n'
            ),
            name=name,
        )


READER_JS = r"""
(function () {
  "use strict";
  var story = window.mapgenStory = window.mapgenStory || {};
  story.hooks = story.hooks || [];
  var registry = {}, data = null, map = null, panel = null;
  var state = {feature: null, index: 0, source: null};

  function $(id) { return document.getElementById(id); }
  function make(tag, cls, words) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (words != null) el.textContent = words;
    return el;
  }

  function register(id, layer) {
    (registry[id] = registry[id] || []).push(layer);
  }

  function placePanel() {
    var control = document.querySelector(".leaflet-control-layers");
    var top = 10;
    if (control) top = Math.round(control.getBoundingClientRect().bottom) + 10;
    panel.style.top = top + "px";
    padPopups();
  }

  // Every popup, as it opens, pans the map to keep clear of the title, the legend and the
  // panel as they are now (folded or not, on this screen).
  function padPopups() {
    var w = window.innerWidth;
    var title = $("mg-title"), legend = $("mg-legend");
    var top = title ? Math.round(title.getBoundingClientRect().bottom) + 12 : 20;
    var left = legend ? Math.round(legend.getBoundingClientRect().right) + 12 : 20;
    var edge = panel.getBoundingClientRect().left;
    var control = document.querySelector(".leaflet-control-layers");
    if (control) edge = Math.min(edge, control.getBoundingClientRect().left);
    var right = Math.max(20, Math.round(w - edge) + 12);
    if (left + right + 380 > w) left = 20;  // no room beside the legend: it may overlap
    if (left + right + 380 > w) right = 20;
    var pads = {autoPanPaddingTopLeft: [left, top], autoPanPaddingBottomRight: [right, 30]};
    Object.assign(data.popup, pads);
    map.eachLayer(function (layer) {
      var popup = layer.getPopup && layer.getPopup();
      if (popup) Object.assign(popup.options, pads);
    });
  }

  function showTab(name) {
    fold(false);
    var buttons = panel.querySelectorAll("[data-mg-tab]");
    for (var i = 0; i < buttons.length; i++) {
      var key = buttons[i].getAttribute("data-mg-tab");
      var on = key === name;
      buttons[i].setAttribute("aria-selected", on ? "true" : "false");
      $("mg-tab-" + key).hidden = !on;
    }
  }

  function fold(folded) {
    var was = panel.classList.contains("mg-folded");
    panel.classList.toggle("mg-folded", folded);
    if (was !== folded) padPopups();
    var button = $("mg-panel-fold");
    button.setAttribute("aria-expanded", folded ? "false" : "true");
    button.textContent = folded ? "+" : "\u2013";
    button.title = folded ? "Open the panel" : "Fold the panel away";
  }

  // Text [start, end) of the article, with the marks that fall in it.
  function fill(para, words, start, end, marks) {
    var at = start;
    for (var i = 0; i < marks.length; i++) {
      var m = marks[i];
      if (m.b <= at || m.a >= end) continue;
      var a = Math.max(m.a, at), b = Math.min(m.b, end);
      if (a > at) para.appendChild(document.createTextNode(words.slice(at, a)));
      var mark = make("mark", m.cls, words.slice(a, b));
      if (m.n != null) mark.setAttribute("data-mg-n", m.n);
      para.appendChild(mark);
      at = b;
    }
    if (at < end) para.appendChild(document.createTextNode(words.slice(at, end)));
  }

  function showArticle(source, marks) {
    var body = $("mg-reader-text");
    body.textContent = "";
    marks.sort(function (x, y) { return x.a - y.a || y.b - x.b; });
    var kept = [], until = -1;
    for (var i = 0; i < marks.length; i++) {  // no overlaps: the first (or current) wins
      var m = marks[i];
      if (m.a >= until) { kept.push(m); until = m.b; }
      else if (m.cls === "mg-current") { kept[kept.length - 1] = m; until = m.b; }
    }
    var words = source.text, pos = 0, lines = words.split("\n");
    for (var j = 0; j < lines.length; j++) {
      var start = pos, end = pos + lines[j].length;
      pos = end + 1;
      if (!lines[j].trim()) continue;
      var para = make("p");
      fill(para, words, start, end, kept);
      body.appendChild(para);
    }
    $("mg-reader-title").textContent = source.title;
    var meta = $("mg-reader-meta");
    meta.textContent = [source.outlet, source.date].filter(Boolean).join(" \u00b7 ");
    if (source.url && /^https?:\/\//i.test(source.url)) {
      var link = make("a", "mg-original", "original");
      link.href = source.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      if (meta.textContent) meta.appendChild(document.createTextNode(" \u00b7 "));
      meta.appendChild(link);
    }
  }

  function scrollToMark() {
    var body = $("mg-reader-text");
    var mark = body.querySelector("mark.mg-current");
    body.scrollTop = mark ? Math.max(0, mark.offsetTop - body.clientHeight / 3) : 0;
  }

  function open(featureId, index) {
    var feature = data.features[featureId];
    if (!feature || !feature.passages.length) return false;
    var n = Math.max(0, Math.min(feature.passages.length - 1, (+index) || 0));
    state.feature = featureId; state.index = n; state.source = null;
    var here = feature.passages[n], source = data.sources[here[0]];
    var marks = [];
    feature.passages.forEach(function (p, i) {
      if (p[0] === here[0] && p[1] >= 0) marks.push({a: p[1], b: p[2], n: i, cls: i === n ? "mg-current" : "mg-also"});
    });
    showArticle(source, marks);
    var denial = here[3] === "denies";
    $("mg-reader-for").textContent = (denial ? "A denial of: " : "Evidence for: ") + feature.name;
    $("mg-reader-pos").textContent = "Passage " + (n + 1) + " of " + feature.passages.length;
    $("mg-reader-pager").hidden = false;
    $("mg-reader-prev").disabled = n === 0;
    $("mg-reader-next").disabled = n === feature.passages.length - 1;
    $("mg-reader-show").hidden = false;
    showTab("reader");
    scrollToMark();
    return true;
  }

  function openSource(sourceId) {
    var k = -1;
    data.sources.forEach(function (s, i) { if (s.id === sourceId) k = i; });
    if (k < 0) return false;
    var marks = [];
    Object.keys(data.features).forEach(function (id) {
      data.features[id].passages.forEach(function (p) {
        if (p[0] === k && p[1] >= 0) marks.push({a: p[1], b: p[2], cls: "mg-also"});
      });
    });
    state.feature = null; state.source = sourceId;
    showArticle(data.sources[k], marks);
    $("mg-reader-for").textContent = "The whole article; the passages the map quotes are marked";
    $("mg-reader-pager").hidden = true;
    $("mg-reader-show").hidden = true;
    showTab("reader");
    $("mg-reader-text").scrollTop = 0;
    return true;
  }

  function anchorOf(id) {
    var f = data.features[id];
    return f && f.feature ? data.features[f.feature] : f;
  }

  function openPopup(id) {
    var f = data.features[id], anchor = anchorOf(id);
    if (!f) return;
    if (f.popup) {
      L.popup(data.popup).setLatLng(anchor.at).setContent(f.popup).openOn(map);
      return;
    }
    var layers = registry[id] || [];
    for (var i = 0; i < layers.length; i++) {
      if (layers[i].getPopup && layers[i].getPopup()) {
        layers[i].openPopup(f.at || undefined);
        return;
      }
    }
  }

  function focus(id) {
    var anchor = anchorOf(id);
    if (!anchor || !anchor.at) return false;
    story.hooks.forEach(function (h) { if (h.reveal) h.reveal(id); });
    map.closePopup();
    var done = false;
    function then() { if (!done) { done = true; openPopup(id); } }
    var fly = {duration: 0.8, paddingTopLeft: [60, 130], paddingBottomRight: [360, 40]};
    if (anchor.bounds) map.flyToBounds(anchor.bounds, Object.assign({maxZoom: 7}, fly));
    else map.flyTo(anchor.at, Math.max(map.getZoom(), 8), fly);
    map.once("moveend", then);
    setTimeout(then, 1500);
    return true;
  }

  function onClick(e) {
    var el = e.target.closest && e.target.closest("[data-mg-quote],[data-mg-source],[data-mg-focus],[data-mg-tab]");
    if (!el) return;
    e.preventDefault();
    if (el.hasAttribute("data-mg-quote")) open(el.getAttribute("data-mg-feature"), el.getAttribute("data-mg-quote"));
    else if (el.hasAttribute("data-mg-source")) openSource(el.getAttribute("data-mg-source"));
    else if (el.hasAttribute("data-mg-focus")) focus(el.getAttribute("data-mg-focus"));
    else showTab(el.getAttribute("data-mg-tab"));
  }

  story.register = register;
  story.layers = function (id) { return registry[id] || []; };
  story.focus = focus;
  story.showTab = showTab;
  story.init = function (theMap, dataId, layers) {
    map = story.map = theMap;
    data = story.data = JSON.parse($(dataId).textContent);
    Object.keys(layers).forEach(function (id) { layers[id].forEach(function (l) { register(id, l); }); });
    panel = $("mg-panel");
    var legend = $("mg-legend");
    if (legend && (window.innerWidth < 1100 || window.innerHeight < 720)) legend.open = false;
    if (window.innerWidth <= 760) {  // a phone: the panel along the bottom, folded at first
      fold(true);
      if (data.view) map.fitBounds(data.view, {paddingTopLeft: [20, 140], paddingBottomRight: [20, 90]});
    }
    if (legend) legend.addEventListener("toggle", padPopups);
    placePanel();
    window.addEventListener("resize", placePanel);
    document.addEventListener("click", onClick, true);
    $("mg-panel-fold").addEventListener("click", function () { fold(!panel.classList.contains("mg-folded")); });
    $("mg-reader-prev").addEventListener("click", function () { open(state.feature, state.index - 1); });
    $("mg-reader-next").addEventListener("click", function () { open(state.feature, state.index + 1); });
    $("mg-reader-show").addEventListener("click", function () { if (state.feature) focus(state.feature); });
    story.hooks.forEach(function (h) { if (h.init) h.init(data, map, story); });
  };
  window.mapgenReader = {
    open: open,
    openSource: openSource,
    next: function () { return open(state.feature, state.index + 1); },
    prev: function () { return open(state.feature, state.index - 1); },
    current: function () { return {feature: state.feature, index: state.index, source: state.source}; }
  };
})();
"""

PANEL_CSS = """
#mg-panel { right: 10px; top: 290px; bottom: 34px; width: 330px; display: flex;
  flex-direction: column; overflow: hidden; }
#mg-panel.mg-folded { bottom: auto; width: auto; }
#mg-panel.mg-folded .mg-tab-body { display: none; }
.mg-tabs { display: flex; gap: 2px; padding: 4px 4px 0; border-bottom: 1px solid #d5d8dc;
  flex: none; }
.mg-tabs button { font: inherit; border: 0; background: none; padding: 5px 9px;
  cursor: pointer; border-radius: 4px 4px 0 0; color: #1b2631; }
.mg-tabs button[aria-selected="true"] { background: #eaf2f8; font-weight: 600;
  box-shadow: inset 0 -2px 0 #2471a3; }
#mg-panel.mg-folded .mg-tabs button[aria-selected="true"] { background: none;
  box-shadow: none; font-weight: normal; }
.mg-tabs .mg-fold { margin-left: auto; font-weight: bold; }
.mg-tab-body { flex: 1; min-height: 0; display: flex; flex-direction: column; }
.mg-tab { flex: 1; min-height: 0; overflow: auto; padding: 6px 10px 8px; }
.mg-tab[hidden] { display: none; }
#mg-tab-reader { display: flex; flex-direction: column; overflow: hidden; padding: 0; }
#mg-tab-reader[hidden] { display: none; }
.mg-reader-head { padding: 6px 10px; border-bottom: 1px solid #eaecee; flex: none; }
.mg-reader-head h3 { font-size: 14px; margin: 2px 0; }
.mg-reader-for { margin: 0; font-size: 12px; color: #2471a3; font-weight: 600; }
.mg-reader-meta { margin: 0 0 4px; font-size: 12px; color: #555; }
.mg-pager { display: flex; align-items: center; justify-content: space-between; gap: 6px;
  font-size: 12px; }
.mg-pager[hidden] { display: none; }
.mg-pager button, .mg-linkish { font: inherit; font-size: 12px; cursor: pointer;
  border: 1px solid #aab7b8; background: #fff; border-radius: 4px; padding: 2px 8px; }
.mg-pager button:disabled { opacity: 0.4; cursor: default; }
.mg-linkish { margin-top: 5px; }
.mg-linkish[hidden] { display: none; }
.mg-reader-text { position: relative; flex: 1; min-height: 0; overflow: auto;
  padding: 4px 12px 12px; font: 14px/1.5 Georgia, "Times New Roman", serif; }
.mg-reader-text p { margin: 0 0 0.8em; }
.mg-reader-text mark { border-radius: 2px; padding: 0 1px; }
.mg-reader-text mark.mg-current { background: #f9e79f; box-shadow: 0 0 0 2px #f4d03f; }
.mg-reader-text mark.mg-also { background: #fdf6d8; }
.mg-hint { margin: 2px 0 8px; color: #555; font-size: 12px; }
.mg-sources { list-style: none; margin: 0; padding: 0; }
.mg-source { margin: 0 0 10px; display: flex; flex-direction: column; }
.mg-source-title { font-weight: 600; color: #1a5276; }
.mg-source-meta, .mg-source-counts { font-size: 12px; color: #555; }
.mg-popup .mg-cite { color: inherit; text-decoration: none; }
.mg-popup .mg-cite:hover, .mg-popup .mg-cite:focus { text-decoration: underline;
  text-decoration-color: #2471a3; }
.mg-popup .mg-support { margin: 6px 0 0; font-size: 12px; color: #1a5276; font-weight: 600; }
.mg-popup .mg-claim { margin: 2px 0 4px; }
.mg-status { display: inline-flex; align-items: center; gap: 4px; font-size: 12px;
  font-weight: 600; }
.mg-status-icon { flex: none; }
.mg-sides { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
.mg-side h4 { margin: 8px 0 0; font-size: 11px; text-transform: uppercase;
  letter-spacing: 0.04em; color: #555; }
.mg-denials .mg-quote { border-left-color: #c0392b; background: #fdf2f0; }
@media (max-width: 760px) {
  #mg-panel { left: 10px; right: 10px; width: auto; top: auto !important; bottom: 30px;
    height: 40%; }
  #mg-panel.mg-folded { bottom: 30px; height: auto; left: auto; }
}
"""

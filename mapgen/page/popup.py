"""A feature's popup, declared once: the slots it shows, in order, each with its HTML.

The one template serves every popup: :func:`render` fills it in Python for markers, routes,
areas and events, and the data layer hands it to ``datalayer.js`` as data
(:func:`template`), which fills it in the browser the same way for a big story's places
(the browser tests compare the two, place by place).  A slot is named by what
:attr:`Field.popup <mapgen.story.fields.Field.popup>` names; a ``text`` slot shows the
value of the field that names it (a place's from its column,
:meth:`PlaceColumns.column <mapgen.story.model.PlaceColumns.column>`), so a field shown in
the popup is one :class:`Slot` here and nothing else in the page's code.

In a slot's HTML, ``{name}`` is where a value goes, escaped (:func:`mapgen.page.markup.text`,
as ``esc`` in the page's script) unless the name is one of :data:`RAW`: HTML made already.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from ..quotes.quoted import Quotes, QuoteText
from ..story.fields import PLACE, Section
from ..story.model import (
    PLACE_KINDS,
    GeocodedStory,
    Location,
    Quote,
    location_columns,
    place_columns,
)
from .markup import shown
from .styles import STATUS_LABELS, status_icon

__all__ = [
    "SLOTS",
    "PlacePopups",
    "Slot",
    "format_coords",
    "popup_html",
    "precision_line",
    "quotes_html",
    "render",
    "status_html",
    "support_line",
    "template",
]


@dataclass(frozen=True)
class Slot:
    """A part of the popup.  ``kind`` says how it is filled:

    * ``text``: the value of the field the slot is named for, in ``{value}``; left out
      when it has none, unless ``always``;
    * ``status``: the status's badge in ``{status}``, left out for ``reported``;
    * ``lines``: a paragraph per line of facts (``{value}``);
    * ``quotes``: the support line (``{support}``) if there are quotes, then the quotes
      (:data:`QUOTE`, claims beside denials in :data:`SIDES`).
    """

    name: str
    html: str
    kind: str = "text"
    always: bool = False


#: The popup's parts, in order.
SLOTS: tuple[Slot, ...] = (
    Slot("title", '<h3 dir="auto">{value}</h3>', always=True),
    Slot("status", '<p class="mg-claim">{status}</p>', "status"),
    Slot("meta", '<p class="mg-meta">{value}</p>', "lines"),
    Slot("note", '<p class="mg-note" dir="auto">{value}</p>'),
    Slot(
        "link",
        '<p class="mg-link"><a href="{value}" target="_blank" rel="noopener noreferrer"'
        ' dir="auto">{value}</a></p>',
    ),
    Slot("quotes", '<p class="mg-support">{support}</p>', "quotes"),
)
#: What the slots are in.
OPEN = '<div class="mg-popup" data-mg-id="{id}">'
CLOSE = "</div>"
#: A quote: a link that opens the reader at its passage (the feature's id and the quote's
#: index), and its source.
QUOTE = (
    '<blockquote class="mg-quote"><a class="mg-cite" href="#mg-panel" data-mg-feature="{id}"'
    ' data-mg-quote="{index}" title="Show this passage in the article">'
    "\u201c<bdi>{words}</bdi>\u201d</a>"
    "<footer>\u2014 <cite><bdi>{cite}</bdi></cite></footer></blockquote>"
)
#: The claims beside the denials, when a feature has both.
SIDES = (
    '<div class="mg-sides"><div class="mg-side mg-claims"><h4>The claim</h4>{claims}</div>'
    '<div class="mg-side mg-denials"><h4>The denial</h4>{denials}</div></div>'
)
#: Placeholders filled with HTML made already, or numbers: not escaped.
RAW = ("claims", "denials", "index", "status")


def _unit(html: str) -> list[str]:
    """HTML as ``[text, name, text, name, ..., text]``, split at its placeholders: how the
    page's script and :func:`_fill` read it."""
    return re.split(r"\{(\w+)\}", html)


def _fill(html: str, values: Mapping[str, Any]) -> str:
    """The HTML with its placeholders filled: story text escaped (or kept, if it is
    :class:`~mapgen.page.markup.Html` made already), :data:`RAW` values as they are."""
    unit = _unit(html)
    out = [unit[0]]
    for name, after in zip(unit[1::2], unit[2::2], strict=True):
        value = values[name]
        out += [str(value) if name in RAW else shown(value), after]
    return "".join(out)


def template() -> dict[str, Any]:
    """The template as data, for the page's script (``datalayer.js``) to fill as
    :func:`render` does: every slot as ``[name, kind, always, unit]``."""
    return {
        "open": _unit(OPEN),
        "close": CLOSE,
        "slots": [[s.name, s.kind, int(s.always), _unit(s.html)] for s in SLOTS],
        "quote": _unit(QUOTE),
        "sides": _unit(SIDES),
        "raw": list(RAW),
    }


def text_slots(section: Section) -> list[tuple[str, str | None]]:
    """Each ``text`` slot's name and the key of the section's field it shows (None if the
    section has none: the slot is then empty for its features)."""
    fields = {f.popup: f.key for f in section.fields if f.popup is not None}
    return [(s.name, fields.get(s.name)) for s in SLOTS if s.kind == "text"]


def place_slots() -> list[tuple[str, str | None]]:
    """:func:`text_slots` of a place: the title's field, then those whose values the data
    layer writes at the end of a place's row, in this order."""
    return text_slots(PLACE)


# --------------------------------------------------------------------------- rendering


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


def status_html(status: str) -> str:
    """The status as a badge and a word, for popups and lists."""
    return (
        f'<span class="mg-status mg-status-{status}">{status_icon(status)}'
        f"{STATUS_LABELS[status]}</span>"
    )


def quotes_html(feature_id: str, quotes: list[QuoteText]) -> str:
    """The quotes, each linking to its passage; claims and denials side by side."""
    made = [
        _fill(
            QUOTE, {"id": feature_id, "index": i, "words": q.with_ellipses, "cite": q.source_title}
        )
        for i, q in enumerate(quotes)
    ]
    claims = [html for html, q in zip(made, quotes, strict=True) if q.stance != "denies"]
    denials = [html for html, q in zip(made, quotes, strict=True) if q.stance == "denies"]
    if claims and denials:
        return _fill(SIDES, {"claims": "".join(claims), "denials": "".join(denials)})
    return "".join(made)


def render(feature_id: str, values: Mapping[str, Any], quotes: list[QuoteText]) -> str:
    """A feature's popup: ``values`` by slot name (``title``, ``status``, ``meta``: a list
    of lines, ``note``, and any other slot's), every piece of story text escaped, each
    quote a link that opens the reader at its passage (``feature_id`` and the quote's
    index in ``quotes``), once the feature's passages are in the page's evidence."""
    parts = [_fill(OPEN, {"id": feature_id})]
    for slot in SLOTS:
        value = values.get(slot.name)
        if slot.kind == "status":
            if value is not None and value != "reported":
                parts.append(_fill(slot.html, {"status": status_html(value)}))
        elif slot.kind == "lines":
            parts += [_fill(slot.html, {"value": line}) for line in value or ()]
        elif slot.kind == "quotes":
            if quotes:
                parts.append(_fill(slot.html, {"support": support_line(quotes)}))
            parts.append(quotes_html(feature_id, quotes))
        elif value or slot.always:
            parts.append(_fill(slot.html, {"value": "" if value is None else value}))
    parts.append(CLOSE)
    return "".join(parts)


def popup_html(
    feature_id: str,
    title: str,
    meta: list[str],
    note: str | None,
    quotes: list[QuoteText],
    status: str = "reported",
    fields: Mapping[str, Any] | None = None,
) -> str:
    """:func:`render` of a feature given by its title, facts, note and status (and
    ``fields``, the values of any other slots, by slot name)."""
    values = {**(fields or {}), "title": title, "meta": meta, "note": note, "status": status}
    return render(feature_id, values, quotes)


def format_coords(lat: float, lon: float) -> str:
    """A position as a popup's meta line shows it: four decimals (about 10 m), N/S and E/W."""
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.4f}\u00b0 {ns}, {abs(lon):.4f}\u00b0 {ew}"


def precision_line(loc: Location) -> str:
    """A popup's line saying how precise a position is and who gave it, so that a reader
    can tell a city's centre from a surveyed point."""
    said = {
        "places.yaml": "coordinates given in places.yaml",
        "gazetteer": "offline gazetteer (GeoNames)",
    }.get(loc.geocoder, loc.geocoder)
    if loc.query and loc.geocoder != "places.yaml":
        said += f" \u00b7 query: {loc.query}"  # which query gave this position
    if loc.why and loc.geocoder != "places.yaml":
        said += f" \u00b7 chosen: {loc.why}"  # what decided the gazetteer's choice
    return f"Precision: {loc.precision} \u00b7 {said}"


def place_meta(kind: str, loc: Location) -> list[str]:
    """A place's facts: its kind, its position, how precise it is and who gave it (the
    data layer writes the same lines, each once: :class:`mapgen.page.datalayer.PlaceData`)."""
    return [PLACE_KINDS[kind], format_coords(loc.lat, loc.lon), precision_line(loc)]


class PlacePopups:
    """A story's places' popups and quotes, read from their columns
    (:func:`~mapgen.story.model.place_columns`), as markers and the data layer read them:
    no place object is made."""

    def __init__(self, geo: GeocodedStory, quotes: Quotes):
        self.table = table = place_columns(geo.story.places)
        self.at = location_columns(geo.places, table.ids)
        self._quotes = quotes
        self._starts = [0, *accumulate(table.counts)]
        self._shown = [(name, table.column(key)) for name, key in place_slots() if key is not None]

    def quotes(self, k: int) -> list[QuoteText]:
        """Place ``k``'s quotes as its article prints them."""
        t, cut = self.table, slice(self._starts[k], self._starts[k + 1])
        cited = zip(t.quote_sources[cut], t.quote_texts[cut], t.quote_stances[cut], strict=True)
        pos = t.pos(k)  # (the place's: Quotes reads a quote's source, text and stance)
        return [self._quotes.verbatim(Quote(s, q, pos, stance)) for s, q, stance in cited]

    def html(self, k: int, quotes: Sequence[QuoteText]) -> str:
        """Place ``k``'s popup, its quotes given (:meth:`quotes`)."""
        t = self.table
        values = {name: column[k] for name, column in self._shown}
        values["meta"] = place_meta(t.kinds[k], self.at.location(k))
        values["status"] = t.statuses[k]
        return render(t.ids[k], values, list(quotes))

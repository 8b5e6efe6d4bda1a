"""A big story's places as one data layer: one canvas, clustered, popups built on demand.

A marker per place is what a small story wants: each pin is a DOM element with its popup's
HTML bound to it.  Past :data:`mapgen.page.render.DATA_LAYER_THRESHOLD` places that stops working (10,000 folium markers
take half a minute to show; 100,000 never do), so the page draws the places instead:

* the places' data goes into the page once, as JSON in a ``<script type="application/json">``
  block (``<``, ``>`` and ``&`` escaped, so no text can leave it), one place per line:
  ``[lat, lon, id, name, look, quotes, ...shown]``, with a quote as the id of an article
  passage stored once however many places quote it, and ``shown`` the values of the
  popup's text slots after the title (the note...), in the template's order, the empty
  ones at the end left out;
* ``datalayer.js`` (inlined) draws the same pins on one canvas, clusters them where they
  crowd (a bubble with a count; a click zooms in), shows the name on hover, and builds a
  place's popup only when it is opened; ``datakeys.js`` makes them tab stops;
* the popup's HTML is the one a marker's popup has, to the byte: the JavaScript fills the
  one popup template (:mod:`mapgen.page.popup`, handed to it as data) with the place's
  text, escaped by the same rules as :func:`mapgen.page.markup.text` (the browser tests
  compare the two on every place);
* the layer control has one layer per kind, as for markers, and the legend is the same.

The same story builds to the same bytes, and a moved place changes its own line.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from itertools import chain, compress, count, repeat
from operator import getitem, itemgetter, methodcaller, not_, sub
from typing import Any

import folium
import numpy as np
from branca.element import Figure, MacroElement
from folium.template import Template

from ..quotes.sentences import ellipsis_flags
from ..story.model import PLACE_KINDS, GeocodedStory, Location, location_columns, place_columns
from .elements import SafeTooltip
from .evidence import FeatureEvidence, script_safe
from .evidence import Utf16 as _Utf16
from .markup import POPUP_OPTIONS, asset
from .popup import PlacePopups, format_coords, place_slots, precision_line, status_html, template
from .standalone import BigText, RawHTML
from .styles import KIND_COLORS, VAGUE_PRECISIONS, pin_svg

#: Size of the grid (in screen pixels) whose crowded cells become clusters, and the zoom
#: from which nothing is clustered.
CLUSTER_GRID = 60
CLUSTER_UNTIL_ZOOM = 15
#: Colour of a cluster that holds more than one kind of place.
MIXED_COLOR = "#34495e"


def script() -> str:
    """The data layer's JavaScript, inlined in the page once: the drawing and the popups,
    then the keyboard's tab stops (two files, each one concern)."""
    return asset("datalayer.js") + asset("datakeys.js")


# --------------------------------------------------------------------------- the data

_NUMBERED = re.compile(r"(.*-)[1-9][0-9]*\Z")
_UNKNOWN = object()  # a quote not in Story.spans, unlike one there but not found (None)


def _js_fixed(value: float) -> str:
    """``Math.abs(value).toFixed(4)`` as JavaScript computes it: exact ties round up."""
    return str(Decimal(abs(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _ties(lats: list[float], lons: list[float]) -> list[int]:
    """The indices of the positions whose latitude or longitude lies exactly halfway at
    the 4th decimal, where Python's format (half to even) and JavaScript's toFixed (half
    up) part ways.  A float is such a tie when 10,000 times its exact value ends in .5,
    that is when it is an odd number of 32nds (the 5s of 10,000 need the odd numerator's
    625 to cancel): a test without rounding, as times 32 is exact."""
    if not lats:
        return []
    both = np.abs(np.array([lats, lons], dtype=np.float64)) * 32.0 % 2.0 == 1.0
    return np.flatnonzero(both[0] | both[1]).tolist()


_GROUP_1 = methodcaller("group", 1)


def _id_prefix(ids: list[str]) -> tuple[str | None, dict[int, str]]:
    """The prefix most ids share before a plain number (``strikes-`` of ``strikes-12``), if
    any, and those ids' numbers (:func:`_numbers`).  The first numbered id's prefix is
    taken when more than half the ids have it (as in a bulk file): no other can be more
    common, and the others need not be matched."""
    first = next(filter(None, map(_NUMBERED.match, ids)), None)
    if first is None:
        return None, {}
    prefix = first.group(1)
    numbers = _numbers(ids, prefix)
    if 2 * len(numbers) > len(ids):
        return prefix, numbers
    numbered = list(map(_GROUP_1, filter(None, map(_NUMBERED.match, ids))))
    most = max(set(numbered), key=numbered.count)
    return most, numbers if most == prefix else _numbers(ids, most)


def _numbers(ids: list[str], prefix: str) -> dict[int, str]:
    """index -> the digits after ``prefix``, for the ids that are ``prefix`` and a number
    written plainly (ASCII digits, no leading 0), a C loop per step."""
    cut = slice(len(prefix), None)
    rests = list(map(getitem, ids, repeat(cut)))
    tests = zip(
        map(str.startswith, ids, repeat(prefix)),
        map(str.isascii, rests),
        map(str.isdigit, rests),  # so not empty
        map(not_, map(str.startswith, rests, repeat("0"))),
        strict=True,
    )
    ok = list(map(all, tests))
    return dict(zip(compress(range(len(ids)), ok), compress(rests, ok), strict=True))


class PlaceData:
    """The JSON the page reads: places, passages, and the tables they index."""

    def __init__(self, geo: GeocodedStory, quotes: Any, since: dict[str, Any] | None = None):
        story = geo.story
        table = place_columns(story.places)  # a big story's, read from its columns
        present = set(table.kinds)
        self.kinds = [k for k in PLACE_KINDS if k in present]
        kind_index = {k: i for i, k in enumerate(self.kinds)}
        sources = {s.id: i for i, s in enumerate(story.sources)}
        made: dict[str, _Utf16] = {}  # sources quoting one file share its text: once
        offsets = {
            s.id: made.get(s.text) or made.setdefault(s.text, _Utf16(s.text)) for s in story.sources
        }
        lines: dict[str, int] = {}
        metas: dict[tuple[int, ...], int] = {}
        styles: dict[tuple[int, int, str], int] = {}
        passages: dict[str, int] = {}
        passage_rows: list[str] = []
        overrides: dict[str, str] = {}
        string = json.encoder.encode_basestring  # a str as a JSON string (C)

        def line_id(text: str) -> int:
            found = lines.get(text)
            if found is None:
                found = lines[text] = len(lines)
            return found

        ids = table.ids
        at = location_columns(geo.places, ids)

        # Each place's look: its pin's style and its meta lines, each pair once.
        looks: dict[tuple[int, int], int] = {}

        def look_of(kind: str, loc: Location, status: str) -> int:
            pattern = (line_id(PLACE_KINDS[kind]), -1, line_id(precision_line(loc)))
            meta = metas.setdefault(pattern, len(metas))
            shape = (kind_index[kind], int(loc.precision in VAGUE_PRECISIONS), status)
            style = styles.setdefault(shape, len(styles))
            return looks.setdefault((style, meta), len(looks))

        # What a look depends on: kind, status and the position's precision line.
        kinds_statuses = zip(table.kinds, table.statuses, strict=True)
        # (what its meta line says of its position)
        said = zip(at.precisions, at.geocoders, at.queries, at.whys, strict=True)
        look_keys = zip(kinds_statuses, said, strict=True)
        # Each place's key, told once: the index of the first place with it (a few keys
        # among 100,000 places); then the look of each first place.
        firsts: dict[Any, int] = {}
        first_of = list(map(firsts.setdefault, look_keys, count()))
        look_at = {k: look_of(key[0][0], at.location(k), key[0][1]) for key, k in firsts.items()}
        look_column = list(map(look_at.__getitem__, first_of))
        shown = _shown(table, len(ids))
        # Ids that bulk files number (``strikes-12``) are written as the number alone.
        prefix, numbers = _id_prefix(ids)
        written_ids = list(map(string, ids))
        # And where the number is the row's index plus the story's usual step (a bulk
        # file's default ids are line numbers), as 0: the page adds the index back.
        base = None
        if prefix is not None:
            steps = list(map(sub, map(int, numbers.values()), numbers))
            base = Counter(steps).most_common(1)[0][0] if steps else None
            for k, digits, step in zip(numbers, numbers.values(), steps, strict=True):
                written_ids[k] = "0" if step == base else digits  # no number starts with 0
        lats, lons = at.lats, at.lons
        lat_texts, lon_texts = list(map(repr, lats)), list(map(repr, lons))
        names = list(map(string, table.names))
        counts = table.counts
        one_each = all(map((1).__eq__, counts))
        keys = list(zip(table.quote_sources, table.quote_texts, table.quote_stances, strict=True))
        # Each quote's passage: [source, start, length(, flags)], flags 1 if it denies the
        # claim, plus 2 and 4 if its sentence goes on before and after it (ellipses), its
        # place in the article (UTF-16, as the page counts), which the reader carries: the
        # page takes its words from there.  A passage quoted once is written in its place's
        # row; one quoted more often, once in the table, and named by its index.  Most
        # steps here and above are one C loop (``map``) over 100,000 places, not a Python
        # step per place.  The passages come last: in a big build, where the quotes stand
        # may still be on its way from the process that verifies them (mapgen.pipeline).
        unique = list(dict.fromkeys(reversed(keys)))  # each passage once, from the last
        spans = quotes.spans()
        found_spans = list(map(spans.get, map(itemgetter(0, 1), unique), repeat(_UNKNOWN)))
        # The usual passage, a span in an article with no astral character and no denial,
        # a column at a time; the others, one by one below.
        slow_sources = {source for source, utf16 in offsets.items() if utf16.astral}
        usual = [
            type(span) is tuple and stance == "claims" and source not in slow_sources
            for (source, _, stance), span in zip(unique, found_spans, strict=True)
        ]
        # ... and a whole sentence: a part of one is shown with ellipses (flags 2 and 4)
        located = list(compress(count(), usual))
        flags = ellipsis_flags(
            quotes.articles(),
            [unique[k][0] for k in located],
            list(map(found_spans.__getitem__, located)),
        )
        for k in compress(located, flags):
            usual[k] = False
        usual_keys = list(compress(unique, usual))
        usual_spans = list(compress(found_spans, usual))
        starts = list(map(itemgetter(0), usual_spans))
        lengths = list(map(sub, map(itemgetter(1), usual_spans), starts))
        ats = list(map(sources.__getitem__, map(itemgetter(0), usual_keys)))
        if (
            one_each
            and len(unique) == len(usual_keys) == len(keys)
            and len(set(zip(ats, starts, lengths, strict=True))) == len(keys)
        ):
            # The usual big story: one passage per place, each its own and usual, written
            # in its row (its source as -1 - index), a column at a time.  ``unique`` lists
            # the keys backwards, so the column is turned round.
            cited_column = list(
                map("[{},{},{}]".format, map(sub, repeat(-1), ats), starts, lengths)
            )
            cited_column.reverse()
        else:
            cited_column = _cited(
                keys,
                unique,
                usual,
                (usual_keys, starts, lengths, ats),
                counts,
                quotes,
                sources,
                offsets,
                passage_rows,
                passages,
            )

        # As json.dumps writes it (floats by repr), a few times faster.
        rows = list(
            map(
                "[{},{},{},{},{},{}{}]".format,
                lat_texts,
                lon_texts,
                written_ids,
                names,
                look_column,
                cited_column,
                shown,
            )
        )
        for index in _ties(lats, lons):
            lat, lon = lats[index], lons[index]
            js = (
                f"{_js_fixed(lat)}\u00b0 {'N' if lat >= 0 else 'S'}, "
                f"{_js_fixed(lon)}\u00b0 {'E' if lon >= 0 else 'W'}"
            )
            if js != format_coords(lat, lon):
                overrides[str(index)] = format_coords(lat, lon)

        statuses = sorted({status for _, _, status in styles})
        self.head = {
            "v": 2,
            "kinds": self.kinds,
            "colors": [KIND_COLORS[k] for k in self.kinds],
            "styles": [
                {
                    "kind": k,
                    "status": status,
                    "pin": pin_svg(KIND_COLORS[self.kinds[k]], bool(approximate), status),
                    "size": [34 if status != "reported" else 26, 38],
                    "anchor": [13, 37],
                }
                for (k, approximate, status) in styles
            ],
            "statusHtml": {status: status_html(status) for status in statuses},
            "cluster": {"grid": CLUSTER_GRID, "until": CLUSTER_UNTIL_ZOOM, "mixed": MIXED_COLOR},
            "lines": list(lines),
            "metas": [list(m) for m in metas],
            "looks": [list(look) for look in looks],
            "idPrefix": prefix,
            "idBase": base,
            "sources": [s.title for s in story.sources],
            "sourceIds": [s.id for s in story.sources],
            "fmt": overrides,
            "tpl": template(),
            "popup": dict(POPUP_OPTIONS),
            "tooltip": SafeTooltip("").options,
        }
        # The first day the story knows of each place (the time control hides it before):
        # an index into the sorted days, 0 for none.
        first_days = list(map((since or {}).get, ids))
        days = sorted(set(first_days) - {None})
        if days:
            day_index = {d: i + 1 for i, d in enumerate(days)}
            self.head["days"] = [d.isoformat() for d in days]
            self.head["since"] = [day_index.get(d, 0) for d in first_days]
        self.passages = passage_rows
        self.rows = rows

    def dumps(self) -> str:
        """The JSON text, one passage and one place per line, safe inside ``<script>``."""
        return "".join(self.parts())

    def parts(self) -> list[str]:
        """:meth:`dumps` in a few parts, not joined (see :data:`mapgen.page.standalone.BigText`)."""
        head = json.dumps(self.head, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return [
            script_safe(head[:-1]),
            ',"passages":[\n',
            script_safe(",\n".join(self.passages)),
            '\n],"places":[\n',
            script_safe(",\n".join(self.rows)),
            "\n]}",
        ]


def _shown(table: Any, n: int) -> list[str]:
    """The end of each place's row: the values of the popup's text slots after the title
    (:func:`mapgen.page.popup.text_slots`), each ``,value`` (``,null`` for none), the
    empty ones at the end left out (most often all: a row ends with its passages)."""
    keys = [key for name, key in place_slots() if name != "title"]
    columns = [table.column(key) if key is not None else [None] * n for key in keys]
    if not any(map(any, columns)):
        return [""] * n
    string = json.encoder.encode_basestring
    cells = [
        ["," + (string(v) if isinstance(v, str) else json.dumps(v)) if v else ",null" for v in c]
        for c in columns
    ]
    rows = list(map("".join, zip(*cells, strict=True)))
    for k in compress(count(), map(str.endswith, rows, repeat(",null"))):
        while rows[k].endswith(",null"):
            rows[k] = rows[k][: -len(",null")]
    return rows


def _cited(
    keys: list[tuple[str, str, str]],
    unique: list[tuple[str, str, str]],
    usual: list[bool],
    usual_columns: tuple[list[tuple[str, str, str]], list[int], list[int], list[int]],
    counts: list[int],
    quotes: Any,
    sources: dict[str, int],
    offsets: dict[str, _Utf16],
    passage_rows: list[str],
    passages: dict[str, int],
) -> list[str]:
    """Each place's passages as its row writes them (:class:`PlaceData`), for any story:
    passages quoted more than once are added to ``passage_rows`` and ``passages``."""
    string = json.encoder.encode_basestring
    articles = quotes.articles()
    usual_keys, starts, lengths, ats = usual_columns
    tails = list(map(",{},{}]".format, starts, lengths))
    rows_at = list(map("[{}{}".format, ats, tails))
    resolved: dict[tuple[str, str, str], str] = dict(zip(usual_keys, rows_at, strict=True))
    # A place with one passage quoted by it alone writes it in its row, its source as
    # -1 - index; otherwise the row lists its passages by their index in the table.
    short = dict(zip(rows_at, map("[{}{}".format, map(sub, repeat(-1), ats), tails), strict=True))
    for key in compress(unique, map(not_, usual)):
        source, quoted, stance = key
        span = quotes.span_of(source, quoted)
        at = sources[source]
        denies = 1 if stance == "denies" else 0
        if span is None:  # not in its article (mapgen check only): the words as typed
            words = string(quotes.words_of(source, quoted))
            tail = f",-1,-1,{denies},{words}]"
        else:
            utf16 = offsets[source]
            start, end = (utf16(span[0]), utf16(span[1])) if utf16.astral else span
            # 1 if it denies the claim, 2 if its sentence goes on before it, 4 after it
            flags = denies + ellipsis_flags(articles, [source], [span])[0]
            tail = f",{start},{end - start}{f',{flags}' if flags else ''}]"
        found = resolved[key] = f"[{at}{tail}"
        short[found] = f"[{-1 - at}{tail}"
    cited = list(map(resolved.__getitem__, keys))
    uses = Counter(cited)
    shared = [found for found in dict.fromkeys(cited) if uses[found] > 1]
    passage_rows += shared
    passages.update((found, i) for i, found in enumerate(shared))
    inline = {found: row for found, row in short.items() if uses[found] == 1}
    if not shared and all(n == 1 for n in counts):
        return list(map(inline.__getitem__, cited))
    cited_column = []
    at = 0
    for n in counts:
        mine = cited[at : at + n]
        at += n
        if n == 1:  # the passage itself, or its index in the table
            found = mine[0]
            cited_column.append(inline[found] if found in inline else str(passages[found]))
        else:
            listed = (found if uses[found] == 1 else str(passages[found]) for found in mine)
            cited_column.append("[" + ",".join(listed) + "]")
    return cited_column


# --------------------------------------------------------------------------- the elements


class DataLayer(MacroElement):
    """The places' data block, the script that draws it (once per page), and the store."""

    def __init__(self, data: PlaceData, big_text: BigText = "".join):
        super().__init__()
        self._name = "DataLayer"
        self.data = data
        #: How the page holds the places' data (see :data:`~mapgen.page.standalone.BigText`).
        self.big_text = big_text

    @property
    def block_id(self) -> str:
        return f"mg-data-{self.get_name()}"

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "DataLayer must be in a Figure"
        figure.header.add_child(RawHTML(f"<script>\n{script()}</script>\n"), name="mg_datalayer")
        figure.html.add_child(
            RawHTML(
                f'<script type="application/json" id="{self.block_id}">\n'
                f"{self.big_text(self.data.parts())}\n</script>\n"
            ),
            name=f"{self.get_name()}_data",
        )
        figure.script.add_child(
            RawHTML(
                f"var {self.get_name()} = mapgenData({self._parent.get_name()},"
                f" {json.dumps(self.block_id)});\n"
            ),
            name=self.get_name(),
        )


class KindLayer(folium.map.Layer):
    """One kind of place in the layer control: shows or hides it in the data layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = {{ this.store }}.layer({{ this.index }});
        {% endmacro %}
        """
    )

    def __init__(self, store: DataLayer, index: int, name: str):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "KindLayer"
        self.store_element = store
        self.index = index

    @property
    def store(self) -> str:
        return self.store_element.get_name()


def add_places(
    fmap: folium.Map,
    geo: GeocodedStory,
    quotes: Any,
    evidence: Any,
    since: dict[str, Any] | None = None,
    big_text: BigText = "".join,
) -> DataLayer:
    """Draw the story's places on ``fmap`` as one data layer, a layer per kind.

    ``quotes`` is the build's :class:`mapgen.quotes.quoted.Quotes` (each quote's verbatim words
    and place in its article), ``evidence`` its :class:`mapgen.page.evidence.Evidence`: the
    places that events happen at are entered there as markers' places are (the timeline
    flies to them and opens their popup); the others enter the reader's data when their
    popup is first built, in the page.  ``since`` (feature id -> the first day the story
    knows of it, :func:`mapgen.page.timeline.since_dates`) lets the time control hide places
    as it hides markers."""
    data = PlaceData(geo, quotes, since)
    store = DataLayer(data, big_text)
    fmap.add_child(store)
    for index, kind in enumerate(data.kinds):
        fmap.add_child(KindLayer(store, index, PLACE_KINDS[kind]))
    _enter_evidence(geo, quotes, evidence)
    return store


def _enter_evidence(geo: GeocodedStory, quotes: Any, evidence: Any) -> None:
    """The places events name, as :mod:`mapgen.page.render` enters a marker's place, with their
    popup's HTML (there is no marker to open it); the others only counted for the sources
    panel (the page's data layer carries their passages)."""
    story = geo.story
    named = {event.place for event in story.events if event.place}
    table = place_columns(story.places)
    counts, sources, stances = table.counts, table.quote_sources, table.quote_stances
    if named & set(table.ids):
        keep = [place_id not in named for place_id in table.ids]
        each_quote = list(chain.from_iterable(map(repeat, keep, counts)))
        counts = list(compress(counts, keep))
        sources = list(compress(sources, each_quote))
        stances = list(compress(stances, each_quote))
    evidence.count_elsewhere("place", counts, sources, stances)
    if not named:
        return
    # The places events name: their popups made here, read from the columns.
    popups = PlacePopups(geo, quotes)
    at = popups.at
    for k in compress(count(), map(named.__contains__, table.ids)):
        cited = popups.quotes(k)
        place_id, name, status = table.ids[k], table.names[k], table.statuses[k]
        extra = {"popup": popups.html(k, cited)}
        spot = (at.lats[k], at.lons[k])
        evidence.add(FeatureEvidence(place_id, name, "place", status, cited, spot, None, extra))

"""From a geocoded story to a folium map and a GeoJSON document.

Every piece of text from ``places.yaml`` or an article passes through :func:`text` before
it enters HTML, and HTML enters scripts only as JSON strings (see :mod:`mapgen.elements`).
Quotes are shown in the article's own words: the verified span of the source text, not
what the editor typed, so a popup is exactly what the article said.
"""

from __future__ import annotations

import contextlib
import html
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import folium
from branca.element import Element

from . import geodesy
from .elements import Area, Overlay, SafePopup, SafeTooltip
from .model import PLACE_KINDS, GeocodedStory, Location, Quote, Route, Story
from .page import PageAssets, StandaloneMap, add_base_layers, page_assets
from .sources import Folded, fold, locate

KIND_COLORS: dict[str, str] = {
    "capital": "#c0392b",
    "city": "#2471a3",
    "port": "#138d75",
    "military": "#6c3483",
    "venue": "#d35400",
    "crossing": "#566573",
    "site": "#7d6608",
}
ROUTE_COLORS: dict[str, str] = {
    "rail": "#1b2631",
    "road": "#7e5109",
    "air": "#1f618d",
    "sea": "#117a65",
    "other": "#4a235a",
}
ROUTE_DASH: dict[str, str | None] = {
    "rail": "10 6",
    "road": None,
    "air": "2 8",
    "sea": "14 6 2 6",
    "other": None,
}
AREA_STYLE = {
    "color": "#7b241c",
    "weight": 1.5,
    "fillColor": "#e6b0aa",
    "fillOpacity": 0.35,
    "className": "mg-area",
}
MODE_LABELS = {"rail": "by rail", "road": "by road", "air": "by air", "sea": "by sea", "other": ""}
#: Positions this vague are drawn as hollow, dashed pins.  A city placed at the city's
#: centre is where it should be, so "city" is not among them.
VAGUE_PRECISIONS = {"approximate", "region", "country"}


_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def text(value: object) -> str:
    """Escape untrusted text for HTML, quotes and braces included.

    Braces too: branca compiles each element's rendered output as a Jinja template once
    more before the page is written, so ``{{ 7*7 }}`` in a quote would print 49, and worse
    expressions would run in this process.
    """
    return html.escape(str(value), quote=True).translate(_BRACES)


@dataclass
class QuoteText:
    """A quote as the article prints it, with the source it came from."""

    source_id: str
    source_title: str
    words: str


class Quotes:
    """Finds each quote's verbatim span in its article (folding each article once)."""

    def __init__(self, story: Story):
        self._sources = {s.id: s for s in story.sources}
        self._folded: dict[str, Folded] = {}

    def verbatim(self, quote: Quote) -> QuoteText:
        source = self._sources[quote.source]
        folded = self._folded.get(source.id)
        if folded is None:
            folded = self._folded[source.id] = fold(source.text)
        span = locate(quote.text, source.text, folded)
        words = " ".join(source.text[span[0] : span[1]].split()) if span else quote.text
        return QuoteText(source.id, source.title, words)


def _quotes_html(quotes: list[QuoteText]) -> str:
    return "".join(
        f'<blockquote class="mg-quote">\u201c{text(q.words)}\u201d'
        f"<footer>\u2014 <cite>{text(q.source_title)}</cite></footer></blockquote>"
        for q in quotes
    )


def _popup_html(title: str, meta: list[str], note: str | None, quotes: list[QuoteText]) -> str:
    parts = [f'<div class="mg-popup"><h3>{text(title)}</h3>']
    parts += [f'<p class="mg-meta">{text(line)}</p>' for line in meta]
    if note:
        parts.append(f'<p class="mg-note">{text(note)}</p>')
    parts.append(_quotes_html(quotes))
    parts.append("</div>")
    return "".join(parts)


def format_coords(lat: float, lon: float) -> str:
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.4f}\u00b0 {ns}, {abs(lon):.4f}\u00b0 {ew}"


def _precision_line(loc: Location) -> str:
    said = {
        "places.yaml": "coordinates given in places.yaml",
        "gazetteer": "offline gazetteer (GeoNames)",
    }.get(loc.geocoder, loc.geocoder)
    if loc.query and loc.geocoder != "places.yaml":
        said += f" \u00b7 query: {loc.query}"  # which query gave this position
    return f"Precision: {loc.precision} \u00b7 {said}"


def pin_svg(color: str, approximate: bool) -> str:
    """A map pin; an approximate position gets a hollow, dashed pin."""
    fill, dash = ("#ffffff", ' stroke-dasharray="3 2"') if approximate else (color, "")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="26" height="38" viewBox="0 0 26 38">'
        f'<path d="M13 1C6.4 1 1 6.3 1 12.9 1 22 13 37 13 37s12-15 12-24.1C25 6.3 19.6 1 13 1z"'
        f' fill="{fill}" stroke="{color}" stroke-width="2"{dash}/>'
        f'<circle cx="13" cy="13" r="4.5" fill="{color if approximate else "#ffffff"}"/></svg>'
    )


def arrow_svg(color: str, bearing: float) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="-9 -9 18 18"'
        f' style="transform: rotate({bearing:.1f}deg)">'
        f'<path d="M0 -7 L6 6 L0 3 L-6 6 Z" fill="{color}" stroke="#fff" stroke-width="1"/></svg>'
    )


@contextlib.contextmanager
def stable_ids() -> Iterator[None]:
    """Name folium's elements by a counter instead of random bytes, while building a map.

    branca gives each element 16 random bytes as its id, so every build of the same story
    differed; numbered in creation order, the same story gives the same page.
    """
    counter = itertools.count(1)
    original = Element.__dict__["_generate_id"]
    Element._generate_id = classmethod(lambda cls: f"{next(counter):06x}")  # type: ignore[method-assign]
    try:
        yield
    finally:
        Element._generate_id = original  # type: ignore[method-assign]


def route_line(geo: GeocodedStory, route: Route) -> list[tuple[float, float]]:
    """The drawn line of a route: its waypoints joined by geodesics."""
    return geodesy.densify(geo.routes[route.id])


def _route_meta(geo: GeocodedStory, route: Route) -> tuple[str, list[str]]:
    points = geo.routes[route.id]
    km = geodesy.length_km(points)
    first, last = _stop_name(geo, route, 0), _stop_name(geo, route, -1)
    direction = f"{first} \u2192 {last}"
    lines = [
        f"Route {MODE_LABELS[route.mode]}: {direction}".replace("Route :", "Route:"),
        f"Length: {km:,.0f} km (geodesic, through {len(points)} points)",
    ]
    if route.schematic:
        lines.append("Schematic: drawn through waypoints, not the exact path.")
    return f"{route.name} \u00b7 {km:,.0f} km", lines


def _stop_name(geo: GeocodedStory, route: Route, index: int) -> str:
    stop = route.via[index]
    if stop.place is not None:
        return geo.story.place(stop.place).name
    return stop.name or format_coords(*geo.routes[route.id][index])


def build_map(
    geo: GeocodedStory, *, cdn: bool = False, inline: PageAssets | None = None
) -> StandaloneMap:
    """Draw the story as a :class:`folium.Map`: the same story gives the same page.

    Leaflet and the outline basemap are inlined (fetched once into the user cache, see
    :mod:`mapgen.assets`) unless ``cdn`` is true; what cannot be had is left out (Leaflet
    is then linked from the CDN) and an :class:`~mapgen.assets.AssetWarning` says so.
    ``inline`` gives them when the caller has them already (``mapgen watch`` reads and
    prepares them once, not at every rebuild); default: :func:`~mapgen.page.page_assets`.
    """
    if inline is None:
        inline = page_assets(cdn)
    with stable_ids():
        return _build(geo, inline)


def _build(geo: GeocodedStory, inline: PageAssets) -> StandaloneMap:
    story = geo.story
    quotes = Quotes(story)
    fmap = StandaloneMap(
        tiles=None, control_scale=True, zoom_start=3, location=(45, 100), leaflet=inline.leaflet
    )
    add_base_layers(fmap, inline.outlines)

    areas = folium.FeatureGroup(name="Countries", show=True).add_to(fmap)
    for area in story.areas:
        layer = Area(_polygon_latlngs(geo.areas[area.id]), **AREA_STYLE)
        body = _popup_html(
            area.name, ["Country"], area.note, [quotes.verbatim(q) for q in area.quotes]
        )
        layer.add_child(SafePopup(body)).add_child(SafeTooltip(text(area.name)))
        layer.add_to(areas)

    routes = folium.FeatureGroup(name="Routes", show=True).add_to(fmap)
    for route in story.routes:
        color = ROUTE_COLORS[route.mode]
        tip, meta = _route_meta(geo, route)
        line = folium.PolyLine(
            route_line(geo, route),
            color=color,
            weight=4,
            opacity=0.85,
            dash_array=ROUTE_DASH[route.mode],
            class_name=f"mg-route mg-{route.mode}",
        )
        body = _popup_html(route.name, meta, route.note, [quotes.verbatim(q) for q in route.quotes])
        line.add_child(SafePopup(body)).add_child(SafeTooltip(text(tip)))
        line.add_to(routes)
        points = geo.routes[route.id]
        for fraction in (0.25, 0.5, 0.75):
            here, ahead = geodesy.along(points, fraction)
            icon = folium.DivIcon(
                html=arrow_svg(color, geodesy.screen_bearing(here, ahead)),
                icon_size=(18, 18),
                icon_anchor=(9, 9),
                class_name="mg-arrow",
            )
            folium.Marker(here, icon=icon, interactive=False, keyboard=False).add_to(routes)

    groups: dict[str, folium.FeatureGroup] = {}
    for kind, label in PLACE_KINDS.items():
        if any(p.kind == kind for p in story.places):
            groups[kind] = folium.FeatureGroup(name=label, show=True).add_to(fmap)
    for place in story.places:
        loc = geo.places[place.id]
        approximate = loc.precision in VAGUE_PRECISIONS
        icon = folium.DivIcon(
            html=pin_svg(KIND_COLORS[place.kind], approximate),
            icon_size=(26, 38),
            icon_anchor=(13, 37),
            class_name=f"mg-pin mg-{place.kind}",
        )
        marker = folium.Marker((loc.lat, loc.lon), icon=icon, title=None)
        meta = [
            PLACE_KINDS[place.kind],
            format_coords(loc.lat, loc.lon),
            _precision_line(loc),
        ]
        body = _popup_html(place.name, meta, place.note, [quotes.verbatim(q) for q in place.quotes])
        marker.add_child(SafePopup(body)).add_child(SafeTooltip(text(place.name)))
        marker.add_to(groups[place.kind])

    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.add_child(Overlay(_title_html(story), PAGE_CSS))
    fmap.add_child(Overlay(_legend_html(story)))
    bounds = _bounds(geo)
    if bounds:
        fmap.fit_bounds(bounds, padding=(30, 30))
    fmap.get_root().title = text(story.title)
    return fmap


def _polygon_latlngs(geometry: dict) -> list:
    """A GeoJSON Polygon or MultiPolygon as Leaflet's nested [lat, lon] rings."""

    def ring(coords: list) -> list[tuple[float, float]]:
        return [(lat, lon) for lon, lat, *_ in coords]

    if geometry["type"] == "Polygon":
        return [ring(r) for r in geometry["coordinates"]]
    return [[ring(r) for r in polygon] for polygon in geometry["coordinates"]]


def _bounds(geo: GeocodedStory) -> list[list[float]] | None:
    points = [(loc.lat, loc.lon) for loc in geo.places.values()]
    points += [p for pts in geo.routes.values() for p in pts]
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _title_html(story: Story) -> str:
    desc = f"<p>{text(story.description)}</p>" if story.description else ""
    return f'<div id="mg-title" class="mg-box"><h1>{text(story.title)}</h1>{desc}</div>'


def _legend_html(story: Story) -> str:
    rows = []
    for kind, label in PLACE_KINDS.items():
        if any(p.kind == kind for p in story.places):
            rows.append(
                f'<li><span class="mg-key">{pin_svg(KIND_COLORS[kind], False)}</span>'
                f"{text(label)}</li>"
            )
    rows.append(f'<li><span class="mg-key">{pin_svg("#555", True)}</span>Approximate position</li>')
    for mode in dict.fromkeys(r.mode for r in story.routes):
        dash = ROUTE_DASH[mode]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        rows.append(
            '<li><span class="mg-key"><svg width="36" height="10"><line x1="0" y1="5" x2="36"'
            f' y2="5" stroke="{ROUTE_COLORS[mode]}" stroke-width="3"{dash_attr}/></svg></span>'
            f"Route {text(MODE_LABELS[mode])}</li>"
        )
    if story.areas:
        rows.append(
            f'<li><span class="mg-key"><svg width="20" height="14"><rect width="20" height="14"'
            f' fill="{AREA_STYLE["fillColor"]}" stroke="{AREA_STYLE["color"]}"/></svg></span>'
            "Country named in the story</li>"
        )
    return f'<div id="mg-legend" class="mg-box"><h2>Legend</h2><ul>{"".join(rows)}</ul></div>'


PAGE_CSS = """
.mg-box { position: absolute; z-index: 1000; background: rgba(255,255,255,0.94);
  border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,0.35);
  font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b2631; }
#mg-title { top: 10px; left: 50%; transform: translateX(-50%); max-width: 52%;
  padding: 6px 14px; text-align: center; }
#mg-title h1 { font-size: 17px; margin: 2px 0; }
#mg-title p { margin: 2px 0 4px; font-size: 12px; color: #444; }
#mg-legend { bottom: 44px; left: 10px; padding: 6px 10px; max-width: 240px; }
#mg-legend h2 { font-size: 13px; margin: 2px 0 4px; }
#mg-legend ul { list-style: none; margin: 0; padding: 0; }
#mg-legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.mg-key { display: inline-flex; width: 36px; justify-content: center; }
.mg-key svg[height="38"] { height: 20px; width: 14px; }
.mg-pin, .mg-arrow { background: none; border: none; }
.mg-popup h3 { font-size: 15px; margin: 0 0 4px; }
.mg-popup .mg-meta { margin: 1px 0; color: #555; font-size: 12px; }
.mg-popup .mg-note { margin: 6px 0; font-style: italic; }
.mg-quote { margin: 8px 0 0; padding: 4px 8px; border-left: 3px solid #aab7b8;
  background: #f8f9f9; }
.mg-quote footer { margin-top: 3px; font-size: 11px; color: #555; }
"""

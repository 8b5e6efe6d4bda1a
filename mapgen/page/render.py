"""From a geocoded story to a folium map and a GeoJSON document.

Every piece of text from ``places.yaml`` or an article passes through :func:`text` before
it enters HTML, and HTML enters scripts only as JSON strings (see :mod:`mapgen.page.elements`).
Quotes are shown in the article's own words: the verified span of the source text, not
what the editor typed, so a popup is exactly what the article said.  Popups, the sources
panel and the reader are :mod:`mapgen.page.evidence`'s, the timeline :mod:`mapgen.page.timeline`'s,
the look of statuses and route modes :mod:`mapgen.page.styles`'.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping

import folium
from branca.element import Element

from ..geo import geodesy
from ..geo.countries import resolve_country
from ..geo.framing import area_bounds
from ..geo.regions import region
from ..quotes.quoted import Quotes
from ..story.model import (
    PLACE_KINDS,
    STATUSES,
    Event,
    GeocodedStory,
    Route,
    Story,
    place_columns,
)
from ..story.model import Area as AreaModel
from ..story.tiles import TileSetting
from ..story.when import label as date_label
from .datalayer import add_places
from .elements import Area, Overlay, SafePopup, SafeTooltip
from .evidence import Evidence, FeatureEvidence, sources_tab
from .firstview import FirstView
from .markup import Html, asset, isolated, text
from .notice import IncompleteNotice
from .panel import StoryPanel
from .permalink import Permalinks
from .phone import PhoneLayout
from .popup import PlacePopups, format_coords, popup_html
from .publish import PublishedPage
from .standalone import BigText, PageAssets, StandaloneMap, add_base_layers, page_assets
from .styles import (
    KIND_COLORS,
    MODE_STYLES,
    STATUS_LABELS,
    STATUS_LINES,
    VAGUE_PRECISIONS,
    area_style,
    arrow_svg,
    badge_svg,
    line_sample,
    mode_icon_svg,
    pin_svg,
    region_mark_svg,
    region_style,
    route_style,
)
from .tiles import TileSource, tile_source
from .timeline import event_extra, since_dates, timeline_data, timeline_tab

__all__ = [
    "KIND_COLORS",
    "arrow_svg",
    "build_map",
    "format_coords",
    "pin_svg",
    "stable_ids",
    "text",
]

#: A route's colour, by mode (see :data:`mapgen.page.styles.MODE_STYLES` for the rest).
ROUTE_COLORS: dict[str, str] = {mode: str(style["color"]) for mode, style in MODE_STYLES.items()}
AREA_STYLE = {
    "color": "#7b241c",
    "weight": 1.5,
    "fillColor": "#e6b0aa",
    "fillOpacity": 0.35,
    "className": "mg-area",
}
MODE_LABELS = {mode: str(style["label"]) for mode, style in MODE_STYLES.items()}
#: A story with more places than this draws them as one data layer (:mod:`mapgen.page.datalayer`):
#: one canvas, clustered, each popup built when opened; up to it, a marker per place.
DATA_LAYER_THRESHOLD = 1000
#: The title's, the legend's and the popups' style (render.css), after a blank line.
PAGE_CSS = "\n" + asset("render.css")


def draws_data_layer(story: Story) -> bool:
    """Whether the page draws the story's places as one data layer: past
    :data:`DATA_LAYER_THRESHOLD` places unless the story's ``data_layer:`` says otherwise."""
    setting = story.data_layer
    if setting == "never" or not story.places:
        return False
    if setting == "always":
        return True
    limit = DATA_LAYER_THRESHOLD if setting == "auto" else int(setting)
    return len(story.places) > limit


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


def _route_meta(geo: GeocodedStory, route: Route) -> tuple[Html, list[str]]:
    """The route's tooltip (HTML) and its popup's lines; the names in them isolated, so
    that a name's bidi controls cannot turn ``A → B`` into ``B → A``."""
    points = geo.routes[route.id]
    km = geodesy.length_km(points)
    first, last = _stop_name(geo, route, 0), _stop_name(geo, route, -1)
    direction = f"{isolated(first)} \u2192 {isolated(last)}"
    mode = f"Route {text(MODE_LABELS[route.mode])}:".replace("Route :", "Route:")
    lines: list[str] = [
        Html(f"{mode} {direction}"),
        f"Length: {km:,.0f} km (geodesic, through {len(points)} points)",
    ]
    if route.schematic:
        lines.append("Schematic: drawn through waypoints, not the exact path.")
    return Html(f"{isolated(route.name)} \u00b7 {km:,.0f} km"), lines


def _stop_name(geo: GeocodedStory, route: Route, index: int) -> str:
    stop = route.via[index]
    if stop.place is not None:
        return geo.story.place(stop.place).name
    return stop.name or format_coords(*geo.routes[route.id][index])


def build_map(
    geo: GeocodedStory,
    *,
    cdn: bool = False,
    inline: PageAssets | None = None,
    spans: Mapping[tuple[str, str], tuple[int, int] | None] | None = None,
    articles: Iterable[str] = (),
    big_text: BigText = "".join,
    tiles: TileSetting | None = None,
    base_url: str | None = None,
) -> StandaloneMap:
    """Draw the story as a :class:`folium.Map`: the same story gives the same page.

    Leaflet and the outline basemap are inlined (from the installed packages, see
    :mod:`mapgen.page.assets`) unless ``cdn`` is true; what cannot be had is left out (Leaflet
    is then linked from the CDN), an :class:`~mapgen.page.assets.AssetWarning` says so, and so
    does a notice at the top of the page (:mod:`mapgen.page.notice`).
    ``inline`` gives them when the caller has them already (``mapgen watch`` reads and
    prepares them once, not at every rebuild); default: :func:`~mapgen.page.standalone.page_assets`.

    ``spans`` says where each quote stands in its article (default: the story's own,
    :attr:`~mapgen.story.model.Story.spans`), read when the page first needs them (as late
    as it can: the passages of a big story's places); ``articles``, the JSON of the first
    articles (:func:`~mapgen.page.evidence.sources_json`) made already, which the page
    reads last and makes the rest of; ``big_text``, how the page holds its big texts
    (:data:`~mapgen.page.standalone.BigText`).

    ``tiles`` overrides the story's ``tiles:`` (:mod:`mapgen.page.tiles`; default: the
    offline outlines alone); ``base_url``, the address the page will be published at,
    gives it its social card's meta (:mod:`mapgen.page.publish`).
    """
    if inline is None:
        inline = page_assets(cdn)
    chosen = tile_source(tiles if tiles is not None else geo.story.tiles)
    with stable_ids():
        fmap = _build(geo, inline, spans, articles, big_text, chosen)
        fmap.add_child(PublishedPage(geo.story, base_url))
        if inline.notice:
            fmap.add_child(IncompleteNotice(inline.notice))
        return fmap


def _build(
    geo: GeocodedStory,
    inline: PageAssets,
    spans: Mapping[tuple[str, str], tuple[int, int] | None] | None,
    articles: Iterable[str],
    big_text: BigText,
    tiles: TileSource | None = None,
) -> StandaloneMap:
    story = geo.story
    quotes = Quotes(story, spans)
    evidence = Evidence(story, quotes, articles)
    since = since_dates(story)

    def when(feature_id: str) -> dict[str, str]:
        day = since.get(feature_id)
        return {"since": day.isoformat()} if day is not None else {}

    fmap = StandaloneMap(
        tiles=None, control_scale=True, zoom_start=3, location=(45, 100), leaflet=inline.leaflet
    )
    add_base_layers(fmap, inline.outlines, tiles)

    areas = folium.FeatureGroup(name=_areas_label(story), show=True).add_to(fmap)
    area_boxes: dict[str, list[list[float]]] = {}
    for area in story.areas:
        cited = [quotes.verbatim(q) for q in area.quotes]
        latlngs = _polygon_latlngs(geo.areas[area.id])
        layer = Area(latlngs, **area_style(AREA_STYLE, area.status))
        meta = [_area_meta(area, geo.area_regions.get(area.id))]
        body = popup_html(area.id, area.name, meta, area.note, cited, area.status)
        layer.add_child(SafePopup(body)).add_child(SafeTooltip(isolated(area.name)))
        layer.add_to(areas)
        bounds = area_boxes[area.id] = area_bounds(geo.areas[area.id])
        at = ((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2)
        named = {**when(area.id), "shape": _SHAPE_WORDS[area.kind]}  # access.js names it
        feature = FeatureEvidence(area.id, area.name, "area", area.status, cited, at, bounds, named)
        evidence.add(feature, layer)

    routes = folium.FeatureGroup(name="Routes", show=True).add_to(fmap)
    for route in story.routes:
        cited = [quotes.verbatim(q) for q in route.quotes]
        color = ROUTE_COLORS[route.mode]
        tip, meta = _route_meta(geo, route)
        line = folium.PolyLine(route_line(geo, route), **route_style(route.mode, route.status))
        body = popup_html(route.id, route.name, meta, route.note, cited, route.status)
        line.add_child(SafePopup(body)).add_child(SafeTooltip(tip))
        line.add_to(routes)
        points = geo.routes[route.id]
        drawn: list[folium.Marker] = [line]
        # Arrowheads a quarter and three quarters along show the direction; the mode's icon
        # (with the status's badge) stands at the middle.
        for fraction in (0.25, 0.75):
            here, ahead = geodesy.along(points, fraction)
            icon = folium.DivIcon(
                html=arrow_svg(color, geodesy.screen_bearing(here, ahead)),
                icon_size=(18, 18),
                icon_anchor=(9, 9),
                class_name=f"mg-arrow mg-status-{route.status}",
            )
            arrow = folium.Marker(here, icon=icon, interactive=False, keyboard=False)
            drawn.append(arrow.add_to(routes))
        middle, _ = geodesy.along(points, 0.5)
        badge = folium.DivIcon(
            html=mode_icon_svg(route.mode, route.status),
            icon_size=(30, 30),
            icon_anchor=(15, 15),
            class_name=f"mg-mode mg-mode-{route.mode} mg-status-{route.status}",
        )
        # Not interactive: a click on it reaches the line under it, and its popup.
        mode_icon = folium.Marker(middle, icon=badge, interactive=False, keyboard=False)
        drawn.append(mode_icon.add_to(routes))
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        bounds = [[min(lats), min(lons)], [max(lats), max(lons)]]
        feature = FeatureEvidence(
            route.id, route.name, "route", route.status, cited, middle, bounds, when(route.id)
        )
        evidence.add(feature, *drawn)

    if draws_data_layer(story):  # one canvas layer instead of a marker each
        add_places(fmap, geo, quotes, evidence, since, big_text)
    else:
        _add_markers(fmap, geo, quotes, evidence, when)

    names = {f.id: f.name for f in evidence.features.values()}
    for event in story.events:
        cited = [quotes.verbatim(q) for q in event.quotes]
        body = popup_html(
            event.id, event.title, _event_meta(event, names), event.note, cited, event.status
        )
        extra = {**when(event.id), **event_extra(event), "popup": body}
        evidence.add(
            FeatureEvidence(event.id, event.title, "event", event.status, cited, None, None, extra)
        )

    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.add_child(Overlay(_title_html(story), PAGE_CSS))
    fmap.add_child(Overlay(_legend_html(story, regionwide=bool(geo.place_regions))))
    timeline = timeline_data(story, since)
    tabs = [timeline_tab(story, names, since), sources_tab(evidence)]
    # The first view and the names on the map (firstview.py): one fit, made in the page,
    # where the controls can be measured.  Before the panel, whose init runs its hooks.
    fmap.add_child(
        FirstView(geo, area_boxes, markers=bool(story.places) and not draws_data_layer(story))
    )
    fmap.add_child(PhoneLayout())  # before the panel: its scripts are the panel's hooks
    fmap.add_child(Permalinks())  # the address and "copy link" (permalink.py): a hook too
    fmap.add_child(StoryPanel(evidence, tabs, {"timeline": timeline}, big_text))
    fmap.get_root().title = text(story.title)
    return fmap


def _add_markers(
    fmap: folium.Map,
    geo: GeocodedStory,
    quotes: Quotes,
    evidence: Evidence,
    when: Callable[[str], dict[str, str]],
) -> None:
    """A marker per place, in a layer per kind: read from the places' columns, as the data
    layer reads them, each with the popup the one template makes."""
    popups = PlacePopups(geo, quotes)
    table, at = popups.table, popups.at
    kinds, statuses = table.kinds, table.statuses
    present = set(kinds)
    groups: dict[str, folium.FeatureGroup] = {}
    for kind, label in PLACE_KINDS.items():
        if kind in present:
            groups[kind] = folium.FeatureGroup(name=label, show=True).add_to(fmap)
    for k, (place_id, name) in enumerate(zip(table.ids, table.names, strict=True)):
        kind, status = kinds[k], statuses[k]
        cited = popups.quotes(k)
        width = 34 if status != "reported" else 26
        spot = (at.lats[k], at.lons[k])
        drawn: list[folium.Marker | Area] = []
        bounds = None
        if at.precisions[k] == "region":  # a marked centre, and the region's outline
            icon = folium.DivIcon(
                html=region_mark_svg(KIND_COLORS[kind], status),
                icon_size=(width, 26),
                icon_anchor=(13, 13),
                class_name=f"mg-pin mg-region-mark mg-{kind} mg-status-{status}",
            )
            outline = geo.place_regions.get(place_id)
            if outline is not None:
                # Not interactive: the marked centre is the place's one target, and the
                # outline never takes a click meant for an area under it.
                shape = Area(_polygon_latlngs(outline), **region_style(KIND_COLORS[kind], status))
                drawn.append(shape.add_to(groups[kind]))
                bounds = area_bounds(outline)
        else:
            approximate = at.precisions[k] in VAGUE_PRECISIONS
            icon = folium.DivIcon(
                html=pin_svg(KIND_COLORS[kind], approximate, status),
                icon_size=(width, 38),
                icon_anchor=(13, 37),
                class_name=f"mg-pin mg-{kind} mg-status-{status}",
            )
        marker = folium.Marker(spot, icon=icon, title=None)
        marker.add_child(SafePopup(popups.html(k, cited)))
        marker.add_child(SafeTooltip(isolated(name)))
        marker.add_to(groups[kind])
        feature = FeatureEvidence(
            place_id, name, "place", status, cited, spot, bounds, when(place_id)
        )
        evidence.add(feature, marker, *drawn)


def _event_meta(event: Event, names: dict[str, str]) -> list[str]:
    where = names.get(event.feature, event.feature)
    return [f"Event \u00b7 {date_label(event.date)}", Html(f"At: {isolated(where)}")]


#: What a screen reader calls an area, by its kind.
_SHAPE_WORDS = {"country": "country", "region": "region", "polygon": "area"}


def _areas_label(story: Story) -> str:
    """The areas' layer: "Countries" while every area is one, else "Areas"."""
    return "Countries" if all(a.kind == "country" for a in story.areas) else "Areas"


def _area_meta(area: AreaModel, code: str | None) -> str:
    """What the area is, under its name in the popup: the reader tells a country from a
    region (its type, country and ISO 3166-2 code), and an outline an editor drew (its
    file named) from either."""
    if area.kind == "polygon":
        return f"Area drawn from {area.geometry}"
    found = region(code) if code else None
    if found is None:
        return "Region" if area.kind == "region" else "Country"
    # The country the story names, else Natural Earth's (Crimea: the hint's, UA or RU).
    country = resolve_country(area.country or found.country)
    where = country[1] if country else found.country
    return f"{found.type} of {where}" + (f" ({found.iso})" if found.iso else "")


def _polygon_latlngs(geometry: dict) -> list:
    """A GeoJSON Polygon or MultiPolygon as Leaflet's nested [lat, lon] rings."""

    def ring(coords: list) -> list[tuple[float, float]]:
        return [(lat, lon) for lon, lat, *_ in coords]

    if geometry["type"] == "Polygon":
        return [ring(r) for r in geometry["coordinates"]]
    return [[ring(r) for r in polygon] for polygon in geometry["coordinates"]]


def _title_html(story: Story) -> str:
    desc = f'<p dir="auto">{text(story.description)}</p>' if story.description else ""
    return f'<div id="mg-title" class="mg-box"><h1 dir="auto">{text(story.title)}</h1>{desc}</div>'


def _status_key(status: str) -> str:
    """A short grey line drawn as the status draws lines, with the status's badge."""
    dash, opacity = STATUS_LINES[status]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        '<svg width="36" height="14" viewBox="0 0 36 14"><line x1="1" y1="7" x2="23" y2="7"'
        f' stroke="#34495e" stroke-width="3" stroke-opacity="{opacity}"{dash_attr}/>'
        f"{badge_svg(status, 29, 7, 5.5)}</svg>"
    )


def _legend_html(story: Story, regionwide: bool = False) -> str:
    def row(key: str, label: str, cls: str = "") -> str:
        attr = f' class="{cls}"' if cls else ""
        return f'<li{attr}><span class="mg-key">{key}</span><span>{label}</span></li>'

    present = set(place_columns(story.places).kinds)
    places = [
        row(pin_svg(KIND_COLORS[kind], False), text(label))
        for kind, label in PLACE_KINDS.items()
        if kind in present
    ]
    places.append(row(pin_svg("#555", True), "Approximate position"))
    if regionwide:
        places.append(row(region_mark_svg("#555"), "Somewhere in the region outlined"))
    routes = [
        row(
            f"{line_sample(mode, width=18)}{mode_icon_svg(mode, size=18)}",
            f"Route {text(MODE_LABELS[mode])}".strip(),
        )
        for mode in dict.fromkeys(r.mode for r in story.routes)
    ]
    if story.routes:
        routes.append(row("&#8594;", "Arrows: the direction of travel"))
    claims = [
        row(
            _status_key(status),
            f"<b>{STATUS_LABELS[status]}</b>: {text(meaning)}",
            f"mg-legend-status mg-legend-{status}",
        )
        for status, meaning in STATUSES.items()
    ]
    countries = []
    if story.areas:
        named = "Country" if _areas_label(story) == "Countries" else "Area"
        countries.append(
            row(
                f'<svg width="20" height="14"><rect width="20" height="14"'
                f' fill="{AREA_STYLE["fillColor"]}" stroke="{AREA_STYLE["color"]}"/></svg>',
                f"{named} named in the story",
            )
        )
    sections = [("Places", places), ("Routes", routes), ("Areas", countries), ("Claims", claims)]
    body = "".join(f"<h3>{title}</h3><ul>{''.join(rows)}</ul>" for title, rows in sections if rows)
    return (
        '<details id="mg-legend" class="mg-box" open><summary><h2>Legend</h2></summary>'
        f"{body}</details>"
    )

"""A static locator map of the story's first view, as SVG: for print, and for social cards.

Drawn in Python from the same data as the page, with no browser and no network: the first
view's framing (:mod:`mapgen.geo.framing`), Web Mercator as the page's map projects, the
outline basemap the page inlines (Natural Earth's land and borders, handed in as GeoJSON
text), the countries shaded, the routes with arrowheads and their mode's icon, the places as
pins named beside them, a legend of what is shown, the title and a line naming the sources.

The SVG is meant to be edited by a graphics desk: every layer is a group with an ``id`` and
an Inkscape label (``basemap``, ``areas``, ``routes``, ``places``, ``labels``, ``legend``,
``title``, ``sources``), text stays text in one font family (Roboto, see
:mod:`mapgen.export.png`), and every piece of story text is XML-escaped.  Nothing depends on
the date or the machine: the same story gives the same bytes.

Names give way as on the page (:func:`~mapgen.geo.framing.label_rank`: the place's kind,
then its claim's status): each name tries the right of its pin, then the left, above and
below, and is left out where it would cover a name already placed or another pin.  Text
widths are estimated (:data:`CHAR_EM` of the font size a character), which errs wide.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ..geo import geodesy
from ..geo.framing import MAX_ZOOM, area_bounds, first_view, label_rank
from ..page.styles import (
    KIND_COLORS,
    MODE_STYLES,
    STATUS_LINES,
    VAGUE_PRECISIONS,
    badge_svg,
    mode_glyph,
    region_mark_svg,
)
from ..story.model import PLACE_KINDS, GeocodedStory, location_columns, place_columns

__all__ = ["PRINT_SIZE", "SOCIAL_SIZE", "Frame", "Outlines", "frame_for", "static_svg"]

#: The print image's size in pixels: 16 x 10.7 inches at 150 dpi, a landscape page.
PRINT_SIZE = (2400, 1600)
#: The social card's size (Open Graph's and X's large card).
SOCIAL_SIZE = (1200, 630)
#: The font every text is set in (shipped by a package, so every machine draws the same).
FONT = "Roboto"
#: Estimated advance of one character, in ems (Roboto's average is nearer 0.5).
CHAR_EM = 0.55
#: The countries' fill and edge, as the page's ``AREA_STYLE`` (page/render.py).
AREA_FILL, AREA_EDGE, AREA_OPACITY = "#e6b0aa", "#7b241c", 0.35
SEA, LAND, BORDER, COAST = "#dfe9f0", "#f4f1ea", "#b9b2a6", "#a39c90"
#: A pin's outline (the page's pin_svg path), its tip at 13, 37.
PIN_PATH = "M13 1C6.4 1 1 6.3 1 12.9 1 22 13 37 13 37s12-15 12-24.1C25 6.3 19.6 1 13 1z"


@dataclass(frozen=True)
class Outlines:
    """The outline basemap as the page inlines it: two GeoJSON Features as text."""

    land: str
    borders: str


def _esc(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _width(text: str, size: float) -> float:
    return len(text) * size * CHAR_EM


def _fit(text: str, size: float, room: float) -> str:
    """The text, cut with an ellipsis to fit ``room`` pixels (by the estimate)."""
    most = max(1, int(room / (size * CHAR_EM)))
    return text if len(text) <= most else text[: most - 1].rstrip() + "\u2026"


def _merc(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator in world units (0..1 across), as Leaflet projects."""
    lat = max(-85.0511, min(85.0511, lat))
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180) / 360, (1 - y / math.pi) / 2


@dataclass(frozen=True)
class Frame:
    """Where the map is drawn on the image, and how world units map to it."""

    left: float
    top: float
    width: float
    height: float
    scale: float  # pixels per world unit
    cx: float  # the world point at the centre of the fitting box
    cy: float
    ox: float  # the pixel the centre is drawn at
    oy: float

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        """A position's pixel, taking the copy of the world nearest the view's centre."""
        x, y = _merc(lat, lon)
        x += round(self.cx - x)
        return self.ox + (x - self.cx) * self.scale, self.oy + (y - self.cy) * self.scale

    def inside(self, x: float, y: float, margin: float = 0) -> bool:
        return (
            self.left + margin <= x <= self.left + self.width - margin
            and self.top + margin <= y <= self.top + self.height - margin
        )


def _frame(
    geo: GeocodedStory, boxes: dict, area: tuple[float, float, float, float], fit: tuple
) -> Frame:
    """The first view (:func:`~mapgen.geo.framing.first_view`) fitted into ``fit`` (left,
    top, width, height), no closer than the page's greatest zoom; ``area`` is the map's."""
    left, top, width, height = fit
    view = first_view(geo, boxes)
    ox, oy = left + width / 2, top + height / 2
    if "center" in view:
        cx, cy = _merc(*view["center"])
        scale = 256 * 2 ** float(view.get("zoom") or 3) * area[2] / 1280
        return Frame(*area, scale, cx, cy, ox, oy)
    bounds = view.get("bounds") or [[-60, -170], [75, 190]]
    (south, west), (north, east) = bounds
    x0, y1 = _merc(south, west)
    x1, y0 = _merc(north, east)
    span_x, span_y = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    scale = min(width / span_x, height / span_y, 256 * 2**MAX_ZOOM * area[2] / 1280)
    return Frame(*area, scale, (x0 + x1) / 2, (y0 + y1) / 2, ox, oy)


def _path(points: Iterable[tuple[float, float]], close: bool = False) -> str:
    parts = [f"{x:.1f} {y:.1f}" for x, y in points]
    return ("M" + "L".join(parts) + ("Z" if close else "")) if parts else ""


def _world_paths(frame: Frame, parts: list, close: bool) -> list[str]:
    """The basemap's rings or lines that reach the frame, each copy of the world that does."""
    out: list[str] = []
    for part in parts:
        rings = part if close else [part]
        for shift in (-1, 0, 1):
            drawn = []
            for ring in rings:
                pts = []
                for lon, lat in ring:
                    x, y = _merc(lat, lon)
                    x += shift
                    pts.append(
                        (
                            frame.ox + (x - frame.cx) * frame.scale,
                            frame.oy + (y - frame.cy) * frame.scale,
                        )
                    )
                drawn.append(pts)
            xs = [p[0] for p in drawn[0]]
            ys = [p[1] for p in drawn[0]]
            if (
                max(xs) < frame.left
                or min(xs) > frame.left + frame.width
                or max(ys) < frame.top
                or min(ys) > frame.top + frame.height
            ):
                continue
            out.append("".join(_path(r, close) for r in drawn))
    return out


def _group(name: str, body: Sequence[str], extra: str = "") -> str:
    return (
        f'<g id="{name}" inkscape:groupmode="layer" inkscape:label="{name}"{extra}>\n'
        + "".join(line + "\n" for line in body)
        + "</g>\n"
    )


def _shape_d(frame: Frame, geometry: dict) -> str:
    """A Polygon or MultiPolygon as one path's data, its rings closed."""
    coords = geometry["coordinates"]
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    rings = [[frame.xy(lat, lon) for lon, lat, *_ in ring] for poly in polygons for ring in poly]
    return "".join(_path(r, True) for r in rings)


def _pin(x: float, y: float, color: str, vague: bool, status: str, s: float) -> str:
    fill, dash = ("#ffffff", ' stroke-dasharray="3 2"') if vague else (color, "")
    return (
        f'<g transform="translate({x:.1f} {y:.1f}) scale({s:g}) translate(-13 -37)">'
        f'<path d="{PIN_PATH}" fill="{fill}" stroke="{color}" stroke-width="2"{dash}/>'
        f'<circle cx="13" cy="13" r="4.5" fill="{color if vague else "#ffffff"}"/>'
        f"{badge_svg(status, 26, 7.5)}</g>"
    )


def _text(x: float, y: float, value: str, size: float, extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size:g}"{extra}>'
        f"{_esc(value)}</text>"
    )


def _line_key(x: float, y: float, mode: str, status: str, u: float) -> str:
    style = MODE_STYLES[mode]
    dash, opacity = STATUS_LINES[status]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path d="M{x:.1f} {y:.1f}h{28 * u:.1f}" fill="none" stroke="{style["color"]}"'
        f' stroke-width="{float(str(style["weight"])) * u:g}" stroke-opacity="{opacity}"{dash_attr}/>'
    )


def frame_for(geo: GeocodedStory, size: tuple[int, int]) -> Frame:
    """Where the first view falls on an image of ``size``: the map between the title band
    and the source line, the view fitted beside the legend (at the top left)."""
    width, height = size
    u = min(width / 1200, height / 630)
    title_h, foot_h = 60 * u, 30 * u
    area = (0.0, title_h, float(width), height - title_h - foot_h)
    legend_w, pad = 290 * u, 56 * u
    fit = (
        legend_w + pad,
        title_h + pad + 20 * u,
        width - legend_w - 2 * pad,
        area[3] - 2 * pad - 20 * u,
    )
    return _frame(geo, _area_boxes(geo), area, fit)


def _area_boxes(geo: GeocodedStory) -> dict[str, list[list[float]]]:
    return {a.id: area_bounds(geo.areas[a.id]) for a in geo.story.areas if a.id in geo.areas}


def static_svg(
    geo: GeocodedStory, outlines: Outlines | None, size: tuple[int, int] = PRINT_SIZE
) -> str:
    """The story's first view as an SVG document of ``size`` pixels (see the module)."""
    story = geo.story
    width, height = size
    u = min(width / 1200, height / 630)
    title_h, foot_h = 60 * u, 30 * u
    area = (0.0, title_h, float(width), height - title_h - foot_h)
    boxes = _area_boxes(geo)
    frame = frame_for(geo, size)
    layers: list[str] = []

    # the basemap: sea, land, borders
    base = [f'<rect x="0" y="{title_h:.1f}" width="{width}" height="{area[3]:.1f}" fill="{SEA}"/>']
    if outlines is not None:
        land = json.loads(outlines.land)["geometry"]["coordinates"]
        borders = json.loads(outlines.borders)["geometry"]["coordinates"]
        base += [
            f'<path d="{d}" fill="{LAND}" stroke="{COAST}" stroke-width="{u:g}"/>'
            for d in _world_paths(frame, land, close=True)
        ]
        base += [
            f'<path d="{d}" fill="none" stroke="{BORDER}" stroke-width="{u:g}"/>'
            for d in _world_paths(frame, borders, close=False)
        ]
    layers.append(_group("basemap", base))

    shaded = []
    for a in story.areas:
        geometry = geo.areas.get(a.id)
        if not geometry:
            continue
        dash = {"expected": "6 5", "denied": "2 6"}.get(a.status)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        shaded.append(
            f'<path id="area-{_esc(a.id)}" d="{_shape_d(frame, geometry)}"'
            f' fill="{AREA_FILL}" fill-opacity="{AREA_OPACITY}" fill-rule="evenodd"'
            f' stroke="{AREA_EDGE}" stroke-width="{1.5 * u:g}"{dash_attr}/>'
        )
    for place_id, geometry in geo.place_regions.items():  # a place known only to its region
        color = KIND_COLORS[story.place(place_id).kind]
        shaded.append(
            f'<path d="{_shape_d(frame, geometry)}" fill="{color}" fill-opacity="0.08"'
            f' fill-rule="evenodd" stroke="{color}" stroke-width="{2 * u:g}"'
            f' stroke-dasharray="{6 * u:g} {4 * u:g}"/>'
        )
    layers.append(_group("areas", shaded))

    lines, icons = [], []
    for route in story.routes:
        stops = geo.routes.get(route.id) or []
        if len(stops) < 2:
            continue
        style = MODE_STYLES[route.mode]
        color = str(style["color"])
        dash, opacity = STATUS_LINES[route.status]
        dash_attr = (
            f' stroke-dasharray="{" ".join(f"{float(d) * u:g}" for d in dash.split())}"'
            if dash
            else ""
        )
        pts = [frame.xy(lat, lon) for lat, lon in geodesy.densify(stops)]
        lines.append(
            f'<path id="route-{_esc(route.id)}" d="{_path(pts)}" fill="none" stroke="{color}"'
            f' stroke-width="{float(str(style["weight"])) * u:g}" stroke-opacity="{opacity}"'
            f' stroke-linecap="round" stroke-linejoin="round"{dash_attr}/>'
        )
        for fraction in (0.25, 0.75):
            here, ahead = geodesy.along(stops, fraction)
            x, y = frame.xy(*here)
            turn = geodesy.screen_bearing(here, ahead)
            icons.append(
                f'<path d="M0 -7L6 6L0 3L-6 6Z" fill="{color}" stroke="#fff" stroke-width="1"'
                f' transform="translate({x:.1f} {y:.1f}) rotate({turn:.1f}) scale({1.4 * u:g})"/>'
            )
        middle, _ = geodesy.along(stops, 0.5)
        x, y = frame.xy(*middle)
        icons.append(
            f'<g transform="translate({x:.1f} {y:.1f}) scale({1.1 * u:g}) translate(-12 -12)">'
            f'<circle cx="12" cy="12" r="12.5" fill="#fff" stroke="{color}" stroke-width="2"/>'
            f'<g fill="{color}" transform="translate(3.6 3.6) scale(0.7)">'
            f"{mode_glyph(route.mode, color)}</g>{badge_svg(route.status, 22.5, 1.5, 5.5)}</g>"
        )
    layers.append(_group("routes", lines + icons))

    # places: pins in view, then their names, the more important placed first
    cols = place_columns(story.places)
    at = location_columns(geo.places, cols.ids)
    events: dict[str, int] = {}
    for event in story.events:
        events[event.feature] = events.get(event.feature, 0) + 1
    spots: dict[int, tuple[float, float]] = {}
    outside: list[str] = []
    order = sorted(
        range(len(cols.ids)),
        key=lambda k: (label_rank(cols.kinds[k], cols.statuses[k], events.get(cols.ids[k], 0)), k),
    )
    for k in order:
        x, y = frame.xy(at.lats[k], at.lons[k])
        if frame.inside(x, y, 4 * u):
            spots[k] = (x, y)
        else:
            outside.append(cols.names[k])
    s = 0.8 * u
    true_spots = spots
    spots = _spread(spots, order, 26 * s, 37 * s)
    pins, taken = [], []
    for k in spots:  # pins moved off a shared spot: a thin line back to it, and a dot
        (x, y), (tx, ty) = spots[k], true_spots[k]
        if (x, y) != (tx, ty):
            pins.append(
                f'<path d="M{tx:.1f} {ty:.1f}L{x:.1f} {y:.1f}" stroke="#1b2631"'
                f' stroke-width="{u:g}" stroke-opacity="0.7" fill="none"/>'
                f'<circle cx="{tx:.1f}" cy="{ty:.1f}" r="{2 * u:g}" fill="#1b2631"/>'
            )
    for k in sorted(spots, key=lambda k: -order.index(k)):  # the most important on top
        x, y = spots[k]
        color, status = KIND_COLORS[cols.kinds[k]], cols.statuses[k]
        if at.precisions[k] == "region":  # the page's marked centre, not a pin
            mark = region_mark_svg(color, status)
            pins.append(
                f'<g transform="translate({x:.1f} {y:.1f}) scale({s:g}) translate(-13 -13)">{mark}</g>'
            )
            continue
        pins.append(_pin(x, y, color, at.precisions[k] in VAGUE_PRECISIONS, status, s))
    for k in spots:
        x, y = spots[k]
        taken.append((x - 13 * s, y - 37 * s, x + 13 * s, y))
    names = []
    fs = 15 * u
    placed: list[tuple[float, float, float, float]] = []
    for k in order:
        if k not in spots:
            continue
        x, y = spots[k]
        name = _fit(cols.names[k], fs, 320 * u)
        w = _width(name, fs)
        mid = y - 24 * s + fs * 0.35
        tries = [
            (x + 15 * s, mid, "start"),
            (x - 15 * s, mid, "end"),
            (x, y - 40 * s, "middle"),
            (x, y + fs * 1.1, "middle"),
        ]
        for tx, ty, anchor in tries:
            x0 = tx if anchor == "start" else tx - w if anchor == "end" else tx - w / 2
            rect = (x0, ty - fs * 0.8, x0 + w, ty + fs * 0.25)
            own = (x - 13 * s, y - 37 * s, x + 13 * s, y)
            clash = any(_overlap(rect, r) for r in placed) or any(
                _overlap(rect, r) for r in taken if r != own
            )
            if clash or not (frame.inside(rect[0], rect[1]) and frame.inside(rect[2], rect[3])):
                continue
            placed.append(rect)
            names.append(
                _text(
                    tx,
                    ty,
                    name,
                    fs,
                    f' font-weight="bold" text-anchor="{anchor}" fill="#1b2631"'
                    f' stroke="#ffffff" stroke-width="{3 * u:g}" stroke-linejoin="round"'
                    ' paint-order="stroke"',
                )
            )
            break
    for a in story.areas:  # the countries' names, where there is room
        if a.id not in boxes:
            continue
        (south, west), (north, east) = boxes[a.id]
        x, y = frame.xy((south + north) / 2, (west + east) / 2)
        name = a.name.upper()
        w = _width(name, 12 * u) * 1.1
        rect = (x - w / 2, y - 12 * u, x + w / 2, y + 3 * u)
        if not (frame.inside(rect[0], rect[1]) and frame.inside(rect[2], rect[3])):
            continue
        if any(_overlap(rect, r) for r in placed + taken):
            continue
        placed.append(rect)
        names.append(
            _text(
                x,
                y,
                name,
                12 * u,
                f' text-anchor="middle" letter-spacing="{1.2 * u:g}" fill="{AREA_EDGE}"'
                f' fill-opacity="0.8"',
            )
        )
    layers.append(_group("places", pins))
    layers.append(_group("labels", names))
    layers.append(_legend(geo, outside, u, title_h))

    title = _fit(story.title or "", 26 * u, width - 48 * u)
    layers.append(
        _group(
            "title",
            [
                f'<rect width="{width}" height="{title_h:.1f}" fill="#ffffff"/>',
                _text(24 * u, 40 * u, title, 26 * u, ' font-weight="bold" fill="#1b2631"'),
            ],
        )
    )
    named = [
        f"{src.title} ({src.outlet}, {src.date})"
        if src.outlet and src.date
        else f"{src.title} ({src.outlet or src.date})"
        if src.outlet or src.date
        else src.title
        for src in story.sources
    ]
    credit = "Map: mapgen \u00b7 basemap: Natural Earth"
    line = _fit("Sources: " + "; ".join(named), 12 * u, width - 72 * u - _width(credit, 12 * u))
    layers.append(
        _group(
            "sources",
            [
                f'<rect y="{height - foot_h:.1f}" width="{width}" height="{foot_h:.1f}" fill="#ffffff"/>',
                _text(24 * u, height - 10 * u, line, 12 * u, ' fill="#424949"'),
                _text(
                    width - 24 * u,
                    height - 10 * u,
                    credit,
                    12 * u,
                    ' fill="#7f8c8d" text-anchor="end"',
                ),
            ],
        )
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg"'
        ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"'
        f' width="{width}" height="{height}" viewBox="0 0 {width} {height}">\n'
        f"<title>{_esc(story.title or 'Map')}</title>\n"
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>\n' + "".join(layers) + "</svg>\n"
    )


def _spread(
    spots: dict[int, tuple[float, float]], order: list[int], w: float, h: float
) -> dict[int, tuple[float, float]]:
    """Pins that would stand on one another (their boxes, ``w`` by ``h``, overlap), spread
    on a ring around their middle just wide enough that none overlaps, the most important
    at the top: as the page's labels.js spreads them, so that each can be seen and named
    (Vladivostok, Pier 33 and the forum's campus are a few kilometres apart)."""
    groups: list[list[int]] = []
    for k in order:  # the most important first: each joins the first group it overlaps
        if k not in spots:
            continue
        x, y = spots[k]
        for group in groups:
            gx, gy = spots[group[0]]
            if abs(gx - x) < w - 2 and abs(gy - y) < h - 2:
                group.append(k)
                break
        else:
            groups.append([k])
    moved = dict(spots)
    for group in groups:
        n = len(group)
        if n < 2:
            continue
        mx = sum(spots[k][0] for k in group) / n
        my = sum(spots[k][1] for k in group) / n
        radius = w / 2
        while True:
            ring = [
                (
                    mx + radius * math.cos(-math.pi / 2 + 2 * math.pi * i / n),
                    my + radius * math.sin(-math.pi / 2 + 2 * math.pi * i / n),
                )
                for i in range(n)
            ]
            apart = all(
                abs(a[0] - b[0]) >= w + 2 or abs(a[1] - b[1]) >= h + 2
                for i, a in enumerate(ring)
                for b in ring[i + 1 :]
            )
            if apart or radius > 20 * w:
                break
            radius += 2
        moved.update(zip(group, ring, strict=True))
    return moved


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _legend(geo: GeocodedStory, outside: list[str], u: float, top: float) -> str:
    """The legend box at the map's top left: the kinds of place, each route, the
    countries, and the places the view leaves out."""
    story = geo.story
    fs, row = 13 * u, 24 * u
    x, y = 14 * u, top + 14 * u
    rows: list[str] = []
    cy = y + 28 * u
    rows.append(
        _text(x + 12 * u, y + 20 * u, "Legend", 15 * u, ' font-weight="bold" fill="#1b2631"')
    )
    present = set(place_columns(story.places).kinds)
    for kind, label in PLACE_KINDS.items():
        if kind in present:
            rows.append(
                _pin(x + 24 * u, cy + 16 * u, KIND_COLORS[kind], False, "reported", 0.5 * u)
            )
            rows.append(_text(x + 44 * u, cy + 12 * u, label, fs, ' fill="#1b2631"'))
            cy += row
    for route in story.routes:
        rows.append(_line_key(x + 12 * u, cy + 8 * u, route.mode, route.status, u))
        rows.append(
            _text(x + 44 * u, cy + 12 * u, _fit(route.name, fs, 215 * u), fs, ' fill="#1b2631"')
        )
        cy += row
    if story.routes:
        rows.append(
            f'<path d="M0 -7L6 6L0 3L-6 6Z" fill="#1b2631" transform="translate({x + 26 * u:.1f}'
            f' {cy + 8 * u:.1f}) rotate(90) scale({u:g})"/>'
        )
        rows.append(_text(x + 44 * u, cy + 12 * u, "Direction of travel", fs, ' fill="#1b2631"'))
        cy += row
    if story.areas:
        rows.append(
            f'<rect x="{x + 12 * u:.1f}" y="{cy:.1f}" width="{28 * u:.1f}" height="{14 * u:.1f}"'
            f' fill="{AREA_FILL}" fill-opacity="{AREA_OPACITY * 2}" stroke="{AREA_EDGE}"/>'
        )
        named = "Country" if all(a.kind == "country" for a in story.areas) else "Area"
        rows.append(_text(x + 44 * u, cy + 12 * u, f"{named} in the story", fs, ' fill="#1b2631"'))
        cy += row
    if outside:
        rows.append(
            _text(
                x + 12 * u,
                cy + 12 * u,
                "Also in the story, off this map:",
                11 * u,
                ' fill="#566573"',
            )
        )
        cy += 18 * u
        for name in outside[:6]:
            rows.append(
                _text(x + 12 * u, cy + 12 * u, _fit(name, fs, 200 * u), fs, ' fill="#1b2631"')
            )
            cy += 20 * u
    box = (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{262 * u:.1f}" height="{cy - y + 8 * u:.1f}"'
        f' rx="{6 * u:g}" fill="#ffffff" fill-opacity="0.94" stroke="#aab7b8"/>'
    )
    return _group("legend", [box, *rows])

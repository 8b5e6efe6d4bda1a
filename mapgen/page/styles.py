"""How statuses and route modes look: colours, line styles and the inline SVG icons.

A *mode* (how a route was travelled) has its own colour, line weight and icon; a *status*
(how firmly the sources establish a claim) changes how anything is drawn: an expected route
is dashed, a denied claim faded and marked with a cross, a confirmed one carries a tick.
Everything here is a constant or builds SVG from constants: no story text enters it.
"""

from __future__ import annotations

from ..story.model import STATUSES

#: A place's colour, by kind.
KIND_COLORS: dict[str, str] = {
    "capital": "#c0392b",
    "city": "#2471a3",
    "port": "#138d75",
    "military": "#6c3483",
    "venue": "#d35400",
    "crossing": "#566573",
    "site": "#7d6608",
}
#: Positions this vague are drawn as hollow, dashed pins.  A city placed at the city's
#: centre is where it should be, so "city" is not among them.
VAGUE_PRECISIONS = {"approximate", "region", "country"}

#: A route's colour, line weight and label, by mode.
MODE_STYLES: dict[str, dict[str, object]] = {
    "rail": {"color": "#1b2631", "weight": 4.5, "label": "by rail"},
    "road": {"color": "#935116", "weight": 5, "label": "by road"},
    "air": {"color": "#1f618d", "weight": 2.5, "label": "by air"},
    "sea": {"color": "#117a65", "weight": 3.5, "label": "by sea"},
    "other": {"color": "#6c3483", "weight": 3, "label": ""},
}

#: The dash pattern and opacity a status gives a line (None: solid).
STATUS_LINES: dict[str, tuple[str | None, float]] = {
    "reported": (None, 0.85),
    "confirmed": (None, 0.95),
    "expected": ("10 8", 0.9),
    "denied": ("2 7", 0.4),
}

#: Each status's label, badge colour and glyph (an SVG path drawn in white on the badge,
#: centred on 0, 0); ``reported`` has no badge.
STATUS_BADGES: dict[str, tuple[str, str] | None] = {
    "reported": None,
    "expected": ("#b9770e", "M0 -3.6V0.2L2.6 1.9"),
    "confirmed": ("#1e8449", "M-3.1 0.1L-0.9 2.4L3.2 -2.4"),
    "denied": ("#c0392b", "M-2.6 -2.6L2.6 2.6M2.6 -2.6L-2.6 2.6"),
}

#: How a status is said in the legend, popups and the timeline.
STATUS_LABELS: dict[str, str] = {
    "reported": "Reported",
    "expected": "Expected",
    "confirmed": "Confirmed",
    "denied": "Denied",
}

#: Each mode's icon: SVG shapes in a 24 x 24 box, filled with the mode's colour.
MODE_GLYPHS: dict[str, str] = {
    # A locomotive's front: body, windscreen, lamps, and the rails under it.
    "rail": (
        '<rect x="6" y="3" width="12" height="14" rx="3"/>'
        '<rect x="8.2" y="5.5" width="7.6" height="4.5" rx="1" fill="#fff"/>'
        '<circle cx="9" cy="13.6" r="1.2" fill="#fff"/><circle cx="15" cy="13.6" r="1.2"'
        ' fill="#fff"/><path d="M8 17.5L6 21.5M16 17.5L18 21.5" stroke="{c}" stroke-width="2"'
        ' stroke-linecap="round"/>'
    ),
    # A car from the side: body, cabin, two wheels.
    "road": (
        '<path d="M3 12.5L5.2 7.5Q5.8 6.3 7.2 6.3H16.8Q18.2 6.3 18.8 7.5L21 12.5V16.5H3Z"/>'
        '<path d="M6.6 11.6L7.9 8.4H16.1L17.4 11.6Z" fill="#fff"/>'
        '<circle cx="7.5" cy="17" r="2.3"/><circle cx="16.5" cy="17" r="2.3"/>'
    ),
    # An aeroplane seen from above, nose up.
    "air": (
        '<path d="M12 2.2Q13.3 2.2 13.3 4.2V9.3L21.5 13.8V15.9L13.3 13.5V18.4L15.8 20.2V21.8'
        'L12 20.8L8.2 21.8V20.2L10.7 18.4V13.5L2.5 15.9V13.8L10.7 9.3V4.2Q10.7 2.2 12 2.2Z"/>'
    ),
    # A ship: hull, bridge and funnel, on a wave.
    "sea": (
        '<path d="M2.5 13H21.5L18.6 18H5.4Z"/><rect x="7" y="8.5" width="8" height="4.5"/>'
        '<rect x="15.8" y="6" width="2.6" height="7"/>'
        '<path d="M3 21Q5.2 19.6 7.5 21T12 21T16.5 21T21 21" fill="none" stroke="{c}"'
        ' stroke-width="1.4"/>'
    ),
    # Anything else: an arrow.
    "other": '<path d="M4 10.5H14V6L21 12L14 18V13.5H4Z"/>',
}


def badge_svg(status: str, cx: float, cy: float, r: float = 6.5) -> str:
    """The status badge as SVG elements centred at (cx, cy); empty for ``reported``."""
    badge = STATUS_BADGES[status]
    if badge is None:
        return ""
    color, glyph = badge
    scale = r / 6.5
    return (
        f'<g class="mg-badge-{status}" transform="translate({cx} {cy}) scale({scale:g})">'
        f'<circle r="6.5" fill="{color}" stroke="#fff" stroke-width="1.5"/>'
        f'<path d="{glyph}" fill="none" stroke="#fff" stroke-width="1.8"'
        ' stroke-linecap="round" stroke-linejoin="round"/></g>'
    )


def status_icon(status: str, size: int = 14) -> str:
    """The badge alone, as an ``<svg>`` for text (legend, popups, the timeline)."""
    if STATUS_BADGES[status] is None:
        return (
            f'<svg class="mg-status-icon" width="{size}" height="{size}" viewBox="-8 -8 16 16">'
            '<circle r="5" fill="#fff" stroke="#566573" stroke-width="1.8"/></svg>'
        )
    return (
        f'<svg class="mg-status-icon" width="{size}" height="{size}" viewBox="-8 -8 16 16">'
        f"{badge_svg(status, 0, 0)}</svg>"
    )


def pin_svg(color: str, approximate: bool, status: str = "reported") -> str:
    """A map pin; an approximate position gets a hollow, dashed pin; a status other than
    ``reported`` a badge at its top right (the pin's tip stays at 13, 37)."""
    fill, dash = ("#ffffff", ' stroke-dasharray="3 2"') if approximate else (color, "")
    badge = badge_svg(status, 26, 7.5)
    width = 34 if badge else 26
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="38"'
        f' viewBox="0 0 {width} 38">'
        f'<path d="M13 1C6.4 1 1 6.3 1 12.9 1 22 13 37 13 37s12-15 12-24.1C25 6.3 19.6 1 13 1z"'
        f' fill="{fill}" stroke="{color}" stroke-width="2"{dash}/>'
        f'<circle cx="13" cy="13" r="4.5" fill="{color if approximate else "#ffffff"}"/>'
        f"{badge}</svg>"
    )


def region_mark_svg(color: str, status: str = "reported") -> str:
    """The centre of a place known only to its region: a dashed ring round a dot, not a
    pin (whose tip would claim a point); a status other than ``reported`` a badge at its
    top right.  Centred on 13, 13."""
    badge = badge_svg(status, 26, 7.5)
    width = 34 if badge else 26
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="26"'
        f' viewBox="0 0 {width} 26">'
        f'<circle cx="13" cy="13" r="10.5" fill="#ffffff" fill-opacity="0.9" stroke="{color}"'
        ' stroke-width="2.5" stroke-dasharray="4 2.5"/>'
        f'<circle cx="13" cy="13" r="4" fill="{color}"/>'
        f"{badge}</svg>"
    )


def region_style(color: str, status: str) -> dict[str, object]:
    """A region-precision place's outline: the kind's colour, dashed, a light fill, under
    the status's look (a denied place's fades as a denied area's does)."""
    style: dict[str, object] = {
        "color": color,
        "weight": 2,
        "dashArray": "6 4",
        "fillColor": color,
        "fillOpacity": 0.08,
        "className": f"mg-region-outline mg-status-{status}",
        "interactive": False,
    }
    if status == "denied":
        style.update(opacity=0.45, fillOpacity=0.03)
    return style


def arrow_svg(color: str, bearing: float) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="-9 -9 18 18"'
        f' style="transform: rotate({bearing:.1f}deg)">'
        f'<path d="M0 -7 L6 6 L0 3 L-6 6 Z" fill="{color}" stroke="#fff" stroke-width="1"/></svg>'
    )


def mode_glyph(mode: str, color: str) -> str:
    return MODE_GLYPHS[mode].replace("{c}", color)


def mode_icon_svg(mode: str, status: str = "reported", size: int = 30) -> str:
    """A route's icon: the mode's glyph in a white disc ringed in its colour, with the
    status badge at the top right."""
    color = str(MODE_STYLES[mode]["color"])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}"'
        ' viewBox="-3 -3 30 30">'
        f'<circle cx="12" cy="12" r="12.5" fill="#fff" stroke="{color}" stroke-width="2"/>'
        f'<g fill="{color}" transform="translate(3.6 3.6) scale(0.7)">{mode_glyph(mode, color)}</g>'
        f"{badge_svg(status, 22.5, 1.5, 5.5)}</svg>"
    )


def route_style(mode: str, status: str) -> dict[str, object]:
    """folium.PolyLine options for a route of this mode and status."""
    style = MODE_STYLES[mode]
    dash, opacity = STATUS_LINES[status]
    return {
        "color": style["color"],
        "weight": style["weight"],
        "opacity": opacity,
        "dash_array": dash,
        "class_name": f"mg-route mg-{mode} mg-status-{status}",
    }


def line_sample(mode: str, status: str = "reported", width: int = 36) -> str:
    """A short line drawn as the map draws a route, for the legend."""
    style = MODE_STYLES[mode]
    dash, opacity = STATUS_LINES[status]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg width="{width}" height="10"><line x1="1" y1="5" x2="{width - 1}" y2="5"'
        f' stroke="{style["color"]}" stroke-width="{style["weight"]}"'
        f' stroke-opacity="{opacity}"{dash_attr}/></svg>'
    )


def area_style(base: dict[str, object], status: str) -> dict[str, object]:
    """Leaflet path options for a country of this status."""
    style = {**base, "className": f"{base.get('className', 'mg-area')} mg-status-{status}"}
    if status == "expected":
        style.update(dashArray="6 5", fillOpacity=0.2)
    elif status == "denied":
        style.update(dashArray="2 6", fillOpacity=0.1, opacity=0.5)
    elif status == "confirmed":
        style.update(weight=2)
    return style


assert set(STATUS_BADGES) == set(STATUSES) == set(STATUS_LINES) == set(STATUS_LABELS)

"""The page around the story: a folium Map that loads Leaflet and nothing else, its tiles,
and the outline basemap under them.  One small class per feature, folium-plugin style, each
declaring what it puts in the page.

folium's Map links Leaflet, jQuery, Bootstrap, Font Awesome, glyphicons and awesome-markers
from five CDNs.  mapgen's page uses only Leaflet (markers are inline SVG in DivIcons, popups
and tooltips are :mod:`mapgen.page.elements`' SafePopup and SafeTooltip, lines and areas are
Leaflet paths), so :class:`StandaloneMap` drops the rest and inlines Leaflet, or links it
from the CDN when asked to (``cdn``) or when it cannot be had.

Text that goes into the page as it is (Leaflet's code, the outlines) is a :class:`RawHTML`
element: branca compiles ``Element(text)`` as a Jinja template, which such text must not be.
"""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import folium
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from . import assets, basemap
from .markup import asset
from .tiles import TileSource

#: Leaflet's own panes: tiles at 200, vectors at 400, markers at 600.  The outline pane
#: sits below the tiles, so the tiles cover it wherever they load.
BASEMAP_PANE = "mg-basemap"
BASEMAP_Z_INDEX = 150
#: Sea, land and borders of the outline basemap (OpenStreetMap's colours).
SEA = "#aad3df"
LAND = {"color": "#7d9cab", "weight": 0.8, "fillColor": "#f2efe9", "fillOpacity": 1}
BORDERS = {"color": "#9a8f9e", "weight": 0.8, "dashArray": "4 2"}
ATTRIBUTION = 'Outlines: <a href="https://www.naturalearthdata.com/">Natural Earth</a>'


class RawHTML(Element):
    """HTML placed in the page exactly as given (never compiled as a template)."""

    def __init__(self, html: str):
        super().__init__()
        self._name = "RawHTML"
        self.html = html

    def render(self, **kwargs: object) -> str:
        return self.html


#: How the page holds a big text (the articles, a big story's places) made in parts:
#: joined, by default; a build's speed seam passes its own, which leaves a token that it
#: puts the parts back in place of as the page is written
#: (:func:`mapgen.pipeline.speed.page_chunks`).
BigText = Callable[[list[str]], str]


#: branca's page with ``lang`` on ``<html>``: the page's own words (controls, legend,
#: panel) are English, and a screen reader picks its voice by it.  A story's text in
#: another language takes its own direction (``dir="auto"``), not yet its own language.
PAGE_TEMPLATE = Template(
    "<!DOCTYPE html>\n"
    '<html lang="en">\n'
    "<head>\n"
    "{% if this.title %}<title>{{this.title}}</title>{% endif %}"
    "    {{this.header.render(**kwargs)}}\n"
    "</head>\n"
    "<body>\n"
    "    {{this.html.render(**kwargs)}}\n"
    "</body>\n"
    "<script>\n"
    "    {{this.script.render(**kwargs)}}\n"
    "</script>\n"
    "</html>\n",
)


class StandaloneMap(folium.Map):
    """A :class:`folium.Map` whose page loads Leaflet only: inline, or from the CDN.

    ``leaflet`` is Leaflet's code to inline (see :func:`mapgen.page.assets.inline_leaflet`);
    None links Leaflet 1.9.3 from folium's CDN, with its pinned hashes as ``integrity``.
    ``L_DISABLE_3D = true`` is set before Leaflet loads: Leaflet reads it once, as it
    starts, and without a GPU its 3D transforms make many markers very slow to draw
    (folium's own ``disable_3d`` is emitted after Leaflet, too late).
    """

    default_js: list[tuple[str, str]] = []  # noqa: RUF012  (folium's interface)
    default_css: list[tuple[str, str]] = []  # noqa: RUF012

    # folium 0.20's Map template without its L_NO_TOUCH / L_DISABLE_3D block (emitted
    # before Leaflet instead, see _head) and with ``$(document).ready`` (jQuery) replaced;
    # its viewport without ``maximum-scale=1.0, user-scalable=no``, which kept a reader
    # from pinch-zooming the page (the map's own pinch zoom works either way).
    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <meta name="viewport" content="width=device-width, initial-scale=1.0" />
            <style>
                #{{ this.get_name() }} {
                    position: {{this.position}};
                    width: {{this.width[0]}}{{this.width[1]}};
                    height: {{this.height[0]}}{{this.height[1]}};
                    left: {{this.left[0]}}{{this.left[1]}};
                    top: {{this.top[0]}}{{this.top[1]}};
                }
                .leaflet-container { font-size: {{this.font_size}}; }
            </style>
            <style>html, body { width: 100%; height: 100%; margin: 0; padding: 0; }</style>
        {% endmacro %}

        {% macro html(this, kwargs) %}
            <div class="folium-map" id={{ this.get_name()|tojson }} ></div>
        {% endmacro %}

        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map(
                {{ this.get_name()|tojson }},
                {
                    center: {{ this.location|tojson }},
                    crs: L.CRS.{{ this.crs }},
                    ...{{this.options|tojavascript}}

                }
            );

            {%- if this.control_scale %}
            L.control.scale().addTo({{ this.get_name() }});
            {%- endif %}

            {%- if this.zoom_control_position %}
            L.control.zoom( { position: {{ this.zoom_control|tojson }} } ).addTo({{ this.get_name() }});
            {%- endif %}

            {% if this.objects_to_stay_in_front %}
            function objects_in_front() {
                {%- for obj in this.objects_to_stay_in_front %}
                    {{ obj.get_name() }}.bringToFront();
                {%- endfor %}
            };
            {{ this.get_name() }}.on("overlayadd", objects_in_front);
            window.addEventListener("DOMContentLoaded", objects_in_front);
            {%- endif %}

        {% endmacro %}
        """
    )

    def __init__(self, *args: object, leaflet: assets.Leaflet | None = None, **kwargs: object):
        kwargs.setdefault("disable_3d", True)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.leaflet = leaflet

    @property
    def self_contained(self) -> bool:
        """True if Leaflet is inlined, False if the page links it from the CDN."""
        return self.leaflet is not None

    def _head(self) -> str:
        switches = self.global_switches
        head = (
            "<script>\n"
            f"L_NO_TOUCH = {'true' if switches.no_touch else 'false'};\n"
            f"L_DISABLE_3D = {'true' if switches.disable_3d else 'false'};\n"
            "</script>\n"
        )
        if self.leaflet is None:
            return head + assets.leaflet_cdn_tags()
        return head + f"<script>\n{self.leaflet.js}</script>\n<style>\n{self.leaflet.css}</style>\n"

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), (
            "You cannot render this Element if it is not in a Figure."
        )
        # First in <head> after the charset: the switches, then Leaflet, then the rest.
        figure.header.add_child(RawHTML(self._head()), name="leaflet")
        figure._template = PAGE_TEMPLATE
        with rendered_once():
            super().render(**kwargs)


def _render_macro(self: MacroElement, **kwargs: object) -> None:
    """branca's ``MacroElement.render``, keeping each rendered part as :class:`RawHTML`."""
    figure = self.get_root()
    macros = self._template.module.__dict__
    for part, target in (
        ("header", figure.header),
        ("html", figure.html),
        ("script", figure.script),
    ):
        macro = macros.get(part)
        if macro is not None:
            target.add_child(RawHTML(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


@contextlib.contextmanager
def rendered_once() -> Iterator[None]:
    """Render every element's template once, as Jinja meant, and never again.

    branca wraps each element's rendered output in ``Element(text)``, which compiles that
    text as a new Jinja template and renders it a second time: a third of a build's time
    went there, and ``{{ ... }}`` in a story's text would run.  (``render.text`` escapes
    braces anyway; this removes the second pass itself.)
    """
    original = MacroElement.__dict__["render"]
    MacroElement.render = _render_macro  # type: ignore[method-assign]
    try:
        yield
    finally:
        MacroElement.render = original  # type: ignore[method-assign]


class OutlineBasemap(MacroElement):
    """Land and country borders in a pane of their own, under the tiles; not interactive.

    Also colours the map's background as sea, so that with no tiles at all the map shows
    land, sea and borders.
    """

    def __init__(
        self, outlines: basemap.Basemap, pane: str = BASEMAP_PANE, z_index: int = BASEMAP_Z_INDEX
    ):
        super().__init__()
        self._name = "OutlineBasemap"
        self.outlines = outlines
        self.pane = pane
        self.z_index = z_index

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), (
            "You cannot render this Element if it is not in a Figure."
        )
        fmap, name, pane = self._parent.get_name(), self.get_name(), _json(self.pane)
        figure.header.add_child(
            RawHTML(f"<style>.folium-map.leaflet-container {{ background: {SEA}; }}</style>\n"),
            name=f"{name}_css",
        )
        common = {"pane": self.pane, "interactive": False}
        land = {**common, "style": LAND, "attribution": ATTRIBUTION}
        borders = {**common, "style": BORDERS}
        script = (
            f"\n{fmap}.createPane({pane});\n"
            f"{fmap}.getPane({pane}).style.zIndex = {int(self.z_index)};\n"
            f"{fmap}.getPane({pane}).style.pointerEvents = 'none';\n"
            f"var {name}_land = L.geoJSON(\n{self.outlines.land},\n{_json(land)}\n).addTo({fmap});\n"
            f"var {name}_borders = L.geoJSON(\n{self.outlines.borders},\n{_json(borders)}\n)"
            f".addTo({fmap});\n"
        )
        figure.script.add_child(RawHTML(script), name=name)


class EmptyBaseLayer(folium.map.Layer):
    """A base layer with nothing in it: choosing it hides the tiles (the outlines remain)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.layerGroup();
        {% endmacro %}
        """
    )

    def __init__(self, name: str, show: bool = False):
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "EmptyBaseLayer"


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(", ", ": "))


#: The style a page with tiles adds (a long credit wraps clear of the scale).
TILES_CSS = asset("tiles.css")
#: The base layer that shows the outlines alone.
OUTLINE_ONLY = "Outline only (offline)"


def add_base_layers(
    fmap: folium.Map, outlines: basemap.Basemap | None = None, tiles: TileSource | None = None
) -> None:
    """The background: the outline basemap (with ``outlines``) and, if the story chose one,
    its tile layer over it (:mod:`mapgen.page.tiles`), with the outlines alone as the other
    choice.  No tiles is the default: nothing leaves the page for its background (with
    neither, as a ``--cdn`` page without tiles, the background is the sea's colour alone:
    the build already said why the outlines are missing, or was asked to leave them out)."""
    if tiles is not None:
        folium.TileLayer(
            tiles=tiles.url,
            attr=tiles.attribution,
            name=tiles.label,
            subdomains=tiles.subdomains,
            max_zoom=tiles.max_zoom,
            max_native_zoom=tiles.max_zoom,
            overlay=False,
            control=outlines is not None,
            show=True,
        ).add_to(fmap)
        fmap.get_root().header.add_child(
            RawHTML(f"<style>\n{TILES_CSS}</style>\n"), name="mg_tiles"
        )
    if outlines is not None:
        if tiles is not None:
            EmptyBaseLayer(OUTLINE_ONLY).add_to(fmap)
        fmap.add_child(OutlineBasemap(outlines))


@dataclass(frozen=True)
class PageAssets:
    """What the page inlines: Leaflet, and the outline basemap's data (None: left out), and
    what the page tells its reader when something had to be left out (None: nothing)."""

    leaflet: assets.Leaflet | None
    outlines: basemap.Basemap | None
    notice: str | None = None


def page_assets(cdn: bool = False, require_offline: bool = False) -> PageAssets:
    """Leaflet and the basemap from the installed packages (or the asset cache), or nothing
    with ``cdn``.

    What cannot be had is left out with one :class:`~mapgen.page.assets.AssetWarning` and a
    ``notice`` the page shows its reader: the page then links Leaflet from the CDN, and has no
    outline basemap.  ``require_offline`` turns that warning into
    :class:`~mapgen.page.assets.NotSelfContained`, so a build that must be whole fails first.
    """
    if cdn:
        if require_offline:
            raise assets.NotSelfContained(
                "--cdn links Leaflet from the network, which --require-offline forbids"
            )
        return PageAssets(None, None)
    missing: list[str] = []
    leaflet = outlines = None
    try:
        leaflet = assets.inline_leaflet(assets.fetch(assets.LEAFLET))
    except (assets.AssetsUnavailable, ValueError) as exc:
        missing.append(f"Leaflet is linked from the CDN, so the page needs the network ({exc})")
    if leaflet is None:
        # Whatever kept Leaflet away would keep the basemap away too: do not wait twice.
        missing.append("the page has no outline basemap")
    else:
        try:
            atlas = assets.fetch(assets.WORLD_ATLAS)
            outlines = basemap.cached_from_topojson(
                atlas.files["countries-110m.json"], assets.cache_dir() / "derived"
            )
        except (assets.AssetsUnavailable, ValueError, KeyError) as exc:
            missing.append(f"the page has no outline basemap ({exc})")
    if not missing:
        return PageAssets(leaflet, outlines)
    if require_offline:
        raise assets.NotSelfContained("the map cannot be self-contained: " + "; ".join(missing))
    warnings.warn(
        "the map is not self-contained: "
        + "; ".join(missing)
        + ". Reinstall mapgen with its dependencies (pip install mapgen: xstatic-leaflet"
        f" carries Leaflet), or rebuild where npm or the network is available (files are"
        f" cached in {assets.cache_dir()}), or pass --cdn to link Leaflet on purpose.",
        assets.AssetWarning,
        stacklevel=3,
    )
    left_out = ["its country outlines"]
    if leaflet is None:
        left_out.insert(0, "its map code (Leaflet), which it then loads from the internet")
    notice = (
        "This map is incomplete: it was built without "
        + ", and without ".join(left_out)
        + ". Without an internet connection the map may stay blank."
    )
    return PageAssets(leaflet, outlines, notice)

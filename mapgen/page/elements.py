"""Small folium elements mapgen needs, one class per feature, in the style of folium.plugins.

folium's own ``Popup`` and ``Tooltip`` paste their text into a JavaScript template literal:
``</script>``, a backtick or ``${...}`` in a quote breaks the page or runs code.  These
elements take HTML that mapgen built from escaped text and hand it to Leaflet as a JSON
string (``tojson`` also escapes ``<``, ``>``, ``&`` and ``'``), so nothing a story says can
leave its string.
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.template import Template

from .markup import POPUP_OPTIONS


class SafePopup(MacroElement):
    """Bind a popup with ready-made, already escaped HTML to the parent layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup({{ this.html|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, max_width: int = 360):
        super().__init__()
        self._name = "SafePopup"
        self.html = html
        # Keep an opened popup clear of the title (top), the layer control and the story
        # panel (right).
        self.options = {**POPUP_OPTIONS, "maxWidth": max_width}


class SafeTooltip(MacroElement):
    """Bind a tooltip with ready-made, already escaped HTML to the parent layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip({{ this.html|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, sticky: bool = True):
        super().__init__()
        self._name = "SafeTooltip"
        self.html = html
        self.options = {"sticky": sticky}


class Overlay(MacroElement):
    """A fixed block of escaped HTML over the map (title, legend), with its CSS.

    ``html`` must already be escaped; it is placed in the page body, outside any script.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            <style>{{ this.css }}</style>
        {% endmacro %}
        {% macro html(this, kwargs) %}
            {{ this.html }}
        {% endmacro %}
        """
    )

    def __init__(self, html: str, css: str = ""):
        super().__init__()
        self._name = "Overlay"
        self.html = html
        self.css = css


class Area(MacroElement):
    """A filled polygon or multipolygon (Leaflet's nested [lat, lon] rings).

    ``folium.Polygon`` only accepts one polygon with holes; a country such as Russia or
    Indonesia is many.  ``options`` are Leaflet path options (``className`` included).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.polygon(
                {{ this.latlngs|tojson }},
                {{ this.options|tojson }}
            ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, latlngs: list, **options: object):
        super().__init__()
        self._name = "Area"
        self.latlngs = latlngs
        self.options = options

"""The phone layout and the page's accessibility, as one folium element.

Kept apart from the panel and the map's drawing (:mod:`mapgen.page.render`,
:mod:`mapgen.page.panel`) so that a story reads the same on a desk and the phone layout
only rearranges it: phone.js/.css fold the layer control and the legend into buttons,
keep the title to one line, turn the side panel into a bottom sheet and fit popups to the
screen, when the map is under 600 px wide (a phone, or a narrow notebook cell); access.js/
.css name every pin, route and country for a screen reader, make lines and countries
reachable by the keyboard, show where the focus is and honour reduced motion.  See
docs/page.md.  Their scripts are hooks of panel.js's ``mapgenStory`` (``init``, ``tab``,
``fold``, ``reveal``, ``story.pads``): add this element before the :class:`StoryPanel`,
whose script calls the hooks.
"""

from __future__ import annotations

from branca.element import Figure, MacroElement

from .markup import asset
from .standalone import RawHTML

__all__ = ["PHONE_CSS", "PHONE_JS", "PhoneLayout"]

#: The style and the scripts, each after a blank line in the page.
PHONE_CSS = "\n" + asset("access.css") + asset("phone.css")
PHONE_JS = "\n" + asset("access.js") + asset("phone.js")


class PhoneLayout(MacroElement):
    """The phone layout's and the accessibility's CSS and scripts (no HTML of its own:
    its buttons are made by the script, next to what they fold)."""

    def __init__(self) -> None:
        super().__init__()
        self._name = "PhoneLayout"

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if not in a Figure."
        name = self.get_name()
        figure.header.add_child(RawHTML(f"<style>{PHONE_CSS}</style>\n"), name=f"{name}_css")
        figure.script.add_child(RawHTML(PHONE_JS), name=name)

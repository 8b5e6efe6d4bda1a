"""Permalinks, "copy link" and fullscreen, as one folium element.

permalink.js keeps what the reader opened (a popup, a passage of the reader, an article)
in the address's fragment, with the view and the time control's day, and shows it again
when a page is opened at that address or the back button returns to it; it gives every
popup and the reader a "copy link" button, and the map a fullscreen button where the page
is framed (an embed, see :mod:`mapgen.page.embed`) or small.  Its script is a hook of
panel.js's ``mapgenStory`` (``init``, ``read``): add this element before the
:class:`~mapgen.page.panel.StoryPanel`, whose script calls the hooks.  See docs/page.md.
"""

from __future__ import annotations

from branca.element import Figure, MacroElement

from .markup import asset
from .standalone import RawHTML

__all__ = ["PERMALINK_CSS", "PERMALINK_JS", "Permalinks"]

#: The style and the script, each after a blank line in the page.
PERMALINK_CSS = "\n" + asset("permalink.css")
PERMALINK_JS = "\n" + asset("permalink.js")


class Permalinks(MacroElement):
    """permalink.js and its style (no HTML of its own: its buttons are made by the script,
    in the popups and the reader as they open)."""

    def __init__(self) -> None:
        super().__init__()
        self._name = "Permalinks"

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if not in a Figure."
        name = self.get_name()
        figure.header.add_child(RawHTML(f"<style>{PERMALINK_CSS}</style>\n"), name=f"{name}_css")
        figure.script.add_child(RawHTML(PERMALINK_JS), name=name)

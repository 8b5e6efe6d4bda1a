"""The notice a page shows its reader when it could not be made whole.

A build that cannot inline Leaflet or the outline basemap still writes the page (it then links
Leaflet from the CDN), but a reader offline would see a blank map and no reason.  The notice is
plain HTML, shown before any script runs (so it shows when Leaflet never loads), announced by
screen readers (``role="alert"``), and its text is escaped like all text entering the page.
"""

from __future__ import annotations

import html

from branca.element import Element, Figure, MacroElement

#: Above Leaflet's controls (z-index 1000) and the side panel, at the top of the viewport.
NOTICE_CSS = (
    ".mg-notice{position:fixed;top:0;left:0;right:0;z-index:10000;margin:0;padding:.5em 1em;"
    "background:#fff3cd;color:#3d2e00;border-bottom:2px solid #8a6d00;"
    "font:15px/1.4 system-ui,sans-serif}"
)


class IncompleteNotice(MacroElement):
    """Adds ``<p class="mg-notice" role="alert">text</p>`` at the top of the page's body."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "IncompleteNotice"
        self.text = text

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "the notice belongs to a page"
        figure.header.add_child(Element(f"<style>{NOTICE_CSS}</style>"), name="mg_notice_css")
        figure.html.add_child(
            Element(f'<p class="mg-notice" role="alert">{html.escape(self.text)}</p>'),
            name="mg_notice",
            index=0,
        )
        super().render(**kwargs)

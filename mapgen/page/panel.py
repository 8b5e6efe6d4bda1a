"""The story's side panel in the page: its tabs (timeline, sources, reader...), the
evidence data (:class:`mapgen.page.evidence.Evidence`) and the reader's script.

The data it carries and the JavaScript API it gives other scripts are described in
:mod:`mapgen.page.evidence`; this module is the folium element that puts them on the page.
"""

from __future__ import annotations

import json
from typing import Any

from branca.element import Figure, MacroElement

from .evidence import Evidence, Tab, data_json_parts
from .markup import asset, text
from .standalone import BigText, RawHTML

__all__ = ["PANEL_CSS", "READER_HTML", "READER_JS", "StoryPanel"]

#: The reader's script (panel.js) and the panel's style (panel.css), each after a blank
#: line in the page.
READER_JS = "\n" + asset("panel.js")
PANEL_CSS = "\n" + asset("panel.css")
#: Sources quoting one file carry its text once (:meth:`Evidence.sources`): this gives the
#: others the same string, before anything reads them.  Only in a page that needs it, so
#: that every other page stays as it was.
SHARED_TEXTS_JS = (
    "mapgenStory.hooks.unshift({init: function (data) {\n"
    "  data.sources.forEach(function (s) { if (s.text == null) s.text = data.sources[s.same].text; });\n"
    "}});\n"
)

READER_HTML = """<div class="mg-reader-head">
<p class="mg-reader-for" id="mg-reader-for"></p>
<h3 id="mg-reader-title" dir="auto"></h3>
<p class="mg-reader-meta" id="mg-reader-meta"></p>
<div class="mg-pager" id="mg-reader-pager">
<button type="button" id="mg-reader-prev" aria-label="Previous passage">&#8249; Previous</button>
<span id="mg-reader-pos" aria-live="polite"></span>
<button type="button" id="mg-reader-next" aria-label="Next passage">Next &#8250;</button>
</div>
<button type="button" class="mg-linkish" id="mg-reader-show">Show on the map</button>
<p class="mg-reader-sentence" id="mg-reader-sentence" hidden></p>
</div>
<div class="mg-reader-text" id="mg-reader-text" tabindex="0"></div>"""


class StoryPanel(MacroElement):
    """The side panel (tabs: timeline, sources, reader...), the evidence data and the
    scripts.  Add it to the map last: its script registers the layers drawn before it."""

    def __init__(
        self,
        evidence: Evidence,
        tabs: list[Tab],
        data: dict[str, Any] | None = None,
        big_text: BigText = "".join,
    ):
        super().__init__()
        self.big_text = big_text
        self._name = "StoryPanel"
        self.evidence = evidence
        self.tabs = [*tabs, Tab("reader", "Reader", READER_HTML)]
        self.extra = data or {}

    def panel_html(self) -> str:
        buttons = "".join(
            f'<button type="button" role="tab" id="mg-tabbtn-{t.key}" data-mg-tab="{t.key}"'
            f' aria-controls="mg-tab-{t.key}" aria-selected="{"true" if i == 0 else "false"}">'
            f"{text(t.label)}</button>"
            for i, t in enumerate(self.tabs)
        )
        sections = "".join(
            f'<section class="mg-tab" id="mg-tab-{t.key}" role="tabpanel"'
            f' aria-labelledby="mg-tabbtn-{t.key}"{"" if i == 0 else " hidden"}>{t.html}</section>'
            for i, t in enumerate(self.tabs)
        )
        return (
            '<aside id="mg-panel" class="mg-box" aria-label="The story: timeline, sources and'
            ' reader"><div class="mg-tabs"><div class="mg-tablist" role="tablist">'
            f"{buttons}</div>"
            '<button type="button" class="mg-fold" id="mg-panel-fold" aria-expanded="true"'
            ' title="Fold the panel away" aria-label="Fold the panel away">&#8211;</button></div>'
            f'<div class="mg-tab-body">{sections}</div></aside>'
        )

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if not in a Figure."
        name = self.get_name()
        data = {**self.evidence.data(), **self.extra}
        data["sources"] = self.evidence.sources_json()
        css = PANEL_CSS + "".join(t.css for t in self.tabs)
        figure.header.add_child(RawHTML(f"<style>{css}</style>\n"), name=f"{name}_css")
        figure.html.add_child(
            RawHTML(
                self.panel_html()
                + '\n<script type="application/json" id="mg-evidence">\n'
                + self.big_text(data_json_parts(data))
                + "\n</script>\n"
            ),
            name=name,
        )
        layers = ",".join(
            f"{json.dumps(fid)}:[{','.join(names)}]"
            for fid, names in self.evidence.layers.items()
            if names
        )
        scripts = "".join(t.script for t in self.tabs)
        if self.evidence.shares_texts():
            scripts += SHARED_TEXTS_JS
        figure.script.add_child(
            RawHTML(
                f"\n{READER_JS}\n{scripts}\n"
                f'mapgenStory.init({self._parent.get_name()}, "mg-evidence", {{{layers}}});\n'
            ),
            name=name,
        )

"""Text bound for the page's HTML, escaped (and isolated where it sits in a sentence), and
the options every popup shares.

Kept apart from the folium elements (:mod:`mapgen.page.elements`) so that the parts of a build
that make only data (:mod:`mapgen.page.evidence`, :mod:`mapgen.export.geojson`) never import folium:
a big build forks before the page is drawn (:mod:`mapgen.pipeline.builder`), and the page's
process alone pays for importing it.
"""

from __future__ import annotations

import functools
import html as _html
import re
from importlib import resources

_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})

#: Leaflet popup options shared by every popup mapgen opens (a feature's, an event's):
#: an opened popup keeps clear of the title (top), the layer control and the story panel
#: (right), and the legend's edge (left).
POPUP_OPTIONS: dict[str, object] = {
    "maxWidth": 360,
    "className": "mg-popup-wrap",
    "autoPanPaddingTopLeft": [20, 140],
    "autoPanPaddingBottomRight": [350, 30],
}


@functools.cache
def asset(name: str, package: str = __package__ or "mapgen.page") -> str:
    """The text of ``name``, a ``.js`` or ``.css`` file in ``package`` (by default the
    page's, beside this module), to inline in the page; read once.

    The page's own JavaScript and CSS live in real files so that editors and linters see
    them for what they are.  A file that could end the element it is inlined in
    (``</script``, ``</style``) or change how the browser reads the rest of it (``<!--``,
    ``<script``) is refused: the page must not depend on someone noticing that by eye.
    """
    code = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    if re.search(r"</?script|</style|<!--", code, re.IGNORECASE):
        raise ValueError(f"{name} cannot be inlined: it could end its own element")
    return code


def text(value: object) -> str:
    """Escape untrusted text for HTML, quotes and braces included.

    Braces too: branca compiles each element's rendered output as a Jinja template once
    more before the page is written, so ``{{ 7*7 }}`` in a quote would print 49, and worse
    expressions would run in this process.
    """
    return _html.escape(str(value), quote=True).translate(_BRACES)


class Html(str):
    """HTML already escaped, story text isolated in it: :func:`shown` keeps it as it is."""


def isolated(value: object) -> Html:
    """Story text set in a sentence of the page's own words, escaped and isolated.

    ``<bdi>``: the text takes its own direction, and its bidi controls (an unclosed
    U+202B RIGHT-TO-LEFT EMBEDDING, U+2067 RIGHT-TO-LEFT ISOLATE...) end with it, so that
    a name cannot reorder the words around it (``A → B`` shown as ``B → A``).
    """
    return Html(f"<bdi>{text(value)}</bdi>")


def shown(value: object) -> str:
    """``value`` as HTML: :class:`Html` as it is, anything else escaped by :func:`text`."""
    return value if isinstance(value, Html) else text(value)

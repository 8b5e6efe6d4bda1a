"""The page's tile layer, made from a story's ``tiles:`` (:class:`~mapgen.story.tiles.TileSetting`).

The default is no tile server at all: the offline outline basemap
(:mod:`mapgen.page.standalone`) is the background, which a published news map may use
without anyone's permission and which sends its readers' addresses nowhere.  A story (or
``--tiles``) opts in to a provider xyzservices knows or a URL template; the key, if any,
is read from the environment here, at build time, and written into the page: every reader
of the page can read it too (docs/page.md says so).

The attribution is the provider's own HTML, kept to text and ``<a href="http(s)://...">``
links (the rest escaped); a URL template's, written in places.yaml, is escaped as text.
"""

from __future__ import annotations

import html
import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser

from ..core.errors import Problem, StoryError
from ..story.tiles import TileSetting, find_provider, token_key
from .markup import text

__all__ = ["TileSource", "safe_attribution", "tile_source"]

#: The closest zoom a URL template is asked for, unless it says (Leaflet's own default).
DEFAULT_MAX_ZOOM = 18


@dataclass(frozen=True)
class TileSource:
    """One tile layer as Leaflet takes it: its template (key filled in), attribution HTML,
    name in the layer control, subdomains and highest zoom."""

    url: str
    attribution: str
    label: str
    subdomains: str = "abc"
    max_zoom: int = DEFAULT_MAX_ZOOM


class _Attribution(HTMLParser):
    """Keeps text (escaped) and http(s) links of an attribution; drops every other tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open_links = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") or ""
        if tag == "a" and urllib.parse.urlsplit(href).scheme in ("http", "https"):
            self.out.append(f'<a href="{html.escape(href, quote=True)}">')
            self.open_links += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.open_links:
            self.out.append("</a>")
            self.open_links -= 1

    def handle_data(self, data: str) -> None:
        self.out.append(text(data))


def safe_attribution(markup: str) -> str:
    """A provider's attribution HTML, kept to text and http(s) links."""
    parser = _Attribution()
    parser.feed(markup)
    parser.close()
    return "".join(parser.out) + "</a>" * parser.open_links


def _key(setting: TileSetting, environ: Mapping[str, str]) -> str | None:
    """The key from the variable ``api_key_env`` names; unset: the story's mistake, at the
    line that names it."""
    if not setting.api_key_env:
        return None
    value = environ.get(setting.api_key_env, "").strip()
    if not value:
        raise StoryError(
            [
                Problem(
                    f"tiles: the environment variable {setting.api_key_env} holds no key:"
                    " set it before building (the key is written into the page)",
                    setting.pos,
                    file=None if setting.pos else "--tiles",
                )
            ]
        )
    return urllib.parse.quote(value, safe="")


def tile_source(
    setting: TileSetting | None, environ: Mapping[str, str] | None = None
) -> TileSource | None:
    """The tile layer ``setting`` asks for (its key read from ``environ``, by default the
    process's environment), or None for no tiles (the default, and ``tiles: none``)."""
    if setting is None or setting.empty:
        return None
    key = _key(setting, os.environ if environ is None else environ)
    if setting.url is not None:
        url = setting.url.replace("{apikey}", key) if key else setting.url
        host = urllib.parse.urlsplit(setting.url).hostname or "Tiles"
        return TileSource(
            url=url,
            attribution=text(setting.attribution or ""),
            label=host,
            max_zoom=setting.max_zoom or DEFAULT_MAX_ZOOM,
        )
    provider = find_provider(setting.name or "")
    needs = token_key(provider)
    filled = {needs: key} if needs and key else {}
    url = provider.build_url(fill_subdomain=False, scale_factor="{r}", **filled)
    subdomains = provider.get("subdomains", "abc")
    return TileSource(
        url=url,
        attribution=safe_attribution(
            provider.get("html_attribution") or text(provider.get("attribution", ""))
        ),
        label=str(provider.name),
        subdomains=subdomains if isinstance(subdomains, str) else "".join(subdomains),
        max_zoom=int(setting.max_zoom or provider.get("max_zoom", DEFAULT_MAX_ZOOM)),
    )

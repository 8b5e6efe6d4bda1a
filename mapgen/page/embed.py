"""``embed.html``: the snippet a newsroom pastes into its CMS to show the map in an article.

An iframe in a wrapper whose height suits both a phone and a desk: as wide as the column,
3:2, never under 440 px (a phone's column would make the map a strip) nor over 85 % of the
window (a desk's would fill more than the screen).  The page inside knows it is framed
(permalink.js): it takes the frame's size, lays itself out for it (the phone layout keys on
the map's width) and offers a fullscreen button, which the iframe's ``allowfullscreen``
permits.  Plain text, no folium: the pipeline writes it beside ``map.html``.
"""

from __future__ import annotations

from .markup import text

__all__ = ["embed_html"]


def embed_html(title: str, base_url: str | None = None) -> str:
    """The snippet for a story titled ``title``: its iframe names ``map.html`` relatively
    (the snippet's page beside it), or under ``base_url``, the address the output folder is
    published at.  Story text and the address are escaped."""
    src = "map.html" if not base_url else base_url.rstrip("/") + "/map.html"
    return (
        "<!-- mapgen: paste this where the map should be. -->\n"
        '<div class="mapgen-embed" style="position:relative;width:100%;aspect-ratio:3/2;'
        'min-height:440px;max-height:85vh;overflow:hidden">\n'
        f'<iframe src="{text(src)}" title="{text(title)}" loading="lazy" scrolling="no"'
        ' allowfullscreen allow="clipboard-write"'
        ' style="position:absolute;inset:0;width:100%;height:100%;border:0"></iframe>\n'
        "</div>\n"
    )

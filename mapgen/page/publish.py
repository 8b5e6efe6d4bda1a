"""The page as published: its social-card meta (``--base-url``) and its print stylesheet.

``og:image`` must be an absolute address, so the card is described only when the build
is told where the page will live (``--base-url https://news.example/maps/korea``): then
``og:title``, ``og:description``, ``og:url`` (the page), ``og:image`` (``map-social.png``
beside it, the 1200x630 image ``mapgen build`` writes with the static images) and
``twitter:card = summary_large_image``.  Without it, no card meta at all: a relative
``og:image`` is invalid and a card without an image is worse than none.

print.css makes the page itself print as the map and its legend, on A4 landscape.
"""

from __future__ import annotations

from branca.element import Figure, MacroElement

from ..story.model import Story
from .markup import asset, text
from .standalone import RawHTML

__all__ = ["PRINT_CSS", "PRINT_JS", "SOCIAL_IMAGE", "PublishedPage", "social_meta"]

#: The social card's image, beside the page (made by the static-image build).
SOCIAL_IMAGE = "map-social.png"
#: Its size, as the card's meta says it.
SOCIAL_SIZE = (1200, 630)
#: The page's file name under the base URL.
PAGE_NAME = "map.html"
#: The print stylesheet and its script, after a blank line.
PRINT_CSS = "\n" + asset("print.css")
PRINT_JS = "\n" + asset("print.js")
#: A card's description when the story has none.
DEFAULT_DESCRIPTION = "A map of the story's places, routes and countries, each backed by quotes."


def social_meta(story: Story, base_url: str) -> str:
    """The ``<meta>`` lines of the page's social card, every value escaped."""
    base = base_url.rstrip("/")
    width, height = SOCIAL_SIZE
    description = story.description or DEFAULT_DESCRIPTION
    pairs = [
        ("property", "og:type", "website"),
        ("property", "og:title", story.title),
        ("property", "og:description", description),
        ("property", "og:url", f"{base}/{PAGE_NAME}"),
        ("property", "og:image", f"{base}/{SOCIAL_IMAGE}"),
        ("property", "og:image:width", str(width)),
        ("property", "og:image:height", str(height)),
        ("property", "og:image:alt", f"Map: {story.title}"),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", story.title),
        ("name", "twitter:description", description),
    ]
    return "".join(
        f'<meta {attr}="{name}" content="{text(value)}" />\n' for attr, name, value in pairs
    )


class PublishedPage(MacroElement):
    """The print stylesheet, and the social card's meta when ``base_url`` is given."""

    def __init__(self, story: Story, base_url: str | None = None) -> None:
        super().__init__()
        self._name = "PublishedPage"
        self.story = story
        self.base_url = base_url

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if not in a Figure."
        name = self.get_name()
        if self.base_url:
            meta = f"{name}_meta"
            figure.header.add_child(RawHTML(social_meta(self.story, self.base_url)), name=meta)
            # Near the top of <head>, after the charset, before Leaflet's 150 KB: a
            # crawler that reads only the start of a page still finds the card.
            children = figure.header._children
            for key in [k for k in children if k != meta][1:]:
                children.move_to_end(key)
        figure.header.add_child(RawHTML(f"<style>{PRINT_CSS}</style>\n"), name=f"{name}_css")
        figure.script.add_child(RawHTML(PRINT_JS), name=name)

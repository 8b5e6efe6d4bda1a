"""What a build is asked to do: every option of ``mapgen build`` as one value.

The command line makes a :class:`BuildOptions` from its flags and hands it down; a library
user passes the same names as keywords (``mapgen.build(".", geocoder="nominatim")``), so
every flag of the command is a keyword of the function it calls, and nothing travels
beside the call (no context variable, no global).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import Problem, StoryError
from ..core.progress import Progress
from ..core.values import base_url_problem
from ..geo.online import Request
from ..story.geocoder import GeocoderSetting
from ..story.tiles import TileSetting, tiles_option


@dataclass(frozen=True)
class BuildOptions:
    """The options of a build, as the command line's flags name them."""

    #: Folder for map.html and map.geojson (``-o/--output``); None: ``output/`` in the story.
    output: Path | None = None
    #: Link Leaflet from the CDN instead of inlining it (``--cdn``).
    cdn: bool = False
    #: Fail the build, rather than warn, when the page cannot be whole (Leaflet and the outline
    #: basemap inlined): ``--require-offline``.  A page for an offline reader must not be blank.
    require_offline: bool = False
    #: Ask this online geocoder (a geopy service name, ``--geocoder``) for the places neither
    #: the cache nor the gazetteer know; None: the story's ``geocoder:`` setting, if any.
    #: A library caller may give a whole :class:`~mapgen.story.geocoder.GeocoderSetting` instead
    #: (its server, contact, delay...), as ``places.yaml``'s ``geocoder:`` would say.
    geocoder: str | GeocoderSetting | None = None
    #: Ask no online geocoder, whatever the story or ``geocoder`` say (``--offline``).
    offline: bool = False
    #: Ask the online geocoder before the gazetteer (``mapgen geocode --online``).
    online_first: bool = False
    #: Look every place up again, even those in the cache (``mapgen geocode --refresh``).
    refresh: bool = False
    #: The page's tiles instead of the story's ``tiles:`` (``--tiles``): what ``tiles:``
    #: takes, as text (``Esri.WorldImagery``, ``none``, ``{url: ..., attribution: ...}``),
    #: a mapping or a :class:`~mapgen.story.tiles.TileSetting`; None: the story's.
    tiles: str | Mapping[str, Any] | TileSetting | None = None
    #: The address the output folder will be published at (``--base-url``): the page then
    #: carries its social card's meta (``og:image`` is ``{base_url}/map-social.png``) and
    #: the embed snippet names the page absolutely; None: relative names, no card.
    base_url: str | None = None
    #: Also write map.svg, map.png and map-social.png, the static map (``--images``; needs
    #: the ``images`` extra: see :mod:`mapgen.export.png`).
    images: bool = False
    #: Where work that takes over a second says how it is going (the gazetteer's first
    #: expansion, online geocoding, a big story's stages): a
    #: :class:`~mapgen.core.progress.Progress` on stderr, which the command line gives
    #: unless ``--quiet``; None (a library's default): nothing is printed.
    progress: Progress | None = None

    def __post_init__(self) -> None:
        if self.output is not None and not isinstance(self.output, Path):
            object.__setattr__(self, "output", Path(os.fspath(self.output)))
        if isinstance(self.geocoder, str):
            object.__setattr__(self, "geocoder", self.geocoder.lower())
        if self.tiles is not None and not isinstance(self.tiles, TileSetting):
            object.__setattr__(self, "tiles", tiles_option(self.tiles))  # checked as places.yaml's
        if self.base_url is not None:
            problem = base_url_problem(self.base_url)
            if problem:
                raise StoryError([Problem(f"base_url: {problem}", file="--base-url")])
            object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    def request(self) -> Request:
        """What these options ask of geocoding, with nothing come of it yet: handed down
        to :func:`~mapgen.geo.geocode.geocode_story`, which fills in what came of it."""
        return Request(
            name=self.geocoder,
            offline=self.offline,
            first=self.online_first,
            refresh=self.refresh,
        )


def build_options(options: BuildOptions | None = None, **keywords: Any) -> BuildOptions:
    """``options`` with ``keywords`` in place of its fields (sqlite-utils style: a caller
    passes either, or both); a keyword that is no option is a :class:`TypeError`, as for
    any function."""
    unknown = sorted(set(keywords) - {f.name for f in dataclasses.fields(BuildOptions)})
    if unknown:
        raise TypeError(f"unexpected build option {unknown[0]!r}")
    base = options if options is not None else BuildOptions()
    return dataclasses.replace(base, **keywords) if keywords else base

"""The pipeline, as a library: places.yaml -> Story -> GeocodedStory -> folium.Map -> files.

Each step is a function a notebook user can call on its own; :func:`build` runs them all
and writes nothing until everything has been rendered to memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import folium

from . import geojson
from .errors import OutputError, Problem, StoryError
from .fsutil import atomic_write
from .gazetteer import Gazetteer
from .geocode import GeocodeCache, geocode_story
from .load import load_story
from .model import GeocodedStory, Story
from .render import build_map
from .sources import verify_quotes

DEFAULT_OUTPUT = "output"


def load(path: str | os.PathLike[str] = ".") -> Story:
    """Load and validate a story, and check every quote against its article."""
    story = load_story(path)
    verify_quotes(story)
    return story


def geocode(
    story: Story, *, gazetteer: Gazetteer | None = None, save: bool = True
) -> GeocodedStory:
    """Give every place a position: coords, then the story's cache, then the gazetteer.

    New answers are saved to the story's ``geocode-cache.yaml`` unless ``save`` is false.
    """
    cache = GeocodeCache.load(story.root)
    return geocode_story(story, cache=cache, gazetteer=gazetteer, save=save)


def make_map(path: str | os.PathLike[str] = ".", *, cdn: bool = False) -> folium.Map:
    """The story's map as a :class:`folium.Map`, for a notebook (``cdn``: link Leaflet)."""
    return build_map(geocode(load(path)), cdn=cdn)


@dataclass
class BuildResult:
    """What a build wrote."""

    story: GeocodedStory
    html: Path
    geojson: Path
    #: False if the page links Leaflet from the CDN (asked for, or it could not be had).
    self_contained: bool = True


def render_page(geo: GeocodedStory, *, cdn: bool = False) -> str:
    """The whole HTML page, in memory: self-contained unless ``cdn`` (see :func:`build`)."""
    return build_map(geo, cdn=cdn).get_root().render()


def build(
    path: str | os.PathLike[str] = ".",
    output: str | os.PathLike[str] | None = None,
    *,
    cdn: bool = False,
) -> BuildResult:
    """Build ``map.html`` and ``map.geojson`` for the story at ``path``.

    ``output`` defaults to the story's ``output/`` folder.  Both files are rendered first and
    then each replaced atomically, so a failed build leaves the previous map as it was.

    The page inlines Leaflet, the one script it needs, so it opens from disk with no network
    (only the map tiles come from the network, and the outline basemap stands in for them).
    ``cdn`` links Leaflet from the CDN instead; so does a build that cannot get Leaflet (no
    cached copy, no ``npm``, no network), with an :class:`~mapgen.assets.AssetWarning`.
    """
    geo = _prepare(path, save=True)
    fmap = build_map(geo, cdn=cdn)
    page = fmap.get_root().render()
    data = geojson.dumps(geojson.to_geojson(geo))
    out = Path(output) if output is not None else geo.story.root / DEFAULT_OUTPUT
    try:
        out.mkdir(parents=True, exist_ok=True)
        html_path, geojson_path = out / "map.html", out / "map.geojson"
        atomic_write(html_path, page)
        atomic_write(geojson_path, data)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write the map: {exc.strerror or exc}") from exc
    return BuildResult(geo, html_path, geojson_path, self_contained=fmap.self_contained)


def check(path: str | os.PathLike[str] = ".") -> GeocodedStory:
    """Validate, verify quotes and resolve every place, writing nothing."""
    return _prepare(path, save=False)


def _prepare(path: str | os.PathLike[str], *, save: bool) -> GeocodedStory:
    """Load, verify and geocode, reporting quote and place problems together.

    A story whose structure is wrong stops at loading; otherwise a missing quote and an
    unknown place are fixed in one round, not two.
    """
    story = load_story(path)
    problems: list[Problem] = []
    try:
        verify_quotes(story)
    except StoryError as exc:
        problems += exc.problems
    try:
        geo = geocode(story, save=save)
    except StoryError as exc:
        problems += exc.problems
    if problems:
        raise StoryError(sorted(problems, key=_where))
    return geo


def _where(problem: Problem) -> tuple[str, int, int]:
    pos = problem.pos
    return (pos.file, pos.line, pos.col) if pos else (problem.file or "", 0, 0)

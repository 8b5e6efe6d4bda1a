"""Give every place, route stop and area of a story a position or an outline.

For each place the first of these that answers wins:

1. ``coords:`` written in ``places.yaml`` (``geocoder: places.yaml``);
2. the story's geocode cache, ``geocode-cache.yaml`` beside ``places.yaml``;
3. the offline :class:`~mapgen.geo.gazetteer.Gazetteer`;
4. an online geocoder passed as ``geocoder=`` (none by default: a build stays offline).

With ``online_first`` the online geocoder is asked before the gazetteer, and with
``refresh`` before the cache too (``mapgen geocode --refresh --online NAME``).

Every new answer goes into the cache, which is saved (atomically) when it changed, so the
next build asks nobody.  A cache hit does not touch the gazetteer's city data.  Saving
re-reads the file under a lock on its folder and adds this run's answers to what is there,
so two builds at once (a ``mapgen watch`` and a ``mapgen build``) lose neither's answers.
After each online answer the cache is saved at once, so an interrupted run keeps what it
was told.

An online geocoder's faults (unreachable, timeouts, rate limits, server errors, malformed
answers) are never taken for "not found": each place it could not answer is reported with
the one-line reason, and after the first fault it is not asked again in that run.

Everything that cannot be resolved is collected and reported at once in one
:class:`~mapgen.core.errors.StoryError`, each problem at its ``places.yaml:LINE:COL``.

This module walks the story (:func:`geocode_story`: its places as columns, its routes'
stops, its areas' outlines); the chain for one name is :mod:`mapgen.geo.resolve`, the cache
:mod:`mapgen.geo.cache`, and its file's format :mod:`mapgen.geo.cachefile`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from itertools import compress, count, pairwise, repeat
from operator import is_, itemgetter
from typing import TYPE_CHECKING

from ..core.clock import Clock
from ..core.clock import today as clock_today
from ..core.errors import OutputError, Problem, StoryError
from ..story.model import (
    Area,
    GeocodedStory,
    Location,
    LocationColumns,
    LocationTable,
    PlaceColumns,
    Pos,
    Story,
    Waypoint,
    feature_for_kind,
    location_columns,
    place_columns,
)
from . import regions
from .cache import GeocodeCache
from .cachefile import CACHE_NAME
from .context import StoryContext
from .countries import country_outline, resolve_country
from .online import Request, online_geocoder
from .regionplaces import locate_region, place_outlines, region_lookups
from .resolve import Resolver, unknown_country
from .topojson import split_at_antimeridian

if TYPE_CHECKING:
    from geopy.geocoders.base import Geocoder

    from .gazetteer import Gazetteer
    from .ratelimit import PoliteGeocoder


#: Called after each place or stop: (how many are done, how many in all, the query).
Progress = Callable[[int, int, str], None]

_NOWHERE = (0.0, 0.0)  # a place to be geocoded, until it is


def lookups(story: Story) -> list[tuple[str, str | None, str | None, Pos, bool]]:
    """Every (query, country, feature, pos, inline) the story needs a geocoder for: places
    and route stops without ``coords``, in file order."""
    places = place_columns(story.places)
    found = [(q, c, f, places.pos(k), False) for k, q, c, f in _place_lookups(places)]
    for route in story.routes:
        for stop in route.via:
            if _looked_up(stop):
                found.append((stop.name, stop.country, stop.feature, stop.pos, True))
    return found


def _place_lookups(
    places: PlaceColumns,
) -> Iterator[tuple[int, str, str | None, str | None]]:
    """(index, query, country, feature) of each place without coords, in order."""
    precisions = places.precisions
    for k in compress(count(), map(is_, places.coords, repeat(None))):
        if precisions[k] == "region":  # looked up among the regions (regionplaces.py)
            continue
        feature = places.features[k] or feature_for_kind(places.kinds[k])
        yield k, places.queries[k] or places.names[k], places.countries[k], feature


def _looked_up(stop: Waypoint) -> bool:
    """Whether a route's stop is geocoded: one named inline, without coords."""
    return stop.place is None and stop.coords is None and bool(stop.name)


#: Most distinct names the story's context is drawn from (a first, context-free lookup each):
#: a sample that says where a story of 100,000 places is set as well as all of them would.
CONTEXT_SAMPLE = 5_000


def story_context(story: Story, cache: GeocodeCache, gazetteer: Gazetteer) -> StoryContext:
    """Where the story is set, as its places say it: the countries of their ``country:``
    hints and of its areas, the positions given as ``coords`` or in the cache, and the
    answers the gazetteer is sure of without any context (no rival, no doubt).  A guess
    is never part of it: only what would be chosen anyway."""
    context = StoryContext()
    for area in story.areas:
        named = resolve_country(area.country)
        if named is not None:
            context.add_country(named[0])
    table = place_columns(story.places)
    for coords in table.coords:
        if coords is not None:
            context.add_point(float(coords[0]), float(coords[1]))
    asked: set[tuple[str, str | None, str | None]] = set()
    for _, query, country, feature in _place_lookups(table):
        named = resolve_country(country) if country else None
        if named is not None:
            context.add_country(named[0])
        key = (query, named[0] if named else None, feature)
        if key in asked or len(asked) >= CONTEXT_SAMPLE:
            continue
        asked.add(key)
        cached = cache.get(query, country, feature)
        if cached is not None:
            context.add_point(cached.lat, cached.lon, key[1])
            continue
        try:
            found = gazetteer.search(query, country=key[1], feature=feature)
        except ValueError:  # a hint the gazetteer refuses: reported when it is looked up
            continue
        best = found.best
        if best is None or found.ambiguous or best.doubt:
            continue
        if best.feature == "country":
            context.add_country(best.country_code)
        elif best.feature == "region":
            context.add_region(best.region)
        else:
            context.add_point(best.lat, best.lon, best.country_code)
    return context


def geocode_story(
    story: Story,
    *,
    cache: GeocodeCache | None = None,
    gazetteer: Gazetteer | Callable[[], Gazetteer] | None = None,
    geocoder: Geocoder | PoliteGeocoder | None = None,
    offline: bool = False,
    online_first: bool = False,
    refresh: bool = False,
    today: dt.date | None = None,
    clock: Clock | None = None,
    save: bool = True,
    progress: Progress | None = None,
    tally: dict[str, int] | None = None,
    warnings: list[Problem] | None = None,
    request: Request | None = None,
) -> GeocodedStory:
    """Give every place, route stop and area of ``story`` a position or an outline.

    :param cache: the story's cache; default: ``geocode-cache.yaml`` in the story folder.
        New answers are added to it and it is saved if it changed, even when some places
        could not be resolved (an interrupted or failed run loses nothing); each online
        answer is saved as soon as it arrives.
    :param gazetteer: the offline gazetteer, or a function that gives it (asked only if a
        place needs it); default: a new :class:`Gazetteer`, made if one does.
    :param geocoder: an online geocoder (a :class:`~mapgen.geo.ratelimit.PoliteGeocoder`, or
        any geopy Geocoder), asked for the names the gazetteer does not know.  By default,
        the one ``request`` names (``--geocoder``), else the story's ``geocoder:``
        setting, else none: the build stays offline.
    :param offline: ask no online geocoder, whatever the story or command line say.
    :param online_first: ask ``geocoder`` before the gazetteer.
    :param refresh: look every place up again, even those in the cache (an answer that
        cannot be had again is kept as it was).
    :param today: the date recorded with new answers (default: the day ``clock`` reads).
    :param clock: where the date comes from when ``today`` is not given (default:
        :func:`mapgen.core.clock.system_clock`); tests set it rather than depend on the day.
    :param save: write new answers to the cache file; ``mapgen check`` writes nothing.
    :param progress: called after each place and stop that needed a lookup.
    :param tally: filled with how many answers came from where ("cache", "gazetteer", ...).
    :param warnings: filled with the online faults that other answers made up for.
    :param request: what the build's options ask of geocoding
        (:meth:`mapgen.pipeline.options.BuildOptions.request`: ``--geocoder``, ``--offline``, online first,
        refresh), passed down explicitly; it collects the tally, the warnings and the
        online geocoder used, for the caller to report.
    :raises StoryError: listing every place, stop and area that could not be resolved
        (ambiguous names, unknown names, online faults), or a corrupt cache file.
    :raises OutputError: the cache could not be written.
    """
    if cache is None:
        cache = GeocodeCache.load(story.root / CACHE_NAME)
    if request is not None:
        online_first = online_first or request.first
        refresh = refresh or request.refresh
        tally = request.tally if tally is None else tally
        warnings = request.warnings if warnings is None else warnings
    if offline:
        geocoder = None
    elif geocoder is None:
        geocoder = online_geocoder(story.geocoder, request)
    resolver = Resolver(
        cache,
        gazetteer,
        geocoder,
        today or clock_today(clock),
        online_first=online_first,
        refresh=refresh,
        save=save,
        context=lambda gazetteer: story_context(story, cache, gazetteer),
    )
    problems = resolver.problems
    table = place_columns(story.places)
    stops = [s for r in story.routes for s in r.via]
    looked_up = table.coords.count(None) - sum(1 for _ in region_lookups(table))
    total = looked_up + sum(map(_looked_up, stops))  # as lookups() lists
    done = 0

    def locate(query: str, country: str | None, feature: str | None, pos: Pos, inline: bool):
        nonlocal done
        found = resolver.locate(query, country, feature, pos, inline=inline)
        done += 1
        if progress is not None:
            progress(done, total, query)
        return found

    try:
        # Every place's position as columns (coords as written), then the others'.
        given = table.coords
        written = [c or _NOWHERE for c in given]
        columns = LocationColumns(
            lats=list(map(itemgetter(0), written)),
            lons=list(map(itemgetter(1), written)),
            precisions=[precision or "point" for precision in table.precisions],
            geocoders=["places.yaml"] * len(given),
            queries=list(table.queries),
            addresses=[None] * len(given),
            whys=[None] * len(given),
            doubts=[None] * len(given),
        )
        unknown = []
        for k, asked, country, feature in _place_lookups(table):
            found = locate(asked, country, feature, table.pos(k), False)
            if found is None:
                unknown.append(k)
                continue
            columns.put(k, found)
        for k in region_lookups(table):  # `precision: region`: a region, by name
            found = locate_region(table, k, problems)
            if found is None:
                unknown.append(k)
                continue
            columns.put(k, found)
        ids = table.ids
        if unknown:  # reported: not among the positions
            keep = [True] * len(ids)
            for k in unknown:
                keep[k] = False
            ids, columns = list(compress(ids, keep)), columns.kept(keep)
        places = LocationTable(ids, columns)

        known = set(table.ids)
        routes: dict[str, list[tuple[float, float]]] = {}
        for route in story.routes:
            line: list[tuple[float, float]] = []
            for stop in route.via:
                location: Location | None = None
                if stop.place is not None:
                    location = places.get(stop.place)  # an unresolved place is reported already
                    if stop.place not in known:
                        problems.append(Problem(f"no place with id {stop.place!r}", stop.pos))
                elif stop.coords is not None:
                    line.append((float(stop.coords[0]), float(stop.coords[1])))
                    continue
                elif stop.name:
                    location = locate(stop.name, stop.country, stop.feature, stop.pos, True)
                else:
                    problems.append(Problem("a stop needs a place id, or a name", stop.pos))
                if location is not None:
                    line.append((location.lat, location.lon))
            if len(line) == len(route.via):
                routes[route.id] = line
    finally:
        # Whatever happened (a fault, Ctrl-C), what was found is kept for next time.
        if tally is not None:
            tally.update(resolver.tally)
        if warnings is not None:
            warnings.extend(resolver.warnings)
        try:
            if save:
                cache.save()
        except OSError as exc:
            failed: OutputError | None = OutputError(
                f"{cache.path}: cannot write the geocode cache: {exc.strerror}"
            )
        else:
            failed = None

    areas: dict[str, dict] = {}
    codes: dict[str, str] = {}  # a region's area: its ISO 3166-2 code
    for area in story.areas:  # no gazetteer (or geopy) unless a country is unknown
        outline = _area_outline(area, resolver, problems, codes)
        if outline is not None:
            areas[area.id] = outline

    if problems:
        raise StoryError(problems)
    if failed is not None:
        raise failed
    located = location_columns(places, ids)
    outlines = place_outlines(table, ids, located) if "region" in located.precisions else {}
    return GeocodedStory(story, places, routes, areas, area_regions=codes, place_regions=outlines)


def _area_outline(
    area: Area, resolver: Resolver, problems: list[Problem], codes: dict[str, str]
) -> dict | None:
    """The outline of an area: its GeoJSON file's polygons (read with the story), its
    region's (its code noted in ``codes``), or its country's; None once the reason is in
    ``problems``."""
    if area.shape is not None:
        return _flat(area.shape)
    resolved = resolve_country(area.country) if area.country else None
    if area.country and resolved is None:
        problems.append(Problem(unknown_country(resolver.gazetteer, area.country), area.pos))
        return None
    if area.region:
        try:
            found = regions.resolve_region(area.region, resolved[0] if resolved else None)
        except LookupError as exc:
            problems.append(Problem(str(exc.args[0]), area.pos))
            return None
        codes[area.id] = found.code
        return regions.outline(found.code)
    assert resolved is not None  # an area with neither region nor geometry has a country
    outline = country_outline(resolved[0]) or regions.territory_outline(*resolved)
    if outline is None:
        problems.append(
            Problem(
                f"the offline data has no outline of {resolved[1]} ({resolved[0]});"
                " show it as a place with `coords:` instead",
                area.pos,
            )
        )
    return outline


def _flat(geometry: dict) -> dict:
    """A drawn polygon as a flat map can show it: a ring that crosses the antimeridian
    (from 179 to -179 degrees) split in two, not a band around the world."""
    coords = geometry["coordinates"]
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    if not any(
        abs(b[0] - a[0]) > 180 for rings in polygons for ring in rings for a, b in pairwise(ring)
    ):
        return geometry
    pieces = [
        [[list(p) for p in ring] for ring in piece]
        for rings in polygons
        for piece in split_at_antimeridian([[tuple(p[:2]) for p in ring] for ring in rings], 6)
    ]
    if len(pieces) == 1:
        return {"type": "Polygon", "coordinates": pieces[0]}
    return {"type": "MultiPolygon", "coordinates": pieces}

"""Places known only to a first-level region: where they go, and the outline drawn for them.

A place written ``precision: region`` without ``coords`` ("somewhere in the Lipetsk region")
is looked up here, by its query (or name) and ``country:`` hint, among Natural Earth's
regions (:mod:`mapgen.geo.regions`), not by the gazetteer: the gazetteer would find the
city of Lipetsk.  Its position is the region's label point, its precision ``region``.

Whatever gave a place the precision ``region`` (this lookup, the gazetteer, an online
geocoder, ``coords`` with ``precision: region``), the page draws the region's outline
around it, not a pin pretending to be a point: :func:`place_outlines` finds each one's
region, the one its query names if that region holds the position, else the region the
position lies in.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import compress, count, repeat
from operator import is_
from typing import Any

from ..core.errors import Pos, Problem
from ..story.model import Location, PlaceColumns
from . import regions
from .countries import resolve_country
from .shapes import contains, rings

#: Who placed a place looked up here, as its popup and map.geojson say.
GEOCODER = "regions (Natural Earth admin-1)"


def region_lookups(places: PlaceColumns) -> Iterator[int]:
    """The places to look up as regions: ``precision: region`` and no ``coords``."""
    precisions = places.precisions
    for k in compress(count(), map(is_, places.coords, repeat(None))):
        if precisions[k] == "region":
            yield k


def locate_region(places: PlaceColumns, k: int, problems: list[Problem]) -> Location | None:
    """Place ``k``'s region as a :class:`Location` (its label point); None once the reason
    (an unknown country, an unknown or ambiguous region) is in ``problems``."""
    asked = places.queries[k] or places.names[k]
    hint = places.countries[k]
    pos: Pos = places.pos(k)
    alpha2 = None
    if hint:
        resolved = resolve_country(hint)
        if resolved is None:
            problems.append(Problem(f"country: {hint!r} is not a country mapgen knows", pos))
            return None
        alpha2 = resolved[0]
    try:
        found = regions.resolve_region(asked, alpha2)
    except LookupError as exc:
        problems.append(Problem(f"precision: region: {exc.args[0]}", pos))
        return None
    return Location(found.lat, found.lon, "region", GEOCODER, asked, found.describe())


def place_outlines(places: PlaceColumns, ids: list[str], at: Any) -> dict[str, dict[str, Any]]:
    """Place id -> the outline of its region, for every place whose precision is
    ``region`` (``at``: the places' :class:`~mapgen.story.locations.LocationColumns`, in
    the order of ``ids``).  A place in no region keeps its marked centre alone."""
    found: dict[str, dict[str, Any]] = {}
    row = {place_id: k for k, place_id in enumerate(places.ids)}
    for j in compress(count(), map("region".__eq__, at.precisions)):
        place_id = ids[j]
        k = row[place_id]
        lat, lon = at.lats[j], at.lons[j]
        code = _named(places.queries[k] or places.names[k], places.countries[k], lat, lon)
        code = code or region_at(lat, lon)
        if code is not None:
            found[place_id] = regions.outline(code)  # type: ignore[assignment]
    return found


def _named(name: str, hint: str | None, lat: float, lon: float) -> str | None:
    """The code of the region ``name`` means, if it holds the position."""
    resolved = resolve_country(hint) if hint else None
    try:
        region = regions.resolve_region(name, resolved[0] if resolved else None)
    except LookupError:
        return None
    return region.code if contains(regions.outline(region.code), lon, lat) else None


def region_at(lat: float, lon: float) -> str | None:
    """The code of the region the position lies in, if any (the smallest, if several
    overlap: a city-region inside its province)."""
    hits = [
        (area, code)
        for code, (box, area) in _boxes().items()
        if box[0] <= lon <= box[2]
        and box[1] <= lat <= box[3]
        and contains(regions.outline(code), lon, lat)
    ]
    return min(hits)[1] if hits else None


@cache
def _boxes() -> dict[str, tuple[tuple[float, float, float, float], float]]:
    """Each region's bounding box (west, south, east, north) and its area in square
    degrees: read once, when a place is first found in no named region."""
    out = {}
    for region in regions.regions():
        geometry = regions.outline(region.code)
        points = [p for ring in rings(geometry) for p in ring]
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        box = (min(lons), min(lats), max(lons), max(lats))
        out[region.code] = (box, (box[2] - box[0]) * (box[3] - box[1]))
    return out

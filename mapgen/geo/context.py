"""A story's own geography, which the gazetteer uses to choose between places of one name.

A reader of a story set in the Russian Far East takes ``Blagoveshchensk`` for the city on
the Amur, not the town of the same name in Bashkortostan, and a reader of a story about
British Columbia takes ``Nelson`` for the town in the Kootenays, not the larger one in New
Zealand.  :class:`StoryContext` is what that reader knows: the countries, first-level
regions and positions the story's other places (or its articles' other mentions) name,
each with a weight (how often, or how surely).

:meth:`mapgen.geo.gazetteer.Gazetteer.search` takes one as ``context=``: a candidate in a
country the story names, in a region it names, or near its other places is raised (see
:func:`bonus`), and the answer's ``why`` says so when that is what decided it.  The
context never invents a place: it only reorders the candidates of the name asked.

Nothing here reads the city data or needs geopy: a context is plain numbers (its points
are measured with numpy, a few hundred at once).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .geodesy import EARTH_KM

#: A candidate's score rises by up to this much for lying in a country the story names
#: (times the share of the story's places there): a log10 of population, so 3.0 is what
#: a thousand times more people would weigh.  The three bonuses were set on the two
#: development corpora of benchmarks/geoparse.py as round numbers, not fitted to articles.
COUNTRY_BONUS = 3.0
#: ... by this much for lying in a first-level region the story names (its state, oblast).
REGION_BONUS = 1.5
#: ... and by up to this much for lying near the story's other places (see :data:`NEAR_KM`).
NEAR_BONUS = 2.5
#: Nearness fades with distance as exp(-km / NEAR_KM): a place 1,000 km from all the others
#: gets a third of the bonus, one 5,000 km away none to speak of.
NEAR_KM = 1000.0
#: Size in degrees of the cells a context merges its points in (about 200 km: fine enough
#: for a nearness that fades over :data:`NEAR_KM`, coarse enough that a story of 100,000
#: places has a few hundred).
CELL_DEGREES = 2.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def km_from(lats: Any, lons: Any, lat: float, lon: float) -> Any:
    """Great-circle distances (haversine, km) from the point ``lat, lon`` to each of the
    points ``lats, lons`` (numpy arrays; all in radians): the one vectorised distance the
    context's nearness and check's "far from all the others" share."""
    h = np.sin((lats - lat) / 2) ** 2 + math.cos(lat) * np.cos(lats) * np.sin((lons - lon) / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass
class StoryContext:
    """The countries, regions and points a story names, each with a weight.

    ``countries``: ISO alpha-2 code -> weight; ``regions``: ISO 3166-2 code (``US-FL``) ->
    weight; ``points``: (lat, lon, weight) of the places already placed.  Add to it with
    :meth:`add_country`, :meth:`add_region` and :meth:`add_point`; a region or a point also
    counts for its country, as a story about Texas is a story set in the United States.
    """

    countries: dict[str, float] = field(default_factory=dict)
    regions: dict[str, float] = field(default_factory=dict)
    points: list[tuple[float, float, float]] = field(default_factory=list)
    #: Points within one cell of :data:`CELL_DEGREES` are kept as one (their weighted mean):
    #: a story of 100,000 places makes a context of a few hundred points, not 100,000.
    _cells: dict[tuple[int, int], int] = field(default_factory=dict, repr=False, compare=False)
    #: ``points`` as arrays (radians, weights), made when first needed after a change.
    _arrays: Any = field(default=None, repr=False, compare=False)

    def add_country(self, code: str, weight: float = 1.0) -> None:
        code = code.upper()
        if len(code) == 2 and weight > 0:
            self.countries[code] = self.countries.get(code, 0.0) + weight

    def add_region(self, code: str, weight: float = 1.0) -> None:
        """A first-level region (ISO 3166-2 code, ``US-FL``), which also names its country."""
        code = code.upper()
        if weight > 0:
            self.regions[code] = self.regions.get(code, 0.0) + weight
            self.add_country(code.split("-", 1)[0], weight)

    def add_point(
        self, lat: float, lon: float, country: str | None = None, weight: float = 1.0
    ) -> None:
        """A place the story has placed (and its country, if known)."""
        if weight > 0 and math.isfinite(lat) and math.isfinite(lon):
            self._arrays = None
            cell = (math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES))
            k = self._cells.get(cell)
            if k is None or k >= len(self.points):
                self._cells[cell] = len(self.points)
                self.points.append((float(lat), float(lon), weight))
            else:
                plat, plon, w = self.points[k]
                total = w + weight
                self.points[k] = (
                    (plat * w + lat * weight) / total,
                    (plon * w + lon * weight) / total,
                    total,
                )
            if country:
                self.add_country(country, weight)

    @property
    def empty(self) -> bool:
        return not (self.countries or self.regions or self.points)

    def share(self, country: str) -> float:
        """The share (0 to 1) of the story's country weight that lies in ``country``."""
        total = sum(self.countries.values())
        return self.countries.get(country, 0.0) / total if total else 0.0

    def names_region(self, code: str) -> bool:
        return code.upper() in self.regions

    def nearness(self, lat: float, lon: float) -> float:
        """How near (0 to 1) ``lat, lon`` lies to the story's points, weighed: 1 on top of
        all of them, about 0.37 at :data:`NEAR_KM` from all."""
        if not self.points:
            return 0.0
        if self._arrays is None or len(self._arrays[0]) != len(self.points):
            table = np.asarray(self.points, dtype=float)
            self._arrays = (np.radians(table[:, 0]), np.radians(table[:, 1]), table[:, 2])
        plat, plon, w = self._arrays
        km = km_from(plat, plon, math.radians(lat), math.radians(lon))
        return float(np.sum(w * np.exp(-km / NEAR_KM)) / np.sum(w))


@dataclass(frozen=True)
class Bonus:
    """What the story's context adds to one candidate's score, by reason."""

    country: float = 0.0
    region: float = 0.0
    near: float = 0.0

    @property
    def total(self) -> float:
        return self.country + self.region + self.near


def bonus(
    context: StoryContext | None,
    country: str,
    lat: float,
    lon: float,
    regions: tuple[str, ...] = (),
) -> Bonus:
    """What ``context`` adds to a candidate in ``country`` at ``lat, lon``, inside the
    first-level regions ``regions`` (ISO 3166-2 codes; those it is known to lie in)."""
    if context is None or context.empty:
        return Bonus()
    return Bonus(
        country=COUNTRY_BONUS * context.share(country),
        region=REGION_BONUS if any(context.names_region(r) for r in regions) else 0.0,
        near=NEAR_BONUS * context.nearness(lat, lon),
    )

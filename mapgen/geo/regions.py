"""First-level regions offline: states, provinces, oblasts, with names and simplified outlines.

The data is Natural Earth's *Admin 1 - States, Provinces* (public domain), simplified to what a
news map needs and shipped in ``data/regions.json.gz`` (``tools/build_regions.py`` makes it).
4,596 regions of 250 countries; each with its ISO 3166-2 code, English and other Latin-script
names (GeoNames' among them), type, GeoNames id, label point and outline.

Names are compared after :func:`~mapgen.geo.countries.fold`, and a name may carry its type
word, as articles write them: ``Lipetsk region``, ``Donetsk Oblast``, ``the State of Texas``,
``Province of Quebec`` all find the region; :func:`split_type` says whether one was there,
which is what tells the Lipetsk region from the city of Lipetsk.

The names are read once, on first use, and the outlines only when one is drawn; nothing here needs geopy or the city data.
"""

from __future__ import annotations

import difflib
import gzip
import itertools
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .countries import _find_country_name, fold
from .shapes import ring_contains

__all__ = [
    "TYPE_WORDS",
    "AmbiguousRegion",
    "Region",
    "UnknownRegion",
    "find_regions",
    "outline",
    "region",
    "regions",
    "resolve_region",
    "split_type",
    "territory_outline",
]

_DATA = Path(__file__).resolve().parent / "data"

#: Words that name a first-level region's type, before (``Province of``) or after
#: (``region``) its name.
TYPE_WORDS = (
    "region",
    "oblast",
    "oblast'",
    "province",
    "state",
    "krai",
    "kray",
    "republic",
    "prefecture",
    "governorate",
    "canton",
    "county",
    "department",
    "territory",
    "okrug",
    "autonomous okrug",
    "autonomous region",
    "autonomous republic",
    "district",
    "emirate",
    "voivodeship",
    "municipality",
    "parish",
    "division",
)
_TYPES = "|".join(sorted((re.escape(w) for w in TYPE_WORDS), key=len, reverse=True))
_AFTER = re.compile(rf"^(?P<name>.+?)\s+(?P<type>{_TYPES})$", re.IGNORECASE)
_BEFORE = re.compile(rf"^(?:the\s+)?(?P<type>{_TYPES})\s+of\s+(?P<name>.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Region:
    """One first-level region of a country."""

    code: str  # ISO 3166-2 (``RU-LIP``), or Natural Earth's own code where there is none
    country: str  # ISO 3166-1 alpha-2
    name: str  # its English name
    names: tuple[str, ...]  # every Latin-script name, the English one first
    type: str  # "Region", "State", "Province", ... as Natural Earth says
    geonameid: int | None
    lat: float  # Natural Earth's label point: inside the region, where its name goes
    lon: float
    scalerank: int | None  # Natural Earth's: lower is more important on a small-scale map
    region: str | None  # the larger region it belongs to (a French department's region)

    @property
    def iso(self) -> str | None:
        """Its ISO 3166-2 code, or None for a group of regions (``FR:Bretagne``) or a
        region Natural Earth gives its own code (``GIB+00?``)."""
        return self.code if _CODE.match(self.code) else None

    def describe(self) -> str:
        return f"{self.name} ({self.type.lower()}, {self.country}; {self.code})"


def _read(name: str) -> Any:
    return json.loads(gzip.decompress((_DATA / name).read_bytes()))


@cache
def regions() -> tuple[Region, ...]:
    """Every region, sorted by country and code."""
    return tuple(
        Region(
            code=r["code"],
            country=r["country"],
            name=r["name"],
            names=tuple(r["names"]),
            type=r["type"],
            geonameid=r["geonameid"],
            lat=r["label"][0],
            lon=r["label"][1],
            scalerank=r["scalerank"],
            region=r["region"],
        )
        for r in _read("regions.json.gz")["regions"]
    )


@cache
def _outlines() -> dict[str, dict[str, Any]]:
    return _read("region-outlines.json.gz")["outlines"]


@cache
def _by_name() -> dict[str, tuple[int, ...]]:
    """Folded name (with and without its type word) -> the regions called that.  A type
    word needs a space before or after it: a one-word name is folded once, unsplit (half
    the time of splitting every one of the 13,600 names)."""
    index: dict[str, list[int]] = {}
    for i, r in enumerate(regions()):
        keys = {fold(name) for name in r.names}
        keys.update(fold(split_type(n)[0]) for n in r.names if " " in n)
        for key in keys:
            if key and i not in index.setdefault(key, []):
                index[key].append(i)
    return {key: tuple(found) for key, found in index.items()}


@cache
def _by_code() -> dict[str, int]:
    return {r.code.upper(): i for i, r in enumerate(regions())}


def split_type(name: str) -> tuple[str, str | None]:
    """``name`` without a type word, and the type word if there was one.

    >>> split_type("Lipetsk region"), split_type("Province of Quebec"), split_type("Texas")
    (('Lipetsk', 'region'), ('Quebec', 'Province'), ('Texas', None))
    """
    name = " ".join(name.split())
    for pattern in (_AFTER, _BEFORE):
        found = pattern.match(name)
        if found:
            return found["name"], found["type"]
    return name, None


def find_regions(name: str, country: str | None = None) -> list[Region]:
    """The regions ``name`` can mean (in ``country``, an alpha-2 code, if given).

    A name is looked up as written, then without its type word (``Lipetsk region``).
    """
    index = _by_name()
    found = index.get(fold(name)) or index.get(fold(split_type(name)[0])) or ()
    all_regions = regions()
    hits = [all_regions[i] for i in found]
    if country:
        hits = [r for r in hits if _in_country(r, country.upper())]
    return hits


def _in_country(r: Region, alpha2: str) -> bool:
    """Whether ``r`` is in the country ``alpha2``: the one Natural Earth puts it in (on the
    ground), or the one its ISO 3166-2 code names (Crimea is ``UA-43``, and in ``RU`` for
    Natural Earth); either hint finds it."""
    return r.country == alpha2 or r.code.startswith(alpha2 + "-")


def region(code: str) -> Region | None:
    """The region with ISO 3166-2 ``code`` (``RU-LIP``), if there is one, or the group of
    regions :func:`resolve_region` made under that code (``FR:Bretagne``)."""
    if code in _GROUPS:
        return _GROUPS[code][0]
    i = _by_code().get(code.upper())
    return None if i is None else regions()[i]


def outline(code: str) -> dict[str, Any] | None:
    """The region's simplified outline, a GeoJSON Polygon or MultiPolygon (``[lon, lat]``)."""
    if code in _GROUPS:
        return _group_outline(code)
    found = region(code)
    return None if found is None else _outlines()[found.code]


# - a larger region as a group of Natural Earth's (Brittany: four departments) -

#: Group code (``FR:Bretagne``: a colon, never in an ISO code) -> the group as a region,
#: and its members' codes.
_GROUPS: dict[str, tuple[Region, tuple[str, ...]]] = {}


def _as_group(name: str, hits: list[Region]) -> Region | None:
    """The larger region all of ``hits`` belong to, as one region of all its members, if
    ``name`` means it: Natural Earth's first level is the department in France, the province
    in Italy, and each carries its region's name (``Brittany``, ``Lombardy``) among its
    alternate names."""
    larger = {r.region for r in hits}
    countries = {r.country for r in hits}
    if len(larger) != 1 or None in larger or len(countries) != 1:
        return None
    (whole,), (country,) = larger, countries
    members = tuple(r for r in regions() if r.country == country and r.region == whole)
    if len(members) < 2 or {r.code for r in hits} != {r.code for r in members}:
        return None
    code = f"{country}:{whole}"
    biggest = max(members, key=lambda r: _extent(_outlines()[r.code]))
    group = Region(
        code=code,
        country=country,
        name=" ".join(name.split()),
        names=(" ".join(name.split()), whole),
        type="Region",
        geonameid=None,
        lat=biggest.lat,  # a point inside it: its largest member's label point
        lon=biggest.lon,
        scalerank=min((r.scalerank for r in members if r.scalerank is not None), default=None),
        region=None,
    )
    _GROUPS[code] = (group, tuple(r.code for r in members))
    return group


def _extent(geometry: dict[str, Any]) -> float:
    points = [p for rings in _polygons(geometry) for ring in rings for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return (max(lons) - min(lons)) * (max(lats) - min(lats))


def _polygons(geometry: dict[str, Any]) -> list[Any]:
    coords = geometry["coordinates"]
    return [coords] if geometry["type"] == "Polygon" else coords


@cache
def _group_outline(code: str) -> dict[str, Any]:
    """The members' outlines dissolved into one: the borders between them (the same
    edges, walked in opposite directions) left out, the rest joined into rings.  Should
    the edges not join up (outlines that do not share their vertices), the members'
    outlines side by side."""
    parts = [p for c in _GROUPS[code][1] for p in _polygons(_outlines()[c])]
    rings = _dissolve(parts)
    if rings is None:
        return {"type": "MultiPolygon", "coordinates": parts}
    outers = [r for r in rings if _area(r) > 0]
    holes = [r for r in rings if _area(r) <= 0]
    polygons: list[list[Any]] = [[r] for r in outers]
    for hole in holes:
        home = next((p for p in polygons if ring_contains(p[0], hole[0][0], hole[0][1])), None)
        if home is not None:
            home.append(hole)
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


Point = tuple[float, float]


def _area(ring: list[Any]) -> float:
    """Twice the ring's signed area: positive when it runs anticlockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))


def _dissolve(polygons: list[Any]) -> list[list[list[float]]] | None:
    """The rings of the union of polygons that meet along shared edges, or None."""
    edges: dict[tuple[Point, Point], int] = {}
    for rings in polygons:
        for n, ring in enumerate(rings):
            points = [(p[0], p[1]) for p in ring]
            if (_area(points) > 0) != (n == 0):  # outer rings anticlockwise, holes not
                points.reverse()
            for a, b in itertools.pairwise(points):
                if a != b:
                    edges[(a, b)] = edges.get((a, b), 0) + 1
    kept = [e for e in edges if (e[1], e[0]) not in edges]
    following: dict[Point, list[Point]] = {}
    for a, b in kept:
        following.setdefault(a, []).append(b)
    rings: list[list[list[float]]] = []
    while following:
        start = next(iter(following))
        ring, here = [start], start
        while True:
            ahead = following.get(here)
            if not ahead:
                return None  # an edge that leads nowhere: the outlines do not fit
            step = ahead.pop()
            if not ahead:
                del following[here]
            ring.append(step)
            here = step
            if here == start:
                break
        if len(ring) >= 4:
            rings.append([list(p) for p in ring])
    return rings


_CODE = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$")


class UnknownRegion(LookupError):
    """No first-level region is called that (in the country given); the message says what
    comes close."""


class AmbiguousRegion(LookupError):
    """Several regions are called that; ``candidates`` lists them, and the message the
    ``places.yaml`` hint that picks each."""

    def __init__(self, name: str, candidates: list[Region]):
        self.name = name
        self.candidates = candidates
        by_country = len({r.country for r in candidates}) == len(candidates)
        listed = "; ".join(
            f"{r.describe()}: " + (f"add country: {r.country}" if by_country else f"write {r.code}")
            for r in candidates
        )
        super().__init__(f"region {name!r} is ambiguous: {listed}")


def resolve_region(name: str, country: str | None = None) -> Region:
    """The one region ``name`` means (in ``country``, an alpha-2 code, if given): an ISO
    3166-2 code (``RU-LIP``) or a name as an article writes it (``Lipetsk region``).

    Where several regions answer and exactly one is called that by its main name (the
    others by an alternate one), it is that one: ``Georgia`` is the US state.  Raises
    :class:`AmbiguousRegion` when they cannot be told apart, :class:`UnknownRegion` when
    none answers.
    """
    text = " ".join(name.split())
    if _CODE.match(text):
        found = region(text)
        if found is not None and (country is None or _in_country(found, country.upper())):
            return found
    hits = list({r.code: r for r in find_regions(text, country)}.values())
    if len(hits) > 1:
        key, bare = fold(text), fold(split_type(text)[0])
        main = [r for r in hits if fold(r.name) in (key, bare)]
        if len(main) == 1:
            return main[0]
        group = None if main else _as_group(split_type(text)[0], hits)
        if group is not None:
            return group
        raise AmbiguousRegion(text, main or hits)
    if hits:
        return hits[0]
    bare = split_type(text)[0]
    members = [
        r
        for r in _by_larger().get(fold(bare), ())
        if country is None or _in_country(r, country.upper())
    ]
    group = _as_group(bare, members) if members else None
    if group is not None:  # Sicily, Bretagne: the larger region Natural Earth names
        return group
    raise UnknownRegion(_unknown(text, country))


@cache
def _by_larger() -> dict[str, tuple[Region, ...]]:
    """Folded name of a larger region (a French department's, an Italian province's) ->
    its members."""
    index: dict[str, list[Region]] = {}
    for r in regions():
        if r.region:
            index.setdefault(fold(r.region), []).append(r)
    return {key: tuple(found) for key, found in index.items()}


def _unknown(name: str, country: str | None) -> str:
    """What to say of a name no region answers: the closest names (in the country)."""
    where = f" in {country.upper()}" if country else ""
    pool = [r for r in regions() if country is None or _in_country(r, country.upper())]
    names = {fold(n): n for r in pool for n in r.names}
    close = difflib.get_close_matches(fold(split_type(name)[0]), list(names), n=3, cutoff=0.75)
    hint = f"; did you mean {', '.join(repr(names[c]) for c in close)}?" if close else ""
    country_named = _find_country_name(name)
    if country_named is not None and not close:
        hint = f"; {country_named.name} is a country: give country: {country_named.alpha2} instead"
    return f"no first-level region called {name!r}{where}{hint}"


def territory_outline(alpha2: str, name: str) -> dict[str, Any] | None:
    """The outline of a country or territory Natural Earth's admin-0 data draws as part of
    another one but its admin-1 data draws on its own (French Guiana and the other French
    overseas departments, Gibraltar, Tuvalu, Tokelau, Christmas Island...), called
    ``name``: its regions' outlines together; None if it has none either."""
    alpha2 = alpha2.upper()
    parts = [
        r
        for r in regions()
        if r.country == alpha2 or r.code == f"FR-{alpha2}" or fold(r.name) == fold(name)
    ]
    polygons: list[Any] = []
    for r in parts:
        geometry = _outlines()[r.code]
        coords = geometry["coordinates"]
        polygons += [coords] if geometry["type"] == "Polygon" else coords
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}

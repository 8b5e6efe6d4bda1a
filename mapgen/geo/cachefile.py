"""The geocode cache's file, ``geocode-cache.yaml``: what one entry holds, and how the
file's text is read into entries and written from them.

Separate from :mod:`mapgen.geo.cache` (the cache a build holds: its lookups, new answers,
saving under a lock) because reading a file that a person may have edited is most of the
work, and a subject of its own: two readers, a fast one over libyaml's events for a valid
file (:func:`_fast_parse`) and a slow one that keeps each node's line and column to say
what is wrong (:func:`_parse`), sharing one set of checks (:func:`_wrong`) so that they
cannot disagree on what a valid entry is.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from ..core.errors import Problem, StoryError
from ..core.fsutil import MAX_INPUT_BYTES
from ..core.values import bad_character, plain_decimal, yaml_number_problem
from ..story.model import FEATURES, PRECISIONS, Location, Pos

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


#: An entry's ``date:``, as it is written.
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
#: Decimals kept of a latitude or longitude: about 0.1 m, more would only make the file noisier.
DECIMALS = 6


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
    #: What decided the offline gazetteer's choice, and why it is a guess (if it is).
    why: str | None = None
    doubt: str | None = None

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
            why=self.why,
            doubt=self.doubt,
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
            **({"why": self.why} if self.why else {}),
            **({"doubt": self.doubt} if self.doubt else {}),
        }


def read_entries(data: bytes, name: str) -> list[CacheEntry]:
    """The entries of a cache file's bytes (``name``: the file, for the messages).

    A file that is not UTF-8 or not a valid cache raises :class:`StoryError`, each problem
    at its ``file:line:col``.
    """
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
    return entries


def dump_entries(entries: Iterable[CacheEntry]) -> str:
    """The file's text: a header comment, then ``entries`` (in the order given)."""
    body = {"version": CACHE_FORMAT, "entries": [e.to_yaml() for e in entries]}
    dumped = yaml.safe_dump(
        body, sort_keys=True, allow_unicode=True, default_flow_style=False, width=4096
    )
    return _HEADER + dumped


_FIX = "fix it, or delete it (or the whole file) to geocode again"
_FIELDS = (
    *("query", "country", "feature", "lat", "lon", "precision", "address", "geocoder", "date"),
    *("why", "doubt"),
)
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
        ("date", isinstance(date, str) and bool(ISO_DATE.match(date)), "a date, YYYY-MM-DD"),
    ]
    for said in ("why", "doubt"):
        text = value.get(said)
        checks.append((said, text is None or _plain_text(text), _text(text)))
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
        why=value.get("why"),
        doubt=value.get("doubt"),
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

"""Give every place, route stop and area of a story a position or an outline.

For each place the first of these that answers wins:

1. ``coords:`` written in ``places.yaml`` (``geocoder: places.yaml``);
2. the story's geocode cache, ``geocode-cache.yaml`` beside ``places.yaml``;
3. the offline :class:`~mapgen.gazetteer.Gazetteer`;
4. any other geopy geocoder passed as ``geocoder=`` (none by default: a build stays offline).

Every new answer goes into the cache, which is saved (atomically) when it changed, so the
next build asks nobody.  A cache hit does not touch the gazetteer's city data.  Saving
re-reads the file under a lock on its folder and adds this run's answers to what is there,
so two builds at once (a ``mapgen watch`` and a ``mapgen build``) lose neither's answers.

Everything that cannot be resolved is collected and reported at once in one
:class:`~mapgen.errors.StoryError`, each problem at its ``places.yaml:LINE:COL``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from geopy.exc import GeocoderQueryError
from geopy.geocoders.base import Geocoder
from geopy.location import Location as GeopyLocation

from .errors import OutputError, Problem, StoryError
from .fsutil import atomic_write, folder_lock, remove_stale_temps
from .gazetteer import Gazetteer
from .model import PRECISIONS, GeocodedStory, Location, Pos, Story

#: The cache file's name, in the story folder beside ``places.yaml``.
CACHE_NAME = "geocode-cache.yaml"
#: The cache file's format; a file with another number is refused, not rewritten.
CACHE_FORMAT = 1

_HEADER = f"""\
# {CACHE_NAME}: where geocoders put the places that places.yaml names without coords.
# mapgen writes this file; commit it with the story, like a lock file, so that a rebuild
# asks no geocoder: it is offline, fast, and draws the same map.  Each entry is one query
# with its country hint: the answer (lat, lon, precision, address), which geocoder gave it,
# and the date it was asked.  Delete an entry (or the file) to geocode that place again.
# To move a place, do not edit its entry: give it `coords: [lat, lon]` in places.yaml.
"""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DECIMALS = 6  # about 0.1 m: more would only make the file noisier


def cache_key(query: str, country: str | None) -> tuple[str, str]:
    """Entries are keyed by the query folded for case and white space, and the country
    hint as written, upper-cased (so ``Moscow``/``RU`` and ``moscow``/``ru`` are one)."""
    return " ".join(query.casefold().split()), (country or "").strip().upper()


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

    @property
    def key(self) -> tuple[str, str]:
        return cache_key(self.query, self.country)

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
        self._entries: dict[tuple[str, str], CacheEntry] = {e.key: e for e in entries}
        #: Whether :meth:`put` changed anything since the file was read or written.
        self.changed = False
        #: Entries not (yet) in the file: what :meth:`save` adds to the file as it finds it.
        self._added: set[tuple[str, str]] = set(self._entries)
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
        if path.is_dir():
            path = path / CACHE_NAME
        name = str(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            problem = Problem(f"cannot read the geocode cache: {exc.strerror}", file=name)
            raise StoryError([problem]) from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            problem = f"the geocode cache is not UTF-8 text (byte {exc.start}); {_FIX}"
            raise StoryError([Problem(problem, pos=Pos(name, line, 1))]) from None
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
            data = self.path.read_bytes()
        except FileNotFoundError:
            return self.digest is not None
        except OSError:
            return True
        return hashlib.sha256(data).digest() != self.digest

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[CacheEntry]:
        return iter(sorted(self._entries.values(), key=lambda e: e.key))

    def get(self, query: str, country: str | None = None) -> Location | None:
        """The cached answer for ``query`` with this country hint, if any."""
        entry = self._entries.get(cache_key(query, country))
        return entry.location() if entry is not None else None

    def put(
        self,
        query: str,
        country: str | None,
        location: Location,
        when: dt.date | str | None = None,
    ) -> None:
        """Record ``location`` as the answer to ``query`` (``when``: default today).

        Recording the answer already there (whatever its date, or the query's case and
        spacing) changes nothing: the entry keeps its first date.
        """
        if isinstance(when, dt.datetime):
            when = when.date()
        date = when if isinstance(when, str) else (when or dt.date.today()).isoformat()
        if not _DATE.match(date):
            raise ValueError(f"when must be a date or YYYY-MM-DD, not {when!r}")
        hint = (country or "").strip().upper() or None
        entry = CacheEntry(
            query=" ".join(query.split()),
            country=hint,
            lat=round(float(location.lat), _DECIMALS),
            lon=round(float(location.lon), _DECIMALS),
            precision=location.precision,
            geocoder=location.geocoder,
            date=date,
            address=location.address,
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
_FIELDS = ("query", "country", "lat", "lon", "precision", "address", "geocoder", "date")
_REQUIRED = ("query", "lat", "lon", "precision", "geocoder", "date")


def _parse(text: str, name: str) -> tuple[list[CacheEntry], list[Problem]]:
    """Entries and problems of a cache file, each problem at its line and column."""
    loader = yaml.SafeLoader(text)
    try:
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
    top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    problems: list[Problem] = []
    version = top.get("version")
    value = loader.construct_object(version) if isinstance(version, yaml.ScalarNode) else None
    if value != CACHE_FORMAT:
        where = at(version) if version is not None else at(root)
        message = f"unknown geocode cache format {value!r}, expected `version: {CACHE_FORMAT}`"
        return [], [Problem(f"{message}; {_FIX}", where)]
    items = top.get("entries")
    if items is None or (isinstance(items, yaml.ScalarNode) and items.tag.endswith(":null")):
        return [], []
    if not isinstance(items, yaml.SequenceNode):
        return [], [Problem(f"`entries` must be a list; {_FIX}", at(items))]
    entries: list[CacheEntry] = []
    seen: dict[tuple[str, str], Pos] = {}
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
    before = len(problems)
    for key, node in item.value:
        field = key.value if isinstance(key, yaml.ScalarNode) else None
        if field not in _FIELDS:
            problems.append(Problem(f"unknown field {field!r} in an entry; {_FIX}", at(key)))
            continue
        if not isinstance(node, yaml.ScalarNode):
            problems.append(Problem(f"`{field}` must be a single value; {_FIX}", at(node)))
            continue
        found[field] = (node, loader.construct_object(node))
    missing = [f"`{field}`" for field in _REQUIRED if field not in found]
    if missing:
        problems.append(Problem(f"an entry without {', '.join(missing)}; {_FIX}", at(item)))

    def check(field: str, ok: bool, expected: str) -> None:
        if field in found and not ok:
            node, value = found[field]
            problems.append(Problem(f"`{field}: {value!r}` should be {expected}; {_FIX}", at(node)))

    value = {f: v for f, (_, v) in found.items()}
    number = (int, float)
    check("query", isinstance(value.get("query"), str) and bool(value["query"].strip()), "text")
    check("country", value.get("country") is None or isinstance(value["country"], str), "text")
    for field, limit in (("lat", 90), ("lon", 180)):
        v = value.get(field)
        valid = isinstance(v, number) and not isinstance(v, bool) and -limit <= v <= limit
        check(field, valid, f"a number from -{limit} to {limit}")
    check("precision", value.get("precision") in PRECISIONS, f"one of {', '.join(PRECISIONS)}")
    check("geocoder", isinstance(value.get("geocoder"), str) and bool(value["geocoder"]), "text")
    check("address", value.get("address") is None or isinstance(value["address"], str), "text")
    date = value.get("date")
    if isinstance(date, dt.date) and not isinstance(date, dt.datetime):
        date = date.isoformat()
    check("date", isinstance(date, str) and bool(_DATE.match(date)), "a date, YYYY-MM-DD")
    if len(problems) > before:
        return None
    country = value.get("country")
    return CacheEntry(
        query=value["query"],
        country=(country.strip().upper() or None) if isinstance(country, str) else None,
        lat=float(value["lat"]),
        lon=float(value["lon"]),
        precision=value["precision"],
        geocoder=value["geocoder"],
        date=date,
        address=value.get("address"),
    )


# --------------------------------------------------------------------------- the chain


def geocoder_name(geocoder: Geocoder) -> str:
    """How a geocoder is named in the cache: its ``name`` attribute or its class name."""
    name = getattr(type(geocoder), "name", None)
    return name if isinstance(name, str) and name else type(geocoder).__name__.lower()


class _Resolver:
    """Cache, then each geocoder in turn, for one story; collects the problems."""

    def __init__(
        self,
        cache: GeocodeCache,
        gazetteer: Gazetteer,
        others: Sequence[Geocoder],
        today: dt.date,
    ):
        self.cache = cache
        self.gazetteer = gazetteer
        self.chain: list[Geocoder] = [gazetteer, *others]
        self.today = today
        self.problems: list[Problem] = []

    def locate(self, query: str, country: str | None, pos: Pos, *, inline: bool) -> Location | None:
        """The position of ``query`` (narrowed by ``country``), or None and a problem."""
        hint = country.strip() if country and country.strip() else None
        if hint is not None and self.gazetteer.resolve_country(hint) is None:
            self.problems.append(Problem(_unknown_country(self.gazetteer, hint), pos))
            return None
        cached = self.cache.get(query, hint)
        if cached is not None:
            return cached
        for geocoder in self.chain:
            try:
                answer = _ask(geocoder, query, hint)
            except GeocoderQueryError as exc:
                self.problems.append(Problem(f"cannot geocode {query!r}: {exc}", pos))
                return None
            if answer is not None:
                location = _location(answer, geocoder, query)
                self.cache.put(query, hint, location, self.today)
                return location
        self.problems.append(Problem(self._not_found(query, hint, inline), pos))
        return None

    def _not_found(self, query: str, hint: str | None, inline: bool) -> str:
        where = "the offline gazetteer"
        if len(self.chain) > 1:
            where += " or " + ", ".join(geocoder_name(g) for g in self.chain[1:])
        asked = f"{query!r} (country {hint})" if hint else repr(query)
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


def _ask(geocoder: Geocoder, query: str, country: str | None) -> GeopyLocation | None:
    """One geocoder's single best answer.

    The gazetteer takes the country hint as ``country=``.  geopy's online geocoders each
    spell a country filter differently (Nominatim ``country_codes``, Google ``region`` ...),
    so for them the country's name is added to the query text, which they all understand.
    """
    if isinstance(geocoder, Gazetteer):
        answer = geocoder.geocode(query, exactly_one=True, country=country)
    else:
        if country:
            resolved = Gazetteer.resolve_country(country)
            query = f"{query}, {resolved[1] if resolved else country}"
        answer = geocoder.geocode(query, exactly_one=True)
    if isinstance(answer, list):
        answer = answer[0] if answer else None
    return answer


def _location(answer: GeopyLocation, geocoder: Geocoder, query: str) -> Location:
    raw = answer.raw if isinstance(answer.raw, dict) else {}
    precision = raw.get("precision")
    return Location(
        lat=round(float(answer.latitude), _DECIMALS),
        lon=round(float(answer.longitude), _DECIMALS),
        precision=precision if precision in PRECISIONS else "approximate",
        geocoder=geocoder_name(geocoder),
        query=query,
        address=answer.address or None,
    )


def _unknown_country(gazetteer: Gazetteer, text: str) -> str:
    near = gazetteer.closest(text, 3, kind="country")
    closest = f"; closest: {', '.join(c.name + ' (' + c.country_code + ')' for c in near)}"
    return (
        f"unknown country {text!r}; write an ISO code such as KP or a name such as"
        f" North Korea{closest if near else ''}"
    )


def geocode_story(
    story: Story,
    *,
    cache: GeocodeCache | None = None,
    gazetteer: Gazetteer | None = None,
    geocoder: Geocoder | None = None,
    today: dt.date | None = None,
    save: bool = True,
) -> GeocodedStory:
    """Give every place, route stop and area of ``story`` a position or an outline.

    :param cache: the story's cache; default: ``geocode-cache.yaml`` in the story folder.
        New answers are added to it and it is saved if it changed, even when some places
        could not be resolved (an interrupted or failed run loses nothing).
    :param gazetteer: the offline gazetteer (default: a new :class:`Gazetteer`).
    :param geocoder: a geopy Geocoder asked after the gazetteer for the names it does not
        know; its ``geocode(query, exactly_one=True)`` answers.  None (the default) keeps
        the build offline.
    :param today: the date recorded with new answers (default: today).
    :param save: write new answers to the cache file; ``mapgen check`` writes nothing.
    :raises StoryError: listing every place, stop and area that could not be resolved, or
        a corrupt cache file.
    :raises OutputError: the cache could not be written.
    """
    if cache is None:
        cache = GeocodeCache.load(story.root / CACHE_NAME)
    gazetteer = gazetteer if gazetteer is not None else Gazetteer()
    others = [geocoder] if geocoder is not None else []
    resolver = _Resolver(cache, gazetteer, others, today or dt.date.today())
    problems = resolver.problems

    places: dict[str, Location] = {}
    for place in story.places:
        if place.coords is not None:
            lat, lon = place.coords
            places[place.id] = Location(
                lat=lat,
                lon=lon,
                precision=place.precision or "point",
                geocoder="places.yaml",
                query=place.query,
            )
            continue
        found = resolver.locate(place.geocode_query, place.country, place.pos, inline=False)
        if found is not None:
            places[place.id] = found

    known = {place.id for place in story.places}
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
                location = resolver.locate(stop.name, stop.country, stop.pos, inline=True)
            else:
                problems.append(Problem("a stop needs a place id, or a name", stop.pos))
            if location is not None:
                line.append((location.lat, location.lon))
        if len(line) == len(route.via):
            routes[route.id] = line

    areas: dict[str, dict] = {}
    for area in story.areas:
        resolved = gazetteer.resolve_country(area.country)
        if resolved is None:
            problems.append(Problem(_unknown_country(gazetteer, area.country), area.pos))
            continue
        outline = gazetteer.country_outline(resolved[0])
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

    try:
        if save:
            cache.save()
    except OSError as exc:
        failed = OutputError(f"{cache.path}: cannot write the geocode cache: {exc.strerror}")
    else:
        failed = None
    if problems:
        raise StoryError(problems)
    if failed is not None:
        raise failed
    return GeocodedStory(story=story, places=places, routes=routes, areas=areas)

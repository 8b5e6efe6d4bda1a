"""Places in bulk: a CSV or GeoJSON file of places that ``places.yaml`` includes.

A story made of data (every strike in a war, every shipment in a case) does not list its
places by hand.  ``places.yaml`` names the files instead::

    include:
      - strikes.csv                  # a file inside the story folder: .csv, .geojson, .json
      - file: ports.geojson
        kind: port                   # for rows that give no kind
        source: warning              # for rows whose quote names no source
        status: reported             # for rows that give no status

Each row (CSV) or feature (GeoJSON) is one place, with the same fields as a place in
``places.yaml``: ``name`` (required), ``id`` (a slug; default ``<file>-<row>``), ``kind``,
``lat`` and ``lon`` (or a GeoJSON Point) or else a ``query`` to geocode, ``country``,
``feature``, ``precision``, ``status``, ``note``, and the quote backing it: ``source`` and
``quote`` (a CSV row has one; a GeoJSON feature may give ``quotes: [{source, text, stance}]``,
``stance`` being ``claims``, the default, or ``denies``).

A file is read like an article (inside the story folder, no symlink on the way, a regular
file of at most 100 MB), and holds at most :data:`MAX_ROWS` lines (CSV) or features
(GeoJSON): past them a build would pass its budget of 2 GB.

Every mistake is reported like a mistake in ``places.yaml``, all at once, each at its
``file:line:col`` (a GeoJSON feature's problems at the key they are about).  Reading is
one pass over the rows with no per-row parsing beyond what the cells need: 100,000 rows
take a fraction of a second.
"""

from __future__ import annotations

import bisect
import csv
import difflib
import functools
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from ..core.errors import Problem
from ..core.fsutil import MAX_INPUT_BYTES, Refused, read_regular
from ..core.values import bad_character, number_text_problem
from . import model
from .model import FEATURES, PLACE_KINDS, PRECISIONS, Place, PlaceColumns, Pos, Quote

__all__ = ["BULK_SUFFIXES", "STATUSES", "Defaults", "read_places"]

#: The file types an ``include:`` may name.
BULK_SUFFIXES = (".csv", ".geojson", ".json")
#: Most bytes an included file may hold.
MAX_BYTES = MAX_INPUT_BYTES
#: Most lines of a CSV file, or features of a GeoJSON file: 400,000 places of 250 bytes
#: (a 100 MB file) build in 1.4 GB; more would pass the 2 GB budget.
MAX_ROWS = 400_000
#: Claim statuses a row may carry (the model's, once it has them).
STATUSES: tuple[str, ...] = tuple(
    getattr(model, "STATUSES", ("reported", "expected", "confirmed", "denied"))
)

#: Column (or GeoJSON property) names, and the other spellings accepted for some.
COLUMNS = (
    "id",
    "name",
    "kind",
    "lat",
    "lon",
    "query",
    "country",
    "feature",
    "precision",
    "status",
    "note",
    "source",
    "quote",
)
ALIASES = {
    "latitude": "lat",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "passage": "quote",
    "text": "quote",
}
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
_NOT_SLUG = re.compile(r"[^a-z0-9_-]+")


@dataclass(frozen=True)
class Defaults:
    """What an ``include:`` entry gives the rows that leave a field empty."""

    kind: str | None = None
    source: str | None = None
    status: str | None = None


def suggest(word: str, options: Sequence[str], limit: int = 20) -> str:
    """A did-you-mean for ``word`` or, with nothing close, the options to choose from."""
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if not options:
        return ""
    shown = ", ".join(options[:limit]) + (", ..." if len(options) > limit else "")
    return f"; expected one of: {shown}"


def id_stem(shown: str) -> str:
    """The default ids' prefix: the file's name without its suffix, as a slug."""
    stem = Path(shown).stem.lower()
    return _NOT_SLUG.sub("-", stem).strip("-_") or "place"


class Rows(NamedTuple):
    """The places of a CSV file whose every column checked out at once, kept as columns:
    a build reads only those (see :class:`~mapgen.model.PlaceTable`)."""

    columns: PlaceColumns
    #: Makes the places as objects, when one is asked for.
    make: Callable[[], list[Place]]


def read_places(
    path: Path,
    shown: str,
    defaults: Defaults,
    sources: Mapping[str, Any],
    *,
    data: bytes | None = None,
) -> tuple[list[Place] | Rows, list[Problem]]:
    """The places of one bulk file (as :class:`Rows` when they could be read a column at a
    time), and every problem found in it.

    ``shown`` is the file's name as the user will recognise it in messages; ``sources``
    the story's source ids (quotes must name one of them).  ``data``: the file's bytes,
    already read (a story's include is read by :mod:`mapgen.load`, from the story folder
    without following links); else ``path`` is read, as
    :func:`~mapgen.fsutil.read_regular` reads.
    """
    if data is None:
        try:
            data = read_regular(path, MAX_BYTES)
        except Refused as exc:
            return [], [Problem(f"cannot read: it {exc.reason}", file=shown)]
        except OSError as exc:
            return [], [Problem(f"cannot read: {exc.strerror or exc}", file=shown)]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not UTF-8: byte 0x{data[exc.start]:02x} is not valid here; save it as UTF-8"
        return [], [Problem(message, Pos(shown, line, col))]
    reader = _Rows(shown, defaults, sources)
    bad = _RAW_BAD.search(text)
    if bad is not None:  # as places.yaml refuses them; a line may end in CR LF or CR
        where = _JsonPositions(shown, text).pos(bad.start())
        found = bad_character(bad.group())
        message = found[1] if found else f"character U+{ord(bad.group()):04X} is not allowed"
        return [], [Problem(message, where)]
    if path.suffix.lower() == ".csv":
        reader.csv(text)
    else:
        reader.geojson(text)
    return reader.table or reader.places, reader.problems


#: Characters refused anywhere in a bulk file (see :func:`mapgen.values.bad_character`),
#: but the carriage return that may end its lines.
_RAW_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202d\u202e]")
#: The characters of the plain decimal numbers a lat or lon column may hold, spaces
#: around them included: ``float`` reads more (``1_0``, ``inf``, other scripts' digits).
_ISOLATE_CHARACTERS = re.compile("[\u2066-\u2069]")
_NUMBER_CHARACTERS = frozenset("0123456789+-.eE \t")

# --------------------------------------------------------------------------- one row


def _floats(texts: Sequence[str]) -> list[float | None]:
    return [float(v) if v else None for v in texts]


class _Rows:
    """Turns rows (a mapping of column -> text or value) into places, collecting problems."""

    def __init__(self, shown: str, defaults: Defaults, sources: Mapping[str, Any]):
        self.file = shown
        self.defaults = defaults
        self.sources = sources
        self.stem = id_stem(shown)
        self.places: list[Place] = []
        #: The places of a CSV whose every column checked out at once (:meth:`fast_csv`):
        #: their columns, and a function that makes them.
        self.table: Rows | None = None
        self.problems: list[Problem] = []
        self._ids: dict[str, int] = {}

    def fail(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(message, pos))

    # - CSV -

    def csv(self, text: str) -> None:
        count = _line_count(text)
        if count > MAX_ROWS:  # before splitting: 40 million empty lines took 6 GB
            self.fail(
                Pos(self.file, MAX_ROWS + 1, 1),
                f"too many lines ({count:,}): a CSV file may hold at most {MAX_ROWS:,};"
                " split it into several files",
            )
            return
        lines = text.splitlines(keepends=True)
        if not lines or not lines[0].strip():
            self.fail(Pos(self.file, 1, 1), "no header row: the first line names the columns")
            return
        reader = csv.reader(iter(lines), strict=True)
        try:
            header = next(reader)
        except csv.Error as exc:
            self.fail(Pos(self.file, 1, 1), f"CSV error: {exc}")
            return
        columns = self.header(header, lines[0])
        if columns is None:
            return
        width = len(header)
        first = reader.line_num + 1
        try:
            rows = list(reader)
        except csv.Error as exc:
            self.fail(Pos(self.file, reader.line_num, 1), f"CSV error: {exc}")
            return
        records: list[tuple[int, list[str]]]
        if first + len(rows) == len(lines) + 1:  # a row a line: no cell spans lines
            records = list(zip(range(first, first + len(rows)), rows, strict=True))
        else:  # read again, counting lines
            reader = csv.reader(iter(lines[first - 1 :]), strict=True)
            records = []
            start = first
            for row in reader:
                records.append((start, row))
                start = first + reader.line_num
        # A bidi isolate must be closed in its cell: only the row-by-row reading tells.
        isolates = _ISOLATE_CHARACTERS.search(text) is not None
        if not isolates and self.fast_csv(records, dict(columns), width, lines):
            return
        where = _CsvPositions(self.file, lines)
        for line, row in records:
            if len(row) != width:
                if not any(cell.strip() for cell in row):
                    continue  # a blank line
                self.fail(
                    Pos(self.file, line, 1),
                    f"{len(row)} cells where the header has {width}; quote cells that"
                    ' hold commas ("like, this")',
                )
                continue
            values = {key: row[i] for key, i in columns if row[i]}
            self.row(values, _CsvRow(where, line, row, columns))

    def fast_csv(
        self,
        records: list[tuple[int, list[str]]],
        col: dict[str, int],
        width: int,
        lines: list[str],
    ) -> bool:
        """All the places at once, if every column checks out as a whole (a few passes in C,
        then one tight loop); False, having made nothing, if anything is wrong, for the
        row-by-row reading to say what and where."""
        if set(map(len, map(itemgetter(1), records))) - {width}:
            return False
        if not records:
            return True
        cells = list(zip(*map(itemgetter(1), records), strict=True))
        n = len(records)
        empty = ("",) * n

        def column(key: str) -> tuple[str, ...]:
            return cells[col[key]] if key in col else empty

        names, ids, kinds = column("name"), column("id"), column("kind")
        lats, lons, precisions = column("lat"), column("lon"), column("precision")
        queries, countries, features = column("query"), column("country"), column("feature")
        statuses, notes = column("status"), column("note")
        sources, quotes = column("source"), column("quote")
        defaults = self.defaults
        if "" in map(str.strip, names) or "" in map(str.strip, quotes):
            return False
        kind_set = set(kinds)
        if ("" in kind_set and defaults.kind is None) or kind_set - {""} - _KIND_SET:
            return False
        source_set = set(sources)
        if ("" in source_set and defaults.source is None) or any(
            s not in self.sources for s in source_set - {""}
        ):
            return False
        if set(statuses) - {""} - set(STATUSES) or set(features) - {""} - set(FEATURES):
            return False
        if set(precisions) - {""} - set(PRECISIONS):
            return False
        for texts in (queries, countries, notes):
            if "" in map(str.strip, filter(None, texts)):  # blank, but not empty
                return False
        given = list(filter(None, ids))
        if None in map(_SLUG.match, given) or len(set(given)) != len(given):
            return False
        if not set("".join(lats)).union("".join(lons)) <= _NUMBER_CHARACTERS:
            return False
        try:
            lat_values = list(map(float, lats)) if "" not in lats else _floats(lats)
            lon_values = list(map(float, lons)) if "" not in lons else _floats(lons)
        except ValueError:
            return False
        for values, limit in ((lat_values, 90.0), (lon_values, 180.0)):
            # |v| <= limit (False for NaN): a C loop over the values given
            known = values if None not in values else [v for v in values if v is not None]
            if not all(map(limit.__ge__, map(abs, known))):
                return False  # NaN and infinities too
        for k in range(n) if None in lat_values or None in lon_values else ():
            if (lat_values[k] is None) != (lon_values[k] is None):
                return False
            if precisions[k] and lat_values[k] is None:
                return False
        stem = self.stem
        if any(i.startswith(stem + "-") for i in given):
            generated = {
                f"{stem}-{line}" for (line, _), i in zip(records, ids, strict=True) if not i
            }
            if generated & set(given):
                return False
        file = self.file
        default_kind, default_source, default_status = (
            defaults.kind,
            defaults.source,
            defaults.status,
        )
        where = _CsvPositions(file, lines)
        columns = list(col.items())
        numbers = [line for line, _ in records]
        n = len(numbers)
        table = PlaceColumns.given(
            ids=[i or f"{stem}-{line}" for i, line in zip(ids, numbers, strict=True)],
            names=list(names),
            kinds=[k or default_kind for k in kinds],
            statuses=[s or default_status or model.DEFAULT_STATUS for s in statuses],
            notes=[note or None for note in notes],
            queries=[q or None for q in queries],
            countries=[c or None for c in countries],
            features=[f or None for f in features],
            coords=[
                None if lat is None else (lat, lon)
                for lat, lon in zip(lat_values, lon_values, strict=True)
            ],
            precisions=[
                p or (None if lat is None else "point")
                for p, lat in zip(precisions, lat_values, strict=True)
            ],
            files=[file] * n,
            lines=numbers,
            cols=[1] * n,
            counts=[1] * n,
            quote_sources=[s or default_source for s in sources],
            quote_texts=list(quotes),
            quote_stances=["claims"] * n,
        )

        def make() -> list[Place]:
            """The places as objects, a column at a time (a C loop each, ``map``)."""
            cells = map(_LazyCell, repeat(where), numbers, repeat(columns), repeat("quote"))
            cited = map(Quote, table.quote_sources, table.quote_texts, cells)
            return list(
                map(
                    Place,
                    table.ids,
                    table.names,
                    table.kinds,
                    map(Pos, repeat(file), numbers, repeat(1)),
                    [[quote] for quote in cited],
                    table.queries,
                    table.countries,
                    table.coords,
                    table.precisions,
                    table.notes,
                    table.features,
                    table.statuses,
                )
            )

        self.table = Rows(table, make)
        return True

    def header(self, header: list[str], raw: str) -> list[tuple[str, int]] | None:
        """(field, index) for each column, or None after reporting a bad header."""
        columns: list[tuple[str, int]] = []
        seen: dict[str, int] = {}
        ok = True
        offset = 0
        for index, cell in enumerate(header):
            at = raw.find(cell, offset)
            col = (at if at >= 0 else offset) + 1
            offset = max(offset, at + len(cell)) if at >= 0 else offset
            name = cell.strip().lower()
            key = ALIASES.get(name, name)
            pos = Pos(self.file, 1, col)
            if key not in COLUMNS:
                self.fail(pos, f"unknown column '{cell}'{suggest(name, list(COLUMNS))}")
                ok = False
            elif key in seen:
                self.fail(pos, f"a second '{key}' column (first is column {seen[key] + 1})")
                ok = False
            else:
                seen[key] = index
                columns.append((key, index))
        if ok and "name" not in seen:
            self.fail(Pos(self.file, 1, 1), "no 'name' column: every place needs a name")
            ok = False
        if ok and ("lat" in seen) != ("lon" in seen):
            self.fail(
                Pos(self.file, 1, 1), "a 'lat' column needs a 'lon' column, and the other way"
            )
            ok = False
        return columns if ok else None

    # - GeoJSON -

    def geojson(self, text: str) -> None:
        where = _JsonPositions(self.file, text)
        try:
            members = _pairs(list(_top_members(text)))
        except json.JSONDecodeError as exc:
            self.fail(Pos(self.file, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")
            return
        except RecursionError:  # Python's JSON reader recurses once a level
            offset = _too_deep(text)
            message = f"nesting too deep: more than {MAX_JSON_DEPTH} levels of lists and objects"
            self.fail(where.pos(offset), message)
            return
        except _Unusual:
            found = _unusual(text)
            offset, message = found if found else (0, "a key twice in one object")
            self.fail(where.pos(offset), message)
            return
        except _NotGeoJSON as exc:
            self.fail(where.pos(exc.offset), str(exc))
            return
        except ValueError as exc:  # not a JSONDecodeError: a number too long for Python
            if not str(exc).startswith("Exceeds the limit"):
                raise
            long = _LONG_NUMBER.search(text)
            message = "a number with more than 4,300 digits; no position needs so many"
            self.fail(where.pos(long.start() if long else 0), message)
            return
        kind = members.get("type", (0, None))[1]
        if kind != "FeatureCollection":
            self.fail(
                where.pos(members.get("type", (0, None))[0]),
                f"expected a GeoJSON FeatureCollection, not {kind!r}",
            )
            return
        if "features" not in members or not isinstance(members["features"][1], list):
            self.fail(where.pos(0), "a FeatureCollection needs a list of 'features'")
            return
        for number, (offset, end, feature) in enumerate(members["features"][1], 1):
            self.feature(number, feature, _JsonRow(where, offset, end))

    def feature(self, number: int, feature: Any, at: _JsonRow) -> None:
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            self.fail(at.start(), f"feature {number} is not a GeoJSON Feature")
            return
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            self.fail(at.key("properties"), "properties must be an object")
            return
        values: dict[str, Any] = {}
        ok = True
        for name, value in props.items():
            key = ALIASES.get(name.lower(), name.lower())
            if key in ("lat", "lon"):
                self.fail(at.key(name), f"'{name}': give the position as the Point geometry")
                ok = False
            elif key == "quotes":
                values["quotes"] = value
            elif key not in COLUMNS:
                self.fail(at.key(name), f"unknown property '{name}'{suggest(name, list(COLUMNS))}")
                ok = False
            elif value is not None and value != "":
                values[key] = value
        if "id" in feature and "id" not in values and feature["id"] is not None:
            values["id"] = feature["id"]
        geometry = feature.get("geometry")
        if geometry is not None:
            coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if (
                not isinstance(geometry, dict)
                or geometry.get("type") != "Point"
                or not isinstance(coords, list)
                or len(coords) < 2
            ):
                self.fail(at.key("geometry"), "geometry must be a Point [lon, lat], or null")
                ok = False
            else:
                values["lon"], values["lat"] = coords[0], coords[1]
        if ok:
            self.row(values, at)

    # - a row, whatever file it came from -

    def row(self, values: dict[str, Any], at: _Where) -> None:
        """One place from its fields (text from CSV, JSON values from GeoJSON)."""
        fail = self.fail
        bad = False
        for key, value in values.items():  # a JSON escape (``"\\u001b"``) makes them too
            found = bad_character(value) if isinstance(value, str) else None
            if found is not None:
                fail(at.field(key), f"{key}: {found[1]}")
                bad = True
        name = values.get("name")
        if not isinstance(name, str) or not name.strip():
            fail(at.field("name"), "a place needs a name" if name is None else "name must be text")
            return
        place_id = values.get("id")
        if place_id is None:
            place_id = f"{self.stem}-{at.number}"
        elif not isinstance(place_id, str) or not _SLUG.match(place_id):
            fail(
                at.field("id"),
                f"id {place_id!r} must be a slug: lowercase letters, digits, '-' and '_',"
                " starting with a letter or digit",
            )
            bad = True
        kind = values.get("kind") or self.defaults.kind
        if kind is None:
            fail(at.field("kind"), f"place '{place_id}' has no kind; give a 'kind' or a default")
            bad = True
        elif kind not in PLACE_KINDS:
            fail(at.field("kind"), f"kind: unknown value '{kind}'{suggest(str(kind), _KINDS)}")
            bad = True
        coords = None
        if "lat" in values or "lon" in values:
            coords = self.coords(values, at)
            bad = bad or coords is None
        precision = values.get("precision")
        if precision is not None:
            if precision not in PRECISIONS:
                fail(
                    at.field("precision"),
                    f"precision: unknown value '{precision}'{suggest(str(precision), PRECISIONS)}",
                )
                bad = True
            elif coords is None:
                fail(at.field("precision"), "precision says how sure lat and lon are; give them")
                bad = True
        elif coords is not None:
            precision = "point"
        feature = values.get("feature")
        if feature is not None and feature not in FEATURES:
            fail(
                at.field("feature"),
                f"feature: unknown value '{feature}'{suggest(str(feature), FEATURES)}",
            )
            bad = True
        status = values.get("status") or self.defaults.status
        if status is not None and status not in STATUSES:
            fail(
                at.field("status"),
                f"status: unknown value '{status}'{suggest(str(status), STATUSES)}",
            )
            bad = True
        for key in ("query", "country", "note"):
            value = values.get(key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                fail(at.field(key), f"{key} must be text")
                bad = True
        quotes = self.quotes(values, at)
        if quotes is None:
            bad = True
        first = self._ids.get(place_id)
        if first is not None:
            fail(at.field("id"), f"duplicate id '{place_id}' (first at line {first})")
            bad = True
        else:
            self._ids[place_id] = at.line
        if bad:
            return
        place = Place(
            id=place_id,
            name=name,
            kind=kind,
            pos=at.start(),
            quotes=quotes,
            query=values.get("query"),
            country=values.get("country"),
            coords=coords,
            precision=precision,
            note=values.get("note"),
            feature=feature,
        )
        if status is not None:
            # A claim status (``reported``, ``expected``...): the model's field where it has
            # one; until then the place carries it all the same.
            place.status = status  # type: ignore[attr-defined]
        self.places.append(place)

    def coords(self, values: dict[str, Any], at: _Where) -> tuple[float, float] | None:
        out = []
        for key, limit, noun in (("lat", 90, "latitude"), ("lon", 180, "longitude")):
            raw = values.get(key)
            if raw is None:
                other = "lon" if key == "lat" else "lat"
                self.fail(at.field(other), f"{other} without {key}: give both, or neither")
                return None
            try:
                if isinstance(raw, bool):
                    raise ValueError
                value = float(raw)
            except (TypeError, ValueError):
                self.fail(at.field(key), f"{key} must be a number, not {raw!r}")
                return None
            wrong = number_text_problem(raw) if isinstance(raw, str) else None
            if wrong:  # ``float`` reads ``1_0`` as 10, and ``inf``; a file means decimals
                self.fail(at.field(key), f"{key}: {wrong}")
                return None
            if not math.isfinite(value) or not -limit <= value <= limit:
                swap = ""
                if key == "lat" and _number(values.get("lon")) is not None:
                    swap = (
                        " (are lat and lon swapped?)" if abs(_number(values["lon"])) <= 90 else ""
                    )
                self.fail(at.field(key), f"{noun} {raw} is out of range -{limit}..{limit}{swap}")
                return None
            out.append(value)
        return out[0], out[1]

    def quotes(self, values: dict[str, Any], at: _Where) -> list[Quote] | None:
        items = values.get("quotes")
        if items is not None:
            if "quote" in values:
                self.fail(at.field("quote"), "give 'quote' or 'quotes', not both")
                return None
            if not isinstance(items, list) or not items:
                self.fail(at.field("quotes"), "quotes must be a list of {source, text}")
                return None
            found = []
            for item in items:
                if not isinstance(item, dict) or set(item) - {"source", "text", "stance"}:
                    self.fail(at.field("quotes"), "each quote must be {source, text, stance}")
                    return None
                quote = self.quote(item.get("source"), item.get("text"), at, "quotes")
                if quote is None:
                    return None
                stance = item.get("stance", "claims")
                if stance not in _STANCES:
                    self.fail(
                        at.field("quotes"),
                        f"stance: unknown value {stance!r}; expected claims or denies",
                    )
                    return None
                if stance != "claims":
                    quote = Quote(quote.source, quote.text, quote.pos, stance)  # type: ignore[call-arg]
                found.append(quote)
            return found
        quote = self.quote(values.get("source"), values.get("quote"), at, "quote")
        return None if quote is None else [quote]

    def quote(self, source: Any, words: Any, at: _Where, key: str) -> Quote | None:
        source = source or self.defaults.source
        if words is None or (isinstance(words, str) and not words.strip()):
            self.fail(at.field(key), "a place needs a quote: the words of its source that name it")
            return None
        if not isinstance(words, str):
            self.fail(at.field(key), "a quote must be text")
            return None
        found = bad_character(words)
        if found is not None:
            self.fail(at.field(key), f"{key}: {found[1]}")
            return None
        if source is None:
            self.fail(at.field("source"), "the quote names no source; give a 'source' or a default")
            return None
        if source not in self.sources:
            self.fail(
                at.field("source" if key == "quote" else key),
                f"source: unknown source '{source}'{suggest(str(source), list(self.sources))}",
            )
            return None
        return Quote(source, words, at.field(key))


_KINDS = list(PLACE_KINDS)
_KIND_SET = frozenset(PLACE_KINDS)
_STANCES = tuple(getattr(model, "STANCES", ("claims", "denies")))


def _number(raw: Any) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- positions


class _Where:
    """Where a row is, and where each of its fields is (computed only when asked)."""

    line: int
    number: int

    def start(self) -> Pos:
        raise NotImplementedError

    def field(self, key: str) -> Pos:
        raise NotImplementedError


class _CsvPositions:
    """A CSV file's lines, to find a cell's column when a message needs it."""

    def __init__(self, file: str, lines: list[str]):
        self.file = file
        self.lines = lines


_CELL = re.compile(r'"(?:[^"]|"")*"|[^,\r\n]*')


class _CsvRow(_Where):
    __slots__ = ("columns", "line", "number", "row", "where")

    def __init__(
        self, where: _CsvPositions, line: int, row: list[str], columns: list[tuple[str, int]]
    ):
        self.where = where
        self.line = line
        self.number = line  # a default id: the file's line number
        self.row = row
        self.columns = columns

    def start(self) -> Pos:
        return Pos(self.where.file, self.line, 1)

    def field(self, key: str) -> Pos:
        index = next((i for k, i in self.columns if k == key), None)
        if index is None:
            return self.start()
        lines = self.where.lines
        raw = lines[self.line - 1]
        if '"' not in raw:  # the common case: no quoted cells, no cell spans lines
            return Pos(self.where.file, self.line, sum(len(c) + 1 for c in self.row[:index]) + 1)
        record = raw
        extra = 0
        while record.count('"') % 2 and self.line + extra < len(lines):
            extra += 1
            record += lines[self.line - 1 + extra]
        offset = 0
        for _ in range(index):
            match = _CELL.match(record, offset)
            offset = (match.end() if match else offset) + 1
        line = self.line + record.count("\n", 0, offset)
        col = offset - (record.rfind("\n", 0, offset) + 1) + 1
        return Pos(self.where.file, line, col)


class _LazyCell(Pos):
    """A cell's position, measured when first read: measuring a row with quoted cells
    takes a parse of it, and a quote's position is read only to report a problem (for
    100,000 rows, most of a second saved).  It keeps the file's lines, shared, not the
    row's cells: they are parsed again from the line if a message needs them."""

    def __init__(
        self, where: _CsvPositions, line: int, columns: list[tuple[str, int]], key: str
    ) -> None:  # sets none of Pos's fields
        object.__setattr__(self, "_cell", (where, line, columns, key))

    @functools.cached_property
    def _pos(self) -> Pos:
        where, line, columns, key = self._cell
        row = next(csv.reader(iter(where.lines[line - 1 :]), strict=True))
        return _CsvRow(where, line, row, columns).field(key)

    file = property(lambda self: self._pos.file)  # type: ignore[assignment]
    line = property(lambda self: self._pos.line)  # type: ignore[assignment]
    col = property(lambda self: self._pos.col)  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return self._pos == other

    def __hash__(self) -> int:
        return hash(self._pos)

    def __repr__(self) -> str:
        return repr(self._pos)


class _JsonPositions:
    """Offsets in a JSON text as lines and columns."""

    def __init__(self, file: str, text: str):
        self.file = file
        self.text = text
        self._starts: list[int] | None = None

    def pos(self, offset: int) -> Pos:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._starts, offset)
        return Pos(self.file, line, offset - self._starts[line - 1] + 1)


class _JsonRow(_Where):
    __slots__ = ("end", "offset", "where")

    def __init__(self, where: _JsonPositions, offset: int, end: int):
        self.where = where
        self.offset = offset
        self.end = end

    @property
    def line(self) -> int:  # type: ignore[override]
        return self.start().line

    @property
    def number(self) -> int:  # type: ignore[override]
        return self.start().line

    def start(self) -> Pos:
        return self.where.pos(self.offset)

    def field(self, key: str) -> Pos:
        """The position of the feature's member ``key`` (a property, or ``geometry``)."""
        text = self.where.text
        for name in (key, *[alias for alias, canon in ALIASES.items() if canon == key]):
            match = re.compile(r'"' + re.escape(name) + r'"\s*:', re.I).search(
                text, self.offset, self.end
            )
            if match:
                return self.where.pos(match.start())
        return self.start()

    key = field


# --------------------------------------------------------------------------- JSON members


class _NotGeoJSON(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


class _Unusual(ValueError):
    """Raised while decoding at what Python's JSON reader takes and JSON does not: a key
    twice in one object (the last would win, silently), ``NaN`` or ``Infinity``.  Where
    it is, :func:`_unusual` finds out afterwards."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Unusual
    return found


def _constant(name: str) -> Any:
    raise _Unusual


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant)
#: A JSON string, a structural character, or what Python reads as a number and JSON
#: does not: what :func:`_unusual` needs to follow the objects and their keys.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|-?Infinity|NaN')


def _unusual(text: str) -> tuple[int, str] | None:
    """The first key given twice in one object, or ``NaN`` or ``Infinity``, in ``text``:
    its offset and what to say about it.  One pass over the tokens, nesting kept in a list
    (no recursion, however deep); run only once the decoder has found one."""
    stack: list[tuple[dict[str, int], bool] | None] = []  # an object's keys, or a list
    expect_key = False
    for token in _TOKEN.finditer(text):
        word = token.group()
        first = word[0]
        if first == '"':
            if expect_key and stack and stack[-1] is not None:
                keys = stack[-1][0]
                key = json.loads(word)
                if key in keys:
                    line = text.count("\n", 0, keys[key]) + 1
                    return token.start(), f"duplicate key '{key}' (first at line {line})"
                keys[key] = token.start()
            expect_key = False
        elif first == "{":
            stack.append(({}, True))
            expect_key = True
        elif first == "[":
            stack.append(None)
            expect_key = False
        elif first in "}]":
            if stack:
                stack.pop()
            expect_key = False
        elif first == ",":
            expect_key = bool(stack) and stack[-1] is not None
        elif first == ":":
            expect_key = False
        else:
            return token.start(), f"{word} is not a number in JSON; write a number"
    return None


#: Where Python's JSON reader gives up: past about 1,000 levels it runs out of stack.
MAX_JSON_DEPTH = 500
#: A run of digits too long for Python to read as an int (``sys.int_info``'s limit).
_LONG_NUMBER = re.compile(r"-?\d{4301,}")
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]')


def _too_deep(text: str) -> int:
    """The offset of the first list or object nested deeper than :data:`MAX_JSON_DEPTH`
    (0 if none is: the reader ran out of stack for another reason)."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        first = match.group()[0]
        if first in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return match.start()
        elif first in "]}":
            depth -= 1
    return 0


def _line_count(text: str) -> int:
    """How many lines ``str.splitlines`` would make of ``text``, without making them: one
    count in C per kind of line break (a CR LF is one)."""
    breaks = sum(text.count(c) for c in _LINE_BREAKS) - text.count("\r\n")
    return breaks + (not text.endswith(_LINE_BREAKS) if text else 0)


_LINE_BREAKS = ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


_WS = re.compile(r"[ \t\n\r]*")


def _top_members(text: str) -> Iterator[tuple[str, tuple[int, Any]]]:
    """The top-level object's members as (key, (offset, value)); ``features`` as a list of
    (offset, end, feature) so that each feature's problems can name its line."""
    decode = _DECODER.raw_decode
    at = _WS.match(text, 0).end()
    if text[at : at + 1] != "{":
        json.loads(text)  # a syntax error says where; valid JSON that is not an object:
        raise _NotGeoJSON("expected a GeoJSON FeatureCollection (a JSON object)", at)
    at = _WS.match(text, at + 1).end()
    if text[at : at + 1] == "}":
        return
    while True:
        key, at = decode(text, at)
        if not isinstance(key, str):
            json.loads(text)
        at = _WS.match(text, at).end()
        if text[at : at + 1] != ":":
            json.loads(text)
        at = _WS.match(text, at + 1).end()
        start = at
        if key == "features" and text[at : at + 1] == "[":
            items: list[tuple[int, int, Any]] = []
            at = _WS.match(text, at + 1).end()
            if text[at : at + 1] == "]":
                at += 1
            else:
                while True:
                    begin = at
                    value, at = decode(text, at)
                    items.append((begin, at, value))
                    if len(items) > MAX_ROWS:
                        message = f"too many features: a file may hold at most {MAX_ROWS:,}"
                        raise _NotGeoJSON(message + "; split it into several files", begin)
                    at = _WS.match(text, at).end()
                    if text[at : at + 1] == ",":
                        at = _WS.match(text, at + 1).end()
                        continue
                    if text[at : at + 1] == "]":
                        at += 1
                        break
                    json.loads(text)
                    raise _NotGeoJSON("malformed features list", at)
            yield key, (start, items)
        else:
            value, at = decode(text, at)
            yield key, (start, value)
        at = _WS.match(text, at).end()
        if text[at : at + 1] == ",":
            at = _WS.match(text, at + 1).end()
            continue
        if text[at : at + 1] == "}":
            if text[at + 1 :].strip():
                json.loads(text)
            return
        json.loads(text)
        raise _NotGeoJSON("malformed JSON object", at)

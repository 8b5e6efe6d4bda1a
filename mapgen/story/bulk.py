"""Places in bulk: a CSV or GeoJSON file of places that ``places.yaml`` includes.

A story made of data (every strike in a war, every shipment in a case) does not list its
places by hand.  ``places.yaml`` names the files instead::

    include:
      - strikes.csv                  # a file inside the story folder: .csv, .geojson, .json
      - file: ports.geojson
        kind: port                   # for rows that give no kind
        source: warning              # for rows whose quote names no source
        status: reported             # for rows that give no status

Each row (CSV) or feature (GeoJSON) is one place, with the fields of a place in
``places.yaml`` (``docs/places-yaml.md`` names each one's column): ``name`` is required,
``id`` defaults to ``<file>-<row>``, a position is ``lat`` and ``lon`` (or a GeoJSON
Point), and the quote backing it is ``source`` and ``quote`` (a GeoJSON feature may give
``quotes: [{source, text, stance}]`` instead).

A file is read like an article (inside the story folder, no symlink on the way, a regular
file of at most 100 MB), and holds at most :data:`MAX_ROWS` lines (CSV) or features
(GeoJSON): past them a build would pass its budget of 2 GB.

The columns a file may give, and their other spellings, are the place fields' declared
``columns`` (:data:`mapgen.story.fields.PLACE`); each is checked by its kind's rule
(:mod:`mapgen.story.columns`): a whole column at a time first, and, only if a column
fails, row by row (:mod:`mapgen.story.bulk_rows`) to say what and where.  Every mistake is
reported like a mistake in ``places.yaml``, all at once, each at its ``file:line:col`` (a
GeoJSON feature's problems at the key they are about): 100,000 rows that check out take
a fraction of a second.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from ..core.errors import Problem
from ..core.fsutil import MAX_INPUT_BYTES, NotUtf8, Refused, read_regular, utf8_text
from ..core.values import bad_character
from . import model
from .bulk_geojson import MAX_JSON_DEPTH, read_geojson
from .bulk_positions import CsvPositions, CsvRow, JsonPositions, LazyCell, line_count
from .bulk_rows import RowReader
from .columns import columns_ok, suggest
from .model import Place, PlaceColumns, Pos, Quote

__all__ = ["BULK_SUFFIXES", "MAX_JSON_DEPTH", "MAX_ROWS", "STATUSES", "Defaults", "read_places"]

#: The file types an ``include:`` may name.
BULK_SUFFIXES = (".csv", ".geojson", ".json")
#: Most bytes an included file may hold.
MAX_BYTES = MAX_INPUT_BYTES
#: Most lines of a CSV file, or features of a GeoJSON file: 400,000 places of 250 bytes
#: (a 100 MB file) build in 1.4 GB; more would pass the 2 GB budget.
MAX_ROWS = 400_000
#: Claim statuses a row may carry.
STATUSES: tuple[str, ...] = tuple(model.STATUSES)
_NOT_SLUG = re.compile(r"[^a-z0-9_-]+")


@dataclass(frozen=True)
class Defaults:
    """What an ``include:`` entry gives the rows that leave a field empty."""

    kind: str | None = None
    source: str | None = None
    status: str | None = None


def id_stem(shown: str) -> str:
    """The default ids' prefix: the file's name without its suffix, as a slug."""
    stem = Path(shown).stem.lower()
    return _NOT_SLUG.sub("-", stem).strip("-_") or "place"


class Rows(NamedTuple):
    """The places of a CSV file whose every column checked out at once, kept as columns:
    a build reads only those (see :class:`~mapgen.story.model.PlaceTable`)."""

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
    already read (a story's include is read by :mod:`mapgen.story.load`, from the story folder
    without following links); else ``path`` is read, as
    :func:`~mapgen.core.fsutil.read_regular` reads.
    """
    if data is None:
        try:
            data = read_regular(path, MAX_BYTES)
        except Refused as exc:
            return [], [Problem(f"cannot read: it {exc.reason}", file=shown)]
        except OSError as exc:
            return [], [Problem(f"cannot read: {exc.strerror or exc}", file=shown)]
    try:
        text = utf8_text(data)
    except NotUtf8 as exc:
        message = f"not UTF-8: byte 0x{exc.byte:02x} is not valid here; save it as UTF-8"
        return [], [Problem(message, Pos(shown, exc.line, exc.col))]
    reader = _Rows(shown, defaults, sources, id_stem(shown))
    bad = _RAW_BAD.search(text)
    if bad is not None:  # as places.yaml refuses them; a line may end in CR LF or CR
        where = JsonPositions(shown, text).pos(bad.start())
        found = bad_character(bad.group())
        message = found[1] if found else f"character U+{ord(bad.group()):04X} is not allowed"
        return [], [Problem(message, where)]
    if path.suffix.lower() == ".csv":
        reader.csv(text)
    else:
        read_geojson(reader, text, MAX_ROWS)
    return reader.table or reader.places, reader.problems


#: Characters refused anywhere in a bulk file (see :func:`mapgen.core.values.bad_character`),
#: but the carriage return that may end its lines.
_RAW_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202d\u202e]")
#: Bidi isolates: one must be closed in its cell, which only the row-by-row reading tells.
_ISOLATE_CHARACTERS = re.compile("[\u2066-\u2069]")


class _Rows(RowReader):
    """Turns a file's rows into places, collecting problems: a CSV file's a column at a
    time when every column checks out (:meth:`fast_csv`), else a row at a time."""

    #: The places of a CSV whose every column checked out at once (:meth:`fast_csv`):
    #: their columns, and a function that makes them.
    table: Rows | None = None

    def csv(self, text: str) -> None:
        count = line_count(text)
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
        where = CsvPositions(self.file, lines)
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
            self.row(values, CsvRow(where, line, row, columns))

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

        defaults = self.defaults
        made = columns_ok(self.section, column, self.sources, self.default)
        if made is None:
            return False
        lat_values, lon_values = made["coords"]
        ids, precisions, sources = column("id"), column("precision"), column("source")
        if None in lat_values and any(  # precision says how sure coords are: none, none
            p and p != "region" and lat is None  # (but for a region's name, looked up)
            for p, lat in zip(precisions, lat_values, strict=True)
        ):
            return False
        given = list(filter(None, ids))
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
        where = CsvPositions(file, lines)
        columns = list(col.items())
        numbers = [line for line, _ in records]
        extra = {
            f.key: [cell or None for cell in column(f.columns[0][0])]
            for f in self.extras
            if f.columns[0][0] in col
        }
        table = PlaceColumns.given(
            extra=extra,
            ids=[i or f"{stem}-{line}" for i, line in zip(ids, numbers, strict=True)],
            names=list(column("name")),
            kinds=[k or default_kind for k in column("kind")],
            statuses=[s or default_status or model.DEFAULT_STATUS for s in column("status")],
            notes=[note or None for note in column("note")],
            queries=[q or None for q in column("query")],
            countries=[c or None for c in column("country")],
            features=[f or None for f in column("feature")],
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
            quote_texts=list(column("quote")),
            quote_stances=["claims"] * n,
        )

        def make() -> list[Place]:
            """The places as objects, a column at a time (a C loop each, ``map``)."""
            cells = map(LazyCell, repeat(where), numbers, repeat(columns), repeat("quote"))
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
                    *_extras(extra),
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
        known, aliases = self.columns, self.aliases
        for index, cell in enumerate(header):
            at = raw.find(cell, offset)
            col = (at if at >= 0 else offset) + 1
            offset = max(offset, at + len(cell)) if at >= 0 else offset
            name = cell.strip().lower()
            key = aliases.get(name, name)
            pos = Pos(self.file, 1, col)
            if key not in known:
                self.fail(pos, f"unknown column '{cell}'{suggest(name, list(known))}")
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


def _extras(extra: dict[str, list[Any]]) -> list[list[dict[str, Any]]]:
    """The ``extra`` of each place made from columns, as ``map``'s one more
    argument (none when no such field was given: the places' own default)."""
    if not extra:
        return []
    keys = list(extra)
    rows = zip(*extra.values(), strict=True)
    return [[{k: v for k, v in zip(keys, row, strict=True) if v is not None} for row in rows]]

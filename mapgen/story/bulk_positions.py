"""Where a bulk file's rows and cells are, worked out only when a message needs it.

A row-by-row reading of 100,000 rows must not measure 100,000 columns in case one is
wrong: a row knows its line, and finds a cell's column (or a GeoJSON member's line) when
asked.  A place's quote keeps a :class:`LazyCell`, measured if it is ever reported.
"""

from __future__ import annotations

import bisect
import csv
import functools
import re

from ..core.errors import Pos
from . import fields

__all__ = ["CsvPositions", "CsvRow", "JsonPositions", "JsonRow", "LazyCell", "Where", "line_count"]


class Where:
    """Where a row is, and where each of its fields is (computed only when asked)."""

    line: int
    number: int

    def start(self) -> Pos:
        raise NotImplementedError

    def field(self, key: str) -> Pos:
        raise NotImplementedError


class CsvPositions:
    """A CSV file's lines, to find a cell's column when a message needs it."""

    def __init__(self, file: str, lines: list[str]):
        self.file = file
        self.lines = lines


_CELL = re.compile(r'"(?:[^"]|"")*"|[^,\r\n]*')


class CsvRow(Where):
    __slots__ = ("columns", "line", "number", "row", "where")

    def __init__(
        self, where: CsvPositions, line: int, row: list[str], columns: list[tuple[str, int]]
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


class LazyCell(Pos):
    """A cell's position, measured when first read: measuring a row with quoted cells
    takes a parse of it, and a quote's position is read only to report a problem (for
    100,000 rows, most of a second saved).  It keeps the file's lines, shared, not the
    row's cells: they are parsed again from the line if a message needs them."""

    def __init__(
        self, where: CsvPositions, line: int, columns: list[tuple[str, int]], key: str
    ) -> None:  # sets none of Pos's fields
        object.__setattr__(self, "_cell", (where, line, columns, key))

    @functools.cached_property
    def _pos(self) -> Pos:
        where, line, columns, key = self._cell
        row = next(csv.reader(iter(where.lines[line - 1 :]), strict=True))
        return CsvRow(where, line, row, columns).field(key)

    file = property(lambda self: self._pos.file)  # type: ignore[assignment]
    line = property(lambda self: self._pos.line)  # type: ignore[assignment]
    col = property(lambda self: self._pos.col)  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return self._pos == other

    def __hash__(self) -> int:
        return hash(self._pos)

    def __repr__(self) -> str:
        return repr(self._pos)


class JsonPositions:
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


class JsonRow(Where):
    __slots__ = ("end", "offset", "where")

    def __init__(self, where: JsonPositions, offset: int, end: int):
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
        for name in (
            key,
            *[alias for alias, canon in fields.PLACE.aliases.items() if canon == key],
        ):
            match = re.compile(r'"' + re.escape(name) + r'"\s*:', re.I).search(
                text, self.offset, self.end
            )
            if match:
                return self.where.pos(match.start())
        return self.start()

    key = field


def line_count(text: str) -> int:
    """How many lines ``str.splitlines`` would make of ``text``, without making them: one
    count in C per kind of line break (a CR LF is one)."""
    breaks = sum(text.count(c) for c in _LINE_BREAKS) - text.count("\r\n")
    return breaks + (not text.endswith(_LINE_BREAKS) if text else 0)


_LINE_BREAKS = ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")

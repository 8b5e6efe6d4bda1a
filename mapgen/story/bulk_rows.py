"""The bulk reader's row-by-row pass: one place from one row (a CSV row's cells, a GeoJSON
feature's properties), every problem said at its cell.

It runs only when a CSV file's columns did not all check out at once
(:meth:`mapgen.story.bulk._Rows.fast_csv`), and for every GeoJSON feature: each value is
checked by its field's kind (:func:`mapgen.story.columns.value_problem`), the rules the
column check and the YAML reader use; what is a place's own (a name, an id or one made
from the line, a kind or the include's default, lat and lon, the quote) is read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.errors import Pos, Problem
from ..core.values import bad_character
from . import fields
from .bulk_positions import Where
from .columns import (
    choice_problem,
    coord_value,
    range_problem,
    slug_problem,
    suggest,
    value_problem,
)
from .model import PLACE_KINDS, PRECISIONS, STANCES, Place, Quote

__all__ = ["OWN_RULES", "RowReader"]

#: The place fields read by rules of their own, not by their kind's alone: a default id,
#: a default kind, two columns for coords, precision only with them, a row's one quote.
OWN_RULES = frozenset({"id", "name", "kind", "coords", "precision", "quotes"})
#: The model's own attributes of a place; a declared key without one goes to ``extra``.
_PLACE_ATTRIBUTES = frozenset(Place.__dataclass_fields__) - {"extra"}


class RowReader:
    """Reads rows into :attr:`places`, collecting :attr:`problems`; the place fields, their
    columns and their other spellings are read from :data:`mapgen.story.fields.PLACE`."""

    def __init__(self, shown: str, defaults: Any, sources: Mapping[str, Any], stem: str):
        self.file = shown
        self.defaults = defaults
        self.sources = sources
        self.stem = stem
        self.section = section = fields.PLACE
        self.columns = section.columns
        self.aliases = section.aliases
        #: The fields with one column read by their kind alone, and those with no model
        #: attribute of their own (kept in a place's ``extra``).
        self.plain = [f for f in section.fields if f.columns and f.key not in OWN_RULES]
        self.extras = [f for f in self.plain if f.key not in _PLACE_ATTRIBUTES]
        self.places: list[Place] = []
        self.problems: list[Problem] = []
        self._ids: dict[str, int] = {}

    def fail(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(message, pos))

    def default(self, key: str) -> Any:
        """The include's default for ``key`` (``kind``, ``source``, ``status``), or None."""
        return getattr(self.defaults, key, None)

    def row(self, values: dict[str, Any], at: Where) -> None:
        """One place from its fields (text from CSV, JSON values from GeoJSON)."""
        fail = self.fail
        bad = False
        flagged = set()
        for key, value in values.items():  # a JSON escape (``"\\u001b"``) makes them too
            found = bad_character(value) if isinstance(value, str) else None
            if found is not None:
                fail(at.field(key), f"{key}: {found[1]}")
                flagged.add(key)
                bad = True
        name = values.get("name")
        if not isinstance(name, str) or not name.strip():
            fail(at.field("name"), "a place needs a name" if name is None else "name must be text")
            return
        place_id = values.get("id")
        if place_id is None:
            place_id = f"{self.stem}-{at.number}"
        elif problem := slug_problem("id", place_id):
            fail(at.field("id"), problem)
            bad = True
        kind = values.get("kind") or self.defaults.kind
        if kind is None:
            fail(at.field("kind"), f"place '{place_id}' has no kind; give a 'kind' or a default")
            bad = True
        elif problem := choice_problem("kind", kind, PLACE_KINDS):
            fail(at.field("kind"), problem)
            bad = True
        coords = None
        if "lat" in values or "lon" in values:
            coords = self.coords(values, at)
            bad = bad or coords is None
        precision = values.get("precision")
        if precision is not None:
            if problem := choice_problem("precision", precision, PRECISIONS):
                fail(at.field("precision"), problem)
                bad = True
            elif coords is None and precision != "region":  # region: the name is a region's
                fail(
                    at.field("precision"),
                    "precision says how sure lat and lon are; give them"
                    " (without them, only `region` is allowed: the name is a region's)",
                )
                bad = True
        elif coords is not None:
            precision = "point"
        given: dict[str, Any] = {}
        for f in self.plain:  # every other field an included file may give, by its kind
            value = values.get(f.key)
            if value is None:
                value = getattr(self.defaults, f.key, None)
            if value is None:
                continue
            problem = None if f.key in flagged else value_problem(f, value)
            if problem:
                fail(at.field(f.key), problem)
                bad = True
            given[f.key] = value
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
        own = {key: given.pop(key) for key in list(given) if key in _PLACE_ATTRIBUTES}
        self.places.append(
            Place(
                id=place_id,
                name=name,
                kind=kind,
                pos=at.start(),
                quotes=quotes,
                coords=coords,
                precision=precision,
                **own,
                extra=given,
            )
        )

    def coords(self, values: dict[str, Any], at: Where) -> tuple[float, float] | None:
        out = []
        for key, limit, noun in (("lat", 90, "latitude"), ("lon", 180, "longitude")):
            raw = values.get(key)
            if raw is None:
                other = "lon" if key == "lat" else "lat"
                self.fail(at.field(other), f"{other} without {key}: give both, or neither")
                return None
            value = coord_value(key, raw)
            if isinstance(value, str):
                self.fail(at.field(key), value)
                return None
            lon = coord_value("lon", values.get("lon")) if key == "lat" else None
            other = lon if isinstance(lon, float) else None
            problem = range_problem(noun, raw, value, limit, other)
            if problem:
                self.fail(at.field(key), problem)
                return None
            out.append(value)
        return out[0], out[1]

    def quotes(self, values: dict[str, Any], at: Where) -> list[Quote] | None:
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
                if stance not in STANCES:
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

    def quote(self, source: Any, words: Any, at: Where, key: str) -> Quote | None:
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

"""Where geocoding put each place: a :class:`Location` each, kept as columns
(:class:`LocationColumns`, :class:`LocationTable`) for the steps that read every one of
100,000 places.  Re-exported by :mod:`mapgen.story.model`, beside the places they locate.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter

__all__ = ["Location", "LocationColumns", "LocationTable", "location_columns"]


@dataclass(frozen=True)
class Location:
    """Where a geocoder put a place, how sure it is, and who said so."""

    lat: float
    lon: float
    precision: str
    geocoder: str
    query: str | None = None
    address: str | None = None
    #: What decided the geocoder's choice ("largest of 3 by population"), shown in the popup.
    why: str | None = None
    #: Why the choice is a guess (a close runner-up, or the story's context decided it), for
    #: ``mapgen check`` to list; None when it is clear.
    doubt: str | None = None


@dataclass(frozen=True)
class LocationColumns:
    """Positions as columns, a list per field of :class:`Location`, in place order."""

    lats: list[float]
    lons: list[float]
    precisions: list[str]
    geocoders: list[str]
    queries: list[str | None]
    addresses: list[str | None]
    whys: list[str | None]
    doubts: list[str | None]

    def location(self, k: int) -> Location:
        return Location(
            self.lats[k],
            self.lons[k],
            self.precisions[k],
            self.geocoders[k],
            self.queries[k],
            self.addresses[k],
            self.whys[k],
            self.doubts[k],
        )

    def put(self, k: int, location: Location) -> None:
        """Make position ``k`` that of ``location``."""
        for name, value in zip(_LOCATION_FIELDS, _location_fields(location), strict=True):
            getattr(self, name)[k] = value

    def kept(self, keep: list[bool]) -> LocationColumns:
        """The positions ``keep`` says to keep."""
        return LocationColumns(*(list(compress(getattr(self, n), keep)) for n in _LOCATION_FIELDS))


class LocationTable(MutableMapping[str, Location]):
    """Place id -> :class:`Location`, kept as columns (:class:`LocationColumns`): what
    geocoding gives, with no object made per place unless one is asked for; the steps that
    read every place read the columns (:func:`location_columns`)."""

    def __init__(self, ids: list[str], columns: LocationColumns):
        self._ids = list(ids)
        self._columns = columns
        self._index: dict[str, int] | None = None

    def _at(self) -> dict[str, int]:
        if self._index is None:
            self._index = dict(zip(self._ids, range(len(self._ids)), strict=True))
        return self._index

    def __getitem__(self, place_id: str) -> Location:
        return self._columns.location(self._at()[place_id])

    def __setitem__(self, place_id: str, location: Location) -> None:
        index = self._at()
        if place_id not in index:
            index[place_id] = len(self._ids)
            self._ids.append(place_id)
            for name in _LOCATION_FIELDS:
                getattr(self._columns, name).append(None)
        self._columns.put(index[place_id], location)

    def __delitem__(self, place_id: str) -> None:
        k = self._at().pop(place_id)
        del self._ids[k]
        for name in _LOCATION_FIELDS:
            del getattr(self._columns, name)[k]
        self._index = None

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._at()

    def __repr__(self) -> str:
        return f"LocationTable({dict(self)!r})"

    def copy(self) -> dict[str, Location]:
        """A dict of the positions, as ``dict.copy`` gave when geocoding gave a dict."""
        return dict(self)

    def columns(self, ids: list[str]) -> LocationColumns | None:
        """The columns, if they are those of ``ids`` in that order."""
        return self._columns if self._ids == ids else None


_LOCATION_FIELDS = tuple(LocationColumns.__annotations__)
_LOCATION_ATTRS = ("lat", "lon", "precision", "geocoder", "query", "address", "why", "doubt")
_location_fields = attrgetter(*_LOCATION_ATTRS)


def location_columns(places: Mapping[str, Location], ids: list[str]) -> LocationColumns:
    """The positions of places ``ids`` as columns, however ``places`` holds them."""
    if isinstance(places, LocationTable):
        made = places.columns(ids)
        if made is not None:
            return made
    locations = list(map(places.__getitem__, ids))
    return LocationColumns(*([getattr(loc, attr) for loc in locations] for attr in _LOCATION_ATTRS))

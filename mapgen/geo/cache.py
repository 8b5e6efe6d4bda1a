"""The story's geocode cache as a build holds it: look an answer up, add new ones, save.

``geocode-cache.yaml`` beside ``places.yaml`` keeps every answer a geocoder gave, so that
the next build asks nobody.  :class:`GeocodeCache` is that file in memory: it is saved
atomically and only when it changed, and saving re-reads the file under a lock on its
folder and adds this run's answers to what is there, so two builds at once (a ``mapgen
watch`` and a ``mapgen build``) lose neither's answers.

The file's format and its two readers are :mod:`mapgen.geo.cachefile`; what asks the
cache first, then the gazetteer and the online geocoder, is :mod:`mapgen.geo.resolve`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from ..core.clock import today as clock_today
from ..core.errors import Problem, StoryError
from ..core.fsutil import Refused, atomic_write, folder_lock, read_regular, remove_stale_temps
from ..core.values import without_bad_characters
from ..story.model import Location
from .cachefile import (
    CACHE_NAME,
    DECIMALS,
    ISO_DATE,
    MAX_CACHE_BYTES,
    CacheEntry,
    CacheKey,
    cache_key,
    dump_entries,
    read_entries,
)


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
        entries = read_entries(data, name)
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
        :func:`mapgen.core.clock.system_clock` reads it).

        Recording the answer already there (whatever its date, or the query's case and
        spacing) changes nothing: the entry keeps its first date.
        """
        if isinstance(when, dt.datetime):
            when = when.date()
        date = when if isinstance(when, str) else (when or clock_today()).isoformat()
        if not ISO_DATE.match(date):
            raise ValueError(f"when must be a date or YYYY-MM-DD, not {when!r}")
        hint = (country or "").strip().upper() or None
        entry = CacheEntry(
            query=" ".join(query.split()),
            country=hint,
            feature=(feature or "").strip().lower() or None,
            lat=round(float(location.lat), DECIMALS),
            lon=round(float(location.lon), DECIMALS),
            precision=location.precision,
            geocoder=location.geocoder,
            date=date,
            # An online answer's address, kept in a file read back with the same rules.
            address=without_bad_characters(location.address),
            why=without_bad_characters(location.why),
            doubt=without_bad_characters(location.doubt),
        )
        old = self._entries.get(entry.key)
        if old is not None and replace(old, date=date, query=entry.query) == entry:
            return
        self._entries[entry.key] = entry
        self._added.add(entry.key)
        self.changed = True

    def dumps(self) -> str:
        """The file's text: a header comment, then the entries sorted by key."""
        return dump_entries(self)

    def save(self) -> bool:
        """Write the file if anything changed; return whether it was written.

        Under a lock on the file's folder (:func:`~mapgen.core.fsutil.folder_lock`), the file is
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

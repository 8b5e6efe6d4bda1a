"""Speed behind one seam: everything a build does only to be fast, which the pipeline calls
and nothing else knows of.  Take it away and every build makes the same bytes, slower.

- :func:`gc_paused`: the garbage collector paused while a build runs.
- :func:`verify_beside`: a big story's quotes verified on a second core, by a forked child
  (:func:`start`, :class:`Pending`) that goes on to make most of the articles' JSON and
  the GeoJSON while this process makes the page.  What it hands the page are a plain
  :class:`~collections.abc.Mapping` of spans and an :class:`~collections.abc.Iterable` of
  articles' JSON that wait for the child when first read (:class:`Beside`): the story, the
  quotes, the page and the GeoJSON take them as arguments and never know there was a fork.
- :func:`page_chunks` and :func:`geojson_text`: the files' texts as they are written, the
  page's big texts put in place as they go out, the child's GeoJSON copied by the system.

**The garbage collector.**  A 100,000-place story makes millions of small objects (places,
quotes, positions, the page's rows) and drops few of them before the build ends.  Python's
cyclic garbage collector, run every few hundred allocations, walks ever more of them: more
than half of loading such a story went there.  A build pauses it; nothing a build makes is
a cycle that must be freed before the build is done, and the collector runs again after.
The first collection after the build would still walk every object the build made and
kept (the story, the result): 0.15 s at 100,000 places, to find them all alive.  So the
build ends by freezing what is alive then (:func:`gc.freeze`: out of the collector's
sight, still freed as usual when no longer referred to), and the next build begins by
putting the frozen objects back in the oldest generation, which the collector walks
rarely, so a cycle left from one build is collected in time all the same.

**The second core.**  A big story's build verifies 100,000 quotes and makes large texts
from the same geocoded story: the page, the articles' JSON, the GeoJSON; and Python runs
one thing at a time.  So on a machine with two cores, a child forked once the story is
loaded (or geocoded) finds the quotes and makes most of the articles' JSON and the GeoJSON
while the parent imports folium and makes the page.  The child shares the parent's memory
as it was (the story is not copied or sent).  It writes its results in parts to a scratch
file both processes hold (an anonymous one, in memory where the system allows: memfd), and
the length of each part down a pipe once the part is whole: the parent reads a part only
when it asks for it (:meth:`Pending.part`), or has the system copy it to a file
(:meth:`Pending.stored`).  Writing to a pipe instead would stall the child whenever the
pipe is full and the parent busy, as the parent reads it only between its own steps.  The
parent writes every file itself, under its locks, as it does when it does everything alone.

A fork is used only where it is safe and pays: a system that has it, more than one core,
no other thread running in the process (a thread holding a lock at the fork would leave
the child waiting for it forever; ``mapgen watch --serve`` runs threads and builds without
a fork), and a story of :data:`PARALLEL_FROM` places or more.  A child that fails, for any
reason, makes the parent do the work itself.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import signal
import tempfile
import threading
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain
from typing import TYPE_CHECKING

from ..core.errors import StoryError, by_position
from ..core.fsutil import FileSlice
from ..export import geojson
from ..page.evidence import sources_json
from ..quotes.verify import Span, find_all, quote_keys, quote_problems, refuse_unfair
from ..story.model import GeocodedStory, Story

if TYPE_CHECKING:
    import folium

Key = tuple[str, str]  # a quote: its source's id and its text

#: Stories with at least this many places verify their quotes and make their GeoJSON in a
#: second process, beside the page: at 10,000 places the build takes 0.90x the time it
#: takes alone; at 1,000 and 3,000, the same time.
PARALLEL_FROM = 5_000

#: The share of the articles' text whose JSON the child makes for the page (the page
#: makes the rest): with it, the two processes end about together at 100,000 places.
CHILD_ARTICLES = 0.7

#: How many cores this machine has (None: unknown).  A seam: the tests set it to give two
#: cores, so that the forked path is tested on a machine with one as well (it works there,
#: only without gain).
cpu_count: Callable[[], int | None] = os.cpu_count

_HEAD = 8  # bytes of a part's length, down the pipe


# --------------------------------------------------------------------------- the collector


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector inside (a decorator too); restore it after,
    with what is alive then frozen (see above) until the next pause."""
    enabled = gc.isenabled()
    if enabled:
        gc.unfreeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


# --------------------------------------------------------------------------- the page


class Blocks:
    """The page's big texts (the articles, a big story's places), kept out of it while it
    renders and put back as it is written (:meth:`chunks`).

    The page is rendered by nesting: each element's text is copied into its parent's, and
    the figure's into the page.  Texts of tens of megabytes were copied five or six times
    over (a fifth of a second at 100,000 places, and as many megabytes held at once).
    :meth:`defer`, given to the page as its ``big_text``, leaves a short token in their
    place instead, made of a random number no text can foresee.
    """

    def __init__(self) -> None:
        self._stem = f"\x00mapgen-block-{uuid.uuid4().hex}-"
        self._parts: dict[str, list[str]] = {}

    def defer(self, parts: list[str]) -> str:
        token = f"{self._stem}{len(self._parts)}\x00"
        self._parts[token] = parts
        return token

    def chunks(self, page: str) -> Iterator[str]:
        """The page's text in order, each token replaced by its parts."""
        if not self._parts:
            yield page
            return
        pieces = re.split(f"({re.escape(self._stem)}[0-9]+\x00)", page)
        if sorted(pieces[1::2]) != sorted(self._parts):  # each token once, or it is a bug
            raise RuntimeError("a deferred block of the page was lost or repeated")
        for i, piece in enumerate(pieces):
            if i % 2:
                yield from self._parts[piece]
            elif piece:
                yield piece

    def join(self, page: str) -> str:
        return "".join(self.chunks(page))


def page_chunks(fmap: folium.Map, blocks: Blocks) -> Iterator[str]:
    """The page's text, rendered with its big texts (the articles, a big story's places)
    deferred: ``fmap`` was drawn with ``blocks.defer`` as its ``big_text``, so they are
    written in place, never copied from each element's text into its parent's on the
    way."""
    return blocks.chunks(fmap.get_root().render())


def geojson_text(geo: GeocodedStory, beside: Beside | None) -> str | FileSlice:
    """The GeoJSON: the child's if it made it, to be copied to the file by the system (not
    read in here), else made here (:func:`mapgen.export.geojson.text`)."""
    made = beside.geojson() if beside is not None else None
    return made if made is not None else geojson.text(geo)


# --------------------------------------------------------------------------- the quotes


def worth_forking(story: Story) -> bool:
    """Whether a build of ``story`` verifies its quotes beside the page
    (:func:`verify_beside`): big enough to gain by it, and here and now able to fork."""
    return len(story.places) >= PARALLEL_FROM and can_fork()


class Beside:
    """A big story's quotes being verified on a second core (:func:`verify_beside`), and
    what the child makes after them, handed out as plain containers that wait for it."""

    def __init__(self, story: Story, keys: list[Key], pending: Pending):
        self._story = story
        self._keys = keys
        self._pending = pending
        #: Where each quote stands, for the page: waits for the child when first read
        #: (raising the quotes' problems as verification does, if one is missing).
        self.spans: Mapping[Key, Span] = LateMapping(self.verified)
        #: The JSON of the first articles (:func:`~mapgen.page.evidence.sources_json`) for
        #: the page, which asks for it last; none if the child failed before sending it.
        self.articles: Iterable[str] = LateIterable(self._articles)
        self._found: dict[Key, Span] | None = None

    def verified(self) -> dict[Key, Span]:
        """Every quote's span as the child found it (or as this process finds it, if the
        child failed), once; raise :class:`StoryError` as
        :func:`~mapgen.quotes.verify.verify_quotes` does if a quote is missing."""
        if self._found is None:
            sent = self._pending.part(0)
            found = _spans(sent) if sent is not None else _fair_spans(self._story, self._keys)
            spans = dict(zip(self._keys, found, strict=True))
            if None in found:
                raise StoryError(by_position(quote_problems(self._story, spans)))
            self._found = spans
            self._keys = []  # the spans' keys now: the list let go (1 MB at 100,000 quotes)
        return self._found

    def _articles(self) -> list[str]:
        sent = self._pending.part(1)
        return sent.decode("utf-8").split("\n") if sent else []

    def geojson(self) -> FileSlice | None:
        """Where the child's GeoJSON lies, to be copied to the file by the system (not read
        in here), or None if the child did not make it: ask once the page is written, as
        the child may still be making it."""
        return self._pending.stored(2)

    def cancel(self) -> None:
        """Stop the child if it is still running, and release its scratch file."""
        self._pending.cancel()


def verify_beside(story: Story, geocoded: Callable[[], GeocodedStory]) -> Beside | None:
    """Verify a big story's quotes on a second core, which also makes the page's biggest
    text and the GeoJSON; None if there is no child (the caller verifies alone).

    A forked child finds every quote and sends their spans (part 0), then the JSON of the
    first articles for the page (part 1, about :data:`CHILD_ARTICLES` of their text; the
    page makes the rest), then the GeoJSON of ``geocoded()`` (part 2): the story as
    geocoded before the fork, or geocoded in the child too when geocoding is offline (it
    then gives the same answers in both processes, and the child need not wait for the
    parent's).  The parent goes on at once with what :class:`Beside` hands out.  Whatever
    the child fails to send, the parent makes itself.
    """
    keys = quote_keys(story)  # before the fork: both processes need them
    pending = start(lambda: _child(story, keys, geocoded))
    return Beside(story, keys, pending) if pending is not None else None


def _child(
    story: Story, keys: list[Key], geocoded: Callable[[], GeocodedStory]
) -> Iterator[bytes | Iterator[bytes]]:
    """The forked child's work (:func:`verify_beside`)."""
    found = _fair_spans(story, keys)
    yield _offsets(found)
    if None in found:
        return  # the parent reports what is missing; nothing more is needed
    yield "\n".join(sources_json(story, 0, child_articles(story))).encode("utf-8")
    geo = geocoded()
    # verified: the spans recorded where verification records them (this process's story)
    story.spans = dict(zip(keys, found, strict=True))
    yield geojson.encoded(geo)


def _fair_spans(story: Story, keys: list[Key]) -> list[Span]:
    """:func:`~mapgen.quotes.verify.find_all`, with None for a quote that stands in its
    article only unfairly (:func:`~mapgen.quotes.verify.refuse_unfair`)."""
    found = find_all(story, keys)
    refuse_unfair(keys, found, {s.id: s.text for s in story.sources})
    return found


def child_articles(story: Story) -> int:
    """How many of the first articles hold :data:`CHILD_ARTICLES` of the articles' text."""
    share = sum(len(source.text) for source in story.sources) * CHILD_ARTICLES
    taken = 0
    for count, source in enumerate(story.sources):
        if taken >= share:
            return count
        taken += len(source.text)
    return len(story.sources)


_NOWHERE = (-1, -1)


def _offsets(found: list[Span]) -> bytes:
    """Spans as bytes: two offsets each, -1 for none."""
    return array("q", chain.from_iterable(span or _NOWHERE for span in found)).tobytes()


def _spans(raw: bytes) -> list[Span]:
    offsets = array("q")
    offsets.frombytes(raw)
    pairs = zip(offsets[::2], offsets[1::2], strict=True)
    return [None if pair[0] < 0 else pair for pair in pairs]


class LateMapping(Mapping[Key, Span]):
    """A mapping made by ``fetch()`` the first time it is read (once).

    ``get`` is the made dict's own method, not :class:`Mapping`'s: the page looks up
    100,000 quotes by mapping it, a C loop with the dict's, a Python call each with
    Mapping's."""

    def __init__(self, fetch: Callable[[], dict[Key, Span]]):
        self._fetch = fetch
        self._made: dict[Key, Span] | None = None

    def _dict(self) -> dict[Key, Span]:
        if self._made is None:
            self._made = self._fetch()
        return self._made

    def __getitem__(self, key: Key) -> Span:
        return self._dict()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._dict()

    def __iter__(self) -> Iterator[Key]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    @property  # type: ignore[override]
    def get(self) -> Callable[..., Span]:
        return self._dict().get


class LateIterable(Iterable[str]):
    """Texts made by ``make()`` each time they are iterated, and held by no one here: the
    page copies the articles' JSON as it takes it (a tenth of the build's memory at
    100,000 places, not to be held twice until the build ends)."""

    def __init__(self, make: Callable[[], list[str]]):
        self._make = make

    def __iter__(self) -> Iterator[str]:
        return iter(self._make())


# --------------------------------------------------------------------------- the fork


def can_fork() -> bool:
    """Whether :func:`start` would fork here and now."""
    return hasattr(os, "fork") and (cpu_count() or 1) > 1 and threading.active_count() == 1


def start(make: Callable[[], Iterator[bytes | Iterable[bytes]]]) -> Pending | None:
    """Run ``make()`` in a forked child; None (nothing started) where :func:`can_fork` is
    false.  Each bytes it yields (or each iterable of bytes: written a piece at a time,
    never held whole) is a part the parent can have as soon as it is made
    (:meth:`Pending.part`, :meth:`Pending.stored`)."""
    if not can_fork():
        return None
    store = _scratch()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow it
        status = 1
        try:
            os.close(read_end)
            for part in make():
                length = 0
                for piece in [part] if isinstance(part, bytes) else part:
                    data = memoryview(piece)
                    length += len(data)
                    while data:
                        data = data[os.write(store, data) :]
                os.write(write_end, length.to_bytes(_HEAD, "little"))  # whole: atomic
            status = 0
        except BaseException:  # any failure: the parent does the rest itself
            pass
        finally:
            os._exit(status)  # no clean-up of the parent's state, no atexit, no flush
    os.close(write_end)
    return Pending(pid, read_end, store)


def _scratch() -> int:
    """A file descriptor open on an empty file that has no name: in memory (memfd) where
    the system has that, else in the temporary folder, removed at once."""
    if hasattr(os, "memfd_create"):
        with contextlib.suppress(OSError):
            return os.memfd_create("mapgen-forked", os.MFD_CLOEXEC)
    with tempfile.TemporaryFile() as scratch:
        return os.dup(scratch.fileno())


class Pending:
    """A child's parts on their way: :meth:`part` waits for one."""

    def __init__(self, pid: int, fd: int, store: int):
        self.pid = pid
        self._fd = fd
        self._store = store
        self._lengths: list[int] = []  # of the parts the child has finished, in order
        self._done = False  # the pipe is closed: no more parts will come
        self._status: int | None = None

    def stored(self, index: int) -> FileSlice | None:
        """Where the child's part ``index`` (counted from 0) lies in the scratch file,
        once whole, or None if the child ended without making it (whatever the reason).
        The slice can be copied from (:func:`mapgen.core.fsutil.atomic_write` does, in the
        system, not through this process) until :meth:`cancel`."""
        while len(self._lengths) <= index and not self._done:
            head = self._read(_HEAD)
            if len(head) < _HEAD:
                self._done = True
            else:
                self._lengths.append(int.from_bytes(head, "little"))
        if len(self._lengths) <= index or self._store < 0:
            return None
        return FileSlice(self._store, sum(self._lengths[:index]), self._lengths[index])

    def part(self, index: int) -> bytes | None:
        """The child's part ``index`` (counted from 0) once whole, or None if the child
        ended without making it (whatever the reason)."""
        stored = self.stored(index)
        if stored is None:
            return None
        offset, length = stored.offset, stored.length
        chunks = []
        while length:
            try:
                chunk = os.pread(self._store, length, offset)
            except OSError:  # the scratch file failed: the parent makes the part itself
                return None
            if not chunk:
                return None
            chunks.append(chunk)
            offset += len(chunk)
            length -= len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _read(self, size: int) -> bytes:
        """Up to ``size`` bytes from the pipe, fewer only at its end (or once closed)."""
        got = b""
        with contextlib.suppress(OSError):
            while len(got) < size and (more := os.read(self._fd, size - len(got))):
                got += more
        return got

    def result(self) -> bytes | None:
        """The child's only part, once it has ended well; None if it failed."""
        first = self.part(0)
        extra = self.part(1)
        self._wait()
        self._close()
        return first if self._status == 0 and extra is None else None

    def cancel(self) -> None:
        """Stop the child if it is still running, and release what it held."""
        if self._status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._wait()
        self._close()

    def _close(self) -> None:
        for name in ("_fd", "_store"):
            fd = getattr(self, name)
            if fd >= 0:
                os.close(fd)
                setattr(self, name, -1)
        self._done = True

    def _wait(self) -> None:
        if self._status is None:
            _, status = os.waitpid(self.pid, 0)
            self._status = os.waitstatus_to_exitcode(status)

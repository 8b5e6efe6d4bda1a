"""Work done beside the build on a second core: a forked process that returns bytes.

A big story's build verifies 100,000 quotes and makes large texts from the same geocoded
story: the page, the articles' JSON, the GeoJSON; and Python runs one thing at a time.  So
on a machine with two cores, a child forked once the story is loaded (or geocoded) finds
the quotes and makes most of the articles' JSON and the GeoJSON (:mod:`mapgen.pipeline`)
while the parent imports folium and makes the page.  The child shares the parent's memory
as it was (the story is not copied or sent).  It writes its results in parts to a scratch
file both processes hold (an anonymous one, in memory where the system allows), and the
length of each part down a pipe once the part is whole: the parent reads a part only when
it asks for it (:meth:`Pending.part`), or copies it to a file (:meth:`Pending.stored`).
Writing to a pipe instead would stall the child whenever
the pipe is full and the parent busy, as the parent reads it only between its own steps.
The parent writes every file itself, under its locks, as it does when it does everything
alone.

A fork is used only where it is safe and pays: a system that has it, more than one core,
and no other thread running in the process (a thread holding a lock at the fork would
leave the child waiting for it forever; ``mapgen watch --serve`` runs threads and builds
without a fork).  A child that fails, for any reason, makes the parent do the work itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator

from ..core.fsutil import FileSlice

_HEAD = 8  # bytes of a part's length, down the pipe

#: How many cores this machine has (None: unknown).  A seam: the tests set it to give two
#: cores, so that the forked path is tested on a machine with one as well (it works there,
#: only without gain).
cpu_count: Callable[[], int | None] = os.cpu_count


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
        The slice can be copied from (:func:`mapgen.fsutil.atomic_write` does, in the
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

"""Work done beside the build on a second core: a forked process that returns bytes.

A big story's build verifies 100,000 quotes and makes two large texts from the same
geocoded story, the page and the GeoJSON, and Python runs one thing at a time.  So on a
machine with two cores, a child forked once the story is geocoded finds part of the
quotes and makes the GeoJSON (:mod:`mapgen.pipeline`).  The child shares the parent's
memory as it was (the story is not copied or sent), and writes its results down a pipe in
parts, which a thread of the parent reads while the parent renders the page: the parent
can have each part as soon as it is whole (:meth:`Pending.part`).  What the parent finds
after the fork reaches the child through a :class:`Handover`.  The parent writes every file
itself, under its locks, as it does when it does everything alone.

A fork is used only where it is safe and pays: a system that has it, more than one core,
and no other thread running in the process (a thread holding a lock at the fork would
leave the child waiting for it forever; ``mapgen watch --serve`` runs threads and builds
without a fork).  A child that fails, for any reason, makes the parent do the work itself.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import signal
import threading
from collections.abc import Callable, Iterator


def can_fork() -> bool:
    """Whether :func:`start` would fork here and now."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


def start(make: Callable[[], Iterator[bytes]]) -> Pending | None:
    """Run ``make()`` in a forked child; None (nothing started) where :func:`can_fork` is
    false.  Each bytes it yields is a part the parent can have as soon as it is made
    (:meth:`Pending.part`)."""
    if not can_fork():
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow it
        status = 1
        try:
            os.close(read_end)
            for part in make():
                data = memoryview(len(part).to_bytes(8, "little") + part)
                while data:
                    data = data[os.write(write_end, data) :]
            status = 0
        except BaseException:  # any failure: the parent does the rest itself
            pass
        finally:
            os._exit(status)  # no clean-up of the parent's state, no atexit, no flush
    os.close(write_end)
    return Pending(pid, read_end)


class Pending:
    """A child's parts on their way: :meth:`part` waits for one."""

    def __init__(self, pid: int, fd: int):
        self.pid = pid
        self._fd = fd
        self._parts: list[bytes] = []
        self._done = False  # the pipe is closed: no more parts will come
        self._arrived = threading.Condition()
        self._status: int | None = None
        # Read as the child writes, or the child would wait on a full pipe; the read
        # releases the interpreter while it waits, so the parent's own work goes on.
        self._reader = threading.Thread(target=self._read, name="mapgen-forked", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        chunks: list[bytes] = []
        have = 0  # bytes in chunks
        length: int | None = None  # the length of the part being read, once known
        try:
            with contextlib.suppress(OSError):
                while chunk := os.read(self._fd, 1 << 20):
                    chunks.append(chunk)
                    have += len(chunk)
                    while have >= (need := 8 if length is None else length):
                        data = b"".join(chunks)
                        head, rest = (
                            (data, b"") if len(data) == need else (data[:need], data[need:])
                        )
                        chunks, have = [rest], len(rest)
                        if length is None:
                            length = int.from_bytes(head, "little")
                            continue
                        with self._arrived:
                            self._parts.append(head)
                            self._arrived.notify_all()
                        length = None
        finally:
            with self._arrived:
                self._done = True
                self._arrived.notify_all()

    def part(self, index: int) -> bytes | None:
        """The child's part ``index`` (counted from 0) once whole, or None if the child
        ended without making it (whatever the reason)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self._parts) > index or self._done)
            return self._parts[index] if len(self._parts) > index else None

    def result(self) -> bytes | None:
        """The child's only part, once it has ended well; None if it failed."""
        self._reader.join()
        self._wait()
        self._close()
        return self._parts[0] if self._status == 0 and len(self._parts) == 1 else None

    def cancel(self) -> None:
        """Stop the child if it is still running, and release what it held."""
        if self._status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._wait()
        self._reader.join()
        self._close()

    def _close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _wait(self) -> None:
        if self._status is None:
            _, status = os.waitpid(self.pid, 0)
            self._status = os.waitstatus_to_exitcode(status)


class Handover:
    """Bytes the parent makes after the fork, for the child: made before :func:`start`,
    with room for ``size`` bytes, filled by the parent's :meth:`send` and read by the
    child's :meth:`receive`, which waits for them.

    The bytes go through memory both processes map (so the parent never waits for the
    child to read, as it would on a full pipe), and a byte down a pipe says they are
    there; a parent that ends or fails without sending closes the pipe, and the child's
    :meth:`receive` raises instead of waiting for ever.
    """

    def __init__(self, size: int):
        self.size = size
        self._memory = mmap.mmap(-1, max(size, 1))
        self._read_end, self._write_end = os.pipe()

    def send(self, data: bytes) -> None:
        """In the parent: hand ``data`` (at most ``size`` bytes) over."""
        self._memory[: len(data)] = data
        os.write(self._write_end, len(data).to_bytes(8, "little"))
        self.close()

    def receive(self) -> bytes:
        """In the child: the parent's bytes, once sent."""
        os.close(self._write_end)
        self._write_end = -1
        head = os.read(self._read_end, 8)
        if len(head) != 8:
            raise EOFError("the parent sent nothing")
        return self._memory[: int.from_bytes(head, "little")]

    def close(self) -> None:
        """Release the pipe (the parent, once it sent, or if there is no child)."""
        for end in ("_read_end", "_write_end"):
            fd = getattr(self, end)
            if fd >= 0:
                os.close(fd)
                setattr(self, end, -1)

"""Work done beside the build on a second core: a forked process that returns bytes.

A big story's build makes two large texts from the same geocoded story: the page and the
GeoJSON.  Neither needs the other, and Python runs one at a time, so on a machine with
two cores the GeoJSON is made in a child process forked once the story is ready.  The
child shares the parent's memory as it was (the story is not copied or sent), makes its
bytes and writes them down a pipe, which a thread of the parent reads while the parent
renders the page.  The parent writes every file itself, under its locks, as it does when
it makes both texts alone.

A fork is used only where it is safe and pays: a system that has it, more than one core,
and no other thread running in the process (a thread holding a lock at the fork would
leave the child waiting for it forever; ``mapgen watch --serve`` runs threads and builds
without a fork).  A child that fails, for any reason, makes the parent do the work itself.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable


def can_fork() -> bool:
    """Whether :func:`start` would fork here and now."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


def start(make: Callable[[], bytes]) -> Pending | None:
    """Run ``make()`` in a forked child; None (nothing started) where :func:`can_fork` is
    false."""
    if not can_fork():
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow it
        status = 1
        try:
            os.close(read_end)
            data = memoryview(make())
            while data:
                data = data[os.write(write_end, data) :]
            status = 0
        except BaseException:  # any failure: the parent does the work itself
            pass
        finally:
            os._exit(status)  # no clean-up of the parent's state, no atexit, no flush
    os.close(write_end)
    return Pending(pid, read_end)


class Pending:
    """A child's bytes on their way: :meth:`result` waits for them."""

    def __init__(self, pid: int, fd: int):
        self.pid = pid
        self._fd = fd
        self._chunks: list[bytes] = []
        self._status: int | None = None
        # Read as the child writes, or the child would wait on a full pipe; the read
        # releases the interpreter while it waits, so the parent's own work goes on.
        self._reader = threading.Thread(target=self._read, name="mapgen-forked", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        with contextlib.suppress(OSError):
            while chunk := os.read(self._fd, 1 << 20):
                self._chunks.append(chunk)

    def result(self) -> bytes | None:
        """The child's bytes, or None if it failed (whatever the reason)."""
        self._reader.join()
        self._wait()
        os.close(self._fd)
        self._fd = -1
        return b"".join(self._chunks) if self._status == 0 else None

    def cancel(self) -> None:
        """Stop the child if it is still running, and release what it held."""
        if self._status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._wait()
        self._reader.join()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _wait(self) -> None:
        if self._status is None:
            _, status = os.waitpid(self.pid, 0)
            self._status = os.waitstatus_to_exitcode(status)

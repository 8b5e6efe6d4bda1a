"""Writing files so that a reader only ever sees the old file or the new one, whole.

Every file mapgen writes (the map, the GeoJSON, the geocode cache, the gazetteer index,
the cached assets) goes through :func:`atomic_write`: the bytes go to a temporary file
``.NAME.XXXXXXXX.tmp`` beside the target, are flushed to disk, and only then renamed over
it.  A process killed at any point (even by SIGKILL) leaves the target either as it was or
wholly new.  What SIGKILL can leave is the temporary file itself, since nothing runs to
remove it: :func:`remove_stale_temps` removes such leftovers, and a build calls it for the
files it is about to write while it holds :func:`folder_lock` on their folder, which every
mapgen process writing there holds too, so no temporary file it removes can be in use.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: The characters :func:`tempfile.mkstemp` puts in a name, eight of them.
_TEMP_CHARS = "[a-z0-9_]{8}"


class FileSlice(NamedTuple):
    """``length`` bytes of an open file, from ``offset``: what :func:`atomic_write` copies
    file to file in the system, without reading them into this process."""

    fd: int
    offset: int
    length: int


Data = str | bytes | Iterable[str] | FileSlice


def atomic_write(path: str | os.PathLike[str], data: Data) -> None:
    """Write ``data`` (a :class:`FileSlice`, or, if it is neither str nor bytes, each text
    it gives in turn) to ``path`` atomically.

    The bytes go to a temporary file in the same folder (so the rename cannot cross file
    systems), are flushed to disk, and only then replace ``path``; the folder is then
    flushed too, so the new name survives a power cut.  An error or an interruption
    (Ctrl-C) at any point leaves the previous file as it was and no temporary file behind;
    SIGKILL may leave the temporary file (see :func:`remove_stale_temps`), never a torn
    ``path``.
    """
    atomic_write_all([(path, data)])


def atomic_write_all(files: list[tuple[str | os.PathLike[str], Data | Callable[[], Data]]]) -> None:
    """:func:`atomic_write` of several files, none replaced before all are written: each
    to its temporary file in turn (data given as a function is asked for when its file's
    turn comes, so a file can be written while the next one's data is still being made),
    then all renamed, one after the other.  A failure before the renames leaves every
    file as it was."""
    written: list[tuple[str, Path]] = []  # (temporary file, target); _write_temp removes
    try:  # its own temporary file if it fails
        for path, data in files:
            target = Path(path)
            written.append((_write_temp(target, data() if callable(data) else data), target))
        for tmp, target in written:
            os.replace(tmp, target)
    except BaseException:
        for tmp, _ in written:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    for folder in dict.fromkeys(target.parent for _, target in written):
        _fsync_folder(folder)


def _write_temp(target: Path, data: Data) -> str:
    """``data`` in a new temporary file beside ``target``, flushed to disk, with the
    permissions ``target`` has (or a new file's): its name."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, FileSlice):
                _copy(data, fh.fileno())
            else:
                for chunk in [data] if isinstance(data, (str, bytes)) else data:
                    fh.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
                fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            # Keep the permissions an existing file had; a new one gets the umask's.
            os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        if not target.exists():
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _copy(source: FileSlice, fd: int) -> None:
    """Copy a slice of a file to ``fd``: by ``sendfile`` (from page to page, in the
    system), or, where the system will not, read and written."""
    offset, left = source.offset, source.length
    with contextlib.suppress(OSError, AttributeError):  # no sendfile between these files
        while left:
            sent = os.sendfile(fd, source.fd, offset, left)
            if not sent:
                raise OSError(f"{left} bytes missing from the file copied")
            offset += sent
            left -= sent
    while left:
        chunk = os.pread(source.fd, min(left, 1 << 20), offset)
        if not chunk:
            raise OSError(f"{left} bytes missing from the file copied")
        view = memoryview(chunk)
        while view:
            view = view[os.write(fd, view) :]
        offset += len(chunk)
        left -= len(chunk)


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (the rename) to disk, where the system allows it."""
    if not hasattr(os, "O_DIRECTORY"):  # pragma: no cover - Windows
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def temp_pattern(name: str) -> re.Pattern[str]:
    """The names of :func:`atomic_write`'s temporary files for a target called ``name``."""
    return re.compile(rf"\.{re.escape(name)}\.{_TEMP_CHARS}\.tmp\Z")


def is_temp(name: str) -> bool:
    """Whether ``name`` looks like one of :func:`atomic_write`'s temporary files."""
    return re.fullmatch(rf"\..+\.{_TEMP_CHARS}\.tmp", name) is not None


def remove_stale_temps(*targets: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files :func:`atomic_write` left beside ``targets``; return them.

    Only a process killed while writing leaves one.  Call this only while holding
    :func:`folder_lock` on the targets' folders: every mapgen process writing there holds
    it, so a temporary file found then belongs to no live writer.
    """
    removed: list[Path] = []
    for target in map(Path, targets):
        pattern = temp_pattern(target.name)
        try:
            names = os.listdir(target.parent)
        except OSError:
            continue
        for name in names:
            if pattern.match(name):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target.parent / name)
                    removed.append(target.parent / name)
    return removed


class _Held:
    """One folder's lock in this process: a thread lock, and the OS lock while held."""

    def __init__(self) -> None:
        self.thread_lock = threading.RLock()
        self.depth = 0
        self.fd: int | None = None


_held: dict[str, _Held] = {}
_held_lock = threading.Lock()


@contextlib.contextmanager
def folder_lock(*folders: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive lock on each folder, across processes and threads.

    The lock is the operating system's ``flock`` on the folder itself: it creates no file,
    and the system releases it when the process ends, however it ends (a build killed with
    SIGKILL does not leave the next one waiting).  It is reentrant within a thread, so a
    build holding it may call code that takes it again.  Folders are locked in a fixed
    order, so two builds locking the same folders cannot deadlock.  Where ``flock`` does
    not exist (Windows) or the file system refuses it, only threads of this process are
    kept apart.
    """
    keys = sorted({os.path.realpath(folder) for folder in folders})
    with contextlib.ExitStack() as stack:
        for key in keys:
            stack.enter_context(_lock_one(key))
        yield


@contextlib.contextmanager
def _lock_one(key: str) -> Iterator[None]:
    with _held_lock:
        held = _held.setdefault(key, _Held())
    with held.thread_lock:
        if held.depth == 0 and fcntl is not None:
            held.fd = _flock(key)
        held.depth += 1
        try:
            yield
        finally:
            held.depth -= 1
            if held.depth == 0 and held.fd is not None:
                fd, held.fd = held.fd, None
                with contextlib.suppress(OSError):
                    fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)


def _flock(folder: str) -> int | None:
    """An open descriptor of ``folder`` holding ``flock``, or None where the file system
    cannot lock a folder (some network file systems): the write is then made unlocked,
    atomic all the same."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        os.close(fd)
        return None
    except BaseException:  # Ctrl-C while waiting for the lock
        os.close(fd)
        raise
    return fd

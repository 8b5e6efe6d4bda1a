"""Writing files so that a reader only ever sees the old file or the new one, whole.

Every file mapgen writes (the map, the GeoJSON, the geocode cache, the gazetteer index,
the cached assets) goes through :func:`atomic_write`: the bytes go to a temporary file
``.NAME.XXXXXXXX.tmp`` beside the target, are flushed to disk, and only then renamed over
it.  A process killed at any point (even by SIGKILL) leaves the target either as it was or
wholly new.  What SIGKILL can leave is the temporary file itself, since nothing runs to
remove it: :func:`remove_stale_temps` removes such leftovers, and a build calls it for the
files it is about to write while it holds :func:`folder_lock` on their folder, which every
mapgen process writing there holds too, so no temporary file it removes can be in use.

Every file mapgen reads from a story folder (``places.yaml``, the articles, the included
CSV and GeoJSON files, the geocode cache) goes through :func:`read_inside` or
:func:`read_regular`: opened once, without following a symlink on the way, checked on the
open handle to be a regular file of bounded size, and read from that same handle.  A
story folder is untrusted (people clone each other's), and a check made on a name, then a
read of the name, can be raced: a file swapped for a symlink in between reads whatever the
link points to.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: Most bytes any one input may hold, unless the caller says otherwise: what the budget
#: (any input up to 100 MB read, or refused, within 60 s and 2 GB) allows for the largest.
MAX_INPUT_BYTES = 100 * 1000 * 1000

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class Refused(Exception):
    """A file mapgen will not read, and why, as the end of a sentence naming it ("is a
    symlink", "is a FIFO, not a regular file", "is larger than 100 MB")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NotUtf8(ValueError):
    """Bytes that are not UTF-8: where the first bad byte is (line and column from 1)."""

    def __init__(self, line: int, col: int, byte: int):
        super().__init__(f"not UTF-8 at {line}:{col}")
        self.line, self.col, self.byte = line, col, byte


def utf8_text(data: bytes, *, keep_bom: bool = False) -> str:
    """``data`` as text: UTF-8, a byte-order mark dropped (spreadsheets and editors on
    Windows write one) unless ``keep_bom`` (offsets into the text as a program reads it),
    newlines unchanged.

    :raises NotUtf8: where the first byte that is not UTF-8 stands, for a file:line:col.
    """
    if not keep_bom and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise NotUtf8(line, col, data[exc.start]) from None


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of the regular file ``path``, read through one open handle.

    The last component is opened without following a symlink (``O_NOFOLLOW``), and
    without blocking (``O_NONBLOCK``: opening a FIFO would otherwise wait for a writer
    forever); the handle is then checked (``fstat``) to be a regular file of at most
    ``limit`` bytes (default :data:`MAX_INPUT_BYTES`), and at most ``limit`` + 1 bytes
    are read from it, so a file that grows meanwhile is refused, not read without end.
    Raises :class:`Refused` for a symlink, anything but a regular file, or too many bytes;
    ``OSError`` (``FileNotFoundError``...) as the system reports it.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP and os.path.islink(path):
            raise Refused("is a symlink") from None
        raise
    return read_open(fd, limit)


def read_inside(
    root: str | os.PathLike[str], parts: list[str] | tuple[str, ...], limit: int | None = None
) -> bytes:
    """The bytes of the regular file ``root/parts[0]/.../parts[-1]``, with no symlink on
    the way: :func:`read_regular`'s guarantees for every component below ``root``.

    Each folder is opened from the one above it (``dir_fd``) with ``O_NOFOLLOW``, so
    swapping a folder for a link to ``/etc`` meanwhile gets a refusal, not ``/etc``'s
    files.  ``root`` itself is the user's to choose and is followed.  Raises
    :class:`Refused` naming the symlink met ("goes through the symlink 'articles'", "is a
    symlink"), ``OSError`` as the system reports it.
    """
    return read_open(open_inside(root, parts), limit)


def open_inside(root: str | os.PathLike[str], parts: list[str] | tuple[str, ...]) -> int:
    """:func:`read_inside`'s open handle, not yet checked nor read: for a caller that
    tells files by the handle's identity (``fstat``) before reading, then reads it with
    :func:`read_open`, which checks it (or closes it unread)."""
    if not parts or any(part in ("", ".", "..") or "/" in part for part in parts):
        raise ValueError(f"not a path inside a folder: {parts!r}")
    folder = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for part in parts[:-1]:
            try:
                below = os.open(
                    part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=folder
                )
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR) and _is_link(part, folder):
                    raise Refused(f"goes through the symlink '{part}'") from None
                if exc.errno == errno.ENOTDIR:
                    raise Refused(f"goes through '{part}', which is not a folder") from None
                raise
            os.close(folder)
            folder = below
        last = parts[-1]
        # Told before any open: a link is never followed, and opening a device or a FIFO
        # can do things of its own.  read_open checks the handle again (a swap between).
        mode = os.stat(last, dir_fd=folder, follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            raise Refused("is a symlink")
        if not stat.S_ISREG(mode):
            raise Refused(f"is not a regular file but {_kind(mode)}")
        try:
            fd = os.open(last, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=folder)
        except OSError as exc:
            if exc.errno == errno.ELOOP and _is_link(last, folder):
                raise Refused("is a symlink") from None
            raise
    finally:
        os.close(folder)
    return fd


def _is_link(name: str, folder: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return False


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    """What a file that is not a regular one is: "a FIFO", "a folder"..."""
    return next((name for test, name in _KINDS if test(mode)), "special")


def read_open(fd: int, limit: int | None = None) -> bytes:
    """Check the open ``fd`` (closed here, whatever happens) and read it, bounded."""
    limit = MAX_INPUT_BYTES if limit is None else limit
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"is not a regular file but {_kind(info.st_mode)}")
        if info.st_size > limit:
            raise Refused(f"is larger than {size_text(limit)} ({size_text(info.st_size)})")
        if _NONBLOCK and hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        left = limit + 1  # one byte more than allowed tells a file that grew meanwhile
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise Refused(f"is larger than {size_text(limit)}")
        return b"".join(chunks) if len(chunks) != 1 else chunks[0]
    finally:
        os.close(fd)


def size_text(count: int) -> str:
    """A byte count as people read it: ``100 MB``, ``3.5 kB``, ``12 bytes``."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count} bytes"


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
        try:  # the target itself, never what a symlink there points to (the rename
            # replaces the link, not its target, and the target's mode is none of ours)
            old = os.stat(target, follow_symlinks=False)
        except OSError:
            old = None
        if old is not None and stat.S_ISREG(old.st_mode):
            # Keep the permissions an existing file had; a new one gets the umask's.
            with contextlib.suppress(OSError):
                os.chmod(tmp, old.st_mode & 0o7777)
        else:
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

    Only a regular file (or a symlink: ``unlink`` removes the link, never what it points
    to) is removed.  Anything else named like one (a folder a story happens to hold, a
    FIFO) is no leftover of ours; it is left alone, and never stops the build.
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
                path = target.parent / name
                try:
                    mode = os.lstat(path).st_mode
                    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
                        continue
                    os.unlink(path)
                except OSError:  # gone meanwhile, or not ours to remove: left alone
                    continue
                removed.append(path)
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

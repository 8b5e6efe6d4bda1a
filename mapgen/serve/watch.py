"""The loop of ``mapgen watch``: rebuild the map whenever the story changes, and serve it
if asked.

The loop, like ``mkdocs serve``'s, reuses the build and survives a failed rebuild: a
mistake prints its ``places.yaml:LINE:COL: message`` lines and leaves ``output/`` as it was
(the last good map), and the next save tries again.

What is watched: the folder of ``places.yaml`` (not its sub-folders) for ``places.yaml``
itself and the geocode cache, and each folder holding an article or a CSV or GeoJSON file
of places that the story names (and ``seeds/``), for its files.  Changes are gathered
until they settle (:data:`STEP_MS` without a new one), so a burst of saves makes one
rebuild.  mapgen's own writes do not trigger a rebuild: ``output/`` is not watched,
temporary files are ignored, and the geocode cache counts only when it differs from the
one the build holds in memory (another build's or a person's change, not this build's own
save).

Folders are watched one level deep with ``watchfiles`` (inotify, FSEvents, ...): a story
kept at the root of a project does not have its ``.venv`` or ``.git`` watched.

No save is lost between a build and the watching: ``Watching ...`` is printed only once
the system watches the folders, and each rebuild first notes what the watched folders
hold (:func:`listing`), so a save made before the watching began (during the
first build, or while the folders to watch change) is found by comparing, and rebuilt.

This is library code (:class:`Watcher`, :func:`watch`), below the command line: the
``mapgen watch`` command (:mod:`mapgen.cli.watch`) only reads its flags and calls
:func:`watch`, and a script or a test can run the same loop without click.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import time
import traceback
import warnings
import webbrowser
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import watchfiles

from ..core import terminal
from ..core.clock import Clock, wall_clock
from ..core.errors import MapgenError, StoryError
from ..core.fsutil import is_temp
from ..core.terminal import one_line
from ..geo.online import Request
from ..pipeline.builder import Builder, BuildResult
from ..pipeline.options import BuildOptions
from .livereload import LiveServer, LiveState

#: Milliseconds without a new change after which a burst of changes is taken as settled.
STEP_MS = 50
#: The longest a rebuild waits for changes to settle, in milliseconds.
DEBOUNCE_MS = 1600
#: How far behind the clock a file's change time may be, in nanoseconds: file systems
#: stamp from a coarse clock, some to the second (a change this long before a rebuild
#: began may be taken for one after it: one rebuild too many, never one too few).
STAMP_NS = 2_000_000_000
#: The folder beside places.yaml where stories keep their articles.
SEEDS = "seeds"

# Editors' backup, swap and lock files (as watchfiles' default filter has them), and Vim's
# probe file "4913".
_JUNK = re.compile(r"\.py[cod]$|\.___jb_...___$|\.sw.$|~$|^\.#|^\.DS_Store$|^flycheck_|^4913$")

Echo = Callable[[str, bool], None]


def _echo(line: str, err: bool) -> None:
    terminal.echo(line, err=err)


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    return str(path)


class Watcher:
    """Rebuilds with a :class:`~mapgen.pipeline.Builder` when the story's files change.

    :param state: told of every rebuild, for the served pages (a new one by default).
    :param echo: prints one line, to stderr when its second argument is true.
    :param clock: the time of day printed beside each rebuild (default: the wall clock,
        even where ``SOURCE_DATE_EPOCH`` pins the builder's date stamps).
    """

    def __init__(
        self,
        builder: Builder,
        *,
        state: LiveState | None = None,
        echo: Echo = _echo,
        step_ms: int = STEP_MS,
        debounce_ms: int = DEBOUNCE_MS,
        clock: Clock = wall_clock,
    ):
        self.builder = builder
        self.clock = clock
        self.state = state if state is not None else LiveState()
        self.echo = echo
        self.step_ms = step_ms
        self.debounce_ms = debounce_ms
        #: How many rebuilds have finished, and how many of them failed.
        self.rebuilds = 0
        self.failures = 0
        #: Whether a rebuild is under way.
        self.building = False
        #: The folders being watched (empty until the loop starts).
        self.watching: list[Path] = []
        #: Set once the system watches them: a save from then on is rebuilt.
        self.started = threading.Event()
        #: What each watched folder held when the last rebuild began (or, for a folder
        #: first watched after it, when its watching began, less what changed since the
        #: rebuild began), and when that was (the system's clock, as files are stamped).
        self._before: dict[Path, Listing] = {}
        self._began_ns = 0
        self._warned: set[str] = set()

    # ----------------------------------------------------------------- one rebuild

    def rebuild(self) -> bool:
        """Build once: on success tell the pages to reload, else print and show the error."""
        self.building = True
        try:
            # The system's own clock, not the builder's (a seam tests set, and that
            # SOURCE_DATE_EPOCH pins): it is compared with the times the system stamps
            # on files, and says nothing about the map.
            self._began_ns = time.time_ns()
            self._before = {folder: listing(folder) for folder in self.watched_folders()}
            return self._rebuild()
        finally:
            self.rebuilds += 1
            self.building = False

    def _rebuild(self) -> bool:
        start = time.perf_counter()
        html = _shown(self.builder.html_path)
        try:
            result = self._build()
        except StoryError as exc:
            lines = [str(problem) for problem in exc.problems]
            if len(lines) > 1:
                lines.append(f"{len(lines)} problems; {html} is still the last good map.")
            return self._failed(lines)
        except MapgenError as exc:  # one line, as mapgen build prints it
            return self._failed([one_line(str(exc))])
        except Exception as exc:  # a bug: say so, keep watching (the next save may work)
            self.echo(traceback.format_exc().rstrip(), True)
            reason = one_line(f"{type(exc).__name__}: {exc}")
            return self._failed([f"mapgen failed unexpectedly: {reason}"])
        elapsed = (time.perf_counter() - start) * 1000
        story = result.story.story
        self.echo(
            f"{_now(self.clock)} rebuilt {html} ({len(story.places)} places, {len(story.routes)} routes,"
            f" {len(story.areas)} areas) in {elapsed:.0f} ms",
            False,
        )
        self.state.built()
        return True

    def _build(self) -> BuildResult:
        """Build, printing each distinct warning (Leaflet linked from the CDN...) once."""
        with warnings.catch_warnings(record=True) as recorded:
            warnings.simplefilter("always", UserWarning)
            try:
                return self.builder.build()
            finally:
                for warning in recorded:
                    message = str(warning.message)
                    if issubclass(warning.category, UserWarning) and message not in self._warned:
                        self._warned.add(message)
                        self.echo(f"warning: {one_line(message)}", True)

    def _failed(self, lines: list[str]) -> bool:
        self.failures += 1
        for line in lines:
            self.echo(line, True)
        self.state.failed("\n".join(lines))
        return False

    # ----------------------------------------------------------------- what to watch

    def watched_folders(self) -> list[Path]:
        """The story folder, ``seeds/``, and each folder holding an input, that exist."""
        root = self.builder.root
        folders = {root, root / SEEDS, *(path.parent for path in self.builder.inputs())}
        return sorted({folder.resolve() for folder in folders if folder.is_dir()})

    def relevant(self, change: watchfiles.Change, path: str) -> bool:
        """Whether a change to ``path`` calls for a rebuild."""
        del change
        file = Path(path)
        name = file.name
        if is_temp(name) or _JUNK.search(name):
            return False
        builder = self.builder
        if file in {builder.html_path.resolve(), builder.geojson_path.resolve()}:
            return False
        if file == builder.cache_path:
            return builder.cache_changed()
        if file == builder.story_file.resolve():
            return True
        inputs = {path.resolve() for path in builder.inputs()}
        if file in inputs:
            return True
        if file.parent != builder.root:
            return True  # a file in an articles folder: a new article the story may name
        # In the story folder, only a folder that inputs live in (it may just have been
        # made: watching it starts after the rebuild).
        tops = {SEEDS}
        for path in inputs:
            with contextlib.suppress(ValueError):
                tops.add(path.relative_to(builder.root).parts[0])
        return name in tops

    def missed(self) -> bool:
        """Whether a file that calls for a rebuild changed since the last rebuild began: a
        save made while nothing watched (the watching of a folder begins only after the
        first build, and begins again when the folders to watch change)."""
        for folder, before in self._before.items():
            now = listing(folder)
            for name in sorted(before.keys() | now.keys()):
                if before.get(name) != now.get(name) and self.relevant(
                    watchfiles.Change.modified, str(folder / name)
                ):
                    return True
        return False

    # ----------------------------------------------------------------- the loop

    def run(self, stop: threading.Event | None = None) -> None:
        """Build, then rebuild on every change until ``stop`` is set (or Ctrl-C)."""
        self.rebuild()
        self.loop(stop)

    def loop(
        self, stop: threading.Event | None = None, started: Callable[[], None] | None = None
    ) -> None:
        """Rebuild on every change until ``stop`` is set; call ``started`` once the system
        watches the folders (a save from then on is seen), the first time only."""
        stop = stop if stop is not None else threading.Event()
        while not stop.is_set():
            folders = self.watched_folders()
            if not folders:  # the story folder itself is gone; wait for it
                stop.wait(self.step_ms / 1000)
                continue
            self.watching = folders
            for folder in folders:  # a folder not watched when the last rebuild began
                if folder not in self._before:
                    self._before[folder] = listing(folder, before_ns=self._began_ns - STAMP_NS)
            caught_up = False
            try:
                for changes in watchfiles.watch(
                    *folders,
                    watch_filter=self.relevant,
                    debounce=self.debounce_ms,
                    step=self.step_ms,
                    stop_event=_Watching(stop, partial(self._started, started)),
                    recursive=False,
                    rust_timeout=1000,
                    yield_on_timeout=True,
                    ignore_permission_denied=True,
                ):
                    # The first second without a change: catch up with what was missed.
                    missed = not changes and not caught_up and self.missed()
                    caught_up = True
                    if not changes and not missed:
                        continue
                    self.rebuild()
                    if self.watched_folders() != folders:
                        break  # an articles folder appeared or went: watch the new set
            except FileNotFoundError:  # a watched folder went away as watching started
                stop.wait(self.step_ms / 1000)

    def _started(self, started: Callable[[], None] | None) -> None:
        if not self.started.is_set():
            self.started.set()
            if started is not None:
                started()


#: A folder's files by name: inode, size and times, which a save changes.
Listing = dict[str, tuple[int, int, int, int]]


def listing(folder: Path, before_ns: int | None = None) -> Listing:
    """The files of ``folder`` (not of its sub-folders), as a save would change them; if
    ``before_ns`` is given, only those last changed before then (so that, compared with
    the folder later, the others show as changed)."""
    files: Listing = {}
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                st = entry.stat()
                if before_ns is None or st.st_ctime_ns < before_ns:
                    files[entry.name] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return files


class _Watching:
    """The loop's stop event as ``watchfiles`` asks it, which it does only once the system
    watches the folders: the first time it is asked, watching has begun."""

    def __init__(self, stop: threading.Event, started: Callable[[], None]):
        self._stop = stop
        self._started: Callable[[], None] | None = started

    def is_set(self) -> bool:
        if self._started is not None:
            started, self._started = self._started, None
            started()
        return self._stop.is_set()


def _now(clock: Clock) -> str:
    """The time of day printed beside a rebuild, as the watcher's clock reads it."""
    return clock().strftime("%H:%M:%S")


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C (or SIGTERM) sets ``stop``: a rebuild under way finishes, then the loop ends.
    A second Ctrl-C interrupts at once (an interrupted write still leaves no temporary
    file)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def watch(
    path: str | os.PathLike[str] = ".",
    output: str | os.PathLike[str] | None = None,
    *,
    serve: bool = False,
    port: int = 8000,
    open_browser: bool = False,
    echo: Echo = _echo,
    stop: threading.Event | None = None,
    options: BuildOptions | None = None,
    request: Request | None = None,
    **keywords: Any,
) -> int:
    """``mapgen watch``: build, serve if asked, rebuild on changes until Ctrl-C.

    ``options`` and ``keywords`` are every build's (:class:`~mapgen.options.BuildOptions`:
    ``cdn``, ``geocoder``, ``offline``...); ``request`` collects what came of geocoding
    (see :class:`~mapgen.pipeline.Builder`).

    Returns the exit status: 0 after Ctrl-C, 1 if the port cannot be had, 2 if there is
    no story folder to watch.
    """
    given = Path(path)
    if not given.exists() and not (given.suffix in (".yaml", ".yml") and given.parent.is_dir()):
        echo(f"{given}: no such folder to watch", True)
        return 2
    builder = Builder(given, output, options=options, request=request, **keywords)
    stop = stop if stop is not None else threading.Event()
    watcher = Watcher(builder, echo=echo)
    server: LiveServer | None = None
    with _stop_on_signals(stop):
        try:
            watcher.rebuild()
            if serve and not stop.is_set():
                try:
                    server = LiveServer(
                        builder.output, watcher.state, port, story_output=builder.own_output
                    ).start()
                except OSError as exc:
                    reason = exc.strerror or str(exc)
                    echo(f"cannot serve on 127.0.0.1:{port}: {reason}; try another --port", True)
                    return 1
                echo(f"Serving {_shown(builder.html_path)} at {server.url}", False)
                if open_browser:
                    threading.Thread(
                        target=webbrowser.open, args=(server.url,), daemon=True
                    ).start()

            def started() -> None:
                shown = ", ".join(_shown(f) or "." for f in watcher.watching)
                echo(f"Watching {shown} for changes; Ctrl-C to stop.", False)

            watcher.loop(stop, started)
        except KeyboardInterrupt:
            pass
        finally:
            if server is not None:
                server.stop()
    echo("Stopped.", False)
    return 0

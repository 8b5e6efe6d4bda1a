"""What mapgen says while it works: one progress reporter for anything that can take a while.

A first run on a new machine expands the gazetteer's index; ``mapgen extract`` may read a
hundred articles; a story of 100,000 places takes seconds to build; an online geocoder is
asked one place a second.  Silence for that long reads as a hang, so such work reports
through a :class:`Progress`, which the command line makes and hands down as the
``progress=`` keyword of the library function it calls (``mapgen.build(..., progress=p)``,
sqlite-utils style).  The library's default is ``None``: a program using mapgen as a
library prints nothing it did not ask for, and ``--quiet`` gives ``None`` too.

What is shown, and why:

* on a terminal, one live line redrawn in place (``\\r``, at most every :data:`INTERVAL`),
  cut to the terminal's width so that it never wraps, and finished with the time taken;
  nothing for work done within :data:`DELAY` (a second), so a fast command stays as quiet
  as before;
* anywhere else (a log, CI, a pipe, a script reading stderr), plain lines, and only for
  work *announced* as long by what it is, never by how long it happened to take: the
  first run's expansion of the gazetteer, online geocoding, reading many articles, a big
  story's build.  One line when it starts, one when it ends; no carriage returns.  So what
  a script sees on stderr never depends on the machine's speed or load: a failed build
  is still one line per problem, however slow the machine.  (Announced work shows at once
  on a terminal too.)
* work that fails adds no line of its own: the error that follows says what happened.

Always on stderr, so ``mapgen extract > places.yaml`` stays clean.  Labels and notes can
hold a story's text (an article's name), so each goes through
:func:`mapgen.core.terminal.one_line`; the only control sequences written are this module's
own ``\\r`` and erase-line.  The clock is a parameter, so tests drive it by hand.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

from .terminal import one_line

#: Work that ends within this many seconds is never shown.
DELAY = 1.0
#: A live line is redrawn at most this often (seconds).
INTERVAL = 0.1
#: The clock a :class:`Progress` reads when given none: the seam a test of the command line,
#: which makes its own Progress, sets to a fake one.
CLOCK: Callable[[], float] = time.monotonic
_ERASE = "\x1b[K"  # erase to the end of the line


class Progress:
    """Where and how progress is shown: ``stream`` (stderr by default), live or plain.

    :param live: redraw one line in place; default: whether ``stream`` is a terminal.
    :param clock: seconds, monotonic (default :data:`CLOCK`; tests give a fake one).
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        live: bool | None = None,
        clock: Callable[[], float] | None = None,
        delay: float = DELAY,
        interval: float = INTERVAL,
        width: int | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if live is None:
            isatty = getattr(self.stream, "isatty", None)
            live = bool(isatty and isatty())
        self.live = live
        self.clock = clock if clock is not None else CLOCK
        self.delay = delay
        self.interval = interval
        self.width = width
        #: A big build forks a second process (:mod:`mapgen.pipeline.speed`), which may
        #: geocode too: only the process that made this Progress writes, one line at a time.
        self.pid = os.getpid()

    def task(
        self, label: str, total: int | None = None, unit: str = "", *, announce: bool = False
    ) -> Task:
        """A piece of work to report, used as a context manager; ``total`` (if known) makes
        the line show ``done/total``; ``unit`` names what is counted; ``announce``: long by
        what it is, so shown at once, and in plain lines too (see the module docstring)."""
        return Task(self, label, total, unit, announce)

    def _columns(self) -> int:
        if self.width is not None:
            return self.width
        return shutil.get_terminal_size((80, 24)).columns

    def _write(self, text: str) -> None:
        if os.getpid() != self.pid:
            return
        self.stream.write(text)
        self.stream.flush()


class Task:
    """One piece of work: :meth:`advance` it, name its :meth:`stage`; leaving the ``with``
    block finishes its line (only if one was shown)."""

    def __init__(
        self,
        progress: Progress | None,
        label: str,
        total: int | None,
        unit: str,
        announce: bool = False,
    ):
        self.progress = progress
        #: Long by what it is: shown at once, and where stderr is no terminal too.  May be
        #: set once the work is known to be long (a big story, once loaded).
        self.announce = announce
        self.label = one_line(label)
        self.total = total
        self.unit = unit
        self.done = 0
        self.note = ""
        self.shown = False
        self._start = progress.clock() if progress is not None else 0.0
        self._drawn_at: float | None = None

    def __enter__(self) -> Task:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.finish(failed=kind is not None)

    def advance(self, count: int = 1, note: str | None = None) -> None:
        """``count`` more units done; ``note`` (say, the article being read) is shown after
        the count."""
        self.done += count
        if note is not None:
            self.note = one_line(note)
        self._tick()

    def count(self, done: int, total: int, note: str = "") -> None:
        """``done`` of ``total``: a ``(done, total, note)`` callback, as
        :func:`mapgen.geo.geocode.geocode_story` calls its ``progress``."""
        self.total = total
        self.advance(done - self.done, note)

    def stage(self, name: str) -> None:
        """The work moved on to ``name`` (a build's stages: verifying quotes, geocoding...)."""
        self.note = one_line(name)
        self._tick()

    def _line(self) -> str:
        parts = [self.label]
        if self.total:
            count = f"{self.done:,}/{self.total:,}"
            parts.append(f"{count} {self.unit}".rstrip() + f" ({100 * self.done // self.total}%)")
        elif self.done:
            parts.append(f"{self.done:,} {self.unit}".rstrip())
        if self.note:
            parts.append(self.note)
        return ": ".join(parts[:2]) + "".join(f", {p}" for p in parts[2:])

    def _tick(self) -> None:
        progress = self.progress
        if progress is None:
            return
        now = progress.clock()
        if not self.announce and (not progress.live or now - self._start < progress.delay):
            return
        if not progress.live:
            if not self.shown:  # plain: one line when it has gone on long enough ...
                self.shown = True
                progress._write(f"{self._line()} ...\n")
            return
        if self._drawn_at is not None and now - self._drawn_at < progress.interval:
            return
        self.shown = True
        self._drawn_at = now
        progress._write("\r" + self._line()[: max(progress._columns() - 1, 10)] + _ERASE)

    def finish(self, failed: bool = False) -> None:
        """End the line with the time taken, if one was shown.  Work that ``failed`` (an
        error, Ctrl-C) adds no line: the error that follows says what happened, on a line
        of its own (a live line is erased first), so a failure still reads as one line per
        problem."""
        progress = self.progress
        if progress is None:
            return
        if not self.shown and not failed:
            self._tick()  # work that never advanced, but took long, still says it ended
        if not self.shown:
            return
        self.shown = False
        if failed:
            if progress.live:
                progress._write("\r" + _ERASE)
            return
        line = f"{self.label}: done in {progress.clock() - self._start:.1f} s"
        if progress.live:
            progress._write("\r" + line[: max(progress._columns() - 1, 10)] + _ERASE + "\n")
        else:
            progress._write(line + "\n")


def task(
    progress: Progress | None,
    label: str,
    total: int | None = None,
    unit: str = "",
    *,
    announce: bool = False,
) -> Task:
    """``progress.task(...)``, or a task that shows nothing if ``progress`` is None (the
    library's default, and ``--quiet``): callers need no ``if``."""
    return Task(progress, label, total, unit, announce)

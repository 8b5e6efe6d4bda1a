"""Typed errors: a user's mistake is a :class:`StoryError`, never a traceback.

Validation collects every :class:`Problem` it can find and raises once, the way mkdocs
reports all of a config's errors before it aborts: fixing a story should not be a loop of
one error per run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .terminal import one_line


@dataclass(frozen=True)
class Pos:
    """Where something was written: a file and a 1-based line and column."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Problem:
    """One mistake, printed as ``file:line:col: message``, then its ``details`` (the
    candidates of an ambiguous name...) one per indented line.

    The message and each detail are one line each however they were made: they quote the
    story's values (a name, a key, a quote, a file name, a server's answer), and a newline
    or carriage return in one must not print a line that looks like another problem.
    """

    message: str
    pos: Pos | None = None
    file: str | None = None
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.pos is not None:
            head = f"{self.pos}: {self.message}"
        elif self.file is not None:
            head = f"{self.file}: {self.message}"
        else:
            head = self.message
        return "\n".join([one_line(head), *(f"    {one_line(d)}" for d in self.details)])


def by_position(problems: Iterable[Problem]) -> list[Problem]:
    """The problems in the order of the files and the places in them they are at (one
    with no position first in its file): a build reports the quotes' and the places'
    problems together, however the checks that found them took turns."""

    def where(problem: Problem) -> tuple[str, int, int]:
        pos = problem.pos
        return (pos.file, pos.line, pos.col) if pos else (problem.file or "", 0, 0)

    return sorted(problems, key=where)


class MapgenError(Exception):
    """Base class of every error mapgen raises on purpose."""


class StoryError(MapgenError):
    """The story (``places.yaml`` or what it names) has one or more mistakes."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class GeocodeError(MapgenError):
    """A place could not be given a position; the message says how to fix it."""


class OutputError(MapgenError):
    """The map could not be written (permissions, disk full, ...)."""


class GeocoderFault(MapgenError):
    """An online geocoder failed; the message is one line that says which and why.

    A fault is never "not found": a place an online geocoder could not be asked about is
    reported, and whatever was cached or found offline is kept.
    """

    #: What kind of fault, for a summary: "offline", "timeout", ...
    kind = "fault"

    def __init__(self, message: str, *, geocoder: str = "", requests: int = 0):
        self.geocoder = geocoder
        self.reason = message
        self.requests = requests
        super().__init__(f"{geocoder}: {message}" if geocoder else message)


class GeocoderNotConfigured(GeocoderFault):
    """The geocoder cannot be set up: unknown service, missing key or contact."""

    kind = "configuration"


class GeocoderOffline(GeocoderFault):
    """The service could not be reached: no network, DNS failure, connection refused."""

    kind = "offline"


class GeocoderTimeout(GeocoderFault):
    """The service did not answer in time, on every try."""

    kind = "timeout"


class GeocoderRateLimit(GeocoderFault):
    """The service kept answering 429 (or asked to wait longer than mapgen will)."""

    kind = "rate limit"


class GeocoderServerError(GeocoderFault):
    """The service answered with a server error (5xx), on every try."""

    kind = "server error"


class GeocoderRefused(GeocoderFault):
    """The service refused the request (400, 401, 402, 403): retrying cannot help."""

    kind = "refused"


class GeocoderBadAnswer(GeocoderFault):
    """The service answered something that is not a geocoding answer (malformed JSON...)."""

    kind = "unexpected answer"

"""Typed errors: a user's mistake is a :class:`StoryError`, never a traceback.

Validation collects every :class:`Problem` it can find and raises once, the way mkdocs
reports all of a config's errors before it aborts: fixing a story should not be a loop of
one error per run.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Pos


@dataclass(frozen=True)
class Problem:
    """One mistake, printed as ``file:line:col: message``."""

    message: str
    pos: Pos | None = None
    file: str | None = None

    def __str__(self) -> str:
        if self.pos is not None:
            return f"{self.pos}: {self.message}"
        if self.file is not None:
            return f"{self.file}: {self.message}"
        return self.message


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

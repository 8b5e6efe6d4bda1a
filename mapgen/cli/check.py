"""``mapgen check``: validate ``places.yaml``, verify every quote and resolve every place,
writing nothing; then warn about quotes and list the places the articles mention that the
map does not show.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.errors import MapgenError
from ..core.terminal import echo
from ..geo.doubt import doubts
from ..pipeline.builder import check
from ..quotes.verify import story_warnings
from .exits import STORY_ERROR, fail
from .options import story_path


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


@click.command("check")
@story_path
@click.option(
    "--mentions/--no-mentions",
    default=True,
    help="List the places the articles mention that the map does not show (default: on).",
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Then list every mention found, in order, with what it was taken for (an audit).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with status 2 if a quote has a warning, a place's position is doubtful, or"
    " (unless --no-mentions) the articles mention a place the map neither shows nor leaves"
    " out (left_out: in places.yaml).",
)
def check_command(path: Path, mentions: bool, every: bool, strict: bool) -> None:
    """Validate places.yaml, verify every quote and resolve every place; write nothing.

    Warn where the words a quote leaves out of its sentence change what it says (a
    negation just before it, a dropped attribution on a confirmed feature, a condition),
    and where a confirmed or denied feature has no quote that says so.

    List every place whose position is doubtful: a guess the gazetteer was unsure of (a
    close runner-up, or the story's other places decided it), or a place more than 3,000 km
    from all the others; each with what to write to pin it down.

    Then read the articles for the places they mention, and list those the map does not
    show, each with its sentence, unless places.yaml lists them under left_out:.
    With --all, then every mention found, each with its guess, for an audit.
    """
    try:
        geo = check(path)
    except MapgenError as exc:
        fail(exc)
    story = geo.story
    features = (*story.places, *story.routes, *story.areas, *story.events)
    quotes = sum(len(f.quotes) for f in features)
    events = f", {len(story.events)} events" if story.events else ""
    echo(
        f"{story.path.name}: OK: {len(story.sources)} sources, {len(story.places)} places,"
        f" {len(story.routes)} routes, {len(story.areas)} areas{events},"
        f" {quotes} quotes verified"
    )
    warned = story_warnings(story)
    for problem in warned:
        echo(problem, err=True)
    doubtful = doubts(geo)  # guesses the gazetteer was unsure of, places far from all others
    for doubt in doubtful:
        echo(f"{doubt} (doubtful position)", err=True)
    missing = False
    if mentions or every:
        # the report reads the gazetteer, which imports geopy: only when asked for
        from ..quotes.mentionreport import report

        found = report(geo)
        for line in found.lines(every=every):
            echo(line)
        missing = bool(found.missing())
    if strict and (warned or missing or doubtful):
        if warned:
            echo(f"{_plural(len(warned), 'warning')} about quotes (--strict)", err=True)
        if doubtful:
            echo(f"{_plural(len(doubtful), 'doubtful position')} (--strict)", err=True)
        sys.exit(STORY_ERROR)

"""``mapgen geocode``: fill (or, with ``--refresh``, refresh) the geocode cache without
building the map, with a progress line (:mod:`mapgen.core.progress`; none with ``--quiet``).

``--online NAME`` asks that geocoder first, before the gazetteer.  Every answer is saved
as it arrives, so Ctrl-C keeps what was found.  (``--geocoder`` and ``--offline``, which
``mapgen build`` and ``mapgen watch`` take too, are :mod:`mapgen.cli.options`.)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..core.errors import MapgenError
from ..core.progress import Progress, task
from ..core.terminal import echo
from ..geo.cachefile import CACHE_NAME
from ..geo.geocode import geocode_story, lookups
from ..geo.online import Request
from ..pipeline.options import BuildOptions
from ..story.load import load_story
from .exits import fail
from .options import command_request, online_options, quiet_option, service_name, story_path

#: The exit status after Ctrl-C (128 + SIGINT, as a shell reports it).
INTERRUPTED = 130


@click.command("geocode")
@story_path
@click.option(
    "--refresh",
    is_flag=True,
    help="Look up again the places already in the cache (an answer that cannot be had"
    " again is kept as it was).",
)
@click.option(
    "--online",
    metavar="NAME",
    callback=service_name,
    help="Ask this online geocoder first, before the offline gazetteer (with --refresh:"
    " for every place).",
)
@online_options
@quiet_option
def geocode_command(
    path: Path,
    refresh: bool,
    online: str | None,
    geocoder: str | None,
    offline: bool,
    progress: Progress | None,
) -> None:
    """Fill the geocode cache (geocode-cache.yaml) for places.yaml, without building.

    Each answer is saved to the cache as it arrives: Ctrl-C keeps what was found.
    """
    options = BuildOptions(
        geocoder=online if online is not None else geocoder,
        offline=offline,
        online_first=online is not None,
        refresh=refresh,
    )
    request = command_request(options)
    try:
        story = load_story(path)
    except MapgenError as exc:
        fail(exc)
    todo = lookups(story)
    failure: MapgenError | None = None
    with task(progress, "geocoding", len(todo), "places", announce=True) as step:
        try:
            geocode_story(
                story,
                gazetteer=lambda: _gazetteer(progress),
                progress=step.count,
                request=request,
            )
        except KeyboardInterrupt:
            step.finish(failed=True)
            echo(f"interrupted: the answers found so far are saved in {CACHE_NAME}", err=True)
            sys.exit(INTERRUPTED)
        except MapgenError as exc:
            failure = exc
    echo(_summary(story.root / CACHE_NAME, len(todo), request))
    if failure is not None:
        fail(failure)


def _gazetteer(progress: Progress | None) -> Any:
    """The offline gazetteer, made when a place first needs it, showing its first-run
    expansion."""
    from ..geo.gazetteer import Gazetteer  # it imports geopy: only when a place needs it

    return Gazetteer(progress=progress)


def _summary(cache: Path, total: int, request: Request) -> str:
    """``geocode-cache.yaml: 12 lookups: 9 cache, 2 gazetteer, 1 nominatim (1 request)``."""
    parts = [f"{n} {how}" for how, n in sorted(request.tally.items(), key=lambda t: -t[1])]
    found = sum(request.tally.values())
    line = f"{cache}: {total} lookups"
    if parts:
        line += ": " + ", ".join(parts)
    if found < total:
        line += f", {total - found} unresolved"
    online = request.geocoder
    if online is not None and online.requests:
        plural = "" if online.requests == 1 else "s"
        line += f" ({online.requests} request{plural} to {online.name})"
    return line

"""The command line's geocoding parts: ``--geocoder``/``--offline`` and ``mapgen geocode``.

``mapgen build --geocoder NAME`` lets a build ask an online geocoder for the places that
neither the cache nor the offline gazetteer know; ``--offline`` forbids it even when
``places.yaml`` has a ``geocoder:`` setting.  ``mapgen geocode`` fills (or, with
``--refresh``, refreshes) the geocode cache without building the map, with a progress bar;
``--online NAME`` asks that geocoder first, before the gazetteer.  Every answer is saved
as it arrives, so Ctrl-C keeps what was found.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..core.errors import MapgenError
from ..core.terminal import echo, one_line
from ..geo.geocode import CACHE_NAME, geocode_story, lookups
from ..geo.online import Request
from ..pipeline.options import BuildOptions
from ..story.geocoder import check_service
from ..story.load import load_story
from .exits import fail

INTERRUPTED = 130


def command_request(options: BuildOptions) -> Request:
    """The command's :class:`~mapgen.online.Request` for ``options``, handed down to the
    build; its warnings are printed when the command ends, however it ends (a build that
    fails still reports the online faults other answers made up for)."""
    request = options.request()
    click.get_current_context().call_on_close(lambda: _report_warnings(request))
    return request


def _report_warnings(request: Request) -> None:
    for warning in request.warnings:
        echo(f"warning: {one_line(str(warning))}", err=True)
    request.warnings.clear()


def _service(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        problem = check_service(value)
        if problem:
            raise click.BadParameter(problem, ctx=ctx, param=param)
        value = value.lower()
    return value


def page_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``-o/--output`` and ``--cdn`` for a command that writes the map."""
    command = click.option(
        "--cdn",
        is_flag=True,
        help="Link Leaflet from the CDN instead of inlining it (the page then needs the network).",
    )(command)
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, file_okay=False),
        help="Folder for map.html and map.geojson (default: output/ beside places.yaml).",
    )(command)


def online_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--geocoder NAME`` and ``--offline`` for a command that geocodes (its
    ``geocoder`` and ``offline`` parameters, :class:`~mapgen.options.BuildOptions`' fields)."""
    command = click.option(
        "--offline",
        is_flag=True,
        help="Ask no online geocoder, even if places.yaml has a geocoder: setting.",
    )(command)
    command = click.option(
        "--geocoder",
        metavar="NAME",
        callback=_service,
        help="Ask this online geocoder (any geopy service name: nominatim, photon, ...)"
        " for the places neither the cache nor the offline gazetteer know.",
    )(command)
    return command


@click.command("geocode")
@click.argument("path", default=".", type=click.Path(path_type=Path, dir_okay=True, file_okay=True))
@click.option(
    "--refresh",
    is_flag=True,
    help="Look up again the places already in the cache (an answer that cannot be had"
    " again is kept as it was).",
)
@click.option(
    "--online",
    metavar="NAME",
    callback=_service,
    help="Ask this online geocoder first, before the offline gazetteer (with --refresh:"
    " for every place).",
)
@online_options
def geocode_command(
    path: Path, refresh: bool, online: str | None, geocoder: str | None, offline: bool
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
    with click.progressbar(
        length=len(todo), label="geocoding", file=sys.stderr, show_pos=True
    ) as bar:

        def progress(done: int, total: int, query: str) -> None:
            bar.update(1, query)

        try:
            geocode_story(story, progress=progress, request=request)
        except KeyboardInterrupt:
            bar.render_finish()
            echo(f"interrupted: the answers found so far are saved in {CACHE_NAME}", err=True)
            sys.exit(INTERRUPTED)
        except MapgenError as exc:
            failure = exc
    echo(_summary(story.root / CACHE_NAME, len(todo), request))
    if failure is not None:
        fail(failure)


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

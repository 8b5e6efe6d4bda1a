"""The options that several ``mapgen`` commands share, and the geocoding request they
hand down to the library.

``PATH`` (a story folder or its ``places.yaml``), ``--geocoder NAME`` / ``--offline`` (for
a command that geocodes) and ``-o/--output`` / ``--cdn`` (for one that writes the map).
Each flag is a field of :class:`~mapgen.pipeline.options.BuildOptions`, so that the
library takes it as a keyword.  In a module of its own so that the command modules share
it without importing one another.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..core.errors import StoryError
from ..core.progress import Progress
from ..core.terminal import echo, one_line
from ..core.values import base_url_problem
from ..geo.online import Request
from ..pipeline.options import BuildOptions
from ..story.geocoder import check_service
from ..story.tiles import tiles_option

#: ``PATH``: the story folder holding places.yaml (default: the current one), or the file.
story_path = click.argument(
    "path", default=".", type=click.Path(path_type=Path, dir_okay=True, file_okay=True)
)


def command_request(options: BuildOptions) -> Request:
    """The command's :class:`~mapgen.geo.online.Request` for ``options``, handed down to the
    build; its warnings are printed when the command ends, however it ends (a build that
    fails still reports the online faults other answers made up for)."""
    request = options.request()
    click.get_current_context().call_on_close(lambda: _report_warnings(request))
    return request


def _report_warnings(request: Request) -> None:
    for warning in request.warnings:
        echo(f"warning: {one_line(str(warning))}", err=True)
    request.warnings.clear()


def service_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A ``--geocoder``/``--online`` value, checked and lower-cased: an unknown service is a
    usage error before anything is built, not a fault in the middle of geocoding."""
    if value is not None:
        problem = check_service(value)
        if problem:
            raise click.BadParameter(problem, ctx=ctx, param=param)
        value = value.lower()
    return value


def tiles_value(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """A ``--tiles`` value, read as places.yaml's ``tiles:`` is: a mistake (an unknown
    provider, a key written in a URL) is a usage error before anything is built."""
    if value is None:
        return None
    try:
        return tiles_option(value)
    except StoryError as exc:
        raise click.BadParameter(
            "; ".join(p.message for p in exc.problems), ctx=ctx, param=param
        ) from None


def base_url_value(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A ``--base-url`` value: an http(s) address, checked before anything is built."""
    problem = base_url_problem(value) if value is not None else None
    if problem:
        raise click.BadParameter(problem, ctx=ctx, param=param)
    return value


def _progress_value(ctx: click.Context, param: click.Parameter, quiet: bool) -> Progress | None:
    """``--quiet``: no progress; else progress lines on stderr (live on a terminal)."""
    return None if quiet else Progress()


#: ``-q/--quiet``, whose value is the library's ``progress`` keyword (a
#: :class:`~mapgen.core.progress.Progress`, or None when quiet), so the flag is a keyword too.
quiet_option = click.option(
    "-q",
    "--quiet",
    "progress",
    is_flag=True,
    callback=_progress_value,
    help="Print no progress lines (work that takes over a second otherwise says how it is"
    " going, on stderr).",
)


def page_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``-o/--output``, ``--cdn``, ``--require-offline``, ``--tiles`` and ``--base-url`` for a command that writes
    the map."""
    command = quiet_option(command)
    command = click.option(
        "--base-url",
        metavar="URL",
        callback=base_url_value,
        help="The address the map will be published at (https://.../maps/story): the page"
        " then has og:image and twitter:card meta naming map-social.png beside it.",
    )(command)
    command = click.option(
        "--tiles",
        metavar="NAME|none|{url: ..., attribution: ...}",
        callback=tiles_value,
        help="The map's background tiles instead of places.yaml's tiles: a provider"
        " xyzservices knows (Esri.WorldImagery, OpenStreetMap.Mapnik...), none (the offline"
        " outlines alone, the default), or a YAML mapping as tiles: takes.",
    )(command)
    command = click.option(
        "--require-offline",
        is_flag=True,
        help="Fail, instead of warning, if the page cannot be whole (Leaflet and the outline"
        " basemap inlined, so it opens with no network).",
    )(command)
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
    ``geocoder`` and ``offline`` parameters, :class:`~mapgen.pipeline.options.BuildOptions`' fields)."""
    command = click.option(
        "--offline",
        is_flag=True,
        help="Ask no online geocoder, even if places.yaml has a geocoder: setting.",
    )(command)
    command = click.option(
        "--geocoder",
        metavar="NAME",
        callback=service_name,
        help="Ask this online geocoder (any geopy service name: nominatim, photon, ...)"
        " for the places neither the cache nor the offline gazetteer know.",
    )(command)
    return command

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

from ..core.terminal import echo, one_line
from ..geo.online import Request
from ..pipeline.options import BuildOptions
from ..story.geocoder import check_service

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

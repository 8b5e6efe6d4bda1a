"""``mapgen watch``: build, then rebuild whenever the story changes; serve it if asked.

Only the command's flags: the loop is :func:`mapgen.serve.watch.watch`, which takes each
of them as a keyword (the build's as :class:`~mapgen.pipeline.options.BuildOptions`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..pipeline.options import BuildOptions
from ..serve.watch import watch
from .options import command_request, online_options, page_options, story_path


@click.command("watch")
@story_path
@online_options
@page_options
@click.option(
    "--serve",
    is_flag=True,
    help="Serve the map on http://127.0.0.1:PORT/; the open page reloads after each rebuild.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port to serve on (default 8000; 0 picks a free one). Implies --serve.",
)
@click.option(
    "--open", "open_browser", is_flag=True, help="Open the map in a browser. Implies --serve."
)
def watch_command(
    path: Path, serve: bool, port: int | None, open_browser: bool, **options: Any
) -> None:
    """Build, then rebuild whenever places.yaml, an article or the geocode cache changes.

    A mistake prints its places.yaml:LINE:COL line (and, in the served page, a banner over
    the last good map) and leaves the output as it was. Ctrl-C stops.
    """

    built = BuildOptions(**options)  # every other flag is a keyword of BuildOptions
    code = watch(
        path,
        serve=serve or open_browser or port is not None,
        port=8000 if port is None else port,
        open_browser=open_browser,
        options=built,
        request=command_request(built),
    )
    sys.exit(code)

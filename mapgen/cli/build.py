"""``mapgen build``: write ``map.html`` and ``map.geojson`` from ``places.yaml``.

The command prints what it built, or each problem on one line; the build is
:class:`mapgen.pipeline.builder.Builder`, given the flags as
:class:`~mapgen.pipeline.options.BuildOptions`.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import click

from ..core.errors import MapgenError
from ..core.terminal import echo, one_line
from ..page.assets import AssetWarning
from ..pipeline.builder import Builder
from ..pipeline.options import BuildOptions
from .exits import fail
from .options import command_request, online_options, page_options, story_path


@click.command("build")
@story_path
@online_options
@page_options
@click.option(
    "--base-url",
    metavar="URL",
    help="The address output/ will be published at (https://...): embed.html names the page by it.",
)
def build_command(
    path: Path,
    geocoder: str | None,
    offline: bool,
    output: Path | None,
    cdn: bool,
    base_url: str | None,
) -> None:
    """Build map.html and map.geojson from places.yaml.

    The page is self-contained: it inlines Leaflet (fetched once into the user cache), so it
    opens from disk with no network; only map tiles come from the network.
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AssetWarning)
            options = BuildOptions(
                output=output, cdn=cdn, geocoder=geocoder, offline=offline, base_url=base_url
            )
            builder = Builder(path, options=options, request=command_request(options))
            result = builder.build()
    except MapgenError as exc:
        fail(exc)
    finally:
        for warning in caught:
            echo(f"warning: {one_line(str(warning.message))}", err=True)
    story = result.story.story
    echo(
        f"{result.html} ({len(story.places)} places, {len(story.routes)} routes,"
        f" {len(story.areas)} areas) and {result.geojson.name}"
    )

"""``mapgen build``: write ``map.html`` and ``map.geojson`` from ``places.yaml``.

The command prints what it built, or each problem on one line; the build is
:class:`mapgen.pipeline.builder.Builder`, given the flags as
:class:`~mapgen.pipeline.options.BuildOptions`.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

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
    "--images",
    is_flag=True,
    help="Also write map.svg, map.png (print) and map-social.png (1200x630), the first view"
    " as a static map; needs pip install 'mapgen[images]'.",
)
def build_command(path: Path, images: bool, **options: Any) -> None:
    """Build map.html and map.geojson from places.yaml.

    The page is self-contained: it inlines Leaflet (fetched once into the user cache), so it
    opens from disk with no network; only map tiles come from the network.
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AssetWarning)
            # every other flag is a keyword of BuildOptions, by the same name
            built = BuildOptions(images=images, **options)
            builder = Builder(path, options=built, request=command_request(built))
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
        + (", map.svg, map.png and map-social.png" if images else "")
    )

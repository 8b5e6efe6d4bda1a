"""``mapgen``: a thin command line over :mod:`mapgen.pipeline`.

A mistake in the story prints one ``file:line:col: message`` line per problem and exits
with status 2; a failure to write exits with 1.  Neither prints a traceback.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import click

from . import pipeline
from .assets import AssetWarning
from .errors import MapgenError, StoryError
from .geocli import geocode_command, online_options
from .watch import watch_command

STORY_ERROR = 2
OTHER_ERROR = 1

story_path = click.argument(
    "path", default=".", type=click.Path(path_type=Path, dir_okay=True, file_okay=True)
)


def _fail(exc: MapgenError) -> None:
    problems = exc.problems if isinstance(exc, StoryError) else [exc]
    for problem in problems:
        click.echo(f"{problem}", err=True)
    if isinstance(exc, StoryError) and len(problems) > 1:
        click.echo(f"{len(problems)} problems; nothing was written.", err=True)
    sys.exit(STORY_ERROR if isinstance(exc, StoryError) else OTHER_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mapgen")
def main() -> None:
    """Turn news articles into an interactive map whose popups quote them word for word.

    PATH is a story folder holding places.yaml, or the places.yaml file itself.
    """


@main.command()
@story_path
@online_options
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for map.html and map.geojson (default: output/ beside places.yaml).",
)
@click.option(
    "--cdn",
    is_flag=True,
    help="Link Leaflet from the CDN instead of inlining it (the page then needs the network).",
)
def build(path: Path, output: Path | None, cdn: bool) -> None:
    """Build map.html and map.geojson from places.yaml.

    The page is self-contained: it inlines Leaflet (fetched once into the user cache), so it
    opens from disk with no network; only map tiles come from the network.
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AssetWarning)
            result = pipeline.build(path, output, cdn=cdn)
    except MapgenError as exc:
        _fail(exc)
        return
    finally:
        for warning in caught:
            click.echo(f"warning: {warning.message}", err=True)
    story = result.story.story
    click.echo(
        f"{result.html} ({len(story.places)} places, {len(story.routes)} routes,"
        f" {len(story.areas)} areas) and {result.geojson.name}"
    )


@main.command()
@story_path
def check(path: Path) -> None:
    """Validate places.yaml, verify every quote and resolve every place; write nothing."""
    try:
        geo = pipeline.check(path)
    except MapgenError as exc:
        _fail(exc)
        return
    story = geo.story
    quotes = sum(len(f.quotes) for f in (*story.places, *story.routes, *story.areas))
    click.echo(
        f"{story.path.name}: OK: {len(story.sources)} sources, {len(story.places)} places,"
        f" {len(story.routes)} routes, {len(story.areas)} areas, {quotes} quotes verified"
    )


main.add_command(geocode_command)
main.add_command(watch_command)

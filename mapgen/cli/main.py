"""``mapgen``: a thin command line over :mod:`mapgen.pipeline`.

A mistake in the story prints one ``file:line:col: message`` line per problem and exits
with status 2; a failure to write exits with 1.  Neither prints a traceback.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import click

from ..core.errors import MapgenError
from ..core.fsutil import Refused, read_regular
from ..core.terminal import capture_logging, echo, one_line
from ..page.assets import AssetWarning
from ..pipeline import builder as pipeline
from ..pipeline.options import BuildOptions
from ..quotes.verify import story_warnings
from ..story.load import article_limit
from .exits import STORY_ERROR, fail
from .geocode import command_request, geocode_command, online_options, page_options
from .watch import watch_command

story_path = click.argument(
    "path", default=".", type=click.Path(path_type=Path, dir_okay=True, file_okay=True)
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mapgen")
def main() -> None:
    """Turn news articles into an interactive map whose popups quote them word for word.

    PATH is a story folder holding places.yaml, or the places.yaml file itself.
    """
    capture_logging()


@main.command()
@story_path
@online_options
@page_options
def build(path: Path, geocoder: str | None, offline: bool, output: Path | None, cdn: bool) -> None:
    """Build map.html and map.geojson from places.yaml.

    The page is self-contained: it inlines Leaflet (fetched once into the user cache), so it
    opens from disk with no network; only map tiles come from the network.
    """
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", AssetWarning)
            options = BuildOptions(output=output, cdn=cdn, geocoder=geocoder, offline=offline)
            builder = pipeline.Builder(path, options=options, request=command_request(options))
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


@main.command()
@story_path
@click.option(
    "--mentions/--no-mentions",
    default=True,
    help="List the places the articles mention that the map does not show (default: on).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with status 2 if a quote has a warning, or (unless --no-mentions) the articles"
    " mention a place the map neither shows nor leaves out (left_out: in places.yaml).",
)
def check(path: Path, mentions: bool, strict: bool) -> None:
    """Validate places.yaml, verify every quote and resolve every place; write nothing.

    Warn where the words a quote leaves out of its sentence change what it says (a
    negation just before it, a dropped attribution on a confirmed feature, a condition),
    and where a confirmed or denied feature has no quote that says so.

    Then read the articles for the places they mention, and list those the map does not
    show, each with its sentence, unless places.yaml lists them under left_out:.
    """
    try:
        geo = pipeline.check(path)
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
    missing = False
    if mentions:
        # mentions reads the gazetteer, which imports geopy: only when asked for
        from ..quotes.mentionreport import report

        found = report(geo)
        for line in found.lines():
            echo(line)
        missing = bool(found.missing())
    if strict and (warned or missing):
        if warned:
            echo(f"{_plural(len(warned), 'warning')} about quotes (--strict)", err=True)
        sys.exit(STORY_ERROR)


@main.command()
@click.argument(
    "articles", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False)
)
def extract(articles: tuple[Path, ...]) -> None:
    """Print places.yaml for the places ARTICLES mention, ready to paste or to start a story.

    Each article becomes a source; each country it names an area, each city a place, with
    the offline gazetteer's guess and its precision (in a comment), a country hint, and
    the sentences that name it as quotes.  Run it in the story folder:
    mapgen extract seeds/*.txt > places.yaml
    """
    # mentions reads the gazetteer, which imports geopy: only for this command
    from ..quotes.extract import extract_yaml

    files = []
    for article in articles:
        try:  # the limit a story's article has: a bigger one could not be its source
            body = read_regular(article, article_limit()).decode("utf-8")
        except Refused as exc:
            echo(f"{one_line(str(article))}: cannot read: it {exc.reason}", err=True)
            sys.exit(STORY_ERROR)
        except OSError as exc:
            echo(f"{one_line(str(article))}: cannot read: {exc.strerror or exc}", err=True)
            sys.exit(STORY_ERROR)
        except UnicodeDecodeError as exc:
            echo(
                f"{one_line(str(article))}: not UTF-8 (byte {exc.start}); save it as UTF-8",
                err=True,
            )
            sys.exit(STORY_ERROR)
        name = article
        if article.is_absolute():  # a story names its articles from its folder
            try:
                name = article.resolve().relative_to(Path.cwd().resolve())
            except ValueError:
                echo(
                    f"{one_line(str(article))}: outside this folder; run mapgen extract in the story folder,"
                    " or move the article into it",
                    err=True,
                )
        files.append((name.as_posix(), body))
    text, found = extract_yaml(files)
    echo(text, nl=False)
    places = len(dict.fromkeys(m.target.key for m in found))
    echo(f"# {len(found)} mentions of {places} places", err=True)


main.add_command(geocode_command)
main.add_command(watch_command)

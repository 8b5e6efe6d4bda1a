"""``mapgen extract``: print a ``places.yaml`` for the places some articles mention.

The command reads the articles with the rules a story's articles are read with (no link,
no device, bounded, UTF-8); the YAML is :func:`mapgen.quotes.extract.extract_yaml`'s.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.errors import MapgenError
from ..core.fsutil import NotUtf8, Refused, read_regular, utf8_text
from ..core.progress import Progress
from ..core.terminal import echo, one_line
from ..story.load import article_limit
from .exits import STORY_ERROR, fail
from .options import quiet_option


@click.command("extract")
@click.argument(
    "articles", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False)
)
@quiet_option
def extract_command(articles: tuple[Path, ...], progress: Progress | None) -> None:
    """Print places.yaml for the places ARTICLES mention, ready to paste or to start a story.

    Each article becomes a source; each country it names an area, each city a place, with
    the offline gazetteer's guess and its precision (in a comment), a country hint, and
    the sentences that name it as quotes.  Run it in the story folder:
    mapgen extract seeds/*.txt > places.yaml
    """
    # extracting reads the gazetteer, which imports geopy: only for this command
    from ..geo.gazetteer import Gazetteer
    from ..quotes.extract import extract_yaml

    files = []
    for article in articles:
        try:  # the limit a story's article has: a bigger one could not be its source
            body = utf8_text(read_regular(article, article_limit()), keep_bom=True)
        except Refused as exc:
            echo(f"{one_line(str(article))}: cannot read: it {exc.reason}", err=True)
            sys.exit(STORY_ERROR)
        except OSError as exc:
            echo(f"{one_line(str(article))}: cannot read: {exc.strerror or exc}", err=True)
            sys.exit(STORY_ERROR)
        except NotUtf8 as exc:
            echo(
                f"{one_line(str(article))}:{exc.line}:{exc.col}: not UTF-8; save it as UTF-8",
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
    try:
        text, found = extract_yaml(files, Gazetteer(progress=progress), progress=progress)
    except MapgenError as exc:  # a damaged install's gazetteer
        fail(exc)
    echo(text, nl=False)
    places = len(dict.fromkeys(m.target.key for m in found))
    echo(f"# {len(found)} mentions of {places} places", err=True)

"""``mapgen mentions``: list every place mention the articles hold, in order, as text or JSON.

A thin command over :func:`mapgen.quotes.mentiondata.mentions_json`; the JSON is the
stable interface ``docs/mentions.md`` documents.  Articles are read as ``extract`` reads
them (no link, no device, bounded, UTF-8, newlines unchanged), so that the offsets are
into the very text a pipeline reads from the same file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..core.fsutil import NotUtf8, Refused, read_regular, utf8_text
from ..core.progress import Progress
from ..core.terminal import echo, one_line
from ..story.load import article_limit
from .exits import STORY_ERROR
from .options import quiet_option


@click.command("mentions")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per article.")
# (no dir_okay=False: a folder is refused by _read, in one line, not by click's usage text)
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@quiet_option
def mentions_command(articles: tuple[Path, ...], as_json: bool, progress: Progress | None) -> None:
    """List every place ARTICLES mention, in order: where, the words, the place.

    With --json: [{"file": ..., "mentions": [{"start", "end", "text", "place", "kind",
    "country", "lat", "lon", "by"}, ...]}, ...], start/end being character offsets into
    the article as read (see docs/mentions.md).
    """
    # finding mentions reads the gazetteer, which imports geopy: only for this command
    from ..geo.gazetteer import Gazetteer
    from ..quotes.mentiondata import mentions_json

    files = [(article.as_posix(), _read(article)) for article in articles]
    found = mentions_json(files, gazetteer=Gazetteer(progress=progress), progress=progress)
    if as_json:
        # ensure_ascii: the JSON is pure ASCII, so no article text reaches a terminal raw
        echo(json.dumps(found, indent=1))
        return
    for article, (_, text) in zip(found, files, strict=True):
        n = len(article["mentions"])
        echo(f"{one_line(article['file'])}: {n} mention{'' if n == 1 else 's'}")
        line, counted = 1, 0  # counted on from the last mention: they come in order
        for m in article["mentions"]:
            line += text.count("\n", counted, m["start"])
            counted = m["start"]
            col = m["start"] - (text.rfind("\n", 0, m["start"]) + 1) + 1
            where = f"{m['country']}, " if m["country"] else ""
            pos = f"; {m['lat']:.2f}, {m['lon']:.2f}" if m["lat"] is not None else ""
            echo(
                f"  {line}:{col}  {one_line(json.dumps(m['text'], ensure_ascii=False))}"
                f" -> {one_line(m['place'])} ({m['kind']}, {where}by {m['by']}{pos})"
            )


def _read(article: Path) -> str:
    """The article's text, exactly (no newline translation), or one line and exit 2."""
    try:  # the limit a story's article has
        return utf8_text(read_regular(article, article_limit()), keep_bom=True)
    except Refused as exc:
        problem = f"it {exc.reason}"
    except OSError as exc:
        problem = str(exc.strerror or exc)
    except NotUtf8 as exc:
        echo(
            f"{one_line(str(article))}:{exc.line}:{exc.col}: not UTF-8; save it as UTF-8", err=True
        )
        sys.exit(STORY_ERROR)
    echo(f"{one_line(str(article))}: cannot read: {problem}", err=True)
    sys.exit(STORY_ERROR)

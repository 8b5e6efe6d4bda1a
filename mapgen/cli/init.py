"""``mapgen init``: write a small working story to start from.

A thin shell over :func:`mapgen.story.template.init_story`: every flag is one of its
keywords.  It prints what it wrote and the command to run next, so a first-time user is
never left wondering what happened.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from ..core.errors import MapgenError
from ..core.terminal import echo
from ..story.template import TEMPLATE_FILES, init_story
from .exits import fail


@click.command("init")
@click.argument(
    "folder",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
)
@click.option("--force", is_flag=True, help="Overwrite places.yaml and the sample article.")
def init_command(folder: Path, force: bool) -> None:
    """Write a small working story into FOLDER (default: the current folder).

    A commented places.yaml with one place, one route, one area and one event, and the
    short sample article in seeds/ that its quotes copy word for word.  It builds as it
    is, offline.  An existing places.yaml is left alone unless --force.
    """
    try:
        init_story(folder, force=force)
    except MapgenError as exc:
        fail(exc)
    for parts in TEMPLATE_FILES:
        echo(f"wrote {folder.joinpath(*parts)}")
    echo(f"next: mapgen build {shlex.quote(str(folder))}")

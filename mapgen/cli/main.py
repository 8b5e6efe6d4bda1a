"""``mapgen``: a thin command line over the library, one module per command.

The group is here; each command is a module of this package (:mod:`~mapgen.cli.build`,
:mod:`~mapgen.cli.check`, :mod:`~mapgen.cli.extract`, :mod:`~mapgen.cli.geocode`, :mod:`~mapgen.cli.init`,
:mod:`~mapgen.cli.mentions`, :mod:`~mapgen.cli.watch`), the options they share are :mod:`~mapgen.cli.options`, and how
they end on a failure :mod:`~mapgen.cli.exits`.  ``mapgen = "mapgen.cli.main:main"`` is the
console script.

A mistake in the story prints one ``file:line:col: message`` line per problem and exits
with status 2; a failure to write exits with 1.  Neither prints a traceback.
"""

from __future__ import annotations

import click

from ..core.terminal import capture_logging
from .build import build_command
from .check import check_command
from .extract import extract_command
from .geocode import geocode_command
from .init import init_command
from .mentions import mentions_command
from .watch import watch_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mapgen")
def main() -> None:
    """Turn news articles into an interactive map whose popups quote them word for word.

    PATH is a story folder holding places.yaml, or the places.yaml file itself.
    """
    capture_logging()


for command in (
    build_command,
    check_command,
    extract_command,
    geocode_command,
    init_command,
    mentions_command,
    watch_command,
):
    main.add_command(command)

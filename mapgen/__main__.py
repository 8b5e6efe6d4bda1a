"""``python -m mapgen`` works like the ``mapgen`` command."""

from .cli.main import main

main(prog_name="mapgen")

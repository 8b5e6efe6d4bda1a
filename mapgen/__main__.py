"""``python -m mapgen`` works like the ``mapgen`` command."""

from .cli import main

main(prog_name="mapgen")

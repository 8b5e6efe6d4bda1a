"""``mapgen init``'s library half: write a small working story into a folder.

The story (a commented ``places.yaml`` with one source, one place, one route, one area and
one event, and the short article in ``seeds/`` its quotes copy word for word) ships as
package data under ``mapgen/story/templates/``, read with :mod:`importlib.resources`, so
that it is a real file the tests parse and build, not a Python string that drifts from
the schema.  Its places have ``coords:`` and its area is an ISO code, so the first
``mapgen build`` in the folder needs no geocoder and no network.

Nothing is overwritten unless asked (``force=True``), nothing is written through a
symlink (a link in a story folder could point anywhere), and the files are written
atomically, all or none.
"""

from __future__ import annotations

import os
import stat
from importlib import resources
from pathlib import Path

from ..core.errors import OutputError
from ..core.fsutil import atomic_write_all

__all__ = ["TEMPLATE_FILES", "init_story"]

#: The template's files, as paths relative to the story folder (and to the package data).
TEMPLATE_FILES: tuple[tuple[str, ...], ...] = (("places.yaml",), ("seeds", "train.txt"))


def _template_bytes(parts: tuple[str, ...]) -> bytes:
    """One file of the template, from the installed package (wheel, sdist or checkout)."""
    node = resources.files("mapgen.story").joinpath("templates")
    for part in parts:
        node = node.joinpath(part)
    return node.read_bytes()


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None


def _refuse_link(path: Path) -> None:
    """Refuse ``path`` if it is a symlink: writing there would write wherever it points."""
    found = _lstat(path)
    if found is not None and stat.S_ISLNK(found.st_mode):
        raise OutputError(f"{path}: is a symlink; mapgen init writes no file through one")


def init_story(folder: str | os.PathLike[str] = ".", *, force: bool = False) -> Path:
    """Write the template story into ``folder`` (created if missing) and return the path
    of its ``places.yaml``.

    Raises :class:`~mapgen.core.errors.OutputError`, with nothing written, if ``folder``,
    ``seeds/`` or a file to write is a symlink or not what it should be (a folder where a
    file goes), or if a file to write exists and ``force`` is false: a story in progress
    is never replaced by accident.
    """
    root = Path(folder)
    _refuse_link(root)
    found = _lstat(root)
    if found is not None and not stat.S_ISDIR(found.st_mode):
        raise OutputError(f"{root}: is not a folder")
    targets: list[Path] = []
    for parts in TEMPLATE_FILES:
        path = root
        for part in parts:
            path = path / part
            _refuse_link(path)
        here = _lstat(path)
        if here is not None:
            if not stat.S_ISREG(here.st_mode):
                raise OutputError(f"{path}: exists and is not a regular file")
            if not force:
                raise OutputError(f"{path}: already exists; use --force to overwrite it")
        targets.append(path)
    data = [_template_bytes(parts) for parts in TEMPLATE_FILES]
    try:
        for path in targets:
            path.parent.mkdir(parents=True, exist_ok=True)
            # mkdir made the folders; a link swapped in since is still refused here
            _refuse_link(path.parent)
        atomic_write_all(list(zip(targets, data, strict=True)))
    except OSError as exc:
        raise OutputError(f"{exc.filename or root}: {exc.strerror or exc}") from None
    return targets[0]

"""The files a story names: its articles (``sources: - file:``) and the bulk files it
includes, and what may not be one.

A story folder is shared and published as a whole, so every file it names must be a
regular file inside it, reached through no symlink, and none of mapgen's own (the story
file, the geocode cache, the output): evidence mapgen wrote would verify anything.  The
limits (:data:`MAX_ARTICLE_BYTES` an article, :data:`MAX_STORY_ARTICLE_BYTES` them all)
keep a build within its memory budget.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from yaml.nodes import Node

from ..core.fsutil import (
    MAX_INPUT_BYTES,
    Refused,
    is_temp,
    open_inside,
    read_inside,
    read_open,
    size_text,
)
from .checker import Checker
from .yamlguard import BadByte, utf8

__all__ = [
    "CACHE_FILE",
    "MAX_ARTICLE_BYTES",
    "MAX_STORY_ARTICLE_BYTES",
    "OUTPUT_FOLDER",
    "article_limit",
    "is_within",
    "mapgens_own",
    "read_article",
    "read_file",
    "written_by_mapgen",
]

#: Most bytes an article may hold: a long book is 2 MB.  An article's folding for the
#: quotes (:func:`mapgen.sources.fold`) keeps a few numbers for each run of white space;
#: 10 MB written to have millions of runs folds in under 1 GB.
MAX_ARTICLE_BYTES = 10 * 1000 * 1000
#: Most bytes a story's articles may hold together, each file counted once however many
#: sources name it: the budget's 100 MB of input, and what the page can carry.
MAX_STORY_ARTICLE_BYTES = MAX_INPUT_BYTES


def article_limit() -> int:
    """The most bytes an article may hold, as a story's sources may (``mapgen extract``
    holds the articles it reads to it too); read when called, so a test can lower it."""
    return MAX_ARTICLE_BYTES


def read_article(ck: Checker, node: Node, name: str) -> Any:
    """The article's text, if ``name`` is a UTF-8 file inside the story folder.

    Each file is read and decoded once per load, however many sources name it, and they
    share the one text (and so its folding, and its one copy in the page): told by the
    identity of the handle opened (device and inode), so another name for the same file
    (``./seeds/a.txt``, a hard link) is the same article too.  On main 200 sources naming
    one 9.8 MB file took 7.8 GB.  The distinct articles together may hold at most
    :data:`MAX_STORY_ARTICLE_BYTES`; the ``file:`` that goes past it is refused.
    """
    parts = _parts(name)
    if isinstance(parts, str):
        return ck.fail(node, parts)
    try:
        fd = open_inside(ck.root, parts)
    except (Refused, OSError, ValueError) as exc:
        return _unreadable(ck, node, name, parts, exc)
    try:
        info = os.fstat(fd)
    except OSError as exc:
        os.close(fd)
        return _unreadable(ck, node, name, parts, exc)
    key = (info.st_dev, info.st_ino)
    known = ck.articles.get(key)
    if known is None:
        size = info.st_size if stat.S_ISREG(info.st_mode) else 0
        if ck.article_bytes + min(size, MAX_ARTICLE_BYTES + 1) > MAX_STORY_ARTICLE_BYTES:
            os.close(fd)
            return _over_budget(ck, node, name, size)
        try:
            data = read_open(fd, MAX_ARTICLE_BYTES)
        except (Refused, OSError, ValueError) as exc:
            return _unreadable(ck, node, name, parts, exc)
        if ck.article_bytes + len(data) > MAX_STORY_ARTICLE_BYTES:  # grew meanwhile
            return _over_budget(ck, node, name, len(data))
        ck.article_bytes += len(data)
        text = utf8(data)
        del data
        if isinstance(text, BadByte):
            known = NotUtf8(
                f"is not UTF-8: byte 0x{text.byte:02x} at offset {text.offset} "
                f"(line {text.line}, column {text.col}); save it as UTF-8"
            )
        else:
            known = text
        ck.articles[key] = known
    else:
        os.close(fd)
    own = mapgens_own(ck.root.joinpath(*parts), ck.root, ck.story_path)
    if not own and isinstance(known, str):
        own = written_by_mapgen(known)
    if own:  # read first: a regular file inside the folder, then told by identity
        return ck.fail(node, f"file '{name}' {own}; a source must be an article")
    if isinstance(known, NotUtf8):
        return ck.fail(node, f"file '{name}' {known.reason}")
    return known


#: How mapgen's own files begin: a page (its script names ``mapgenStory``), the GeoJSON
#: (its sources list follows the title), and the geocode cache (its header comment).
_MAPGEN_PAGE = re.compile(r"\s*<!DOCTYPE html>")
_MAPGEN_GEOJSON = re.compile(r'\s*\{"type": "FeatureCollection", "title": .*?, "sources": \[', re.S)
_MAPGEN_CACHE = re.compile(r"\s*# geocode-cache\.yaml: ")


def written_by_mapgen(text: str) -> str:
    """Why ``text`` is a file mapgen wrote, wherever it lies now, or "".

    :func:`mapgens_own` tells the story's own files by identity; a copy of a map built
    with ``-o`` elsewhere, or a cache renamed, would otherwise verify any quote it holds.
    """
    head = text[:4096]
    if _MAPGEN_PAGE.match(head) and "mapgenStory" in text:
        return "is a map page mapgen wrote"
    if _MAPGEN_GEOJSON.match(head):
        return "is a GeoJSON file mapgen wrote"
    if _MAPGEN_CACHE.match(head):
        return "is a geocode cache mapgen wrote"
    return ""


@dataclass(frozen=True)
class NotUtf8:
    """Why an article read once cannot be a source's, said again for each that names it."""

    reason: str


def _over_budget(ck: Checker, node: Node, name: str, size: int) -> Any:
    total = size_text(ck.article_bytes + size)
    return ck.fail(
        node,
        f"file '{name}' brings the articles to {total}, more than the"
        f" {size_text(MAX_STORY_ARTICLE_BYTES)} a story's articles may hold in all (each"
        " file counted once); split the story, or quote shorter articles",
    )


def read_file(ck: Checker, node: Node, name: str, limit: int) -> Any:
    """The bytes of the regular file ``name`` within the story folder, or :data:`BAD`
    once the reason it cannot be read is reported.

    A story folder is shared and published as a whole, so a file it names must be in it:
    no absolute path, no ``..``, and no symlink on the way, not even one that points
    inside (it would break when the folder is copied, and can be swapped to point
    anywhere).  The file is opened once, each folder on the way from the one above it,
    none through a symlink, and read from that handle (:func:`~mapgen.fsutil.read_inside`):
    a check of the name followed by a read of the name could be raced.
    """
    parts = _parts(name)
    if isinstance(parts, str):
        return ck.fail(node, parts)
    try:
        return read_inside(ck.root, parts, limit)
    except (Refused, OSError, ValueError) as exc:
        return _unreadable(ck, node, name, parts, exc)


def _unreadable(ck: Checker, node: Node, name: str, parts: list[str], exc: Exception) -> Any:
    """Report why the file ``name`` could not be opened or read (:func:`read_file`)."""
    if isinstance(exc, Refused):
        hint = "copy the article into the story folder" if "symlink" in exc.reason else ""
        return ck.fail(node, f"file '{name}' {exc.reason}" + (f"; {hint}" if hint else ""))
    if isinstance(exc, FileNotFoundError):
        return ck.fail(node, f"file '{name}' does not exist in the story folder{_hint(ck, parts)}")
    reason = getattr(exc, "strerror", None) or exc  # unreadable, a name too long...
    return ck.fail(node, f"file '{name}' cannot be read: {reason}")


def _parts(name: str) -> list[str] | str:
    """The folders and file of ``name``, relative to the story folder, or why not."""
    if any(char < " " for char in name):
        return f"file {name!r} has a control character in its name"
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute():
        return f"file '{name}' is an absolute path; give it relative to the story folder"
    parts = [part for part in re.split(r"[\\/]", name) if part not in ("", ".")]
    if ".." in parts:
        return f"file '{name}' uses '..'; sources must lie inside the story folder"
    if not parts:
        return f"file '{name}' is not a regular file"
    return parts


def _hint(ck: Checker, parts: list[str]) -> str:
    """A did-you-mean for the first missing component of a file's path."""
    path = ck.root
    for part in parts:
        if not os.path.lexists(path / part):
            close = difflib.get_close_matches(part, _names_in(path), n=1)
            return f"; did you mean '{close[0]}'?" if close else ""
        path = path / part
    return ""


#: What mapgen writes in a story folder (pipeline.DEFAULT_OUTPUT, geocode.CACHE_NAME).
OUTPUT_FOLDER = "output"
CACHE_FILE = "geocode-cache.yaml"


def mapgens_own(path: Path, root: Path, story: Path | None, output: Path | None = None) -> str:
    """Why the file ``path`` cannot be a source, or "": it is the story file, the geocode
    cache, or something mapgen writes (anything in the output folder, the story's own
    ``output/`` and ``output`` if given, or a temporary file of mapgen's).  Evidence that
    mapgen wrote, or the story itself, would verify anything.

    Told by identity (device and inode), not by name: ``seeds/../places.yaml`` is refused
    before this, but a hard link to the story file has another name.
    """
    if is_temp(path.name):
        return "is a temporary file mapgen writes"
    try:
        me = path.stat()
    except OSError:
        return ""  # reading it will say why
    ident = (me.st_dev, me.st_ino)
    for what, other in (("the story file itself", story), ("the geocode cache", root / CACHE_FILE)):
        if other is not None and _identity(other) == ident:
            return f"is {what}"
    for folder in (root / OUTPUT_FOLDER, output):
        if folder is not None and is_within(path, folder):
            return "is in the output folder, where mapgen writes the map"
    return ""


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def is_within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies under it, by identity (any name of it)."""
    wanted = _identity(folder)
    if wanted is None:
        return False
    return any(_identity(parent) == wanted for parent in (path, *path.parents))


def _names_in(folder: Path) -> list[str]:
    """The names in ``folder``, to suggest one for a misspelt file; none if unreadable."""
    try:
        return sorted(entry.name for entry in folder.iterdir())
    except OSError:
        return []

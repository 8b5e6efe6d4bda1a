"""Read ``places.yaml`` into a :class:`~mapgen.model.Story`, or say everything wrong with it.

An editor writes ``places.yaml`` by hand, so every mistake must come back as a line they can
act on (``places.yaml:LINE:COL: message``), never as a traceback, and all at once: the whole
file is checked and one :class:`~mapgen.errors.StoryError` lists every problem found.

Only PyYAML's safe loader is used, and only to build the node tree; the values are read from
the nodes here, so that each keeps its line and column and so that YAML's surprises (``NO``
read as a boolean, ``5e1`` read as text) can be explained where they happen.  The file is
guarded before it is walked: nesting deeper than :data:`MAX_DEPTH` levels, and aliases that
expand to more than :data:`MAX_NODES` nodes (a "billion laughs") or repeat more than
:data:`MAX_ALIAS_CHARS` characters of text, are refused up front.

Schema
------

Top level (a mapping):

- ``title`` (text, required): the story's title.
- ``description`` (text).
- ``sources`` (list, required, at least one): the articles.
- ``places``, ``routes``, ``areas``, ``events`` (lists).
- ``include`` (list): CSV or GeoJSON files of places in bulk (see :mod:`mapgen.bulk`): a
  file name inside the story folder, or ``{file: ..., kind: ..., source: ..., status: ...}``
  whose other keys are defaults for the file's rows.
- ``left_out`` (list): places the articles mention that the map leaves out on purpose, so
  that ``mapgen check`` does not list them: a name, or ``{name: ..., reason: ...}``.
- ``data_layer``: how the page draws places: ``auto`` (the default: a marker each up to
  1,000 places, one data layer past them), ``always``, ``never``, or a number of places
  past which it draws one data layer.
- ``view``: what the page's first view frames, instead of the densest group of features
  (:mod:`mapgen.page.firstview`): a list of feature ids, or ``{center: [lat, lon], zoom: N}``.
- ``geocoder``: the online geocoder to ask, when a build may go online, for the places the
  cache and the offline gazetteer do not know: a geopy service name (``nominatim``), or a
  mapping with ``name`` (required), ``contact`` (for the user agent), ``api_key_env`` (the
  name of the environment variable holding the API key: a key itself is refused),
  ``api_key_option`` (the geopy option it goes to, default ``api_key``), ``min_delay``
  (seconds between requests; Nominatim: at least 1), ``timeout`` (seconds), ``retries``,
  and ``options`` (passed to the geopy class; secrets such as ``api_key`` are refused).

A *source*:

- ``id`` (required): a slug (lowercase letters, digits, ``-`` and ``_``), unique among sources.
- ``file`` (required): the article's path relative to the story folder. It must be a UTF-8
  text file inside the folder: no absolute path, no ``..``, no symlink anywhere on the way,
  a regular file (not a FIFO or a device), at most 10 MB (:data:`MAX_ARTICLE_BYTES`), and
  the distinct articles at most 100 MB together (:data:`MAX_STORY_ARTICLE_BYTES`).
- ``title`` (required), ``outlet``, ``url`` (text).
- ``date``: a day (``2023-09-05``), a month (``2023-09``) or a year (``2023``).

A *place* (a marker):

- ``id`` (required slug), ``name`` (required text).
- ``kind`` (required): one of ``capital``, ``city``, ``port``, ``military``, ``venue``,
  ``crossing``, ``site``.
- ``query`` (text): what to geocode instead of ``name``; ``"Name, Qualifier"`` narrows by a
  country or a US state (``Springfield, Illinois``).
- ``country`` (text): an ISO code or country name narrowing the geocoder.
- ``feature``: what to look for, one of ``city``, ``capital``, ``country``; default: the
  ``kind`` says (``capital`` -> ``capital``, ``city`` and ``port`` -> ``city``), other kinds
  take countries first, then cities.
- ``coords``: ``[lat, lon]``, two numbers (lat -90..90, lon -180..180); they win over any
  geocoder.
- ``precision``: how sure ``coords`` are, one of ``exact``, ``point``, ``approximate``,
  ``city``, ``region``, ``country``; only with ``coords``, default ``point``.
- ``note`` (text).
- ``status``: how firmly the sources establish it, one of ``reported`` (default),
  ``expected``, ``confirmed``, ``denied``; places, routes, areas and events all take it.
- ``quotes`` (required, at least one).

A *quote*: ``{source: <source id>, text: <words copied verbatim from that article>}``, and
``stance: denies`` for a passage that denies the claim (default ``claims``).

A *route* (a line):

- ``id`` (required slug), ``name`` (required text).
- ``mode`` (required): one of ``rail``, ``road``, ``air``, ``sea``, ``other``.
- ``via`` (required, at least two waypoints, in order). A waypoint is a place id, or an
  inline stop ``{name: <text, required>, coords: [lat, lon], country: <text>,
  feature: <city, capital or country>}``.
- ``schematic`` (``true`` or ``false``, default ``false``): drawn through waypoints, not the
  real track.
- ``note`` (text), ``quotes`` (required, at least one).

An *area* (a shaded country):

- ``id`` (required slug), ``name`` (required text), ``country`` (required: ISO code or name).
- ``note`` (text), ``status``, ``quotes`` (required, at least one).

An *event* (on the timeline):

- ``id`` (required slug), ``title`` (required text).
- ``date`` (required): a day (``2023-09-09``), a month (``2023-07``), a year (``2022``) or
  a range of them (``2023-09-10/2023-09-13``).
- where it happened, exactly one of ``place``, ``route``, ``area``: the id of one.
- ``status``, ``note``, ``quotes`` (required, at least one).

Ids are unique across places, routes, areas and events together. Text values must not be empty.
Anchors and aliases (``&name``, ``*name``, ``<<: *name``) may be used.
"""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import math
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, DocumentStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader

from ..core.errors import Problem, StoryError
from ..core.fsutil import (
    MAX_INPUT_BYTES,
    Refused,
    is_temp,
    open_inside,
    read_inside,
    read_open,
    read_regular,
    size_text,
)
from ..core.values import bad_character, yaml_number_problem
from . import bulk
from .geocoder import (
    GeocoderSetting,
    check_endpoint,
    check_key_env,
    check_options,
    check_service,
)
from .model import (
    FEATURES,
    PLACE_KINDS,
    PRECISIONS,
    ROUTE_MODES,
    STANCES,
    STATUSES,
    Area,
    Event,
    LeftOut,
    Place,
    PlaceTable,
    Pos,
    Quote,
    Route,
    Source,
    Story,
    StoryView,
    Waypoint,
)
from .when import FORMS as _DATE_FORMS
from .when import parse_when

__all__ = ["MAX_ALIAS_CHARS", "MAX_DEPTH", "MAX_NODES", "STORY_FILE", "load_story"]

#: The story file looked for when ``load_story`` is given a folder.
STORY_FILE = "places.yaml"
#: Deepest nesting of lists and mappings accepted; a real story needs about six.
MAX_DEPTH = 50
#: Most nodes aliases may add to the file's own (a "billion laughs" adds billions); a
#: real story adds a few hundred at most.
MAX_NODES = 200_000
#: Most characters of text aliases may add to the file's own: a real story repeats a
#: few short values (a source, a note); a page repeating one long text thousands of
#: times is gigabytes.
MAX_ALIAS_CHARS = 10_000_000
#: Most values, lists and mappings (parser events) ``places.yaml`` may hold: about
#: 150,000 places written out in full, which build in under 2 GB (a tree of 100,000
#: took 1 GB); past this, a story's places belong in an included CSV file.
MAX_EVENTS = 3_000_000
#: Files longer than this (in characters) are counted (:data:`MAX_EVENTS`) before their
#: tree is made; a shorter one makes at most that many nodes (two characters each at
#: least, ``a,`` or ``[]``), so needs no count.
_COUNT_FROM = 2 * MAX_EVENTS
#: Most bytes ``places.yaml`` may hold.
MAX_STORY_BYTES = MAX_INPUT_BYTES
#: Most bytes an article may hold: a long book is 2 MB.  An article's folding for the
#: quotes (:func:`mapgen.sources.fold`) keeps a few numbers for each run of white space;
#: 10 MB written to have millions of runs folds in under 1 GB.
MAX_ARTICLE_BYTES = 10 * 1000 * 1000
#: Most sources a story may have: 100,000 tiny articles take 10 s and 0.5 GB to build, 30 s
#: and 0.7 GB to check; 370,000 (as many as :data:`MAX_EVENTS` lets through) took 85 s
#: to check.
MAX_SOURCES = 100_000
#: Most bytes a story's articles may hold together, each file counted once however many
#: sources name it: the budget's 100 MB of input, and what the page can carry.
MAX_STORY_ARTICLE_BYTES = MAX_INPUT_BYTES

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_MERGE = _TAG + "merge"
_CORE_TAGS = frozenset(
    _TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
# Text that Python reads as a number but YAML 1.1 does not (``5e1``, ``5.0e1``, ``-.5``).
_NUMBERISH = re.compile(r"([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?)(\d+))?\Z")


def load_story(path: str | os.PathLike[str]) -> Story:
    """Load and validate a story: a folder holding ``places.yaml``, or the YAML file itself.

    Each source's article is read into :attr:`Source.text`.  Raises one
    :class:`StoryError` listing every problem found, each with its file, line and column.
    """
    file, yaml_path = _locate(path)
    text = _read_yaml_text(file, yaml_path)
    root = _parse(file, text)
    # The folder's real path, not the file's: the file was read without following a
    # link, and resolving it now could follow one swapped in since (to /etc/x.yaml),
    # making /etc the folder the articles are read from.
    story_path = yaml_path.parent.resolve() / yaml_path.name
    checker = _Checker(file, story_path.parent, text, story_path)
    story = checker.story(root, story_path)
    if checker.problems or story is None:
        raise StoryError(checker.sorted_problems())
    return story


# --- reading the file -------------------------------------------------------------------


def _locate(path: str | os.PathLike[str]) -> tuple[str, Path]:
    """The YAML file's name as the user will recognise it, and its path."""
    given = os.fspath(path)
    if os.path.isdir(given):
        given = os.path.normpath(os.path.join(given, STORY_FILE))
    return given, Path(given)


def _fail(problem: Problem) -> StoryError:
    return StoryError([problem])


def _read_yaml_text(file: str, path: Path) -> str:
    """The file's text; a missing, unreadable or non-UTF-8 file stops loading here, and
    so does a symlink, a FIFO or a device, or a file too big to load
    (:func:`~mapgen.fsutil.read_regular`)."""
    try:
        data = read_regular(path, MAX_STORY_BYTES)
    except Refused as exc:
        raise _fail(Problem(f"cannot read: it {exc.reason}", file=file)) from None
    except FileNotFoundError:
        where = path.parent.resolve()
        raise _fail(Problem(f"no such file (looked in {where})", file=file)) from None
    except OSError as exc:
        raise _fail(Problem(f"cannot read: {exc.strerror}", file=file)) from None
    text = _utf8(data)
    if isinstance(text, _BadByte):
        message = f"not UTF-8: byte 0x{text.byte:02x} is not valid here; save the file as UTF-8"
        raise _fail(Problem(message, Pos(file, text.line, text.col)))
    return text


@dataclass(frozen=True)
class _BadByte:
    """Where strict UTF-8 decoding failed: byte offset, the byte, 1-based line and column."""

    offset: int
    byte: int
    line: int
    col: int


def _utf8(data: bytes) -> str | _BadByte:
    """Decode strictly, allowing a leading BOM; on failure say where the bad byte is."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        line_start = max(data.rfind(b"\n", 0, offset) + 1, start)
        col = len(data[line_start:offset].decode("utf-8", "replace")) + 1
        return _BadByte(offset, data[offset], data.count(b"\n", 0, offset) + 1, col)


def _text_pos(file: str, text: str, index: int) -> Pos:
    """The position of character ``index`` of ``text``."""
    line_start = text.rfind("\n", 0, index) + 1
    return Pos(file, text.count("\n", 0, index) + 1, index - line_start + 1)


def _mark_pos(file: str, mark: yaml.Mark) -> Pos:
    return Pos(file, mark.line + 1, mark.column + 1)


# --- parsing: syntax, depth, aliases ----------------------------------------------------


def _parse(file: str, text: str) -> Node | None:
    """Compose the single document's node tree, refusing anything unsafe to walk."""
    bad_char = Reader.NON_PRINTABLE.search(text)
    if bad_char:
        message = f"character U+{ord(bad_char.group()):04X} is not allowed in YAML; delete it"
        raise _fail(Problem(message, _text_pos(file, text, bad_char.start())))
    try:
        # The usual story (libyaml, no alias or tag possible) is composed with no event
        # pass first (a fifth of loading a big one), its depth checked on the tree.
        maybe = ("*" in text or "!" in text) and _MAYBE_SHARED.search(text)
        scan_first = _Loader is yaml.SafeLoader or bool(maybe) or len(text) > _COUNT_FROM
        shared = _scan(file, text) if scan_first else False
        root = yaml.compose(text, Loader=_Loader)
        if not scan_first:
            _check_depth(file, root)
    except ComposerError as exc:
        if exc.problem_mark is not None and "another document" in (exc.problem or ""):
            raise _fail(Problem(_SECOND_DOCUMENT, _mark_pos(file, exc.problem_mark))) from None
        raise _fail(_syntax_problem(file, text, exc)) from None
    except yaml.MarkedYAMLError as exc:
        raise _fail(_syntax_problem(file, text, exc)) from None
    except yaml.YAMLError as exc:  # a reader error without a mark: say what PyYAML said
        raise _fail(Problem(f"YAML error: {exc}", file=file)) from None
    if root is not None and shared:
        _check_expansion(file, root)
    return root


#: What could start an alias (``*name``) or an explicit tag (``!tag``) where a YAML value
#: can start; quoted text may match too, which only costs the slower, exact pass.
_MAYBE_SHARED = re.compile(r"(?:^|[\s\[{,:?-])[*!]", re.M)
_SECOND_DOCUMENT = "a second YAML document ('---'); places.yaml must hold only one"


def _check_depth(file: str, root: Node | None) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH`, as :func:`_scan` does, in a tree
    without aliases (each node written once, so its depth is as written).  libyaml itself
    refuses more than 1,000 levels, so composing it first is safe; the pure-Python
    composer recurses, and is always preceded by :func:`_scan`."""
    if root is None:
        return
    level = [root] if not isinstance(root, ScalarNode) else []
    for _ in range(MAX_DEPTH):  # a level at a time: one C-driven pass per level
        below = []
        for node in level:
            if isinstance(node, MappingNode):
                below += [n for pair in node.value for n in pair if type(n) is not ScalarNode]
            else:
                below += [n for n in node.value if type(n) is not ScalarNode]
        if not below:
            return
        level = below
    # Too deep: report the first collection past the limit in the file's order.
    first = min(level, key=lambda node: node.start_mark.index)
    message = f"nesting too deep: more than {MAX_DEPTH} levels of lists and mappings"
    raise _fail(Problem(message, _mark_pos(file, first.start_mark)))


def _scan(file: str, text: str) -> bool:
    """Walk the event stream (no tree yet): refuse deep nesting and a second document.

    The composer recurses once per level, so depth must be checked before composing.
    Returns whether the document has aliases or explicit tags: only then can its tree be
    bigger or deeper than its lines, or hold a tag mapgen refuses, and need walking whole
    (:func:`_check_expansion`; seconds for a story of 100,000 places).
    """
    depth = documents = 0
    maybe = "*" in text or "!" in text  # what an alias or a tag starts with
    shared = False
    for count, event in enumerate(yaml.parse(text, Loader=_Loader)):
        if count > MAX_EVENTS:  # before a tree of them is made: 450 bytes a node
            message = (
                f"too big: more than {MAX_EVENTS:,} values, lists and mappings; put big"
                " sets of places in an included CSV file"
            )
            raise _fail(Problem(message, _mark_pos(file, event.start_mark)))
        if maybe and not shared:
            shared = isinstance(event, AliasEvent) or getattr(event, "tag", None) is not None
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                message = f"nesting too deep: more than {MAX_DEPTH} levels of lists and mappings"
                raise _fail(Problem(message, _mark_pos(file, event.start_mark)))
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        elif isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _fail(Problem(_SECOND_DOCUMENT, _mark_pos(file, event.start_mark)))
    return shared


def _syntax_problem(file: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """PyYAML's own words, at its mark, with a plainer message for the common tab mistake."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return Problem(f"YAML syntax error: {exc.problem or exc}", file=file)
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    if line[mark.column : mark.column + 1] == "\t":
        return Problem("tab character: YAML must be indented with spaces", _mark_pos(file, mark))
    message = f"YAML syntax error: {exc.problem or exc.context}"
    if exc.context and exc.context_mark and exc.context_mark.line != mark.line:
        message += f" ({exc.context} at line {exc.context_mark.line + 1})"
    return Problem(message, _mark_pos(file, mark))


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, SequenceNode):
        yield from node.value
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            yield key
            yield value


def _check_expansion(file: str, root: Node) -> None:
    """Refuse what walking the tree would choke on, before walking it.

    The composer shares an aliased node instead of copying it, so a few lines can stand
    for billions of nodes, or nest far deeper than any line does.
    """
    size, depth, chars = _measure(file, root)
    # What aliases add: the expanded tree beyond the nodes written.  A story of 100,000
    # places is millions of nodes, all written out; an alias bomb is a few lines.
    if size[id(root)] - len(size) > MAX_NODES:
        culprit = _descend(root, lambda node, _level: size[id(node)] > MAX_NODES)
        message = f"too many nodes: aliases expand to more than {MAX_NODES:,} ({size[id(root)]:,})"
        raise _fail(Problem(message, _mark_pos(file, culprit.start_mark)))
    # And in text: one long value repeated by a few thousand aliases is few nodes, but
    # each copy is rendered on the page and in the GeoJSON (a 1 MiB text aliased 2,000
    # times made a 4 GB build).  What the aliases add beyond the text written is counted.
    written = sum(len(node.value) for node in _distinct_scalars(root))
    if chars[id(root)] - written > MAX_ALIAS_CHARS:
        culprit = _descend(root, lambda node, _level: chars[id(node)] > MAX_ALIAS_CHARS)
        message = (
            f"too much text through aliases: they repeat {chars[id(root)] - written:,}"
            f" characters, more than {MAX_ALIAS_CHARS:,}; write the text once"
        )
        raise _fail(Problem(message, _mark_pos(file, culprit.start_mark)))
    if depth[id(root)] > MAX_DEPTH:
        culprit = _descend(root, lambda node, level: level + depth[id(node)] > MAX_DEPTH + 1)
        message = f"nesting too deep: aliases nest lists and mappings more than {MAX_DEPTH} levels"
        raise _fail(Problem(message, _mark_pos(file, culprit.start_mark)))


def _distinct_scalars(root: Node) -> Iterator[ScalarNode]:
    """Each scalar node of the tree once, however many aliases share it."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            yield node
        else:
            stack.extend(_children(node))


def _measure(file: str, root: Node) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Expanded size, nesting depth and characters of text of every distinct node, keyed
    by ``id(node)``.

    One post-order pass over the distinct nodes, iterative because alias chains can be
    deeper than Python's recursion limit.  A node met again before it is finished is its
    own ancestor (``&a [*a]``), and a tag other than YAML's own is refused here too.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    chars: dict[int, int] = {}
    entered: set[int] = set()
    bad_tags: list[Problem] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            kids = list(_children(node))
            size[key] = 1 + sum(size[id(kid)] for kid in kids)
            nested = 1 if isinstance(node, (MappingNode, SequenceNode)) else 0
            depth[key] = nested + max((depth[id(kid)] for kid in kids), default=0)
            chars[key] = (
                len(node.value) if type(node) is ScalarNode else sum(chars[id(k)] for k in kids)
            )
        elif key in entered:
            if key not in size:
                message = (
                    "an alias refers to a list or mapping that contains it; YAML here cannot loop"
                )
                raise _fail(Problem(message, _mark_pos(file, node.start_mark)))
        else:
            entered.add(key)
            if node.tag not in _CORE_TAGS:
                tag = node.tag.replace(_TAG, "!!", 1)
                message = f"unsupported YAML tag {tag}; mapgen reads plain YAML only"
                bad_tags.append(Problem(message, _mark_pos(file, node.start_mark)))
            stack.append((node, True))
            stack.extend((kid, False) for kid in _children(node))
    if bad_tags:
        raise StoryError(bad_tags)
    return size, depth, chars


def _descend(root: Node, too_big: Callable[[Node, int], bool]) -> Node:
    """The innermost node on the first path from ``root`` whose nodes are all too big."""
    node, level = root, 1
    while True:
        kid = next((k for k in _children(node) if too_big(k, level + 1)), None)
        if kid is None or level > MAX_DEPTH:
            return node
        node, level = kid, level + 1


# --- checking: from nodes to model objects ----------------------------------------------

_TOP = "the top level"
"""The noun for the top-level mapping in messages."""

_BAD: Any = object()
"""What a converter returns for an invalid value, once it has reported the problem."""

Convert = Callable[["_Checker", Node, str], Any]
"""Reads one node; ``label`` (usually its key) starts every message about it."""


@dataclass(frozen=True)
class _Field:
    """One key of a mapping: how to read its value and whether it must be there."""

    convert: Convert
    required: bool = False


@dataclass
class _Record:
    """A mapping read against a field spec.

    ``values`` holds the keys that were present and valid, under their own names (which
    are the model's field names); ``nodes`` the value node of every key present, for
    positions.  ``ok`` is false if any key was missing, unknown or invalid.
    """

    pos: Pos
    values: dict[str, Any]
    nodes: dict[str, Node]
    ok: bool


class _Checker:
    """Reads the node tree into model objects, collecting every problem on the way."""

    def __init__(
        self, file: str, root: Path, text: str = "", story_path: Path | None = None
    ) -> None:
        self.file = file
        self.root = root
        #: The file's text, to point at the escape that made a refused character.
        self.text = text
        self.story_path = story_path
        self.problems: list[Problem] = []
        self.source_ids: dict[str, Pos] = {}
        self.place_ids: dict[str, Pos | None] = {}  # None: a bulk file's (where, if asked)
        self.route_ids: dict[str, Pos] = {}
        self.area_ids: dict[str, Pos] = {}
        self.feature_ids: list[tuple[str, Pos]] = []
        #: The ids of the bulk files read a column at a time, and where each is.
        self.bulk_ids: list[tuple[list[str], Callable[[int], Pos]]] = []
        #: Each article read, by the identity of its file (device, inode): read once.
        self.articles: dict[tuple[int, int], str | _NotUtf8] = {}
        #: The bytes of the distinct articles read (:data:`MAX_STORY_ARTICLE_BYTES`).
        self.article_bytes = 0
        self._constructor = SafeConstructor()

    # - reporting -

    def pos(self, node: Node) -> Pos:
        return _mark_pos(self.file, node.start_mark)

    def fail(self, where: Node | Pos, message: str) -> Any:
        """Record a problem at a node or position; returns :data:`_BAD` for converters."""
        pos = where if isinstance(where, Pos) else self.pos(where)
        self.problems.append(Problem(message, pos))
        return _BAD

    def sorted_problems(self) -> list[Problem]:
        """In file order, each once: a node shared through an alias reports only once."""
        unique = list(dict.fromkeys(self.problems))
        return sorted(unique, key=self._order)

    def _order(self, problem: Problem) -> tuple[bool, str, int, int]:
        """places.yaml first, then the files it includes, each in line order."""
        pos = problem.pos
        file = pos.file if pos else problem.file or self.file
        line, col = (pos.line, pos.col) if pos else (0, 0)
        return (file != self.file, file, line, col)

    # - the story -

    def story(self, root: Node | None, path: Path) -> Story | None:
        if root is None:
            self.fail(Pos(self.file, 1, 1), "the file is empty; a story needs title: and sources:")
            return None
        record = self.mapping(root, _STORY, _TOP)
        self.check_unique_ids()
        if record is None or not record.ok:
            return None
        values = record.values
        return Story(
            title=values["title"],
            path=path,
            sources=values["sources"],
            places=PlaceTable([values.get("places", []), *values.get("include", [])]),
            routes=values.get("routes", []),
            areas=values.get("areas", []),
            description=values.get("description"),
            geocoder=values.get("geocoder"),
            data_layer=values.get("data_layer", "auto"),
            events=values.get("events", []),
            left_out=values.get("left_out", []),
            view=values.get("view"),
        )

    def check_unique_ids(self) -> None:
        """Places, routes, areas and events share one id space: their ids become GeoJSON
        ids, and the page's reader finds a feature's quotes by its id."""
        ids = [feature_id for feature_id, _ in self.feature_ids]
        ids += [feature_id for bulk_ids, _ in self.bulk_ids for feature_id in bulk_ids]
        if len(set(ids)) == len(ids):  # the usual case, told without sorting 100,000
            return
        everywhere = self.feature_ids + [
            (feature_id, pos_of(k))
            for bulk_ids, pos_of in self.bulk_ids
            for k, feature_id in enumerate(bulk_ids)
        ]
        first: dict[str, Pos] = {}
        for feature_id, pos in sorted(
            everywhere,
            key=lambda item: (item[1].file != self.file, item[1].line, item[1].col),
        ):
            if feature_id in first:
                at = first[feature_id]
                where = f"line {at.line}" if at.file == pos.file else f"{at.file}:{at.line}"
                self.fail(pos, f"duplicate id '{feature_id}' (first at {where})")
            else:
                first[feature_id] = pos

    # - mappings -

    def mapping(self, node: Node, spec: dict[str, _Field], noun: str) -> _Record | None:
        """Read ``node`` against ``spec``, in the spec's order (sources before places...)."""
        if not isinstance(node, MappingNode):
            self.fail(node, f"{noun} must be a mapping of key: value lines, {_not(node)}")
            return None
        pairs = self.pairs(node)
        ok = self.check_keys(node, pairs, spec, noun)
        values: dict[str, Any] = {}
        nodes: dict[str, Node] = {}
        for key, fld in spec.items():
            if key in pairs:
                nodes[key] = value_node = pairs[key][1]
                value = fld.convert(self, value_node, key)
                if value is _BAD:
                    ok = False
                else:
                    values[key] = value
        return _Record(self.pos(node), values, nodes, ok)

    def check_keys(
        self,
        node: MappingNode,
        pairs: dict[str, tuple[Node, Node]],
        spec: dict[str, _Field],
        noun: str,
    ) -> bool:
        """Report unknown keys (with a did-you-mean) and missing required ones."""
        name = _id_hint(pairs)
        where = "at the top level" if noun == _TOP else f"in {noun}{name}"
        unknown = [key_node for key, (key_node, _) in pairs.items() if key not in spec]
        for key_node in unknown:
            key = key_node.value
            self.fail(key_node, f"unknown key '{key}' {where}{_suggest(key, list(spec))}")
        missing = [key for key, fld in spec.items() if fld.required and key not in pairs]
        if missing:
            keys = ", ".join(f"'{key}'" for key in missing)
            self.fail(node, f"{noun}{name} is missing {keys}")
        return not unknown and not missing

    def pairs(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        """Key -> (key node, value node); duplicates reported, ``<<`` merges applied.

        Keys written in the mapping win over merged ones; among merged mappings the first
        wins, as YAML's merge key specifies.
        """
        own: dict[str, tuple[Node, Node]] = {}
        merged: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                for source in self.merge_sources(value_node):
                    for key, pair in self.pairs(source).items():
                        merged.setdefault(key, pair)
                continue
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, f"a key must be a plain word like name:, {_not(key_node)}")
                continue
            key = key_node.value
            if key in own:
                first = self.pos(own[key][0]).line
                self.fail(key_node, f"duplicate key '{key}' (first at line {first})")
                continue
            own[key] = (key_node, value_node)
        return {**merged, **own}

    def merge_sources(self, node: Node) -> list[MappingNode]:
        if isinstance(node, MappingNode):
            return [node]
        if isinstance(node, SequenceNode) and all(isinstance(n, MappingNode) for n in node.value):
            return list(node.value)
        self.fail(node, "<< must merge a mapping: write <<: *name, with &name on a mapping")
        return []

    # - scalars -

    def scalar_value(self, node: ScalarNode) -> Any:
        """What PyYAML would make of the scalar, or :data:`_BAD` if it cannot (``!!int x``)."""
        try:
            return self._constructor.construct_object(node)
        except (ValueError, KeyError, TypeError, yaml.YAMLError):
            return _BAD

    def reading(self, node: ScalarNode) -> str:
        """How YAML read a scalar that is not plain text, in the user's terms."""
        value = self.scalar_value(node)
        kind = node.tag[len(_TAG) :]
        if value is _BAD:
            return f"YAML cannot read {node.value} as a {kind}"
        if kind == "bool":
            return f"YAML reads {node.value} as the boolean {str(value).lower()}"
        if kind == "null":
            return f"YAML reads {node.value} as null (no value)"
        if kind in ("int", "float"):
            return f"YAML reads {node.value} as the number {value}"
        if kind == "timestamp":
            return f"YAML reads {node.value} as a date"
        return f"YAML reads {node.value} as text"


def _is_empty(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _TAG + "null" and node.value == ""


def _not(node: Node) -> str:
    """What a node of the wrong shape is, as the end of a message: "not a list"."""
    if isinstance(node, SequenceNode):
        return "not a list"
    if isinstance(node, MappingNode):
        return "not a mapping"
    if _is_empty(node):
        return "not an empty value"
    return f"not {node.value!r}"


def _id_hint(pairs: dict[str, tuple[Node, Node]]) -> str:
    """`` 'pier-33'`` to name the mapping in messages, if it has a readable id."""
    id_node = pairs.get("id", (None, None))[1]
    if isinstance(id_node, ScalarNode) and id_node.value:
        return f" '{id_node.value}'"
    return ""


#: One did-you-mean for places.yaml and the files it includes.
_suggest = bulk.suggest


# --- converters: one per kind of value --------------------------------------------------


def _text(ck: _Checker, node: Node, label: str) -> Any:
    """Non-empty text; a scalar YAML read as something else gets a 'use quotes' hint."""
    if not isinstance(node, ScalarNode):
        return ck.fail(node, f"{label} must be text, {_not(node)}")
    if _is_empty(node):
        return ck.fail(node, f"{label} has no value; write it, or remove the key")
    if node.tag != _TAG + "str":
        reading = ck.reading(node)
        return ck.fail(
            node, f'{label}: {reading}; write "{node.value}" in quotes if you mean the text'
        )
    if not node.value.strip():
        return ck.fail(node, f"{label} is empty")
    bad = bad_character(node.value)
    if bad is not None:
        return ck.fail(_char_pos(ck, node, node.value[bad[0]]), f"{label}: {bad[1]}")
    return node.value


#: An escape in a double-quoted YAML scalar, or one character.
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|.", re.S)
#: What YAML's one-letter escapes stand for (those that make a character other than
#: themselves).
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f"}
_ESCAPES |= {"r": "\r", "e": "\x1b", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


def _char_pos(ck: _Checker, node: ScalarNode, char: str) -> Pos:
    """Where ``char`` of the scalar's value is written: the escape that makes it (``\\e``,
    ``\\x07``), or the character itself; the scalar's start if it cannot be told."""
    start, end = node.start_mark.index, node.end_mark.index
    if not ck.text or end > len(ck.text):
        return ck.pos(node)
    if node.style != '"':  # no escapes: the character is written as itself
        at = ck.text.find(char, start, end)
        return _text_pos(ck.file, ck.text, at) if at >= 0 else ck.pos(node)
    for found in _ESCAPE.finditer(ck.text, start, end):
        written = found.group()
        code = written[1:2]
        made = chr(int(written[2:], 16)) if code and code in "xuU" else written
        if made == char or (len(written) == 2 and _ESCAPES.get(code) == char):
            return _text_pos(ck.file, ck.text, found.start())
    return ck.pos(node)


def _slug(ck: _Checker, node: Node, label: str) -> Any:
    value = _text(ck, node, label)
    if value is not _BAD and not _SLUG.match(value):
        return ck.fail(
            node,
            f"{label} '{value}' must be a slug: lowercase letters, digits, '-' and '_', "
            "starting with a letter or digit",
        )
    return value


def _choice(options: Sequence[str]) -> Convert:
    """Text that must be one of ``options``."""

    def convert(ck: _Checker, node: Node, label: str) -> Any:
        value = _text(ck, node, label)
        if value is not _BAD and value not in options:
            return ck.fail(node, f"{label}: unknown value '{value}'{_suggest(value, options)}")
        return value

    return convert


def _number(ck: _Checker, node: Node, label: str) -> Any:
    """An int or float as YAML reads it; text that merely looks like a number is explained."""
    if not isinstance(node, ScalarNode):
        return ck.fail(node, f"{label} must be a number, {_not(node)}")
    if _is_empty(node):
        return ck.fail(node, f"{label} has no value; write a number")
    if node.tag in (_TAG + "int", _TAG + "float"):
        value = ck.scalar_value(node)
        if value is _BAD or (isinstance(value, float) and not math.isfinite(value)):
            return ck.fail(node, f"{label} must be a finite number, not {node.value}")
        problem = yaml_number_problem(node.value, value)
        if problem:  # ``010`` is 8 in YAML 1.1, ``0x10`` 16, ``1:30`` 90, ``1_0`` 10
            return ck.fail(node, f"{label}: {problem}")
        return value
    if node.tag != _TAG + "str":
        return ck.fail(node, f"{label}: {ck.reading(node)}, not a number")
    if node.style:  # quoted
        return ck.fail(
            node,
            f'{label}: "{node.value}" is in quotes, so YAML reads it as text; '
            "remove the quotes to make it a number",
        )
    hint = _number_hint(node.value)
    if hint:
        return ck.fail(node, f"{label}: YAML reads {node.value} as text, not a number ({hint})")
    return ck.fail(node, f"{label} must be a number, not the text '{node.value}'")


def _number_hint(raw: str) -> str | None:
    """How to write ``raw`` so that YAML 1.1 reads a number, if Python would read one."""
    match = _NUMBERISH.match(raw)
    if not match or not any(c.isdigit() for c in raw):
        return None
    value = float(raw)
    plain = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    sign, whole, fraction, exp_sign, exponent = match.groups()
    if exponent is None:
        return f"write {plain}"
    mantissa = f"{sign}{whole or '0'}.{fraction or '0'}"
    return f"YAML 1.1 needs a dot: {mantissa}e{exp_sign or '+'}{exponent}, or write {plain}"


def _bool(ck: _Checker, node: Node, label: str) -> Any:
    """A real YAML boolean: a quoted "yes" is text, and text is not true."""
    if isinstance(node, ScalarNode) and node.tag == _TAG + "bool":
        value = ck.scalar_value(node)
        return ck.fail(node, f"{label}: {ck.reading(node)}") if value is _BAD else value
    if isinstance(node, ScalarNode) and node.tag == _TAG + "str" and node.style:
        return ck.fail(
            node,
            f'{label}: "{node.value}" is in quotes, so YAML reads it as text; '
            "write true or false without quotes",
        )
    return ck.fail(node, f"{label} must be true or false, {_not(node)}")


def _date_text(ck: _Checker, node: Node, label: str) -> Any:
    """The date as ISO text, whatever YAML made of it.

    Unquoted, ``2023-09-05`` is a YAML date and ``2022`` a number, while ``2023-09`` and
    ``2023-09-10/2023-09-13`` are text: each is read back to the text written.
    """
    if isinstance(node, ScalarNode) and node.tag == _TAG + "timestamp":
        value = ck.scalar_value(node)
        if value is _BAD:
            return ck.fail(node, f"{label}: {node.value} is not a real date")
        if isinstance(value, dt.datetime):
            return ck.fail(node, f"{label}: give a day such as {value.date()}, not a time of day")
        return value.isoformat()
    if (
        isinstance(node, ScalarNode)
        and node.tag == _TAG + "int"
        and re.fullmatch(r"\d{4}", node.value)
    ):
        return node.value  # a year
    if isinstance(node, ScalarNode) and node.tag in (_TAG + "int", _TAG + "float"):
        return ck.fail(node, f"{label}: {ck.reading(node)}; write {_DATE_FORMS}")
    return _text(ck, node, label)


def _date(ck: _Checker, node: Node, label: str) -> Any:
    """One day, month or year (a source's date): ``2023-09-05``, ``2023-09``, ``2023``."""
    text = _date_text(ck, node, label)
    if text is _BAD:
        return _BAD
    when = parse_when(text, ranges=False)
    return ck.fail(node, f"{label}: {when}") if isinstance(when, str) else when.text


def _when(ck: _Checker, node: Node, label: str) -> Any:
    """A day, month, year or range (an event's date), as a :class:`~mapgen.model.When`."""
    text = _date_text(ck, node, label)
    if text is _BAD:
        return _BAD
    when = parse_when(text)
    return ck.fail(node, f"{label}: {when}") if isinstance(when, str) else when


def _coords(ck: _Checker, node: Node, label: str) -> Any:
    """``[lat, lon]``: every problem points at the number (or the list) it is about."""
    if not isinstance(node, SequenceNode):
        return ck.fail(node, f"{label} must be a list [lat, lon], {_not(node)}")
    items = node.value
    if len(items) > 2:
        return ck.fail(items[2], f"{label} has {len(items)} numbers; write [lat, lon]")
    if len(items) < 2:
        return ck.fail(node, f"{label} needs two numbers [lat, lon], got {len(items)}")
    lat = _number(ck, items[0], "lat")
    lon = _number(ck, items[1], "lon")
    if lat is _BAD or lon is _BAD:
        return _BAD
    ok = True
    for value, limit, name, item in (
        (lat, 90, "latitude", items[0]),
        (lon, 180, "longitude", items[1]),
    ):
        if not -limit <= value <= limit:
            swapped = " (are lat and lon swapped?)" if name == "latitude" and abs(lon) <= 90 else ""
            ck.fail(item, f"{name} {item.value} is out of range -{limit}..{limit}{swapped}")
            ok = False
    return (float(lat), float(lon)) if ok else _BAD


def _list_of(
    item: Convert, noun: str, min_items: int = 0, max_items: Callable[[], int] | None = None
) -> Convert:
    """A list whose items are read by ``item`` (called with ``noun`` as their label), at
    most ``max_items()`` of them (asked when read, so that tests can lower it)."""

    def convert(ck: _Checker, node: Node, label: str) -> Any:
        if not isinstance(node, SequenceNode):
            if _is_empty(node):
                return ck.fail(node, f"{label} has no value; list the {noun}s, or remove the key")
            return ck.fail(
                node, f"{label} must be a list of {noun}s (lines starting with -), {_not(node)}"
            )
        if len(node.value) < min_items:
            wanted = f"{min_items} {noun}" + ("" if min_items == 1 else "s")
            return ck.fail(node, f"{label} needs at least {wanted}, got {len(node.value)}")
        most = max_items() if max_items is not None else None
        if most is not None and len(node.value) > most:
            return ck.fail(
                node.value[most],
                f"{label}: more than {most:,} {noun}s ({len(node.value):,}); split the story",
            )
        values = [item(ck, child, noun) for child in node.value]
        return _BAD if any(value is _BAD for value in values) else values

    return convert


# --- the sections -----------------------------------------------------------------------


def _quote(ck: _Checker, node: Node, label: str) -> Any:
    """Its ``pos`` is the text's: a quote missing from its article is reported there."""
    record = ck.mapping(node, _QUOTE, label)
    if record is None:
        return _BAD
    source = record.values.get("source")
    if source is not None and ck.source_ids and source not in ck.source_ids:
        ck.fail(
            record.nodes["source"],
            f"source: unknown source '{source}'{_suggest(source, list(ck.source_ids))}",
        )
        return _BAD
    if not record.ok:
        return _BAD
    stance = record.values.get("stance", "claims")
    return Quote(source, record.values["text"], ck.pos(record.nodes["text"]), stance)


def _source(ck: _Checker, node: Node, label: str) -> Any:
    record = ck.mapping(node, _SOURCE, label)
    if record is None:
        return _BAD
    source_id = record.values.get("id")
    if source_id is not None:
        if source_id in ck.source_ids:
            first = ck.source_ids[source_id].line
            ck.fail(
                record.nodes["id"], f"duplicate source id '{source_id}' (first at line {first})"
            )
            record.ok = False
        else:
            ck.source_ids[source_id] = ck.pos(record.nodes["id"])
    if "file" not in record.values:
        return _BAD
    text = _article(ck, record.nodes["file"], record.values["file"])
    if text is _BAD or not record.ok:
        return _BAD
    return Source(pos=record.pos, text=text, **record.values)


def article_limit() -> int:
    """The most bytes an article may hold, as a story's sources may (``mapgen extract``
    holds the articles it reads to it too); read when called, so a test can lower it."""
    return MAX_ARTICLE_BYTES


def _article(ck: _Checker, node: Node, name: str) -> Any:
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
        text = _utf8(data)
        del data
        if isinstance(text, _BadByte):
            known = _NotUtf8(
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
    if isinstance(known, _NotUtf8):
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
class _NotUtf8:
    """Why an article read once cannot be a source's, said again for each that names it."""

    reason: str


def _over_budget(ck: _Checker, node: Node, name: str, size: int) -> Any:
    total = size_text(ck.article_bytes + size)
    return ck.fail(
        node,
        f"file '{name}' brings the articles to {total}, more than the"
        f" {size_text(MAX_STORY_ARTICLE_BYTES)} a story's articles may hold in all (each"
        " file counted once); split the story, or quote shorter articles",
    )


def _read_inside(ck: _Checker, node: Node, name: str, limit: int) -> Any:
    """The bytes of the regular file ``name`` within the story folder, or :data:`_BAD`
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


def _unreadable(ck: _Checker, node: Node, name: str, parts: list[str], exc: Exception) -> Any:
    """Report why the file ``name`` could not be opened or read (:func:`_read_inside`)."""
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


def _hint(ck: _Checker, parts: list[str]) -> str:
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


def _place(ck: _Checker, node: Node, label: str) -> Any:
    record = ck.mapping(node, _PLACE, label)
    if record is None:
        return _BAD
    _note_feature(ck, record)
    if "id" in record.values:
        ck.place_ids.setdefault(record.values["id"], record.pos)
    values = record.values
    if "precision" in record.nodes and "coords" not in record.nodes:
        ck.fail(
            record.nodes["precision"],
            "precision says how sure coords are; add coords: [lat, lon] or remove precision",
        )
        return _BAD
    if not record.ok:
        return _BAD
    if "coords" in values:
        values.setdefault("precision", "point")
    return Place(pos=record.pos, **values)


def _waypoint(ck: _Checker, node: Node, label: str) -> Any:
    """A place id (it must exist: places are read before routes) or an inline stop."""
    if isinstance(node, MappingNode):
        record = ck.mapping(node, _STOP, "a waypoint")
        if record is None or not record.ok:
            return _BAD
        return Waypoint(pos=record.pos, **record.values)
    place = _text(ck, node, label)
    if place is _BAD:
        return _BAD
    if place not in ck.place_ids:
        hint = _suggest(place, list(ck.place_ids))
        return ck.fail(node, f"via: no place with id '{place}'{hint}")
    return Waypoint(pos=ck.pos(node), place=place)


def _route(ck: _Checker, node: Node, label: str) -> Any:
    record = ck.mapping(node, _ROUTE, label)
    if record is None:
        return _BAD
    _note_feature(ck, record)
    if "id" in record.values:
        ck.route_ids.setdefault(record.values["id"], record.pos)
    return Route(pos=record.pos, **record.values) if record.ok else _BAD


def _area(ck: _Checker, node: Node, label: str) -> Any:
    record = ck.mapping(node, _AREA, label)
    if record is None:
        return _BAD
    _note_feature(ck, record)
    if "id" in record.values:
        ck.area_ids.setdefault(record.values["id"], record.pos)
    return Area(pos=record.pos, **record.values) if record.ok else _BAD


def _reference(kind: str) -> Convert:
    """The id of a place, route or area (read before events) that must exist."""

    def convert(ck: _Checker, node: Node, label: str) -> Any:
        value = _text(ck, node, label)
        if value is _BAD:
            return _BAD
        known = {"place": ck.place_ids, "route": ck.route_ids, "area": ck.area_ids}[kind]
        if value not in known:
            return ck.fail(
                node, f"{label}: no {kind} with id '{value}'{_suggest(value, list(known))}"
            )
        return value

    return convert


def _event(ck: _Checker, node: Node, label: str) -> Any:
    """An event: where it happened is exactly one of its place, route or area."""
    record = ck.mapping(node, _EVENT, label)
    if record is None:
        return _BAD
    _note_feature(ck, record)
    where = [key for key in ("place", "route", "area") if key in record.nodes]
    if len(where) > 1:
        second = record.nodes[where[1]]
        return ck.fail(
            _key_node(node, where[1]) or second,
            f"event{_id_of(record)} is at one place, route or area; it has both"
            f" {where[0]}: and {where[1]}:",
        )
    if not where:
        return ck.fail(
            record.pos,
            f"event{_id_of(record)} needs where it happened: place:, route: or area: (an id)",
        )
    return Event(pos=record.pos, **record.values) if record.ok else _BAD


def _key_node(node: Node, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return key_node
    return None


def _id_of(record: _Record) -> str:
    value = record.values.get("id")
    return f" '{value}'" if value else ""


def _left_out(ck: _Checker, node: Node, label: str) -> Any:
    """A name (``United States``) or ``{name: ..., reason: ...}``."""
    if isinstance(node, MappingNode):
        record = ck.mapping(node, _LEFT_OUT, "a left-out place")
        if record is None or not record.ok:
            return _BAD
        return LeftOut(pos=record.pos, **record.values)
    name = _text(ck, node, "left_out")
    return _BAD if name is _BAD else LeftOut(name=name, pos=ck.pos(node))


def _include(ck: _Checker, node: Node, label: str) -> Any:
    """A CSV or GeoJSON file of places (see :mod:`mapgen.bulk`): its name, or
    ``{file: ..., kind: ..., source: ..., status: ...}`` with defaults for its rows."""
    if isinstance(node, MappingNode):
        record = ck.mapping(node, _INCLUDE, "an include")
        if record is None or not record.ok:
            return _BAD
        values, file_node = record.values, record.nodes["file"]
    else:
        name = _text(ck, node, label)
        if name is _BAD:
            return _BAD
        values, file_node = {"file": name}, node
    name = values.pop("file")
    if not name.lower().endswith(bulk.BULK_SUFFIXES):
        return ck.fail(file_node, f"{label}: '{name}' is not a .csv, .geojson or .json file")
    data = _read_inside(ck, file_node, name, bulk.MAX_BYTES)
    if data is _BAD:
        return _BAD
    shown = os.path.join(os.path.dirname(ck.file), *re.split(r"[\\/]", name))
    places, problems = bulk.read_places(
        Path(shown), shown, bulk.Defaults(**values), ck.source_ids, data=data
    )
    ck.problems += problems
    if isinstance(places, bulk.Rows):  # ids a column at a time; positions if a message needs them
        ids = places.columns.ids
        ck.place_ids.update(dict.fromkeys(ids) | ck.place_ids)
        ck.bulk_ids.append((ids, places.columns.pos))
        return _BAD if problems else (places.columns, places.make)
    for place in places:
        ck.place_ids.setdefault(place.id, place.pos)
        ck.feature_ids.append((place.id, place.pos))
    return _BAD if problems else places


def _note_feature(ck: _Checker, record: _Record) -> None:
    if "id" in record.values:
        ck.feature_ids.append((record.values["id"], ck.pos(record.nodes["id"])))


def _service(ck: _Checker, node: Node, label: str) -> Any:
    """A geopy service name (``nominatim``, ``photon`` ...)."""
    value = _text(ck, node, label)
    if value is _BAD:
        return _BAD
    problem = check_service(value)
    return ck.fail(node, f"{label}: {problem}") if problem else value.lower()


def _positive(ck: _Checker, node: Node, label: str) -> Any:
    value = _number(ck, node, label)
    if value is not _BAD and value < 0:
        return ck.fail(node, f"{label} must not be negative")
    return value


def _at_most(limit: float, convert: Convert, unit: str) -> Convert:
    """``convert``, then refuse values over ``limit``: a stranger's story may not make a
    build wait an hour for each request, or retry a thousand times."""

    def bounded(ck: _Checker, node: Node, label: str) -> Any:
        value = convert(ck, node, label)
        if value is not _BAD and value > limit:
            return ck.fail(node, f"{label} must be at most {limit:g}{unit}")
        return value

    return bounded


def _count(ck: _Checker, node: Node, label: str) -> Any:
    value = _number(ck, node, label)
    if value is not _BAD and (not isinstance(value, int) or value < 0):
        return ck.fail(node, f"{label} must be a whole number, 0 or more")
    return value


def _env_name(ck: _Checker, node: Node, label: str) -> Any:
    """The name of an environment variable (never the secret it holds)."""
    value = _text(ck, node, label)
    if value is not _BAD and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        return ck.fail(
            node,
            f"{label} is the name of the environment variable that holds the key (such as"
            " OPENCAGE_API_KEY), not the key itself",
        )
    return value


def _options(ck: _Checker, node: Node, label: str) -> Any:
    """geopy options: a mapping of plain values, none of them a secret."""
    if not isinstance(node, MappingNode):
        return ck.fail(node, f"{label} must be a mapping of option: value, {_not(node)}")
    options: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if not isinstance(key, str) or not key:
            ck.fail(key_node, f"{label}: option names must be text")
            return _BAD
        problem = check_options({key: None})
        if problem:
            return ck.fail(key_node, f"{label}: {problem}")
        if not isinstance(value_node, ScalarNode):
            return ck.fail(value_node, f"{label}: `{key}` must be a single value")
        value = ck.scalar_value(value_node)
        if value is _BAD:
            return _BAD
        if value_node.tag in (_TAG + "int", _TAG + "float"):
            value = _number(ck, value_node, f"{label}: `{key}`")
        elif isinstance(value, str) and bad_character(value):
            value = _text(ck, value_node, f"{label}: `{key}`")
        if value is _BAD:
            return _BAD
        options[key] = value
    return options


def _geocoder(ck: _Checker, node: Node, label: str) -> Any:
    """The online geocoder setting (used only when a build or ``mapgen geocode`` may go
    online): a service name, or a mapping with ``name`` and its options."""
    if isinstance(node, ScalarNode) and node.tag == _TAG + "str":
        name = _service(ck, node, label)
        return _BAD if name is _BAD else GeocoderSetting(name=name)
    record = ck.mapping(node, _GEOCODER, label)
    if record is None or not record.ok:
        return _BAD
    variable = record.values.get("api_key_env")
    problem = check_key_env(record.values["name"], variable) if variable else None
    if problem:
        return ck.fail(record.nodes["api_key_env"], f"{label}: {problem}")
    problem = check_endpoint(record.values.get("options") or {})
    if problem:
        return ck.fail(record.nodes["options"], f"{label}: {problem}")
    return GeocoderSetting(**record.values)


def _data_layer(ck: _Checker, node: Node, label: str) -> Any:
    """How the page draws places: ``auto`` (past 1,000 places, one data layer), ``always``,
    ``never``, or a number of places past which it does."""
    if isinstance(node, ScalarNode) and node.tag == _TAG + "int":
        return _count(ck, node, label)
    if isinstance(node, ScalarNode) and node.tag == _TAG + "str" and not node.style:
        return _choice(DATA_LAYER_CHOICES)(ck, node, label)
    return ck.fail(node, f"{label}: write auto, always, never, or a whole number of places")


#: The words ``data_layer:`` takes besides a number.
DATA_LAYER_CHOICES = ("auto", "always", "never")


def _view(ck: _Checker, node: Node, label: str) -> Any:
    """What the first view frames: a list of feature ids (places, routes, areas, events;
    read last, so every id is known), or ``{center: [lat, lon], zoom: N}``."""
    if isinstance(node, SequenceNode):
        ids = _list_of(_text, "feature id", 1)(ck, node, label)
        if ids is _BAD:
            return _BAD
        known = [i for i, _ in ck.feature_ids] + [i for b, _ in ck.bulk_ids for i in b]
        ok = True
        for child, value in zip(node.value, ids, strict=True):
            if value not in set(known):
                ck.fail(child, f"{label}: no feature with id '{value}'{_suggest(value, known)}")
                ok = False
        return StoryView(ids=tuple(ids)) if ok else _BAD
    record = ck.mapping(node, _VIEW, label)
    if record is None or not record.ok:
        return _BAD
    return StoryView(center=record.values["center"], zoom=record.values["zoom"])


def _zoom(ck: _Checker, node: Node, label: str) -> Any:
    value = _count(ck, node, label)
    if value is not _BAD and value > MAX_VIEW_ZOOM:
        return ck.fail(node, f"{label} must be a whole number from 0 to {MAX_VIEW_ZOOM}")
    return value


#: The closest ``view: {zoom: N}`` may ask for (the tiles stop at 19).
MAX_VIEW_ZOOM = 18


# --- the schema: one field spec per section ---------------------------------------------

_GEOCODER = {
    "name": _Field(_service, required=True),
    "contact": _Field(_text),
    "api_key_env": _Field(_env_name),
    "api_key_option": _Field(_text),
    "min_delay": _Field(_at_most(60, _positive, " seconds")),
    "timeout": _Field(_at_most(120, _positive, " seconds")),
    "retries": _Field(_at_most(10, _count, "")),
    "options": _Field(_options),
}

_QUOTES = _Field(_list_of(_quote, "quote", 1), required=True)

_QUOTE = {
    "source": _Field(_text, required=True),
    "text": _Field(_text, required=True),
    "stance": _Field(_choice(STANCES)),
}

_STATUS = _Field(_choice(list(STATUSES)))

_SOURCE = {
    "id": _Field(_slug, required=True),
    "file": _Field(_text, required=True),
    "title": _Field(_text, required=True),
    "outlet": _Field(_text),
    "date": _Field(_date),
    "url": _Field(_text),
}

_PLACE = {
    "id": _Field(_slug, required=True),
    "name": _Field(_text, required=True),
    "kind": _Field(_choice(list(PLACE_KINDS)), required=True),
    "query": _Field(_text),
    "country": _Field(_text),
    "feature": _Field(_choice(FEATURES)),
    "coords": _Field(_coords),
    "precision": _Field(_choice(PRECISIONS)),
    "note": _Field(_text),
    "status": _STATUS,
    "quotes": _QUOTES,
}

_STOP = {
    "name": _Field(_text, required=True),
    "coords": _Field(_coords),
    "country": _Field(_text),
    "feature": _Field(_choice(FEATURES)),
}

_ROUTE = {
    "id": _Field(_slug, required=True),
    "name": _Field(_text, required=True),
    "mode": _Field(_choice(ROUTE_MODES), required=True),
    "via": _Field(_list_of(_waypoint, "waypoint", 2), required=True),
    "schematic": _Field(_bool),
    "note": _Field(_text),
    "status": _STATUS,
    "quotes": _QUOTES,
}

_AREA = {
    "id": _Field(_slug, required=True),
    "name": _Field(_text, required=True),
    "country": _Field(_text, required=True),
    "note": _Field(_text),
    "status": _STATUS,
    "quotes": _QUOTES,
}

_EVENT = {
    "id": _Field(_slug, required=True),
    "title": _Field(_text, required=True),
    "date": _Field(_when, required=True),
    "place": _Field(_reference("place")),
    "route": _Field(_reference("route")),
    "area": _Field(_reference("area")),
    "status": _STATUS,
    "note": _Field(_text),
    "quotes": _QUOTES,
}

_LEFT_OUT = {
    "name": _Field(_text, required=True),
    "reason": _Field(_text),
}

# Read in this order whatever the file's order: quotes need the source ids, routes the
# place ids, events the place, route and area ids.
_INCLUDE = {
    "file": _Field(_text, required=True),
    "kind": _Field(_choice(list(PLACE_KINDS))),
    "source": _Field(_text),
    "status": _Field(_choice(bulk.STATUSES)),
}

_VIEW = {
    "center": _Field(_coords, required=True),
    "zoom": _Field(_zoom, required=True),
}

_STORY = {
    "title": _Field(_text, required=True),
    "description": _Field(_text),
    "sources": _Field(_list_of(_source, "source", 1, lambda: MAX_SOURCES), required=True),
    "places": _Field(_list_of(_place, "place")),
    "include": _Field(_list_of(_include, "include")),
    "routes": _Field(_list_of(_route, "route")),
    "areas": _Field(_list_of(_area, "area")),
    "events": _Field(_list_of(_event, "event")),
    "left_out": _Field(_list_of(_left_out, "left-out place")),
    "geocoder": _Field(_geocoder),
    "data_layer": _Field(_data_layer),
    "view": _Field(_view),
}

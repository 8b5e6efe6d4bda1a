"""The YAML guard: ``places.yaml`` read as UTF-8 and parsed into a node tree, refusing what
would be unsafe to walk before anything walks it.

Only PyYAML's safe loader is used, and only to build the node tree (the values are read
from the nodes by :mod:`mapgen.story.checker`, so that each keeps its line and column).
Nesting deeper than :data:`MAX_DEPTH` levels, and aliases that expand to more than
:data:`MAX_NODES` nodes (a "billion laughs") or repeat more than :data:`MAX_ALIAS_CHARS`
characters of text, are refused up front; so are files past :data:`MAX_STORY_BYTES` or
:data:`MAX_EVENTS` values.  Kept apart from the schema because it is the part a change to
the fields never touches, and the part whose cost and safety are measured on their own.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, DocumentStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader

from ..core.errors import Pos, Problem, StoryError
from ..core.fsutil import MAX_INPUT_BYTES, Refused, read_regular

__all__ = [
    "MAX_ALIAS_CHARS",
    "MAX_DEPTH",
    "MAX_EVENTS",
    "MAX_NODES",
    "MAX_STORY_BYTES",
    "BadByte",
    "mark_pos",
    "parse",
    "read_yaml_text",
    "text_pos",
    "utf8",
]

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

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TAG = "tag:yaml.org,2002:"
MERGE = TAG + "merge"
_CORE_TAGS = frozenset(
    TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)

# --- reading the file -------------------------------------------------------------------


def fail(problem: Problem) -> StoryError:
    return StoryError([problem])


def read_yaml_text(file: str, path: Path) -> str:
    """The file's text; a missing, unreadable or non-UTF-8 file stops loading here, and
    so does a symlink, a FIFO or a device, or a file too big to load
    (:func:`~mapgen.fsutil.read_regular`)."""
    try:
        data = read_regular(path, MAX_STORY_BYTES)
    except Refused as exc:
        raise fail(Problem(f"cannot read: it {exc.reason}", file=file)) from None
    except FileNotFoundError:
        where = path.parent.resolve()
        raise fail(Problem(f"no such file (looked in {where})", file=file)) from None
    except OSError as exc:
        raise fail(Problem(f"cannot read: {exc.strerror}", file=file)) from None
    text = utf8(data)
    if isinstance(text, BadByte):
        message = f"not UTF-8: byte 0x{text.byte:02x} is not valid here; save the file as UTF-8"
        raise fail(Problem(message, Pos(file, text.line, text.col)))
    return text


@dataclass(frozen=True)
class BadByte:
    """Where strict UTF-8 decoding failed: byte offset, the byte, 1-based line and column."""

    offset: int
    byte: int
    line: int
    col: int


def utf8(data: bytes) -> str | BadByte:
    """Decode strictly, allowing a leading BOM; on failure say where the bad byte is."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        line_start = max(data.rfind(b"\n", 0, offset) + 1, start)
        col = len(data[line_start:offset].decode("utf-8", "replace")) + 1
        return BadByte(offset, data[offset], data.count(b"\n", 0, offset) + 1, col)


def text_pos(file: str, text: str, index: int) -> Pos:
    """The position of character ``index`` of ``text``."""
    line_start = text.rfind("\n", 0, index) + 1
    return Pos(file, text.count("\n", 0, index) + 1, index - line_start + 1)


def mark_pos(file: str, mark: yaml.Mark) -> Pos:
    return Pos(file, mark.line + 1, mark.column + 1)


# --- parsing: syntax, depth, aliases ----------------------------------------------------


def parse(file: str, text: str) -> Node | None:
    """Compose the single document's node tree, refusing anything unsafe to walk."""
    bad_char = Reader.NON_PRINTABLE.search(text)
    if bad_char:
        message = f"character U+{ord(bad_char.group()):04X} is not allowed in YAML; delete it"
        raise fail(Problem(message, text_pos(file, text, bad_char.start())))
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
            raise fail(Problem(_SECOND_DOCUMENT, mark_pos(file, exc.problem_mark))) from None
        raise fail(_syntax_problem(file, text, exc)) from None
    except yaml.MarkedYAMLError as exc:
        raise fail(_syntax_problem(file, text, exc)) from None
    except yaml.YAMLError as exc:  # a reader error without a mark: say what PyYAML said
        raise fail(Problem(f"YAML error: {exc}", file=file)) from None
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
    raise fail(Problem(message, mark_pos(file, first.start_mark)))


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
            raise fail(Problem(message, mark_pos(file, event.start_mark)))
        if maybe and not shared:
            shared = isinstance(event, AliasEvent) or getattr(event, "tag", None) is not None
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                message = f"nesting too deep: more than {MAX_DEPTH} levels of lists and mappings"
                raise fail(Problem(message, mark_pos(file, event.start_mark)))
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        elif isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise fail(Problem(_SECOND_DOCUMENT, mark_pos(file, event.start_mark)))
    return shared


def _syntax_problem(file: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """PyYAML's own words, at its mark, with a plainer message for the common tab mistake."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return Problem(f"YAML syntax error: {exc.problem or exc}", file=file)
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    if line[mark.column : mark.column + 1] == "\t":
        return Problem("tab character: YAML must be indented with spaces", mark_pos(file, mark))
    message = f"YAML syntax error: {exc.problem or exc.context}"
    if exc.context and exc.context_mark and exc.context_mark.line != mark.line:
        message += f" ({exc.context} at line {exc.context_mark.line + 1})"
    return Problem(message, mark_pos(file, mark))


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
        raise fail(Problem(message, mark_pos(file, culprit.start_mark)))
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
        raise fail(Problem(message, mark_pos(file, culprit.start_mark)))
    if depth[id(root)] > MAX_DEPTH:
        culprit = _descend(root, lambda node, level: level + depth[id(node)] > MAX_DEPTH + 1)
        message = f"nesting too deep: aliases nest lists and mappings more than {MAX_DEPTH} levels"
        raise fail(Problem(message, mark_pos(file, culprit.start_mark)))


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
                raise fail(Problem(message, mark_pos(file, node.start_mark)))
        else:
            entered.add(key)
            if node.tag not in _CORE_TAGS:
                tag = node.tag.replace(TAG, "!!", 1)
                message = f"unsupported YAML tag {tag}; mapgen reads plain YAML only"
                bad_tags.append(Problem(message, mark_pos(file, node.start_mark)))
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

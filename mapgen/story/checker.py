"""Reading a YAML node tree against a section's keys, collecting every problem.

A :class:`Checker` reads mappings key by key (:meth:`Checker.mapping`): unknown keys get
a did-you-mean, missing required keys are named, ``<<`` merges are applied and duplicate
keys refused.  Each value is read by the converter of its :class:`~mapgen.story.fields.Kind`
(:mod:`mapgen.story.convert`); a converter reports its own problems (at the node's line
and column) and returns :data:`BAD`, so that the whole file is checked and every mistake
comes back at once, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..core.errors import Pos, Problem
from .columns import suggest
from .yamlguard import MERGE, TAG, mark_pos

__all__ = ["BAD", "TOP", "Checker", "Convert", "KeySpec", "Record", "is_empty", "not_node"]

TOP = "the top level"
"""The noun for the top-level mapping in messages."""

BAD: Any = object()
"""What a converter returns for an invalid value, once it has reported the problem."""

Convert = Callable[["Checker", Node, str], Any]
"""Reads one node; ``label`` (usually its key) starts every message about it."""


@dataclass(frozen=True)
class KeySpec:
    """One key of a mapping: how to read its value and whether it must be there."""

    convert: Convert
    required: bool = False


@dataclass
class Record:
    """A mapping read against a field spec.

    ``values`` holds the keys that were present and valid, under their own names (which
    are the model's field names); ``nodes`` the value node of every key present, for
    positions.  ``ok`` is false if any key was missing, unknown or invalid.
    """

    pos: Pos
    values: dict[str, Any]
    nodes: dict[str, Node]
    ok: bool


class Checker:
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
        self.articles: dict[tuple[int, int], Any] = {}  # text, or why not (articles.NotUtf8)
        #: The bytes of the distinct articles read (:data:`MAX_STORY_ARTICLE_BYTES`).
        self.article_bytes = 0
        self._constructor = SafeConstructor()

    # - reporting -

    def pos(self, node: Node) -> Pos:
        return mark_pos(self.file, node.start_mark)

    def fail(self, where: Node | Pos, message: str) -> Any:
        """Record a problem at a node or position; returns :data:`BAD` for converters."""
        pos = where if isinstance(where, Pos) else self.pos(where)
        self.problems.append(Problem(message, pos))
        return BAD

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

    # - mappings -

    def mapping(self, node: Node, spec: dict[str, KeySpec], noun: str) -> Record | None:
        """Read ``node`` against ``spec``, in the spec's order (sources before places...)."""
        if not isinstance(node, MappingNode):
            self.fail(node, f"{noun} must be a mapping of key: value lines, {not_node(node)}")
            return None
        pairs = self.pairs(node)
        ok = self.check_keys(node, pairs, spec, noun)
        values: dict[str, Any] = {}
        nodes: dict[str, Node] = {}
        for key, fld in spec.items():
            if key in pairs:
                nodes[key] = value_node = pairs[key][1]
                value = fld.convert(self, value_node, key)
                if value is BAD:
                    ok = False
                else:
                    values[key] = value
        return Record(self.pos(node), values, nodes, ok)

    def check_keys(
        self,
        node: MappingNode,
        pairs: dict[str, tuple[Node, Node]],
        spec: dict[str, KeySpec],
        noun: str,
    ) -> bool:
        """Report unknown keys (with a did-you-mean) and missing required ones."""
        name = id_hint(pairs)
        where = "at the top level" if noun == TOP else f"in {noun}{name}"
        unknown = [key_node for key, (key_node, _) in pairs.items() if key not in spec]
        for key_node in unknown:
            key = key_node.value
            self.fail(key_node, f"unknown key '{key}' {where}{suggest(key, list(spec))}")
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
            if key_node.tag == MERGE:
                for source in self.merge_sources(value_node):
                    for key, pair in self.pairs(source).items():
                        merged.setdefault(key, pair)
                continue
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, f"a key must be a plain word like name:, {not_node(key_node)}")
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
        """What PyYAML would make of the scalar, or :data:`BAD` if it cannot (``!!int x``)."""
        try:
            return self._constructor.construct_object(node)
        except (ValueError, KeyError, TypeError, yaml.YAMLError):
            return BAD

    def reading(self, node: ScalarNode) -> str:
        """How YAML read a scalar that is not plain text, in the user's terms."""
        value = self.scalar_value(node)
        kind = node.tag[len(TAG) :]
        if value is BAD:
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


def is_empty(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == TAG + "null" and node.value == ""


def not_node(node: Node) -> str:
    """What a node of the wrong shape is, as the end of a message: "not a list"."""
    if isinstance(node, SequenceNode):
        return "not a list"
    if isinstance(node, MappingNode):
        return "not a mapping"
    if is_empty(node):
        return "not an empty value"
    return f"not {node.value!r}"


def id_hint(pairs: dict[str, tuple[Node, Node]]) -> str:
    """`` 'pier-33'`` to name the mapping in messages, if it has a readable id."""
    id_node = pairs.get("id", (None, None))[1]
    if isinstance(id_node, ScalarNode) and id_node.value:
        return f" '{id_node.value}'"
    return ""

"""The shape of the package, read from its source: data flows one way.

An import cycle between two mapgen modules means neither can be read (or
changed) without the other, and it is usually hidden by an import inside a
function, which also hides from a reader what a module depends on. So the
only imports allowed inside a function are those that keep a heavy
third-party package (folium, geopy, ...) out of start-up, and each says so in
a comment. The graph is read with ``ast``, not by importing, so it also sees
imports that only run on some paths and imports under ``TYPE_CHECKING`` (a
type that has to be imported from a module above is still a dependency on it).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "mapgen"

# Packages whose import costs start-up time (or pulls in a network stack), and
# those only an extra installs (``images``: resvg_py, font_roboto), which a plain
# install must never import: the only reasons an import may wait until a function runs.
HEAVY = frozenset(
    {
        "resvg_py",
        "font_roboto",
        "folium",
        "geopy",
        "branca",
        "jinja2",
        "numpy",
        "stringzilla",
        "playwright",
        "requests",
        "urllib3",
        "xyzservices",  # 40 ms: reads its thousand providers' JSON
    }
)


@dataclass(frozen=True)
class Import:
    """One import statement's target, where it is and how it runs."""

    module: str  # "mapgen.page.render", or a third-party top-level name like "folium"
    line: int
    kind: str  # "top" (runs on import), "typing" (under TYPE_CHECKING) or "function"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, module: str = "mapgen.x") -> list[str]:
    """The modules one statement imports: mapgen modules by full name (``mapgen.geo.geocode``),
    others by top-level package.  ``module`` is the importing module's full name, against
    which a relative import is read (a package's ``__init__`` is named as the package)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif node.level == 0:
        names = [node.module or ""]
    else:
        parts = module.split(".")
        base = ".".join(parts[: len(parts) - node.level])
        if node.module is None:  # from . import x: x may be a module or a name
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            names = [f"{base}.{node.module}"]
    out = []
    for name in names:
        if name == "mapgen" or name.startswith("mapgen."):
            out.append(_known(name))
        else:
            out.append(name.split(".")[0])
    return out


def _known(name: str) -> str:
    """``name``, or the longest prefix of it that is a module or package of mapgen's (``from
    .model import Pos`` names the module; ``from . import x`` may name a function)."""
    parts = name.split(".")
    while len(parts) > 1:
        path = PACKAGE.parent.joinpath(*parts)
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    return name  # no such module (a test's made-up one): as written


def imports_of(path: Path, module: str | None = None) -> list[Import]:
    """Every import in one module's source, each marked by how it runs."""
    found: list[Import] = []
    module = module or module_name(path)

    def walk(nodes: list[ast.stmt] | list[ast.AST], kind: str) -> None:
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.extend(Import(target, node.lineno, kind) for target in _targets(node, module))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                walk(list(ast.iter_child_nodes(node)), "function")
            elif isinstance(node, ast.If) and kind == "top" and _is_type_checking(node.test):
                walk(node.body, "typing")
                walk(node.orelse, kind)
            else:
                walk(list(ast.iter_child_nodes(node)), kind)

    walk(ast.parse(path.read_text(encoding="utf-8")).body, "top")
    return found


def module_name(path: Path) -> str:
    """``mapgen.geo.geocode`` for mapgen/geo/geocode.py; a package's ``__init__`` is named as
    the package (a path outside mapgen, as in the tests below, is read as a top module)."""
    try:
        parts = list(path.resolve().relative_to(PACKAGE.parent).with_suffix("").parts)
    except ValueError:
        parts = ["mapgen", path.stem]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def module_path(name: str) -> Path:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def read_package() -> dict[str, list[Import]]:
    return {module_name(path): imports_of(path) for path in sorted(PACKAGE.rglob("*.py"))}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def module_graph(package: dict[str, list[Import]], kinds: frozenset[str]) -> dict[str, set[str]]:
    """Which mapgen module imports which, counting the given kinds of import.

    ``mapgen/__init__.py`` and the packages' own ``__init__`` are left out: they gather
    the public names from the modules below them, and ``import mapgen.x`` runs them first
    by Python's rules, not because x depends on them."""
    return {
        name: {
            imp.module for imp in imports if imp.kind in kinds and imp.module.startswith("mapgen.")
        }
        for name, imports in package.items()
        if name != "mapgen" and name.count(".") > 1
    }


def heavy_on_import(package: dict[str, list[Import]]) -> dict[str, set[str]]:
    """The heavy packages each mapgen module imports when imported, itself or through the
    mapgen modules it imports at the top (``"mapgen"``: what ``import mapgen`` imports)."""
    graph = module_graph(package, frozenset({"top"}))
    graph["mapgen"] = {
        i.module for i in package["mapgen"] if i.kind == "top" and i.module.startswith("mapgen.")
    }
    heavy = {
        name: {i.module for i in imports if i.kind == "top" and i.module in HEAVY}
        for name, imports in package.items()
    }
    changed = True
    while changed:
        changed = False
        for name, targets in graph.items():
            before = len(heavy[name])
            for target in targets:
                heavy[name] |= heavy.get(target, set())
            changed = changed or len(heavy[name]) != before
    return heavy


def function_imports(package: dict[str, list[Import]]) -> list[tuple[str, Import]]:
    return [
        (name, imp)
        for name, imports in package.items()
        for imp in imports
        if imp.kind == "function"
    ]


def keeps_out(heavy: dict[str, set[str]], name: str, imp: Import) -> set[str]:
    """The heavy packages an import inside a function keeps out of its module's import.

    Importing any mapgen module imports ``mapgen`` first, so what that imports (numpy, for
    one) is never kept out."""
    brings = {imp.module} & HEAVY if imp.module in HEAVY else heavy.get(imp.module, set())
    return brings - heavy[name] - heavy["mapgen"]


def _commented(source: str, line: int) -> bool:
    """A comment says why the import waits: on its line, or on the line above it (or above
    the run of imports it is part of)."""
    lines = source.splitlines()
    imports = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    if "#" in lines[line - 1]:
        return True
    above = line - 1
    while above in imports or (above > 0 and not lines[above - 1].strip() and above - 1 in imports):
        above -= 1
    return above > 0 and lines[above - 1].strip().startswith("#")


def report() -> str:
    """The numbers a maintainer wants: cycles and imports inside functions."""
    package = read_package()
    full = cycles(module_graph(package, frozenset({"top", "typing", "function"})))
    runtime = cycles(module_graph(package, frozenset({"top", "function"})))
    inside = function_imports(package)
    heavy = heavy_on_import(package)
    lines = [
        f"imports of a later stage: {len(upward_imports(package))}",
        *(f"  {line}" for line in upward_imports(package)),
        f"cycles (any import): {len(full)}",
        *(f"  {' <-> '.join(c)}" for c in full),
        f"cycles (at run time): {len(runtime)}",
        f"function-level imports: {len(inside)} "
        f"({sum(1 for _, i in inside if i.module.startswith('mapgen.'))} of mapgen modules)",
        f"  of which keep a heavy package out: {sum(1 for n, i in inside if keeps_out(heavy, n, i))}",
        *(
            f"  {name}:{imp.line} -> {imp.module}  keeps out: {', '.join(sorted(keeps_out(heavy, name, imp))) or '-'}"
            for name, imp in inside
        ),
    ]
    return "\n".join(lines)


def test_there_are_no_import_cycles():
    package = read_package()
    assert cycles(module_graph(package, frozenset({"top", "typing", "function"}))) == []


def test_an_import_waits_inside_a_function_only_to_keep_a_heavy_package_out_of_start_up():
    package = read_package()
    heavy = heavy_on_import(package)
    wrong = []
    for name, imp in function_imports(package):
        if not keeps_out(heavy, name, imp):
            wrong.append(
                f"{name}:{imp.line} imports {imp.module} inside a function, which keeps nothing heavy out"
            )
            continue
        if not _commented(module_path(name).read_text(encoding="utf-8"), imp.line):
            wrong.append(
                f"{name}:{imp.line} imports {imp.module} inside a function without a comment saying why"
            )
    assert not wrong, "\n".join(wrong)


def test_the_reader_sees_an_import_inside_a_function_and_one_under_type_checking(tmp_path):
    source = tmp_path / "x.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from .a import b\n"
        "if TYPE_CHECKING:\n"
        "    from .c import d\n"
        "def f():\n"
        "    import folium  # heavy\n"
        "    from . import e\n",
        encoding="utf-8",
    )
    assert [(i.module, i.kind) for i in imports_of(source)] == [
        ("typing", "top"),
        ("mapgen.a", "top"),
        ("mapgen.c", "typing"),
        ("folium", "function"),
        ("mapgen.e", "function"),
    ]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    said = "def f():\n    # folium only for a page\n    import folium\n    import branca\n\n    from . import x\n"
    assert [_commented(said, line) for line in (3, 4, 6)] == [True, True, True]
    unsaid = "def f():\n    x = 1\n    import folium\n    import branca  # why\n"
    assert [_commented(unsaid, line) for line in (3, 4)] == [False, True]


#: The stages, lowest first: the folder tree is the architecture.  A module may import
#: modules of its own package and of the packages before it, never one after it, so the
#: data flows one way: places.yaml -> story -> (geo, quotes) -> page / export -> pipeline
#: -> serve -> cli.
LAYERS = ("core", "story", "geo", "quotes", "page", "export", "pipeline", "serve", "cli")


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else len(LAYERS)


def upward_imports(package: dict[str, list[Import]]) -> list[str]:
    graph = module_graph(package, frozenset({"top", "typing", "function"}))
    return [
        f"{name} imports {target}, a later stage"
        for name, targets in sorted(graph.items())
        for target in sorted(targets)
        if layer(target) > layer(name)
    ]


def test_every_module_lives_in_a_stage_and_imports_none_above_it():
    package = read_package()
    loose = [name for name in package if name.count(".") == 1 and name != "mapgen.__main__"]
    loose = [name for name in loose if name.split(".")[1] not in LAYERS]
    assert loose == [], f"modules outside the stages' packages: {loose}"
    assert upward_imports(package) == []


#: The most lines a module (or a script or style sheet of the page) may hold: past it, a
#: module mixes concerns a reader has to hold apart.
MAX_LINES = 600


def test_no_module_is_over_600_lines():
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in sorted(PACKAGE.rglob("*"))
        if path.suffix in (".py", ".js", ".css")
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


if __name__ == "__main__":
    print(report())

"""mapgen.load: every mistake in places.yaml is reported where it is, all at once."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest
import yaml
from yaml.events import AliasEvent, NodeEvent

from mapgen.core.errors import StoryError
from mapgen.story.load import MAX_DEPTH, MAX_NODES, load_story
from mapgen.story.model import Pos

# The module, not the function mapgen.load re-exports under the same name.
load_module = importlib.import_module("mapgen.story.load")
guard_module = importlib.import_module("mapgen.story.yamlguard")

ARTICLE = "Kim was expected to travel from Pyongyang to Vladivostok by armored train.\n"

# Lines 1-5 of most cases.
HEAD = """\
title: Test story
sources:
  - id: warning
    file: seeds/a.txt
    title: Article A
"""

# Lines 6-12.
PLACE = """\
places:
  - id: pyongyang
    name: Pyongyang
    kind: capital
    quotes:
      - source: warning
        text: Kim was expected
"""


def place(*, name: str = "Pyongyang", kind: str = "capital", extra: str = "") -> str:
    """PLACE with one field changed, or a line (line 10) added after ``kind``."""
    return (
        "places:\n  - id: pyongyang\n"
        f"    name: {name}\n    kind: {kind}\n{extra}"
        "    quotes:\n      - source: warning\n        text: Kim was expected\n"
    )


def route(via: str = "[pyongyang, pyongyang]", extra: str = "") -> str:
    """A route after HEAD + PLACE: lines 13-20 (``extra`` goes after mode, line 17)."""
    return (
        "routes:\n  - id: train\n    name: The train\n    mode: rail\n"
        f"{extra}    via: {via}\n"
        "    quotes:\n      - source: warning\n        text: armored train\n"
    )


def source(file: str) -> str:
    """HEAD with another ``file:`` (line 4, value at column 11)."""
    return HEAD.replace("seeds/a.txt", file)


def symlink(root: Path) -> None:
    (root / "seeds" / "link.txt").symlink_to("a.txt")


def linked_folder(root: Path) -> None:
    (root / "articles").symlink_to("seeds")


def latin1(root: Path) -> None:
    (root / "seeds" / "bad.txt").write_bytes(b"Caf\xe9 in Pyongyang\n")


def outside(root: Path) -> None:
    (root.parent / "outside.txt").write_text(ARTICLE, encoding="utf-8")


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines) + "\n"


def alias_chain() -> str:
    """Each line nests ten lists around the previous one: 61 levels, 11 on any one line."""
    lines = ["l0: &l0 [x]"]
    for i in range(1, 7):
        lines.append(f"l{i}: &l{i} " + "[" * 10 + f"*l{i - 1}" + "]" * 10)
    return "\n".join(lines) + "\n"


def merge_chain() -> str:
    """A hundred mappings, each merging the one before: deep, though no line is."""
    lines = ["m0: &m0 {x: 1}"] + [f"m{i}: &m{i} {{<<: *m{i - 1}}}" for i in range(1, 101)]
    return "\n".join(lines) + "\n"


def merge_laughs() -> str:
    """Billion laughs through merge keys: nine mappings, each merging the one before nine
    times, merged into the top level."""
    lines = ["m0: &m0 {x: 1}"]
    for i in range(1, 9):
        lines.append(f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 9)}]}}")
    return "\n".join(lines) + "\n<<: *m8\n"


def make_story(
    tmp_path: Path, text: str | bytes, setup: Callable[[Path], None] | None = None
) -> Path:
    """A story folder with one real article, seeds/a.txt."""
    root = tmp_path / "story"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "places.yaml").write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    if setup:
        setup(root)
    return root


def problems_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | bytes, setup=None
) -> list[str]:
    root = make_story(tmp_path, text, setup)
    monkeypatch.chdir(root)
    with pytest.raises(StoryError) as info:
        load_story("places.yaml")
    return [str(problem) for problem in info.value.problems]


# (case id, places.yaml, line, column, fragment of the message[, setup])
CASES = [
    ("syntax", HEAD + "places: [a, b\nroutes: []\n", 7, 7, "YAML syntax error"),
    ("tab", HEAD + "places:\n\t- id: x\n", 7, 1, "tab character"),
    ("unknown key", HEAD + place(extra="    nmae: Pyongyang\n"), 10, 5, "unknown key 'nmae' in place 'pyongyang'; did you mean 'name'?"),
    ("unknown top-level key", HEAD + "plases: []\n", 6, 1, "unknown key 'plases' at the top level; did you mean 'places'?"),
    ("data_layer: sometimes", HEAD + "data_layer: sometimes\n" + PLACE, 6, 13, "data_layer: unknown value 'sometimes'"),
    ("data_layer: -5", HEAD + "data_layer: -5\n" + PLACE, 6, 13, "data_layer must be a whole number, 0 or more"),
    ("data_layer: 2.5", HEAD + "data_layer: 2.5\n" + PLACE, 6, 13, "data_layer: write auto, always, never, or a whole number of places"),
    ("unknown key, no close match", HEAD + place(extra="    wikidata: Q18808\n"), 10, 5, "expected one of: id, name, kind"),
    ("missing key", HEAD + PLACE.replace("    kind: capital\n", ""), 7, 5, "place 'pyongyang' is missing 'kind'"),
    ("missing title", HEAD.replace("title: Test story\n", "") + PLACE, 1, 1, "the top level is missing 'title'"),
    ("list where text", HEAD + place(name="[Pyongyang]"), 8, 11, "name must be text, not a list"),
    ("name: NO", HEAD + place(name="NO"), 8, 11, 'name: YAML reads NO as the boolean false; write "NO" in quotes if you mean the text'),
    ("name: yes", HEAD + place(name="yes"), 8, 11, "name: YAML reads yes as the boolean true"),
    ("name: 12", HEAD + place(name="12"), 8, 11, 'name: YAML reads 12 as the number 12; write "12" in quotes'),
    ("empty name", HEAD + place(name=""), 8, 10, "name has no value"),
    ("lat 5e1", HEAD + place(extra="    coords: [5e1, 30]\n"), 10, 14, "lat: YAML reads 5e1 as text, not a number (YAML 1.1 needs a dot: 5.0e+1, or write 50)"),
    # YAML 1.1 reads these in another base, or drops a separator: the place would move.
    ("lat 010 octal", HEAD + place(extra="    coords: [010, 30]\n"), 10, 14, "lat: YAML 1.1 reads 010 as the octal number 8; write 10 without the leading zero"),
    ("lon -010 octal", HEAD + place(extra="    coords: [40, -010]\n"), 10, 18, "lon: YAML 1.1 reads -010 as the octal number -8; write -10"),
    ("lat 0x10 hex", HEAD + place(extra="    coords: [0x10, 30]\n"), 10, 14, "lat: YAML 1.1 reads 0x10 as the hexadecimal number 16; write it in decimal: 16"),
    ("lat 0b101 binary", HEAD + place(extra="    coords: [0b101, 30]\n"), 10, 14, "lat: YAML 1.1 reads 0b101 as the binary number 5"),
    ("lat 1_0", HEAD + place(extra="    coords: [1_0, 30]\n"), 10, 14, "lat: YAML 1.1 drops the _ in 1_0 and reads 10; write 10 without _"),
    ("lat 1_0.5", HEAD + place(extra="    coords: [1_0.5, 30]\n"), 10, 14, "lat: YAML 1.1 drops the _ in 1_0.5 and reads 10.5"),
    ("lat 1:30 base 60", HEAD + place(extra="    coords: [1:30, 30]\n"), 10, 14, "lat: YAML 1.1 reads 1:30 as the base-60 number 90; write decimal degrees (1:30 as degrees and minutes is 1.5)"),
    ("stop lon 0x1F", HEAD + PLACE + route(via="[pyongyang, {name: Khasan, coords: [42, 0x1F]}]"), 17, 50, "lon: YAML 1.1 reads 0x1F as the hexadecimal number 31"),
    ("timeout 010", HEAD + "geocoder: {name: nominatim, timeout: 010}\n" + PLACE, 6, 38, "timeout: YAML 1.1 reads 010 as the octal number 8"),
    ("geocoder option 0x10", HEAD + "geocoder: {name: nominatim, options: {limit: 0x10}}\n" + PLACE, 6, 46, "options: `limit`: YAML 1.1 reads 0x10 as the hexadecimal number 16"),
    ("data_layer 0x10", HEAD + "data_layer: 0x10\n" + PLACE, 6, 13, "data_layer: YAML 1.1 reads 0x10 as the hexadecimal number 16"),
    ("lat +.inf", HEAD + place(extra="    coords: [+.inf, 30]\n"), 10, 14, "lat must be a finite number, not +.inf"),
    ("lat .nan", HEAD + place(extra="    coords: [.nan, 30]\n"), 10, 14, "lat must be a finite number, not .nan"),
    ("lat 0o10", HEAD + place(extra="    coords: [0o10, 30]\n"), 10, 14, "lat must be a number, not the text '0o10'"),
    ("lat quoted", HEAD + place(extra='    coords: ["43.1", 30]\n'), 10, 14, 'lat: "43.1" is in quotes'),
    ("lat 91", HEAD + place(extra="    coords: [91, 30]\n"), 10, 14, "latitude 91 is out of range -90..90"),
    ("lon -181", HEAD + place(extra="    coords: [40, -181]\n"), 10, 18, "longitude -181 is out of range -180..180"),
    ("coords with 3 numbers", HEAD + place(extra="    coords: [40, 30, 5]\n"), 10, 22, "coords has 3 numbers; write [lat, lon]"),
    ("lat infinite", HEAD + place(extra="    coords: [.inf, 30]\n"), 10, 14, "lat must be a finite number"),
    ("coords as text", HEAD + place(extra="    coords: 43.1, 131.9\n"), 10, 13, "coords must be a list [lat, lon]"),
    ("precision without coords", HEAD + place(extra="    precision: exact\n"), 10, 16, "add coords"),
    ("duplicate id across kinds", HEAD + PLACE + route().replace("id: train", "id: pyongyang"), 14, 9, "duplicate id 'pyongyang' (first at line 7)"),
    ("duplicate source id", HEAD + HEAD.split("\n", 2)[2] + PLACE, 6, 9, "duplicate source id 'warning' (first at line 3)"),
    ("duplicate key", HEAD + place(extra="    name: Pyongyang again\n"), 10, 5, "duplicate key 'name' (first at line 8)"),
    ("unknown source", HEAD + PLACE.replace("source: warning", "source: warnig"), 11, 17, "unknown source 'warnig'; did you mean 'warning'?"),
    ("empty quote", HEAD + PLACE.replace("text: Kim was expected", 'text: ""'), 12, 15, "text is empty"),
    ("unknown place in via", HEAD + PLACE + route(via="[pyongyang, pyongyng]"), 17, 22, "via: no place with id 'pyongyng'; did you mean 'pyongyang'?"),
    ("via with one waypoint", HEAD + PLACE + route(via="[pyongyang]"), 17, 10, "via needs at least 2 waypoints, got 1"),
    ("inline waypoint without name", HEAD + PLACE + route(via="[pyongyang, {coords: [42.4, 130.6]}]"), 17, 22, "a waypoint is missing 'name'"),
    ("unknown kind", HEAD + place(kind="capitol"), 9, 11, "kind: unknown value 'capitol'; did you mean 'capital'?"),
    ("schematic: maybe", HEAD + PLACE + route(extra="    schematic: maybe\n"), 17, 16, "schematic must be true or false, not 'maybe'"),
    ("id not a slug", HEAD + PLACE.replace("id: pyongyang", "id: Pyong Yang"), 7, 9, "id 'Pyong Yang' must be a slug"),
    ("place not a mapping", HEAD + "places: [pyongyang]\n", 6, 10, "place must be a mapping"),
    ("no quotes", HEAD + PLACE.split("    quotes:")[0] + "    quotes: []\n", 10, 13, "quotes needs at least 1 quote, got 0"),
    ("impossible date", HEAD.replace("    title: Article A\n", "    title: Article A\n    date: 2023-02-30\n") + PLACE, 6, 11, "date: 2023-02-30 is not a real date"),
    ("merge of a number", HEAD + PLACE.replace("    name: Pyongyang\n", "    name: Pyongyang\n    <<: 5\n"), 9, 9, "<< must merge a mapping"),
    ("unknown mode", HEAD + PLACE + route().replace("mode: rail", "mode: ship"), 16, 11, "mode: unknown value 'ship'"),
    ("schematic quoted", HEAD + PLACE + route(extra='    schematic: "yes"\n'), 17, 16, 'schematic: "yes" is in quotes, so YAML reads it as text'),
    ("source file missing", source("seeds/b.txt") + PLACE, 4, 11, "file 'seeds/b.txt' does not exist in the story folder; did you mean 'a.txt'?"),
    ("source outside", source("../outside.txt") + PLACE, 4, 11, "file '../outside.txt' uses '..'", outside),
    ("source absolute", source("/etc/hostname") + PLACE, 4, 11, "file '/etc/hostname' is an absolute path"),
    ("source symlink", source("seeds/link.txt") + PLACE, 4, 11, "file 'seeds/link.txt' is a symlink", symlink),
    ("source through a symlinked folder", source("articles/a.txt") + PLACE, 4, 11, "file 'articles/a.txt' goes through the symlink 'articles'", linked_folder),
    ("source is a folder", source("seeds") + PLACE, 4, 11, "file 'seeds' is not a regular file"),
    ("source name with NUL", source('"seeds/a\\0.txt"') + PLACE, 4, 19, "file: the control character U+0000 is not allowed"),
    ("source not UTF-8", source("seeds/bad.txt") + PLACE, 4, 11, "file 'seeds/bad.txt' is not UTF-8: byte 0xe9 at offset 3 (line 1, column 4)", latin1),
    ("places.yaml not UTF-8", b"title: T\nsources:\n  - id: caf\xff\n", 3, 12, "not UTF-8: byte 0xff"),
    ("nesting too deep", HEAD + "places: " + "[" * 60 + "]" * 60 + "\n", 6, 58, "nesting too deep"),
    ("alias bomb", HEAD + billion_laughs(), 11, 4, f"too many nodes: aliases expand to more than {MAX_NODES:,}"),
    ("nesting through aliases", HEAD + alias_chain(), 7, 18, "nesting too deep: aliases nest"),
    ("merge chain", HEAD + merge_chain(), 6, 5, "nesting too deep: aliases nest"),
    ("columns count characters", HEAD + PLACE + route(via="[pyongyang, {name: Хасан, coords: [42.4, 230.6]}]"), 17, 51, "longitude 230.6 is out of range"),
    ("recursive alias", HEAD + "places: &p [*p]\n", 6, 9, "an alias refers to a list or mapping that contains it"),
    ("undefined alias", HEAD + "places: *nothing\n", 6, 9, "found undefined alias"),
    ("python tag", HEAD + "description: !!python/name:os.system\n", 6, 14, "unsupported YAML tag !!python/name:os.system"),
    ("multiple documents", HEAD + PLACE + "---\ntitle: again\n", 13, 1, "a second YAML document"),
    ("control character", HEAD + "description: a\x07b\n", 6, 15, "character U+0007 is not allowed"),
    # The same characters written as escapes, each found at its escape.
    ("escape \\0", HEAD + place(name='"Pyong\\0yang"'), 8, 17, "name: the control character U+0000 is not allowed in text"),
    ("escape \\e", HEAD + place(name='"Pyong\\e]0;owned\\x07"'), 8, 17, "name: the control character U+001B is not allowed in text"),
    ("escape \\x07 after an escaped backslash", HEAD + 'description: "a\\\\\\x07"\n' + PLACE, 6, 18, "description: the control character U+0007"),
    ("escape \\u009b", HEAD + PLACE.replace("text: Kim was expected", 'text: "Kim\\u009bwas expected"'), 12, 19, "text: the control character U+009B"),
    ("escape \\r in a title", HEAD.replace("title: Article A", 'title: "Article\\rA"') + PLACE, 5, 20, "title: the control character U+000D"),
    ("escape \\U in a note", HEAD + place(extra='    note: "x\\U0000001by"\n'), 10, 13, "note: the control character U+001B"),
    ("escape in a geocoder option", HEAD + 'geocoder: {name: nominatim, options: {domain: "a\\eb"}}\n' + PLACE, 6, 49, "options: `domain`: the control character U+001B"),
    ("escape in left_out", HEAD + PLACE + 'left_out: ["Japan\\a"]\n', 13, 18, "left_out: the control character U+0007"),
    ("bidi override, escaped", HEAD + place(name='"Pyong\\u202Eyang"'), 8, 17, "name: U+202E (RIGHT-TO-LEFT OVERRIDE) shows the text after it in reverse order"),
    ("bidi override, raw", HEAD + place(name="gnp\u202d.exe"), 8, 14, "name: U+202D (LEFT-TO-RIGHT OVERRIDE)"),
    # An isolate left open, or closing none, would take the page's own isolate of the
    # name with it (see test_bidi_browser).
    ("bidi isolate left open", HEAD + place(name='"Pyong\\u2067yang"'), 8, 17, "name: U+2067 (RIGHT-TO-LEFT ISOLATE) is not closed by a U+2069"),
    ("bidi isolate closing none", HEAD + PLACE + 'events: [{id: e, title: "Kim\\u2069\\u2066x\\u2069", date: 2023, place: pyongyang, quotes: [{source: warning, text: Kim was expected}]}]\n', 13, 29, "title: U+2069 (POP DIRECTIONAL ISOLATE) closes no isolate"),
    ("empty file", "# nothing yet\n", 1, 1, "the file is empty"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "col", "fragment", "setup"),
    [pytest.param(*case[1:5], case[5] if len(case) > 5 else None, id=case[0]) for case in CASES],
)
def test_bad_story(tmp_path, monkeypatch, text, line, col, fragment, setup):
    problems = problems_of(tmp_path, monkeypatch, text, setup)
    prefix = f"places.yaml:{line}:{col}: "
    assert any(p.startswith(prefix) and fragment in p for p in problems), "\n".join(problems)


class Stop(BaseException):
    """Raised in the loader to stop it expanding an alias bomb (BaseException, so that no
    ``except Exception`` on the way swallows it)."""


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        pytest.param(HEAD + billion_laughs(), 11, 4, id="billion laughs"),
        # The checker follows merges: without the guard it would expand this one.
        pytest.param(HEAD + merge_laughs(), 12, 14, id="merge keys"),
    ],
)
def test_alias_bomb_is_refused_without_expanding_it(tmp_path, monkeypatch, text, line, col):
    """The guard walks each node written once, not the hundreds of millions the aliases
    stand for, and refuses the file before the checker walks it.  (Counted, not timed:
    speed goals live in benchmarks/.)"""
    events = list(yaml.parse(text))
    written = sum(isinstance(e, NodeEvent) and not isinstance(e, AliasEvent) for e in events)
    # Each node written is entered and finished once, plus one step a level on the way
    # down to the culprit.
    budget = 2 * written + MAX_DEPTH + 1
    steps = 0
    children = guard_module._children

    def counted_children(node):
        nonlocal steps
        steps += 1
        if steps > budget:
            raise Stop(f"the guard walks what the aliases expand to: {budget} steps and more")
        return children(node)

    def no_checker(self, root, path):
        raise Stop("the checker walked a file the guard should have refused")

    def no_fast_path(file, root):
        raise Stop("a file with aliases took the fast path, whose depth check expands them")

    monkeypatch.setattr(guard_module, "_children", counted_children)
    monkeypatch.setattr(load_module._StoryChecker, "story", no_checker)
    monkeypatch.setattr(guard_module, "_check_depth", no_fast_path)
    try:
        problems = problems_of(tmp_path, monkeypatch, text)
    except Stop as stop:
        # Fail outside the handler: in its traceback pytest would print the frames' arguments,
        # and the repr of a node is the whole expanded tree.
        stopped = str(stop)
    else:
        stopped = ""
    assert not stopped, stopped
    assert 0 < steps <= budget
    (problem,) = problems
    assert problem.startswith(
        f"places.yaml:{line}:{col}: too many nodes: aliases expand to more than {MAX_NODES:,}"
    ), problem


def test_every_problem_is_reported_in_file_order(tmp_path, monkeypatch):
    text = HEAD + dedent(
        """\
        places:
          - id: pyongyang
            name: NO
            kind: capitol
            coords: [91, 30]
            quotes:
              - source: nowhere
                text: Kim was expected
        routes:
          - id: pyongyang
            name: The train
            mode: rail
            via: [pyongyang]
            schematic: "yes"
            quotes: []
        """
    )
    problems = problems_of(tmp_path, monkeypatch, text)
    assert [p.split(": ", 1)[0] for p in problems] == [
        "places.yaml:8:11",  # name: NO
        "places.yaml:9:11",  # kind: capitol
        "places.yaml:10:14",  # lat 91
        "places.yaml:12:17",  # unknown source
        "places.yaml:15:9",  # duplicate id
        "places.yaml:18:10",  # one waypoint
        "places.yaml:19:16",  # schematic "yes"
        "places.yaml:20:13",  # no quotes
    ], "\n".join(problems)


def test_missing_file(tmp_path):
    with pytest.raises(StoryError) as info:
        load_story(tmp_path / "nowhere.yaml")
    (problem,) = info.value.problems
    assert problem.file == str(tmp_path / "nowhere.yaml")
    assert problem.message.startswith("no such file")


def test_folder_without_story(tmp_path, monkeypatch):
    (tmp_path / "story").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoryError) as info:
        load_story("story")
    assert str(info.value).startswith("story/places.yaml: no such file")


def test_real_story_loads():
    root = Path(__file__).resolve().parents[1]
    story = load_story(root / "places.yaml")
    assert story.path == (root / "places.yaml").resolve()
    assert (len(story.sources), len(story.places), len(story.routes), len(story.areas)) == (
        2,
        7,
        2,
        4,
    )
    for src in story.sources:
        assert src.text == (root / src.file).read_bytes().decode("utf-8")
    pier = story.place("pier-33")
    assert (pier.coords, pier.precision, pier.kind) == (
        (43.114, 131.893),
        "approximate",
        "military",
    )
    train = story.routes[0]
    assert train.schematic is True
    assert [w.place or w.name for w in train.via][:2] == ["pyongyang", "Hamhung"]


def test_folder_path(tmp_path, monkeypatch):
    root = make_story(tmp_path, HEAD + PLACE)
    story = load_story(root)
    assert story.path == (root / "places.yaml").resolve()
    assert story.root == root.resolve()
    assert story.sources[0].text == ARTICLE
    # Problems name the file as the caller would: the folder joined with places.yaml.
    (root / "places.yaml").write_text(HEAD + place(name="NO"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoryError) as info:
        load_story("story")
    assert str(info.value).startswith("story/places.yaml:8:11: name: YAML reads NO")


def test_valid_story_values(tmp_path):
    text = dedent(
        """\
        \ufefftitle: Test story
        sources:
          - id: warning
            file: ./seeds/a.txt
            title: Article A
            date: 2023-09-05
          - id: other
            file: seeds/a.txt
            title: Article A again
            date: 2023-09
        places:
          - id: pier-33
            name: Pier 33
            kind: military
            coords: [43.114, 131]
            quotes:
              - {source: warning, text: Kim was expected}
          - id: seoul
            name: Seoul
            kind: capital
            quotes:
              - {source: other, text: Pyongyang}
        routes:
          - id: train
            name: The train
            mode: rail
            via: [pier-33, {name: Khasan, coords: [42.43, 130.64]}, seoul]
            quotes:
              - {source: warning, text: armored train}
        """
    )
    root = make_story(tmp_path, text.encode("utf-8"))
    story = load_story(root)
    assert [s.date for s in story.sources] == ["2023-09-05", "2023-09"]
    pier, seoul = story.places
    assert (pier.coords, pier.precision) == ((43.114, 131.0), "point")
    assert (seoul.coords, seoul.precision) == (None, None)
    assert pier.quotes[0].pos == Pos(str(root / "places.yaml"), 17, 33)
    via = story.routes[0].via
    assert via[0].place == "pier-33" and via[2].place == "seoul"
    assert (via[1].name, via[1].coords, via[1].place) == ("Khasan", (42.43, 130.64), None)
    assert story.routes[0].schematic is False


def test_anchors_and_aliases(tmp_path):
    text = HEAD + dedent(
        """\
        places:
          - &base
            id: pyongyang
            name: Pyongyang
            kind: capital
            quotes: &quotes
              - source: warning
                text: Kim was expected
          - <<: *base
            id: vladivostok
            name: Vladivostok
            kind: port
          - id: moscow
            name: Moscow
            kind: capital
            quotes: *quotes
        """
    )
    story = load_story(make_story(tmp_path, text))
    assert [(p.id, p.kind) for p in story.places] == [
        ("pyongyang", "capital"),
        ("vladivostok", "port"),
        ("moscow", "capital"),
    ]
    assert all(p.quotes[0].text == "Kim was expected" for p in story.places)


def test_a_problem_under_an_alias_is_reported_once(tmp_path, monkeypatch):
    text = HEAD + dedent(
        """\
        places:
          - id: pyongyang
            name: Pyongyang
            kind: capital
            quotes: &quotes
              - source: warning
                text: ""
          - id: moscow
            name: Moscow
            kind: capital
            quotes: *quotes
        """
    )
    assert problems_of(tmp_path, monkeypatch, text) == ["places.yaml:12:15: text is empty"]


def test_the_same_story_with_or_without_the_event_pass(seed_story, monkeypatch):
    """A file that cannot hold an alias or a tag is composed without walking its events
    first (the depth is checked on the tree); one that might takes the exact pass."""
    import sys

    guard = sys.modules["mapgen.story.yamlguard"]
    scans = []
    real = guard._scan
    monkeypatch.setattr(guard, "_scan", lambda *a: scans.append(1) or real(*a))
    plain = load_story(seed_story)
    assert scans == []
    text = (seed_story / "places.yaml").read_text(encoding="utf-8")
    (seed_story / "places.yaml").write_text(text + "# no alias here: *not one!\n", "utf-8")
    scanned = load_story(seed_story)
    assert scans == [1]
    assert scanned == plain


@pytest.mark.parametrize(
    ("written", "lat"),
    [("0", 0.0), ("+10", 10.0), ("-0.5", -0.5), (".5", 0.5), ("09.5", 9.5), ("1.0e+1", 10.0)],
)
def test_plain_decimals_are_read_as_written(tmp_path, monkeypatch, written, lat):
    """Only numbers YAML 1.1 reads as other than decimal are refused: a leading zero
    before a dot, a sign or an exponent with a dot are what they look like."""
    root = make_story(tmp_path, HEAD + place(extra=f"    coords: [{written}, 30]\n"))
    monkeypatch.chdir(root)
    assert load_story("places.yaml").place("pyongyang").coords == (lat, 30.0)


def test_tabs_newlines_and_bidi_embeddings_are_text(tmp_path, monkeypatch):
    """Tab and newline escapes, and the bidi embeddings and isolates that right-to-left
    text uses, are kept: only control characters and the two overrides are refused (the
    page isolates each name, see test_page)."""
    name = '"\\u202b\\u05e9\\u05dc\\u05d5\\u05dd\\u202c\\tand\\u2067Kim\\u2069"'
    root = make_story(tmp_path, HEAD + 'description: "one\\ntwo"\n' + place(name=name))
    monkeypatch.chdir(root)
    story = load_story("places.yaml")
    assert story.description == "one\ntwo"
    assert (
        story.place("pyongyang").name == "\u202b\u05e9\u05dc\u05d5\u05dd\u202c\tand\u2067Kim\u2069"
    )

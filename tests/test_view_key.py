"""``view:`` in places.yaml: what the first view frames, checked where it is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapgen.core.errors import StoryError
from mapgen.story.load import load_story
from mapgen.story.model import StoryView

ARTICLE = "Kim was expected to travel from Pyongyang to Vladivostok by armored train.\n"
# Lines 1-12: a source and one place.
STORY = """\
title: Test story
sources:
  - id: warning
    file: seeds/a.txt
    title: Article A
places:
  - id: pyongyang
    name: Pyongyang
    kind: capital
    quotes:
      - source: warning
        text: Kim was expected
"""


def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, view: str):
    root = tmp_path / "story"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "places.yaml").write_text(STORY + view, encoding="utf-8")
    monkeypatch.chdir(root)
    return load_story("places.yaml")


def problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, view: str) -> list[str]:
    with pytest.raises(StoryError) as info:
        load(tmp_path, monkeypatch, view)
    return [str(problem) for problem in info.value.problems]


def test_no_view_lets_the_page_choose(tmp_path, monkeypatch):
    assert load(tmp_path, monkeypatch, "").view is None


def test_a_list_of_ids(tmp_path, monkeypatch):
    story = load(tmp_path, monkeypatch, "view: [pyongyang]\n")
    assert story.view == StoryView(ids=("pyongyang",))


def test_centre_and_zoom(tmp_path, monkeypatch):
    story = load(tmp_path, monkeypatch, "view: {center: [39.0, 125.75], zoom: 6}\n")
    assert story.view == StoryView(center=(39.0, 125.75), zoom=6)


@pytest.mark.parametrize(
    ("view", "line", "col", "fragment"),
    [
        ("view: [pyongyang, vladivostok]\n", 13, 19, "view: no feature with id 'vladivostok'"),
        ("view: [pyongyag]\n", 13, 8, "did you mean 'pyongyang'?"),
        ("view: []\n", 13, 7, "view needs at least 1 feature id"),
        ("view: pyongyang\n", 13, 7, "view must be a mapping"),
        ("view: {center: [39, 125]}\n", 13, 7, "missing 'zoom'"),
        (
            "view: {center: [39, 125], zoom: 30}\n",
            13,
            33,
            "zoom must be a whole number from 0 to 18",
        ),
        ("view: {center: [39, 125], zoom: 5.5}\n", 13, 33, "zoom must be a whole number"),
        ("view: {center: [125, 39], zoom: 5}\n", 13, 17, "latitude 125 is out of range"),
        ("view: {centre: [39, 125], zoom: 5}\n", 13, 8, "unknown key 'centre'"),
    ],
)
def test_bad_views_are_reported_where_they_are(tmp_path, monkeypatch, view, line, col, fragment):
    found = problems(tmp_path, monkeypatch, view)
    assert any(f"places.yaml:{line}:{col}:" in p and fragment in p for p in found), found

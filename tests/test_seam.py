"""Speed behind one seam (:mod:`mapgen.pipeline.speed`): what the page is handed when a big
build verifies its quotes beside it are arguments, plain containers that wait when first
read, and nothing but the pipeline's builder knows the seam is there.

The fork itself, and builds that use it, are tests/test_forked.py's."""

from __future__ import annotations

import weakref

import pytest

import mapgen
from mapgen.core.errors import Problem, StoryError
from mapgen.page.evidence import sources_json
from mapgen.page.render import build_map
from mapgen.pipeline.speed import LateIterable, LateMapping

from .test_architecture import read_package
from .test_datalayer import big_story  # noqa: F401  (a fixture)


def test_a_late_container_is_made_once_when_first_read():
    made: list[dict] = []

    def fetch() -> dict:
        made.append({("a", "x"): (0, 1), ("a", "y"): None})
        return made[-1]

    spans = LateMapping(fetch)
    assert made == []  # not before it is read
    assert spans.get(("a", "x")) == (0, 1) and spans.get(("b", "z"), "?") == "?"
    assert ("a", "y") in spans and spans[("a", "y")] is None
    assert len(spans) == 2 and list(spans) == [("a", "x"), ("a", "y")]
    assert dict(spans.items()) == made[0] and len(made) == 1
    # the page maps ``get`` over every quote: the dict's own method, a C loop
    assert spans.get.__self__ is made[0]


def test_a_late_iterable_is_made_when_iterated_and_kept_by_no_one():
    class Texts(list):  # a list one can hold a weak reference to
        pass

    made: list[weakref.ref] = []

    def make() -> list[str]:
        texts = Texts(["{}", "[]"])
        made.append(weakref.ref(texts))
        return texts

    articles = LateIterable(make)
    assert made == []  # not before it is iterated
    assert list(articles) == ["{}", "[]"]
    assert len(made) == 1 and made[0]() is None  # made, iterated, and let go
    assert list(articles) == ["{}", "[]"] and len(made) == 2  # made again if asked again


def test_a_late_mapping_raises_what_making_it_raises_whenever_it_is_read():
    problem = Problem("quote not found")

    def fetch() -> dict:
        raise StoryError([problem])

    spans = LateMapping(fetch)
    for read in (len, lambda s: s.get(("a", "x")), lambda s: ("a", "x") in s):
        with pytest.raises(StoryError) as raised:
            read(spans)
        assert raised.value.problems == [problem]


def test_the_page_reads_the_spans_and_articles_it_is_given(big_story, page_assets):  # noqa: F811
    geo = mapgen.geocode(mapgen.load(big_story / "places.yaml"), save=False)
    story = geo.story

    def page(**given) -> str:
        return build_map(geo, inline=page_assets, **given).get_root().render()

    whole = page()
    verified = dict(story.spans)
    asked: list[int] = []
    late = LateMapping(lambda: asked.append(1) or verified)
    story.spans = {key: (0, 0) for key in verified}  # wrong: the page must not read them
    assert page() != whole
    assert page(spans=late) == whole and asked == [1]
    story.spans = verified

    # the first articles' JSON made elsewhere is the page's, as given; it makes the rest
    first = sources_json(story, 0, 1)
    assert page(articles=LateIterable(lambda: first)) == whole
    marked = '{"made":"beside",' + first[0][1:]
    assert marked in page(articles=[marked])
    assert '"made":"beside"' not in whole


def test_only_the_builder_imports_the_seam():
    """The model, the quotes, the page and the GeoJSON never know there was a fork."""
    importers = {
        module
        for module, imports in read_package().items()
        if any(imp.module == "mapgen.pipeline.speed" for imp in imports)
    }
    assert importers == {"mapgen.pipeline.builder"}

"""Quote verification against the real seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapgen.core.errors import StoryError
from mapgen.quotes.verify import (
    _FOLD,
    fold,
    fold_in_place,
    fold_text,
    folds_to_itself,
    locate,
    locate_all,
    nearest_passage,
    verify_quotes,
)
from mapgen.story.model import Place, Pos, Quote, Source, Story

ROOT = Path(__file__).resolve().parents[1]
WARNING = (ROOT / "seeds" / "000_fa09de8f1ea714ac.txt").read_text(encoding="utf-8")
SUMMIT = (ROOT / "seeds" / "001_a7f3773a7dc7432f.txt").read_text(encoding="utf-8")


def story_with(*quotes: tuple[str, str]) -> Story:
    pos = Pos("places.yaml", 1, 1)
    sources = [
        Source("warning", "seeds/a.txt", "North Korea may face repercussions", pos, text=WARNING),
        Source("summit", "seeds/b.txt", "US warns North Korea", pos, text=SUMMIT),
    ]
    place = Place(
        "p",
        "P",
        "city",
        pos,
        quotes=[
            Quote(src, txt, Pos("places.yaml", 10 + i, 15)) for i, (src, txt) in enumerate(quotes)
        ],
    )
    return Story("t", ROOT / "places.yaml", sources, [place], [], [])


def test_verbatim_quote_is_found_at_its_offsets():
    quote = "Kim was likely to visit Pier 33, where naval vessels from Russia\u2019s Pacific fleet are docked."
    start, end = locate(quote, WARNING)
    assert WARNING[start:end] == quote


@pytest.mark.parametrize(
    "typed",
    [
        # straight apostrophe for the article's curly one
        "Kim was likely to visit Pier 33, where naval vessels from Russia's Pacific fleet",
        # straight double quotes for curly ones, and a line break in the middle
        'Moscow and Pyongyang were contemplating "leader-level discussions,\n   perhaps even in person,"',
        # an en dash typed for the article's hyphen is folded too
        "Vladivostok is hosting the Eastern Economic Forum from September 10\u201313",
    ],
)
def test_folded_quotes_match(typed):
    assert locate(typed, WARNING + "\n" + SUMMIT) is not None
    verify_quotes(
        story_with(("warning" if "Pier" in typed or "Moscow" in typed else "summit", typed))
    )


def test_folding_maps_back_to_original_offsets():
    article = "He said \u201cWhy\u00a0not?\u201d \u2014 twice."
    folded = fold(article)
    assert folded.text == 'He said "Why not?" - twice.'
    start, end = locate('"Why not?"', article)
    assert article[start:end] == "\u201cWhy\u00a0not?\u201d"
    assert fold_text("  a \n\t b ") == "a b"
    every = "".join(chr(c) for c in range(0x3000))
    assert fold_text(every) == " ".join(every.translate(_FOLD).split())


@pytest.mark.parametrize(
    "typed",
    [
        "Kim was likely to visit Pier 34, where naval vessels from Russia's Pacific fleet are docked.",
        "kim was likely to visit Pier 33",  # case is part of the words
        "Kim was likely to visit Pier 33 where naval vessels",  # a dropped comma
    ],
)
def test_changed_quote_is_an_error_with_the_nearest_passage(typed):
    with pytest.raises(StoryError) as info:
        verify_quotes(story_with(("warning", typed)))
    message = str(info.value)
    assert message.startswith('places.yaml:10:15: quote not found in source "warning"')
    assert "North Korea may face repercussions" in message
    assert 'nearest passage: "Kim was likely to visit Pier 33' in message
    assert "\n" not in message


def test_every_missing_quote_is_reported_once():
    with pytest.raises(StoryError) as info:
        verify_quotes(
            story_with(
                ("warning", "This sentence is in neither article."),
                ("summit", "Kim Jong Un is reportedly planning to travel to Vladivostok"),
                ("summit", "Pier 33"),  # in the other article only
            )
        )
    lines = str(info.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == ["places.yaml:10:15", "places.yaml:12:15"]


def test_nearest_passage_is_in_the_articles_own_words():
    near = nearest_passage("Shoigu visited North Korea in July to get munitions", WARNING)
    assert near in " ".join(WARNING.split())
    assert "Shoigu" in near


@pytest.mark.parametrize(
    "quote",
    [
        "plain words.",
        " leading",
        "trailing ",
        "two  spaces",
        "a\tb",
        "a\nb",
        "a\x1fb",
        "a\u00a0b",
        "Russia\u2019s",
        "wait\u2026",
        "caf\u00e9",
        "",
        "x",
    ],
)
def test_folds_to_itself_agrees_with_folding(quote):
    if folds_to_itself(quote):
        assert fold_text(quote) == quote
    assert folds_to_itself(quote) == (quote.isascii() and fold_text(quote) == quote and quote != "")


def test_a_quote_is_found_where_it_first_stands_folded():
    article = "He said\nit twice. He said it twice."
    start, end = locate("He said it twice.", article)
    assert article[start:end] == "He said\nit twice."
    start, end = locate("He said\u00a0it", "x He said\nit")
    assert (start, end) == (2, 12)


def test_fold_in_place_keeps_every_offset():
    article = "A\u00a0\u201cquote\u201d \u2014 and\n\nmore\u2026 Russia\u2019s\u2028end\t."
    in_place = fold_in_place(article)
    assert len(in_place) == len(article)
    assert in_place == 'A "quote" - and  more\u2026 Russia\'s end .'


TRICKY = [
    "Russia's",  # a curly apostrophe in the article
    "and more...",  # an ellipsis, and a paragraph break: the fully folded path
    "- and",  # a dash for a dash
    "Two  spaces typed",  # typed with white space runs
    "not in it",
    "",
]


def test_locate_all_answers_as_locate_does():
    article = (
        "Say \u201cyes\u201d \u2014 and\n\nmore\u2026 Russia\u2019s. Two spaces typed. Russia's"
    )
    source = Source("a", "a.txt", "A", Pos("places.yaml", 1, 1), text=article)
    quotes = [Quote("a", text, Pos("places.yaml", 2 + i, 1)) for i, text in enumerate(TRICKY)]
    place = Place("p", "P", "city", Pos("places.yaml", 1, 1), quotes=quotes)
    story = Story("t", ROOT / "places.yaml", [source], [place], [], [])
    spans = locate_all(story)
    assert spans == {("a", q): locate(q, article) for q in TRICKY}
    assert article[slice(*spans[("a", "Russia's")])] == "Russia\u2019s"
    assert article[slice(*spans[("a", "and more...")])] == "and\n\nmore\u2026"
    assert spans[("a", "not in it")] is None and spans[("a", "")] is None


PLAIN = "Kim\u2019s train left\tPyongyang. The train reached Vladivostok on Tuesday. " * 3
ACCENTED = "Caf\u00e9 talks in S\u00e9oul. The train reached Vladivostok on Tuesday. " * 3
#: Runs Python as an install without the ``big`` extra would: stringzilla cannot be found.
WITHOUT_STRINGZILLA = """
import sys
class Absent:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "stringzilla":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Absent())
"""


def mixed_story() -> tuple[Story, list[Source], list[Quote]]:
    """An ASCII article and an accented one, with quotes found in each, in neither, and
    across a non-ASCII character."""
    sources = [
        Source(sid, f"{sid}.txt", sid, Pos("places.yaml", 1, 1), text=text)
        for sid, text in (("plain", PLAIN), ("accented", ACCENTED))
    ]
    wanted = [
        "reached Vladivostok",
        "Kim's train left Pyongyang.",
        "Tuesday. Kim's",
        "S\u00e9oul",
        "Caf\u00e9",
        "not there",
        "Vladivostok on Tuesday. Caf\u00e9 talks",
    ]
    quotes = [
        Quote(sid, text, Pos("places.yaml", 2, 1))
        for sid in ("plain", "accented")
        for text in wanted
    ]
    place = Place("p", "P", "city", Pos("places.yaml", 1, 1), quotes=quotes)
    return Story("t", ROOT / "places.yaml", sources, [place], [], []), sources, quotes


def test_locate_all_searches_ascii_articles_with_stringzilla_and_others_as_str():
    """ASCII articles are searched as stringzilla.Str (offsets in bytes), the rest as str
    (offsets in characters): both give locate's answers, past a non-ASCII character too."""
    import stringzilla

    from mapgen.quotes.verify import _searchable

    assert isinstance(_searchable(fold_in_place(PLAIN)), stringzilla.Str)
    assert isinstance(_searchable(fold_in_place(ACCENTED)), str)
    story, sources, quotes = mixed_story()
    spans = locate_all(story)
    assert spans == {
        (q.source, q.text): locate(q.text, s.text)
        for s in sources
        for q in quotes
        if q.source == s.id
    }
    assert ACCENTED[slice(*spans[("accented", "reached Vladivostok")])] == "reached Vladivostok"
    assert PLAIN[slice(*spans[("plain", "Kim's train left Pyongyang.")])] == (
        "Kim\u2019s train left\tPyongyang."
    )
    assert spans[("plain", "S\u00e9oul")] is None and spans[("accented", "not there")] is None


def test_without_stringzilla_every_answer_is_the_same(monkeypatch):
    """The ``big`` extra only makes the search faster: with :func:`fast_str` saying it is
    not installed, every article is searched as a str, to the very same spans."""
    from mapgen.quotes import verify

    story, _, _ = mixed_story()
    seed = verify_quotes_spans()
    with_it = locate_all(story)
    monkeypatch.setattr(verify, "fast_str", lambda: None)
    assert type(verify._searchable(fold_in_place(PLAIN))) is str
    assert locate_all(story) == with_it
    assert verify_quotes_spans() == seed


def verify_quotes_spans() -> dict:
    """The spans of the shipped story's quotes, as verify_quotes finds them."""
    from mapgen.story.load import load_story

    story = load_story(ROOT)
    verify_quotes(story)
    return dict(story.spans)


def test_an_install_without_the_big_extra_verifies_the_same(tmp_path):
    """In a fresh interpreter where stringzilla cannot be imported at all (as after a plain
    ``pip install mapgen``), the shipped story and the mixed one verify to the same spans."""
    import json
    import subprocess
    import sys

    code = (
        WITHOUT_STRINGZILLA
        + """
import json
from mapgen.quotes import verify
from mapgen.story.load import load_story
from tests.test_sources import mixed_story
assert verify.fast_str() is None
assert "stringzilla" not in sys.modules
story = load_story(".")
verify.verify_quotes(story)
mixed = verify.locate_all(mixed_story()[0])
print(json.dumps([sorted(map(list, story.spans.items())), sorted(map(list, mixed.items()))]))
"""
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    seed, mixed = json.loads(done.stdout)
    here = [sorted(map(list, verify_quotes_spans().items()))]
    here.append(sorted(map(list, locate_all(mixed_story()[0]).items())))
    assert json.loads(json.dumps(here)) == [seed, mixed]
    assert any(span is not None for _, span in mixed) and seed


def test_the_white_space_list_is_all_of_unicodes():
    from mapgen.quotes.verify import _WHITE_SPACE

    assert "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) == _WHITE_SPACE

"""Size and amplification: whatever a story folder holds, a build fails or succeeds within
the budget (any input up to 100 MB, 60 s, 2 GB), with a one-line error, not a
MemoryError, a RecursionError or a search that runs for minutes.

The limits are module constants: most tests lower them to stay small and fast; one test
per attack runs it at its real size, in a process held to 2 GB of address space."""

from __future__ import annotations

import importlib
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from rapidfuzz import fuzz

import mapgen
from mapgen.core.errors import StoryError
from mapgen.geo import cachefile
from mapgen.geo.cache import GeocodeCache
from mapgen.quotes import verify as sources
from mapgen.story import bulk
from mapgen.story.load import load_story
from mapgen.story.model import Pos, Quote

from .conftest import ROOT

# The modules, not the functions mapgen re-exports under the same names.
load_module = importlib.import_module("mapgen.story.load")
guard_module = importlib.import_module("mapgen.story.yamlguard")
articles_module = importlib.import_module("mapgen.story.articles")

#: The budget's memory, as the address space a build may use.
BUDGET = 2 * 1024**3
ARTICLE = "Kim was expected to travel from Pyongyang to Vladivostok by armored train.\n"
HEAD = """\
title: Test story
sources:
  - id: a
    file: seeds/a.txt
    title: Article A
"""
PLACE = """\
  - id: p{i}
    name: Place {i}
    kind: city
    coords: [39.0, 125.7]
    quotes:
      - source: a
        text: {quote}
"""


def make_story(root: Path, body: str = "", article: str = ARTICLE, **files: str) -> Path:
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text(article)
    (root / "places.yaml").write_text(HEAD + body)
    for name, text in files.items():
        (root / name.replace("_", ".")).write_text(text)
    return root


def places(count: int, quote: str = "Kim was expected") -> str:
    return "places:\n" + "".join(PLACE.format(i=i, quote=quote) for i in range(count))


def run_limited(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``mapgen ARGS`` in a fresh process held to :data:`BUDGET` of address space: past it,
    an allocation fails (a MemoryError) instead of the machine swapping."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (BUDGET, BUDGET))

    return subprocess.run(
        [sys.executable, "-m", "mapgen", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit,
        cwd=ROOT,
    )


def one_line_error(done: subprocess.CompletedProcess, story: Path) -> str:
    """The error line of a build that failed as a user's mistake should: exit 2, no
    traceback, nothing written."""
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Error:" not in done.stderr, done.stderr[-2000:]
    assert not (story / "output").exists()
    return done.stderr.splitlines()[0]


# --- YAML: aliases counted in characters, not only in nodes ------------------------------


def alias_text_bomb(size: int, copies: int) -> str:
    """One ``size``-character note anchored once, aliased by ``copies`` places."""
    body = f"description: &big {'x' * size}\nplaces:\n"
    for i in range(copies):
        body += PLACE.format(i=i, quote="Kim was expected").replace(
            "    quotes:", "    note: *big\n    quotes:"
        )
    return body


def test_a_long_text_aliased_thousands_of_times_is_refused_within_the_budget(tmp_path):
    """On main: 4 GB, then a MemoryError traceback (a 1 MiB text, 2,000 aliases)."""
    story = make_story(tmp_path / "story", alias_text_bomb(1 << 20, 2000))
    line = one_line_error(run_limited("build", str(story), "--cdn"), story)
    assert "places.yaml:" in line and "too much text through aliases" in line
    assert "2,097,152,000 characters" in line


def test_aliases_may_repeat_text_up_to_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(guard_module, "MAX_ALIAS_CHARS", 5000)
    story = make_story(tmp_path / "ok", alias_text_bomb(1000, 5))  # 5,000 more: allowed
    assert len(load_story(story).places) == 5
    story = make_story(tmp_path / "bomb", alias_text_bomb(1000, 6))  # 6,000 more
    with pytest.raises(StoryError) as caught:
        load_story(story)
    (problem,) = caught.value.problems
    assert (problem.pos.line, problem.pos.col) == (8, 3)  # the list that repeats it
    assert "aliases: they repeat 6,000 characters, more than 5,000" in problem.message


def test_a_yaml_story_too_big_for_the_budget_is_refused_before_its_tree_is_made(
    tmp_path, monkeypatch
):
    """A dense 99 MB places.yaml (1.1 million places) took 4.4 GB on main: past
    MAX_EVENTS values it is refused, at the value past the limit."""
    monkeypatch.setattr(guard_module, "MAX_EVENTS", 300)
    monkeypatch.setattr(guard_module, "_COUNT_FROM", 600)
    assert len(load_story(make_story(tmp_path / "ok", places(10))).places) == 10
    with pytest.raises(StoryError, match="too big: more than 300 values") as caught:
        load_story(make_story(tmp_path / "big", places(30)))
    (problem,) = caught.value.problems
    assert problem.pos is not None and problem.pos.line > 6


def test_places_yaml_past_its_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(guard_module, "MAX_STORY_BYTES", 200)
    with pytest.raises(StoryError, match=r"places\.yaml: cannot read: it is larger than 200"):
        load_story(make_story(tmp_path / "story", places(3)))


# --- CSV and GeoJSON includes -------------------------------------------------------------

HEADER = "name,lat,lon,kind,source,quote\n"
ROW = "Wonsan,39.1,127.4,port,a,Kim was expected\n"


def test_a_csv_of_forty_million_empty_lines_is_refused_within_the_budget(tmp_path):
    """On main: 6 GB, then a MemoryError traceback."""
    story = make_story(tmp_path / "story", "include: [big.csv]\n")
    with open(story / "big.csv", "w") as fh:
        fh.write(HEADER)
        for _ in range(40):
            fh.write("\n" * 1_000_000)
    line = one_line_error(run_limited("build", str(story), "--cdn"), story)
    assert line.endswith(
        "big.csv:400001:1: too many lines (40,000,001): a CSV file may hold at most"
        " 400,000; split it into several files"
    )


def test_a_csv_may_hold_rows_up_to_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_ROWS", 5)
    story = make_story(tmp_path / "ok", "include: [more.csv]\n", more_csv=HEADER + ROW * 4)
    assert len(load_story(story).places) == 4
    story = make_story(tmp_path / "big", "include: [more.csv]\n", more_csv=HEADER + "\r\n" * 5)
    with pytest.raises(StoryError, match=r"more\.csv:6:1: too many lines \(6\)"):
        load_story(story)


def feature_collection(features: str) -> str:
    return '{"type": "FeatureCollection", "features": [' + features + "]}"


FEATURE = (
    '{"type": "Feature", "properties": {"name": "Wonsan", "kind": "port", "source": "a",'
    ' "quote": "Kim was expected"}, "geometry": {"type": "Point", "coordinates": [LON, 39.1]}}'
)


def test_geojson_nested_100000_deep_is_one_error_at_its_place(tmp_path):
    """On main: a RecursionError traceback."""
    deep = "[" * 100_000 + "]" * 100_000
    text = feature_collection(FEATURE.replace("LON", "127.4") + ",\n" + deep)
    story = make_story(tmp_path / "story", "include: [deep.geojson]\n", deep_geojson=text)
    with pytest.raises(StoryError) as caught:
        load_story(story)
    (problem,) = caught.value.problems
    assert str(problem).endswith(
        # the first bracket past the limit: the object and the features list are two
        f"deep.geojson:2:{bulk.MAX_JSON_DEPTH - 1}: nesting too deep: more than"
        f" {bulk.MAX_JSON_DEPTH} levels of lists and objects"
    )


def test_geojson_with_a_5001_digit_number_is_one_error_at_its_place(tmp_path):
    """On main: a ValueError traceback (Python's limit on reading long ints)."""
    text = feature_collection("\n" + FEATURE.replace("LON", "1" * 5001))
    story = make_story(tmp_path / "story", "include: [long.geojson]\n", long_geojson=text)
    with pytest.raises(StoryError) as caught:
        load_story(story)
    (problem,) = caught.value.problems
    column = FEATURE.index("LON") + 1
    assert str(problem).endswith(
        f"long.geojson:2:{column}: a number with more than 4,300 digits; no position needs so many"
    )


def test_geojson_features_past_the_limit_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_ROWS", 3)
    features = ",\n".join(FEATURE.replace("LON", "127.4") for _ in range(3))
    ok = make_story(
        tmp_path / "ok", "include: [p.geojson]\n", p_geojson=feature_collection(features)
    )
    assert len(load_story(ok).places) == 3
    features += ",\n" + FEATURE.replace("LON", "127.4")
    big = make_story(
        tmp_path / "big", "include: [p.geojson]\n", p_geojson=feature_collection(features)
    )
    with pytest.raises(
        StoryError, match=r"p\.geojson:4:1: too many features: a file may hold at most 3"
    ):
        load_story(big)


# --- the geocode cache --------------------------------------------------------------------


def test_a_cache_too_big_for_the_budget_is_refused(tmp_path, monkeypatch):
    """On main a 90 MB cache of 30 million values took 2.3 GB and ended in a MemoryError."""
    monkeypatch.setattr(cachefile, "MAX_CACHE_EVENTS", 100)
    path = tmp_path / "geocode-cache.yaml"
    path.write_text("version: 2\nentries: [" + "a, " * 300 + "]\n")
    with pytest.raises(StoryError, match="the geocode cache is too big: more than 100 values"):
        GeocodeCache.load(path)


# --- the nearest passage to a quote not found --------------------------------------------


def long_article(words: int) -> str:
    vocabulary = [
        "convoy",
        "depot",
        "bridge",
        "rail",
        "yard",
        "harbour",
        "warehouse",
        "checkpoint",
        "airfield",
    ]
    return " ".join(vocabulary[(i * 7 + i // 13) % len(vocabulary)] for i in range(words)) + "\n"


def test_the_nearest_passage_search_is_bounded(monkeypatch):
    """A 1 MB quote with one word changed, against an article of 3 MB: each fuzzy
    comparison is of at most MAX_FUZZY_QUOTE characters against a bounded stretch, and the
    hint is still the passage."""
    compared: list[tuple[int, int]] = []

    def spy(needle, hay, *args, **kwargs):
        compared.append((len(needle), len(hay)))
        assert len(needle) <= sources.MAX_FUZZY_QUOTE  # before minutes of search
        return real(needle, hay, *args, **kwargs)

    real = fuzz.partial_ratio_alignment
    monkeypatch.setattr(fuzz, "partial_ratio_alignment", spy)
    article = long_article(400_000)
    quote = article[5000 : 5000 + 1_000_000]
    quote = quote[:100] + " XYZZY " + quote[107:]
    problem = sources.check_quote(Quote("a", quote, Pos("places.yaml", 1, 1)), article, "A")
    assert problem is not None
    hint = problem.message.split('nearest passage: "', 1)[1].rstrip('"').rstrip("\u2026")
    assert len(hint) > 100 and hint in article[4900:5400]
    assert compared and all(
        needle <= sources.MAX_FUZZY_QUOTE and hay <= 3 * sources.MAX_FUZZY_QUOTE
        for needle, hay in compared
    )


def test_a_short_changed_quote_still_gets_its_nearest_passage():
    article = long_article(2000) + "Kim was likely to visit Pier 33 by train.\n" + long_article(50)
    near = sources.nearest_passage("Kim was expected to visit Pier 33", article)
    assert "Kim was likely to visit Pier 33" in near and len(near) < 100


def test_only_the_first_quotes_not_found_get_a_nearest_passage(tmp_path, monkeypatch):
    """Each search is bounded; their number is too, so that thousands of changed quotes do
    not freeze a watch."""
    monkeypatch.setattr(sources, "MAX_HINTS", 3)
    story = make_story(tmp_path / "story", places(5, quote="Kim was expectedd"))
    with pytest.raises(StoryError) as caught:
        sources.verify_quotes(load_story(story))
    hints = ["nearest passage" in p.message for p in caught.value.problems]
    assert hints == [True, True, True, False, False]


def test_a_1_mb_quote_with_one_word_changed_is_answered_within_the_budget(tmp_path):
    """On main: 247 s in the nearest-passage search (here: past the 60 s timeout)."""
    article = long_article(400_000)
    quote = article[5000 : 5000 + 1_000_000].strip()
    quote = quote[:500_000] + " XYZZY " + quote[500_007:]
    body = places(1, quote=json.dumps(quote))
    story = make_story(tmp_path / "story", body, article=article)
    done = run_limited("check", str(story), timeout=60)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "quote not found" in done.stderr and "nearest passage" in done.stderr


def test_an_article_past_its_limit_is_refused_within_the_budget(tmp_path):
    """On main a 98 MB article with a quote not in it ended in numpy's MemoryError (the
    article's folding took 12 bytes a character at once)."""
    story = make_story(tmp_path / "story", places(1, quote="Kim was expectedd"))
    with open(story / "seeds" / "a.txt", "w") as fh:
        fh.write(ARTICLE)
        for _ in range(98):
            fh.write("word\u2019s  " * 100_000)
    line = one_line_error(run_limited("build", str(story), "--cdn"), story)
    assert line.endswith("file 'seeds/a.txt' is larger than 10 MB (98 MB)")


def test_articles_may_be_as_long_as_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(articles_module, "MAX_ARTICLE_BYTES", len(ARTICLE))
    assert load_story(make_story(tmp_path / "ok", places(1))).sources[0].text == ARTICLE
    monkeypatch.setattr(articles_module, "MAX_ARTICLE_BYTES", len(ARTICLE) - 1)
    with pytest.raises(StoryError, match=r"places\.yaml:4:11: file 'seeds/a\.txt' is larger than"):
        load_story(make_story(tmp_path / "big", places(1)))


def test_folding_a_long_article_keeps_to_a_byte_a_character(monkeypatch):
    """The folding's offsets are the same, a slice at a time, as all at once."""
    text = "a\u2019  b \u2026c\n\n" * 50 + " end "
    whole = sources._resized(text)
    monkeypatch.setattr(sources, "_SLICE", 7)
    assert sources._resized(text) == whole
    assert sources.fold(text + " ").text == sources.fold_text(text)


# --- many sources naming one file; the articles' total ------------------------------------

SOURCE = """\
  - id: {id}
    file: {file}
    title: Article {id}
"""


def sources_story(root: Path, files: list[str], article: str = ARTICLE) -> Path:
    """A story whose sources name ``files`` in turn (the first, ``a``, is
    ``seeds/a.txt``, holding ``article``), and one place quoting each source."""
    story = make_story(root, article=article)
    head = "".join(SOURCE.format(id=f"s{i}", file=file) for i, file in enumerate(files))
    body = "places:\n" + "".join(
        PLACE.format(i=i, quote="Kim was expected").replace("source: a", f"source: s{i}")
        for i in range(len(files))
    )
    (story / "places.yaml").write_text(HEAD + head + body)
    return story


def test_sources_naming_one_file_share_its_one_text(tmp_path):
    """On main each source read and decoded its file again: 200 sources naming one 9.8 MB
    article took 7.8 GB.  A file is read once per load, told by its identity, so another
    name for it (``./``, a hard link) shares the text too; another file does not."""
    names = ["seeds/a.txt", "./seeds/a.txt", "seeds//a.txt", "seeds/linked.txt", "seeds/b.txt"]
    story = sources_story(tmp_path / "s", names)
    os.link(story / "seeds" / "a.txt", story / "seeds" / "linked.txt")
    (story / "seeds" / "b.txt").write_text(ARTICLE)
    loaded = load_story(story)
    texts = [source.text for source in loaded.sources]
    assert all(text == ARTICLE for text in texts)
    assert all(text is texts[0] for text in texts[:5]) and texts[5] is not texts[0]  # a, s0-s4


def test_a_bad_article_named_twice_is_reported_at_each_name(tmp_path):
    story = sources_story(tmp_path / "s", ["seeds/bad.txt", "seeds/bad.txt"])
    (story / "seeds" / "bad.txt").write_bytes(b"caf\xe9\n")
    with pytest.raises(StoryError) as caught:
        load_story(story)
    lines = [line.split("/s/")[1] for line in str(caught.value).splitlines()]
    assert [line.split(": file")[0] for line in lines] == ["places.yaml:7:11", "places.yaml:10:11"]
    assert all("is not UTF-8: byte 0xe9 at offset 3" in line for line in lines)


def test_the_articles_together_are_bounded_each_file_counted_once(tmp_path, monkeypatch):
    """Past :data:`MAX_STORY_ARTICLE_BYTES` of distinct articles, the ``file:`` that goes
    past it is refused where it stands; naming a file read already costs nothing."""
    monkeypatch.setattr(articles_module, "MAX_STORY_ARTICLE_BYTES", 2 * len(ARTICLE))
    names = ["seeds/a.txt", "seeds/b.txt", "seeds/a.txt", "seeds/b.txt"]
    for folder, files in (("ok", names), ("big", [*names, "seeds/c.txt", "seeds/a.txt"])):
        story = sources_story(tmp_path / folder, files)
        (story / "seeds" / "b.txt").write_text(ARTICLE)
        (story / "seeds" / "c.txt").write_text(ARTICLE)
    assert len(load_story(tmp_path / "ok").sources) == 5  # a, s0-s3
    with pytest.raises(StoryError) as caught:
        load_story(tmp_path / "big")
    assert str(caught.value).split("/big/")[1] == (
        "places.yaml:19:11: file 'seeds/c.txt' brings the articles to 225 bytes, more than"
        " the 150 bytes a story's articles may hold in all (each file counted once); split"
        " the story, or quote shorter articles"
    )


def test_a_page_carries_each_text_once(tmp_path):
    """On main the page inlined every source's text: 200 sources of one 9.8 MB file
    wrote a 1.98 GB map.html.  Sources sharing a text carry it once."""
    article = ARTICLE + "A marker only this article has: QX-7781.\n"
    story = sources_story(tmp_path / "s", ["seeds/a.txt"] * 5, article=article)
    (story / "seeds" / "b.txt").write_text(article)  # the same words in another file: one copy
    yaml_text = (story / "places.yaml").read_text()
    last = "seeds/a.txt\n    title: Article s4"
    (story / "places.yaml").write_text(yaml_text.replace(last, last.replace("a.txt", "b.txt")))
    page = mapgen.build(story, tmp_path / "out", cdn=True).html.read_text()
    assert page.count("QX-7781") == 1
    assert page.count('"same":0') == 5  # s0-s4 share a's


def test_many_sources_of_one_long_article_build_within_the_budget(tmp_path):
    """The review's story: 200 sources naming one 9.8 MB article, each quoted once.  On
    main: 7.8 GB and a 1.98 GB page (a MemoryError under the budget); here the article is
    read once and carried once."""
    article = ARTICLE + long_article(1_250_000)
    assert len(article.encode()) > 9_000_000
    story = sources_story(tmp_path / "s", ["seeds/a.txt"] * 200, article=article)
    done = run_limited("build", str(story), "--cdn")
    assert done.returncode == 0, done.stderr[-2000:]
    assert (story / "output" / "map.html").stat().st_size < 2 * len(article)


# --- a quote's sentence, in an article with no full stop ----------------------------------


def test_a_quotes_sentence_is_written_only_around_the_quote(tmp_path):
    """An article with no full stop is one long sentence: on main each quote's GeoJSON
    ``sentence`` was all of it (a 9 MB article quoted by 200 places: a 1.84 GB GeoJSON).
    The sentence is written only so far either side of the quote, with an ellipsis."""
    article = "Start here. " + "word " * 5000 + "and Kim was expected to travel by train\n"
    story = make_story(tmp_path / "s", places(20, quote="Kim was expected to travel"), article)
    result = mapgen.build(story, tmp_path / "out", cdn=True)
    geojson = json.loads(result.geojson.read_text())
    sentences = [q["sentence"] for f in geojson["features"] for q in f["properties"]["quotes"]]
    context = importlib.import_module("mapgen.quotes.sentences").SENTENCE_CONTEXT
    assert len(sentences) == 20
    for sentence in sentences:
        assert sentence.startswith("\u2026word word") and sentence.endswith("travel by train")
        assert len(sentence) <= context + len("Kim was expected to travel") + 20
    assert result.geojson.stat().st_size < 20 * 3 * context


def test_quotes_near_the_end_of_a_long_article_build_within_the_budget(tmp_path):
    """The real size: a 9 MB article with an emoji and no full stop, quoted near its end
    by 200 places.  On main: 213 s and 3.7 GB (JavaScript offsets counted from the start
    for each quote; the whole article written as each quote's sentence)."""
    article = "Start \U0001f600 here.\n" + long_article(1_200_000)
    article += "Kim was expected to travel by armored train.\n"
    assert len(article.encode()) > 9_000_000
    story = make_story(tmp_path / "s", places(200, quote="Kim was expected to travel"), article)
    done = run_limited("build", str(story), "--cdn", timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (story / "output" / "map.geojson").stat().st_size < 10_000_000

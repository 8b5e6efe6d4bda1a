"""A verified quote means what a careful editor means by it (issue 15).

Every row of the issue's table, against the first story's articles (seeds/): the quotes
that verified before, and now are refused (a cut word or number, a fragment, a splice of
two paragraphs, a source that is the story itself) or warned about by ``mapgen check``
(a dropped negation or attribution, a condition, a status no quote says).
"""

from __future__ import annotations

import json
import os
import re
from contextlib import chdir
from pathlib import Path

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli.main import main
from mapgen.core import terminal
from mapgen.quotes import context
from mapgen.quotes.sentences import ellipses, layout, paragraph_broken, sentence_of

ROOT = Path(__file__).resolve().parents[1]
WARNING = (ROOT / "seeds" / "000_fa09de8f1ea714ac.txt").read_text(encoding="utf-8")
SUMMIT = (ROOT / "seeds" / "001_a7f3773a7dc7432f.txt").read_text(encoding="utf-8")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def story(
    root: Path, quotes: list[tuple[str, str]], status: str = "reported", sources: str = ""
) -> Path:
    """A story in ``root`` whose one place has ``quotes`` ((source, text) each, the text on
    line 9 onwards, column 33) and ``status``; ``sources`` adds more sources."""
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    for name in ("000_fa09de8f1ea714ac.txt", "001_a7f3773a7dc7432f.txt"):
        (root / "seeds" / name).write_bytes((ROOT / "seeds" / name).read_bytes())
    lines = [
        "title: T",
        "sources:",
        "  - {id: warning, file: seeds/000_fa09de8f1ea714ac.txt, title: The warning}",
        "  - {id: summit, file: seeds/001_a7f3773a7dc7432f.txt, title: The summit}",
        sources,
        "places:",
        f"  - {{id: p, name: P, kind: city, coords: [1, 2], status: {status}, quotes: [",
        "      {source: warning, text: 'North Korea celebrates the anniversary of its founding'},",
    ]
    lines += [
        f"      {{source: {source}, text: {json.dumps(text, ensure_ascii=False)}}},"
        for source, text in quotes
    ]
    lines[-1] = lines[-1].rstrip(",") + "]}"
    (root / "places.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def refused(root: Path) -> list[str]:
    with chdir(root):  # the story's files named as they are in it
        code, out, err = run("check", ".", "--no-mentions")
    assert code == 2, (out, err)
    return [line for line in err.splitlines() if not line.endswith("nothing was written.")]


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize(
    ("source", "typed", "says"),
    [
        ("warning", "Kim was likely to visit Pier 3", 'ends inside the number "33"'),
        ("summit", "drew representatives from 6", 'ends inside the number "68"'),
        ("warning", "ussi", 'starts inside the word "repercussions"'),
        ("warning", "a", 'starts inside the word "Korea"'),
        ("warning", "naval vessels from Russia", 'ends inside the word "Russia\u2019s"'),
        ("summit", "person meetings, to address", 'starts inside the word "in-person"'),
    ],
)
def test_a_quote_that_cuts_a_word_or_a_number_is_refused(tmp_path, source, typed, says):
    (line,) = refused(story(tmp_path, [(source, typed)]))
    assert line.startswith("places.yaml:9:")
    assert says in line
    assert "the sentence is" in line  # the passage it matched, to copy


def one_article(root: Path, article: str, typed: str, status: str = "reported") -> Path:
    """A story in ``root`` with one article and one place quoting ``typed`` from it (the
    quote on line 4, column 76)."""
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    (root / "seeds" / "a.txt").write_text(article, encoding="utf-8", newline="")
    (root / "places.yaml").write_text(
        "title: T\nsources: [{id: a, file: seeds/a.txt, title: A}]\nplaces:\n"
        f"  - {{id: p, name: P, kind: city, coords: [1, 2], status: {status}, quotes: ["
        f"{{source: a, text: {json.dumps(typed, ensure_ascii=False)}}}]}}\n",
        encoding="utf-8",
    )
    return root


#: (article, quote, the word or number it cuts): cuts at characters that folding changes or
#: that are inside a word unseen: apostrophes and dashes of every kind, the spaces printed
#: inside a number, a sign or a decimal point, format characters, combining marks.
CUTS = [
    *[
        (f"Officials said Kim can{c}t visit the port this month.\n", "Officials said Kim can", f"can{c}t")
        for c in "\u2018\u2032\uff07\u201b\u00b4`"
    ],
    *[
        (f"The forum runs September 10{c}13 in the port.\n", "The forum runs September 10", f"10{c}13")
        for c in "\u2012\u2212\uff0d"
    ],
    *[
        (f"The forum drew representatives from 68{c}000 firms.\n", "drew representatives from 68", f"68{c}000")
        for c in "\u00a0\u2009\u202f"
    ],
    *[
        (f"Temperatures in the port fell to {c}40 degrees overnight.\n", "40 degrees overnight", f"{c}40")
        for c in "-\u2212"
    ],
    *[
        (f"The Kremlin said Kim was likely to visit Pier 3{c}3, where vessels dock.\n", "likely to visit Pier 3", f"3{c}3")
        for c in "\u00ad\u200b\u200d\u2060"
    ],
    ("The talks were held at the cafe\u0301 Pushkin in the port.\n", "held at the cafe", "cafe\u0301"),
    ("Prices in the port rose .5% in a year.\n", "5% in a year", ".5%"),
    ("Prices in the port rose 10% in a year.\n", "Prices in the port rose 10", "10%"),
]  # fmt: skip


@pytest.mark.parametrize(("article", "typed", "cut"), CUTS)
def test_a_cut_hidden_by_folding_or_unseen_characters_is_refused(tmp_path, article, typed, cut):
    (line,) = refused(one_article(tmp_path, article, typed))
    assert line.startswith('places.yaml:4:95: in source "a" (A): quote ')
    word = re.search(r'inside the (?:word|number) "(.*?)" \(it reads', line).group(1)
    assert word == terminal.one_line(cut)


#: Quotes beside such characters that cut nothing: they stay verified.
WHOLE = [
    ("Temperatures in the port fell to -40 degrees overnight.\n", "fell to -40 degrees"),
    ("The forum drew representatives from 68\u00a0000 firms.\n", "from 68 000 firms"),
    ("The talks\u2014held in secret\u2014were a success, Kim said.\n", "held in secret"),
    ("The talks\u2014held in secret\u201440 days ago\u2014ended.\n", "40 days ago"),
    ("Kim can\u2019t visit the port this month.\n", "Kim can't visit the port"),
    ("The ship\u200b left the port. It sailed at dawn.\n", "The ship\u200b left the port."),
    ("Prices in the port rose 10% in a year.\n", "rose 10% in a year"),
]


@pytest.mark.parametrize(("article", "typed"), WHOLE)
def test_a_quote_of_whole_words_beside_such_characters_is_verified(tmp_path, article, typed):
    code, out, err = run("check", str(one_article(tmp_path, article, typed)), "--no-mentions")
    assert (code, err) == (0, ""), out


@pytest.mark.parametrize("typed", [".", "Russia", "Pier 33", "North Korea"])
def test_a_fragment_is_refused_with_its_sentence_to_paste(tmp_path, typed):
    (line,) = refused(story(tmp_path, [("warning", typed)]))
    assert re.match(r"places\.yaml:9:\d+: in source \"warning\"", line)
    assert "is a fragment: quote at least three words, or a whole sentence" in line
    sentence = re.search(r'the sentence is "(.*)"$', line).group(1)
    assert sentence in " ".join(WARNING.split())  # one paste away from a fair quote
    assert sentence.endswith(".")


def test_a_short_whole_sentence_is_a_quote(tmp_path):
    article = "The talks failed. Why not? Nobody knows.\n"
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(article, encoding="utf-8")
    (tmp_path / "places.yaml").write_text(
        "title: T\nsources: [{id: a, file: seeds/a.txt, title: A}]\nplaces:\n"
        "  - {id: p, name: P, kind: city, coords: [1, 2], quotes: [{source: a, text: Why not?},"
        " {source: a, text: The talks failed}, {source: a, text: Nobody knows.}]}\n",
        encoding="utf-8",
    )
    code, _, err = run("check", str(tmp_path), "--no-mentions", "--strict")
    assert (code, err) == (0, "")


def test_two_paragraphs_spliced_are_refused(tmp_path):
    typed = "reclaim its territory. Sullivan disclosed that Moscow"
    (line,) = refused(story(tmp_path, [("warning", typed)]))
    assert line.startswith("places.yaml:9:")
    assert "runs across two paragraphs" in line
    assert '("reclaim its territory." | "Sullivan disclosed that Moscow")' in line


#: Two paragraphs, split by each kind of paragraph break, around one typed quote.
SPLICED = [
    f"Ukraine pursued a counteroffensive to reclaim its territory.{gap}Sullivan disclosed"
    f" that Moscow and Pyongyang were talking.{end}"
    for gap, end in [
        ("\n", "\n\nPost Your Comments\n"),  # one blank line elsewhere in the article
        ("\r", "\r"),
        ("\r\n", "\r\n\r\nPost Your Comments\r\n"),
        ("\r\r", "\r"),
        ("\x85", "\x85"),
        ("\u2028", "\u2028"),
        ("\u2028\u2028", "\u2028"),
        ("\n\u00a0\n", "\n\nPost Your Comments\n"),  # a "blank" line: a no-break space
        ("\n \t\n", "\n\nPost Your Comments\n"),
        (" \u2029", ""),
    ]
]


@pytest.mark.parametrize("article", SPLICED)
def test_two_paragraphs_spliced_are_refused_whatever_their_line_breaks(tmp_path, article):
    typed = "reclaim its territory. Sullivan disclosed that Moscow"
    (line,) = refused(one_article(tmp_path, article, typed))
    assert line.startswith("places.yaml:4:95:") and "runs across two paragraphs" in line
    assert '("reclaim its territory." | "Sullivan disclosed that Moscow")' in line
    assert refused_both_ways(article, [typed]) == [True]


#: Hard-wrapped paragraphs, a line break inside a sentence: quotes across it stand.
WRAPPED = [
    f"Headline\n\nThe convoy crossed{gap}the river at dawn. Shelling continued.{gap}{gap}End."
    for gap in ("\n", "\r\n", "\r", "\x85", "\u2028")
]


@pytest.mark.parametrize("article", WRAPPED)
def test_a_wrapped_line_is_no_paragraph_break(tmp_path, article):
    typed = "The convoy crossed the river at dawn."
    code, out, err = run("check", str(one_article(tmp_path, article, typed)), "--no-mentions")
    assert (code, err) == (0, ""), out
    across = [typed, "crossed the river", "dawn. Shelling continued. End"]
    assert refused_both_ways(article, across) == [False, False, True]


def test_a_hard_wrapped_paragraph_is_one_paragraph():
    article = "The convoy crossed\nthe river at dawn.\nShelling continued.\n\nA new day.\n"
    span = (4, article.index("dawn") + 4)
    assert paragraph_broken(article, span) is None
    assert paragraph_broken(article, (4, article.index("new"))) is not None


def test_a_cut_first_occurrence_gives_way_to_a_fair_one(tmp_path):
    """``Pier 3`` cuts ``Pier 33`` where it first stands, but stands whole further on."""
    (tmp_path / "seeds").mkdir()
    article = "Ships moor at Pier 33 in spring. Kim will visit Pier 3 today.\n"
    (tmp_path / "seeds" / "a.txt").write_text(article, encoding="utf-8")
    (tmp_path / "places.yaml").write_text(
        "title: T\nsources: [{id: a, file: seeds/a.txt, title: A}]\nplaces:\n"
        "  - {id: p, name: P, kind: city, coords: [1, 2], quotes: [{source: a, text: at Pier 3"
        "}, {source: a, text: visit Pier 3}]}\n",
        encoding="utf-8",
    )
    (line,) = refused(tmp_path)  # "at Pier 3" stands only inside "Pier 33"
    assert line.startswith("places.yaml:4:") and '"33"' in line
    (tmp_path / "places.yaml").write_text(
        (tmp_path / "places.yaml").read_text().replace("{source: a, text: at Pier 3}, ", "")
    )
    built = mapgen.load(tmp_path)
    span = built.spans[("a", "visit Pier 3")]
    assert article[span[0] : span[1]] == "visit Pier 3"


@pytest.mark.parametrize(
    ("file", "says"),
    [
        ("places.yaml", "is the story file itself"),
        ("geocode-cache.yaml", "is the geocode cache"),
        ("output/map.html", "is in the output folder"),
        ("output/map.geojson", "is in the output folder"),
        ("seeds/.map.html.abcd1234.tmp", "is a temporary file mapgen writes"),
        ("seeds/copy.txt", "is the story file itself"),  # a hard link: another name
    ],
)
def test_a_source_may_not_be_the_story_its_cache_or_mapgens_output(tmp_path, file, says):
    root = story(
        tmp_path,
        [("self", "title: T")],
        sources=f"  - {{id: self, file: {file}, title: Itself}}",
    )
    (root / "geocode-cache.yaml").write_text("title: T sources\n", encoding="utf-8")
    (root / "output").mkdir()
    for name in ("map.html", "map.geojson"):
        (root / "output" / name).write_text("title: T sources\n", encoding="utf-8")
    (root / "seeds" / ".map.html.abcd1234.tmp").write_text("title: T\n", encoding="utf-8")
    os.link(root / "places.yaml", root / "seeds" / "copy.txt")
    (line,) = refused(root)
    assert line.startswith("places.yaml:5:22: file ")
    assert says in line and line.endswith("a source must be an article")


def test_a_source_may_not_be_in_a_chosen_output_folder(tmp_path):
    root = story(tmp_path / "story", [])
    out = root / "seeds"  # the build would write beside the articles and quote itself
    with chdir(root):
        code, _, err = run("build", ".", "--output", str(out))
    assert code == 2
    assert err.splitlines()[0].startswith("places.yaml:3:5: file 'seeds/000_fa09de8f1ea714ac.txt'")
    assert "is in the output folder" in err
    assert not (out / "map.html").exists()
    # The story folder itself as the output: only the maps are refused.
    code, _, err = run("build", str(root), "--output", str(root))
    assert (code, err) == (0, "")


# --------------------------------------------------------------------------- warned about


def warned(root: Path) -> list[str]:
    with chdir(root):
        code, _, err = run("check", ".", "--no-mentions")
        strict, _, _ = run("check", ".", "--no-mentions", "--strict")
    assert code == 0, err
    lines = err.splitlines()
    assert strict == (2 if lines else 0)
    return lines


def test_a_dropped_negation_is_warned_about_with_its_sentence(tmp_path):
    root = story(
        tmp_path,
        [("warning", "confirmed a summit between Kim and Putin")],
        status="confirmed",
    )
    lines = warned(root)
    assert lines[0] == (
        'places.yaml:9:31: warning: the sentence says "not" just before the quote, which'
        ' leaves it out: "However, the Kremlin indicated on Tuesday that it had not yet'
        ' confirmed a summit between Kim and Putin."'
    )
    assert any("leaves out who says it" in line for line in lines[1:])


def test_a_dropped_attribution_on_a_confirmed_feature_is_warned_about(tmp_path):
    typed = "Russia was involved in clandestine negotiations"
    root = story(tmp_path, [("warning", typed), ("summit", "The White House confirmed that")])
    assert warned(root) == []  # reported: the claim is the article's, as it says
    root = story(
        tmp_path, [("warning", typed), ("summit", "The White House confirmed that")], "confirmed"
    )
    (line,) = warned(root)
    assert line.startswith("places.yaml:9:31: warning: the quote leaves out who says it")
    assert '("The United States had cautioned last week that")' in line
    assert line.endswith('for its war efforts."')


def test_a_dropped_condition_is_warned_about(tmp_path):
    root = story(tmp_path, [("summit", "to target crucial resources such as food supplies")])
    (line,) = warned(root)
    assert 'leaves out a condition ("might")' in line and line.startswith("places.yaml:9:")


def test_a_status_needs_a_quote_that_says_it(tmp_path):
    assert warned(story(tmp_path, [], "confirmed")) == [
        "places.yaml:7:5: warning: the feature is confirmed, but none of its quotes confirms"
        " it (a passage with confirm or its forms)"
    ]
    confirmed = ("summit", "The White House confirmed that in July")
    assert warned(story(tmp_path, [confirmed], "confirmed")) == []
    lines = warned(story(tmp_path, [("summit", "stating that it could not confirm")], "confirmed"))
    assert any("none of its quotes confirms it" in line for line in lines)
    (line,) = warned(story(tmp_path, [], "denied"))
    assert "none of its quotes denies it" in line
    assert warned(story(tmp_path, [("summit", "despite North Korean denials")], "denied")) == []


JETS = "Russia will supply North Korea with fighter jets."
SUMMIT_BETWEEN = "confirmed a summit between Kim and Putin"
INVOLVED = "Russia confirmed it was involved in clandestine negotiations with Pyongyang"


@pytest.mark.parametrize(
    ("article", "typed", "status", "says"),
    [
        # a condition, in any case
        (f"If the talks succeed, {JETS}\n", JETS, "expected", 'a condition ("If")'),
        (f"Unless the talks fail, {JETS}\n", JETS, "expected", 'a condition ("Unless")'),
        (f"Should the talks succeed, {JETS}\n", JETS, "expected", 'a condition ("Should")'),
        (f"It is unclear whether {JETS}\n", JETS, "expected", 'a condition ("whether")'),
        (
            "Were the talks to fail, Russia will still supply North Korea with jets.\n",
            "Russia will still supply North Korea with jets.",
            "expected",
            'a condition ("Were")',
        ),
        # a negation set apart from its verb, or after the quote
        (
            f"However, the Kremlin has not, as of Tuesday evening, {SUMMIT_BETWEEN}.\n",
            SUMMIT_BETWEEN,
            "expected",
            'says "not" before the quote',
        ),
        (
            f"Officials {SUMMIT_BETWEEN}, a report the Kremlin later denied.\n",
            f"Officials {SUMMIT_BETWEEN}",
            "expected",
            'says "denied" after the quote',
        ),
        (
            "The Kremlin failed to confirm a summit between Kim and Putin.\n",
            "confirm a summit between Kim and Putin",
            "confirmed",
            'says "failed to" just before the quote',
        ),
        # a status that the quote says not
        *[
            (f"{said} the summit on Tuesday.\n", f"{said} the summit on Tuesday.", "confirmed",
             "none of its quotes confirms it")
            for said in (
                "The Kremlin declined to confirm",
                "The Kremlin was unable to confirm",
                "No official would confirm",
                "The Kremlin refused to confirm",
            )
        ],
        (
            "The Kremlin did not deny that the summit was planned for the port.\n",
            "The Kremlin did not deny that the summit was planned for the port.",
            "denied",
            "none of its quotes denies it",
        ),
        # who says it, after the quote
        *[
            (f"{INVOLVED}, {who}.\n", INVOLVED, "confirmed", f'leaves out who says it (", {who}.")')
            for who in (
                "the United States cautioned last week",
                "US officials alleged",
                "US officials warned",
                "US officials insisted",
                "one diplomat suggested",
                "US officials say",
                "critics allege",
            )
        ],
        (
            "Kim has reportedly confirmed plans to travel to Vladivostok by train.\n",
            "confirmed plans to travel to Vladivostok by train",
            "confirmed",
            'leaves out who says it ("Kim has reportedly")',
        ),
        (
            "Russia confirmed the deal, US officials told reporters, adding that talks went on.\n",
            "Russia confirmed the deal",
            "confirmed",
            'leaves out who says it (", US officials told reporters',
        ),
    ],
)  # fmt: skip
def test_what_a_quote_leaves_out_of_its_sentence_is_warned_about(
    tmp_path, article, typed, status, says
):
    (line,) = warned(one_article(tmp_path, article, typed, status))
    assert line.startswith("places.yaml:4:") and ": warning: " in line
    assert says in line
    if "none of its quotes" not in line:  # the sentence, to read
        assert line.endswith(f'"{article.strip()}"')


@pytest.mark.parametrize(
    ("article", "typed", "status"),
    [
        (f"In May, {JETS}\n", JETS, "expected"),  # a month, no condition
        ("Officials confirmed a summit between Kim and Putin, not a visit.\n",
         "Officials confirmed a summit between Kim and Putin", "confirmed"),
        ("The Kremlin confirmed the summit on Tuesday, ending weeks of doubt.\n",
         "The Kremlin confirmed the summit on Tuesday", "confirmed"),
        ("The Kremlin denied that the summit was planned.\n",
         "The Kremlin denied that the summit was planned.", "denied"),
    ],
)  # fmt: skip
def test_what_leaves_a_quote_as_it_is_is_not_warned_about(tmp_path, article, typed, status):
    assert warned(one_article(tmp_path, article, typed, status)) == []


def test_the_first_story_comes_out_clean(seed_story):
    code, out, err = run("check", str(seed_story), "--strict")
    assert (code, err) == (0, "")
    assert "38 quotes verified" in out


# --------------------------------------------------------------------------- sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Talks with U.S. President Biden. Mr. Kim left. Then J. Smith spoke!",
            ["Talks with U.S. President Biden.", "Mr. Kim left.", "Then J. Smith spoke!"],
        ),
        (
            "It rose 1.5 percent. Sept. 9 is a holiday.",
            ["It rose 1.5 percent.", "Sept. 9 is a holiday."],
        ),
        (
            'He said, \u201cWhy not? They are our neighbours,\u201d as quoted. Then "Go. Now." was heard.',
            [
                "He said, \u201cWhy not? They are our neighbours,\u201d as quoted.",
                'Then "Go. Now." was heard.',
            ],
        ),
        (
            "\u201cWe have nothing to say.\u201d Peskov left. (It rained.) Next",
            ["\u201cWe have nothing to say.\u201d", "Peskov left.", "(It rained.)", "Next"],
        ),
        ("One.\nTwo\u2026 Three? four.", ["One.", "Two\u2026", "Three? four."]),
    ],
)
def test_sentences_end_where_sentences_end(text, sentences):
    lay = layout(text)
    assert [text[a:b] for a, b in zip(lay.starts, lay.ends, strict=True)] == sentences


def test_ellipses_mark_where_the_sentence_goes_on():
    article = "However, the Kremlin had not yet confirmed a summit. Kim left."
    span = (article.index("confirmed"), article.index("."))
    assert ellipses(article, span) == (True, False)  # the full stop may go
    assert ellipses(article, (0, article.index(","))) == (False, True)
    assert ellipses(article, (article.index("Kim"), len(article))) == (False, False)
    assert sentence_of(article, span) == (0, article.index(".") + 1)


def refused_both_ways(article: str, typed: list[str]) -> list[bool]:
    """Whether each quote of ``typed`` is refused, by refuse_unfair (a big story's quotes,
    a C loop per test) and by check_quote (one by one), which must agree."""
    from mapgen.quotes.verify import check_quote, find_all_texts, refuse_unfair
    from mapgen.story.model import Pos, Quote

    keys = [("a", text) for text in typed]
    found = find_all_texts(keys, {"a": article})
    refuse_unfair(keys, found, {"a": article})
    for text, span in zip(typed, found, strict=True):
        problem = check_quote(Quote("a", text, Pos("places.yaml", 1, 1)), article, "A")
        assert (span is None) == (problem is not None), (text, problem)
    return [span is None for span in found]


@pytest.mark.parametrize(
    ("article", "typed", "refuse"),
    [(article, typed, True) for article, typed, _ in CUTS]
    + [(article, typed, False) for article, typed in WHOLE],
)
def test_the_column_at_a_time_check_agrees_on_cuts(article, typed, refuse):
    assert refused_both_ways(article, [typed]) == [refuse]


def test_the_column_at_a_time_check_agrees_with_the_one_by_one_check():
    """refuse_unfair (a big story's quotes, a C loop per test) refuses what check_quote
    refuses, at the article's ends, across paragraph separators, with few words."""
    from mapgen.quotes.verify import check_quote, find_all_texts, refuse_unfair
    from mapgen.story.model import Pos, Quote

    article = "Kim left at dawn.\u2029The train left Pyongyang. It reached\nVladivostok late"
    typed = [
        "Kim left at dawn.",
        "Kim left",
        "left at dawn.\u2029The train",
        "left at dawn. The train",
        "The train left Pyongyang.",
        "It reached Vladivostok late",
        "reached Vladivostok",
        "Vladivostok late",
        "eached Vladivostok late",
        "The train left Pyongyang",
        # two words, padded or spaced out to look like three (counted as folded)
        " left Pyongyang.",
        "train  left",
        " train ",
        "train left\u00a0",
    ]
    keys = [("a", text) for text in typed]
    found = find_all_texts(keys, {"a": article})
    refuse_unfair(keys, found, {"a": article})
    for text, span in zip(typed, found, strict=True):
        problem = check_quote(Quote("a", text, Pos("places.yaml", 1, 1)), article, "A")
        assert (span is None) == (problem is not None), (text, problem)
    assert [span is None for span in found] == [
        False, True, True, True, False, False, True, True, True, False, True, True, True, True
    ]  # fmt: skip


@pytest.mark.parametrize("typed", [" Russia ", "Russia  was", "\tRussia was "])
def test_spaces_do_not_make_a_fragment_three_words(tmp_path, typed):
    """A quote is counted as it is searched for, folded: its spaces are not words."""
    (line,) = refused(story(tmp_path, [("warning", typed)]))
    assert line.startswith("places.yaml:9:") and "is a fragment" in line


@pytest.mark.parametrize(
    "typed",
    [
        "can\u2019t go",
        "can\u2018t go",
        "can\u00b4t go",
        "can`t go",
        "x \u2014 y",
        "Russia \u2013 was",
        "a\u2026b c",
        "  a  b  ",
        "a ' b",
        "don\u2019t won\u2019t can\u2019t",
    ],
)
def test_folding_changes_no_word_count(typed):
    """The column at a time check counts a quote's words as typed, flaw() as typed, and
    both must agree with the quote as folded (searched for)."""
    from mapgen.quotes.verify import fold_text

    assert context.words_in(typed) == context.words_in(fold_text(typed))
    assert context.three_words(typed) == (context.words_in(typed) >= 3)

"""``mapgen mentions``: the stable interface of docs/mentions.md, through the command line.

The offsets must slice the mention out of the article exactly as a pipeline reads the file
(UTF-8, newlines unchanged: CRLF stays two characters), whatever the text around it holds;
an unreadable or non-UTF-8 article is one line and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mapgen.cli.main import main
from mapgen.quotes.mentiondata import MentionRecord, mentions_json, mentions_of

KEYS = ["start", "end", "text", "place", "kind", "country", "lat", "lon", "by"]


def _run(*args: str):
    return CliRunner().invoke(main, ["mentions", *args])


def test_json_offsets_slice_the_text_as_read(tmp_path: Path):
    """Non-ASCII letters, an emoji (one code point, two UTF-16 units), CRLF and LF line
    ends before the mentions: the code-point offsets still slice each mention out."""
    text = (
        "Zürich — Ünter 🙂 news.\r\n"
        "Troops left Moscow for Berlin,\r\n\r\n"
        "and São Paulo's mayor met Syrian envoys in Japan.\n"
        "München said nothing."
    )
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode("utf-8"))
    other = tmp_path / "b.txt"
    other.write_text("Nothing here.", encoding="utf-8")
    result = _run("--json", str(path), str(other))
    assert result.exit_code == 0, result.output
    assert result.output.isascii()  # nothing of the article reaches a terminal raw
    data = json.loads(result.output)
    assert [d["file"] for d in data] == [str(path), str(other)]
    assert data[1]["mentions"] == []
    read = path.read_bytes().decode("utf-8")  # as a pipeline reads it: no newline translation
    found = data[0]["mentions"]
    for m in found:
        assert list(m) == KEYS
        assert read[m["start"] : m["end"]] == m["text"]
    words = [(m["text"], m["kind"], m["country"], m["by"]) for m in found]
    assert ("Moscow", "city", "RU", "name") in words
    assert ("Berlin", "city", "DE", "name") in words
    assert ("São Paulo", "city", "BR", "name") in words
    assert ("Syrian", "country", "SY", "demonym") in words
    assert ("Japan", "country", "JP", "name") in words
    assert [m["start"] for m in found] == sorted(m["start"] for m in found)
    moscow = next(m for m in found if m["text"] == "Moscow")
    assert abs(moscow["lat"] - 55.75) < 0.1 and abs(moscow["lon"] - 37.62) < 0.1


def test_the_library_gives_the_same_records():
    text = "Rain in Lyon.\r\nThen Japan."
    records = mentions_of(text)
    assert all(isinstance(r, MentionRecord) for r in records)
    assert [(r.text, text[r.start : r.end]) for r in records] == [
        ("Lyon", "Lyon"),
        ("Japan", "Japan"),
    ]
    assert mentions_json([("x.txt", text)]) == [
        {"file": "x.txt", "mentions": [r.as_json() for r in records]}
    ]


def test_the_readable_list_is_escaped(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text("First line.\nTroops reached Kyiv\u202e\x1b[31m today.", encoding="utf-8")
    result = _run(str(path))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert f"{path}: 1 mention\n" in result.output
    assert '2:16  "Kyiv" -> Kyiv (city, UA, by name' in result.output


def test_a_non_utf8_article_is_one_line(tmp_path: Path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Troops left Moscow\nfor Zürich.".encode("latin-1"))
    result = _run("--json", str(path))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"{path}:2:6: not UTF-8; save it as UTF-8"]


def test_a_missing_or_unreadable_article_is_one_line(tmp_path: Path):
    result = _run(str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"{tmp_path / 'nope.txt'}: cannot read:")
    folder = tmp_path / "dir.txt"
    folder.mkdir()
    result = _run(str(folder))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1

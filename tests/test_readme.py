"""The README's promises: its build command builds the shipped story, .ci/run runs exactly its
test command (and nothing that changes what pytest runs), and CI skips nothing.

``.ci/run`` is run for real, by bash, with every command it calls replaced by a stub on
``PATH`` that records its arguments, folder and environment: what the script runs is what
bash does with it, whatever shell tricks it holds (an ``exit``, an ``if false``, a line
commented out, an exported ``PYTEST_ADDOPTS``), not what a text search of it finds.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mapgen.page.markup import text

from .conftest import copy_seed_story

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

BUILD_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/mapgen build"
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
)


def shell_blocks() -> list[str]:
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", README, flags=re.S)]


def steps(command: str) -> list[list[str]]:
    """A ``a && b && c`` command line as the argument lists it runs, in order."""
    return [shlex.split(part) for part in command.split("&&")]


def test_the_readme_gives_the_two_commands():
    """Set-up is two commands, these, before any other (the tests below run them)."""
    assert shell_blocks()[:2] == [BUILD_COMMAND, TEST_COMMAND]


# --------------------------------------------------------------------------- the build


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_readme_build_command_builds_the_shipped_story(page_assets, asset_cache, tmp_path):
    """What the README's build command runs once the package is installed (as it is here,
    by the test command): ``.venv/bin/mapgen build``, in the story's folder, with no
    network (every proxy points at a closed port) and a home and cache of its own; the
    front-end assets come from the session's cache, as from a first build's fetch."""
    venv, install, build = steps(BUILD_COMMAND)
    assert venv == ["python3", "-m", "venv", ".venv"] and install[-2:] == ["-e", "."]
    script = Path(sys.prefix) / "bin" / Path(build[0]).name  # this test's own .venv/bin/mapgen
    assert script.is_file(), f"{script}: the package is not installed (pip install -e .)"
    import mapgen

    assert Path(mapgen.__file__).resolve().is_relative_to(ROOT)  # installed -e from here
    story = copy_seed_story(tmp_path / "story")
    cache = (story / "geocode-cache.yaml").read_bytes()
    nowhere = f"http://127.0.0.1:{closed_port()}"
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith(("_proxy", "proxy"))} | {
        "HOME": str(tmp_path / "home"),
        "XDG_CACHE_HOME": str(tmp_path / "home" / ".cache"),
        "MAPGEN_CACHE_DIR": str(asset_cache),
        **{name: nowhere for name in ("http_proxy", "https_proxy", "all_proxy")},
        **{name.upper(): nowhere for name in ("http_proxy", "https_proxy", "all_proxy")},
    }
    done = subprocess.run(
        [str(script), *build[1:]],
        cwd=story,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"{story / 'output' / 'map.html'} (7 places, 2 routes, 4 areas) and map.geojson"
    ), done.stdout
    assert sorted(p.name for p in story.iterdir()) == [
        "geocode-cache.yaml",
        "output",
        "places.yaml",
        "seeds",
    ]
    assert (story / "geocode-cache.yaml").read_bytes() == cache  # it answered every place
    assert sorted(p.name for p in (story / "output").iterdir()) == [
        "embed.html",
        "map.geojson",
        "map.html",
    ]
    loaded = mapgen.load(story)
    features = json.loads((story / "output" / "map.geojson").read_text(encoding="utf-8"))
    names = [f["properties"]["name"] for f in features["features"]]
    for feature in [*loaded.places, *loaded.routes, *loaded.areas]:
        assert feature.name in names, feature.name
    page = (story / "output" / "map.html").read_text(encoding="utf-8")
    for place in loaded.places:
        assert text(place.name) in page, place.name
    assert "= L.map(" in page
    assert re.search(r"<script[^>]*\bsrc=", page) is None  # self-contained: Leaflet inline


# ------------------------------------------------------------------------------ .ci/run

#: A stub for every command .ci/run may call: it records its arguments, folder and
#: environment, one JSON line each, and exits with 0, except where ``STUB_FAIL`` says
#: (``pytest=1``: pytest fails with 1; ``ensurepip``: python3 has no venv module, as on a
#: bare Debian).  ``python3 -m venv DIR`` makes DIR/bin/{pip,python,mapgen} stubs too.
STUB = """\
#!{python} -I
import json, os, shutil, stat, sys
bin_dir = {bin_dir!r}
name = sys.argv[0]
if os.path.dirname(os.path.abspath(name)) == bin_dir:
    name = os.path.basename(name)
argv = [name, *sys.argv[1:]]
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps({{"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}}) + "\\n")
if argv[1:3] == ["-m", "venv"]:
    made = os.path.join(argv[3], "bin")
    os.makedirs(made, exist_ok=True)
    for tool in ("pip", "python", "mapgen"):
        shutil.copy(__file__, os.path.join(made, tool))
        os.chmod(os.path.join(made, tool), stat.S_IRWXU)
fail = os.environ.get("STUB_FAIL", "")
if fail.startswith("pytest=") and argv[1:3] == ["-m", "pytest"]:
    sys.exit(int(fail.split("=")[1]))
if fail == "ensurepip" and argv[1:2] == ["-c"] and "ensurepip" in argv[2]:
    sys.exit(1)
"""

#: Commands the script may call that are run for real: bash itself and what bash needs.
REAL = ("bash", "env", "dirname")
#: The stubs: everything else .ci/run calls.  No chromium or npm among them, so that the
#: script installs both.
STUBS = ("apt-get", "python3")
#: What the shell itself sets or changes in a command's environment.
SHELL_VARS = {"PWD", "OLDPWD", "SHLVL", "_"}


def ran(script: str, tmp_path: Path, fail: str = "") -> tuple[int, list[dict], str]:
    """Run ``script`` as .ci/run in a copy of the repository's top (the script, and the
    pyproject.toml pytest reads), with the stubs: its exit status, what it called, its
    stderr."""
    top = tmp_path / "repo"
    (top / ".ci").mkdir(parents=True)
    (top / ".ci" / "run").write_text(script, encoding="utf-8")
    (top / ".ci" / "run").chmod(0o755)
    shutil.copy(ROOT / "pyproject.toml", top / "pyproject.toml")
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.jsonl"
    bin_dir.mkdir()
    for tool in REAL:
        (bin_dir / tool).symlink_to(shutil.which(tool))
    stub = STUB.format(python=sys.executable, bin_dir=str(bin_dir), log=str(log))
    for tool in STUBS:
        (bin_dir / tool).write_text(stub, encoding="utf-8")
        (bin_dir / tool).chmod(0o755)
    log.touch()
    done = subprocess.run(
        [str(top / ".ci" / "run")],
        cwd=tmp_path,
        env=ci_env(bin_dir, fail),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return done.returncode, calls, done.stderr


def ci_env(bin_dir: Path, fail: str = "") -> dict[str, str]:
    """The whole environment .ci/run is given: the stubs' PATH, and no more than it needs."""
    return {"PATH": str(bin_dir), "HOME": str(bin_dir.parent), "LANG": "C.UTF-8", "STUB_FAIL": fail}


def ci_problems(script: str, tmp_path: Path) -> list[str]:
    """What is wrong with ``script`` as .ci/run: [] if bash, running it on a bare machine,
    installs Chromium, npm and python3-venv, then runs the README's test command and it alone, exactly,
    last, at the top of the repository, in the environment CI gave it, writing nothing
    pytest would read, and fails when the tests fail."""
    test_command = shell_blocks()[1]
    status, calls, stderr = ran(script, tmp_path / "passing", fail="ensurepip")
    problems = [] if status == 0 else [f"exits with {status}: {stderr.strip()}"]
    argvs = [c["argv"] for c in calls]
    installs = [a for a in argvs if a[:2] == ["apt-get", "install"]]
    for package in ("chromium", "npm", "python3-venv"):
        if not any(package in a[2:] for a in installs):
            problems.append(f"never installs {package}: {argvs}")
    expected = steps(test_command)
    if argvs[-len(expected) :] != expected:
        problems.append(f"does not end with the README's test command: {argvs}")
    pytest_calls = [c for c in calls if c["argv"][1:3] == ["-m", "pytest"]]
    if len(pytest_calls) != 1:
        problems.append(f"runs pytest {len(pytest_calls)} times")
    top = str(tmp_path / "passing" / "repo")
    for call in pytest_calls:
        if call["cwd"] != top:
            problems.append(f"runs pytest in {call['cwd']}, not at the top")
        given = ci_env(tmp_path / "passing" / "bin", fail="ensurepip")
        env = {k: v for k, v in call["env"].items() if k not in SHELL_VARS}
        changed = sorted(k for k in env.keys() | given.keys() if env.get(k) != given.get(k))
        if changed:
            problems.append(f"runs pytest with {', '.join(changed)} set")
    written = sorted(
        str(p.relative_to(top)) for p in Path(top).rglob("*") if ".venv" not in p.parts
    )
    if written != [".ci", ".ci/run", "pyproject.toml"]:
        problems.append(f"writes beside .venv: {written}")
    if (Path(top) / "pyproject.toml").read_bytes() != (ROOT / "pyproject.toml").read_bytes():
        problems.append("changes pyproject.toml")
    status, calls, _ = ran(script, tmp_path / "failing", fail="pytest=1")
    if status == 0:
        problems.append("exits with 0 when the tests fail")
    return problems


def test_ci_runs_the_readme_test_command(tmp_path):
    assert ci_problems(CI_RUN, tmp_path) == []


TEST_LINE = next(line for line in CI_RUN.splitlines() if line.endswith("-m pytest"))
CHROMIUM_LINE = next(line for line in CI_RUN.splitlines() if "(chromium)" in line)
INSTALL_LINE = next(line for line in CI_RUN.splitlines() if "apt-get install" in line)
VENV_LINE = next(line for line in CI_RUN.splitlines() if "(python3-venv)" in line)
AFTER_SET = "set -euo pipefail\n"


@pytest.mark.parametrize(
    ("script", "problem"),
    [
        pytest.param(
            CI_RUN.replace(TEST_LINE, "exit 0\n" + TEST_LINE),
            "does not end with the README's test command",
            id="exit-0-before",
        ),
        pytest.param(
            CI_RUN.replace(TEST_LINE, f"if false; then\n  {TEST_LINE}\nfi"),
            "does not end with the README's test command",
            id="if-false",
        ),
        pytest.param(
            CI_RUN.replace(AFTER_SET, AFTER_SET + "export PYTEST_ADDOPTS='-k not browser'\n"),
            "runs pytest with PYTEST_ADDOPTS set",
            id="pytest-addopts",
        ),
        pytest.param(
            CI_RUN.replace(AFTER_SET, AFTER_SET + "export PYTEST_PLUGINS=x PYTHONPATH=/x\n"),
            "runs pytest with PYTEST_PLUGINS, PYTHONPATH set",
            id="pytest-env",
        ),
        pytest.param(
            CI_RUN.replace(TEST_LINE, TEST_LINE + " -k 'not browser'"),
            "does not end with the README's test command",
            id="dash-k",
        ),
        pytest.param(
            CI_RUN.replace(TEST_LINE, TEST_LINE + " --deselect tests/test_browser.py"),
            "does not end with the README's test command",
            id="deselect",
        ),
        pytest.param(
            CI_RUN.replace(CHROMIUM_LINE, "# " + CHROMIUM_LINE),
            "never installs chromium",
            id="chromium-commented-out",
        ),
        pytest.param(
            CI_RUN.replace(INSTALL_LINE, "  # " + INSTALL_LINE.strip()),
            "never installs chromium",
            id="install-commented-out",
        ),
        pytest.param(
            CI_RUN.replace(VENV_LINE, "# " + VENV_LINE),
            "never installs python3-venv",
            id="python3-venv-commented-out",
        ),
        pytest.param(
            CI_RUN.replace(TEST_LINE, TEST_LINE + " || true"),
            "exits with 0 when the tests fail",
            id="or-true",
        ),
        pytest.param(
            CI_RUN.replace(AFTER_SET, "set +e\n").replace(TEST_LINE, TEST_LINE + "\necho done"),
            "exits with 0 when the tests fail",
            id="set-plus-e",
        ),
        pytest.param(
            CI_RUN.replace(
                TEST_LINE, "printf '[pytest]\\naddopts = -x\\n' > pytest.ini\n" + TEST_LINE
            ),
            "writes beside .venv",
            id="pytest-ini",
        ),
        pytest.param(
            CI_RUN.replace(TEST_LINE, "cd .ci\n" + TEST_LINE.replace(".venv", "../.venv")),
            "does not end with the README's test command",
            id="elsewhere",
        ),
    ],
)
def test_the_ci_check_catches_a_script_that_runs_less(tmp_path, script, problem):
    assert script != CI_RUN
    problems = ci_problems(script, tmp_path)
    assert any(p.startswith(problem) for p in problems), problems


# ----------------------------------------------------------------------- CI skips nothing

SKIPPING = """
import pytest

def test_skipped_here():
    pytest.skip("nothing to run it with")

def test_runs():
    pass
"""

SKIPPED_MODULE = """
import pytest

pytest.skip("not on this system", allow_module_level=True)
"""


def pytest_run(test_file: Path, ci: str) -> tuple[int, str]:
    """Run pytest on ``test_file`` with this suite's conftest.py and ``CI`` set to ``ci``."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.conftest",
            "-p",
            "no:cacheprovider",
            "-q",
            "-rA",
            str(test_file),
        ],
        cwd=ROOT,
        env={**os.environ, "CI": ci},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout


def test_in_ci_a_skip_is_a_failure(tmp_path):
    (tmp_path / "test_skipping.py").write_text(textwrap.dedent(SKIPPING), encoding="utf-8")
    (tmp_path / "test_module.py").write_text(textwrap.dedent(SKIPPED_MODULE), encoding="utf-8")
    failed = "skipped in CI (CI=true), where every test must run:"
    status, out = pytest_run(tmp_path / "test_skipping.py", "true")
    assert status == 1 and f"{failed} nothing to run it with" in out, out
    assert out.splitlines()[-1].startswith("1 failed, 1 passed in"), out
    status, out = pytest_run(tmp_path / "test_module.py", "true")
    assert status != 0 and failed in out and "not on this system" in out, out
    for test_file in tmp_path.glob("test_*.py"):  # elsewhere, a skip is a skip
        status, out = pytest_run(test_file, "")
        assert status in (0, 5) and failed not in out, out  # 5: every test skipped
        assert " skipped in " in out.splitlines()[-1], out

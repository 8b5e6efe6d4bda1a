"""A new user's first run: the install's size, then the first and the next `mapgen build` of
the shipped story (with its geocode cache, and without it, as a story just written is) and
`mapgen extract` of its seed articles, each in a fresh process.

"Cold" is a machine that has never run mapgen: an empty ``HOME`` and ``MAPGEN_CACHE_DIR``
(no gazetteer index, no asset cache); "warm" is the same command again right after.  Wall
time and peak RSS come from ``/usr/bin/time -v``.  The network is closed (proxies at a
refused port), as after a plain ``pip install``.

    python benchmarks/firstrun.py --venv VENV [--story DIR] [--fresh SRC] [--json OUT]

``--fresh SRC`` first makes VENV a new venv with ``pip install SRC`` (not editable), so the
size is that of a default install; without it VENV is measured as it is.  Run it on main's
checkout and on this one in the same session and compare (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Nothing listens here: the network, closed.
CLOSED = "http://127.0.0.1:9"
#: What every venv carries whatever is installed into it.
TOOLING = ("pip", "setuptools", "_distutils_hack", "pkg_resources", "distutils-precedence.pth")


def site_packages(env: Path) -> Path:
    (site,) = (env / "lib").glob("python*/site-packages")
    return site


def size_mb(path: Path) -> float:
    """Bytes on disk (``du``'s blocks, as ``du -sm`` counts them), in MB of 2**20."""
    used = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True)
    return int(used.stdout.split()[0]) / 1024


def install_size(env: Path) -> dict[str, float]:
    """site-packages in MB, with and without pip/setuptools (which every venv has)."""
    site = site_packages(env)
    total = size_mb(site)
    tooling = sum(
        size_mb(p)
        for p in site.iterdir()
        if p.name.split("-")[0] in TOOLING or p.name in TOOLING or p.name.startswith(TOOLING)
    )
    biggest = sorted(((size_mb(p), p.name) for p in site.iterdir() if p.is_dir()), reverse=True)[:6]
    return {
        "site_packages_mb": round(total, 1),
        "without_pip_setuptools_mb": round(total - tooling, 1),
        "largest": [f"{name} {mb:.0f}" for mb, name in biggest],
    }


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> dict[str, float | str]:
    """Wall seconds and peak RSS (MB) of ``cmd``, and the last line it wrote to stderr."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", *cmd], cwd=cwd, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert wall and rss, done.stderr
    hours, minutes, seconds = int(wall[1] or 0), int(wall[2]), float(wall[3])
    told = done.stderr.split("\tCommand being timed")[0].strip().splitlines()
    return {
        "wall_s": round(hours * 3600 + minutes * 60 + seconds, 2),
        "peak_rss_mb": round(int(rss[1]) / 1024),
        "stderr": told[-3:],
    }


def story_copy(story: Path, target: Path, geocoded: bool = True) -> Path:
    """The shipped story, with its geocode cache or (``geocoded=False``) without it, as a
    story just written is: then every place is looked up in the gazetteer."""
    target.mkdir(parents=True)
    shutil.copy(story / "places.yaml", target / "places.yaml")
    shutil.copytree(story / "seeds", target / "seeds")
    if geocoded and (story / "geocode-cache.yaml").exists():
        shutil.copy(story / "geocode-cache.yaml", target / "geocode-cache.yaml")
    return target


def first_and_next(
    mapgen: Path,
    story: Path,
    args: list[str],
    tmp: Path,
    name: str,
    geocoded: bool = True,
    runs: int = 3,
) -> dict[str, dict]:
    """The command on a machine that never ran mapgen, then again: each the median of
    ``runs`` rounds (by wall time), each round on a new machine."""
    rounds = [once(mapgen, story, args, tmp, f"{name}-{k}", geocoded) for k in range(runs)]
    return {
        when: sorted((r[when] for r in rounds), key=lambda m: m["wall_s"])[runs // 2]
        for when in ("cold", "warm")
    }


def once(
    mapgen: Path, story: Path, args: list[str], tmp: Path, name: str, geocoded: bool
) -> dict[str, dict]:
    home = tmp / f"home-{name}"
    (home / "cache").mkdir(parents=True)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "MAPGEN_CACHE_DIR": str(home / "cache"),
        "LANG": "C.UTF-8",
        "HTTP_PROXY": CLOSED,
        "HTTPS_PROXY": CLOSED,
        "http_proxy": CLOSED,
        "https_proxy": CLOSED,
        "MAPGEN_CDN_BASE": CLOSED,
    }
    work = story_copy(story, tmp / f"story-{name}", geocoded)
    cmd = [str(mapgen), *args]
    if "extract" in args:
        cmd += sorted(str(p.relative_to(work)) for p in (work / "seeds").glob("*.txt"))
    cold = timed(cmd, work, env)
    if not geocoded:  # the next run finds the places in the cache the first one wrote
        (work / "geocode-cache.yaml").unlink(missing_ok=True)
    return {"cold": cold, "warm": timed(cmd, work, env)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, required=True)
    parser.add_argument("--story", type=Path, default=ROOT)
    parser.add_argument("--fresh", type=Path, help="make VENV anew with `pip install FRESH`")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--runs", type=int, default=3, help="rounds; the median is shown")
    args = parser.parse_args()
    if args.fresh:
        if args.venv.exists():
            sys.exit(f"{args.venv} exists; --fresh makes a new venv")
        venv.create(args.venv, with_pip=True)
        subprocess.run(
            [str(args.venv / "bin" / "python"), "-m", "pip", "install", "-q", str(args.fresh)],
            check=True,
        )
    mapgen = args.venv / "bin" / "mapgen"
    results: dict[str, object] = {"install": install_size(args.venv)}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        runs = args.runs
        results["build"] = first_and_next(mapgen, args.story, ["build"], tmp, "build", runs=runs)
        results["build_ungeocoded"] = first_and_next(
            mapgen, args.story, ["build"], tmp, "fresh", geocoded=False, runs=runs
        )
        results["extract"] = first_and_next(
            mapgen, args.story, ["extract"], tmp, "extract", runs=runs
        )
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Benchmark: a warm ``mapgen mentions`` and ``mapgen extract`` of three articles.

    .venv/bin/python benchmarks/mentions_speed.py [ARTICLE...] [--runs N]

Issue 19's goal: a warm ``extract`` of three articles under 1 s, start-up included.  Each
command runs in a fresh process (``python -m mapgen``), once to warm the gazetteer's index
(built on a first run, then read from the cache folder), then ``--runs`` times; the median
wall time is printed.  The default articles are the shipped story's two and ``mapgen
init``'s sample, three news texts of 0.5 to 3 kB.  Checked here, never in a timed test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [
    *sorted((ROOT / "seeds").glob("*.txt")),
    ROOT / "mapgen" / "story" / "templates" / "seeds" / "train.txt",
]


def wall(args: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    files = [str(a) for a in args.articles]
    print(f"{len(files)} articles, {sum(Path(f).stat().st_size for f in files):,} bytes")
    for command in ("mentions", "extract"):
        run = [sys.executable, "-m", "mapgen", command, *files]
        wall(run)  # warm: the index is built or read once
        times = [wall(run) for _ in range(args.runs)]
        print(f"mapgen {command}: median {statistics.median(times):.2f} s (min {min(times):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

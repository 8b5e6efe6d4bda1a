"""Benchmark: a warm ``mapgen mentions`` and ``mapgen extract`` of three articles.

    .venv/bin/python benchmarks/mentions_speed.py [ARTICLE...] [--runs N]

Issue 19's goal: a warm ``extract`` of three articles under 1 s, start-up included.  Each
command runs in a fresh process (``python -m mapgen``), once to warm the gazetteer's index
(built on a first run, then read from the cache folder), then ``--runs`` times; the median
wall time and CPU time (user and system: what the run costs on a machine others share) are
printed, with Python's bytecode cache on (as a user has it, whatever the
shell says).  The default articles are the shipped story's two and ``mapgen
init``'s sample, three news texts of 0.5 to 3 kB.  Checked here, never in a timed test.
"""

from __future__ import annotations

import argparse
import os
import resource
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


#: As a user runs it: with Python's bytecode cache (a shell may turn it off).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(args: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    elapsed = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


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
        runs = [wall(run) for _ in range(args.runs)]
        times, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(
            f"mapgen {command}: wall median {statistics.median(times):.2f} s"
            f" (min {min(times):.2f}); CPU median {statistics.median(cpus):.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

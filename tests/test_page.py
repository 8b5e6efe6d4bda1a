"""The seed map's page: self-contained, only Leaflet, an outline basemap, and deterministic.

These use the session's asset cache, filled once (``page_assets`` in conftest.py).
"""

from __future__ import annotations

import difflib
import itertools
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import mapgen
from mapgen.page import assets, basemap

from .test_datalayer import big_story  # noqa: F401  (a fixture, asked for by name)

DROPPED = ("jquery", "bootstrap", "font-awesome", "fontawesome", "glyphicon", "awesome-markers")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser.tags


@pytest.fixture(scope="module")
def seed_pages(page_assets, tmp_path_factory) -> dict[str, str]:
    """The seed story built inlined and with ``cdn``."""
    import shutil

    root = Path(__file__).resolve().parents[1]
    story = tmp_path_factory.mktemp("seed")
    shutil.copy(root / "places.yaml", story / "places.yaml")
    shutil.copytree(root / "seeds", story / "seeds")
    shutil.copy(root / "geocode-cache.yaml", story / "geocode-cache.yaml")
    inline = mapgen.build(story, story / "inline")
    cdn = mapgen.build(story, story / "cdn", cdn=True)
    assert inline.self_contained and not cdn.self_contained
    return {
        "inline": inline.html.read_text(encoding="utf-8"),
        "cdn": cdn.html.read_text(encoding="utf-8"),
    }


def test_inlined_page_loads_nothing_from_any_host(seed_pages):
    page = seed_pages["inline"]
    for tag, attrs in tags(page):
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value, re.I), (tag, name, value)
        if tag == "link":
            pytest.fail(f"a <link> in the inlined page: {attrs}")
    lowered = page.lower()
    for name in DROPPED:
        assert name not in lowered, name
    assert "sourceMappingURL" not in page
    assert "url(images/" not in page  # Leaflet's CSS images are data URIs


def test_leaflet_is_inline_once_with_3d_disabled_before_it(seed_pages):
    page = seed_pages["inline"]
    assert page.count("Leaflet 1.9.3, a JS library for interactive maps") == 1
    assert page.index("L_DISABLE_3D = true;") < page.index("Leaflet 1.9.3, a JS library")
    assert "L_DISABLE_3D = false" not in page
    assert page.count("L_DISABLE_3D = ") == 1
    # Each inlined asset sits on lines of its own, away from the story's.
    assert "\n<script>\n/* @preserve\n * Leaflet 1.9.3," in page
    assert "window.L=t});\n</script>\n<style>\n/* required styles */\n" in page


def test_cdn_page_links_leaflet_only_with_its_pinned_hashes(seed_pages, page_assets):
    page = seed_pages["cdn"]
    remote = [
        (tag, attrs)
        for tag, attrs in tags(page)
        if re.match(r"https?://", (attrs.get("src") or attrs.get("href") or ""))
    ]
    assert [(t, a.get("src") or a.get("href")) for t, a in remote] == [
        ("script", assets.LEAFLET.url("dist/leaflet.js", assets.CDN_BASE)),
        ("link", assets.LEAFLET.url("dist/leaflet.css", assets.CDN_BASE)),
    ]
    assert [a["integrity"] for _, a in remote] == [
        "sha256-WBkoXOwTeyKclOHuWtc+i2uENFpDZ9YPdf5Hf+D7ewM=",  # as Leaflet's own site gives
        "sha256-kLaT2GOSpHechhsozzB+flnD+zUyjE2LlfWPgU04xyI=",
    ]
    assert page.index("L_DISABLE_3D = true;") < page.index("leaflet.js")
    lowered = page.lower()
    for name in DROPPED:
        assert name not in lowered, name
    # Smaller than the inlined page by Leaflet's code and the basemap's, less the tags that
    # link Leaflet instead.
    leaflet, outlines = page_assets.leaflet, page_assets.outlines
    inlined = len(leaflet.js) + len(leaflet.css) + len(outlines.land) + len(outlines.borders)
    assert len(seed_pages["inline"]) - len(page) >= inlined - len(assets.leaflet_cdn_tags())


def test_no_tile_server_by_default_only_the_outline_basemap(seed_pages):
    """The default background is the page's own outlines: no tile server is named, so a
    published page asks none for tiles (see docs/page.md, "Tiles"), and the layer control
    offers no background to choose (tests/test_tiles.py: a story's chosen tiles)."""
    page = seed_pages["inline"]
    assert "{z}/{x}/{y}" not in page and "{z}/{y}/{x}" not in page
    for host in ("tile.openstreetmap.org", "cartocdn", "arcgisonline", "L.tileLayer("):
        assert host not in page, host
    control = re.search(r"base_layers : \{(.*?)\}", page, re.S).group(1)
    assert re.findall(r'"([^"]+)" :', control) == []
    assert page.count('.createPane("mg-basemap")') == 1
    assert ".style.zIndex = 150;" in page  # under the tile pane (200)
    assert '"interactive": false' in page and "Natural Earth" in page
    assert "background: #aad3df" in page
    assert "Outline only" not in seed_pages["cdn"]


def test_basemap_is_whole_and_flat(page_assets):
    outlines = page_assets.outlines
    land = json.loads(outlines.land)["geometry"]["coordinates"]
    borders = json.loads(outlines.borders)["geometry"]["coordinates"]
    assert len(land) > 100 and len(borders) > 250
    for polygon in land:
        for ring in polygon:
            assert ring[0] == ring[-1]
            assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)
            for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                # No edge across the whole map, but along a pole.
                assert abs(x1 - x2) <= 180 or abs(y1) == abs(y2) == 90, (x1, y1, x2, y2)
    size = len(outlines.land) + len(outlines.borders)
    assert 80_000 < size < 140_000, size


def test_antimeridian_split():
    # A square from 170 E to 170 W, as Natural Earth joins it across the antimeridian.
    ring = [(170.0, 10.0), (180.0, 10.0), (-170.0, 10.0), (-170.0, 20.0), (170.0, 20.0)]
    ring.append(ring[0])
    parts = basemap.split_at_antimeridian([ring])
    assert len(parts) == 2
    spans = sorted((min(p[0] for p in r[0]), max(p[0] for p in r[0])) for r in parts)
    assert spans == [(-180.0, -170.0), (170.0, 180.0)]
    # A ring around the south pole is closed along it.
    around = [(-180.0, -70.0), (-60.0, -75.0), (60.0, -72.0), (180.0, -70.0), (-180.0, -70.0)]
    (closed,) = basemap.split_at_antimeridian([around])
    assert closed[0][-3:-1] == [(180.0, -90.0), (-180.0, -90.0)]


def test_topojson_land_and_shared_borders():
    # Two unit squares side by side: arc 0 is their shared edge.
    topology = {
        "type": "Topology",
        "arcs": [
            [[1, 0], [1, 1]],
            [[1, 1], [0, 1], [0, 0], [1, 0]],
            [[1, 0], [2, 0], [2, 1], [1, 1]],
            [[0, 0], [2, 0], [2, 1], [0, 1], [0, 0]],
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]]},
                    {"type": "Polygon", "arcs": [[2, -1]]},
                ],
            },
            "land": {
                "type": "GeometryCollection",
                "geometries": [{"type": "Polygon", "arcs": [[3]]}],
            },
        },
    }
    outlines = basemap.from_topojson(json.dumps(topology), tolerance=0)
    land = json.loads(outlines.land)["geometry"]["coordinates"]
    borders = json.loads(outlines.borders)["geometry"]["coordinates"]
    assert land == [[[[0, 0], [2, 0], [2, 1], [0, 1], [0, 0]]]]
    assert borders == [[[1, 0], [1, 1]]]


# --------------------------------------------------------------------------- determinism


def build_in_subprocess(story: Path, out: Path, seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run(
        [sys.executable, "-m", "mapgen", "build", str(story), "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr, done.stderr


def test_two_processes_build_the_same_bytes(page_assets, seed_story, tmp_path):
    build_in_subprocess(seed_story, tmp_path / "one", "1")
    build_in_subprocess(seed_story, tmp_path / "two", "2")
    for name in ("map.html", "map.geojson"):
        one = (tmp_path / "one" / name).read_bytes()
        two = (tmp_path / "two" / name).read_bytes()
        assert one == two, name


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_a_changed_place_changes_a_few_lines(page_assets, seed_story, tmp_path):
    before = mapgen.build(seed_story, tmp_path / "before").html.read_text(encoding="utf-8")
    places = seed_story / "places.yaml"
    text = places.read_text(encoding="utf-8")
    assert text.count("coords: [43.114, 131.893]") == 1
    places.write_text(
        text.replace("coords: [43.114, 131.893]", "coords: [43.1105, 131.8921]"), encoding="utf-8"
    )
    moved = mapgen.build(seed_story, tmp_path / "moved").html.read_text(encoding="utf-8")
    lines = changed_lines(before, moved)
    # The marker's position and the popup's coordinates, before and after: nothing else.
    assert 2 <= len(lines) <= 6, lines
    assert all(len(line) < 5000 for line in lines)
    assert any("43.1105" in line for line in lines)

    text = places.read_text(encoding="utf-8")
    note = "where the summit is expected."
    assert text.count(note) == 1
    places.write_text(text.replace(note, note + " (edited)"), encoding="utf-8")
    noted = mapgen.build(seed_story, tmp_path / "noted").html.read_text(encoding="utf-8")
    lines = changed_lines(moved, noted)
    assert len(lines) == 2, lines  # the one popup line, old and new
    assert "(edited)" in lines[1]


def test_a_built_page_is_the_page_rendered_whole(page_assets, seed_story, tmp_path, request):
    """A build writes the big texts (articles, places) in place of their tokens: the
    same bytes as the page rendered in one piece, for a small story and a data layer."""
    from mapgen.pipeline import builder as pipeline

    for name, story in (("seed", seed_story), ("big", request.getfixturevalue("big_story"))):
        built = mapgen.build(story, tmp_path / name)
        geo = mapgen.geocode(mapgen.load(story), save=False)
        whole = pipeline.render_page(geo)
        assert built.html.read_bytes().decode("utf-8") == whole
        assert "\x00" not in whole and "mapgen-block" not in whole


def test_deferred_blocks_stand_in_for_big_texts_and_a_lost_one_is_an_error():
    """The speed seam's :class:`~mapgen.pipeline.speed.Blocks`: the page is given
    ``blocks.defer`` as its ``big_text`` (by default it joins), and the tokens it leaves are
    put back as the page is written, each once."""
    from mapgen.page.standalone import BigText
    from mapgen.pipeline.speed import Blocks

    joined: BigText = "".join
    assert joined(["a", "b"]) == "ab"  # the page's default: the text itself
    blocks = Blocks()
    first, second = blocks.defer(["<big>", "text"]), blocks.defer(["more"])
    assert first != second and "\x00" in first and "big" not in first
    page = f"<p>{first}</p>{second}"
    assert list(blocks.chunks(page)) == ["<p>", "<big>", "text", "</p>", "more"]
    assert blocks.join(page) == "<p><big>text</p>more"
    with pytest.raises(RuntimeError):
        blocks.join(f"<p>{first}</p>")  # one missing
    with pytest.raises(RuntimeError):
        blocks.join(page + first)  # one twice

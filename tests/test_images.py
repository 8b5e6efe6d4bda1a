"""The static map (``mapgen build --images``): map.svg, map.png and map-social.png.

The SVG is parsed as XML and read by resvg (the real consumer the PNGs are made with); the
PNGs are decoded and their pixels checked where the projection puts the places.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

import mapgen
from mapgen.cli.main import main
from mapgen.export.png import rasterize
from mapgen.export.svg import LAND, PRINT_SIZE, SOCIAL_SIZE, frame_for
from mapgen.page.styles import KIND_COLORS

from .conftest import copy_seed_story

SVG = "{http://www.w3.org/2000/svg}"
INKSCAPE = "{http://www.inkscape.org/namespaces/inkscape}"
LAYERS = ["basemap", "areas", "routes", "places", "labels", "legend", "title", "sources"]


@pytest.fixture(scope="module")
def built(tmp_path_factory, page_assets):
    """The seed story built twice with images, into two folders."""
    story = copy_seed_story(tmp_path_factory.mktemp("images") / "story")
    first = mapgen.build(story, images=True)
    again = mapgen.build(story, output=story / "again", images=True)
    return first, first.html.parent, again.html.parent


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _near(pixel: tuple, color: tuple, tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], color, strict=True))


def test_a_plain_build_writes_no_images(seed_story: Path, page_assets) -> None:
    result = mapgen.build(seed_story)
    assert not (result.html.parent / "map.svg").exists()
    assert not (result.html.parent / "map.png").exists()


def test_the_cli_flag_writes_the_three_files(seed_story: Path, page_assets) -> None:
    out = seed_story / "out"
    done = CliRunner().invoke(main, ["build", str(seed_story), "-o", str(out), "--images"])
    assert done.exit_code == 0, done.output
    assert "map-social.png" in done.output
    for name in ("map.svg", "map.png", "map-social.png", "map.html"):
        assert (out / name).stat().st_size > 0


def test_the_svg_is_layered_and_keeps_text_as_text(built) -> None:
    _, out, _ = built
    root = ET.parse(out / "map.svg").getroot()
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height")) == tuple(str(n) for n in PRINT_SIZE)
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}
    for layer in LAYERS:
        assert layer in groups, layer
        assert groups[layer].get(f"{INKSCAPE}label") == layer
    labels = {"".join(t.itertext()) for t in groups["labels"].iter(f"{SVG}text")}
    assert {"Vladivostok", "Pyongyang", "Seoul"} <= labels
    assert "NORTH KOREA" in labels
    title = "".join(next(groups["title"].iter(f"{SVG}text")).itertext())
    assert title == "North Korea, Russia and the Vladivostok summit (September 2023)"
    legend = {"".join(t.itertext()) for t in groups["legend"].iter(f"{SVG}text")}
    assert {"Capital city", "Port", "Direction of travel", "Moscow", "Washington"} <= legend
    assert any(text.startswith("Kim's armored train") for text in legend)
    source = "".join(next(groups["sources"].iter(f"{SVG}text")).itertext())
    assert source.startswith("Sources: North Korea may face repercussions")
    assert len(groups["basemap"]) > 3  # the sea and the land and borders around Korea
    assert len(list(groups["routes"].iter(f"{SVG}path"))) >= 2


def test_resvg_reads_the_svg_file_into_the_png(built) -> None:
    _, out, _ = built
    assert (
        rasterize((out / "map.svg").read_text(encoding="utf-8")) == (out / "map.png").read_bytes()
    )


def test_the_files_are_the_same_bytes_from_two_builds(built) -> None:
    _, out, again = built
    for name in ("map.svg", "map.png", "map-social.png"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


@pytest.mark.parametrize(
    ("name", "size"), [("map.png", PRINT_SIZE), ("map-social.png", SOCIAL_SIZE)]
)
def test_the_png_shows_land_and_the_pins_where_the_places_are(built, name, size) -> None:
    result, out, _ = built
    image = Image.open(io.BytesIO((out / name).read_bytes())).convert("RGB")
    assert image.size == size
    colors = {c for _, c in image.getcolors(maxcolors=1 << 20)}
    assert _rgb(LAND) in colors
    frame = frame_for(result.story, size)
    pin = 0.8 * min(size[0] / 1200, size[1] / 630)
    for place, kind in (("pyongyang", "capital"), ("seoul", "capital")):
        loc = result.story.places[place]
        x, y = frame.xy(loc.lat, loc.lon)
        # the pin's body, between its white centre and its tip
        spot = [
            image.getpixel((round(x) + dx, round(y - 16 * pin) + dy))
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
        ]
        assert any(_near(p, _rgb(KIND_COLORS[kind])) for p in spot), (place, spot)
    # Vladivostok shares its spot with Pier 33 and the campus: its pin is spread to a ring
    # around it (within about two pins' width), and a dark dot marks the true spot.
    loc = result.story.places["vladivostok"]
    x, y = frame.xy(loc.lat, loc.lon)
    reach = round(60 * pin)
    around = [
        image.getpixel((round(x) + dx, round(y) + dy))
        for dx in range(-reach, reach + 1, 2)
        for dy in range(-2 * reach, reach + 1, 2)
    ]
    assert any(_near(p, _rgb(KIND_COLORS["port"])) for p in around)
    dot = [image.getpixel((round(x) + dx, round(y) + dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    assert any(_near(p, (0x1B, 0x26, 0x31)) for p in dot), dot
    # Moscow is off this map: no pin there, named in the legend instead
    moscow = result.story.places["moscow"]
    assert not frame.inside(*frame.xy(moscow.lat, moscow.lon))


def test_story_text_is_escaped(hostile_story: Path, page_assets) -> None:
    result = mapgen.build(hostile_story, images=True)
    raw = (result.html.parent / "map.svg").read_text(encoding="utf-8")
    assert "<script" not in raw and "<img" not in raw and "<b>" not in raw
    root = ET.fromstring(raw.encode("utf-8"))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "<b>bold</b> {{ 6*7 }} </title><script>window.__pwned = 4</script>" in texts
    assert any("</script><script>window.__pwned = 1</script>" in t for t in texts)
    named = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")}
    assert '<img src=x onerror="window.__pwned = 2">' in named or any(
        'onerror="window' in t for t in named
    )
    assert Image.open(result.html.parent / "map.png").size == PRINT_SIZE

"""``tiles:`` in places.yaml and ``--tiles``: a provider xyzservices knows or a URL template,
its key from the environment (never from the story), its attribution on the map; and the
default, no tile server at all (the offline outlines).

The browser tests open the built page from disk, record every request it makes and answer
the tiles' with a local PNG: the tiles are asked for at the provider's address, and drawn.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli.main import main
from mapgen.core.errors import StoryError
from mapgen.page.tiles import safe_attribution, tile_source
from mapgen.story.load import load_story
from mapgen.story.tiles import TileSetting, tiles_option

KEY_ENV = "MAPGEN_TEST_TILES_KEY"
TEMPLATE = "https://tiles.example.org/v1/{z}/{x}/{y}.png?key={apikey}"


def png(width: int = 256, height: int = 256, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A solid PNG, made here: what a tile server would answer."""
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


TILE = png()


def with_tiles(story: Path, tiles: str) -> Path:
    """The seed story with ``tiles`` (a YAML line, or lines) added at its end."""
    places = story / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8") + "\n" + tiles + "\n", encoding="utf-8")
    return story


def tiles_line(story: Path) -> int:
    """The line of ``tiles:`` in the story's places.yaml (1-based)."""
    lines = (story / "places.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith("tiles:"))


def problems(story: Path) -> list[str]:
    with pytest.raises(StoryError) as caught:
        load_story(story)
    return [str(p) for p in caught.value.problems]


# --- reading the setting ------------------------------------------------------------------


def test_a_provider_a_template_and_none_are_read(seed_story):
    with_tiles(seed_story, "tiles: Esri.WorldImagery")
    assert load_story(seed_story).tiles.name == "Esri.WorldImagery"
    assert tiles_option("none").empty
    setting = tiles_option(
        {"url": TEMPLATE, "attribution": "© Example", "api_key_env": KEY_ENV, "max_zoom": 16}
    )
    assert (setting.url, setting.api_key_env, setting.max_zoom) == (TEMPLATE, KEY_ENV, 16)


def test_an_unknown_provider_is_one_line_at_its_place_with_a_did_you_mean(seed_story):
    with_tiles(seed_story, "tiles: Esri.WorldImagry")
    line = tiles_line(seed_story)
    [problem] = problems(seed_story)
    assert problem.startswith(f"{seed_story / 'places.yaml'}:{line}:8: tiles: unknown tile")
    assert "did you mean 'Esri.WorldImagery'?" in problem and "\n" not in problem


def test_the_cli_refuses_an_unknown_provider_before_building(seed_story):
    result = CliRunner().invoke(main, ["build", str(seed_story), "--tiles", "OpenStretMap.Mapnik"])
    assert result.exit_code == 2
    assert "did you mean 'OpenStreetMap.Mapnik'?" in result.output
    assert not (seed_story / "output" / "map.html").exists()


@pytest.mark.parametrize(
    ("tiles", "col", "says"),
    [
        # a key written in the template's query
        (
            'tiles: {url: "https://t.example.org/{z}/{x}/{y}.png?apikey=abc123", attribution: X}',
            14,
            "`apikey=` holds a key: never write it in places.yaml",
        ),
        # a key given as an option of the provider
        (
            "tiles: {name: CartoDB.Positron, apikey: abc123}",
            33,
            "`apikey` is a secret: never write it in places.yaml",
        ),
        # a variable that is not meant for this key
        (
            f'tiles: {{url: "{TEMPLATE}", attribution: X, api_key_env: AWS_SECRET_ACCESS_KEY}}',
            None,
            "api_key_env must name a variable meant for this key",
        ),
        # a provider that needs a key, and none named
        ("tiles: CartoDB.Positron", 8, "CartoDB.Positron needs a key (apikey)"),
        # a URL template needs its owner's credit
        ('tiles: "https://t.example.org/{z}/{x}/{y}.png"', 8, "needs the attribution"),
        ("tiles: {url: 'https://t.example.org/{z}/{x}.png', attribution: X}", 14, "contain {y}"),
        ("tiles: {url: 'javascript:alert(1)//{z}/{x}/{y}', attribution: X}", 14, "https://"),
    ],
)
def test_a_key_in_places_yaml_and_a_bad_template_are_refused_at_their_place(
    seed_story, tiles, col, says
):
    with_tiles(seed_story, tiles)
    line = tiles_line(seed_story)
    [problem] = problems(seed_story)
    assert says in problem, problem
    where = f"{seed_story / 'places.yaml'}:{line}:"
    assert problem.startswith(where + (f"{col}:" if col else "")), problem
    assert "abc123" not in problem.split("tiles:", 1)[0]


def test_the_key_is_read_from_the_environment_at_build_time(monkeypatch):
    setting = tiles_option({"url": TEMPLATE, "attribution": "© Example", "api_key_env": KEY_ENV})
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(StoryError, match=f"{KEY_ENV} holds no key"):
        tile_source(setting)
    monkeypatch.setenv(KEY_ENV, "s3cret+key/1")
    source = tile_source(setting)
    assert source.url == "https://tiles.example.org/v1/{z}/{x}/{y}.png?key=s3cret%2Bkey%2F1"
    # A provider's own key option (CartoDB's ``apikey``) is filled in the same way.
    carto = tile_source(
        TileSetting(name="CartoDB.Positron", api_key_env="MAPGEN_CARTO_KEY"),
        {"MAPGEN_CARTO_KEY": "k1"},
    )
    assert carto.url.endswith("?key=k1") and "{s}" in carto.url and carto.subdomains == "abcd"


def test_the_attribution_is_the_providers_kept_to_text_and_links():
    esri = tile_source(TileSetting(name="Esri.WorldImagery"))
    assert esri.attribution.startswith("Tiles \u00a9 Esri \u2014 Source: Esri, i-cubed")
    osm = tile_source(TileSetting(name="OpenStreetMap.Mapnik"))
    assert osm.attribution == (
        '\u00a9 <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )
    hostile = '<a href="javascript:x()" onclick="y()">a</a><img src=x onerror=z()><b>b</b> &amp; c'
    assert safe_attribution(hostile) == "ab &amp; c"
    mine = tile_source(tiles_option({"url": TEMPLATE.split("?")[0], "attribution": "<b>x</b>"}))
    assert mine.attribution == "&lt;b&gt;x&lt;/b&gt;"


# --- the page -----------------------------------------------------------------------------


def open_recorded(browser, html: Path, answer_hosts: tuple[str, ...]) -> tuple[object, list[str]]:
    """The page opened from disk; every request off the page recorded, those to
    ``answer_hosts`` answered with :data:`TILE`, any other refused."""
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    asked: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:")):
            return r.continue_()
        asked.append(url)
        if (urlsplit(url).hostname or "").endswith(answer_hosts):
            return r.fulfill(status=200, content_type="image/png", body=TILE)
        return r.abort()

    page.route("**/*", route)
    page.goto(html.as_uri())
    page.wait_for_function("window.mapgenStory && window.mapgenStory.free")
    return page, asked


def test_a_story_with_esri_world_imagery_asks_esri_for_its_tiles(browser, seed_story, tmp_path):
    with_tiles(seed_story, "tiles: Esri.WorldImagery")
    result = mapgen.build(seed_story, tmp_path / "out")
    page, asked = open_recorded(browser, result.html, ("server.arcgisonline.com",))
    try:
        page.wait_for_function("document.querySelectorAll('img.leaflet-tile-loaded').length > 0")
        pattern = re.compile(
            r"https://server\.arcgisonline\.com/ArcGIS/rest/services/World_Imagery/MapServer"
            r"/tile/\d+/\d+/\d+"
        )
        assert asked and all(pattern.fullmatch(url) for url in asked), asked
        credit = page.locator(".leaflet-control-attribution").inner_text()
        assert "Tiles © Esri — Source: Esri, i-cubed" in credit, credit
        assert "Natural Earth" in credit  # the outlines under the tiles
        # The layer control offers the tiles, and the outlines alone.
        bases = page.locator(".leaflet-control-layers-base label").all_inner_texts()
        assert [b.strip() for b in bases] == ["Esri.WorldImagery", "Outline only (offline)"]
    finally:
        page.context.close()


def test_a_url_template_with_a_key_from_the_environment(browser, seed_story, tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "k-42")
    with_tiles(
        seed_story,
        f'tiles: {{url: "{TEMPLATE}", attribution: "© Example <b>Maps</b>",'
        f" api_key_env: {KEY_ENV}, max_zoom: 12}}",
    )
    result = mapgen.build(seed_story, tmp_path / "out")
    page_text = result.html.read_text(encoding="utf-8")
    assert "k-42" in page_text  # in the page: its readers can read it (docs/page.md)
    page, asked = open_recorded(browser, result.html, ("tiles.example.org",))
    try:
        page.wait_for_function("document.querySelectorAll('img.leaflet-tile-loaded').length > 0")
        pattern = re.compile(r"https://tiles\.example\.org/v1/\d+/\d+/\d+\.png\?key=k-42")
        assert asked and all(pattern.fullmatch(url) for url in asked), asked
        credit = page.locator(".leaflet-control-attribution").inner_text()
        assert "© Example <b>Maps</b>" in credit  # story text, shown as text
        assert page.locator(".leaflet-control-attribution b").count() == 0
    finally:
        page.context.close()


def test_the_default_asks_no_tile_server_and_tiles_none_overrides_a_story(
    browser, seed_story, tmp_path
):
    default = mapgen.build(seed_story, tmp_path / "default")
    page, asked = open_recorded(browser, default.html, ())
    try:
        assert asked == []
        assert page.locator("img.leaflet-tile").count() == 0
        assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
        assert page.locator("path.leaflet-interactive, path").count() > 0
    finally:
        page.context.close()
    with_tiles(seed_story, "tiles: OpenStreetMap.Mapnik")
    chosen = mapgen.build(seed_story, tmp_path / "osm")
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in chosen.html.read_text("utf-8")
    override = mapgen.build(seed_story, tmp_path / "none", tiles="none")
    assert "tile.openstreetmap.org" not in override.html.read_text("utf-8")
    cli = CliRunner().invoke(
        main,
        ["build", str(seed_story), "-o", str(tmp_path / "cli"), "--tiles", "Esri.WorldImagery"],
    )
    assert cli.exit_code == 0, cli.output
    assert "arcgisonline.com" in (tmp_path / "cli" / "map.html").read_text("utf-8")


def test_pages_with_tiles_are_deterministic(seed_story, tmp_path):
    with_tiles(seed_story, "tiles: Esri.WorldImagery")
    first = mapgen.build(seed_story, tmp_path / "a").html.read_bytes()
    assert first == mapgen.build(seed_story, tmp_path / "b").html.read_bytes()


def test_the_cli_takes_a_mapping_as_tiles_takes_and_refuses_a_bare_template(seed_story, tmp_path):
    out = tmp_path / "out"
    mapping = '{url: "https://t.example.org/{z}/{x}/{y}.png", attribution: "© T"}'
    done = CliRunner().invoke(main, ["build", str(seed_story), "-o", str(out), "--tiles", mapping])
    assert done.exit_code == 0, done.output
    assert "https://t.example.org/{z}/{x}/{y}.png" in (out / "map.html").read_text("utf-8")
    bare = CliRunner().invoke(
        main, ["build", str(seed_story), "--tiles", "https://t.example.org/{z}/{x}/{y}.png"]
    )
    assert bare.exit_code == 2 and "needs the attribution" in bare.output
    keyed = CliRunner().invoke(
        main,
        [
            "build",
            str(seed_story),
            "--tiles",
            '{url: "https://t.example.org/{z}/{x}/{y}.png?token=abc", attribution: T}',
        ],
    )
    assert keyed.exit_code == 2 and "`token=` holds a key" in keyed.output
    assert not (seed_story / "output" / "map.html").exists()

"""The page as published: the social card's meta with ``--base-url`` (none without), every
value escaped; and the print stylesheet, which prints the map and its legend only."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli.main import main
from mapgen.core.errors import StoryError

BASE = "https://news.example.org/maps/korea"


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        key = found.get("property") or found.get("name")
        if tag == "meta" and key:
            self.meta[key] = found.get("content") or ""


def meta(html: Path) -> dict[str, str]:
    parser = _Meta()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser.meta


def test_base_url_gives_the_social_card(seed_story, tmp_path):
    result = mapgen.build(seed_story, tmp_path / "out", base_url=BASE + "/")
    found = meta(result.html)
    story = result.story.story
    assert found["og:title"] == story.title
    assert found["og:description"] == story.description
    assert found["og:url"] == f"{BASE}/map.html"
    assert found["og:image"] == f"{BASE}/map-social.png"
    assert (found["og:image:width"], found["og:image:height"]) == ("1200", "630")
    assert found["twitter:card"] == "summary_large_image"
    page = result.html.read_text(encoding="utf-8")
    assert page.index('property="og:image"') < page.index("<script")  # read first


def test_without_base_url_no_card_at_all(seed_story, tmp_path):
    found = meta(mapgen.build(seed_story, tmp_path / "out").html)
    assert not [key for key in found if key.startswith(("og:", "twitter:"))], found


def test_the_card_is_escaped(hostile_story, tmp_path):
    result = mapgen.build(hostile_story, tmp_path / "out", base_url=BASE)
    page = result.html.read_text(encoding="utf-8")
    title = result.story.story.title
    assert meta(result.html)["og:title"] == title  # read back whole, as written
    head = page[: page.index("</head>")]
    for line in re.findall(r"<meta [^\n]*", head):
        assert "<script" not in line and "<b>" not in line, line


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "news.example.org/maps",
        f"{BASE}?a=1",
        f'{BASE}/"><script>',
        "ftp://x/y",
    ],
)
def test_a_base_url_that_is_no_http_folder_is_refused(seed_story, tmp_path, url):
    with pytest.raises(StoryError, match="base_url"):
        mapgen.build(seed_story, tmp_path / "out", base_url=url)
    result = CliRunner().invoke(main, ["build", str(seed_story), "--base-url", url])
    assert result.exit_code == 2 and "--base-url" in result.output
    assert not (seed_story / "output" / "map.html").exists()


# --- print --------------------------------------------------------------------------------


def _visible(page, selector: str) -> bool:
    return page.evaluate(
        """sel => [...document.querySelectorAll(sel)].some(el => {
            const box = el.getBoundingClientRect(), style = getComputedStyle(el);
            return box.width > 0 && box.height > 0 && style.visibility !== 'hidden'
                && style.display !== 'none';
        })""",
        selector,
    )


@pytest.fixture
def printed(browser, seed_build):
    """The seed page at 1280x800 with a popup open, then as print media (A4 landscape at
    96 dpi: 1123x794 CSS px)."""
    page = browser.new_context(viewport={"width": 1123, "height": 794}).new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(seed_build.html.as_uri())
    page.wait_for_function("window.mapgenStory && window.mapgenStory.free")
    page.locator(".mg-pin.mg-military").click()
    page.locator(".leaflet-popup").wait_for(state="visible")
    assert _visible(page, ".leaflet-control-zoom") and _visible(page, "#mg-panel")
    page.emulate_media(media="print")
    page.wait_for_timeout(200)
    yield page
    page.context.close()


def test_print_shows_the_title_map_and_legend_and_hides_the_controls(printed):
    page = printed
    for shown in (
        "#mg-title",
        ".folium-map",
        "#mg-legend",
        ".leaflet-marker-icon.mg-pin",
        "path.mg-route",
        ".leaflet-control-attribution",
    ):
        assert _visible(page, shown), shown
    for hidden in (
        ".leaflet-control-zoom",
        ".leaflet-control-layers",
        "#mg-panel",
        ".mg-inset",
        ".leaflet-popup",
    ):
        assert not _visible(page, hidden), hidden
    assert page.locator(".leaflet-popup").count() == 0  # closed, not only hidden
    assert page.evaluate("document.getElementById('mg-legend').open")
    title = page.locator("#mg-title").bounding_box()
    fmap = page.locator(".folium-map").bounding_box()
    legend = page.locator("#mg-legend").bounding_box()
    assert title["y"] + title["height"] <= fmap["y"] + 1  # the title on top
    assert legend["x"] >= fmap["x"] + fmap["width"] - 1  # the legend beside the map
    assert fmap["width"] > 600 and fmap["height"] > 500
    # Leaflet was told the map's printed size: the map pane fills it.
    size = page.evaluate(
        "(() => { const s = window.mapgenStory.map.getSize(); return [s.x, s.y]; })()"
    )
    assert abs(size[0] - fmap["width"]) <= 2 and abs(size[1] - fmap["height"]) <= 2


def test_the_pdf_is_one_a4_landscape_page(printed, tmp_path):
    pdf = printed.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    width, height = float(box.group(1)), float(box.group(2))
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    (tmp_path / "map.pdf").write_bytes(pdf)

"""The first view, in Chromium at a desk's and a phone's sizes: it frames where the story
happens with no pin under a control, names every place on the map, spreads pins that
share a spot, and shows what it leaves out on a locator inset and in the legend.

Two stories: the seed (Korea and Vladivostok; Moscow and Washington far off) and
tests/data/faroff (five places on the southern Baltic; Tokyo far off).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import mapgen
from mapgen.page.firstview import Group, box, densest_group, label_rank, story_points

from .conftest import copy_seed_story

ROOT = Path(__file__).resolve().parents[1]
FAROFF = ROOT / "tests" / "data" / "faroff"
SIZES = {
    "desk": {"viewport": {"width": 1280, "height": 800}},
    "wide": {"viewport": {"width": 1920, "height": 1080}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
#: Each story's main group, and the places the first view leaves out.
CLUSTERS = {
    "seed": ({"pyongyang", "seoul", "vladivostok", "pier-33", "fefu"}, {"moscow", "washington"}),
    "faroff": ({"gdansk", "gdynia", "klaipeda", "baltiysk", "kaliningrad"}, {"tokyo"}),
}
MAP = "Object.values(window).find(v => v instanceof L.Map)"

# Every pin, label and box on the page, in viewport coordinates; for each pin, what
# elementFromPoint finds at its centre.
MEASURE = f"""() => {{
  const map = {MAP}, rect = el => {{ const r = el.getBoundingClientRect();
    return {{l: r.left, t: r.top, r: r.right, b: r.bottom}}; }};
  const pins = {{}};
  for (const [id, layers] of Object.entries(window.mapgenStory.data.features)) {{
    for (const l of window.mapgenStory.layers(id)) {{
      const el = l.getElement && l.getElement();
      if (!el || !el.classList.contains('mg-pin')) continue;
      const r = rect(el), x = (r.l + r.r) / 2, y = (r.t + r.b) / 2;
      const hit = document.elementFromPoint(x, y);
      pins[id] = {{rect: r, x, y, top: !!hit && el.contains(hit),
                   hit: hit && hit.closest('[id], .leaflet-marker-icon') ?
                        (hit.closest('[id], .leaflet-marker-icon').id || hit.closest('[id], .leaflet-marker-icon').className) : ''}};
    }}
  }}
  const labels = {{}};
  for (const el of document.querySelectorAll('[data-mg-label]')) {{
    labels[el.getAttribute('data-mg-label')] = {{shown: !el.hidden && el.getClientRects().length > 0,
      rect: rect(el), text: el.textContent}};
  }}
  const boxes = [...document.querySelectorAll('.mg-box, .leaflet-control, .leaflet-popup')]
    .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .map(el => ({{name: el.id || el.className, rect: rect(el)}}));
  return {{pins, labels, boxes, zoom: map.getZoom(), w: innerWidth, h: innerHeight,
           outside: window.mapgenStory.outside}};
}}"""


def overlap(a: dict, b: dict, by: float = 0.5) -> bool:
    """Whether two rectangles overlap by more than ``by`` pixels each way."""
    return (
        a["l"] < b["r"] - by
        and a["r"] > b["l"] + by
        and a["t"] < b["b"] - by
        and a["b"] > b["t"] + by
    )


def inside(r: dict, w: int, h: int) -> bool:
    return r["l"] >= -0.5 and r["t"] >= -0.5 and r["r"] <= w + 0.5 and r["b"] <= h + 0.5


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """The seed story and the far-off one, built once."""
    seed = mapgen.build(copy_seed_story(tmp_path_factory.mktemp("seed") / "story"))
    faroff = tmp_path_factory.mktemp("faroff") / "story"
    shutil.copytree(FAROFF, faroff)
    return {"seed": seed.html, "faroff": mapgen.build(faroff).html}


def open_map(browser, html: Path, size: str):
    """The page at ``size``, no request off the page (tiles refused), once framed."""
    context = browser.new_context(**SIZES[size])
    page = context.new_page()
    errors: list[str] = []
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(html.as_uri())
    page.wait_for_function("window.mapgenStory && window.mapgenStory.free")
    page.evaluate("window.mapgenStory.placeLabels()")
    page.errors = errors
    return page


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("story", list(CLUSTERS))
def test_the_first_view_frames_the_story_with_every_name_shown(browser, builds, story, size):
    page = open_map(browser, builds[story], size)
    try:
        seen = page.evaluate(MEASURE)
        cluster, far = CLUSTERS[story]
        w, h = seen["w"], seen["h"]
        for pid in cluster:  # in view, and on top where a reader would tap it
            pin = seen["pins"][pid]
            assert inside(pin["rect"], w, h), (pid, pin)
            assert pin["top"], f"{pid}'s pin is under {pin['hit']}"
        assert set(seen["outside"]) == far
        for pid in far:
            r = seen["pins"][pid]["rect"]
            assert not inside(r, w, h) or not seen["pins"][pid]["top"], pid
        # Pins that share a spot are spread: none covers another (the spread leaves pins
        # whose boxes, mostly transparent at the corners, touch by 2 pixels).
        rects = [seen["pins"][p]["rect"] for p in sorted(cluster)]
        assert not any(overlap(a, b, 2) for i, a in enumerate(rects) for b in rects[i + 1 :])
        # Each place of the group is named on the map, clear of pins, boxes and names.
        pins = [p["rect"] for p in seen["pins"].values()]
        boxes = [b["rect"] for b in seen["boxes"]]
        shown = {pid: seen["labels"][pid] for pid in cluster}
        for pid, label in shown.items():
            assert label["shown"], f"{pid} is not named at the first view"
            assert inside(label["rect"], w, h), pid
            assert not any(overlap(label["rect"], r) for r in pins + boxes), pid
        named = [label["rect"] for label in seen["labels"].values() if label["shown"]]
        assert not any(overlap(a, b) for i, a in enumerate(named) for b in named[i + 1 :])
        # No box reaches past the screen.
        for b in seen["boxes"]:
            assert inside(b["rect"], w, h), b
        assert page.errors == []
    finally:
        page.context.close()


def test_names_give_way_when_zoomed_out_and_come_back(browser, builds):
    page = open_map(browser, builds["seed"], "desk")
    try:
        first = page.evaluate(MEASURE)
        page.evaluate(f"{MAP}.setZoom(3, {{animate: false}}); window.mapgenStory.placeLabels()")
        far = page.evaluate(MEASURE)
        named = {k for k, v in far["labels"].items() if v["shown"]}
        gave_way = {k for k, v in first["labels"].items() if v["shown"]} - named
        assert gave_way, "at zoom 3 Korea's names cannot all fit"
        rects = [far["labels"][k]["rect"] for k in named]
        assert not any(overlap(a, b) for i, a in enumerate(rects) for b in rects[i + 1 :])
        # The capitals (first in the order) keep their names; what gave way ranks after.
        assert {"pyongyang", "seoul"} <= named
        page.evaluate(f"{MAP}.setZoom({first['zoom']}, {{animate: false}})")
        page.evaluate("window.mapgenStory.placeLabels()")
        back = page.evaluate(MEASURE)
        assert gave_way <= {k for k, v in back["labels"].items() if v["shown"]}
    finally:
        page.context.close()


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_each_spread_pin_opens_its_own_popup_at_the_first_view(browser, builds, size):
    page = open_map(browser, builds["seed"], size)
    try:
        names = {"vladivostok": "Vladivostok", "pier-33": "Pier 33", "fefu": "Far Eastern"}
        for pid, name in names.items():
            pin = page.evaluate(MEASURE)["pins"][pid]
            if size == "phone":
                page.touchscreen.tap(pin["x"], pin["y"])
            else:
                page.mouse.click(pin["x"], pin["y"])
            popup = page.locator(".leaflet-popup-content").last
            popup.wait_for(state="visible")
            assert popup.inner_text().startswith(name)
            if size != "phone":  # a popup wider than a phone is the phone layout's
                page.wait_for_timeout(300)  # its auto-pan
                box = page.locator(".leaflet-popup").last.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
            page.evaluate(f"{MAP}.closePopup()")
    finally:
        page.context.close()


def test_the_inset_and_the_legend_show_the_places_left_out(browser, builds):
    page = open_map(browser, builds["faroff"], "desk")
    try:
        inset = page.locator(".mg-inset")
        assert inset.is_visible()
        assert "Tokyo" in inset.get_attribute("aria-label")
        assert inset.locator("circle.mg-inset-away").count() == 1
        assert inset.locator("path.mg-inset-land").count() == 1  # the page's own outlines
        link = page.locator("#mg-legend .mg-away-link", has_text="Tokyo")
        link.click()
        page.locator(".leaflet-popup-content", has_text="Tokyo").wait_for(state="visible")
        tokyo = page.evaluate(MEASURE)["pins"]["tokyo"]
        assert inside(tokyo["rect"], 1280, 800)
    finally:
        page.context.close()


def faroff_with(tmp_path: Path, view: str) -> Path:
    story = tmp_path / "story"
    shutil.copytree(FAROFF, story)
    text = (story / "places.yaml").read_text(encoding="utf-8")
    (story / "places.yaml").write_text(text + view, encoding="utf-8")
    return mapgen.build(story).html


def test_view_ids_override_the_framing(browser, tmp_path):
    page = open_map(browser, faroff_with(tmp_path, "view: [tokyo, gdansk]\n"), "desk")
    try:
        seen = page.evaluate(MEASURE)
        for pid in ("tokyo", "gdansk"):
            assert seen["pins"][pid]["top"] and inside(seen["pins"][pid]["rect"], 1280, 800), pid
        assert seen["zoom"] <= 3
    finally:
        page.context.close()


def test_view_centre_and_zoom_override_the_framing(browser, tmp_path):
    html = faroff_with(tmp_path, "view: {center: [35.69, 139.69], zoom: 9}\n")
    page = open_map(browser, html, "desk")
    try:
        seen = page.evaluate(MEASURE)
        assert seen["zoom"] == 9
        assert seen["pins"]["tokyo"]["top"]
        assert inside(seen["pins"]["gdansk"]["rect"], 1280, 800) is False
        assert set(seen["outside"]) >= {"gdansk", "klaipeda"}
    finally:
        page.context.close()


# ------------------------------------------------------------------ the rule, in Python


def test_the_densest_group_wins_over_the_outliers():
    points = [
        (39.0, 125.7, 1.0, "pyongyang"),
        (37.5, 127.0, 1.0, "seoul"),
        (43.1, 131.9, 3.0, "vladivostok"),
        (55.7, 37.6, 3.0, "moscow"),
        (38.9, -77.0, 2.0, "washington"),
    ]
    group = densest_group(points)
    assert group == Group([0, 1, 2], 5.0, 10.0)


def test_groups_join_across_the_antimeridian_and_box_the_short_way():
    points = [(-17.7, 178.0, 1.0, "suva"), (-13.3, -176.2, 1.0, "wallis"), (51.5, -0.1, 1.0, "x")]
    group = densest_group(points)
    assert group is not None and group.members == [0, 1]
    assert box([(-17.7, 178.0), (-13.3, -176.2)]) == [[-17.7, 178.0], [-13.3, pytest.approx(183.8)]]


def test_the_order_in_which_names_give_way():
    assert label_rank("capital", "reported") < label_rank("city", "confirmed")
    assert label_rank("port", "confirmed") < label_rank("port", "expected")
    assert label_rank("port", "expected") < label_rank("port", "denied")
    assert label_rank("venue", "expected", 2) < label_rank("venue", "expected", 0)
    assert label_rank("site", "denied") < label_rank("route", "reported")


def test_story_points_weigh_events_and_share_a_route_among_its_stops(tmp_path):
    story = tmp_path / "s"
    shutil.copytree(FAROFF, story)
    geo = mapgen.build(story).story
    points = {(p[3], round(p[2], 2)) for p in story_points(geo)}
    assert ("gdansk", 2.0) in points  # one event at it
    assert ("ferry", 0.5) in points  # a route of two stops: half each


def test_a_data_layer_names_its_pins_once_zoomed_in(browser, tmp_path):
    """Past 1,000 places the pins are drawn on a canvas; those drawn alone are named too
    (here the data layer is forced on for six places)."""
    page = open_map(browser, faroff_with(tmp_path, "data_layer: always\n"), "desk")
    try:
        page.wait_for_function("(window.mapgenDrawn || 0) > 0")
        page.evaluate("window.mapgenStory.placeLabels()")
        shown = page.evaluate(
            "() => [...document.querySelectorAll('.mg-label-data')].filter(e => !e.hidden)"
            ".map(e => e.textContent)"
        )
        assert {"Klaipeda", "Kaliningrad", "Baltiysk naval base"} <= set(shown)
        assert "Gdansk" not in shown  # in a cluster with Gdynia at the first view
        page.evaluate(f"{MAP}.setView([54.43, 18.6], 11, {{animate: false}})")
        page.wait_for_function(
            "[...document.querySelectorAll('.mg-label-data')]"
            ".some(e => !e.hidden && e.textContent === 'Gdansk')"
        )
    finally:
        page.context.close()


def test_a_story_of_countries_alone_frames_them(tmp_path):
    story = tmp_path / "s"
    shutil.copytree(FAROFF, story)
    text = (story / "places.yaml").read_text(encoding="utf-8")
    head = text[: text.index("places:")]
    (story / "places.yaml").write_text(
        head + "areas:\n  - id: poland\n    name: Poland\n    country: PL\n    quotes:\n"
        "      - source: baltic\n        text: Dockworkers in Gdansk stopped work on Monday\n",
        encoding="utf-8",
    )
    result = mapgen.build(story)
    config = result.html.read_text(encoding="utf-8").split('id="mg-view">')[1].split("</script>")[0]
    view = json.loads(config)
    (south, west), (north, east) = view["bounds"]
    assert 48 < south < 50 and 54 < north < 56 and 13 < west < 16 and 23 < east < 25


def test_the_inset_covers_no_other_box_once_the_page_has_settled(browser, tmp_path):
    """The inset takes the first corner where it covers nothing; the phone's legend and the
    title settle after it is first placed, so it is placed again then (it once sat over the
    phone's Legend button on one load in three)."""
    from .areastory import write_story

    html = mapgen.build(write_story(tmp_path / "areas")).html
    for _ in range(4):
        context = browser.new_context(**SIZES["phone"], device_scale_factor=3)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda e, page=page: page.errors.append(str(e)))
        page.goto(html.as_uri())
        try:
            page.wait_for_function("window.mapgenStory && window.mapgenStory.free")
            page.evaluate("document.fonts.ready.then(() => new Promise(r => setTimeout(r, 50)))")
            seen = page.evaluate(MEASURE)
            inset = next(b["rect"] for b in seen["boxes"] if "mg-inset" in b["name"])
            others = [b for b in seen["boxes"] if "mg-inset" not in b["name"]]
            assert not [b["name"] for b in others if overlap(inset, b["rect"])]
            assert page.errors == []
        finally:
            page.context.close()

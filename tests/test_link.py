"""``link:``, the field added by declaration alone (issue 16's proof): a place's page about
it, an http(s) address, read from places.yaml and from an included CSV's ``link`` column,
written to map.geojson after the geocoder, and shown in the popup by markers and by the
data layer alike.  Its whole code is its Field in mapgen/story/fields.py and its Slot in
mapgen/page/popup.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mapgen
from mapgen.core.errors import StoryError
from mapgen.story.load import load_story

from .test_datalayer import open_map

ARTICLE = "Troops moved to Wonsan. A depot burned near Hamhung. Kim left Pyongyang.\n"
#: A link whose text would end the attribute, and the element, if it were not escaped.
HOSTILE = "https://example.org/" + "a" * 80 + '?b="><img/src=x/onerror=window.__pwned=1>&c=1'


def write_story(root: Path, data_layer: str, links: list[str | None]) -> Path:
    """Three places in places.yaml (their ``link:`` as given) and two in a CSV (the first
    with a link)."""
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    lines = ["title: Links", f"data_layer: {data_layer}", "sources:"]
    lines += ["  - {id: a, file: seeds/a.txt, title: A}", "include: [more.csv]", "places:"]
    spots = [
        ("wonsan", "Wonsan", "Troops moved to Wonsan."),
        ("hamhung", "Hamhung", "A depot burned near Hamhung."),
    ]
    spots.append(("pyongyang", "Pyongyang", "Kim left Pyongyang."))
    for (pid, name, quote), link in zip(spots, links, strict=True):
        lines += [f"  - id: {pid}", f"    name: {name}", "    kind: city"]
        lines += [f"    coords: [{39 + len(lines) % 3}, 127.5]"]
        if link is not None:
            lines.append(f"    link: {json.dumps(link)}")
        lines.append(f"    quotes: [{{source: a, text: {quote}}}]")
    (root / "places.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "more.csv").write_text(
        "id,name,kind,lat,lon,link,source,quote\n"
        "depot,Depot,site,39.9,127.6,https://example.org/depot,a,A depot burned\n"
        "yard,Yard,site,39.8,127.7,,a,Troops moved to Wonsan.\n",
        encoding="utf-8",
    )
    return root


LINKS = ["https://example.org/wonsan", None, HOSTILE]


@pytest.mark.parametrize("data_layer", ["never", "always"])
def test_a_link_is_written_to_geojson_in_its_declared_place(tmp_path, data_layer):
    result = mapgen.build(write_story(tmp_path / "s", data_layer, LINKS), tmp_path / "out")
    features = json.loads(result.geojson.read_text(encoding="utf-8"))["features"]
    got = {f["id"]: f["properties"].get("link") for f in features}
    assert got == {
        "wonsan": LINKS[0],
        "hamhung": None,
        "pyongyang": HOSTILE,
        "depot": "https://example.org/depot",
        "yard": None,
    }
    keys = list(features[0]["properties"])
    assert keys[keys.index("geocoder") + 1] == "link" and keys[-2:] == ["status", "quotes"]


@pytest.mark.parametrize("data_layer", ["never", "always"])
def test_the_popup_links_to_it_escaped(tmp_path, browser, data_layer):
    """Markers (folium's popups) and the data layer (datalayer.js) show the same link, an
    anchor whose address is the link to the character, with nothing injected."""
    result = mapgen.build(write_story(tmp_path / "s", data_layer, LINKS), tmp_path / "out")
    page, errors = open_map(browser, result.html, "document.querySelector('.leaflet-container')")
    big = data_layer == "always"

    def popup(place: str):
        if big:  # a place of the data layer opens as the canvas's click opens it
            page.evaluate("id => { const s = window.mapgenStores[0]; s.open(s.find(id)); }", place)
        else:
            page.evaluate("id => window.mapgenStory.focus(id)", place)
        page.wait_for_selector(f".leaflet-popup .mg-popup[data-mg-id='{place}']")
        return page.locator(f".leaflet-popup .mg-popup[data-mg-id='{place}'] .mg-link a")

    try:
        anchor = popup("pyongyang")
        assert anchor.get_attribute("href") == HOSTILE
        assert anchor.inner_text() == HOSTILE
        assert anchor.get_attribute("rel") == "noopener noreferrer"
        # A long address wraps inside the popup rather than running out of it.
        box = anchor.bounding_box()
        content = page.locator(".leaflet-popup-content").bounding_box()
        assert box and content and box["x"] + box["width"] <= content["x"] + content["width"] + 1
        assert popup("hamhung").count() == 0
        assert popup("depot").get_attribute("href") == "https://example.org/depot"
        assert popup("yard").count() == 0
        assert page.evaluate("window.__pwned") is None and errors == []
    finally:
        page.context.close()


def test_a_link_that_is_not_http_is_refused_where_it_is(tmp_path):
    root = write_story(tmp_path / "s", "never", ["javascript:alert(1)", None, None])
    csv = root / "more.csv"
    csv.write_text(
        csv.read_text().replace("https://example.org/depot", "file:///etc/passwd"),
        encoding="utf-8",
    )
    with pytest.raises(StoryError) as caught:
        load_story(root)
    assert [str(p).replace(str(root) + "/", "") for p in caught.value.problems] == [
        "places.yaml:11:11: link: 'javascript:alert(1)' is not an http:// or https:// address",
        "more.csv:2:29: link: 'file:///etc/passwd' is not an http:// or https:// address",
    ]

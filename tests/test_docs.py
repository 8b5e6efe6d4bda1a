"""The documentation holds together: the README stays a short page for users (the rest lives
under ``docs/`` and in ``benchmarks/README.md``), and every relative link in them leads to a
file that exists and, with a ``#fragment``, to a heading in it, as GitHub renders them, so
moving a section cannot silently strand the links that pointed at it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, ROOT / "benchmarks" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: The README's budget: what a newcomer reads before the set-up commands and the tour.
README_LIMIT = 12 * 1024

FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", flags=re.M | re.S)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", flags=re.M)


def prose(markdown: str) -> str:
    """The text outside fenced code blocks: a ``# comment`` or ``](`` in a code sample is
    neither a heading nor a link."""
    return FENCE.sub("", markdown)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, markup and punctuation dropped (hyphens and
    underscores kept), each space a hyphen."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = text.replace("`", "").lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """Every heading's anchor on the page; a repeated one gets ``-1``, ``-2``... as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for heading in HEADING.findall(prose(page.read_text(encoding="utf-8"))):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(page: Path) -> list[str]:
    """The targets of the page's links and images, outside code."""
    text = INLINE_CODE.sub("", prose(page.read_text(encoding="utf-8")))
    return LINK.findall(text)


def test_the_slugs_are_githubs():
    """The anchors these pages link to, spelled as GitHub spells them."""
    assert slug("Watching and serving: `mapgen watch`") == "watching-and-serving-mapgen-watch"
    assert slug("Big stories: 100,000 places") == "big-stories-100000-places"
    assert slug("`mapgen geocode`: fill the cache without building") == (
        "mapgen-geocode-fill-the-cache-without-building"
    )
    assert slug("For other layers: the reader's API") == "for-other-layers-the-readers-api"


def test_the_readme_is_short():
    size = README.stat().st_size
    assert size <= README_LIMIT, f"README.md is {size:,} bytes, over {README_LIMIT:,}"


def test_the_tours_place_is_the_shipped_storys():
    """The tour's example place is the shipped story's, key for key, so it builds as shown."""
    (example,) = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    shipped = yaml.safe_load((ROOT / "places.yaml").read_text(encoding="utf-8"))
    by_id = {place["id"]: place for place in shipped["places"]}
    for place in yaml.safe_load(example)["places"]:
        assert place.items() <= by_id[place["id"]].items(), place["id"]


def test_the_readme_links_to_every_page_of_the_docs():
    """A page under docs/ that the README does not link to is a page nobody finds."""
    linked = {(README.parent / unquote(t.split("#")[0])).resolve() for t in links(README)}
    for page in PAGES[1:]:
        assert page.resolve() in linked, f"README.md does not link to {page.relative_to(ROOT)}"


def broken_links(page: Path, root: Path = ROOT) -> list[str]:
    """Each relative link on the page whose file, or heading, is not there."""
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, flags=re.I):  # http:, https:, mailto:
            continue
        path, _, fragment = target.partition("#")
        where = (page.parent / unquote(path)).resolve() if path else page
        if not where.is_relative_to(root) or not where.exists():
            broken.append(f"{target}: no such file")
        elif fragment and (where.suffix != ".md" or fragment not in anchors(where)):
            broken.append(f"{target}: no heading #{fragment} in {where.name}")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path):
    assert not broken_links(page), f"{page.relative_to(ROOT)}: {broken_links(page)}"


def test_the_link_checker_sees_a_broken_link(tmp_path: Path):
    """The checks above can fail: a missing file, a missing heading, and a link that leaves
    the repository are all seen; code blocks hold neither headings nor links."""
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "other.md").write_text("# Other\n", encoding="utf-8")
    page = repo / "docs" / "page.md"
    page.write_text(
        "# Title\n\n## A `code` heading: yes\n\n[ok](#a-code-heading-yes) [bad](#nowhere)\n"
        "[file](other.md#other) [gone](missing.md) [heading](other.md#title)\n"
        "[out](../../outside.md) [web](https://example.org/x#y)\n"
        "```\n# not a heading\n[x](#not-a-heading)\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "outside.md").touch()
    assert anchors(page) == {"title", "a-code-heading-yes"}
    assert broken_links(page, root=repo) == [
        "#nowhere: no heading #nowhere in page.md",
        "missing.md: no such file",
        "other.md#title: no heading #title in other.md",
        "../../outside.md: no such file",
    ]

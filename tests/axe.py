"""axe-core, the accessibility checker, pinned and fetched like the page's own assets, and
run in a page opened by Playwright.

Not a test module: the helpers tests/test_accessibility.py and benchmarks/phone.py share.
axe-core is fetched once into the asset cache by :func:`mapgen.page.assets.fetch` (the
cache, else ``npm pack``, else the CDN) and checked against its pinned SHA-256, so every
run checks the page with the same rules; .ci/run installs npm, which is all it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from mapgen.page import assets

#: axe-core's browser build, pinned by version and hash.
AXE_CORE = assets.Package(
    "axe-core",
    "4.10.2",
    {"axe.min.js": "b511cd9dec01c76f4b2ad1723b66b6db37d4c2eb4ed199076e1829d9ee7b75e3"},
)
#: The impacts that fail: axe's "serious" and "critical" (not "minor" or "moderate").
FAILING = ("serious", "critical")


@dataclass(frozen=True)
class Violation:
    """One rule broken, by how many elements (a few of their selectors, to find them)."""

    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:4]) + (" ..." if len(self.targets) > 4 else "")
        return f"{self.rule} ({self.impact}, {len(self.targets)}): {self.help}: {shown}"


def axe_source() -> str:
    """axe.min.js, from the asset cache (fetched once; raises AssetsUnavailable)."""
    return assets.fetch(AXE_CORE).text("axe.min.js")


RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map(v => ({
        rule: v.id, impact: v.impact || "", help: v.help,
        targets: v.nodes.map(n => n.target.join(" ")),
    }));
}"""


def violations(page, source: str) -> list[Violation]:
    """Every axe violation in the page as it is now (axe injected first if it is not)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    found = page.evaluate(RUN)
    return [Violation(v["rule"], v["impact"], v["help"], tuple(v["targets"])) for v in found]


def failing(found: list[Violation]) -> list[Violation]:
    """The serious and critical ones."""
    return [v for v in found if v.impact in FAILING]

"""``mapgen extract``: a ``places.yaml`` to start a story from, made of the places some
articles mention.

Each article becomes a source, each country it names an area, each city a place, with the
gazetteer's guess in a comment and every sentence naming it as a quote.  Separate from
:mod:`mapgen.quotes.mentions`, which finds the mentions: this module only writes them as
YAML, escaped so that what a terminal shows is what ``places.yaml`` will hold.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from ..core.terminal import one_line
from ..geo.gazetteer import Gazetteer
from .mentions import Matcher, Mention, clipped, find_mentions, read_within, sentences

__all__ = ["extract_yaml"]


def _slug(name: str) -> str:
    folded = re.sub(r"[^a-z0-9]+", "-", fold_ascii(name)).strip("-")
    return folded or "place"


def fold_ascii(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's, and so are the ``\\x9b``,
    ``\\u202e`` escapes :func:`~mapgen.core.terminal.one_line` gives what JSON leaves raw: the
    YAML is printed, and must say the same on a terminal as in places.yaml)."""
    return one_line(json.dumps(value, ensure_ascii=False))


def extract_yaml(
    files: list[tuple[str, str]], gazetteer: Gazetteer | None = None
) -> tuple[str, list[Mention]]:
    """A places.yaml to start a story from articles: ``files`` is (path as given, text).

    Each article is a source; each country mentioned an area, each city a place, with the
    gazetteer's guess (in a comment) and its precision, a country hint so the build finds
    the same place, and every sentence naming it as a quote.
    """
    matcher = Matcher(gazetteer)
    ids: dict[str, str] = {}
    sources = []
    mentions: list[Mention] = []
    read, unread = read_within(files)
    scanned = dict(read)
    for k, (path, body) in enumerate(files):
        source_id = _unique(_slug(Path(path).stem).replace("-", "_") or "article", ids)
        ids[source_id] = path
        first = next(iter(sentences(body[:10_000])), (0, 0))  # only the headline
        headline = clipped(" ".join(body[first[0] : first[1]].split()), 100) or Path(path).stem
        sources.append((source_id, path, headline))
        if k in scanned:
            mentions += find_mentions(scanned[k], source=source_id, file=path, matcher=matcher)
    by_target: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_target.setdefault(mention.target.key, []).append(mention)
    lines = [
        "# Started by `mapgen extract` from "
        + ", ".join(one_line(path) for _, path, _ in sources)  # a comment: one line
        + ".",
        "# Check each guess: the gazetteer's choice is in the comment above each place.",
        *([f"# Note: {unread}."] if unread else []),
        _yaml_line("title", "A story from " + ", ".join(Path(p).name for _, p, _ in sources)),
        "sources:",
    ]
    for source_id, path, headline in sources:
        lines += [
            f"  - id: {source_id}",
            f"    file: {_yaml_text(path)}",
            f"    title: {_yaml_text(headline)}  # the first sentence: write the headline",
        ]
    places = [ms for ms in by_target.values() if ms[0].target.feature == "city"]
    areas = [ms for ms in by_target.values() if ms[0].target.feature == "country"]
    used_ids = dict(ids)
    if places:
        lines.append("")
        lines.append("places:")
        for ms in places:
            target = ms[0].target
            kind = "capital" if target.capital else "city"
            guess = target.describe() + (", ambiguous: check it" if target.ambiguous else "")
            guess += f" ({target.why})" if target.why else ""  # what decided it
            lines += [
                f"  # gazetteer: {guess}; precision: city",
                f"  - id: {_unique(_slug(target.name), used_ids)}",
                f"    name: {_yaml_text(_surface(ms))}",
                f"    kind: {kind}",
                f"    country: {target.country_code}",
                "    quotes:",
                *_quote_lines(ms),
            ]
    if areas:
        lines.append("")
        lines.append("areas:")
        for ms in areas:
            target = ms[0].target
            lines += [
                f"  # gazetteer: {target.describe()}; precision: country",
                f"  - id: {_unique(_slug(target.name), used_ids)}",
                f"    name: {_yaml_text(target.name)}",
                f"    country: {target.country_code}",
                "    quotes:",
                *_quote_lines(ms),
            ]
    others = [ms for ms in by_target.values() if ms[0].target.feature not in ("city", "country")]
    if others:
        # Regions and continents have no places.yaml form of their own yet: said, not dropped.
        lines += ["", "# Also mentioned (not written above):"]
        for ms in others:
            count = len(ms)
            lines.append(
                f"#   {one_line(ms[0].target.describe())}: {count} mention{'s' if count != 1 else ''}"
            )
    return "\n".join(lines) + "\n", mentions


def _yaml_line(key: str, value: str) -> str:
    return f"{key}: {_yaml_text(value)}"


def _surface(mentions: list[Mention]) -> str:
    """The name as the articles most often write it."""
    counts: dict[str, int] = {}
    for m in mentions:
        counts[m.words] = counts.get(m.words, 0) + 1
    return max(counts, key=lambda w: (counts[w], -list(counts).index(w)))


def _quote_lines(mentions: list[Mention]) -> list[str]:
    seen = set()
    out = []
    for m in mentions:
        key = (m.source, m.sentence)
        if key in seen:
            continue
        seen.add(key)
        out += [f"      - source: {m.source}", f"        text: {_yaml_text(m.sentence)}"]
    return out


def _unique(base: str, taken: dict[str, str]) -> str:
    candidate = base
    n = 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken[candidate] = ""
    return candidate

"""Synthetic big stories for benchmarks/bigstory.py: N places with quotes, as mapgen reads
them (places.yaml including a CSV, the articles, a warm geocode cache) and as plain data
for folium.

Deterministic for a given N and seed.  Every place quotes one sentence (about 200
characters, with commas, so most quote cells are quoted in the CSV) of one of N/100
articles, typed with straight apostrophes where the article prints curly ones (about one
quote in two has one, and is matched by folding); points crowd around a few dozen centres, as strikes
or shipments do, over a uniform background.  Nine in ten rows give their coordinates; the
tenth gives a query (one of 1% as many town names), which the geocode cache answers.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

_TEXT = (
    "convoy depot bridge rail yard harbour warehouse checkpoint airfield radar battery fuel"
    " tanks trucks drones shelling witnesses reported officials said satellite images showed"
    " damage fire smoke morning evening overnight residents local authorities confirmed"
    " denied claims early estimates suggested several vehicles were seen near the river"
)
WORDS = tuple(_TEXT.split())
KINDS = ["military", "site", "city", "port", "crossing", "venue", "capital"]
WEIGHTS = [40, 25, 15, 8, 6, 4, 2]


@dataclass
class Row:
    name: str
    kind: str
    lat: float | None
    lon: float | None
    query: str | None
    source: str
    quote: str


def sentence(rng: random.Random, name: str, length: int = 200) -> str:
    """About ``length`` characters of prose, with a comma every few words (so that a CSV
    writer quotes most quote cells, as it does with real articles)."""
    words = [f"Reports from {name} said,"]
    while sum(len(w) + 1 for w in words) < length:
        word = rng.choice(WORDS)
        if rng.random() < 0.12:
            word += ","
        elif rng.random() < 0.03:
            word += "'s"
        words.append(word)
    return " ".join(words)[: length - 1].rstrip(" ,") + "."


def rows(n: int, seed: int = 7) -> tuple[list[Row], dict[str, list[str]], dict[str, tuple]]:
    """The places, each article's sentences, and the cache's towns (name -> lat, lon)."""
    rng = random.Random(seed)
    centres = [(rng.uniform(-40, 65), rng.uniform(-150, 160)) for _ in range(40)]
    towns = {
        f"Town {i}": (round(rng.uniform(-50, 70), 5), round(rng.uniform(-170, 170), 5))
        for i in range(max(1, n // 100))
    }
    names = list(towns)
    articles = max(1, n // 100)
    sentences: dict[str, list[str]] = {f"a{k}": [] for k in range(articles)}
    out = []
    for i in range(n):
        kind = rng.choices(KINDS, WEIGHTS)[0]
        name = f"{rng.choice(WORDS).title()} {i}"
        source = f"a{i % articles}"
        quote = sentence(rng, name)
        # The article prints curly apostrophes; quotes are typed with straight ones.
        sentences[source].append(quote.replace("'", "\u2019"))
        if i % 10 == 9:
            out.append(Row(name, kind, None, None, rng.choice(names), source, quote))
            continue
        if rng.random() < 0.7:
            clat, clon = rng.choice(centres)
            lat = max(-85.0, min(85.0, rng.gauss(clat, 2.5)))
            lon = max(-180.0, min(180.0, rng.gauss(clon, 3.5)))
        else:
            lat, lon = rng.uniform(-55, 70), rng.uniform(-180, 180)
        out.append(Row(name, kind, round(lat, 5), round(lon, 5), None, source, quote))
    return out, sentences, towns


def write_story(root: Path, n: int, seed: int = 7) -> list[Row]:
    """A story folder: places.yaml including places.csv, seeds/, geocode-cache.yaml."""
    places, sentences, towns = rows(n, seed)
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    for source, said in sentences.items():
        (root / "seeds" / f"{source}.txt").write_text("\n\n".join(said) + "\n", encoding="utf-8")
    with (root / "places.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["name", "kind", "lat", "lon", "query", "source", "quote"])
        for p in places:
            out.writerow(
                [
                    p.name,
                    p.kind,
                    "" if p.lat is None else p.lat,
                    "" if p.lon is None else p.lon,
                    p.query or "",
                    p.source,
                    p.quote,
                ]
            )
    lines = [f"title: A synthetic story of {n:,} places", "sources:"]
    for source in sentences:
        lines += [
            f"  - id: {source}",
            f"    file: seeds/{source}.txt",
            f"    title: Report {source}",
        ]
    lines += ["include:", "  - places.csv", ""]
    (root / "places.yaml").write_text("\n".join(lines), encoding="utf-8")
    cache = [
        "# geocode-cache.yaml: synthetic",
        "version: 2",
        "entries:",
    ]
    used = {
        (p.query, {"city": "city", "port": "city", "capital": "capital"}.get(p.kind, ""))
        for p in places
        if p.query
    }
    for name, (lat, lon) in sorted(towns.items()):
        for feature in ("", "city", "capital"):  # the hint a place's kind implies
            if (name, feature) not in used:
                continue
            cache += [
                f"- query: {name}",
                "  country: null",
                *([f"  feature: {feature}"] if feature else []),
                f"  lat: {lat}",
                f"  lon: {lon}",
                "  precision: city",
                "  address: null",
                "  geocoder: gazetteer",
                "  date: '2026-01-01'",
            ]
    (root / "geocode-cache.yaml").write_text("\n".join(cache) + "\n", encoding="utf-8")
    return places

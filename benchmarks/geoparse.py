"""Benchmark: mapgen's place mentions scored against an annotated news corpus.

    .venv/bin/python benchmarks/geoparse.py CORPUS.xml [--json] [--show fp|fn|far] [--limit N]

CORPUS is one of the corpora of the geoparsing literature in their published XML (GeoVirus:
``<location>`` with ``<name>``, ``<start>``, ``<end>``, ``<lat>``, ``<lon>``; TR-News:
``<toponym>`` with ``<phrase>``, ``<start>``, ``<end>`` and a ``<gaztag>`` holding
``<lat>``/``<lon>``). Nothing of them is copied into the project: the path is an argument.

The mentions are mapgen's stable interface, :func:`mapgen.quotes.mentiondata.mentions_of`
(what ``mapgen mentions --json`` prints), one matcher for the whole corpus, as for a story's
articles.  The measures are the literature's (Gritta et al., "What's missing in geographical
parsing?", 2018, and "A pragmatic guide to geoparsing evaluation", 2019):

* recognition: precision, recall and F1 of the predicted spans against the gold spans,
  *exact* (same start and end) and *overlap* (the spans share a character; each gold span
  and each prediction is matched at most once);
* resolution, on the exactly recognised mentions whose gold has coordinates: accuracy
  within 161 km, mean and median error in km, and the AUC of the sorted errors' curve of
  ``ln(1 + km)`` over ``ln(20039)`` (the trapezoid rule over the sorted errors, as Gritta et
  al.'s script computes it; 0 is perfect, 1 all antipodal).  A mention resolved to no
  position counts as 20,039 km off.

Both with and without demonyms: *without* drops the predictions matched by demonym
(``Syrian``) and the gold spans whose words are a demonym mapgen knows (GeoVirus has none;
TR-News annotates ``Turkish`` as Turkey).

Gold offsets: GeoVirus' are one higher than its text's, so 1 is subtracted.  Some TR-News
articles' offsets drift from their text by up to 10 characters: a gold span whose offsets
do not slice its phrase out of the text is moved to the nearest place within 12 characters
that does (the count of spans moved is printed); one that cannot be is kept as given.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Half the Earth's circumference in km: the largest possible error.
MAX_ERROR_KM = 20039.0
#: Within this many km a resolution counts as right (100 miles).
ACCURATE_KM = 161.0
#: How far a TR-News gold span may be moved to slice its phrase out of the text.
REALIGN = 12


@dataclass
class Gold:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    demonym: bool = False


@dataclass
class Article:
    text: str
    gold: list[Gold]
    name: str = ""


@dataclass
class Corpus:
    articles: list[Article]
    realigned: int = 0
    unaligned: int = 0


@dataclass
class Predicted:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    by: str = "name"
    kind: str = ""  # country, region, city, continent
    country: str | None = None
    place: str = ""


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None and value.strip() else None
    except ValueError:
        return None


def load_corpus(path: Path, demonyms: set[str] | None = None) -> Corpus:
    """The articles of a GeoVirus or TR-News XML file, with their gold spans (in the text's
    own offsets); ``demonyms`` (folded words) mark the gold spans that are demonyms."""
    root = ET.parse(path).getroot()
    corpus = Corpus([])
    for k, node in enumerate(root.iter("article")):
        text = node.findtext("text") or ""
        gold: list[Gold] = []
        locations = node.find("locations")
        if locations is not None:  # GeoVirus: offsets one higher than the text's
            for loc in locations.iter("location"):
                start, end = int(loc.findtext("start", "0")) - 1, int(loc.findtext("end", "0")) - 1
                gold.append(
                    Gold(
                        start,
                        end,
                        loc.findtext("name") or "",
                        _float(loc.findtext("lat")),
                        _float(loc.findtext("lon")),
                    )
                )
        for top in node.iter("toponym"):  # TR-News
            tag = top.find("gaztag")
            lat = _float(tag.findtext("lat")) if tag is not None else None
            lon = _float(tag.findtext("lon")) if tag is not None else None
            start, end = int(top.findtext("start", "0")), int(top.findtext("end", "0"))
            gold.append(Gold(start, end, top.findtext("phrase") or "", lat, lon))
        for g in gold:
            if text[g.start : g.end] != g.text:
                moved = _realign(text, g)
                if moved is None:
                    corpus.unaligned += 1
                else:
                    g.start, g.end = moved, moved + len(g.text)
                    corpus.realigned += 1
            if demonyms is not None:
                g.demonym = _fold(g.text) in demonyms
        name = node.get("docid") or node.findtext("source") or f"article {k + 1}"
        corpus.articles.append(Article(text, gold, name.strip()))
    return corpus


def _realign(text: str, gold: Gold) -> int | None:
    for shift in sorted(range(-REALIGN, REALIGN + 1), key=abs):
        start = gold.start + shift
        if start >= 0 and text[start : start + len(gold.text)] == gold.text:
            return start
    return None


def _fold(words: str) -> str:
    return " ".join(words.lower().split())


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def auc(errors_km: list[float]) -> float:
    """Gritta et al.'s AUC: the trapezoid area under the sorted ``ln(1 + km)`` curve,
    over its width, over ``ln(20039)``."""
    if not errors_km:
        return float("nan")
    k = sorted(math.log(1 + e) for e in errors_km)
    if len(k) == 1:
        return k[0] / math.log(MAX_ERROR_KM)
    area = sum((a + b) / 2 for a, b in itertools.pairwise(k))
    return area / (len(k) - 1) / math.log(MAX_ERROR_KM)


def _prf(matched_p: int, n_pred: int, matched_g: int, n_gold: int) -> dict[str, float]:
    p = matched_p / n_pred if n_pred else 0.0
    r = matched_g / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": 100 * p, "recall": 100 * r, "f1": 100 * f}


@dataclass
class Scores:
    """Counts over a corpus, and the measures from them."""

    gold: int = 0
    predicted: int = 0
    exact: int = 0
    overlap_pred: int = 0
    overlap_gold: int = 0
    errors_km: list[float] = field(default_factory=list)
    #: (article, gold or prediction) for --show.
    false_pos: list[tuple[str, Predicted]] = field(default_factory=list)
    false_neg: list[tuple[str, Gold]] = field(default_factory=list)
    far: list[tuple[str, Gold, Predicted, float]] = field(default_factory=list)
    #: Resolutions over 161 km whose gold point lies inside the country or region named.
    inside: int = 0

    def measures(self) -> dict[str, Any]:
        errors = self.errors_km
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "exact": _prf(self.exact, self.predicted, self.exact, self.gold),
            "overlap": _prf(self.overlap_pred, self.predicted, self.overlap_gold, self.gold),
            "resolved": len(errors),
            "accuracy_161km": 100 * sum(e <= ACCURATE_KM for e in errors) / len(errors)
            if errors
            else float("nan"),
            "mean_km": statistics.fmean(errors) if errors else float("nan"),
            "median_km": statistics.median(errors) if errors else float("nan"),
            "auc": auc(errors),
            "accuracy_161km_or_inside": 100
            * (sum(e <= ACCURATE_KM for e in errors) + self.inside)
            / len(errors)
            if errors
            else float("nan"),
        }


def score_article(
    scores: Scores, article: Article, predicted: list[Predicted], *, demonyms: bool
) -> None:
    """Add one article's counts to ``scores``."""
    gold = [g for g in article.gold if demonyms or not g.demonym]
    preds = [p for p in predicted if demonyms or p.by != "demonym"]
    scores.gold += len(gold)
    scores.predicted += len(preds)
    by_span = {(g.start, g.end): g for g in gold}
    exact_spans = set()
    for p in preds:
        g = by_span.get((p.start, p.end))
        if g is None or (p.start, p.end) in exact_spans:
            continue
        exact_spans.add((p.start, p.end))
        scores.exact += 1
        if g.lat is None or g.lon is None:
            continue
        if p.lat is None or p.lon is None:
            error = MAX_ERROR_KM
        else:
            error = distance_km(g.lat, g.lon, p.lat, p.lon)
        scores.errors_km.append(error)
        if error > ACCURATE_KM:
            scores.far.append((article.name, g, p, error))
            scores.inside += _inside(g.lat, g.lon, p)
    # Overlap: each side matched at most once, in text order.
    used_gold: set[int] = set()
    for p in sorted(preds, key=lambda q: (q.start, q.end)):
        for k, g in enumerate(gold):
            if k not in used_gold and p.start < g.end and g.start < p.end:
                used_gold.add(k)
                scores.overlap_pred += 1
                break
        else:
            scores.false_pos.append((article.name, p))
    scores.overlap_gold += len(used_gold)
    scores.false_neg += [(article.name, g) for k, g in enumerate(gold) if k not in used_gold]


def _inside(lat: float, lon: float, p: Predicted) -> bool:
    """Whether (lat, lon) lies inside the country or first-level region ``p`` names.

    A second, looser measure beside accuracy within 161 km: a country's or a region's point
    is a convention (GeoVirus puts the United States at 40, -100 as Wikipedia does, TR-News at
    39.8, -98.5 as GeoNames does), and 161 km is less than either differs by for a large one.
    """
    from mapgen.geo.countries import country_outline
    from mapgen.geo.regions import find_regions, outline
    from mapgen.geo.shapes import contains

    geometry = None
    if p.kind == "country" and p.country:
        geometry = country_outline(p.country)
    elif p.kind == "region" and p.place:
        found = find_regions(p.place, p.country)
        geometry = outline(found[0].code) if found else None
    return contains(geometry, lon, lat)


def predict(articles: list[Article]) -> list[list[Predicted]]:
    """mapgen's mentions of each article, through the documented interface."""
    from mapgen.quotes.mentiondata import mentions_of
    from mapgen.quotes.mentions import Matcher

    matcher = Matcher()
    out = []
    for article in articles:
        out.append(
            [
                Predicted(r.start, r.end, r.text, r.lat, r.lon, r.by, r.kind, r.country, r.place)
                for r in mentions_of(article.text, matcher=matcher)
            ]
        )
    return out


def score(
    corpus: Corpus, predictions: list[list[Predicted]]
) -> dict[str, tuple[Scores, dict[str, Any]]]:
    """``{"with demonyms": ..., "without demonyms": ...}``: the counts and measures."""
    out = {}
    for label, demonyms in (("with demonyms", True), ("without demonyms", False)):
        scores = Scores()
        for article, predicted in zip(corpus.articles, predictions, strict=True):
            score_article(scores, article, predicted, demonyms=demonyms)
        out[label] = (scores, scores.measures())
    return out


def _table(results: dict[str, tuple[Scores, dict[str, Any]]]) -> list[str]:
    lines = [
        "| demonyms | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 |"
        " resolved | acc@161 km | mean km | median km | AUC |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, (_, m) in results.items():
        e, o = m["exact"], m["overlap"]
        lines.append(
            f"| {label} | {e['precision']:.1f} | {e['recall']:.1f} | {e['f1']:.1f}"
            f" | {o['precision']:.1f} | {o['recall']:.1f} | {o['f1']:.1f}"
            f" | {m['resolved']} | {m['accuracy_161km']:.1f}% | {m['mean_km']:.0f}"
            f" | {m['median_km']:.0f} | {m['auc']:.3f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--json", action="store_true", help="print the measures as JSON")
    parser.add_argument(
        "--show",
        choices=("fp", "fn", "far"),
        action="append",
        default=[],
        help="list false hits, misses, or resolutions over 161 km (without demonyms)",
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    args = parser.parse_args(argv)
    from mapgen.quotes.wordlists import DEMONYMS

    try:
        corpus = load_corpus(args.corpus, set(DEMONYMS))
    except (OSError, ET.ParseError) as exc:
        print(f"{args.corpus}: cannot read: {exc}", file=sys.stderr)
        return 2
    if args.limit:
        corpus.articles = corpus.articles[: args.limit]
    began = time.perf_counter()
    predictions = predict(corpus.articles)
    seconds = time.perf_counter() - began
    results = score(corpus, predictions)
    if args.json:
        out = {label: m for label, (_, m) in results.items()}
        out["articles"] = len(corpus.articles)
        out["realigned"] = corpus.realigned
        out["unaligned"] = corpus.unaligned
        out["seconds"] = round(seconds, 2)
        print(json.dumps(out, indent=1))
    else:
        print(
            f"{args.corpus.name}: {len(corpus.articles)} articles,"
            f" {results['with demonyms'][1]['gold']} gold spans ({corpus.realigned} realigned,"
            f" {corpus.unaligned} not), read in {seconds:.1f} s"
        )
        print("\n".join(_table(results)))
        print(
            "acc@161 km, or the gold point inside the country or region named (a looser"
            " measure): "
            + ", ".join(
                f"{label} {m['accuracy_161km_or_inside']:.1f}%" for label, (_, m) in results.items()
            )
        )
    scores = results["without demonyms"][0]
    for what in args.show:
        if what == "fp":
            for name, p in scores.false_pos:
                print(f"FP {name[-40:]} {p.start}: {p.text!r} ({p.by})")
        elif what == "fn":
            for name, g in scores.false_neg:
                print(f"FN {name[-40:]} {g.start}: {g.text!r}")
        else:
            for name, g, p, km in scores.far:
                print(f"FAR {name[-40:]} {g.start}: {g.text!r} {km:.0f} km ({p.lat}, {p.lon})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

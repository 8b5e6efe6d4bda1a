"""benchmarks/geoparse.py's scoring, on a hand-made corpus whose counts are worked out by
hand (tests/data/geoparse-tiny.xml): if the arithmetic of precision, recall, F1, accuracy
within 161 km or the AUC breaks, the benchmark's figures would be wrong unnoticed."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "geoparse-tiny.xml"


def _bench():
    spec = importlib.util.spec_from_file_location("geoparse", ROOT / "benchmarks" / "geoparse.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["geoparse"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


geoparse = _bench()
P = geoparse.Predicted
HAMBURG = (53.55073, 9.99302)


def _predictions():
    return [
        [
            P(0, 6, "Floods", 1.0, 1.0),  # false hit
            P(11, 16, "Paris", 48.85341, 2.3488),  # exact, 0 km
            P(21, 26, "Lyon.", 45.7, 4.8),  # overlap only
            P(27, 33, "Syrian", 35.0, 38.0, "demonym"),  # exact, 0 km
            P(48, 54, "Berlin", *HAMBURG),  # exact, some 255 km off
        ],
        [P(8, 20, "Nowhere Town", None, None)],  # exact; its gold has no position
    ]


def test_the_corpus_loads_with_drifted_offsets_realigned():
    corpus = geoparse.load_corpus(TINY, {"syrian"})
    first, second = corpus.articles
    assert [(g.start, g.end, g.text) for g in first.gold][-1] == (48, 54, "Berlin")
    assert corpus.realigned == 1 and corpus.unaligned == 0
    assert [g.demonym for g in first.gold] == [False, False, True, False]
    assert second.gold[0].lat is None


def test_the_scores_are_the_hand_counted_ones():
    corpus = geoparse.load_corpus(TINY, {"syrian"})
    berlin = geoparse.distance_km(52.52437, 13.41053, *HAMBURG)
    assert berlin == pytest.approx(255, abs=3)  # Berlin to Hamburg, as the crow flies
    results = geoparse.score(corpus, _predictions())

    with_ = results["with demonyms"][1]
    assert (with_["gold"], with_["predicted"]) == (5, 6)
    assert with_["exact"]["precision"] == pytest.approx(100 * 4 / 6)
    assert with_["exact"]["recall"] == pytest.approx(100 * 4 / 5)
    assert with_["exact"]["f1"] == pytest.approx(100 * 2 * (4 / 6) * (4 / 5) / (4 / 6 + 4 / 5))
    assert with_["overlap"]["precision"] == pytest.approx(100 * 5 / 6)
    assert with_["overlap"]["recall"] == pytest.approx(100.0)
    assert with_["resolved"] == 3  # Paris, Syrian, Berlin: Nowhere Town has no gold position
    assert with_["accuracy_161km"] == pytest.approx(100 * 2 / 3)
    assert with_["mean_km"] == pytest.approx(berlin / 3, rel=1e-6)
    assert with_["median_km"] == pytest.approx(0.0, abs=1e-6)
    # The trapezoids under the sorted ln(1 + km): 0, 0, ln(1 + berlin); over 2 widths.
    k = math.log(1 + berlin)
    assert with_["auc"] == pytest.approx((0 + k / 2) / 2 / math.log(20039), rel=1e-6)

    without = results["without demonyms"][1]
    assert (without["gold"], without["predicted"]) == (4, 5)
    assert without["exact"]["precision"] == pytest.approx(100 * 3 / 5)
    assert without["exact"]["recall"] == pytest.approx(100 * 3 / 4)
    assert without["resolved"] == 2
    assert without["accuracy_161km"] == pytest.approx(50.0)
    assert without["auc"] == pytest.approx(k / 2 / math.log(20039), rel=1e-6)


def test_a_mention_with_no_position_is_as_far_off_as_can_be():
    corpus = geoparse.load_corpus(TINY, set())
    predictions = [[P(11, 16, "Paris", None, None)], []]
    measures = geoparse.score(corpus, predictions)["with demonyms"][1]
    assert measures["resolved"] == 1
    assert measures["mean_km"] == pytest.approx(20039)
    assert measures["auc"] == pytest.approx(math.log(1 + 20039) / math.log(20039))


def test_the_benchmark_scores_mapgens_own_mentions(capsys):
    """Through the documented interface, end to end: mapgen finds Paris, Lyon, Syrian and
    Berlin, not the unknown Nowhere Town."""
    assert geoparse.main([str(TINY), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    measures = out["with demonyms"]
    assert (measures["gold"], measures["predicted"]) == (5, 4)
    assert measures["exact"]["precision"] == pytest.approx(100.0)
    assert measures["exact"]["recall"] == pytest.approx(80.0)
    assert measures["accuracy_161km"] == pytest.approx(100.0)
    assert out["realigned"] == 1


def test_the_looser_measure_counts_a_point_inside_the_country_or_region_named():
    """A country's point is a convention: 40, -100 (Wikipedia's United States) is 342 km from
    mapgen's, yet inside the country; Hamburg is not inside France, nor Kyiv in Texas."""
    us = P(0, 2, "US", 38.0, -97.0, "name", "country", "US", "United States")
    assert geoparse._inside(40.0, -100.0, us)
    france = P(0, 6, "France", 46.0, 2.0, "name", "country", "FR", "France")
    assert not geoparse._inside(*HAMBURG, france)
    texas = P(0, 5, "Texas", 31.0, -100.0, "name", "region", "US", "Texas")
    assert geoparse._inside(30.27, -97.74, texas)  # Austin
    assert not geoparse._inside(50.45, 30.52, texas)
    city = P(0, 5, "Paris", 48.85, 2.35, "name", "city", "FR", "Paris")
    assert not geoparse._inside(48.85, 2.35, city)  # a city is scored by distance only

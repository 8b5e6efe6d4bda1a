"""What ``mapgen check`` says of the places the articles mention: which the map shows,
which ``places.yaml`` leaves out on purpose (``left_out:``), and which are missing.

Separate from :mod:`mapgen.quotes.mentions`, which finds the mentions in a text: this
module only compares them with a geocoded story's places, areas and route stops, and words
the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.terminal import one_line
from ..geo.countries import fold
from ..geo.gazetteer import Gazetteer, distance_km
from ..geo.regions import split_type
from ..story.model import GeocodedStory, LeftOut
from .mentions import Matcher, Mention, Target, clipped, find_mentions, read_within

__all__ = ["MentionReport", "report"]


@dataclass
class MentionReport:
    """What the articles mention, against what the map shows."""

    mentions: list[Mention]
    #: Target key -> the map feature (place, area or route stop) that shows it.
    shown: dict[str, str] = field(default_factory=dict)
    #: Target key -> the left_out entry that covers it.
    left_out: dict[str, LeftOut] = field(default_factory=dict)
    #: left_out entries that match no mention.
    unused: list[LeftOut] = field(default_factory=list)
    #: What was not read for mentions (:func:`read_within`), if anything.
    unread: str | None = None

    def missing(self) -> dict[str, list[Mention]]:
        """Target key -> its mentions, for places neither shown nor left out (in order)."""
        out: dict[str, list[Mention]] = {}
        for mention in self.mentions:
            key = mention.target.key
            if key not in self.shown and key not in self.left_out:
                out.setdefault(key, []).append(mention)
        return out

    def lines(self, *, clip: int = 200, every: bool = False) -> list[str]:
        """The report as ``mapgen check`` prints it; with ``every`` (``check --all``), then
        every mention found, in order, with what it was taken for and where the map has it:
        an audit of the reading, wrong guesses included."""
        places = dict.fromkeys(m.target.key for m in self.mentions)
        missing = self.missing()
        left = {k for k in places if k in self.left_out}
        n = len(self.mentions)
        out = [
            f"Place mentions in the articles: {n}, of {len(places)} places:"
            f" {len(places) - len(missing) - len(left)} on the map, {len(left)} left out,"
            f" {len(missing)} missing."
        ]
        if self.unread:
            out.append(self.unread[0].upper() + self.unread[1:] + ".")
        if missing:
            out.append(
                "Mentioned in the articles but not on the map (add them, or list them under"
                " left_out: in places.yaml):"
            )
            for mentions in missing.values():
                target = mentions[0].target
                guess = target.describe() + (" (ambiguous)" if target.ambiguous else "")
                count = len(mentions)
                out.append(f"  {guess}: {count} mention{'s' if count != 1 else ''}")
                for m in mentions:
                    words, sentence = one_line(m.words), one_line(clipped(m.sentence, clip))
                    out.append(f'    {one_line(m.where())}: "{words}": {sentence}')
        if every:
            out += self.audit(clip=clip)
        for entry in self.unused:
            out.append(
                f"{entry.pos}: left_out: '{one_line(entry.name)}' is not mentioned in the articles"
                " (or not recognised as a place)"
            )
        return out

    def audit(self, *, clip: int = 200) -> list[str]:
        """Every mention, in order: ``file:line:col: "words" -> place, by how; status:
        sentence``."""
        return [
            f"Every mention found ({len(self.mentions)}):",
            *(_audit_line(self, m, clip) for m in self.mentions),
        ]


def _audit_line(report: MentionReport, m: Mention, clip: int) -> str:
    key = m.target.key
    if key in report.shown:
        status = f"on the map as {one_line(report.shown[key])}"
    elif key in report.left_out:
        status = "left out"
    else:
        status = "missing"
    guess = m.target.describe() + (" (ambiguous)" if m.target.ambiguous else "")
    return (
        f'  {one_line(m.where())}: "{one_line(m.words)}" -> {one_line(guess)}, by {m.how};'
        f" {status}: {one_line(clipped(m.sentence, clip))}"
    )


def report(geo: GeocodedStory, gazetteer: Gazetteer | None = None) -> MentionReport:
    """Every place the story's articles mention, and which of them the map shows."""
    story = geo.story
    matcher = Matcher(gazetteer)
    mentions: list[Mention] = []
    read, unread = read_within([(source.file, source.text) for source in story.sources])
    for k, text in read:
        source = story.sources[k]
        mentions += find_mentions(text, source=source.id, file=source.file, matcher=matcher)
    result = MentionReport(mentions, unread=unread)
    targets = {m.target.key: m.target for m in mentions}
    shown = _shown(geo, matcher)
    for key, target in targets.items():
        feature = _shows(shown, target)
        if feature is not None:
            result.shown[key] = feature
    for entry in story.left_out:
        keys = _left_out_keys(entry, targets, matcher)
        for key in keys:
            result.left_out.setdefault(key, entry)
        if not keys:
            result.unused.append(entry)
    return result


@dataclass(frozen=True)
class _Shown:
    feature: str
    names: frozenset[str]
    country: str | None = None  # an area's country code
    lat: float | None = None
    lon: float | None = None


def _shown(geo: GeocodedStory, matcher: Matcher) -> list[_Shown]:
    story = geo.story
    out = []
    for place in story.places:
        loc = geo.places[place.id]
        names = frozenset(
            fold(n) for n in (place.name, place.query or "", place.geocode_query) if n
        )
        country = None
        if loc.precision == "country":
            hit = matcher.country_named(place.name)
            country = hit[0].country_code if hit else None
        out.append(_Shown(place.id, names, country, loc.lat, loc.lon))
    for area in story.areas:
        if area.country is None or area.kind != "country":  # a region, a file's polygons
            named = [area.name, area.region or ""]  # "Lipetsk region" shows "Lipetsk" too
            names = {fold(n) for n in named + [split_type(n)[0] for n in named] if n}
            out.append(_Shown(area.id, frozenset(names), None))
            continue
        hit = matcher.country_named(area.country) or matcher.country_named(area.name)
        code = hit[0].country_code if hit else (area.country if len(area.country) == 2 else None)
        out.append(_Shown(area.id, frozenset({fold(area.name)}), code))
    for route in story.routes:
        points = geo.routes[route.id]
        for stop, (lat, lon) in zip(route.via, points, strict=False):
            if stop.name:
                out.append(_Shown(route.id, frozenset({fold(stop.name)}), None, lat, lon))
    return out


def _shows(shown: list[_Shown], target: Target) -> str | None:
    for item in shown:
        if target.feature in ("region", "continent"):  # by name: an area or place named so
            if fold(target.name) in item.names:
                return item.feature
            continue
        if target.feature == "country":
            if item.country == target.country_code:
                return item.feature
            continue
        if item.country is not None:
            continue
        if fold(target.name) in item.names:
            return item.feature
        near = item.lat is not None and item.lon is not None
        if near and distance_km(item.lat, item.lon, target.lat, target.lon) <= 25:  # type: ignore[arg-type]
            return item.feature
    return None


def _left_out_keys(entry: LeftOut, targets: dict[str, Target], matcher: Matcher) -> list[str]:
    """The mentioned places a left_out entry names: by country, by city, or by name."""
    name = entry.name
    country = matcher.country_named(name)
    if country is not None:
        key = country[0].key
        return [key] if key in targets else []
    wanted = fold(name)
    keys = [k for k, t in targets.items() if fold(t.name) == wanted]
    if keys:
        return keys
    hit = matcher.city(name)
    if hit is not None:
        best = hit[0]
        keys = [
            k for k, t in targets.items() if t.feature == "city" and t.geonameid == best.geonameid
        ]
    return keys

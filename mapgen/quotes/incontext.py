"""An article's mentions resolved again in the light of the article's own geography.

:func:`~mapgen.quotes.mentions.find_mentions` recognises each name alone, and takes the
gazetteer's choice for it without context: ``Blagoveshchensk`` is the larger one,
``Melbourne`` the one in Australia, ``Georgia`` the country.  A reader decides with the
rest of the text: the countries it names and the places it names for sure.
:func:`in_context` does that second reading: it builds a
:class:`~mapgen.geo.context.StoryContext` from the article's other mentions (countries,
regions, and cities the gazetteer was sure of) and asks the gazetteer again for each city,
region and country-named mention, leaving out the mention's own name so that no name
votes for itself.  Recognition is not changed: only which place a mention means, and the
``why`` that says what decided it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol, TypeVar

from ..geo.context import StoryContext
from ..geo.countries import fold
from ..geo.gazetteer import Gazetteer
from ..geo.regions import split_type


class _Target(Protocol):
    """What :func:`in_context` reads of :class:`mapgen.quotes.mentions.Target` (named by
    shape, as :mod:`mapgen.quotes.mentions` calls this module)."""

    feature: str
    country_code: str
    lat: float
    lon: float
    ambiguous: bool
    region: str


class _Mention(Protocol):
    words: str
    how: str
    target: Any


class _Matcher(Protocol):
    gazetteer: Gazetteer


M = TypeVar("M", bound=_Mention)

#: How much a mention of a country weighs in the context, against a city the gazetteer
#: was sure of: a country named is the clearest sign of where a story is set.
COUNTRY_WEIGHT = 1.0
CITY_WEIGHT = 0.5
REGION_WEIGHT = 1.0


def context_of(mentions: list[M], leave_out: str = "") -> StoryContext:
    """The geography ``mentions`` name, without those whose folded words are ``leave_out``.

    Countries count for their country, regions for their region (and its country), cities
    the gazetteer chose without doubt for their position and country.
    """
    context = StoryContext()
    for m in mentions:
        if leave_out and fold(m.words) == leave_out:
            continue
        t: _Target = m.target
        if t.feature == "country":
            context.add_country(t.country_code, COUNTRY_WEIGHT)
        elif t.feature == "region" and t.region:
            context.add_region(t.region, REGION_WEIGHT)
            context.add_point(t.lat, t.lon, None, REGION_WEIGHT)
        elif t.feature == "city" and not t.ambiguous:
            context.add_point(t.lat, t.lon, t.country_code, CITY_WEIGHT)
    return context


def in_context(mentions: list[M], matcher: _Matcher, base: StoryContext | None = None) -> list[M]:
    """``mentions`` with each city, region or country-named mention resolved again with the
    context the other mentions (and ``base``, the rest of the story, if given) make.

    Demonyms and abbreviations (``Syrian``, ``US``) keep their country: they cannot name
    anything else.
    """
    decided: dict[str, Any] = {}
    out = []
    for m in mentions:
        t = m.target
        if m.how in ("demonym", "abbreviation") or t.feature not in ("city", "region", "country"):
            out.append(m)
            continue
        key = fold(m.words)
        if key not in decided:
            context = context_of(mentions, leave_out=key)
            if base is not None:
                _merge(context, base)
            decided[key] = _again(matcher, m.words, t, context)
        again = decided[key]
        out.append(replace(m, target=again) if again is not None else m)
    return out


def _merge(context: StoryContext, base: StoryContext) -> None:
    for code, w in base.countries.items():
        context.add_country(code, w)
    for code, w in base.regions.items():
        context.regions[code] = context.regions.get(code, 0.0) + w
    context.points.extend(base.points)


def _either(words: str, old: Any, best: Any) -> bool:
    """Whether the context may turn a city into a region: only for a bare name
    (``Victoria`` is Hong Kong alone, the Australian state in a story about Australia),
    never for words that say which (``Lipetsk region``).  Never back: a region recognised
    as one stays one, as a town of its name in a state the story names is no reason
    (``Oregon`` is not Oregon, Ohio, in a story about Ohio)."""
    return old.feature == "city" and best.feature == "region" and split_type(words)[1] is None


def _again(matcher: _Matcher, words: str, old: Any, context: StoryContext) -> Any:
    """The target ``words`` has in ``context`` (``old`` with the new place's fields), or
    None to keep ``old``."""
    found = matcher.gazetteer.search(words, context=None if context.empty else context)
    best = found.best
    if best is None or (best.feature != old.feature and not _either(words, old, best)):
        return None  # recognition decided what kind of place the words name (Lipetsk region)
    return replace(
        old,
        feature=best.feature,
        name=best.name,
        country_code=best.country_code,
        lat=best.lat,
        lon=best.lon,
        geonameid=best.geonameid,
        population=best.population,
        capital=best.capital,
        ambiguous=found.ambiguous,
        why=best.why,
        region=best.region,
    )

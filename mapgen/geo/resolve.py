"""Resolve one place, route stop or country hint: the cache, the gazetteer, online.

For each name the first of these that answers wins: the story's geocode cache, the
offline :class:`~mapgen.geo.gazetteer.Gazetteer`, an online geocoder (with
``online_first``, the online geocoder before the gazetteer; with ``refresh``, before the
cache too).  Every answer goes into the cache.  An online geocoder's faults are never
taken for "not found": each name it could not answer is reported with the one-line
reason, and after the first fault it is not asked again in that run.

Separate from :mod:`mapgen.geo.geocode`, which walks a whole story (its places, routes
and areas) and calls :meth:`Resolver.locate` for each name: this module is the chain for
one name, and the messages that say why a name could not be placed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..core.errors import GeocoderFault, Problem
from ..story.model import PRECISIONS, Location, Pos
from .cache import GeocodeCache
from .cachefile import DECIMALS
from .countries import resolve_country
from .online import nominatim_options, precision_of

if TYPE_CHECKING:
    from geopy.geocoders.base import Geocoder
    from geopy.location import Location as GeopyLocation

    from .context import StoryContext
    from .gazetteer import AmbiguousPlace, Gazetteer
    from .ratelimit import PoliteGeocoder

# The gazetteer and geopy are imported when a place is not in the cache (a tenth of a
# second): a story whose places all are is geocoded without them.


def geocoder_name(geocoder: Any) -> str:
    """How a geocoder is named in the cache: its ``name`` attribute or its class name."""
    name = getattr(geocoder, "name", None)  # PoliteGeocoder, LazyGeocoder, Gazetteer
    name = name if isinstance(name, str) else getattr(type(geocoder), "name", None)
    return name if isinstance(name, str) and name else type(geocoder).__name__.lower()


class Resolver:
    """Cache, the gazetteer and the online geocoder, for one story; collects the problems."""

    def __init__(
        self,
        cache: GeocodeCache,
        gazetteer: Gazetteer | Callable[[], Gazetteer] | None,
        online: Geocoder | PoliteGeocoder | None,
        today: dt.date,
        *,
        online_first: bool = False,
        refresh: bool = False,
        save: bool = True,
        context: Callable[[Gazetteer], StoryContext | None] | None = None,
    ):
        """``context``: a function that gives the story's geography from the gazetteer,
        called once, when the gazetteer is first asked (a story whose places are all in the
        cache never makes it); the gazetteer ranks candidates with it."""
        self.cache = cache
        self._context_of = context
        self._context: StoryContext | None = None
        self._context_made = False
        self._gazetteer = gazetteer
        self.online = online
        self.online_first = online_first and online is not None
        self.refresh = refresh
        self.save = save
        self.today = today
        self.problems: list[Problem] = []
        #: The online geocoder's first fault in this run; it is not asked again after it.
        self.fault: GeocoderFault | None = None
        #: Where each answer came from: "cache", "gazetteer", the online geocoder's name.
        self.tally: dict[str, int] = {}
        #: Faults that other answers made up for (the map is still built).
        self.warnings: list[Problem] = []
        self._warned = False
        #: Offline, each (query, hints) is looked up once per run: a big story names the
        #: same towns thousands of times.  The answer, or the problem (its position aside).
        self._seen: dict[
            tuple[str, str | None, str | None, bool], tuple[Location | None, Problem | None]
        ] = {}

    @property
    def gazetteer(self) -> Gazetteer:
        """The offline gazetteer, made (or asked of the function given) when first needed."""
        given = self._gazetteer
        if given is None:
            # the gazetteer imports geopy: only once a place is not in the cache
            from .gazetteer import Gazetteer

            given = Gazetteer()
        elif callable(given):  # a Gazetteer is not: a function that gives one
            given = given()
        self._gazetteer = given
        return given

    @property
    def context(self) -> StoryContext | None:
        """The story's geography (see ``context`` in :meth:`__init__`), made on first use."""
        if not self._context_made:
            self._context_made = True
            if self._context_of is not None:
                self._context = self._context_of(self.gazetteer)
        return self._context

    def _count(self, how: str) -> None:
        self.tally[how] = self.tally.get(how, 0) + 1

    def locate(
        self,
        query: str,
        country: str | None,
        feature: str | None,
        pos: Pos,
        *,
        inline: bool,
    ) -> Location | None:
        """The position of ``query`` (narrowed by the hints), or None and a problem."""
        if self.online is not None:
            return self._locate(query, country, feature, pos, inline=inline)
        key = (query, country, feature, inline)
        seen = self._seen.get(key)
        if seen is not None:
            found, problem = seen
            if found is not None:
                self._count("cache")  # in the cache now, if it was not before
            elif problem is not None:
                self.problems.append(replace(problem, pos=pos))
            return found
        before = len(self.problems)
        found = self._locate(query, country, feature, pos, inline=inline)
        if found is not None or len(self.problems) == before + 1:
            self._seen[key] = (found, None if found is not None else self.problems[-1])
        return found

    def _locate(
        self,
        query: str,
        country: str | None,
        feature: str | None,
        pos: Pos,
        *,
        inline: bool,
    ) -> Location | None:
        hint = country.strip() if country and country.strip() else None
        if hint is not None and resolve_country(hint) is None:
            self.problems.append(Problem(unknown_country(self.gazetteer, hint), pos))
            return None
        cached = self.cache.get(query, hint, feature)
        if cached is not None and not self.refresh:
            self._count("cache")
            return cached
        # geopy (and the gazetteer, built on it) only once a place is not in the cache
        from geopy.exc import GeocoderQueryError
        from geopy.location import Location as GeopyLocation

        from .gazetteer import AmbiguousPlace

        fault: Problem | None = None
        if self.online_first:
            answer, fault = self._ask_online(query, hint, feature, pos)
            if answer is not None:
                return answer
        try:
            found = self.gazetteer.geocode(
                query, exactly_one=True, country=hint, feature=feature, context=self.context
            )
        except AmbiguousPlace as exc:
            self.problems.append(_ambiguous(exc, hint, inline, pos))
            return None
        except GeocoderQueryError as exc:
            self.problems.append(Problem(f"cannot geocode {query!r}: {exc}", pos))
            return None
        if isinstance(found, GeopyLocation):
            self._warn(fault, "used the offline gazetteer's answer")
            return self._keep(query, hint, feature, _location(found, self.gazetteer, query))
        if self.online is not None and not self.online_first:
            answer, fault = self._ask_online(query, hint, feature, pos)
            if answer is not None:
                return answer
        if cached is not None:
            self._warn(fault, "kept the cached answer")
            self._count("cache")
            return cached
        if fault is not None:
            self.problems.append(fault)
            return None
        self.problems.append(Problem(self._not_found(query, hint, feature, inline), pos))
        return None

    def _warn(self, fault: Problem | None, instead: str) -> None:
        """A fault that another answer made up for: a warning, once per run."""
        if fault is not None and self.fault is not None and not self._warned:
            self._warned = True
            self.warnings.append(Problem(f"{fault.message}; {instead}", fault.pos))

    def _keep(self, query: str, hint: str | None, feature: str | None, loc: Location) -> Location:
        self.cache.put(query, hint, loc, self.today, feature=feature)
        self._count(loc.geocoder)
        return loc

    def _ask_online(
        self, query: str, hint: str | None, feature: str | None, pos: Pos
    ) -> tuple[Location | None, Problem | None]:
        """The online geocoder's answer (saved at once), or None and, if it failed or was
        not asked after an earlier fault, the problem to report if nothing else answers."""
        from geopy.exc import GeocoderQueryError  # geopy only when a geocoder is asked

        assert self.online is not None
        name = geocoder_name(self.online)
        if self.fault is not None:
            message = f"{query!r} was not looked up: {self.fault}"
            return None, Problem(message, pos)
        try:
            answer = _ask(self.online, query, hint, feature)
        except GeocoderFault as exc:
            self.fault = exc
            return None, Problem(f"cannot look up {query!r}: {exc}", pos)
        except GeocoderQueryError as exc:
            return None, Problem(f"cannot look up {query!r} with {name}: {exc}", pos)
        if answer is None:
            return None, None
        location = self._keep(query, hint, feature, _location(answer, self.online, query))
        if self.save:
            self.cache.save()  # each online answer is kept at once: Ctrl-C loses nothing
        return location, None

    def _not_found(self, query: str, hint: str | None, feature: str | None, inline: bool) -> str:
        where = "the offline gazetteer"
        if self.online is not None:
            where += " or " + geocoder_name(self.online)
        asked = f"{query!r} (country {hint})" if hint else repr(query)
        weak = self.gazetteer.search(query, country=hint, feature=feature).weak
        if weak:
            only = weak[0]
            return (
                f"cannot find {asked} in {where}: the only match is a weak alternate name (a"
                f" romanisation or a code) of {replace(only, match='name').describe()}, not"
                " enough to place it there;"
                f" if you mean {only.name}, write `{'name' if inline else 'query'}: {only.name}`,"
                " otherwise add `coords: [lat, lon]`"
            )
        near = self.gazetteer.closest(query, 5, country=hint) if hint else []
        near = near or self.gazetteer.closest(query, 5)
        fixes = ["`coords: [lat, lon]`"]
        if hint is None:
            fixes.append("a `country:` hint")
        if not inline:
            fixes.append("a `query:`")
        add = fixes[0] if len(fixes) == 1 else ", ".join(fixes[:-1]) + ", or " + fixes[-1]
        closest = f"; closest: {', '.join(map(str, near))}" if near else ""
        return f"cannot find {asked} in {where}{closest}; add {add}"


def _ambiguous(exc: AmbiguousPlace, hint: str | None, inline: bool, pos: Pos) -> Problem:
    """The ambiguity error: the candidates, one per line, each with its hint."""
    shown = list(zip(exc.candidates, exc.hints, strict=True))[:6]
    more = len(exc.candidates) - len(shown)
    asked = f"{exc.query!r} (country {hint})" if hint else repr(exc.query)
    message = (
        f"{asked} is ambiguous: the gazetteer knows {len(exc.candidates)} places of similar"
        " size by that name; say which with the hint after its name"
    )
    details = []
    for candidate, pick in shown:
        if inline and pick.startswith("query: "):
            pick = "name: " + pick[len("query: ") :]
        details.append(f"{candidate.describe()}: {pick}")
    if more:
        details.append(f"... and {more} more")
    return Problem(message, pos, details=tuple(details))


def _ask(
    geocoder: Any, query: str, country: str | None, feature: str | None
) -> GeopyLocation | None:
    """An online geocoder's single best answer.

    Nominatim takes the hints as its own ``country_codes`` and ``featuretype`` filters.
    geopy's other geocoders each spell a country filter differently (Google ``region``,
    ...), so for them the country's name is added to the query text, which they all
    understand.
    """
    from geopy.geocoders.base import Geocoder  # geopy only when a geocoder is asked

    resolved = resolve_country(country) if country else None
    if geocoder_name(geocoder) == "nominatim":
        options = nominatim_options(resolved[0] if resolved else None, feature)
        answer = geocoder.geocode(query, **options)
    else:
        if country:
            query = f"{query}, {resolved[1] if resolved else country}"
        # A plain geopy Geocoder is asked for one answer; the wrappers always give one.
        extra = {"exactly_one": True} if isinstance(geocoder, Geocoder) else {}
        answer = geocoder.geocode(query, **extra)
    if isinstance(answer, list):
        answer = answer[0] if answer else None
    return answer


def _location(answer: GeopyLocation, geocoder: Any, query: str) -> Location:
    raw = answer.raw if isinstance(answer.raw, dict) else {}
    precision = raw.get("precision")
    if precision not in PRECISIONS:
        precision = precision_of(answer) if raw else "approximate"
    return Location(
        lat=round(float(answer.latitude), DECIMALS),
        lon=round(float(answer.longitude), DECIMALS),
        precision=precision,
        geocoder=geocoder_name(geocoder),
        query=query,
        address=answer.address or None,
        why=raw.get("why") or None,  # the offline gazetteer's: what decided it
        doubt=raw.get("doubt") or None,
    )


def unknown_country(gazetteer: Gazetteer, text: str) -> str:
    near = gazetteer.closest(text, 3, feature="country")
    closest = f"; closest: {', '.join(c.name + ' (' + c.country_code + ')' for c in near)}"
    return (
        f"unknown country {text!r}; write an ISO code such as KP or a name such as"
        f" North Korea{closest if near else ''}"
    )

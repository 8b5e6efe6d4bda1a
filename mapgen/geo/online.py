"""Online geocoders, through geopy, only when asked.

A story asks for one with a ``geocoder:`` setting in ``places.yaml``, a user with
``--geocoder NAME`` (or ``mapgen geocode --online NAME``).  Any geopy service name works
(``nominatim``, ``photon``, ``arcgis``, ``opencage`` ...): :func:`make_geocoder` finds the
class with ``geopy.geocoders.get_geocoder_for_service``, passes the setting's options, reads
an API key from the environment variable the setting names (a key is never written in
``places.yaml``), and wraps the result in a :class:`~mapgen.geo.ratelimit.PoliteGeocoder`.

Nominatim gets what its usage policy asks: a user agent naming mapgen and the user's contact
(``contact:`` in the setting, or ``$MAPGEN_CONTACT``), and at most one request per second.
"""

from __future__ import annotations

import functools
import importlib.metadata
import inspect
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.errors import GeocoderNotConfigured
from ..story.geocoder import (
    CONTACT_ENV,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    NOMINATIM_MIN_DELAY,
    GeocoderSetting,
    check_endpoint,
    check_key_env,
    check_options,
    check_service,
    story_server,
)

if TYPE_CHECKING:
    from geopy.location import Location as GeopyLocation

    from .ratelimit import PoliteGeocoder

# geopy is imported where a service is named or asked (a tenth of a second, with its HTTP
# libraries): a story geocoded from its cache and the gazetteer never needs it.


def user_agent(contact: str | None) -> str:
    """``mapgen/0.1.0 (contact: you@example.org)``."""
    try:
        version = importlib.metadata.version("mapgen")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - not installed
        version = "dev"
    return f"mapgen/{version} (contact: {contact})" if contact else f"mapgen/{version}"


def make_geocoder(
    setting: GeocoderSetting,
    *,
    environ: Mapping[str, str] | None = None,
    backoff: float = 2.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> PoliteGeocoder:
    """The geopy geocoder ``setting`` names, configured and wrapped.

    Its HTTP goes through :class:`~mapgen.geo.adapter.GuardedAdapter` (a deadline per request,
    a size cap, redirects only on the same host, each spaced like any request); ``clock``
    and ``sleep`` are the time it reads and waits with (seams for tests).

    :raises GeocoderNotConfigured: unknown service, a secret among the options, a missing
        environment variable or contact, or options the geopy class refuses.
    """
    # geopy, and the adapter and rate limiter built on it, only when a geocoder is made
    from geopy.exc import ConfigurationError, GeocoderNotFound
    from geopy.geocoders import get_geocoder_for_service

    from .adapter import GuardedAdapter
    from .ratelimit import PoliteGeocoder

    env = os.environ if environ is None else environ
    name = setting.name.lower()
    problem = (
        check_service(name) or check_options(setting.options) or check_endpoint(setting.options)
    )
    if problem:
        raise GeocoderNotConfigured(problem, geocoder=name)
    try:
        cls = get_geocoder_for_service(name)
    except GeocoderNotFound as exc:  # pragma: no cover - check_service said it exists
        raise GeocoderNotConfigured(str(exc), geocoder=name) from None
    params = inspect.signature(cls.__init__).parameters
    kwargs: dict[str, Any] = dict(setting.options)
    server = story_server(setting.options)
    if setting.api_key_env:
        problem = check_key_env(name, setting.api_key_env)
        if problem is None and server is not None:
            problem = (
                f"a key from the environment ({setting.api_key_env}) is sent only to the"
                f" service's own address, not to {server}, a server places.yaml names"
            )
        if problem:
            raise GeocoderNotConfigured(problem, geocoder=name)
        key = env.get(setting.api_key_env)
        if not key:
            raise GeocoderNotConfigured(
                f"the environment variable {setting.api_key_env} (api_key_env) is not set",
                geocoder=name,
            )
        kwargs[setting.api_key_option] = key
    # The machine's contact goes to the service's own address only (see story_server).
    contact = setting.contact or (env.get(CONTACT_ENV) if server is None else None) or None
    if name == "nominatim" and not contact and "user_agent" not in kwargs:
        where = (
            f", or ${CONTACT_ENV}"
            if server is None
            else f" (${CONTACT_ENV} is not sent to {server})"
        )
        raise GeocoderNotConfigured(
            "Nominatim's usage policy asks who is calling: set `contact:` (an e-mail or web"
            f" address) under `geocoder:` in places.yaml{where}",
            geocoder=name,
        )
    if "user_agent" in params:
        kwargs.setdefault("user_agent", user_agent(contact))
    timeout = setting.timeout if setting.timeout is not None else DEFAULT_TIMEOUT
    if "timeout" in params:
        kwargs.setdefault("timeout", timeout)
    if "adapter_factory" in params:
        kwargs["adapter_factory"] = functools.partial(GuardedAdapter, clock=clock)
    try:
        geocoder = cls(**kwargs)
    except (TypeError, ValueError, ConfigurationError) as exc:
        raise GeocoderNotConfigured(f"cannot be set up: {exc}", geocoder=name) from None
    min_delay = setting.min_delay or 0.0
    if name == "nominatim":
        min_delay = max(min_delay, NOMINATIM_MIN_DELAY)
    retries = setting.retries if setting.retries is not None else DEFAULT_RETRIES
    return PoliteGeocoder(
        geocoder,
        name=name,
        min_delay=min_delay,
        retries=retries,
        backoff=backoff,
        timeout=timeout,
        clock=clock,
        sleep=sleep,
    )


# --------------------------------------------------------------------------- answers


def precision_of(answer: GeopyLocation) -> str:
    """How precise an online answer is: country, region, city, approximate or point.

    Nominatim says it with ``place_rank`` (4 country, 8 state, 12 county, 16 city, 20
    suburb, 30 a building); other services are judged by their bounding box, if any.
    """
    raw = answer.raw if isinstance(answer.raw, dict) else {}
    rank = raw.get("place_rank")
    try:
        rank = int(rank)
    except (TypeError, ValueError):
        rank = None
    if rank is not None:
        if rank <= 4:
            return "country"
        if rank <= 12:
            return "region"
        if rank <= 20:
            return "city"
        if rank <= 25:
            return "approximate"
        return "point"
    box = raw.get("boundingbox") or raw.get("bbox")
    try:
        south, north, west, east = (float(v) for v in box)  # Nominatim's order
    except (TypeError, ValueError, OverflowError):
        return "approximate"
    if not all(math.isfinite(v) for v in (south, north, west, east)):
        return "approximate"  # a box of "inf" or "nan" says nothing (and math.cos refuses inf)
    size = max(abs(north - south), abs(east - west) * math.cos(math.radians((north + south) / 2)))
    km = size * 111.0
    if km > 500:
        return "country"
    if km > 60:
        return "region"
    if km > 2:
        return "city"
    return "point"


def nominatim_options(country: str | None, feature: str | None) -> dict[str, Any]:
    """Nominatim's own filters for the hints: ``country_codes`` and ``featuretype``."""
    options: dict[str, Any] = {}
    if country:
        options["country_codes"] = country.lower()
    if feature in ("city", "capital"):
        options["featuretype"] = "city"
    elif feature == "country":
        options["featuretype"] = "country"
    return options


# --------------------------------------------------------------------------- when asked


class LazyGeocoder:
    """The online geocoder of a setting, set up on the first lookup that needs it.

    A story whose places are all in its cache or in the gazetteer builds without it, even
    where its API key variable or contact is not set; a setting that cannot be used is a
    :class:`~mapgen.core.errors.GeocoderNotConfigured` fault for the first place that needs it.
    """

    def __init__(self, setting: GeocoderSetting, **make_options: Any):
        self.setting = setting
        self.name = setting.name.lower()
        self._make_options = make_options
        self._polite: PoliteGeocoder | None = None

    @property
    def requests(self) -> int:
        return self._polite.requests if self._polite is not None else 0

    def geocode(self, query: str, **options: Any) -> GeopyLocation | None:
        if self._polite is None:
            self._polite = make_geocoder(self.setting, **self._make_options)
        return self._polite.geocode(query, **options)


@dataclass
class Request:
    """What a build asked of geocoding (:meth:`mapgen.pipeline.options.BuildOptions.request`):
    which online geocoder (``--geocoder``), none at all (``--offline``), or online first
    (``mapgen geocode --online``); and what came of it, for the caller to report.  It is
    passed down explicitly (:func:`~mapgen.geo.geocode.geocode_story`'s ``request``)."""

    name: str | GeocoderSetting | None = None
    offline: bool = False
    first: bool = False
    refresh: bool = False
    #: Faults that other answers made up for (the map was still built).
    warnings: list[Any] = field(default_factory=list)
    #: How many answers came from where.
    tally: dict[str, int] = field(default_factory=dict)
    #: The online geocoder used, once set up (for its request count).
    geocoder: LazyGeocoder | None = None


def may_go_online(setting: GeocoderSetting | None, request: Request | None) -> bool:
    """Whether geocoding would have an online geocoder to ask (:func:`online_geocoder`):
    if not, it is offline, and gives the same answers wherever it runs on the same cache."""
    if request is not None and request.offline:
        return False
    return setting is not None or (request is not None and bool(request.name))


def online_geocoder(
    setting: GeocoderSetting | None, request: Request | None
) -> LazyGeocoder | None:
    """The online geocoder to use: none when offline; else ``--geocoder NAME`` (keeping
    the story's options when it names the same service, and its contact in any case), or
    a whole :class:`GeocoderSetting` a library caller gave, else the story's ``geocoder:``
    setting, else none."""
    if not may_go_online(setting, request):
        return None
    asked = request.name if request is not None else None
    if isinstance(asked, GeocoderSetting):
        setting = asked
    name = asked.lower() if isinstance(asked, str) and asked else None
    if name is not None and (setting is None or setting.name.lower() != name):
        contact = setting.contact if setting is not None else None
        setting = GeocoderSetting(name=name, contact=contact)
    if setting is None:
        return None
    geocoder = LazyGeocoder(setting)
    if request is not None:
        request.geocoder = geocoder
    return geocoder

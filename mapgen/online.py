"""Online geocoders, through geopy, only when asked.

A story asks for one with a ``geocoder:`` setting in ``places.yaml``, a user with
``--geocoder NAME`` (or ``mapgen geocode --online NAME``).  Any geopy service name works
(``nominatim``, ``photon``, ``arcgis``, ``opencage`` ...): :func:`make_geocoder` finds the
class with ``geopy.geocoders.get_geocoder_for_service``, passes the setting's options, reads
an API key from the environment variable the setting names (a key is never written in
``places.yaml``), and wraps the result in a :class:`~mapgen.ratelimit.PoliteGeocoder`.

Nominatim gets what its usage policy asks: a user agent naming mapgen and the user's contact
(``contact:`` in the setting, or ``$MAPGEN_CONTACT``), and at most one request per second.
"""

from __future__ import annotations

import difflib
import functools
import importlib.metadata
import inspect
import ipaddress
import math
import os
import re
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import GeocoderNotConfigured

if TYPE_CHECKING:
    from geopy.location import Location as GeopyLocation

    from .ratelimit import PoliteGeocoder

# geopy is imported where a service is named or asked (a tenth of a second, with its HTTP
# libraries): a story geocoded from its cache and the gazetteer never needs it.

#: Seconds between two requests to Nominatim, and the least a setting may ask for.
NOMINATIM_MIN_DELAY = 1.0
DEFAULT_TIMEOUT = 10.0
DEFAULT_RETRIES = 3
#: Options that hold secrets: refused in ``places.yaml`` (use ``api_key_env``).
SECRET_OPTIONS = frozenset(
    {
        "api_key",
        "apikey",
        "key",
        "password",
        "secret",
        "client_secret",
        "token",
        "access_token",
        "auth_token",
        "app_key",
        "private_key",
    }
)
#: Options that hand a story this machine's connections: refused in ``places.yaml``.
TRANSPORT_OPTIONS = frozenset({"proxies", "adapter_factory", "ssl_context"})
#: The environment variable holding the contact for the user agent, when the setting has none.
CONTACT_ENV = "MAPGEN_CONTACT"


@dataclass(frozen=True)
class GeocoderSetting:
    """Which online geocoder to use and how: the ``geocoder:`` of ``places.yaml``."""

    name: str
    contact: str | None = None
    api_key_env: str | None = None
    api_key_option: str = "api_key"
    min_delay: float | None = None
    timeout: float | None = None
    retries: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


def service_names() -> list[str]:
    """Every service name geopy knows."""
    from geopy.geocoders import SERVICE_TO_GEOCODER  # geopy only when a geocoder is named

    return sorted(SERVICE_TO_GEOCODER)


def check_service(name: str) -> str | None:
    """Why ``name`` is not a geopy service (with a did-you-mean), or None if it is."""
    from geopy.geocoders import SERVICE_TO_GEOCODER  # geopy only when a geocoder is named

    if name.lower() in SERVICE_TO_GEOCODER:
        return None
    close = difflib.get_close_matches(name.lower(), service_names(), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown geocoder {name!r}{hint} (geopy knows {', '.join(service_names())})"


def check_options(options: Mapping[str, Any]) -> str | None:
    """Why ``options`` must not be written in ``places.yaml``, or None."""
    secret = sorted(k for k in options if str(k).lower() in SECRET_OPTIONS)
    if secret:
        return (
            f"`{secret[0]}` is a secret: never write it in places.yaml; put it in an"
            " environment variable and name that variable with `api_key_env:`"
        )
    transport = sorted(k for k in options if str(k).lower() in TRANSPORT_OPTIONS)
    if transport:
        return (
            f"`{transport[0]}` decides how this machine connects: places.yaml may not set it"
            " (a proxy comes from the environment, HTTPS_PROXY)"
        )
    return None


def check_key_env(service: str, variable: str) -> str | None:
    """Why ``places.yaml`` may not name ``variable`` as ``service``'s key, or None.

    A story may come from a stranger.  Were any variable allowed, ``api_key_env:
    AWS_SECRET_ACCESS_KEY`` would send that secret to the geocoder as its key: only a
    variable named for mapgen (``MAPGEN_...``) or for the service (``OPENCAGE_...``) is
    read, so a key reaches only the service it was set for.
    """
    prefix = re.sub(r"[^A-Z0-9]", "_", service.upper()) + "_"
    if variable.upper().startswith(("MAPGEN_", prefix)):
        return None
    return (
        f"api_key_env must name a variable meant for this key, MAPGEN_... or {prefix}..."
        f" (such as {prefix}API_KEY), not {variable}"
    )


#: What ``domain:`` may be: a host name or address, and a port; nothing a URL parser would
#: read as a user (``127.0.0.1:80@elsewhere``), a path, a query or a fragment.
_DOMAIN = re.compile(
    r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]{1,5})?\Z"
)


def _host(domain: str) -> str:
    """The host of a ``domain:`` that :func:`check_endpoint` accepted."""
    host = urllib.parse.urlsplit("//" + domain.strip()).hostname
    return host or ""


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(options: Mapping[str, Any]) -> str | None:
    """Why ``options`` may not say where requests go, or None.

    ``domain:`` may name a server (a self-hosted Nominatim), as a host and a port only:
    ``127.0.0.1:80@elsewhere`` is a request to *elsewhere* for a URL parser.  ``scheme:
    http`` is for this machine only: elsewhere queries, contact and key would travel in
    clear text.  Other options naming hosts or URLs (ArcGIS's ``auth_domain``...) are
    refused: only ``domain`` is checked, so only ``domain`` may be set.
    """
    for key in options:
        low = str(key).lower()
        if low != "domain" and ("domain" in low or "url" in low or low in {"host", "endpoint"}):
            return f"`{key}` names where requests go: places.yaml may set only `domain`"
    domain = options.get("domain")
    if domain is not None and (not isinstance(domain, str) or not _DOMAIN.match(domain.strip())):
        return (
            f"domain {str(domain)[:80]!r} must be a host name or address, with a port if need"
            " be (maps.example.org, 127.0.0.1:8080): no user, path or query"
        )
    scheme = options.get("scheme")
    if scheme is not None and str(scheme).lower() != "https":
        local = isinstance(domain, str) and _is_loopback(_host(domain))
        if str(scheme).lower() != "http" or not local:
            return (
                f"scheme {str(scheme)[:20]!r}: only https, or http to this machine"
                " (domain: 127.0.0.1 or localhost)"
            )
    return None


def story_server(options: Mapping[str, Any]) -> str | None:
    """The host ``options`` send requests to when it is another machine; else None.

    A story that names its own server (``domain:``) still gets answers, but not the
    secrets of the machine that builds it: neither the API key nor ``$MAPGEN_CONTACT`` is
    sent there.  This machine's loopback (a local Nominatim) is no stranger's server.
    Call it on options :func:`check_endpoint` accepted.
    """
    domain = options.get("domain")
    if not isinstance(domain, str) or not domain.strip():
        return None
    return None if _is_loopback(_host(domain)) else domain.strip()


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

    Its HTTP goes through :class:`~mapgen.adapter.GuardedAdapter` (a deadline per request,
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
    :class:`~mapgen.errors.GeocoderNotConfigured` fault for the first place that needs it.
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
    """What a build asked of geocoding (:meth:`mapgen.options.BuildOptions.request`):
    which online geocoder (``--geocoder``), none at all (``--offline``), or online first
    (``mapgen geocode --online``); and what came of it, for the caller to report.  It is
    passed down explicitly (:func:`~mapgen.geocode.geocode_story`'s ``request``)."""

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

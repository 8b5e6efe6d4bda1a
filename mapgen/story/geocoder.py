"""The ``geocoder:`` section of places.yaml: which online geocoder a story names, and what
a story may and may not ask of it (checked when the story is read, before any request).

The services themselves are :mod:`mapgen.geo.online`'s; this is only the setting, so that
reading a story needs no geocoder.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# geopy is imported where a service is named (a tenth of a second, with its HTTP
# libraries): a story that names no geocoder never needs it.

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

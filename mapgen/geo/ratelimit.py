"""A geopy geocoder made polite and honest: spaced requests, retries, typed faults.

:class:`PoliteGeocoder` wraps any geopy geocoder the way geopy's own
``geopy.extra.rate_limiter.RateLimiter`` wraps a function, and uses that RateLimiter for the
spacing, but changes what its defaults get wrong for mapgen:

* RateLimiter swallows errors and returns None, so a failure looks like "not found".  Here
  every failure ends in a :class:`~mapgen.core.errors.GeocoderFault` subclass, and None means
  the service answered that it knows no such place.
* RateLimiter never reads ``Retry-After``.  Here a 429 waits what the server asks (up to
  ``max_retry_after``; asking for longer is a fault at once), other transient faults
  (timeouts, 5xx) back off exponentially, an unreachable service is tried twice at most
  (a second "connection refused" means offline, not a blip), and refusals (400, 401, 402,
  403) and malformed answers are not retried at all.
* RateLimiter spaces the *starts* of calls; a request that took long to connect could then
  reach the server less than ``min_delay`` before the next.  Here the next request also
  waits ``min_delay`` after the previous *answer*, so no two requests ever reach the server
  closer than that.
* geopy's requests adapter retries failed connections by itself and follows redirects,
  unseen; the geocoders mapgen builds use :class:`~mapgen.geo.adapter.GuardedAdapter`, which
  does neither and lets this class space and count every request it sends, redirects
  included, so :attr:`PoliteGeocoder.requests` counts every request that was really sent.
* geopy makes a position of whatever the service sent: a missing latitude or longitude
  becomes 0, a longitude of 200 becomes -160.  An answer without a position that is really
  in it is a :class:`~mapgen.core.errors.GeocoderBadAnswer` here, never a place in the Gulf of
  Guinea (:func:`position_problem`).
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from geopy.exc import (
    GeocoderAuthenticationFailure,
    GeocoderInsufficientPrivileges,
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderQuotaExceeded,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from ..core.errors import (
    GeocoderBadAnswer,
    GeocoderFault,
    GeocoderOffline,
    GeocoderRateLimit,
    GeocoderRefused,
    GeocoderServerError,
    GeocoderTimeout,
)
from .adapter import GuardedAdapter


def _status(exc: BaseException) -> int | None:
    """The HTTP status behind a geopy error (geopy chains the adapter's error)."""
    cause = exc.__cause__
    status = getattr(cause, "status_code", None)
    return status if isinstance(status, int) else None


def _offline_reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if "certificate" in text:
        return "its TLS certificate was refused"
    if any(s in text for s in ("name or service", "getaddrinfo", "nameresolution", "resolve")):
        return "host name not found"
    return "network unreachable"


#: Keys under which geopy's geocoders find a position in an answer (Nominatim ``lat``/``lon``,
#: Photon and Pelias ``geometry.coordinates``, ArcGIS ``location.x/y``, Google
#: ``geometry.location``, HERE ``DisplayPosition``, Yandex ``Point.pos``, ...), lowercased.
_POSITION_KEYS = frozenset(
    {
        "lat",
        "lng",
        "lon",
        "long",
        "latitude",
        "longitude",
        "x",
        "y",
        "coordinates",
        "pos",
        "position",
        "point",
        "location",
        "geometry",
        "latlng",
        "displayposition",
        "center",
    }
)


def _numbers(value: Any) -> list[float]:
    """The numbers a leaf of an answer holds: a number, or a string of one to three."""
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        try:
            return [float(value)]
        except OverflowError:
            return []
    if isinstance(value, str) and len(value) <= 100:
        try:
            return [float(v) for v in value.replace(",", " ").split()[:3]]
        except ValueError:
            return []
    return []


def _stated(raw: Any) -> list[float] | None:
    """The numbers an answer states under position keys, or None if it has no such key."""
    found: list[float] = []
    keyed = False
    stack: list[tuple[Any, bool]] = [(raw, False)]
    while stack:
        node, inside = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                is_position = str(key).lower() in _POSITION_KEYS
                keyed = keyed or is_position
                stack.append((value, inside or is_position))
        elif isinstance(node, list):
            stack.extend((value, inside) for value in node)
        elif inside:
            found.extend(_numbers(node))
    return found if keyed else None


def position_problem(answer: Any) -> str | None:
    """Why a geopy answer is not a position, or None if it is one.

    geopy turns a missing or null latitude or longitude into 0 and wraps a longitude out of
    range (200 becomes -160), so the answer's own numbers are checked: the position must be
    finite, in range, not (0, 0) (what a missing position becomes, and no place a story is
    about), and where the answer has position keys, stated there.
    """
    try:
        lat, lon = float(answer.latitude), float(answer.longitude)
    except (AttributeError, TypeError, ValueError, IndexError):
        return "no coordinates"
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return "coordinates that are not numbers"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"coordinates {lat:g}, {lon:g} out of range"
    if lat == 0 and lon == 0:
        return "no coordinates"
    stated = _stated(getattr(answer, "raw", None))
    if stated is not None:
        for value in (lat, lon):
            if not any(math.isclose(value, s, rel_tol=1e-9, abs_tol=1e-9) for s in stated):
                return "no coordinates, or out of range"
    return None


class Pacer:
    """Spaces the requests to one service and counts them.

    Each request waits until ``min_delay`` has passed since the previous one's answer (not
    its start: a slow answer must not let the next request follow it closely).  Used around
    every request sent, redirects included, by :class:`~mapgen.geo.adapter.GuardedAdapter`.
    """

    def __init__(
        self,
        min_delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.min_delay = min_delay
        self._clock = clock
        self._sleep = sleep
        #: Requests sent.
        self.requests = 0
        self._last_answer: float | None = None

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        if self._last_answer is not None:
            wait = self._last_answer + self.min_delay - self._clock()
            if wait > 0:
                self._sleep(wait)
        self.requests += 1
        try:
            yield
        finally:
            self._last_answer = self._clock()


class _RateLimiter(RateLimiter):
    """geopy's RateLimiter on mapgen's clock and sleep (geopy's reads the real time)."""

    def __init__(
        self, func: Any, *, clock: Callable[[], float], sleep: Callable[[float], None], **kw: Any
    ):
        self._mapgen_clock = clock
        self._mapgen_sleep = sleep
        super().__init__(func, **kw)

    def _clock(self) -> float:
        return self._mapgen_clock()

    def _sleep(self, seconds: float) -> None:
        self._mapgen_sleep(seconds)


class PoliteGeocoder:
    """Ask ``geocoder`` one query at a time, spaced, retried, never silently failing.

    :param name: the service's name, for the cache and for messages.
    :param min_delay: seconds between requests (Nominatim's policy: at least 1).
    :param retries: further tries after a transient fault (timeout, 5xx, 429, unreachable).
    :param backoff: the first wait before a retry, doubled at each retry (capped at
        ``max_backoff``); a 429's ``Retry-After`` wins when longer.
    :param max_retry_after: a server asking to wait longer than this is a fault at once.
    """

    def __init__(
        self,
        geocoder: Geocoder,
        *,
        name: str,
        min_delay: float = 0.0,
        retries: int = 3,
        backoff: float = 2.0,
        max_backoff: float = 30.0,
        max_retry_after: float = 60.0,
        timeout: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        if retries < 0 or min_delay < 0:
            raise ValueError("retries and min_delay must not be negative")
        self.geocoder = geocoder
        self.name = name
        self.min_delay = float(min_delay)
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.timeout = timeout
        self._sleep = sleep
        self._clock = clock
        self._pacer = Pacer(self.min_delay, clock=clock, sleep=sleep)
        # A guarded adapter paces each request it sends, redirects included; any other
        # geocoder is paced here, a query at a time.
        adapter = getattr(geocoder, "adapter", None)
        self._adapter_paces = isinstance(adapter, GuardedAdapter)
        if isinstance(adapter, GuardedAdapter):
            adapter.pace = self._pacer.request
        self._lock = threading.Lock()
        # geopy's RateLimiter spaces the calls; no retries and no swallowing there.
        self._limited = _RateLimiter(
            self._send,
            clock=clock,
            sleep=sleep,
            min_delay_seconds=self.min_delay,
            max_retries=0,
            # geopy asserts that its error wait is at least the delay (default 5 s).
            error_wait_seconds=max(5.0, self.min_delay),
            swallow_exceptions=False,
        )

    @property
    def requests(self) -> int:
        """Requests sent to the service (every try of every query, and every redirect)."""
        return self._pacer.requests

    def _send(self, query: str, options: dict[str, Any]) -> Any:
        with self._lock, warnings.catch_warnings():
            # geopy warns (on stderr, in lines of its own) before refusing a latitude out
            # of range; the refusal is the fault reported.
            warnings.simplefilter("ignore", UserWarning)
            if self._adapter_paces:
                return self.geocoder.geocode(query, exactly_one=True, **options)
            with self._pacer.request():
                return self.geocoder.geocode(query, exactly_one=True, **options)

    def geocode(self, query: str, **options: Any) -> Location | None:
        """The service's best answer, None if it knows no such place, or a fault."""
        if self.timeout is not None:
            options.setdefault("timeout", self.timeout)
        tries = self.retries + 1
        fault: GeocoderFault | None = None
        for attempt in range(tries):
            wait = min(self.backoff * 2**attempt, self.max_backoff)
            try:
                answer = self._limited(query, options)
            except GeocoderRateLimited as exc:
                after = exc.retry_after
                if after is not None and after > self.max_retry_after:
                    raise self._fault(
                        GeocoderRateLimit,
                        f"rate limited (HTTP 429): the service asks to wait {after:g} s;"
                        " try again later",
                    ) from None
                wait = max(wait, float(after or 0))
                fault = self._fault(GeocoderRateLimit, "rate limited (HTTP 429)")
            except (
                GeocoderAuthenticationFailure,
                GeocoderInsufficientPrivileges,
                GeocoderQuotaExceeded,
                GeocoderQueryError,
            ) as exc:
                status = _status(exc)
                what = f"HTTP {status}" if status else str(exc) or type(exc).__name__
                raise self._fault(
                    GeocoderRefused,
                    f"refused the request ({what}); check the API key, the contact and"
                    " the service's usage policy",
                ) from None
            except GeocoderTimedOut as exc:
                status = _status(exc)
                if status is not None:  # geopy maps 503 and 504 to "timed out"
                    fault = self._fault(GeocoderServerError, f"server error (HTTP {status})")
                else:
                    limit = options.get("timeout")
                    within = f" within {limit:g} s" if isinstance(limit, (int, float)) else ""
                    fault = self._fault(GeocoderTimeout, f"no answer{within}")
            except GeocoderUnavailable as exc:
                fault = self._fault(GeocoderOffline, f"cannot reach it ({_offline_reason(exc)})")
                if attempt >= 1:  # unreachable twice: offline, not a blip; stop waiting
                    break
            except GeocoderFault as exc:  # the adapter refused the answer: asking again won't help
                raise self._fault(type(exc), exc.reason) from None
            except GeocoderParseError:
                raise self._fault(GeocoderBadAnswer, "unexpected answer (not valid JSON)") from None
            except GeocoderServiceError as exc:
                status = _status(exc)
                what = f"HTTP {status}" if status else str(exc).splitlines()[0][:120]
                fault = self._fault(GeocoderServerError, f"server error ({what})")
            except Exception as exc:  # geopy parsing an answer of the wrong shape
                raise self._fault(
                    GeocoderBadAnswer, f"unexpected answer ({type(exc).__name__}: {exc})"
                ) from None
            else:
                return self._checked(answer)
            if attempt + 1 < tries:
                self._sleep(wait)
        assert fault is not None
        made = attempt + 1
        raise self._fault(type(fault), f"{fault.reason}, on {made} tr{'y' if made == 1 else 'ies'}")

    def _checked(self, answer: Any) -> Location | None:
        if isinstance(answer, list):
            answer = answer[0] if answer else None
        if answer is None:
            return None
        problem = position_problem(answer)
        if problem is not None:
            raise self._fault(GeocoderBadAnswer, f"unexpected answer ({problem})")
        return answer

    def _fault(self, cls: type[GeocoderFault], message: str) -> GeocoderFault:
        return cls(message, geocoder=self.name, requests=self.requests)

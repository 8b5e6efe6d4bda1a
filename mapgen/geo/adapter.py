"""geopy's HTTP layer for mapgen's online geocoders, holding each answer to mapgen's limits.

A geocoding service is as untrusted as a story: it may be hostile, broken or not what the
story says it is.  geopy's own adapters (requests, urllib) give it too much:

* their ``timeout`` bounds each read, not the request: a server that sends a byte a second
  never lets a read time out, and kept a build with ``timeout: 3`` running past 100 s.
  Here ``timeout`` is the whole request's budget (connecting, TLS, headers, body): the
  socket is shut down when it runs out, wherever the request is stalled.
* they read the whole answer into memory, gzip-decoded: a 3 GB answer, or a small gzip
  that decodes to gigabytes, took 3.2 GB.  Here an answer (decoded) is at most
  ``max_bytes``; a longer one is refused as soon as it is longer.
* requests follows 30 redirects, to any host, unspaced: a redirect loop made 62 requests
  with no pause (Nominatim allows one a second), and a redirect to another host was
  followed and its answer cached.  Here a redirect is followed only on the same scheme,
  host and port, ``max_redirects`` at most, and each one waits its turn like any request
  (``pace``, set by :class:`~mapgen.geo.ratelimit.PoliteGeocoder`).

Refusals are :class:`~mapgen.core.errors.GeocoderBadAnswer` faults (not retried: asking again
gets the same answer); a request out of time is geopy's ``GeocoderTimedOut``, which
:class:`~mapgen.geo.ratelimit.PoliteGeocoder` retries like any timeout.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import http.client
import json
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import getproxies, proxy_bypass

from geopy.adapters import AdapterHTTPError, BaseSyncAdapter
from geopy.exc import (
    GeocoderParseError,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)

from ..core.errors import GeocoderBadAnswer

#: The most an answer may hold, decoded: a geocoding answer for one place is a few kB.
MAX_ANSWER_BYTES = 4 * 1024 * 1024
#: Redirects followed (same scheme, host and port only) before the request is a fault.
MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


def _origin(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of ``url``: what a redirect may not change."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is None:
        port = 443 if scheme == "https" else 80
    return scheme, (parts.hostname or "").lower(), port


def _shown(url: str) -> str:
    """Where a URL points, short enough for a one-line message."""
    scheme, host, port = _origin(url)
    text = f"{scheme}://{host}:{port}" if host else url
    return text if len(text) <= 80 else text[:77] + "..."


class _Watchdog:
    """Shuts a request's connection down when its time is up.

    A read timeout cannot end a request whose server keeps sending a byte now and then,
    and the status line and headers are read by ``http.client`` in loops mapgen does not
    see; shutting the connection down ends the request wherever it waits (connect, TLS
    handshake, headers, body).  It holds a duplicate of the socket's descriptor: TLS takes
    the socket's own descriptor over (the socket object it started from is then detached),
    and a descriptor of its own can never be one the request has closed and the system
    has given to another file.
    """

    def __init__(self, seconds: float):
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._done = False
        #: Whether the time ran out (the request is then a timeout, whatever it raised).
        self.fired = False
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self._done:
                return
            self._sock = sock.dup()
            if self.fired:
                _shut(self._sock)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            if self._sock is not None:
                _shut(self._sock)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._done = True
            if self._sock is not None:
                self._sock.close()
                self._sock = None


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Body:
    """An answer's bytes, decoded (gzip, deflate) as they arrive, never more than ``limit``."""

    def __init__(self, encoding: str | None, limit: int):
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        self.received = 0
        name = (encoding or "identity").strip().lower()
        if name in ("", "identity"):
            self._inflate: Any = None
        elif name in ("gzip", "x-gzip", "deflate"):
            self._inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)  # gzip or zlib header
        else:
            raise GeocoderBadAnswer(f"unexpected answer (content encoding {name[:40]!r})")

    def feed(self, data: bytes) -> None:
        self.received += len(data)
        if self.received > self.limit:
            self._too_big()
        if self._inflate is None:
            self._keep(data)
            return
        while data:
            try:
                out = self._inflate.decompress(data, self.limit - self.size + 1)
            except zlib.error:
                raise GeocoderBadAnswer("unexpected answer (its compression is broken)") from None
            self._keep(out)
            data = self._inflate.unconsumed_tail
            if self._inflate.eof and self._inflate.unused_data:  # another gzip member
                data = self._inflate.unused_data
                self._inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            self._too_big()
        if data:
            self.parts.append(data)

    def _too_big(self) -> None:
        raise GeocoderBadAnswer(
            f"unexpected answer (larger than {self.limit // 1024 // 1024 or 1} MB; refused)"
        )

    def bytes(self) -> bytes:
        if self._inflate is not None and not self._inflate.eof and self.received:
            raise GeocoderBadAnswer("unexpected answer (its compressed data is cut short)")
        return b"".join(self.parts)


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    charset: str | None

    def text(self) -> str:
        """The body as text; an error's body (only ever logged) is read leniently."""
        errors = "strict" if self.status < 400 else "replace"
        try:
            codec = codecs.lookup(self.charset or "utf-8-sig").name
        except LookupError:
            codec = "utf-8"
        try:
            return self.body.decode(codec, errors)
        except UnicodeDecodeError:
            raise GeocoderParseError("the answer is not text in its declared encoding") from None


class GuardedAdapter(BaseSyncAdapter):
    """A geopy sync adapter with a deadline per request, a size cap and careful redirects.

    :param proxies: as geopy's: None for the environment's (``https_proxy``, ``no_proxy``),
        a dict of scheme to proxy URL, or ``{}`` for none.
    :param max_bytes: the most an answer may hold, decoded.
    :param max_redirects: redirects followed on the same scheme, host and port.
    :param clock: the time, in seconds (a seam for tests: the deadline is checked against
        it after every read).
    :param pace: a context manager around each request sent, redirects included (set by
        :class:`~mapgen.geo.ratelimit.PoliteGeocoder` to space and count them).
    """

    def __init__(
        self,
        *,
        proxies: Any = None,
        ssl_context: ssl.SSLContext | None = None,
        max_bytes: int = MAX_ANSWER_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        clock: Callable[[], float] = time.monotonic,
        pace: Callable[[], AbstractContextManager[Any]] | None = None,
    ):
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self._env_proxies = proxies is None
        if isinstance(proxies, str):
            proxies = {"http": proxies, "https": proxies}
        self.proxies: Mapping[str, str] = getproxies() if proxies is None else (proxies or {})
        self.ssl_context = ssl_context
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._clock = clock
        self.pace = pace

    def get_json(self, url: str, *, timeout: float, headers: Mapping[str, str]) -> Any:
        text = self.get_text(url, timeout=timeout, headers=headers)
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise GeocoderParseError("the answer is not valid JSON") from None

    def get_text(self, url: str, *, timeout: float, headers: Mapping[str, str]) -> str:
        hops = 0
        while True:
            answer = self._paced(url, timeout, headers)
            if answer.status not in _REDIRECTS:
                break
            target = answer.headers.get("location")
            if not target:
                raise GeocoderBadAnswer(f"unexpected answer (HTTP {answer.status} without a place)")
            following = urljoin(url, target.strip())
            if _origin(following) != _origin(url):
                raise GeocoderBadAnswer(
                    f"unexpected answer (redirected to another host, {_shown(following)};"
                    " not followed)"
                )
            hops += 1
            if hops > self.max_redirects:
                raise GeocoderBadAnswer(
                    f"unexpected answer (more than {self.max_redirects} redirects; not followed)"
                )
            url = following
        text = answer.text()
        if answer.status >= 400:
            raise AdapterHTTPError(
                f"Non-successful status code {answer.status}",
                status_code=answer.status,
                headers=answer.headers,
                text=text,
            )
        return text

    def _paced(self, url: str, timeout: float, headers: Mapping[str, str]) -> _Answer:
        pace = self.pace() if self.pace is not None else contextlib.nullcontext()
        with pace:
            return self._fetch(url, timeout, headers)

    # ------------------------------------------------------------------ one request

    def _fetch(self, url: str, timeout: float, headers: Mapping[str, str]) -> _Answer:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise GeocoderBadAnswer(f"unexpected answer (cannot ask {_shown(url)})")
        timeout = float(timeout) if timeout is not None else 10.0
        deadline = self._clock() + timeout
        watchdog = _Watchdog(timeout)
        conn: http.client.HTTPConnection | None = None
        try:
            conn, target, extra = self._connection(parts, url, timeout, watchdog)
            sent = {"Accept-Encoding": "gzip, deflate", **headers, **extra}
            conn.request("GET", target, headers=sent)
            response = conn.getresponse()
            status = response.status
            answer_headers = {k.lower(): v for k, v in response.getheaders()}
            if status in _REDIRECTS:  # the body does not matter
                return _Answer(status, answer_headers, b"", None)
            length = response.length
            if length is not None and length > self.max_bytes:
                raise GeocoderBadAnswer(
                    f"unexpected answer (larger than {self.max_bytes // 1024 // 1024 or 1} MB;"
                    " refused)"
                )
            body = _Body(answer_headers.get("content-encoding"), self.max_bytes)
            while True:
                if self._clock() > deadline:
                    raise GeocoderTimedOut("the answer did not come within the time given")
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                body.feed(chunk)
            if watchdog.fired or self._clock() > deadline:
                raise GeocoderTimedOut("the answer did not come within the time given")
            if response.length:  # the server closed before the Content-Length it announced
                raise GeocoderServiceError("the connection closed before the answer was complete")
            return _Answer(
                status, answer_headers, body.bytes(), response.headers.get_content_charset()
            )
        except (GeocoderBadAnswer, GeopyError):
            raise
        except Exception as exc:
            if watchdog.fired:
                raise GeocoderTimedOut("the answer did not come within the time given") from None
            raise _translated(exc) from None
        finally:
            watchdog.close()
            if conn is not None:
                conn.close()

    def _connection(
        self, parts: Any, url: str, timeout: float, watchdog: _Watchdog
    ) -> tuple[http.client.HTTPConnection, str, dict[str, str]]:
        """A connection to the service (or its proxy), the request target, extra headers."""
        https = parts.scheme == "https"
        host = parts.hostname
        port = parts.port or (443 if https else 80)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        if self.ssl_context is None:
            self.ssl_context = ssl.create_default_context()  # the system's CA store, as geopy's
        context = self.ssl_context
        proxy = self.proxies.get(parts.scheme)
        if proxy and self._env_proxies and proxy_bypass(host):
            proxy = None
        extra: dict[str, str] = {}
        conn: http.client.HTTPConnection
        if not proxy:
            if https:
                conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
            else:
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
        else:
            p = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
            if p.scheme != "http" or not p.hostname:
                raise GeocoderUnavailable(f"proxy {_shown(proxy)} is not an http:// proxy")
            auth: dict[str, str] = {}
            if p.username:
                pair = f"{unquote(p.username)}:{unquote(p.password or '')}".encode()
                auth["Proxy-Authorization"] = "Basic " + base64.b64encode(pair).decode()
            if https:
                conn = http.client.HTTPSConnection(
                    p.hostname, p.port or 80, timeout=timeout, context=context
                )
                conn.set_tunnel(host, port, headers=auth)
            else:
                conn = http.client.HTTPConnection(p.hostname, p.port or 80, timeout=timeout)
                target, extra = url, auth
        create = conn._create_connection  # type: ignore[attr-defined]

        def watched(*args: Any, **kwargs: Any) -> socket.socket:
            sock = create(*args, **kwargs)
            watchdog.watch(sock)
            return sock

        conn._create_connection = watched  # type: ignore[attr-defined]
        return conn, target, extra


def _translated(exc: BaseException) -> Exception:
    """The geopy error for a network failure, as geopy's own adapters would raise it."""
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return GeocoderTimedOut("Service timed out")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return GeocoderUnavailable(f"TLS certificate refused: {exc.verify_message}")
    if isinstance(exc, ConnectionRefusedError):
        return GeocoderUnavailable("Connection refused")
    if isinstance(exc, socket.gaierror):
        return GeocoderUnavailable(f"getaddrinfo failed: {exc}")
    if isinstance(
        exc, (http.client.RemoteDisconnected, http.client.IncompleteRead, ConnectionError)
    ):
        return GeocoderServiceError("the connection closed before the answer was complete")
    if isinstance(exc, http.client.HTTPException):
        return GeocoderBadAnswer(f"unexpected answer (not HTTP: {type(exc).__name__})")
    if isinstance(exc, OSError):
        return GeocoderUnavailable(str(exc) or type(exc).__name__)
    return GeocoderServiceError(f"{type(exc).__name__}: {exc}")

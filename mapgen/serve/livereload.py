"""Serve ``output/`` on 127.0.0.1 while ``mapgen watch --serve`` rebuilds it.

The page reloads itself after each rebuild and keeps the reader's view; when a rebuild
fails it shows the error in a banner over the last good map.  Both are done by a small
script that the server adds to ``map.html`` as it sends it (:func:`inject`): the file on
disk is never changed, so it stays the page ``mapgen build`` would write.

The script listens to ``/__mapgen/events`` (Server-Sent Events).  Each event is the
:class:`LiveState` as JSON: ``build``, the number of the last build that wrote the map,
``session``, which ``mapgen watch`` counts it (a restarted watch counts afresh), and
``error``, the problem lines of the last rebuild if it failed (else null).  A page whose
build is not the latest reloads; before it does, it saves the map's centre and zoom in
``sessionStorage``, and after loading it puts them back.  The error is shown with
``textContent``, never as HTML.

The server is the standard library's, one thread per connection, and treats the story
folder as untrusted: it binds the loopback address only; serves only the map, its GeoJSON
and the two paths above (never another file of the output folder, never through a link,
a FIFO or a device); answers only requests naming it as 127.0.0.1, localhost or [::1]
with its port (a page of another site that rebinds its own name to 127.0.0.1 is refused);
and bounds what a client can hold: connections at once, event streams among them, and
the time to send a request or read an answer (see :class:`LiveServer`).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import select
import socket
import stat
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..core.fsutil import Refused, open_inside
from ..page.markup import asset

#: Where the page listens for rebuilds, and where a test or a script can read the state.
EVENTS_PATH = "/__mapgen/events"
STATE_PATH = "/__mapgen/state"
#: Seconds between keep-alive comments on an idle event stream.
KEEPALIVE = 15.0
#: Connections served at once (a thread each), and how many of them may be event streams.
MAX_CONNECTIONS = 64
MAX_STREAMS = 32
#: Seconds a client has to send its request's head, and to go on reading the answer.
REQUEST_TIMEOUT = 10.0
IDLE_TIMEOUT = 30.0
#: The longest request head read, and the biggest map.html served, in bytes.
MAX_HEAD = 64 * 1024
MAX_PAGE = 256 * 1024 * 1024
#: The id of the error banner in the served page.
BANNER_ID = "mapgen-error"


@dataclass(frozen=True)
class Snapshot:
    """What the page needs to know: the last build that wrote the map, and the error."""

    build: int
    error: str | None
    version: int
    session: str = ""

    def data(self) -> dict[str, Any]:
        return {"session": self.session, "build": self.build, "error": self.error}

    def json(self) -> str:
        return json.dumps(self.data())


class LiveState:
    """The watch loop's news for the pages: :meth:`built` and :meth:`failed`."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._build = 0
        #: Tells this watch's builds from those of an earlier one the page may have seen.
        self.session = secrets.token_hex(8)
        self._error: str | None = None
        self._version = 0
        self._closed = False

    def built(self) -> None:
        """A rebuild wrote a new map: pages reload, and lose their banner."""
        with self._cond:
            self._build += 1
            self._error = None
            self._version += 1
            self._cond.notify_all()

    def failed(self, message: str) -> None:
        """A rebuild failed: pages keep their map and show ``message`` over it."""
        with self._cond:
            self._error = message
            self._version += 1
            self._cond.notify_all()

    def close(self) -> None:
        """Let every waiting event stream end (the server is stopping)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed

    def snapshot(self) -> Snapshot:
        with self._cond:
            return Snapshot(self._build, self._error, self._version, self.session)

    def wait(self, seen: int, timeout: float) -> Snapshot | None:
        """The state once its version is past ``seen``; None on time-out or close."""
        with self._cond:
            self._cond.wait_for(lambda: self._version != seen or self._closed, timeout)
            if self._closed or self._version == seen:
                return None
            return Snapshot(self._build, self._error, self._version, self.session)


# The script added to the served page (livereload.js).  It runs after folium's own script,
# so the map exists: folium names it map_XXXXXX, a global variable, so it is found among
# window's properties.  STATE is replaced by the state as JSON, escaped for a <script>
# element; BANNER and EVENTS by the banner's id and the event stream's path.
_SCRIPT = "<script>\n" + asset("livereload.js", __package__ or "mapgen.serve") + "</script>\n"

_PLACEHOLDER = """\
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>mapgen: no map yet</title></head>
<body style="font:15px system-ui,sans-serif;margin:0;padding:80px 24px;color:#333">
<p>There is no map yet: the story has a mistake (see above). Fix it and save;
this page reloads by itself.</p>
</body></html>
"""


def script_json(value: Any) -> str:
    """``value`` as JSON that cannot end a ``<script>`` element or start a comment in it."""
    text = json.dumps(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def reload_script(snapshot: Snapshot) -> str:
    state = snapshot.data()
    # The state last: it holds the user's text, which must not be searched for tokens.
    script = _SCRIPT.replace("BANNER", BANNER_ID).replace("EVENTS", EVENTS_PATH)
    return script.replace("STATE", script_json(state))


def inject(page: str, snapshot: Snapshot) -> str:
    """``page`` with the reload script added at its end, after the map's own script."""
    script = reload_script(snapshot)
    at = page.lower().rfind("</html>")
    if at < 0:
        return page + script
    return page[:at] + script + page[at:]


class _Handler(BaseHTTPRequestHandler):
    """One request per connection: the map, its GeoJSON, the state and the event stream.

    Nothing else is served, not even other files of the output folder: a story folder
    is untrusted (people clone each other's), and one that commits ``output/x -> /etc``
    must not turn the server into a way to read the machine.
    """

    server: LiveServer
    server_version = "mapgen"
    sys_version = ""

    def handle(self) -> None:
        """Read the request's head within the server's time limit, then answer it.

        The standard handler reads a line at a time with no limit on the whole, so a
        client sending a byte now and then held its thread forever (slowloris); here
        the head must be whole within ``request_timeout`` seconds or the connection
        is closed unanswered.
        """
        head = self.server.read_head(self.request)
        if head is None:
            self.close_connection = True
            return
        self.request.settimeout(self.server.idle_timeout)
        self.rfile.close()  # the socket's reader: the head is all this handler reads
        self.rfile = io.BytesIO(head)
        self.handle_one_request()
        self.close_connection = True

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, *, head: bool) -> None:
        if not self._host_allowed():
            return
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        live = self.server.live
        if path == "/":
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", "/" + live.page_name)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == EVENTS_PATH:
            if head:
                self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)
            else:
                self._events()
        elif path == STATE_PATH:
            self._send(live.state.snapshot().json().encode(), "application/json", head)
        elif path == "/" + live.page_name:
            page = live.page(self.server.max_page)
            if page is None:
                self.send_error(HTTPStatus.INTERNAL_SERVER_ERROR, "The map is too big to serve")
            else:
                self._send(page, "text/html; charset=utf-8", head)
        elif path == "/" + live.data_name:
            self._send_file(live.folder, live.data_name, "application/geo+json", head)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)

    def _host_allowed(self) -> bool:
        """Whether the request names this server by its loopback name and port.

        A web page can make its own host name resolve to 127.0.0.1 (DNS rebinding) and
        then read this server as if it were its own origin; its requests still carry its
        host name, so only ours are answered.
        """
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            self.send_error(HTTPStatus.BAD_REQUEST, "One Host header is required")
            return False
        if hosts[0].strip().lower() not in self.server.hosts:
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "Not this server's host name")
            return False
        return True

    def _send(self, body: bytes, content_type: str, head: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _send_file(self, folder: Path, name: str, content_type: str, head: bool) -> None:
        """A regular file of the folder, never a link, a FIFO or a device: its bytes as
        they were when it was opened (mapgen replaces its files, it does not rewrite
        them), read a piece at a time."""
        opened = _open_regular(folder, name, folder_may_link=self.server.live.folder_may_link)
        if opened is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        fd, size = opened
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            offset = 0
            while not head and offset < size:
                chunk = os.pread(fd, min(size - offset, 1 << 18), offset)
                if not chunk:
                    break  # cut short under us: the client sees a short answer
                self.wfile.write(chunk)
                offset += len(chunk)
        finally:
            os.close(fd)

    def _events(self) -> None:
        """The state as Server-Sent Events, until the page goes or the server stops.

        A page keeps its stream open as long as it is open, so streams are counted
        apart from other requests and held to ``max_streams``; one more is refused (the
        page still works, it only does not reload by itself).  A page that went away is
        noticed within a second, so a reloading page does not hold two streams long.
        """
        server = self.server
        if not server.streams.acquire(blocking=False):
            self.send_error(HTTPStatus.SERVICE_UNAVAILABLE, "Too many pages are listening")
            return
        try:
            self._stream(server.live.state, server.keepalive)
        except (OSError, ValueError):
            return  # the page went away, or stopped reading
        finally:
            server.streams.release()

    def _stream(self, state: LiveState, keepalive: float) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        snapshot: Snapshot | None = state.snapshot()
        seen = snapshot.version
        self.wfile.write(b"retry: 1000\n\n")
        quiet_since = time.monotonic()
        while not state.closed:
            if snapshot is not None:
                seen = snapshot.version
                self.wfile.write(f"data: {snapshot.json()}\n\n".encode())
                quiet_since = time.monotonic()
            elif _peer_closed(self.request):
                return
            elif time.monotonic() - quiet_since >= keepalive:
                self.wfile.write(b": keep-alive\n\n")
                quiet_since = time.monotonic()
            snapshot = state.wait(seen, min(1.0, keepalive))

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the watch loop says what matters."""


def _peer_closed(sock: socket.socket) -> bool:
    """Whether the other end closed the connection (a page that reloaded or went away)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


def _open_regular(folder: Path, name: str, *, folder_may_link: bool) -> tuple[int, int] | None:
    """An open descriptor of the file ``name`` in ``folder`` and its size, if it is a
    regular file; else None.

    Opened as every input is (:func:`~mapgen.core.fsutil.open_inside`): no link followed (a
    story may commit ``output/map.html -> /etc/passwd``), no FIFO or device opened, and
    what was opened checked on the descriptor.  Unless ``folder_may_link``, the folder may
    not be a link either (a story's ``output -> elsewhere``, which the build refuses to
    write through, is not read through); a folder ``-o`` named may be.
    """
    try:
        if folder_may_link:
            fd = open_inside(folder, [name])
        else:
            fd = open_inside(folder.parent, [folder.name, name])
    except (Refused, OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
    except OSError:
        os.close(fd)
        return None
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return None
    return fd, info.st_size


class LiveServer(ThreadingHTTPServer):
    """The map on ``http://127.0.0.1:PORT/``, in a thread of its own.

    What a client can hold is bounded: at most ``max_connections`` connections are
    served at once (a thread each), ``max_streams`` of them event streams; a request's
    head must arrive whole within ``request_timeout`` seconds, and a connection that
    sends or reads nothing for ``idle_timeout`` seconds is closed.  When every place is
    taken, the connection that has waited longest for its request's head is closed to
    make room (a slow client cannot lock out the browser); if none is, the new one is
    closed at once.

    ``story_output`` says that ``folder`` is the story's own ``output`` (not one given
    with ``-o``): then it is not read through a link.
    """

    daemon_threads = True
    allow_reuse_address = True
    #: Connections the system holds until they are taken (5 by default: a burst of more
    #: waits a second for the system to retry, and the browser's requests with it).
    request_queue_size = 128

    def __init__(
        self,
        folder: Path,
        state: LiveState,
        port: int = 8000,
        page: str = "map.html",
        *,
        data: str = "map.geojson",
        max_connections: int = MAX_CONNECTIONS,
        max_streams: int = MAX_STREAMS,
        request_timeout: float = REQUEST_TIMEOUT,
        idle_timeout: float = IDLE_TIMEOUT,
        keepalive: float = KEEPALIVE,
        max_page: int = MAX_PAGE,
        story_output: bool = False,
    ):
        # The story's own output folder may not be a link (the build will not write
        # through one either); a folder given with -o may.
        self.live = _Live(Path(folder), state, page, data, folder_may_link=not story_output)
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout
        self.keepalive = keepalive
        self.max_page = max_page
        self.slots = threading.BoundedSemaphore(max_connections)
        self.streams = threading.BoundedSemaphore(max(1, min(max_streams, max_connections - 1)))
        self._reading: dict[socket.socket, float] = {}
        self._reading_lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)
        self._thread: threading.Thread | None = None
        suffix = "" if self.port == 80 else f":{self.port}"
        #: The Host headers answered: the loopback names with this server's port.
        self.hosts = frozenset(f"{name}{suffix}" for name in ("127.0.0.1", "localhost", "[::1]"))

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.live.page_name}"

    def start(self) -> LiveServer:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end the event streams, and close the socket."""
        self.live.state.close()
        if self._thread is not None:
            self.shutdown()
            self._thread.join(5)
        self.server_close()

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection in a thread of its own if there is a place for it."""
        if not self.slots.acquire(blocking=False) and not (
            self._close_slowest_reader() and self.slots.acquire(timeout=1.0)
        ):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def read_head(self, sock: socket.socket) -> bytes | None:
        """The request's head (its line and headers), or None if it is not whole within
        ``request_timeout`` seconds, or is longer than :data:`MAX_HEAD` bytes."""
        deadline = time.monotonic() + self.request_timeout
        with self._reading_lock:
            self._reading[sock] = deadline
        try:
            data = bytearray()
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or len(data) > MAX_HEAD:
                    return None
                sock.settimeout(left)
                chunk = sock.recv(4096)
                if not chunk:
                    return None
                # Only the new bytes (and the three before them) are searched: a head
                # sent a byte at a time is not searched whole at each byte.
                end = _head_end(data, chunk)
                data += chunk
                if end:
                    return bytes(data[:end])
        except OSError:
            return None
        finally:
            with self._reading_lock:
                self._reading.pop(sock, None)

    def _close_slowest_reader(self) -> bool:
        """Make room: end the connection that has waited longest for its request's head
        (its thread then ends at once).  False if no connection is waiting for one."""
        with self._reading_lock:
            if not self._reading:
                return False
            sock = min(self._reading, key=self._reading.__getitem__)
            del self._reading[sock]
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        return True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A page that went away mid-answer is no error worth a traceback."""


def _head_end(data: bytearray, chunk: bytes) -> int:
    """Where the head of a request ends (after its blank line) in ``data`` followed by
    ``chunk``, if in ``chunk`` (``data`` holds no blank line); 0 if not yet."""
    start = max(0, len(data) - 3)
    window = bytes(data[start:]) + chunk
    ends = [
        at + len(mark)
        for mark in (b"\r\n\r\n", b"\n\n", b"\n\r\n")
        if (at := window.find(mark)) >= 0
    ]
    return start + min(ends) if ends else 0


@dataclass
class _Live:
    folder: Path
    state: LiveState
    page_name: str
    data_name: str = "map.geojson"
    folder_may_link: bool = True

    def page(self, limit: int = 0) -> bytes | None:
        """The map as it is on disk, with the reload script; a placeholder while there is
        none (or what is there is no regular file: a link is not followed); None if it is
        over ``limit`` bytes."""
        snapshot = self.state.snapshot()
        text = _PLACEHOLDER
        opened = _open_regular(self.folder, self.page_name, folder_may_link=self.folder_may_link)
        if opened is not None:
            fd, size = opened
            try:
                if limit and size > limit:
                    return None
                with os.fdopen(fd, "rb", closefd=False) as file:
                    text = file.read(size).decode("utf-8")
            except (OSError, UnicodeDecodeError):
                text = _PLACEHOLDER
            finally:
                os.close(fd)
        return inject(text, snapshot).encode("utf-8")

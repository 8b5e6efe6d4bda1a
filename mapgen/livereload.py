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

The server is the standard library's, one thread per connection; it binds the loopback
address only and serves nothing outside the output folder.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

#: Where the page listens for rebuilds, and where a test or a script can read the state.
EVENTS_PATH = "/__mapgen/events"
STATE_PATH = "/__mapgen/state"
#: Seconds between keep-alive comments on an idle event stream.
KEEPALIVE = 15.0
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


# The script added to the served page.  It runs after folium's own script, so the map
# exists: folium names it map_XXXXXX, a global variable, so it is found among window's
# properties.  STATE is replaced by the state as JSON, escaped for a <script> element.
_SCRIPT = """\
<script>
(function () {
  "use strict";
  var state = STATE;
  var KEY = "mapgen:view:" + location.pathname;
  var map = null;
  if (window.L && window.L.Map) {
    for (var name in window) {
      try {
        if (window[name] instanceof window.L.Map) { map = window[name]; break; }
      } catch (e) {}
    }
  }
  function saveView() {
    if (!map) return;
    var c = map.getCenter();
    try {
      sessionStorage.setItem(KEY, JSON.stringify({lat: c.lat, lng: c.lng, zoom: map.getZoom()}));
    } catch (e) {}
  }
  if (map) {
    try {
      var view = JSON.parse(sessionStorage.getItem(KEY) || "null");
      if (view && isFinite(view.lat) && isFinite(view.lng) && isFinite(view.zoom)) {
        map.setView([view.lat, view.lng], view.zoom, {animate: false});
      }
    } catch (e) {}
    map.on("moveend", saveView);
  }
  function banner(message) {
    var el = document.getElementById("BANNER");
    if (!message) { if (el) el.parentNode.removeChild(el); return; }
    if (!el) {
      el = document.createElement("div");
      el.id = "BANNER";
      el.setAttribute("role", "alert");
      el.style.cssText = "position:fixed;top:0;left:0;right:0;z-index:100000;margin:0;" +
        "padding:10px 14px;background:#b03a2e;color:#fff;font:13px/1.45 ui-monospace," +
        "SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;" +
        "box-shadow:0 2px 6px rgba(0,0,0,.35);max-height:40vh;overflow:auto";
      document.body.appendChild(el);
    }
    el.textContent = message + "\\n(the map below is the last good one; mapgen rebuilds when you save)";
  }
  window.__mapgen = {state: state, map: map};
  banner(state.error);
  if (!window.EventSource) return;
  var events = new EventSource("EVENTS");
  events.onmessage = function (event) {
    var now = JSON.parse(event.data);
    if (now.build !== state.build || now.session !== state.session) {
      saveView();
      events.close();
      location.reload();
      return;
    }
    state = now;
    window.__mapgen.state = now;
    banner(now.error);
  };
})();
</script>
"""

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


class _Handler(SimpleHTTPRequestHandler):
    """Files of the output folder; ``map.html`` with the reload script; the event stream."""

    server: LiveServer

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, *, head: bool) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        live = self.server.live
        if path == "/":
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", "/" + live.page_name)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == EVENTS_PATH and not head:
            self._events()
        elif path == STATE_PATH:
            self._send(live.state.snapshot().json().encode(), "application/json", head)
        elif path == "/" + live.page_name:
            self._send(live.page().encode("utf-8"), "text/html; charset=utf-8", head)
        elif head:
            super().do_HEAD()
        else:
            super().do_GET()

    def _send(self, body: bytes, content_type: str, head: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        state = self.server.live.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        self.close_connection = True
        snapshot: Snapshot | None = state.snapshot()
        seen = snapshot.version
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while not state.closed:
                if snapshot is None:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    seen = snapshot.version
                    self.wfile.write(f"data: {snapshot.json()}\n\n".encode())
                self.wfile.flush()
                snapshot = state.wait(seen, KEEPALIVE)
        except (BrokenPipeError, ConnectionResetError, ValueError):
            return  # the page went away

    def list_directory(self, path: str) -> None:
        """No folder listings: the map, its GeoJSON and what the page loads are enough."""
        self.send_error(HTTPStatus.NOT_FOUND)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the watch loop says what matters."""


class LiveServer(ThreadingHTTPServer):
    """The output folder on ``http://127.0.0.1:PORT/``, in a thread of its own."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, folder: Path, state: LiveState, port: int = 8000, page: str = "map.html"):
        self.live = _Live(Path(folder), state, page)
        super().__init__(("127.0.0.1", port), partial(_Handler, directory=str(folder)))
        self._thread: threading.Thread | None = None

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

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A page that went away mid-answer is no error worth a traceback."""


@dataclass
class _Live:
    folder: Path
    state: LiveState
    page_name: str

    def page(self) -> str:
        """The map as it is on disk, with the reload script; a placeholder before any."""
        snapshot = self.state.snapshot()
        try:
            text = (self.folder / self.page_name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = _PLACEHOLDER
        return inject(text, snapshot)

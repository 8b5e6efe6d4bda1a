"""``mapgen watch --serve`` against a hostile story folder and hostile clients.

The server runs for real on 127.0.0.1 and is spoken to over real sockets: it must serve
only the map, its GeoJSON and the reload channel (never through a link, a FIFO or another
file of the output folder), answer only to its own host names (DNS rebinding), and bound
what slow, idle or many clients can hold.  Time limits are made small through the
server's keywords so that the tests wait little; the bounds asserted are generous.
"""

from __future__ import annotations

import http.client
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mapgen.serve.livereload import EVENTS_PATH, STATE_PATH, LiveServer, LiveState
from mapgen.serve.watch import watch

SECRET = b"root:x:0:0:the secret"
DEADLINE = 15.0  # seconds: far more than any limit set here


@dataclass
class Served:
    server: LiveServer
    state: LiveState
    folder: Path
    secret: Path

    @property
    def port(self) -> int:
        return self.server.port

    def get(self, path: str, host: str | None = "", method: str = "GET") -> tuple[int, bytes]:
        return ask(self.port, path, host, method)


def ask(port: int, path: str, host: str | None = "", method: str = "GET") -> tuple[int, bytes]:
    """Ask the server on ``port`` for ``path`` with the Host header ``host`` ("" for the
    server's own, None for none at all)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host or f"127.0.0.1:{port}")
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def serve(tmp_path: Path, **limits) -> Served:
    folder = tmp_path / "output"
    folder.mkdir()
    (folder / "map.html").write_text("<html><body>the map</body></html>", encoding="utf-8")
    (folder / "map.geojson").write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    secret = tmp_path / "secrets" / "passwd"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    state = LiveState()
    return Served(LiveServer(folder, state, port=0, **limits).start(), state, folder, secret)


@pytest.fixture
def served(tmp_path) -> Iterator[Served]:
    s = serve(tmp_path)
    yield s
    s.server.stop()


def raw(port: int, request: bytes) -> bytes:
    """Send ``request`` as it is and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# --------------------------------------------------------------------------- what is served


def test_only_the_map_its_geojson_and_the_reload_channel_are_served(served):
    folder = served.folder
    os.symlink(served.secret, folder / "passwd-link")
    os.symlink(served.secret.parent, folder / "linked")
    (folder / "notes.txt").write_text("private notes")
    (folder / "sub").mkdir()
    (folder / "sub" / "map.html").write_text("another")
    for path in [
        "/passwd-link",
        "/linked/passwd",
        "/linked/",
        "/notes.txt",
        "/sub/map.html",
        "/sub/",
        "/../secrets/passwd",
        "/map.html/",
        "/%6Dap.html",
        "/.git/config",
    ]:
        status, body = served.get(path)
        assert status == 404, path
        assert SECRET not in body and b"private" not in body, path
    assert served.get("/map.html")[0] == 200
    assert served.get("/map.html?x=1")[0] == 200
    assert served.get("/map.geojson") == (200, b'{"type": "FeatureCollection"}')
    assert served.get(STATE_PATH)[0] == 200
    assert served.get("/")[0] == 302


def test_a_linked_map_or_geojson_is_not_followed(served):
    (served.folder / "map.html").unlink()
    (served.folder / "map.geojson").unlink()
    os.symlink(served.secret, served.folder / "map.html")
    os.symlink(served.secret, served.folder / "map.geojson")
    status, body = served.get("/map.html")
    assert status == 200 and b"no map yet" in body and SECRET not in body
    assert served.get("/map.geojson")[0] == 404
    assert served.get("/map.geojson", method="HEAD")[0] == 404


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX")
def test_a_fifo_as_the_map_is_not_waited_on(served):
    (served.folder / "map.html").unlink()
    (served.folder / "map.geojson").unlink()
    os.mkfifo(served.folder / "map.html")
    os.mkfifo(served.folder / "map.geojson")
    status, body = served.get("/map.html")  # (times out if the server waits for a writer)
    assert status == 200 and b"no map yet" in body
    assert served.get("/map.geojson")[0] == 404


def test_a_map_too_big_to_serve_is_refused_not_read(tmp_path):
    s = serve(tmp_path, max_page=1000)
    try:
        (s.folder / "map.html").write_text("<html>" + "x" * 2000 + "</html>")
        assert s.get("/map.html")[0] == 500
    finally:
        s.server.stop()


# --------------------------------------------------------------------------- DNS rebinding


def test_only_its_own_host_names_are_answered(served):
    port = served.port
    for host in [f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}"]:
        assert served.get("/map.html", host)[0] == 200, host
    for host in [
        f"evil.example:{port}",
        "evil.example",
        "127.0.0.1",
        f"127.0.0.1:{port + 1}",
        f"localhost.evil.example:{port}",
        f"127.0.0.1.evil.example:{port}",
        f"127.0.0.2:{port}",
    ]:
        for path in ["/map.html", "/map.geojson", STATE_PATH, EVENTS_PATH, "/"]:
            status, body = served.get(path, host)
            assert status == 421 and b"the map" not in body, (host, path)


def test_a_request_without_one_host_header_is_refused(served):
    port = served.port
    assert served.get("/map.html", None)[0] == 400
    for request in [
        b"GET /map.html HTTP/1.1\r\n\r\n",
        b"GET /map.html HTTP/1.0\r\n\r\n",
        b"GET /map.html HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nHost: evil.example\r\n\r\n" % port,
    ]:
        answer = raw(port, request)
        assert b" 400 " in answer.split(b"\r\n", 1)[0], request
        assert b"the map" not in answer
    ok = raw(port, b"GET /map.html HTTP/1.1\r\nHost: localhost:%d\r\n\r\n" % port)
    assert b" 200 " in ok.split(b"\r\n", 1)[0] and b"the map" in ok


# --------------------------------------------------------------------------- slow clients


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """Whether the server closes ``sock`` within ``timeout`` seconds (reading what comes)."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            return False
        except OSError:
            return True
    return False


def threads_become(count: int) -> bool:
    """Whether this process's thread count comes to ``count`` within :data:`DEADLINE`."""
    deadline = time.monotonic() + DEADLINE
    while threading.active_count() != count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_many_idle_and_slow_connections_hold_a_bounded_number_of_threads(tmp_path):
    s = serve(tmp_path, max_connections=8, request_timeout=1.0)
    base = threading.active_count()
    most = base
    socks: list[socket.socket] = []
    try:
        for i in range(200):
            sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
            socks.append(sock)
            if i % 2:
                sock.sendall(b"G")  # half send one byte of a request, half nothing
            most = max(most, threading.active_count())
        time.sleep(0.3)
        most = max(most, threading.active_count())
        # 8 connections served at once (a few threads may still be ending)
        assert most - base <= 20, f"{most - base} threads for 200 slow connections"
        # The browser's requests are still answered while the slow ones hang on.
        assert s.get("/map.html")[0] == 200
        assert s.get("/map.geojson")[0] == 200
        # And every slow connection is closed by the server, none held forever.
        deadline = time.monotonic() + DEADLINE
        held = [sock for sock in socks if not closed_by_server(sock, deadline - time.monotonic())]
        assert not held, f"{len(held)} of 200 slow connections still open"
        assert threads_become(base)
    finally:
        for sock in socks:
            sock.close()
        s.server.stop()


def test_a_request_sent_a_byte_at_a_time_is_cut_off(tmp_path):
    """A byte every 0.1 s keeps a per-read time-out from ever firing (slowloris): the
    whole head must arrive in time."""
    s = serve(tmp_path, request_timeout=1.0)
    socks = [socket.create_connection(("127.0.0.1", s.port), timeout=5) for _ in range(5)]
    try:
        request = b"GET /map.html HTTP/1.1\r\nX-Slow: " + b"a" * 10_000
        open_ = set(range(len(socks)))
        sent = 0
        deadline = time.monotonic() + DEADLINE
        while open_ and time.monotonic() < deadline and sent < len(request):
            for i in list(open_):
                readable, _, _ = select.select([socks[i]], [], [], 0)
                try:
                    if readable and socks[i].recv(65536) == b"":
                        open_.discard(i)
                        continue
                    socks[i].send(request[sent : sent + 1])
                except OSError:
                    open_.discard(i)
            sent += 1
            time.sleep(0.1)
        assert not open_, f"{len(open_)} trickling connections still open after {sent} bytes"
        assert s.get("/map.html")[0] == 200
    finally:
        for sock in socks:
            sock.close()
        s.server.stop()


def test_a_client_that_does_not_read_its_answer_is_let_go(tmp_path):
    s = serve(tmp_path, idle_timeout=1.0)
    (s.folder / "map.geojson").write_bytes(b" " * (32 << 20))
    base = threading.active_count()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        sock.connect(("127.0.0.1", s.port))
        sock.sendall(b"GET /map.geojson HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % s.port)
        assert threads_become(base + 1)  # the answer is being written, and waits
        assert threads_become(base), "the thread still writes to a reader gone idle"
    finally:
        sock.close()
        s.server.stop()


# --------------------------------------------------------------------------- event streams


class Stream:
    """An event stream opened over a raw socket."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.sendall(
            b"GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % (EVENTS_PATH.encode(), port)
        )
        self.text = b""

    def read_until(self, marker: bytes, timeout: float = DEADLINE) -> bool:
        deadline = time.monotonic() + timeout
        while marker not in self.text:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except TimeoutError:
                return False
            if not chunk:
                return marker in self.text
            self.text += chunk
        return True

    @property
    def status(self) -> bytes:
        return self.text.split(b"\r\n", 1)[0]

    def close(self) -> None:
        self.sock.close()


def test_event_streams_are_bounded_and_a_closed_one_gives_its_place_back(tmp_path):
    s = serve(tmp_path, max_streams=2, keepalive=60.0)
    streams: list[Stream] = []
    try:
        for _ in range(2):
            streams.append(Stream(s.port))
            assert streams[-1].read_until(b"data: "), streams[-1].text
            assert b" 200 " in streams[-1].status
        third = Stream(s.port)
        streams.append(third)
        assert third.read_until(b"\r\n\r\n") and b" 503 " in third.status, third.text
        assert s.get("/map.html")[0] == 200  # the page itself is still served
        s.state.built()  # the open ones get the news
        assert streams[0].read_until(b'"build": 1') and streams[1].read_until(b'"build": 1')
        # A page that goes away gives its place back, long before the next keep-alive.
        streams[0].close()
        deadline = time.monotonic() + DEADLINE
        while True:
            again = Stream(s.port)
            streams.append(again)
            again.read_until(b"\r\n\r\n")
            if b" 200 " in again.status:
                break
            assert time.monotonic() < deadline, "a closed stream's place was never given back"
            time.sleep(0.2)
        assert again.read_until(b'"build": 1')
    finally:
        for stream in streams:
            stream.close()
        s.server.stop()


def test_an_idle_event_stream_gets_keep_alives(tmp_path):
    s = serve(tmp_path, keepalive=0.2)
    stream = Stream(s.port)
    try:
        assert stream.read_until(b"data: ")
        assert stream.read_until(b": keep-alive")
        s.state.failed("places.yaml:1:1: oops")
        assert stream.read_until(b'"error": "places.yaml:1:1: oops"')
    finally:
        stream.close()
        s.server.stop()


# --------------------------------------------------------------------------- the command


def test_a_story_output_linked_elsewhere_is_not_served_through(seed_story, tmp_path):
    """``output -> elsewhere`` committed in a story: the build refuses to write through
    it, and the server does not read through it either (-o may still name a link)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "map.html").write_bytes(b"<html>" + SECRET + b"</html>")
    (elsewhere / "map.geojson").write_bytes(SECRET)
    os.symlink(elsewhere, seed_story / "output")
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        args=(seed_story,),
        kwargs={
            "serve": True,
            "port": 0,
            "echo": lambda line, err: lines.append(line),
            "stop": stop,
        },
        daemon=True,
    )
    thread.start()
    try:
        deadline = time.monotonic() + DEADLINE
        while not any(line.startswith("Serving ") for line in lines):
            assert time.monotonic() < deadline and thread.is_alive(), lines
            time.sleep(0.02)
        url = next(line for line in lines if line.startswith("Serving ")).split(" at ")[1]
        port = int(url.split(":")[2].split("/")[0])
        status, body = ask(port, "/map.html")
        assert status == 200 and SECRET not in body and b"no map yet" in body
        assert b"symbolic link" in body  # the build's error, in the banner
        assert ask(port, "/map.geojson")[0] == 404
    finally:
        stop.set()
        thread.join(15)
    assert (elsewhere / "map.html").read_bytes() == b"<html>" + SECRET + b"</html>"

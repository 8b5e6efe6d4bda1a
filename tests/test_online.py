"""Online geocoding, all offline: geopy's real Nominatim class against a server on 127.0.0.1
that answers like Nominatim's ``/search``, scripted per request.

The server records when each request arrived, so the tests check what reached it: how many
requests, their spacing (never two within a second), their parameters and user agent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from mapgen.core.errors import (
    GeocoderBadAnswer,
    GeocoderNotConfigured,
    GeocoderOffline,
    GeocoderRateLimit,
    GeocoderRefused,
    GeocoderServerError,
    GeocoderTimeout,
    StoryError,
)
from mapgen.geo.cachefile import CACHE_NAME
from mapgen.geo.geocode import geocode_story
from mapgen.geo.online import make_geocoder, precision_of, user_agent
from mapgen.story.geocoder import GeocoderSetting
from mapgen.story.model import Place, Pos, Story

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 5, 1)
CONTACT = "desk@example.org"


def pier(name: str = "Pier 33", lat: float = 43.1141, lon: float = 131.893) -> list[dict]:
    """One Nominatim ``/search?format=json`` result, in the shape the service sends."""
    return [
        {
            "place_id": 123456,
            "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
            "osm_type": "node",
            "osm_id": 987654,
            "lat": f"{lat}",
            "lon": f"{lon}",
            "class": "man_made",
            "type": "pier",
            "place_rank": 30,
            "importance": 0.1,
            "addresstype": "man_made",
            "name": name,
            "display_name": f"{name}, Vladivostok, Primorsky Krai, Russia",
            "boundingbox": [f"{lat - 0.001}", f"{lat + 0.001}", f"{lon - 0.001}", f"{lon + 0.001}"],
        }
    ]


@dataclass
class Seen:
    at: float
    path: str
    query: dict[str, list[str]]
    agent: str


@dataclass
class Nominatim:
    """The fake service: ``script`` is what to do for each request, in order (the last one
    repeats): ``("json", data)``, ``("status", code, headers)``, ``("hang", seconds)``,
    ``("raw", text)``, ``("redirect", location)`` (``{path}`` in it is the request's own),
    ``("drip", data, every, headers_too)`` (the answer a byte at a time, the rest at once
    after ``DRIP_FOR`` seconds), ``("stream", size, content_length)`` (a valid answer padded
    to ``size`` bytes, sent as fast as it is read), ``("gzip", body)`` (``body`` sent as is,
    as ``Content-Encoding: gzip``).  ``clock`` stamps each request's arrival."""

    script: list[tuple] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    clock: Callable[[], float] = time.monotonic
    #: Bytes of answers written (the part a client read, and what socket buffers took).
    sent: int = 0

    @property
    def domain(self) -> str:
        assert self.server is not None
        return f"127.0.0.1:{self.server.server_address[1]}"

    def spacing(self) -> list[float]:
        times = [s.at for s in self.seen]
        return [b - a for a, b in itertools.pairwise(times)]


#: How long a dripping answer drips before the rest is sent at once: an unbounded client
#: then gets the whole answer after this long, a bounded one has given up long before.
DRIP_FOR = 20.0


def serve(fake: Nominatim) -> Iterator[Nominatim]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):
            url = urlsplit(self.path)
            fake.seen.append(
                Seen(fake.clock(), url.path, parse_qs(url.query), self.headers["User-Agent"])
            )
            step = fake.script[min(len(fake.seen), len(fake.script)) - 1]
            kind = step[0]
            if kind == "hang":
                time.sleep(step[1])
                kind, step = "json", ("json", [])
            try:
                if kind == "json":
                    body = json.dumps(step[1]).encode()
                    self._send(200, body, {"Content-Type": "application/json"})
                elif kind == "raw":
                    self._send(200, step[1].encode(), {"Content-Type": "application/json"})
                elif kind == "redirect":
                    self._send(302, b"", {"Location": step[1].replace("{path}", self.path)})
                elif kind == "drip":
                    self._drip(*step[1:])
                elif kind == "stream":
                    self._stream(*step[1:])
                elif kind == "gzip":
                    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
                    self._send(200, step[1], headers)
                else:
                    self._send(step[1], b'{"error": "no"}', dict(step[2]) if len(step) > 2 else {})
            except (BrokenPipeError, ConnectionResetError):  # the client gave up
                pass

        def _send(self, code, body, headers):
            self.send_response(code)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self._write(body)

        def _write(self, data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()
            fake.sent += len(data)

        def _drip(self, data, every, headers_too):
            head = (
                f"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n"
            ).encode()
            whole = head + data
            start = 0 if headers_too else len(head)
            self._write(whole[:start])
            until = time.monotonic() + DRIP_FOR
            i = start
            while i < len(whole) and time.monotonic() < until:
                self._write(whole[i : i + 1])
                i += 1
                time.sleep(every)
            self._write(whole[i:])

        def _stream(self, size, content_length):
            """``[{"lat": ..., "display_name": "Pier 33xxxx...."}]``, ``size`` bytes."""
            head, tail = b'[{"lat": "43.1141", "lon": "131.893", "display_name": "Pier 33', b'"}]'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if content_length:
                self.send_header("Content-Length", str(size))
            self.end_headers()
            self._write(head)
            left = size - len(head) - len(tail)
            block = b"x" * (1 << 20)
            while left > 0:
                self._write(block[: min(left, len(block))])
                left -= len(block)
            self._write(tail)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def nominatim():
    yield from serve(Nominatim())


@pytest.fixture
def elsewhere():
    """A second service, on another port: where a hostile one redirects."""
    yield from serve(Nominatim())


def refused_domain() -> str:
    """127.0.0.1 and a port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"127.0.0.1:{port}"


def online(
    domain: str, *, retries: int = 1, timeout: float = 2.0, clock: FakeClock | None = None, **kw
):
    setting = GeocoderSetting(
        name="nominatim",
        contact=CONTACT,
        timeout=timeout,
        retries=retries,
        options={"domain": domain, "scheme": "http"},
        **kw,
    )
    seams = {"clock": clock, "sleep": clock.sleep} if clock is not None else {}
    return make_geocoder(setting, backoff=0.05, **seams)


class FakeClock:
    """Time that passes only when slept (or when a test moves it): spacing is checked
    without waiting for it."""

    def __init__(self, tick: float = 0.0):
        self.now = 1000.0
        self.tick = tick
        self.slept: list[float] = []

    def __call__(self) -> float:
        self.now += self.tick
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def story(tmp_path: Path, *names: str) -> Story:
    pos = lambda line: Pos("places.yaml", line, 5)  # noqa: E731
    places = [
        Place(id=f"p{i}", name=n, kind="military", pos=pos(i + 1), country="RU")
        for i, n in enumerate(names)
    ]
    return Story("t", tmp_path / "places.yaml", [], places, [], [])


def entries(tmp_path: Path) -> list[dict]:
    path = tmp_path / CACHE_NAME
    if not path.exists():
        return []
    return yaml.safe_load(path.read_text(encoding="utf-8"))["entries"] or []


def problems(err: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in err.value.problems]


# ------------------------------------------------------------------ answers


def test_success_is_spaced_identified_and_cached(tmp_path, nominatim):
    nominatim.script = [("json", pier("Pier 33")), ("json", pier("Pier 34", 43.115, 131.894))]
    geocoder = online(nominatim.domain)
    geo = geocode_story(
        story(tmp_path, "Pier 33", "Pier 34", "Vladivostok"), geocoder=geocoder, today=TODAY
    )
    assert len(nominatim.seen) == 2 == geocoder.requests  # Vladivostok: the gazetteer
    assert all(gap >= 1.0 for gap in nominatim.spacing()), nominatim.spacing()
    first = nominatim.seen[0]
    assert first.path == "/search"
    assert first.query["q"] == ["Pier 33"] and first.query["countrycodes"] == ["ru"]
    assert first.query["format"] == ["json"]
    assert (
        first.agent == user_agent(CONTACT) and "mapgen/" in first.agent and CONTACT in first.agent
    )
    loc = geo.places["p0"]
    assert (loc.lat, loc.lon, loc.precision, loc.geocoder) == (
        43.1141,
        131.893,
        "point",
        "nominatim",
    )
    assert loc.query == "Pier 33" and loc.address.startswith("Pier 33, Vladivostok")
    assert [(e["query"], e["geocoder"]) for e in entries(tmp_path)] == [
        ("Pier 33", "nominatim"),
        ("Pier 34", "nominatim"),
        ("Vladivostok", "gazetteer"),
    ]
    # A rebuild asks nobody.
    again = geocode_story(
        story(tmp_path, "Pier 33", "Pier 34", "Vladivostok"), geocoder=geocoder, today=TODAY
    )
    assert len(nominatim.seen) == 2 and again.places == geo.places


def test_no_result_is_not_found_not_a_fault(tmp_path, nominatim):
    nominatim.script = [("json", [])]
    with pytest.raises(StoryError) as err:
        geocode_story(story(tmp_path, "Pier 99"), geocoder=online(nominatim.domain), today=TODAY)
    (line,) = problems(err)
    assert "cannot find 'Pier 99' (country RU) in the offline gazetteer or nominatim" in line
    assert len(nominatim.seen) == 1  # "nothing" is an answer: not retried
    assert entries(tmp_path) == []


def test_429_waits_what_retry_after_says(tmp_path, nominatim):
    nominatim.script = [("status", 429, {"Retry-After": "2"}), ("json", pier())]
    geocoder = online(nominatim.domain)
    geo = geocode_story(story(tmp_path, "Pier 33"), geocoder=geocoder, today=TODAY)
    assert len(nominatim.seen) == 2 == geocoder.requests
    assert nominatim.spacing()[0] >= 2.0  # Retry-After, more than the 1 s spacing
    assert geo.places["p0"].geocoder == "nominatim"
    assert [e["query"] for e in entries(tmp_path)] == ["Pier 33"]


def test_429_asking_too_long_a_wait_is_a_fault_at_once(tmp_path, nominatim):
    nominatim.script = [("status", 429, {"Retry-After": "3600"})]
    with pytest.raises(StoryError) as err:
        geocode_story(
            story(tmp_path, "Pier 33", "Vladivostok"),
            geocoder=online(nominatim.domain, retries=3),
            today=TODAY,
        )
    (line,) = problems(err)
    assert line == (
        "places.yaml:1:5: cannot look up 'Pier 33': nominatim: rate limited (HTTP 429):"
        " the service asks to wait 3600 s; try again later"
    )
    assert len(nominatim.seen) == 1
    assert [e["query"] for e in entries(tmp_path)] == ["Vladivostok"]  # offline answers kept


@pytest.mark.parametrize(
    ("script", "fault", "message", "requests"),
    [
        ([("status", 500)], GeocoderServerError, "server error (HTTP 500), on 2 tries", 2),
        ([("status", 429)], GeocoderRateLimit, "rate limited (HTTP 429), on 2 tries", 2),
        ([("status", 503)], GeocoderServerError, "server error (HTTP 503), on 2 tries", 2),
        (
            [("raw", '[{"lat": "43.1", "lon": ')],
            GeocoderBadAnswer,
            "unexpected answer (not valid JSON)",
            1,
        ),
        ([("status", 403)], GeocoderRefused, "refused the request (HTTP 403)", 1),
        ([("status", 401)], GeocoderRefused, "refused the request (HTTP 401)", 1),
    ],
)
def test_server_faults(tmp_path, nominatim, script, fault, message, requests):
    nominatim.script = script
    geocoder = online(nominatim.domain)
    with pytest.raises(fault) as err:
        geocoder.geocode("Pier 33")
    assert message in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith("nominatim: ")
    assert len(nominatim.seen) == requests == geocoder.requests
    assert all(gap >= 1.0 for gap in nominatim.spacing())


def test_a_hang_past_the_timeout(tmp_path, nominatim):
    nominatim.script = [("hang", 1.6)]
    geocoder = online(nominatim.domain, timeout=0.5, retries=1)
    with pytest.raises(GeocoderTimeout, match=r"^nominatim: no answer within 0.5 s, on 2 tries$"):
        geocoder.geocode("Pier 33")
    assert len(nominatim.seen) == 2 == geocoder.requests
    assert all(gap >= 1.0 for gap in nominatim.spacing())


def test_connection_refused(tmp_path):
    """Refused twice is offline, not a blip: no more tries, whatever ``retries`` says."""
    geocoder = online(refused_domain(), retries=3)
    with pytest.raises(
        GeocoderOffline, match=r"^nominatim: cannot reach it \(connection refused\), on 2 tries$"
    ):
        geocoder.geocode("Pier 33")
    assert geocoder.requests == 2  # geopy's own adapter retries are off: these are all


def test_after_a_fault_the_rest_is_not_asked_and_offline_answers_stay(tmp_path, nominatim):
    nominatim.script = [("status", 500)]
    with pytest.raises(StoryError) as err:
        geocode_story(
            story(tmp_path, "Pier 33", "Vladivostok", "Pier 34"),
            geocoder=online(nominatim.domain, retries=1),
            today=TODAY,
        )
    assert problems(err) == [
        "places.yaml:1:5: cannot look up 'Pier 33': nominatim: server error (HTTP 500), on 2 tries",
        "places.yaml:3:5: 'Pier 34' was not looked up: nominatim: server error (HTTP 500),"
        " on 2 tries",
    ]
    assert len(nominatim.seen) == 2  # two tries for Pier 33, none for Pier 34
    assert [e["query"] for e in entries(tmp_path)] == ["Vladivostok"]  # the offline answer


def test_down_geocoder_does_not_stop_a_warm_or_offline_build(tmp_path):
    s = story(tmp_path, "Vladivostok", "Ussuriysk")
    down = online(refused_domain())
    geo = geocode_story(s, geocoder=down, today=TODAY)  # the gazetteer knows both
    assert down.requests == 0 and set(geo.places) == {"p0", "p1"}
    (tmp_path / CACHE_NAME).write_text(
        (tmp_path / CACHE_NAME).read_text(encoding="utf-8"), encoding="utf-8"
    )
    geo2 = geocode_story(s, geocoder=down, online_first=True, today=TODAY)
    assert geo2.places == geo.places and down.requests == 0  # the cache answered first


def test_online_first_fault_falls_back_with_a_warning(tmp_path):
    down = online(refused_domain(), retries=0)
    warnings: list = []
    geo = geocode_story(
        story(tmp_path, "Vladivostok"),
        geocoder=down,
        online_first=True,
        today=TODAY,
        warnings=warnings,
    )
    assert geo.places["p0"].geocoder == "gazetteer"
    assert [str(w) for w in warnings] == [
        "places.yaml:1:5: cannot look up 'Vladivostok': nominatim: cannot reach it"
        " (connection refused), on 1 try; used the offline gazetteer's answer"
    ]


def test_refresh_keeps_the_cached_answer_when_the_service_is_down(tmp_path, nominatim):
    nominatim.script = [("json", pier())]
    s = story(tmp_path, "Pier 33")
    geocode_story(s, geocoder=online(nominatim.domain), today=TODAY)
    before = (tmp_path / CACHE_NAME).read_text(encoding="utf-8")
    warnings: list = []
    geo = geocode_story(
        s,
        geocoder=online(refused_domain(), retries=0),
        online_first=True,
        refresh=True,
        today=dt.date(2030, 1, 1),
        warnings=warnings,
    )
    assert geo.places["p0"].geocoder == "nominatim"
    assert "kept the cached answer" in str(warnings[0])
    assert (tmp_path / CACHE_NAME).read_text(encoding="utf-8") == before


# ------------------------------------------------------------------ configuration


def test_configuration_faults(monkeypatch):
    monkeypatch.delenv("MAPGEN_CONTACT", raising=False)
    with pytest.raises(GeocoderNotConfigured, match="usage policy asks who is calling"):
        make_geocoder(GeocoderSetting(name="nominatim"))
    with pytest.raises(GeocoderNotConfigured, match="did you mean 'nominatim'"):
        make_geocoder(GeocoderSetting(name="nominatm"))
    with pytest.raises(GeocoderNotConfigured, match="environment variable OPENCAGE_KEY"):
        make_geocoder(GeocoderSetting(name="opencage", api_key_env="OPENCAGE_KEY"), environ={})
    with pytest.raises(GeocoderNotConfigured, match=r"never write it in places\.yaml"):
        make_geocoder(GeocoderSetting(name="opencage", options={"api_key": "s3cret"}))
    keyed = make_geocoder(
        GeocoderSetting(name="opencage", api_key_env="OPENCAGE_KEY"), environ={"OPENCAGE_KEY": "k"}
    )
    assert keyed.geocoder.api_key == "k" and keyed.min_delay == 0
    monkeypatch.setenv("MAPGEN_CONTACT", CONTACT)
    polite = make_geocoder(GeocoderSetting(name="nominatim", min_delay=0.2))
    assert polite.min_delay == 1.0  # never faster than Nominatim's policy
    assert polite.geocoder.headers["User-Agent"] == user_agent(CONTACT)


def test_missing_setup_is_a_fault_only_when_a_place_needs_it(tmp_path, monkeypatch):
    """A story naming a keyed geocoder builds from its cache and the gazetteer where the
    key is not set; the first place that needs the geocoder reports the fault."""
    from mapgen.geo.online import LazyGeocoder

    monkeypatch.delenv("MAPGEN_NO_SUCH_KEY", raising=False)
    lazy = LazyGeocoder(GeocoderSetting(name="opencage", api_key_env="MAPGEN_NO_SUCH_KEY"))
    geocode_story(story(tmp_path, "Vladivostok"), geocoder=lazy, today=TODAY)
    with pytest.raises(StoryError, match="NO_SUCH_KEY"):
        geocode_story(story(tmp_path, "Pier 33"), geocoder=lazy, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "precision"),
    [
        ({"place_rank": 4}, "country"),
        ({"place_rank": 8}, "region"),
        ({"place_rank": 16}, "city"),
        ({"place_rank": 22}, "approximate"),
        ({"place_rank": 30}, "point"),
        ({"boundingbox": ["40", "50", "120", "135"]}, "country"),
        ({"boundingbox": ["43.0", "43.3", "131.7", "132.1"]}, "city"),
        ({"boundingbox": ["43.110", "43.111", "131.89", "131.891"]}, "point"),
        ({}, "approximate"),
    ],
)
def test_precision_of_answers(raw, precision):
    from geopy.location import Location

    assert precision_of(Location("x", (1.0, 2.0), raw)) == precision


# ------------------------------------------------------------------ the command line


def write_story(
    folder: Path, domain: str, names: list[str], *, timeout: float | None = None
) -> None:
    (folder / "seeds").mkdir(parents=True)
    # one sentence per place: each quote (a name) is a whole sentence of the article
    (folder / "seeds" / "a.txt").write_text("\n".join(f"{n}." for n in names), encoding="utf-8")
    lines = [
        "title: t",
        "geocoder:",
        "  name: nominatim",
        f"  contact: {CONTACT}",
        "  retries: 0",
        *([f"  timeout: {timeout:g}"] if timeout is not None else []),
        f"  options: {{domain: '{domain}', scheme: http}}",
        "sources:",
        "  - {id: a, file: seeds/a.txt, title: A}",
        "places:",
    ]
    for i, name in enumerate(names):
        lines += [
            f"  - id: p{i}",
            f"    name: {name}",
            "    kind: site",
            "    country: RU",
            f"    quotes: [{{source: a, text: {name}}}]",
        ]
    (folder / "places.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def mapgen(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mapgen", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
        **kw,
    )


def test_cli_geocode_fills_the_cache(tmp_path, nominatim):
    nominatim.script = [("json", pier("Pier 33")), ("json", pier("Pier 34"))]
    write_story(tmp_path, nominatim.domain, ["Pier 33", "Pier 34", "Vladivostok"])
    out = mapgen("geocode", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith(
        "3 lookups: 2 nominatim, 1 gazetteer (2 requests to nominatim)"
    )
    assert len(entries(tmp_path)) == 3
    again = mapgen("geocode", str(tmp_path), "--offline")
    assert again.stdout.strip().endswith("3 lookups: 3 cache") and len(nominatim.seen) == 2
    # --offline: a place only the online geocoder knows is then an error.
    write_story(tmp_path / "more", nominatim.domain, ["Pier 35"])
    off = mapgen("build", str(tmp_path / "more"), "--offline")
    assert off.returncode == 2 and "cannot find 'Pier 35' (country RU)" in off.stderr
    assert "Traceback" not in off.stderr and len(nominatim.seen) == 2


def test_cli_fault_is_one_line_and_the_map_needs_the_place(tmp_path):
    write_story(tmp_path, refused_domain(), ["Pier 33", "Vladivostok"])
    out = mapgen("build", str(tmp_path))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert (
        "places.yaml:10:5: cannot look up 'Pier 33': nominatim: cannot reach it"
        " (connection refused), on 1 try"
    ) in out.stderr
    assert [e["query"] for e in entries(tmp_path)] == ["Vladivostok"]


def test_cli_unknown_geocoder_name(tmp_path):
    write_story(tmp_path, "127.0.0.1:9", ["Vladivostok"])
    out = mapgen("build", str(tmp_path), "--geocoder", "nominatm")
    assert out.returncode == 2 and "did you mean 'nominatim'" in out.stderr
    assert "Traceback" not in out.stderr


def test_ctrl_c_keeps_the_answers_so_far(tmp_path, nominatim):
    names = [f"Pier {n}" for n in range(40, 46)]
    nominatim.script = [("json", pier(n)) for n in names]
    write_story(tmp_path, nominatim.domain, names)
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mapgen", "geocode", str(tmp_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as from a terminal, even where the tests run as a shell's background job,
        # which ignores SIGINT (and Python then leaves it ignored, in the child too).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while len(nominatim.seen) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    while len(entries(tmp_path)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)  # the third answer arrives and is saved
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted: the answers found so far are saved" in err and "Traceback" not in err
    saved = [e["query"] for e in entries(tmp_path)]
    assert saved == names[: len(saved)] and len(saved) >= 3
    assert len(nominatim.seen) < len(names)
    assert not list(tmp_path.glob(".*.tmp"))  # no half-written file left


# ------------------------------------------------------------------ places.yaml


def test_the_geocoder_setting_and_feature_hints_in_places_yaml(tmp_path):
    from mapgen.story.load import load_story

    write_story(tmp_path, "127.0.0.1:9", ["Vladivostok"])
    text = (tmp_path / "places.yaml").read_text(encoding="utf-8")
    text = text.replace("    kind: site\n", "    kind: site\n    feature: city\n")
    (tmp_path / "places.yaml").write_text(text, encoding="utf-8")
    loaded = load_story(tmp_path)
    assert loaded.geocoder == GeocoderSetting(
        name="nominatim",
        contact=CONTACT,
        retries=0,
        options={"domain": "127.0.0.1:9", "scheme": "http"},
    )
    assert loaded.places[0].feature == "city"
    short = text.replace(
        text[text.index("geocoder:") : text.index("sources:")], "geocoder: Photon\n"
    )
    (tmp_path / "places.yaml").write_text(short, encoding="utf-8")
    assert load_story(tmp_path).geocoder == GeocoderSetting(name="photon")


def test_the_geocoder_setting_refuses_keys_and_unknown_services(tmp_path):
    from mapgen.story.load import load_story

    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("Vladivostok", encoding="utf-8")
    (tmp_path / "places.yaml").write_text(
        "title: t\n"
        "geocoder:\n"
        "  name: nominatm\n"
        "  api_key_env: sk-12345-abc\n"
        "  options: {api_key: s3cret}\n"
        "sources: [{id: a, file: seeds/a.txt, title: A}]\n"
        "places:\n"
        "  - {id: v, name: Vladivostok, kind: city, feature: town,"
        " quotes: [{source: a, text: Vladivostok}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(StoryError) as err:
        load_story(tmp_path)
    lines = [str(p).replace(f"{tmp_path}/", "") for p in err.value.problems]
    assert lines[0].startswith(
        "places.yaml:3:9: name: unknown geocoder 'nominatm'; did you mean 'nominatim'?"
    )
    assert lines[1].startswith("places.yaml:4:16: api_key_env is the name of the environment")
    assert lines[2].startswith("places.yaml:5:13: options: `api_key` is a secret: never write")
    assert lines[3] == (
        "places.yaml:8:53: feature: unknown value 'town'; expected one of: city, capital, region, country"
    )


def test_two_runs_at_once_keep_each_others_answers(tmp_path):
    """Two ``mapgen geocode`` processes on two stories in one folder, at the same time: the
    cache ends with the answers of both (each saves under the folder lock and merges)."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text("x", encoding="utf-8")
    groups = {
        "a": ["Vladivostok", "Ussuriysk", "Nakhodka", "Khabarovsk"],
        "b": ["Pyongyang", "Wonsan", "Nampo", "Kaesong"],
    }
    for name, places in groups.items():
        lines = ["title: t", "sources: [{id: a, file: seeds/a.txt, title: A}]", "places:"]
        lines += [
            f"  - {{id: p{i}, name: {p}, kind: site, quotes: [{{source: a, text: x}}]}}"
            for i, p in enumerate(places)
        ]
        (tmp_path / f"{name}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "mapgen", "geocode", str(tmp_path / f"{name}.yaml")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in groups
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    assert sorted(e["query"] for e in entries(tmp_path)) == sorted(groups["a"] + groups["b"])


# ------------------------------------------------------------------ hostile services
#
# A geocoding service is untrusted: whatever it answers, mapgen caches a real position or
# reports a one-line fault, within the time and memory it was given, and the cache (which
# is committed like a lock file) is left as it was.


def at_no_position(raw: dict) -> list[dict]:
    """Pier 33 as Nominatim would send it, with ``raw`` changing its fields."""
    return [{**pier()[0], **raw}]


NO_POSITION = {
    "no coordinates": [{"display_name": "x", "place_rank": 30}],
    "null": at_no_position({"lat": None, "lon": None}),
    "null latitude": at_no_position({"lat": None}),
    "empty": at_no_position({"lat": "", "lon": ""}),
    "not a number": at_no_position({"lon": "east"}),
    "NaN": at_no_position({"lat": "NaN"}),
    "infinite": at_no_position({"lat": "1e999"}),
    "longitude out of range": at_no_position({"lon": "200"}),  # geopy makes it -160
    "latitude out of range": at_no_position({"lat": "91"}),
    "zero zero": at_no_position({"lat": "0", "lon": "0"}),
}


@pytest.mark.parametrize("answer", NO_POSITION.values(), ids=NO_POSITION.keys())
def test_an_answer_without_a_position_is_a_fault_never_a_position(tmp_path, nominatim, answer):
    nominatim.script = [("json", answer)]
    geocoder = online(nominatim.domain)
    with pytest.raises(StoryError) as err:
        geocode_story(story(tmp_path, "Pier 33"), geocoder=geocoder, today=TODAY)
    (line,) = problems(err)
    assert line.startswith("places.yaml:1:5: cannot look up 'Pier 33': nominatim: unexpected")
    assert "\n" not in line
    assert len(nominatim.seen) == 1  # asking again gets the same answer: not retried
    assert entries(tmp_path) == []


def test_photon_without_a_position_is_a_fault_and_with_one_an_answer(tmp_path, nominatim):
    """Photon's answers are GeoJSON: geopy reads ``geometry.coordinates`` and makes (0, 0)
    of nulls there too."""

    def feature(coordinates: list) -> dict:
        props = {"name": "Pier 33", "city": "Vladivostok", "country": "Russia"}
        point = {"type": "Point", "coordinates": coordinates}
        return {"type": "Feature", "geometry": point, "properties": props}

    nominatim.script = [
        ("json", {"type": "FeatureCollection", "features": [feature([None, None])]}),
        ("json", {"type": "FeatureCollection", "features": [feature([131.893, 43.1141])]}),
    ]
    setting = GeocoderSetting(name="photon", options={"domain": nominatim.domain, "scheme": "http"})
    with pytest.raises(GeocoderBadAnswer, match=r"^photon: unexpected answer \(no coordinates\)"):
        make_geocoder(setting).geocode("Pier 33")
    answer = make_geocoder(setting).geocode("Pier 33")
    assert (answer.latitude, answer.longitude) == (43.1141, 131.893)


def cached_pier(folder: Path, nominatim: Nominatim, **kw) -> bytes:
    """A story whose Pier 33 is in the cache, from a first good answer; the cache's bytes."""
    write_story(folder, nominatim.domain, ["Pier 33"], **kw)
    first = mapgen("geocode", str(folder))
    assert first.returncode == 0, first.stderr
    assert [(e["query"], e["lat"], e["precision"]) for e in entries(folder)] == [
        ("Pier 33", 43.1141, "point")
    ]
    return (folder / CACHE_NAME).read_bytes()


def said(stderr: str) -> list[str]:
    """What mapgen told the user: stderr without the progress bar's label."""
    return [line for line in stderr.splitlines() if line.strip() and line.strip() != "geocoding"]


@pytest.mark.parametrize(
    "answer",
    [NO_POSITION[k] for k in ("no coordinates", "null latitude", "latitude out of range")],
    ids=["no coordinates", "null latitude", "latitude out of range"],
)
def test_cli_refresh_keeps_the_cache_when_the_service_answers_no_position(
    tmp_path, nominatim, answer
):
    """The issue's case: one ``mapgen geocode --refresh`` moved every place to (0, 0)."""
    nominatim.script = [("json", pier()), ("json", answer)]
    before = cached_pier(tmp_path, nominatim)
    stamp = (tmp_path / CACHE_NAME).stat().st_mtime_ns
    out = mapgen("geocode", "--refresh", str(tmp_path))
    assert out.returncode == 0, out.stderr  # the cached answer stands, with a warning
    (line,) = said(out.stderr)
    assert (
        line.startswith("warning: ") and "cannot look up 'Pier 33': nominatim: unexpected" in line
    )
    assert line.endswith("; kept the cached answer")
    assert (tmp_path / CACHE_NAME).read_bytes() == before
    assert (tmp_path / CACHE_NAME).stat().st_mtime_ns == stamp
    assert len(nominatim.seen) == 2


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "status line and headers"])
def test_cli_an_answer_a_byte_at_a_time_ends_at_the_timeout(tmp_path, nominatim, headers_too):
    """A read timeout never fires while a byte arrives now and then: the timeout is the
    request's whole budget.  Unbounded, this build takes DRIP_FOR (20) seconds and caches
    the answer; the bound below is for a slow machine, not a measure of speed."""
    nominatim.script = [("drip", json.dumps(pier()).encode(), 0.2, headers_too)]
    write_story(tmp_path, nominatim.domain, ["Pier 33"], timeout=1)
    start = time.monotonic()
    out = mapgen("build", str(tmp_path))
    took = time.monotonic() - start
    assert out.returncode == 2, out.stderr
    assert said(out.stderr) == [
        f"{tmp_path / 'places.yaml'}:11:5: cannot look up 'Pier 33': nominatim: no answer"
        " within 1 s, on 1 try"
    ]
    assert took < DRIP_FOR  # ended by the deadline, not by the server's last byte
    assert entries(tmp_path) == [] and not (tmp_path / "output").exists()


def test_the_deadline_is_kept_on_the_clock_given(nominatim):
    """The deadline is read from the clock seam after every read: with a clock that moves
    a quarter second each time it is read, a 30 s budget runs out in about 120 reads,
    long before the 4 s the answer takes in real time (or the 30 s watchdog)."""
    clock = FakeClock(tick=0.25)
    nominatim.script = [("drip", json.dumps(pier()).encode(), 0.01, False)]
    geocoder = online(nominatim.domain, retries=0, timeout=30, clock=clock)
    with pytest.raises(GeocoderTimeout, match=r"^nominatim: no answer within 30 s, on 1 try$"):
        geocoder.geocode("Pier 33")
    assert len(nominatim.seen) == 1


def test_a_redirect_loop_is_followed_three_times_each_spaced(nominatim):
    clock = FakeClock()
    nominatim.clock = clock
    nominatim.script = [("redirect", "{path}")]
    geocoder = online(nominatim.domain, retries=2, clock=clock)
    with pytest.raises(
        GeocoderBadAnswer,
        match=r"^nominatim: unexpected answer \(more than 3 redirects; not followed\)$",
    ):
        geocoder.geocode("Pier 33")
    assert len(nominatim.seen) == 4 == geocoder.requests  # one try: a loop stays a loop
    assert nominatim.spacing() == [1.0, 1.0, 1.0]  # Nominatim's second, on the clock given
    assert clock.slept == [1.0, 1.0, 1.0]


def test_a_redirect_on_the_same_host_is_followed_in_its_turn(tmp_path, nominatim):
    clock = FakeClock()
    nominatim.clock = clock
    nominatim.script = [("redirect", "/moved{path}"), ("json", pier())]
    geocoder = online(nominatim.domain, clock=clock)
    geo = geocode_story(story(tmp_path, "Pier 33"), geocoder=geocoder, today=TODAY)
    assert [s.path for s in nominatim.seen] == ["/search", "/moved/search"]
    assert nominatim.spacing() == [1.0] and geocoder.requests == 2
    assert (geo.places["p0"].lat, geo.places["p0"].lon) == (43.1141, 131.893)


def test_cli_a_redirect_loop_makes_four_requests_a_second_apart(tmp_path, nominatim):
    nominatim.script = [("redirect", "{path}")]
    write_story(tmp_path, nominatim.domain, ["Pier 33"])
    out = mapgen("build", str(tmp_path))
    assert out.returncode == 2
    assert said(out.stderr) == [
        f"{tmp_path / 'places.yaml'}:10:5: cannot look up 'Pier 33': nominatim: unexpected"
        " answer (more than 3 redirects; not followed)"
    ]
    assert len(nominatim.seen) == 4
    assert all(gap >= 1.0 for gap in nominatim.spacing()), nominatim.spacing()
    assert entries(tmp_path) == []


@pytest.mark.parametrize("where", ["another port", "another name"])
def test_cli_a_redirect_to_another_host_is_not_followed(tmp_path, nominatim, elsewhere, where):
    port = nominatim.server.server_address[1]
    target = elsewhere.domain if where == "another port" else f"localhost:{port}"
    nominatim.script = [("redirect", f"http://{target}{{path}}")]
    elsewhere.script = [("json", pier())]
    write_story(tmp_path, nominatim.domain, ["Pier 33", "Vladivostok"])
    mapgen("geocode", "--offline", str(tmp_path))  # Vladivostok, from the gazetteer
    before = (tmp_path / CACHE_NAME).read_bytes()
    out = mapgen("build", str(tmp_path))
    assert out.returncode == 2
    assert said(out.stderr) == [
        f"{tmp_path / 'places.yaml'}:10:5: cannot look up 'Pier 33': nominatim: unexpected"
        f" answer (redirected to another host, http://{target}; not followed)"
    ]
    assert len(nominatim.seen) == 1 and elsewhere.seen == []
    assert (tmp_path / CACHE_NAME).read_bytes() == before
    assert [e["query"] for e in entries(tmp_path)] == ["Vladivostok"]


HUGE = 128 * 1024 * 1024


@functools.cache
def gzip_bomb() -> bytes:
    """Pier 33's answer with a 128 MiB name, gzipped: 128 kB that decode to 128 MiB."""
    pack = zlib.compressobj(6, zlib.DEFLATED, 31)
    parts = [pack.compress(b'[{"lat": "43.1141", "lon": "131.893", "display_name": "Pier 33')]
    block = b"x" * (1 << 20)
    parts += [pack.compress(block) for _ in range(HUGE >> 20)]
    parts += [pack.compress(b'"}]'), pack.flush()]
    return b"".join(parts)


@pytest.mark.parametrize(
    "step",
    [("stream", HUGE, True), ("stream", HUGE, False), ("gzip", None)],
    ids=["announced", "unannounced", "gzip bomb"],
)
def test_a_huge_answer_is_refused_in_bounded_memory(nominatim, step):
    """A 128 MiB answer (or one that decodes to it) is refused after its first 4 MB:
    unbounded, it was held several times over (as bytes, text, JSON) and its 128 MiB
    address cached.  tracemalloc counts every Python allocation, in every thread."""
    if step[0] == "gzip":
        step = ("gzip", gzip_bomb())
        assert len(step[1]) < HUGE // 100
    nominatim.script = [step]
    geocoder = online(nominatim.domain, retries=3)
    tracemalloc.start()
    try:
        with pytest.raises(GeocoderBadAnswer) as err:
            geocoder.geocode("Pier 33")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(err.value) == "nominatim: unexpected answer (larger than 4 MB; refused)"
    assert peak < 32 * 1024 * 1024, peak
    assert len(nominatim.seen) == 1  # not retried: it would be as large again
    assert nominatim.sent < HUGE // 2  # the rest was never read


@pytest.mark.parametrize("step", [("stream", HUGE, False), ("gzip", None)], ids=["huge", "bomb"])
def test_cli_a_huge_answer_is_one_line_and_nothing_cached(tmp_path, nominatim, step):
    nominatim.script = [("gzip", gzip_bomb()) if step[0] == "gzip" else step]
    write_story(tmp_path, nominatim.domain, ["Pier 33"])
    out = mapgen("build", str(tmp_path))
    assert out.returncode == 2, out.stderr
    assert said(out.stderr) == [
        f"{tmp_path / 'places.yaml'}:10:5: cannot look up 'Pier 33': nominatim: unexpected"
        " answer (larger than 4 MB; refused)"
    ]
    assert entries(tmp_path) == [] and not (tmp_path / "output").exists()


def test_cli_a_bounding_box_of_infinities_is_no_traceback(tmp_path, nominatim):
    """How precise an answer is comes from its box when it has no ``place_rank``; a box of
    ``inf`` made ``math.cos`` raise, a traceback out of ``mapgen build``."""
    answer = pier()
    del answer[0]["place_rank"]
    answer[0]["boundingbox"] = ["inf", "inf", "0", "0"]
    nominatim.script = [("json", answer)]
    write_story(tmp_path, nominatim.domain, ["Pier 33"])
    out = mapgen("build", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert [(e["lat"], e["precision"]) for e in entries(tmp_path)] == [(43.1141, "approximate")]


@pytest.fixture
def tls_drip() -> Iterator[str]:
    """A service on 127.0.0.1 over TLS that sends its answer a byte every half second (its
    certificate, in tests/data, is not checked: the deadline is what is tested)."""
    listener = socket.create_server(("127.0.0.1", 0))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ROOT / "tests" / "data" / "tls-127.0.0.1.pem")
    answer = json.dumps(pier()).encode()
    whole = b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer)

    def one(conn: socket.socket) -> None:
        with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True) as tls:
            tls.recv(65536)
            until = time.monotonic() + DRIP_FOR
            for i in range(len(whole)):
                if time.monotonic() > until:
                    tls.sendall(whole[i:])
                    break
                tls.sendall(whole[i : i + 1])
                time.sleep(0.5)

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = listener.accept()
                threading.Thread(target=one, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def test_a_tls_answer_a_byte_at_a_time_ends_at_the_timeout(tls_drip, monkeypatch):
    """Over TLS the socket mapgen connected is taken over by the TLS layer; the deadline
    must still end the request while its status line is arriving.  Unbounded, it takes
    DRIP_FOR (20) seconds."""
    from geopy.geocoders import options

    unchecked = ssl.create_default_context()
    unchecked.check_hostname = False
    unchecked.verify_mode = ssl.CERT_NONE
    monkeypatch.setattr(options, "default_ssl_context", unchecked)  # places.yaml cannot
    setting = GeocoderSetting(
        name="nominatim",
        contact=CONTACT,
        timeout=1,
        retries=0,
        options={"domain": tls_drip, "scheme": "https"},
    )
    start = time.monotonic()
    with pytest.raises(GeocoderTimeout, match=r"^nominatim: no answer within 1 s, on 1 try$"):
        make_geocoder(setting).geocode("Pier 33")
    assert time.monotonic() - start < DRIP_FOR  # the deadline, not the last byte, ended it


SHAPES = {
    "nominatim": lambda lat, lon: {"lat": f"{lat}", "lon": f"{lon}"},
    "photon, pelias": lambda lat, lon: {"geometry": {"coordinates": [lon, lat]}},
    "arcgis": lambda lat, lon: {"location": {"x": lon, "y": lat}},
    "google": lambda lat, lon: {"geometry": {"location": {"lat": lat, "lng": lon}}},
    "yandex": lambda lat, lon: {"Point": {"pos": f"{lon} {lat}"}},
    "here": lambda lat, lon: {"Location": {"DisplayPosition": {"Latitude": lat, "Longitude": lon}}},
    "maptiler": lambda lat, lon: {"center": [lon, lat]},
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_a_position_is_the_one_the_answer_states(shape):
    """geopy reads each service's position from its own keys; mapgen checks the position
    it got is the one stated there (a missing one became 0, one out of range was wrapped)."""
    from geopy.location import Location

    from mapgen.geo.ratelimit import position_problem

    assert (
        position_problem(Location("Pier 33", (43.1141, 131.893), shape(43.1141, 131.893))) is None
    )
    # geopy made 0 of a missing latitude; or wrapped a longitude of 491.893.
    assert position_problem(Location("Pier 33", (0, 131.893), shape(None, 131.893))) is not None
    wrapped = Location("Pier 33", (43.1141, 131.893), shape(43.1141, 491.893))
    assert position_problem(wrapped) is not None
    # An answer with no position keys at all (DataBC keeps only its properties) is judged
    # by its position alone: (0, 0) is what a missing one becomes.
    assert position_problem(Location("Pier 33", (43.1141, 131.893), {})) is None
    assert position_problem(Location("Pier 33", (0, 0), {"name": "x"})) == "no coordinates"


# ------------------------------------------------------------------ the library's keywords


def local_nominatim(domain: str) -> GeocoderSetting:
    """A whole setting a library caller hands ``mapgen.build``: the fake service."""
    return GeocoderSetting(
        name="nominatim", contact=CONTACT, retries=0, options={"domain": domain, "scheme": "http"}
    )


def test_build_asks_the_geocoder_its_keyword_names_and_none_when_offline(tmp_path, nominatim):
    """``mapgen.build(path, geocoder=...)`` goes online with no ``geocoder:`` in the story
    (the ContextVar the command line set could not be reached from the library), and
    ``offline=True`` keeps it offline."""
    import mapgen

    nominatim.script = [("json", pier("Pier 33"))]
    write_story(tmp_path, nominatim.domain, ["Pier 33", "Vladivostok"])
    text = (tmp_path / "places.yaml").read_text(encoding="utf-8")
    head, rest = text.split("geocoder:\n")
    (tmp_path / "places.yaml").write_text(head + rest[rest.index("sources:") :], encoding="utf-8")
    assert "geocoder" not in (tmp_path / "places.yaml").read_text(encoding="utf-8")
    setting = local_nominatim(nominatim.domain)
    for keywords in ({}, {"geocoder": setting, "offline": True}):
        with pytest.raises(StoryError, match="cannot find 'Pier 33'"):
            mapgen.build(tmp_path, cdn=True, **keywords)
    assert nominatim.seen == []
    result = mapgen.build(tmp_path, geocoder=setting, cdn=True)
    assert len(nominatim.seen) == 1 and nominatim.seen[0].query["q"] == ["Pier 33"]
    assert result.geocoding is not None and result.geocoding.tally["nominatim"] == 1
    assert result.geocoding.geocoder is not None and result.geocoding.geocoder.requests == 1
    assert "131.893" in result.geojson.read_text(encoding="utf-8")


def test_build_offline_keyword_overrides_the_story_setting(tmp_path, nominatim):
    """A story's ``geocoder:`` goes online unless ``offline=True`` (or options that say
    so); ``geocoder="nominatim"`` names the story's own service and keeps its server."""
    import mapgen
    from mapgen.pipeline.options import BuildOptions

    nominatim.script = [("json", pier("Pier 33"))]
    write_story(tmp_path, nominatim.domain, ["Pier 33"])
    with pytest.raises(StoryError, match="cannot find 'Pier 33'"):
        mapgen.build(tmp_path, offline=True, cdn=True)
    with pytest.raises(StoryError, match="cannot find 'Pier 33'"):
        mapgen.check(tmp_path, options=BuildOptions(offline=True))
    assert nominatim.seen == []
    result = mapgen.build(
        tmp_path, options=BuildOptions(offline=True), offline=False, geocoder="Nominatim", cdn=True
    )
    assert len(nominatim.seen) == 1 and result.geocoding is not None
    assert result.geocoding.tally == {"nominatim": 1}

"""A story from a stranger cannot send this machine's secrets anywhere.

``geocoder:`` in places.yaml names the environment variable holding an API key and may name
the server to ask.  Before, a story saying ``api_key_env: AWS_SECRET_ACCESS_KEY`` and
``domain:`` its own server received that secret as the key of every request.  Now a key is
read only from a variable meant for it, and neither a key nor ``$MAPGEN_CONTACT`` is sent to
a server the story names; a story cannot set how this machine connects (``proxies``).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mapgen.core.errors import GeocoderNotConfigured
from mapgen.geo.online import make_geocoder
from mapgen.story.geocoder import GeocoderSetting, check_key_env, story_server

SECRET = "s3cr3t-never-to-leave"


@pytest.fixture
def listener():
    """A server on 127.0.0.1 that records every request line it gets."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            seen.append(self.path + " " + str(self.headers))
            body = b"[]"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def _story(folder: Path, geocoder: list[str]) -> None:
    (folder / "seeds").mkdir(parents=True)
    (folder / "seeds" / "a.txt").write_text("Talks were held in Nowhereville Xyzzy.\n")
    lines = [
        "title: t",
        "geocoder:",
        *("  " + line for line in geocoder),
        "sources:",
        "  - {id: a, file: seeds/a.txt, title: A}",
        "places:",
        "  - id: p",
        "    name: Nowhereville Xyzzy",
        "    kind: site",
        "    quotes: [{source: a, text: Talks were held in Nowhereville Xyzzy.}]",
    ]
    (folder / "places.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _build(folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "mapgen", "build"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
        timeout=120,
    )


def test_a_story_cannot_read_any_environment_variable_as_its_key(tmp_path, listener):
    domain, seen = listener
    _story(
        tmp_path,
        [
            "name: opencage",
            "api_key_env: AWS_SECRET_ACCESS_KEY",
            f"options: {{domain: '{domain}', scheme: http}}",
        ],
    )
    out = _build(tmp_path, AWS_SECRET_ACCESS_KEY=SECRET)
    assert out.returncode == 2
    assert out.stderr.startswith("places.yaml:4:16: geocoder: api_key_env must name a variable")
    assert "OPENCAGE_API_KEY" in out.stderr and "Traceback" not in out.stderr
    assert seen == []  # nothing was asked, so nothing was sent
    assert not (tmp_path / "output").exists()


def test_a_key_is_never_sent_to_a_server_the_story_names():
    setting = GeocoderSetting(
        name="opencage", api_key_env="OPENCAGE_API_KEY", options={"domain": "maps.example.org"}
    )
    with pytest.raises(GeocoderNotConfigured, match=r"not to maps\.example\.org"):
        make_geocoder(setting, environ={"OPENCAGE_API_KEY": SECRET})
    # The service's own address gets it.
    own = GeocoderSetting(name="opencage", api_key_env="OPENCAGE_API_KEY")
    assert make_geocoder(own, environ={"OPENCAGE_API_KEY": SECRET}).geocoder.api_key == SECRET


def test_the_machines_contact_is_not_sent_to_a_server_the_story_names():
    foreign = GeocoderSetting(name="nominatim", options={"domain": "maps.example.org"})
    with pytest.raises(GeocoderNotConfigured, match=r"\$MAPGEN_CONTACT is not sent to maps"):
        make_geocoder(foreign, environ={"MAPGEN_CONTACT": "me@home.example"})
    # The story's own contact is the story's to give; a local server is this machine's own.
    named = GeocoderSetting(
        name="nominatim", contact="desk@story.example", options={"domain": "maps.example.org"}
    )
    agent = make_geocoder(named, environ={"MAPGEN_CONTACT": "me@home.example"}).geocoder.headers
    assert "desk@story.example" in agent["User-Agent"] and "me@home" not in agent["User-Agent"]
    local = GeocoderSetting(name="nominatim", options={"domain": "127.0.0.1:8080"})
    agent = make_geocoder(local, environ={"MAPGEN_CONTACT": "me@home.example"}).geocoder.headers
    assert "me@home.example" in agent["User-Agent"]


@pytest.mark.parametrize("option", ["proxies", "ssl_context", "adapter_factory"])
def test_a_story_cannot_set_how_this_machine_connects(tmp_path, option):
    _story(tmp_path, ["name: photon", f"options: {{{option}: 'http://127.0.0.1:9'}}"])
    out = _build(tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith("places.yaml:4:")
    assert f"`{option}` decides how this machine connects" in out.stderr


@pytest.mark.parametrize(
    ("service", "variable", "allowed"),
    [
        ("opencage", "OPENCAGE_API_KEY", True),
        ("opencage", "MAPGEN_OPENCAGE_KEY", True),
        ("googlev3", "GOOGLEV3_API_KEY", True),
        ("opencage", "AWS_SECRET_ACCESS_KEY", False),
        ("opencage", "GITHUB_TOKEN", False),
        ("opencage", "HOME", False),
        ("opencage", "OPENCAGEX_KEY", False),
    ],
)
def test_which_variables_a_story_may_read(service, variable, allowed):
    assert (check_key_env(service, variable) is None) is allowed


@pytest.mark.parametrize(
    ("domain", "server"),
    [
        ("127.0.0.1:8080", None),
        ("localhost", None),
        ("[::1]:7070", None),
        ("maps.example.org", "maps.example.org"),
        ("127.0.0.1.example.org", "127.0.0.1.example.org"),
        ("10.0.0.1:80", "10.0.0.1:80"),
    ],
)
def test_which_servers_are_a_storys_own(domain, server):
    assert story_server({"domain": domain}) == server


@pytest.mark.parametrize(
    ("options", "refused"),
    [
        # A URL parser reads everything before "@" as a user: the request would go to the
        # host after it (a stranger's; here 127.0.0.2, so that a regression stays local).
        ("{domain: '127.0.0.1:80@127.0.0.2', scheme: http}", "must be a host name"),
        ("{domain: 'maps.example.org/x?key=1'}", "must be a host name"),
        ("{auth_domain: evil.example}", "`auth_domain` names where requests go"),
        ("{base_url: 'https://evil.example'}", "`base_url` names where requests go"),
        ("{domain: maps.example.org, scheme: http}", "only https, or http to this machine"),
        ("{scheme: http}", "only https, or http to this machine"),
        ("{domain: 'localhost:8080', scheme: ftp}", "only https, or http to this machine"),
    ],
)
def test_a_story_says_where_requests_go_only_by_a_plain_domain(
    tmp_path, listener, options, refused
):
    _, seen = listener
    _story(
        tmp_path,
        ["name: opencage", "api_key_env: OPENCAGE_API_KEY", f"options: {options}"],
    )
    out = _build(tmp_path, OPENCAGE_API_KEY=SECRET, MAPGEN_CONTACT="me@home.example")
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("places.yaml:5:12: geocoder: "), out.stderr
    assert refused in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert seen == []


def test_a_local_server_over_http_is_still_asked(tmp_path, listener):
    domain, seen = listener
    _story(
        tmp_path,
        [
            "name: nominatim",
            "contact: desk@story.example",
            f"options: {{domain: '{domain}', scheme: http}}",
        ],
    )
    out = _build(tmp_path)
    assert len(seen) >= 1 and "desk@story.example" in seen[0]
    assert out.returncode == 2  # it answers "not found", so the build itself fails
    assert "cannot find 'Nowhereville Xyzzy' in the offline gazetteer or nominatim" in out.stderr


def test_a_long_delay_between_requests_is_a_setting_not_a_traceback():
    """geopy's rate limiter asserted on a delay over 5 s (its error wait)."""
    setting = GeocoderSetting(
        name="nominatim", contact="desk@story.example", min_delay=6, options={"domain": "localhost"}
    )
    assert make_geocoder(setting, environ={}).min_delay == 6


@pytest.mark.parametrize(
    ("line", "refused"),
    [
        ("timeout: 1000000000", "timeout must be at most 120 seconds"),
        ("min_delay: 3600", "min_delay must be at most 60 seconds"),
        ("retries: 1000", "retries must be at most 10"),
    ],
)
def test_a_story_cannot_make_a_build_wait_for_ever(tmp_path, line, refused):
    _story(tmp_path, ["name: photon", line])
    out = _build(tmp_path)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("places.yaml:4:"), out.stderr
    assert refused in out.stderr, out.stderr

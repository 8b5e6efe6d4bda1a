"""Pinned front-end files: fetched once, verified on every use, refused when they differ.

Everything here runs offline and without npm: the CDN is a local http.server on 127.0.0.1
and npm is a small fake script, except the one test that packs the real Leaflet with the
real npm where it is installed.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import os
import shutil
import socket
import sys
import tarfile
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import folium.folium
import pytest

import mapgen
from mapgen.page import assets
from mapgen.page.assets import AssetsUnavailable, AssetWarning, Package
from mapgen.page.standalone import page_assets

FAKE_FILES = {
    "dist/leaflet.js": b"window.L = {version: 'fake'};\n//# sourceMappingURL=leaflet.js.map\n",
    "dist/leaflet.css": b".a { background: url(images/layers.png); behavior: url(#default#VML); }\n",
    "dist/images/layers.png": b"\x89PNG fake",
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


FAKE = Package("fakeleaf", "0.0.1", {path: sha(data) for path, data in FAKE_FILES.items()})


class Server:
    """A local stand-in for the CDN: serves ``files`` under /fakeleaf@0.0.1/, counts hits."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.hits: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append(self.path)
                body = server.files.get(self.path.removeprefix(f"/{FAKE.spec}/"))
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def cdn() -> Iterator[Server]:
    with Server(dict(FAKE_FILES)) as server:
        yield server


def closed_port_url() -> str:
    """An address on this machine where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_leaflet_is_pinned_at_the_version_and_address_folium_uses():
    folium_leaflet = dict(folium.folium._default_js)["leaflet"]
    assert folium_leaflet == assets.LEAFLET.url("dist/leaflet.js", assets.CDN_BASE)
    folium_css = dict(folium.folium._default_css)["leaflet_css"]
    assert folium_css == assets.LEAFLET.url("dist/leaflet.css", assets.CDN_BASE)
    for package in (assets.LEAFLET, assets.WORLD_ATLAS):
        assert all(len(h) == 64 and int(h, 16) >= 0 for h in package.files.values())


def test_cdn_fetch_fills_the_cache_and_the_second_fetch_makes_no_request(cdn, tmp_path):
    first = assets.fetch(FAKE, cache=tmp_path, npm=None, cdn_base=cdn.base)
    assert set(first.sources.values()) == {"cdn"}
    assert dict(first.files) == FAKE_FILES
    assert len(cdn.hits) == len(FAKE_FILES)
    for path, data in FAKE_FILES.items():
        assert (tmp_path / FAKE.spec / path).read_bytes() == data
    second = assets.fetch(FAKE, cache=tmp_path, npm=None, cdn_base=cdn.base)
    assert set(second.sources.values()) == {"cache"}
    assert len(cdn.hits) == len(FAKE_FILES)  # no new request


def test_cdn_base_comes_from_the_environment(cdn, tmp_path, monkeypatch):
    monkeypatch.setenv("MAPGEN_CDN_BASE", cdn.base)
    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(tmp_path / "cache"))
    fetched = assets.fetch(FAKE, npm=None)
    assert set(fetched.sources.values()) == {"cdn"}
    assert (tmp_path / "cache" / FAKE.spec / "dist" / "leaflet.js").exists()


def test_a_file_whose_hash_differs_is_refused_and_never_cached(tmp_path):
    tampered = {**FAKE_FILES, "dist/leaflet.js": b"window.L = 'evil';"}
    with Server(tampered) as server, pytest.raises(AssetsUnavailable) as caught:
        assets.fetch(FAKE, cache=tmp_path, npm=None, cdn_base=server.base)
    assert "dist/leaflet.js" in str(caught.value) and "sha256" in str(caught.value)
    assert "refused" in str(caught.value)
    assert not (tmp_path / FAKE.spec / "dist" / "leaflet.js").exists()


def test_a_cached_file_is_verified_on_every_use(cdn, tmp_path):
    assets.fetch(FAKE, cache=tmp_path, npm=None, cdn_base=cdn.base)
    cached = tmp_path / FAKE.spec / "dist" / "leaflet.js"
    cached.write_bytes(b"window.L = 'changed on disk';")
    again = assets.fetch(FAKE, cache=tmp_path, npm=None, cdn_base=cdn.base)
    assert again.sources["dist/leaflet.js"] == "cdn"  # the cached copy was not used ...
    assert again.files["dist/leaflet.js"] == FAKE_FILES["dist/leaflet.js"]
    assert cached.read_bytes() == FAKE_FILES["dist/leaflet.js"]  # ... and is repaired
    assert again.sources["dist/leaflet.css"] == "cache"


def test_no_source_raises_with_what_each_source_said(tmp_path):
    with pytest.raises(AssetsUnavailable) as caught:
        assets.fetch(FAKE, cache=tmp_path, npm=None, cdn_base=closed_port_url(), timeout=5)
    reasons = caught.value.reasons
    assert any(r.startswith("npm:") for r in reasons)
    assert any(r.startswith("cdn:") for r in reasons)


def test_two_fetches_at_once_into_an_empty_cache(cdn, tmp_path):
    results: list[object] = []

    def run() -> None:
        try:
            results.append(assets.fetch(FAKE, cache=tmp_path, npm=None, cdn_base=cdn.base))
        except Exception as exc:  # pragma: no cover - reported by the assert below
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(r, assets.Fetched) for r in results), results
    for path, data in FAKE_FILES.items():
        assert (tmp_path / FAKE.spec / path).read_bytes() == data
    assert not [p for p in (tmp_path / FAKE.spec).rglob("*.tmp")]


# --------------------------------------------------------------------------- npm


def fake_tarball(members: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return gzip.compress(raw.getvalue(), mtime=0)


def fake_npm(tmp_path: Path, tarball: bytes) -> str:
    """An ``npm`` that answers ``npm pack SPEC ... --pack-destination DIR`` with ``tarball``."""
    data = tmp_path / "fake.tgz"
    data.write_bytes(tarball)
    script = tmp_path / "bin" / "npm"
    script.parent.mkdir()
    script.write_text(
        f"#!{sys.executable}\n"
        "import shutil, sys\n"
        "args = sys.argv[1:]\n"
        "assert args[0] == 'pack', args\n"
        "dest = args[args.index('--pack-destination') + 1]\n"
        f"shutil.copy({str(data)!r}, dest + '/fakeleaf-0.0.1.tgz')\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return str(script)


def test_npm_pack_is_read_without_extracting_and_links_are_ignored(tmp_path):
    members = {f"package/{p}": d for p, d in FAKE_FILES.items() if p != "dist/leaflet.css"}
    members["package/../../escaped.css"] = b"evil"
    tarball = fake_tarball(members, links={"package/dist/leaflet.css": "/etc/passwd"})
    npm = fake_npm(tmp_path, tarball)
    with pytest.raises(AssetsUnavailable) as caught:
        assets.fetch(FAKE, cache=tmp_path / "cache", npm=npm, cdn_base="")
    # The two regular files came from npm and were cached; the link was not followed.
    cached = tmp_path / "cache" / FAKE.spec
    assert (cached / "dist" / "leaflet.js").read_bytes() == FAKE_FILES["dist/leaflet.js"]
    assert not (cached / "dist" / "leaflet.css").exists()
    assert "cdn: not used" in caught.value.reasons
    assert not list(tmp_path.rglob("escaped.css"))


def test_npm_then_cdn_for_what_npm_lacked(cdn, tmp_path):
    members = {"package/dist/leaflet.js": FAKE_FILES["dist/leaflet.js"]}
    npm = fake_npm(tmp_path, fake_tarball(members))
    fetched = assets.fetch(FAKE, cache=tmp_path / "cache", npm=npm, cdn_base=cdn.base)
    assert fetched.sources == {
        "dist/leaflet.js": "npm",
        "dist/leaflet.css": "cdn",
        "dist/images/layers.png": "cdn",
    }


def test_a_failing_npm_is_reported_by_its_reason(tmp_path):
    script = tmp_path / "npm"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "sys.stderr.write('npm error code E404\\nnpm error 404 Not Found - fakeleaf\\n'\n"
        "                 'npm error A complete log of this run can be found in: /x.log\\n')\n"
        "sys.exit(1)\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    with pytest.raises(AssetsUnavailable) as caught:
        assets.fetch(FAKE, cache=tmp_path / "cache", npm=str(script), cdn_base="")
    assert "npm: npm pack fakeleaf@0.0.1 failed: 404 Not Found - fakeleaf" in caught.value.reasons


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_real_npm_gives_up_quickly_when_the_registry_is_out_of_reach(tmp_path, monkeypatch):
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", closed_port_url() + "/")
    monkeypatch.setenv("NPM_CONFIG_CACHE", str(tmp_path / "npm-cache"))
    started = time.monotonic()
    with pytest.raises(AssetsUnavailable) as caught:
        assets.fetch(assets.LEAFLET, cache=tmp_path / "cache", cdn_base="", shipped=False)
    assert time.monotonic() - started < 30  # npm's default retries take 70 s
    assert any("ECONNREFUSED" in r for r in caught.value.reasons), caught.value.reasons


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_real_npm_pack_gives_the_pinned_leaflet(tmp_path):
    fetched = assets.fetch(assets.LEAFLET, cache=tmp_path, cdn_base="", shipped=False)
    assert set(fetched.sources.values()) == {"npm"}
    assert fetched.text("dist/leaflet.js").count("Leaflet 1.9.3") == 1


# --------------------------------------------------------------------------- inlining


def test_inlined_css_has_data_uris_and_the_source_map_comment_goes(cdn, tmp_path):
    fetched = assets.fetch(FAKE, cache=tmp_path, npm=None, cdn_base=cdn.base)
    inline = assets.inline_leaflet(fetched)
    assert "sourceMappingURL" not in inline.js
    assert "url(images/" not in inline.css
    assert 'url("data:image/png;base64,' in inline.css
    assert "url(#default#VML)" in inline.css


def test_inlining_refuses_an_image_that_is_not_pinned(cdn, tmp_path):
    extra = {**FAKE_FILES, "dist/leaflet.css": b".a { background: url(images/other.png); }"}
    package = Package("fakeleaf", "0.0.1", {p: sha(d) for p, d in extra.items()})
    with Server(extra) as server:
        fetched = assets.fetch(package, cache=tmp_path, npm=None, cdn_base=server.base)
    with pytest.raises(ValueError, match=r"images/other\.png.*not pinned"):
        assets.inline_leaflet(fetched)


def test_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(tmp_path / "a"))
    assert assets.cache_dir() == tmp_path / "a"
    monkeypatch.delenv("MAPGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert assets.cache_dir() == tmp_path / "xdg" / "mapgen"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert assets.cache_dir() == tmp_path / "home" / ".cache" / "mapgen"


# --------------------------------------------------------------------------- no source at all


@pytest.fixture
def offline(tmp_path, monkeypatch) -> None:
    """No xstatic-leaflet (as after ``pip install --no-deps``), an empty cache, no npm on
    PATH, and a CDN address where nothing answers."""
    monkeypatch.setitem(sys.modules, "xstatic.pkg.leaflet", None)  # import refused
    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(tmp_path / "empty-cache"))
    empty = tmp_path / "no-npm"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("MAPGEN_CDN_BASE", closed_port_url())


def test_no_source_still_builds_with_cdn_links_and_one_warning(offline, seed_story, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = mapgen.build(seed_story, tmp_path / "out")
    messages = [str(w.message) for w in caught if issubclass(w.category, AssetWarning)]
    assert len(messages) == 1, messages
    assert "not self-contained" in messages[0] and "Leaflet" in messages[0]
    assert result.self_contained is False
    page = result.html.read_text(encoding="utf-8")
    assert f'<script src="{os.environ["MAPGEN_CDN_BASE"]}/leaflet@1.9.3/dist/leaflet.js"' in page
    assert 'integrity="sha256-' in page
    assert "jquery" not in page.lower()
    assert page.count('<p class="mg-notice" role="alert">This map is incomplete') == 1


def test_no_source_cli_warns_on_stderr(offline, seed_story):
    from click.testing import CliRunner

    from mapgen.cli.main import main

    result = CliRunner().invoke(main, ["build", str(seed_story)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("warning: the map is not self-contained") == 1
    assert "map.html" in result.stdout


def test_cdn_mode_fetches_nothing(offline):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no AssetWarning: nothing was attempted
        found = page_assets(cdn=True)
    assert found.leaflet is None and found.outlines is None
    assert not Path(os.environ["MAPGEN_CACHE_DIR"]).exists()

"""The front-end files the page needs, pinned by version and SHA-256, cached per user.

The page needs Leaflet and nothing else: markers are inline SVG, popups and tooltips are
Leaflet's own, and none of folium's other defaults (jQuery, Bootstrap, Font Awesome,
glyphicons, awesome-markers) is used.  Its outline basemap is drawn from Natural Earth's
countries as the ``world-atlas`` package publishes them.  Each file is pinned here by its
package version and the SHA-256 of its bytes.  :func:`fetch` finds them, in this order:

0. the installed Python packages (:class:`Shipped`): Leaflet from the ``xstatic-leaflet``
   dependency, the basemap's ``countries-110m.json`` from mapgen's own wheel
   (``mapgen/page/data/``).  A ``pip install`` is therefore enough: no npm, no network;
1. the user cache folder (:func:`cache_dir`): ``$MAPGEN_CACHE_DIR``, else
   ``$XDG_CACHE_HOME/mapgen``, else ``~/.cache/mapgen``; one sub-folder per pinned version;
2. ``npm pack NAME@VERSION``, when the ``npm`` client is on ``PATH``: the published package;
3. the CDN address folium itself links (``$MAPGEN_CDN_BASE`` points elsewhere, for tests).

The later sources stay as fallbacks for an install without the dependency (``pip install
--no-deps``) or a pin moved ahead of the Python packages; :mod:`tests.axe` uses them for
axe-core, which no Python package ships.
Every file is checked against its pinned hash on every use, the shipped and cached copies included; a
file whose hash differs is never used.  Files found are written to the cache atomically, so
two builds may fill it at once.  When no source has a file, :func:`fetch` raises
:class:`AssetsUnavailable` saying what each source answered.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib.resources
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import MapgenError
from ..core.fsutil import atomic_write

#: Where folium 0.20 links its front-end packages from (``folium.folium._default_js``).
CDN_BASE = "https://cdn.jsdelivr.net/npm"
#: Seconds to wait for one download, and for the whole ``npm pack``.
TIMEOUT = 30.0
NPM_TIMEOUT = 120.0
#: No pinned file is anywhere near this; a larger answer is not read to the end.
MAX_FILE_BYTES = 4 * 1024 * 1024

_MIME = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}


@dataclass(frozen=True)
class Shipped:
    """Where an installed Python package carries an npm package's files: the package's
    importable name and its folder that stands for the npm package's ``prefix``."""

    module: str
    folder: str = ""
    prefix: str = ""

    def read(self, path: str) -> bytes:
        """The file's bytes as installed (OSError/ImportError when it is not there)."""
        if not path.startswith(self.prefix):
            raise FileNotFoundError(path)
        inside = "/".join(part for part in (self.folder, path[len(self.prefix) :]) if part)
        node = importlib.resources.files(self.module)
        for part in inside.split("/"):
            node = node.joinpath(part)
        return node.read_bytes()


@dataclass(frozen=True)
class Package:
    """An npm package at one version, and the files of it mapgen uses, each with its hash."""

    name: str
    version: str
    #: Path inside the package (as in its tarball, without the ``package/`` folder) -> sha256.
    files: Mapping[str, str]
    #: The installed Python package that carries the same files, if any (tried first).
    shipped: Shipped | None = None

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"

    def url(self, path: str, base: str | None = None) -> str:
        """The file's CDN address (folium's CDN unless ``base`` or ``$MAPGEN_CDN_BASE``)."""
        base = base or os.environ.get("MAPGEN_CDN_BASE") or CDN_BASE
        return f"{base.rstrip('/')}/{self.spec}/{path}"

    def integrity(self, path: str) -> str:
        """The pinned hash as a Subresource Integrity value (``sha256-...``)."""
        return "sha256-" + base64.b64encode(bytes.fromhex(self.files[path])).decode("ascii")


#: Leaflet at the version folium 0.20 pins, and the images its CSS refers to.
LEAFLET = Package(
    "leaflet",
    "1.9.3",
    {
        "dist/leaflet.js": "5819285cec137b229c94e1ee5ad73e8b6b84345a4367d60f75fe477fe0fb7b03",
        "dist/leaflet.css": "90b693d86392a4779c861b28cf307e7e59c3fb35328c4d8b95f58f814d38c722",
        "dist/images/layers.png": "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6",
        "dist/images/layers-2x.png": "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf",
        "dist/images/marker-icon.png": "574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437",
    },
    # xstatic-leaflet 1.9.3.0 carries Leaflet's dist/ folder as data/, byte for byte.
    Shipped("xstatic.pkg.leaflet", "data", "dist/"),
)


#: Natural Earth's 1:110m countries and land, as TopoJSON: the outline basemap's data.
WORLD_ATLAS = Package(
    "world-atlas",
    "2.0.2",
    {"countries-110m.json": "2516c915867c7baf18ddec727aec46c315541a07cfb3d79a6559b05d5e94eee8"},
    # Copied into mapgen's wheel with world-atlas's ISC notice (data/LICENSE-world-atlas.txt).
    Shipped("mapgen.page", "data"),
)


class AssetsUnavailable(MapgenError):
    """No source had the pinned files; ``reasons`` says what each source answered."""

    def __init__(self, package: Package, reasons: list[str]):
        self.package = package
        self.reasons = list(reasons)
        super().__init__(f"{package.spec} unavailable: " + "; ".join(self.reasons))


class HashMismatch(ValueError):
    """A file's bytes are not the ones pinned: refused."""


@dataclass(frozen=True)
class Fetched:
    """A package's pinned files, every one verified, and where each came from."""

    package: Package
    files: Mapping[str, bytes]
    #: path -> "package" (an installed Python package), "cache", "npm" or "cdn".
    sources: Mapping[str, str]

    def text(self, path: str) -> str:
        return self.files[path].decode("utf-8")

    def data_uri(self, path: str) -> str:
        mime = _MIME.get(Path(path).suffix, "application/octet-stream")
        return f"data:{mime};base64," + base64.b64encode(self.files[path]).decode("ascii")


def cache_dir() -> Path:
    """The user cache folder: ``$MAPGEN_CACHE_DIR``, ``$XDG_CACHE_HOME/mapgen``, ``~/.cache/mapgen``."""
    if os.environ.get("MAPGEN_CACHE_DIR"):
        return Path(os.environ["MAPGEN_CACHE_DIR"]).expanduser()
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]).expanduser() / "mapgen"
    return Path.home() / ".cache" / "mapgen"


def verify(package: Package, path: str, data: bytes) -> bytes:
    """``data`` if its SHA-256 is the one pinned for ``path``; :class:`HashMismatch` if not."""
    digest = hashlib.sha256(data).hexdigest()
    if digest != package.files[path]:
        raise HashMismatch(
            f"{package.spec}/{path}: sha256 {digest} is not the pinned {package.files[path]}"
        )
    return data


def fetch(
    package: Package = LEAFLET,
    *,
    cache: str | os.PathLike[str] | None = None,
    npm: str | None = "npm",
    cdn_base: str | None = None,
    timeout: float = TIMEOUT,
    shipped: bool = True,
) -> Fetched:
    """The package's pinned files, from the installed Python packages, else the cache, else
    ``npm pack``, else the CDN.

    ``shipped=False`` skips the installed packages (to test the fallbacks); ``npm`` is the npm command (None: do not use npm); ``cdn_base`` replaces the CDN's
    address (None: ``$MAPGEN_CDN_BASE`` or folium's CDN; "": do not use a CDN).  Raises
    :class:`AssetsUnavailable` if some pinned file could not be had with the right hash.
    """
    folder = (Path(cache) if cache is not None else cache_dir()) / package.spec
    files: dict[str, bytes] = {}
    sources: dict[str, str] = {}
    reasons: list[str] = []

    if shipped and package.shipped is not None:
        for path in package.files:
            try:
                files[path] = verify(package, path, package.shipped.read(path))
                sources[path] = "package"
            except (OSError, ImportError, HashMismatch) as exc:
                reasons.append(f"{package.shipped.module}: {path}: {exc}")
                break  # one missing file says the installed package will not do
    for path in package.files:
        if path in files:
            continue
        with contextlib.suppress(OSError, HashMismatch):
            files[path] = verify(package, path, (folder / path).read_bytes())
            sources[path] = "cache"

    def missing() -> list[str]:
        return [p for p in package.files if p not in files]

    def keep(found: Mapping[str, bytes], source: str) -> None:
        for path, data in found.items():
            try:
                files[path] = verify(package, path, data)
            except HashMismatch as exc:
                reasons.append(f"{source}: {exc}; refused")
                continue
            sources[path] = source
            _store(folder / path, data, reasons)

    if missing():
        npm_path = shutil.which(npm) if npm else None
        if npm_path is None:
            reasons.append("npm: not found on PATH" if npm else "npm: not used")
        else:
            try:
                keep(_npm_pack(npm_path, package, missing()), "npm")
            except (OSError, ValueError, subprocess.SubprocessError, tarfile.TarError) as exc:
                reasons.append(f"npm: {exc}")
    if missing():
        if cdn_base == "":
            reasons.append("cdn: not used")
        else:
            found: dict[str, bytes] = {}
            for path in missing():
                url = package.url(path, cdn_base)
                try:
                    found[path] = _download(url, timeout)
                except (OSError, ValueError) as exc:
                    reasons.append(f"cdn: {url}: {getattr(exc, 'reason', None) or exc}")
                    break  # one failure is enough to know the CDN is out of reach
            keep(found, "cdn")
    if missing():
        raise AssetsUnavailable(package, reasons)
    return Fetched(package, {p: files[p] for p in package.files}, sources)


def _store(target: Path, data: bytes, reasons: list[str]) -> None:
    """Cache a verified file; a cache that cannot be written costs a fetch next time."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)
    except OSError as exc:
        reasons.append(f"cache: cannot write {target}: {exc.strerror or exc}")


#: npm's own retries take 70 s to give up when offline; one quick retry is enough.
_NPM_RETRIES = (
    "--fetch-retries=1",
    "--fetch-retry-mintimeout=1000",
    "--fetch-retry-maxtimeout=4000",
)


def _npm_pack(npm: str, package: Package, paths: list[str]) -> dict[str, bytes]:
    """The wanted files out of the package's published tarball, read without extracting it."""
    env = dict(os.environ, NPM_CONFIG_UPDATE_NOTIFIER="false", NPM_CONFIG_FUND="false")
    with tempfile.TemporaryDirectory(prefix="mapgen-npm-") as tmp:
        done = subprocess.run(
            [
                npm,
                "pack",
                package.spec,
                "--json",
                "--ignore-scripts",
                "--pack-destination",
                tmp,
                *_NPM_RETRIES,
            ],
            cwd=tmp,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=NPM_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise ValueError(f"npm pack {package.spec} failed: {_npm_error(done.stderr)}")
        tarballs = sorted(Path(tmp).glob("*.tgz"))
        if len(tarballs) != 1:
            raise ValueError(f"npm pack {package.spec} left {len(tarballs)} tarballs")
        return read_tarball(tarballs[0], paths)


def _npm_error(stderr: bytes) -> str:
    """The telling line of npm's error output (the reason, not the log file's name)."""
    lines = [
        line.removeprefix("npm error").removeprefix("npm ERR!").strip()
        for line in stderr.decode("utf-8", "replace").splitlines()
    ]
    lines = [line for line in lines if line and "complete log of this run" not in line]
    telling = [line for line in lines if "reason:" in line or line.startswith("404")]
    return (telling or lines or ["no message"])[0]


def read_tarball(tarball: str | os.PathLike[str], paths: list[str]) -> dict[str, bytes]:
    """The regular files ``paths`` (relative to the tarball's top folder) from an npm tarball.

    Nothing is extracted to disk, so a member's name cannot place a file anywhere; links,
    devices and oversized members are skipped.
    """
    wanted = set(paths)
    found: dict[str, bytes] = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar:
            parts = member.name.replace("\\", "/").split("/", 1)
            if len(parts) != 2 or parts[1] not in wanted or parts[1] in found:
                continue
            if not member.isreg() or member.size > MAX_FILE_BYTES:
                continue
            stream = tar.extractfile(member)
            if stream is not None:
                found[parts[1]] = stream.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES]
    return found


def _download(url: str, timeout: float) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"not an http(s) address: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": "mapgen"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data = response.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"{url}: larger than {MAX_FILE_BYTES} bytes")
    return data


# --------------------------------------------------------------------------- the page's files

_CSS_URL = re.compile(r"url\((['\"]?)([^'\")]+)\1\)")


@dataclass(frozen=True)
class Leaflet:
    """Leaflet's script and stylesheet, ready to inline: the CSS's images as data URIs."""

    js: str
    css: str


def inline_leaflet(fetched: Fetched) -> Leaflet:
    """Leaflet's JS and CSS as text for ``<script>`` and ``<style>`` elements.

    The CSS's ``url(images/...)`` become data URIs (a reference to an image that is not
    pinned is an error, not a silent network request), and the source-map comment goes.
    """
    package = fetched.package
    js = fetched.text("dist/leaflet.js")
    js = re.sub(r"\n?//# sourceMappingURL=\S*\s*$", "\n", js)

    def data_uri(match: re.Match[str]) -> str:
        ref = match.group(2)
        if ref.startswith(("#", "data:")):
            return match.group(0)
        path = os.path.normpath(os.path.join("dist", ref)).replace(os.sep, "/")
        if path not in package.files:
            raise ValueError(
                f"{package.spec}/dist/leaflet.css refers to {ref}, which is not pinned"
            )
        return f'url("{fetched.data_uri(path)}")'

    css = _CSS_URL.sub(data_uri, fetched.text("dist/leaflet.css"))
    if re.search(r"</script", js, re.I) or re.search(r"</style", css, re.I):
        raise ValueError(f"{package.spec} cannot be inlined: it closes its own element")
    return Leaflet(js=js.strip() + "\n", css=css.strip() + "\n")


def leaflet_cdn_tags(package: Package = LEAFLET, cdn_base: str | None = None) -> str:
    """``<script>`` and ``<link>`` tags loading Leaflet from the CDN, with its pinned hashes."""
    js, css = "dist/leaflet.js", "dist/leaflet.css"
    return (
        f'<script src="{package.url(js, cdn_base)}" integrity="{package.integrity(js)}"'
        ' crossorigin="anonymous"></script>\n'
        f'<link rel="stylesheet" href="{package.url(css, cdn_base)}"'
        f' integrity="{package.integrity(css)}" crossorigin="anonymous"/>\n'
    )


class AssetWarning(UserWarning):
    """The page could not be made self-contained; it links its front-end files instead."""


class NotSelfContained(MapgenError):
    """The build was asked for a whole page (``require_offline``) and cannot make one."""

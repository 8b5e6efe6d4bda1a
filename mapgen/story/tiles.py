"""The ``tiles:`` of places.yaml (and ``--tiles``): which tile server the page's background
comes from, checked when the story is read, before anything is built.

A story names a provider xyzservices knows (``Esri.WorldImagery``), or gives a URL template
with the attribution its owner asks for (``{url: https://.../{z}/{x}/{y}.png, attribution:
...}``), or ``none``: the page's own offline outlines only, which is also what a story
that says nothing gets (a published news map may use them without anyone's permission;
see docs/page.md).  A key is never written here: ``api_key_env`` names the environment
variable holding it (``MAPGEN_...`` or the service's own prefix, as for a geocoder), read
when the page is built (:mod:`mapgen.page.tiles`).

The provider is looked up here and in the page only; xyzservices (a thousand providers
read from JSON) is imported where a story names one.
"""

from __future__ import annotations

import difflib
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from ..core.errors import Pos, Problem, StoryError
from . import fields
from .checker import BAD, Checker, KeySpec
from .convert import converter, read_text
from .geocoder import SECRET_OPTIONS, check_key_env
from .yamlguard import TAG, parse

__all__ = ["NONE", "TileSetting", "provider_problem", "read_tiles", "tiles_option"]

#: The ``tiles:`` that asks for no tile server: the offline outlines alone.
NONE = "none"
#: The placeholders a URL template may hold: Leaflet's, and where the key goes.
PLACEHOLDERS = frozenset({"z", "x", "y", "-y", "s", "r", "apikey"})
#: What a URL template may be made of: an http(s) address of plain URL characters (no
#: quotes, spaces, angle brackets or backslashes: it goes into the page's script) and
#: ``{placeholder}`` s.
_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?/[A-Za-z0-9._~/?&=%+,;:@!$-]*\Z")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
#: Query parameters that hold a key: written in places.yaml, the key would be published.
_KEY_PARAMS = frozenset(SECRET_OPTIONS | {"accesstoken", "api-key", "apikey"})


@dataclass(frozen=True)
class TileSetting:
    """The page's tiles: a provider's ``name`` or a ``url`` template (with its
    ``attribution``), and the environment variable holding its key, if it needs one.
    Neither name nor url: no tiles, the offline outlines alone."""

    name: str | None = None
    url: str | None = None
    attribution: str | None = None
    api_key_env: str | None = None
    max_zoom: int | None = None
    #: Where it was written (places.yaml's line and column), for problems found at build
    #: time (an unset key variable).
    pos: Pos | None = None

    @property
    def empty(self) -> bool:
        """True for ``tiles: none``: no tile server at all."""
        return self.name is None and self.url is None


def provider_names() -> list[str]:
    """Every provider xyzservices knows, by its full name (``Esri.WorldImagery``)."""
    import xyzservices.providers as xyz  # only where a story names tiles: it reads 1,000

    return sorted(xyz.flatten())


def find_provider(name: str) -> Any:
    """xyzservices' provider called ``name`` (any case, dots or spaces), or None."""
    import xyzservices.providers as xyz  # only where a story names tiles: it reads 1,000

    try:
        return xyz.query_name(name)
    except ValueError:
        return None


def token_key(provider: Any) -> str | None:
    """The option of ``provider`` its key goes in (``apikey``, ``key``, ``accessToken``), if
    it needs one: xyzservices marks it with an ``<insert your ... here>`` value."""
    for key, value in provider.items():
        if isinstance(value, str) and value.lower().startswith("<insert your"):
            return str(key)
    return None


def provider_problem(name: str) -> str | None:
    """Why ``name`` is no provider xyzservices knows (with a did-you-mean), or None."""
    if find_provider(name) is not None:
        return None
    names = provider_names()
    lower = {n.lower(): n for n in names}
    close = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.6)
    hint = f"; did you mean {lower[close[0]]!r}?" if close else ""
    return (
        f"unknown tile provider {name!r}{hint} (any of xyzservices' {len(names)} providers,"
        " such as 'Esri.WorldImagery', or a mapping {url: ..., attribution: ...})"
    )


def url_problem(url: str) -> str | None:
    """Why ``url`` is no tile URL template the page may use, or None."""
    if not _URL.match(_PLACEHOLDER.sub("0", url)):
        return (
            f"url {url[:80]!r} must be an https:// (or http://) address of plain URL"
            " characters, with {z}, {x} and {y} where the tile's numbers go"
        )
    held = set(_PLACEHOLDER.findall(url))
    unknown = sorted(held - PLACEHOLDERS)
    if unknown:
        return f"url: unknown placeholder {{{unknown[0]}}} (it may hold {{z}}, {{x}}, {{y}}, {{s}}, {{r}}, {{apikey}})"
    missing = [p for p in ("z", "x") if p not in held] + ([] if held & {"y", "-y"} else ["y"])
    if missing:
        return f"url must contain {{{missing[0]}}}: a tile template has {{z}}, {{x}} and {{y}}"
    query = urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)
    for key, value in query:
        if key.lower() in _KEY_PARAMS and value != "{apikey}":
            return (
                f"url: `{key}=` holds a key: never write it in places.yaml; write"
                f" {key}={{apikey}} and name the environment variable holding it with api_key_env:"
            )
    return None


def _service_of(setting: dict[str, Any]) -> str:
    """Whose key it is, for :func:`~mapgen.story.geocoder.check_key_env`: the provider's
    group (``Stadia``), or the URL host's name (``maptiler`` of ``api.maptiler.com``)."""
    if setting.get("name"):
        return str(setting["name"]).split(".")[0]
    host = urllib.parse.urlsplit(str(setting.get("url", ""))).hostname or ""
    parts = host.split(".")
    return parts[-2] if len(parts) >= 2 else host


def _provider(ck: Checker, node: Node, label: str) -> Any:
    value = read_text(ck, node, label)
    if value is BAD:
        return BAD
    problem = provider_problem(value)
    return ck.fail(node, f"{label}: {problem}") if problem else value


def _url(ck: Checker, node: Node, label: str) -> Any:
    value = read_text(ck, node, label)
    if value is BAD:
        return BAD
    problem = url_problem(value)
    return ck.fail(node, f"tiles: {problem}") if problem else value


#: The kinds only ``tiles:`` takes, read here (see ``mapgen.story.load``'s section kinds).
KINDS = {"tile_provider": _provider, "tile_url": _url}


def _spec() -> dict[str, KeySpec]:
    return {
        f.key: KeySpec(KINDS.get(f.kind.name) or converter(f.kind, {}, {}), f.required)
        for f in fields.TILES.fields
    }


def read_tiles(ck: Checker, node: Node, label: str) -> Any:
    """``tiles:``: a provider's name, ``none``, or a mapping with ``name`` or ``url``."""
    if isinstance(node, ScalarNode) and node.tag == TAG + "str":
        value = read_text(ck, node, label)
        if value is BAD:
            return BAD
        if value.strip().lower() == NONE:
            return TileSetting(pos=ck.pos(node))
        if "://" in value:
            return ck.fail(
                node,
                f"{label}: a URL template needs the attribution its owner asks for: write"
                " {url: ..., attribution: ...}",
            )
        node_value = _provider(ck, node, label)
        if node_value is BAD:
            return BAD
        return _checked(ck, node, label, {"name": node_value}, {})
    if isinstance(node, MappingNode):
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else ""
            if str(key).lower() in _KEY_PARAMS:
                return ck.fail(
                    key_node,
                    f"{label}: `{key}` is a secret: never write it in places.yaml; put it in"
                    " an environment variable and name that variable with `api_key_env:`",
                )
    record = ck.mapping(node, _spec(), label)
    if record is None or not record.ok:
        return BAD
    return _checked(ck, node, label, record.values, record.nodes)


def _checked(
    ck: Checker, node: Node, label: str, values: dict[str, Any], nodes: dict[str, Node]
) -> Any:
    """The setting, once what its keys say together holds."""
    if ("name" in values) == ("url" in values):
        return ck.fail(node, f"{label}: give either name: (a provider) or url: (a template)")
    if "url" in values and "attribution" not in values:
        return ck.fail(
            node, f"{label}: a URL template needs attribution: the credit its owner asks for"
        )
    if "name" in values and "attribution" in values:
        return ck.fail(
            nodes["attribution"],
            f"{label}: a provider's attribution is its own; give attribution: with url: only",
        )
    variable = values.get("api_key_env")
    where = nodes.get("api_key_env", node)
    if variable:
        problem = check_key_env(_service_of(values), variable)
        if problem:
            return ck.fail(where, f"{label}: {problem}")
    if "url" in values and ("{apikey}" in values["url"]) != bool(variable):
        return ck.fail(
            where,
            f"{label}: a template's key goes where it says {{apikey}}: give both"
            " {apikey} in url: and api_key_env:, or neither",
        )
    if "name" in values and not variable:
        needs = token_key(find_provider(values["name"]))
        if needs:
            return ck.fail(
                node,
                f"{label}: {values['name']} needs a key ({needs}): put it in an environment"
                " variable and name that variable with api_key_env: (a mapping: {name: ...,"
                " api_key_env: MAPGEN_TILES_KEY})",
            )
    return TileSetting(pos=ck.pos(node), **values)


def tiles_option(value: Any, label: str = "--tiles") -> TileSetting | None:
    """``--tiles`` (or ``build(tiles=...)``) as a :class:`TileSetting`: what places.yaml's
    ``tiles:`` takes, as text (``Esri.WorldImagery``, ``none``, ``{url: ..., attribution:
    ...}``) or a mapping; a :class:`TileSetting` as it is; None: the story's own.
    Raises one :class:`~mapgen.core.errors.StoryError` naming every mistake."""
    if value is None or isinstance(value, TileSetting):
        return value
    text = value if isinstance(value, str) else yaml.safe_dump(dict(value), default_flow_style=True)
    if isinstance(value, str) and not value.lstrip().startswith("{"):
        text = yaml.safe_dump(value, default_style='"')  # a name or a URL, quoted as text
    root = parse(label, text)
    ck = Checker(label, Path("."), text)
    setting = read_tiles(ck, root, "tiles") if root is not None else BAD
    if ck.problems or setting is BAD:
        problems = ck.problems or [Problem("tiles: no value", file=label)]
        raise StoryError([Problem(p.message, file=label) for p in problems])
    return setting

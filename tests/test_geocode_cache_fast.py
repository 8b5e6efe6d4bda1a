"""The geocode cache's two readers: a valid file is read from libyaml's events as plain
values (fast), anything else is composed into nodes for its line and column (slow).

Whichever reader answers, :meth:`GeocodeCache.load` must give the same cache, and the same
message at the same ``file:line:col``; the expected messages below were recorded from the
slow reader alone, before the fast one existed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from mapgen.core.errors import StoryError
from mapgen.geo import cachefile
from mapgen.geo.cache import GeocodeCache
from mapgen.geo.cachefile import CACHE_NAME
from mapgen.story.model import Location

ROOT = Path(__file__).resolve().parent.parent
FIX = "; fix it, or delete it (or the whole file) to geocode again"
HEAD = "version: 2\nentries:\n"
SEOUL = (
    "- query: Seoul\n  country: KR\n  lat: 37.5\n  lon: 127.0\n  precision: city\n"
    "  geocoder: gazetteer\n  date: '2024-05-01'\n"
)


def seoul(old: str = "", new: str = "", extra: str = "") -> str:
    """The Seoul entry, with ``old`` replaced by ``new`` and ``extra`` lines added."""
    assert old in SEOUL
    return SEOUL.replace(old, new) + extra if old else SEOUL + extra


def state(cache: GeocodeCache) -> tuple[Any, ...]:
    """Everything a cache holds that later code reads, with each value's type (an int is
    equal to a float, and True to 1, but they are not the same cache)."""
    entries = [
        (key, [(name, type(v), v) for name, v in vars(entry).items()])
        for key, entry in cache._entries.items()
    ]
    return cache.path, entries, cache._added, cache.changed, cache.digest, cache.dumps()


@pytest.fixture
def slow_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each call of the slow reader (``_parse``), which still does its work."""
    calls: list[str] = []
    slow = cachefile._parse

    def counted(text: str, name: str):
        calls.append(name)
        return slow(text, name)

    monkeypatch.setattr(cachefile, "_parse", counted)
    return calls


def load_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """What :meth:`GeocodeCache.load` gives (a state or the StoryError's message), then the
    same with the fast reader turned off.  Any other exception fails the test: two readers
    that crash alike are not the same cache."""

    def outcome() -> Any:
        try:
            return state(GeocodeCache.load(path))
        except StoryError as exc:
            return ("StoryError", str(exc))

    fast = outcome()
    with monkeypatch.context() as m:
        m.setattr(cachefile, "_fast_parse", lambda text: None)
        slow = outcome()
    return fast, slow


# ------------------------------------------------------------------ valid files: same cache

ODD = """\
%YAML 1.1
--- # every value here is valid, if not as mapgen writes it
entries:
- {query: Seoul, country: ' kr ', lat: 37.5, lon: 127, precision: city, geocoder: gazetteer,
   date: '2024-05-01'}
- query: '123'
  country: ~
  lat: 90
  lon: 26
  precision: point
  geocoder: nominatim
  date: 2024-05-01
  address: "Hamh\\u016dng,\\n North Korea"
- query: "yes"
  country: "NO"
  feature: capital
  lat: +12.5
  lon: 1.5e+1
  precision: approximate
  geocoder: 'null'
  date: '1999-12-31'
  address: a folded
    address
- query: Seoul
  country: KR
  feature: city
  lat: -0.0
  lon: -180
  precision: exact
  geocoder: g
  date: "2024-05-01"
  address: null
version: 1
...
"""


def test_odd_valid_file_is_read_fast_and_the_same(tmp_path, monkeypatch, slow_calls):
    path = tmp_path / CACHE_NAME
    path.write_text(ODD, encoding="utf-8")
    fast, slow = load_both(path, monkeypatch)
    assert slow_calls == [str(path)]  # only when the fast reader was turned off
    assert fast == slow and fast[0] == path
    cache = GeocodeCache.load(path)
    first = cache.get("seoul", "KR")
    assert first is not None and first.lon == 127.0 and type(first.lon) is float
    numbers = cache.get("123")
    assert numbers is not None and (numbers.lat, numbers.lon) == (90.0, 26.0)
    assert numbers.address == "Hamhŭng,\n North Korea"
    norway = [e for e in cache if e.country == "NO"]
    assert [(e.query, e.feature, e.geocoder, e.address) for e in norway] == [
        ("yes", "capital", "null", "a folded address")
    ]
    assert {e.date for e in cache} == {"2024-05-01", "1999-12-31"}


def test_repo_cache_is_read_fast_and_the_same(tmp_path, monkeypatch, slow_calls):
    path = tmp_path / CACHE_NAME
    path.write_bytes((ROOT / CACHE_NAME).read_bytes())
    fast, slow = load_both(path, monkeypatch)
    assert len(slow_calls) == 1
    entries = len(yaml.safe_load(path.read_text(encoding="utf-8"))["entries"])
    assert fast == slow and fast[0] == path and len(fast[1]) == entries > 5


def test_a_big_written_cache_is_read_fast_and_the_same(tmp_path, monkeypatch, slow_calls):
    path = tmp_path / CACHE_NAME
    cache = GeocodeCache(path)
    for i in range(400):
        location = Location(
            lat=(i * 7.123456789) % 180 - 90,
            lon=(i * 13.987654321) % 360 - 180,
            precision=("city", "point", "exact", "approximate")[i % 4],
            geocoder=("gazetteer", "nominatim")[i % 2],
            query=f"Town {i}",
            address=None if i % 3 else f"Town {i}, Land: {i}",
        )
        country = (None, "kr", "NO", "yes")[i % 4]
        feature = (None, "city", "capital")[i % 3]
        cache.put(f"Town {i}", country, location, dt.date(2024, 1, 1 + i % 28), feature)
    assert cache.save()
    fast, slow = load_both(path, monkeypatch)
    assert len(slow_calls) == 1
    assert fast == slow and fast[0] == path and len(fast[1]) == 400
    assert GeocodeCache.load(path).dumps() == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("# nothing yet\n", id="comments"),
        pytest.param("version: 2\n", id="no-entries"),
        pytest.param("version: 2\nentries:\n", id="null-entries"),
        pytest.param("version: 2\nentries: []\n", id="no-entry"),
        pytest.param("version: 1.0\nentries: []\n", id="float-version"),
        pytest.param(HEAD + SEOUL + "comment: mine\n", id="unused-key"),
        pytest.param(HEAD + SEOUL + "? [a]\n: b\n", id="list-key"),
        pytest.param(HEAD + seoul("country: KR", "country: &k KR"), id="anchor"),
        pytest.param(
            HEAD + SEOUL + seoul("query: Seoul", "query: &q Busan").replace("KR", "*q"), id="alias"
        ),
        pytest.param(HEAD + seoul("lat: 37.5", "lat: !!float 37.5"), id="tag"),
        pytest.param("version: 2\nentries: !!seq\n" + SEOUL, id="list-tag"),
    ],
)
def test_valid_files_the_fast_reader_leaves_alone_are_the_same(tmp_path, monkeypatch, text):
    """Duplicate keys (PyYAML keeps the last), anchors and tags: all left to the slow
    reader, which accepts these as it always did."""
    path = tmp_path / CACHE_NAME
    path.write_text(text, encoding="utf-8")
    fast, slow = load_both(path, monkeypatch)
    assert fast == slow and fast[0] == path


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(HEAD + seoul("country: KR", "country: &k KR"), id="anchor"),
        pytest.param(HEAD + seoul("lat: 37.5", "lat: !!float 37.5"), id="tag"),
        pytest.param(HEAD + SEOUL + "comment: mine\n", id="unused-key"),
    ],
)
def test_the_fast_reader_defers_what_it_cannot_tell(tmp_path, slow_calls, text):
    path = tmp_path / CACHE_NAME
    path.write_text(text, encoding="utf-8")
    assert len(GeocodeCache.load(path)) == 1
    assert slow_calls == [str(path)]


# ------------------------------------------------------------ invalid files: same messages

E = SEOUL
ERRORS = [
    pytest.param(
        HEAD + "- query: Seoul\n  lat: [1\n",
        ":5:1: the geocode cache is not valid YAML: did not find expected ',' or ']'",
        id="syntax",
    ),
    pytest.param(
        HEAD + E + "\t- query: x\n",
        ":10:1: the geocode cache is not valid YAML: found character that cannot start any token",
        id="tab",
    ),
    pytest.param(
        HEAD + E + "---\nversion: 2\n",
        ":10:1: the geocode cache is not valid YAML: but found another document",
        id="two-documents",
    ),
    pytest.param(
        HEAD + seoul("country: KR", "country: *nope"),
        ":4:12: the geocode cache is not valid YAML: found undefined alias",
        id="undefined-alias",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: !foo 37.5"),
        ":5:8: the geocode cache is not valid YAML: could not determine a constructor for the"
        " tag '!foo'",
        id="unknown-tag",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: ="),
        ":5:8: the geocode cache is not valid YAML: could not determine a constructor for the"
        " tag 'tag:yaml.org,2002:value'",
        id="value-tag",
    ),
    pytest.param(  # PyYAML takes it for a number, then cannot make one
        HEAD + seoul("lat: 37.5", "lat: 0b_"),
        ":5:8: `lat: 0b_` cannot be read",
        id="looks-like-a-number",
    ),
    pytest.param(
        "version: 0x_\nentries:\n" + SEOUL,
        ":1:10: unknown geocode cache format '0x_', expected `version: 2`",
        id="version-looks-like-a-number",
    ),
    pytest.param("- just a list\n", ":1:1: expected `version:` and `entries:`", id="root-list"),
    pytest.param("hello\n", ":1:1: expected `version:` and `entries:`", id="root-scalar"),
    pytest.param(
        "version: 3\nentries: []\n",
        ":1:10: unknown geocode cache format 3, expected `version: 2`",
        id="version-3",
    ),
    pytest.param(
        "version: true\nentries: []\n",
        ":1:10: unknown geocode cache format True, expected `version: 2`",
        id="version-true",
    ),
    pytest.param(
        "version: '2'\nentries: []\n",
        ":1:10: unknown geocode cache format '2', expected `version: 2`",
        id="version-text",
    ),
    pytest.param(
        "version: [2]\nentries: []\n",
        ":1:10: unknown geocode cache format None, expected `version: 2`",
        id="version-list",
    ),
    pytest.param(
        "entries: []\n",
        ":1:1: unknown geocode cache format None, expected `version: 2`",
        id="no-version",
    ),
    pytest.param("version: 2\nentries: 5\n", ":2:10: `entries` must be a list", id="entries-5"),
    pytest.param(
        "version: 2\nentries:\n  a: 1\n", ":3:3: `entries` must be a list", id="entries-map"
    ),
    pytest.param(HEAD + "- Seoul\n", ":3:3: an entry must be a mapping", id="entry-text"),
    pytest.param(
        HEAD + "- query: Seoul\n  lat: 1\n",
        ":3:3: an entry without `lon`, `precision`, `geocoder`, `date`",
        id="missing",
    ),
    pytest.param(
        HEAD + seoul(extra="  colour: red\n"),
        ":10:3: unknown field 'colour' in an entry",
        id="unknown-field",
    ),
    pytest.param(
        HEAD + seoul(extra="  ? [a]\n  : b\n"),
        ":10:5: unknown field None in an entry",
        id="list-field",
    ),
    pytest.param(
        HEAD + seoul("query: Seoul", "query: [Seoul]"),
        [":3:10: `query` must be a single value", ":3:3: an entry without `query`"],
        id="list-value",
    ),
    pytest.param(
        HEAD + E + seoul("query: Seoul", "query: ' SEOUL '"),
        ":10:3: a second entry for ' SEOUL ' (first at line 3)",
        id="second-entry",
    ),
    pytest.param(
        HEAD + seoul("- query: Seoul\n", "- query: [x]\n  query: Seoul\n"),
        ":3:10: `query` must be a single value",
        id="twice-query-list-first",
    ),
    pytest.param(
        HEAD + seoul("- query: Seoul\n", "- lat: [1]\n  query: Seoul\n"),
        ":3:8: `lat` must be a single value",
        id="twice-lat-list-first",
    ),
    # A key given twice: PyYAML keeps the second, silently (a list of entries, a position).
    pytest.param(
        HEAD + seoul("  lat: 37.5\n", "  lat: 1\n  lat: 37.5\n"),
        ":6:3: `lat` twice in an entry (first at line 5)",
        id="twice-lat",
    ),
    pytest.param(
        HEAD + seoul("query: Seoul", "query: Busan\n  query: Seoul"),
        ":4:3: `query` twice in an entry (first at line 3)",
        id="twice-query",
    ),
    pytest.param(
        "version: 3\n" + HEAD + SEOUL, ":2:1: `version` twice (first at line 1)", id="twice-version"
    ),
    pytest.param(
        HEAD + SEOUL + "entries:\n" + SEOUL,
        ":10:1: `entries` twice (first at line 2)",
        id="twice-entries",
    ),
    pytest.param(
        "version: 2\nbase: &b {precision: city, geocoder: gazetteer, date: '2024-05-01'}\n"
        "entries:\n- query: Seoul\n  lat: 37.5\n  lon: 127.0\n  <<: *b\n",
        [
            ":7:3: unknown field '<<' in an entry",
            ":4:3: an entry without `precision`, `geocoder`, `date`",
        ],
        id="merge-key",
    ),
    pytest.param(
        HEAD + "- <<: {query: Seoul, lat: 37.5, lon: 127.0, precision: city,"
        " geocoder: gazetteer, date: '2024-05-01'}\n",
        [
            ":3:3: unknown field '<<' in an entry",
            ":3:3: an entry without `query`, `lat`, `lon`, `precision`, `geocoder`, `date`",
        ],
        id="merge-only",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: !!str 37.5"),
        ":5:8: `lat: '37.5'` should be a number from -90 to 90",
        id="lat-tagged-text",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: north"),
        ":5:8: `lat: 'north'` should be a number from -90 to 90",
        id="lat-word",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: 1000"),
        ":5:8: `lat: 1000` should be a number from -90 to 90",
        id="lat-1000",
    ),
    # Numbers YAML 1.1 reads in another base, or with a separator dropped: refused, not
    # moved (``lat: 010`` would put the place at 8).
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: 010"),
        ":5:8: `lat: 010`: YAML 1.1 reads 010 as the octal number 8; write 10 without the"
        " leading zero",
        id="lat-octal",
    ),
    pytest.param(
        HEAD + seoul("lon: 127.0", "lon: 0x7F"),
        ":6:8: `lon: 0x7F`: YAML 1.1 reads 0x7F as the hexadecimal number 127; write it in"
        " decimal: 127",
        id="lon-hex",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: 1:30"),
        ":5:8: `lat: 1:30`: YAML 1.1 reads 1:30 as the base-60 number 90; write decimal degrees"
        " (1:30 as degrees and minutes is 1.5)",
        id="lat-base-60",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: 3_7.5"),
        ":5:8: `lat: 3_7.5`: YAML 1.1 drops the _ in 3_7.5 and reads 37.5; write 37.5 without _",
        id="lat-underscore",
    ),
    # Control characters written as escapes, refused as they are raw.
    pytest.param(
        HEAD + seoul(extra='  address: "Seoul\\e]0;owned\\a"\n'),
        ":10:12: `address: 'Seoul\\x1b]0;owned\\x07'` should be text without control"
        " characters or bidi overrides",
        id="address-escape",
    ),
    pytest.param(
        HEAD + seoul("query: Seoul", 'query: "Seo\\0ul"'),
        ":3:10: `query: 'Seo\\x00ul'` should be text without control characters or bidi overrides",
        id="query-nul",
    ),
    pytest.param(
        HEAD + seoul("geocoder: gazetteer", 'geocoder: "gaz\\u202Eetteer"'),
        ":8:13: `geocoder: 'gaz\\u202eetteer'` should be text without control"
        " characters or bidi overrides",
        id="geocoder-bidi-override",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: .inf"),
        ":5:8: `lat: inf` should be a number from -90 to 90",
        id="lat-inf",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: .nan"),
        ":5:8: `lat: nan` should be a number from -90 to 90",
        id="lat-nan",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: yes"),
        ":5:8: `lat: True` should be a number from -90 to 90",
        id="lat-yes",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: ~"),
        ":5:8: `lat: None` should be a number from -90 to 90",
        id="lat-null",
    ),
    pytest.param(
        HEAD + seoul("lat: 37.5", "lat: 1e2"),
        ":5:8: `lat: '1e2'` should be a number from -90 to 90",
        id="lat-1e2",
    ),
    pytest.param(
        HEAD + seoul("country: KR", "country: NO"),
        ":4:12: `country: False` should be text",
        id="country-norway",
    ),
    pytest.param(
        HEAD + seoul("country: KR", "country: 82"),
        ":4:12: `country: 82` should be text",
        id="country-number",
    ),
    pytest.param(
        HEAD + seoul("query: Seoul", "query: 123"),
        ":3:10: `query: 123` should be text",
        id="query-number",
    ),
    pytest.param(
        HEAD + seoul("query: Seoul", "query: '  '"),
        ":3:10: `query: '  '` should be text",
        id="query-blank",
    ),
    pytest.param(
        HEAD + seoul("query: Seoul", "query: null"),
        ":3:10: `query: None` should be text",
        id="query-null",
    ),
    pytest.param(
        HEAD + seoul("precision: city", "precision: nowhere"),
        ":7:14: `precision: 'nowhere'` should be one of exact, point, approximate, city, region,"
        " country",
        id="precision",
    ),
    pytest.param(
        HEAD + seoul(extra="  feature: village\n"),
        ":10:12: `feature: 'village'` should be one of city, capital, region, country",
        id="feature",
    ),
    pytest.param(
        HEAD + seoul("geocoder: gazetteer", "geocoder: ''"),
        ":8:13: `geocoder: ''` should be text",
        id="geocoder-empty",
    ),
    pytest.param(
        HEAD + seoul(extra="  address: 12\n"), ":10:12: `address: 12` should be text", id="address"
    ),
    pytest.param(
        HEAD + seoul("date: '2024-05-01'", "date: 2024-05-01 10:00:00"),
        ":9:9: `date: datetime.datetime(2024, 5, 1, 10, 0)` should be a date, YYYY-MM-DD",
        id="date-time",
    ),
    pytest.param(
        HEAD + seoul("date: '2024-05-01'", "date: yesterday"),
        ":9:9: `date: 'yesterday'` should be a date, YYYY-MM-DD",
        id="date-word",
    ),
    pytest.param(
        HEAD + "- query: 1\n  lat: 100\n  lon: west\n  precision: x\n  geocoder: ''\n"
        "  date: 1\n- 3\n" + E + E,
        [
            ":3:10: `query: 1` should be text",
            ":4:8: `lat: 100` should be a number from -90 to 90",
            ":5:8: `lon: 'west'` should be a number from -180 to 180",
            ":6:14: `precision: 'x'` should be one of exact, point, approximate, city, region,"
            " country",
            ":7:13: `geocoder: ''` should be text",
            ":8:9: `date: 1` should be a date, YYYY-MM-DD",
            ":9:3: an entry must be a mapping",
            ":17:3: a second entry for 'Seoul' (first at line 10)",
        ],
        id="many",
    ),
]


def expected_message(path: Path, lines: str | list[str]) -> str:
    """The whole message: each line at ``path``; those with a position end with the fix,
    except the second-entry one, which names the first."""
    lines = [lines] if isinstance(lines, str) else lines
    return "\n".join(f"{path}{line}{'' if 'second entry' in line else FIX}" for line in lines)


@pytest.mark.parametrize(("text", "lines"), ERRORS)
def test_invalid_files_give_the_same_messages(tmp_path, slow_calls, text, lines):
    path = tmp_path / CACHE_NAME
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoryError) as err:
        GeocodeCache.load(path)
    assert str(err.value) == expected_message(path, lines)
    assert slow_calls == [str(path)]
    assert path.read_text(encoding="utf-8") == text


# --------------------------------------------------------------------------- no libyaml


def without_libyaml(monkeypatch: pytest.MonkeyPatch) -> list[type]:
    """PyYAML as without libyaml: no C loader; the loader classes made are listed."""
    made: list[type] = []

    class SafeLoader(yaml.SafeLoader):
        def __init__(self, stream: Any) -> None:
            made.append(type(self))
            super().__init__(stream)

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    monkeypatch.setattr(yaml, "SafeLoader", SafeLoader)
    return made


@pytest.fixture
def no_libyaml(monkeypatch: pytest.MonkeyPatch) -> list[type]:
    return without_libyaml(monkeypatch)


def test_without_libyaml_a_valid_file_is_read_fast_and_the_same(tmp_path, monkeypatch, slow_calls):
    path = tmp_path / CACHE_NAME
    path.write_text(ODD, encoding="utf-8")
    with_libyaml = state(GeocodeCache.load(path))
    made = without_libyaml(monkeypatch)
    fast, slow = load_both(path, monkeypatch)
    assert made and slow_calls == [str(path)]  # the pure loader, and _parse when told to
    assert fast == slow == with_libyaml


@pytest.mark.parametrize(("text", "lines"), [p for p in ERRORS if p.id.startswith("lat-")])
def test_without_libyaml_errors_keep_their_positions(tmp_path, no_libyaml, slow_calls, text, lines):
    path = tmp_path / CACHE_NAME
    path.write_text(text, encoding="utf-8")
    with pytest.raises(StoryError) as err:
        GeocodeCache.load(path)
    assert str(err.value) == expected_message(path, lines)
    assert no_libyaml and slow_calls == [str(path)]


def test_an_answer_with_control_characters_is_kept_without_them(tmp_path):
    """An online geocoder's address is untrusted: its control characters and bidi
    overrides are dropped before it is written, or the file written would be refused
    when read again (and every build after it would stop there)."""
    path = tmp_path / CACHE_NAME
    cache = GeocodeCache(path)
    address = "Seoul\x1b]0;owned\x07, \u202egnp.exe\u2067"
    cache.put(
        "Seoul", "KR", Location(37.5, 127.0, "city", "nominatim", address=address), "2024-05-01"
    )
    assert cache.save()
    again = GeocodeCache.load(path).get("Seoul", "KR")
    assert again is not None and again.address == "Seoul]0;owned, gnp.exe"

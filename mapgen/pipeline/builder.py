"""The pipeline, as a library: places.yaml -> Story -> GeocodedStory -> folium.Map -> files.

Each step is a function a notebook user can call on its own; :func:`build` runs them all
and writes nothing until everything has been rendered to memory.  :class:`Builder` is the
same build kept alive between runs (``mapgen watch``): what did not change stays in memory.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.clock import Clock, system_clock
from ..core.errors import OutputError, Problem, StoryError
from ..core.fsutil import FileSlice, atomic_write_all, folder_lock, remove_stale_temps
from ..export import geojson
from ..geo.geocode import CACHE_NAME, GeocodeCache, geocode_story
from ..geo.online import Request, may_go_online
from ..page.evidence import sources_json
from ..quotes.verify import (
    Span,
    find_all,
    quote_keys,
    quote_problems,
    refuse_unfair,
    spans_of,
    verify_quotes,
)
from ..story.load import STORY_FILE, is_within, load_story
from ..story.model import GeocodedStory, SpansLater, Story
from . import forked
from .forked import Pending
from .options import BuildOptions, build_options
from .perf import gc_paused

if TYPE_CHECKING:
    import folium

    from ..geo.gazetteer import Gazetteer
    from ..page.standalone import PageAssets

# The page's modules (folium and its own imports, a third of a second) are imported only
# where a page is drawn: a big build forks before that, and only the page's process pays.

DEFAULT_OUTPUT = "output"


#: Stories with at least this many places verify their quotes and make their GeoJSON in a
#: second process, beside the page (:mod:`mapgen.forked`): at 10,000 places the build
#: takes 0.90x the time it takes alone; at 1,000 and 3,000, the same time.
PARALLEL_FROM = 5_000


def load(path: str | os.PathLike[str] = ".") -> Story:
    """Load and validate a story, and check every quote against its article."""
    story = load_story(path)
    verify_quotes(story)
    return story


def geocode(
    story: Story,
    *,
    gazetteer: Gazetteer | None = None,
    save: bool = True,
    clock: Clock = system_clock,
    options: BuildOptions | None = None,
    **keywords: Any,
) -> GeocodedStory:
    """Give every place a position: coords, then the story's cache, then the gazetteer,
    then an online geocoder if the story or ``options`` name one (``geocoder=``, unless
    ``offline=True``: the keywords are :class:`~mapgen.options.BuildOptions`' fields).

    New answers are saved to the story's ``geocode-cache.yaml`` unless ``save`` is false,
    stamped with the day ``clock`` reads.
    """
    request = build_options(options, **keywords).request()
    cache = GeocodeCache.load(story.root)
    return geocode_story(
        story, cache=cache, gazetteer=gazetteer, save=save, clock=clock, request=request
    )


def make_map(
    path: str | os.PathLike[str] = ".", options: BuildOptions | None = None, **keywords: Any
) -> folium.Map:
    """The story's map as a :class:`folium.Map`, for a notebook (``cdn=True``: link
    Leaflet; the other keywords are :class:`~mapgen.options.BuildOptions`' fields)."""
    # render imports folium: only when a map is drawn (not on `import mapgen`, nor for a check)
    from ..page.render import build_map

    chosen = build_options(options, **keywords)
    return build_map(geocode(load(path), options=chosen), cdn=chosen.cdn)


@dataclass
class BuildResult:
    """What a build wrote."""

    story: GeocodedStory
    html: Path
    geojson: Path
    #: False if the page links Leaflet from the CDN (asked for, or it could not be had).
    self_contained: bool = True
    #: What came of geocoding: how many answers came from where, the online faults other
    #: answers made up for, and the online geocoder asked (for its request count).
    geocoding: Request | None = None


def render_page(geo: GeocodedStory, *, cdn: bool = False) -> str:
    """The whole HTML page, in memory: self-contained unless ``cdn`` (see :func:`build`)."""
    # render imports folium: only when a map is drawn (not on `import mapgen`, nor for a check)
    from ..page.render import build_map

    return build_map(geo, cdn=cdn).get_root().render()


def build(
    path: str | os.PathLike[str] = ".",
    output: str | os.PathLike[str] | None = None,
    *,
    options: BuildOptions | None = None,
    **keywords: Any,
) -> BuildResult:
    """Build ``map.html`` and ``map.geojson`` for the story at ``path``.

    Every option of ``mapgen build`` is a keyword here (:class:`~mapgen.options.BuildOptions`'
    fields: ``output``, ``cdn``, ``geocoder``, ``offline``...), or pass ``options`` (the
    keywords then override its fields): ``build(".", geocoder="nominatim")`` asks that
    geocoder for the places neither the cache nor the gazetteer know; ``offline=True``
    asks none, even if ``places.yaml`` has a ``geocoder:`` setting.

    ``output`` defaults to the story's ``output/`` folder.  Both files are rendered first and
    then each replaced atomically, so a failed build leaves the previous map as it was, and
    a build killed at any point leaves each file either old or new, whole.  Two builds at
    once take turns writing (a lock on the output folder), and the temporary files a killed
    build left beside the files are removed before they are written again.

    The page inlines Leaflet, the one script it needs, so it opens from disk with no network
    (only the map tiles come from the network, and the outline basemap stands in for them).
    ``cdn`` links Leaflet from the CDN instead; so does a build that cannot get Leaflet (no
    cached copy, no ``npm``, no network), with an :class:`~mapgen.assets.AssetWarning`.
    """
    return Builder(path, output, options=options, **keywords).build()


def check(
    path: str | os.PathLike[str] = ".", options: BuildOptions | None = None, **keywords: Any
) -> GeocodedStory:
    """Validate, verify quotes and resolve every place, writing nothing (the keywords are
    :class:`~mapgen.options.BuildOptions`' fields, as for :func:`build`)."""
    return Builder(path, options=options, **keywords).check()


def _where(problem: Problem) -> tuple[str, int, int]:
    pos = problem.pos
    return (pos.file, pos.line, pos.col) if pos else (problem.file or "", 0, 0)


def _verify_beside(story: Story, geocoded: Callable[[], GeocodedStory]) -> Pending | None:
    """Verify a big story's quotes on a second core, which also makes the page's biggest
    text and the GeoJSON.

    A forked child finds every quote and sends their spans (part 0), then the JSON of the
    first articles for the page (part 1, :func:`~mapgen.evidence.sources_json`, about
    :data:`CHILD_ARTICLES` of their text; the page makes the rest), then the GeoJSON
    of ``geocoded()`` (part 2): the story as geocoded before the fork, or geocoded in the
    child too when geocoding is offline (it then gives the same answers in both
    processes, and the child need not wait for the parent's).  The parent goes on at
    once: :attr:`Story.spans <mapgen.model.Story.spans>` is a
    :class:`~mapgen.model.SpansLater` that waits for the child's spans (raising the
    quotes' problems as :func:`~mapgen.sources.verify_quotes` does) when the page first
    needs them, and hands the page the articles' JSON, which it asks for last.  Whatever
    the child fails to send, the parent makes itself.  None if there is no child: the
    caller verifies alone.
    """
    keys = quote_keys(story)  # before the fork: both processes need them
    pending = forked.start(lambda: _child(story, keys, geocoded))
    if pending is None:
        return None

    def spans() -> dict[tuple[str, str], Span]:
        sent = pending.part(0)
        found = _spans(sent) if sent is not None else _fair_spans(story, keys)
        spans = dict(zip(keys, found, strict=True))
        if None in found:
            raise StoryError(sorted(quote_problems(story, spans), key=_where))
        return spans

    def articles() -> list[str] | None:
        sent = pending.part(1)
        return sent.decode("utf-8").split("\n") if sent else None

    story.spans = SpansLater(spans, articles)
    return pending


def _child(
    story: Story, keys: list[tuple[str, str]], geocoded: Callable[[], GeocodedStory]
) -> Iterator[bytes | Iterator[bytes]]:
    """The forked child's work (:func:`_verify_beside`)."""
    found = _fair_spans(story, keys)
    yield _offsets(found)
    if None in found:
        return  # the parent reports what is missing; nothing more is needed
    yield "\n".join(sources_json(story, 0, _child_articles(story))).encode("utf-8")
    geo = geocoded()
    story.spans = dict(zip(keys, found, strict=True))
    yield geojson.encoded(geo)


def _fair_spans(story: Story, keys: list[tuple[str, str]]) -> list[Span]:
    """:func:`~mapgen.sources.find_all`, with None for a quote that stands in its article
    only unfairly (:func:`~mapgen.sources.refuse_unfair`)."""
    found = find_all(story, keys)
    refuse_unfair(keys, found, {s.id: s.text for s in story.sources})
    return found


def _existing(paths: Iterable[Path]) -> list[Path]:
    return [path for path in paths if path.exists()]


#: The share of the articles' text whose JSON the child makes for the page (the build
#: makes the rest): with it, the two processes end about together at 100,000 places.
CHILD_ARTICLES = 0.7


def _child_articles(story: Story) -> int:
    """How many of the first articles hold :data:`CHILD_ARTICLES` of the articles' text."""
    share = sum(len(source.text) for source in story.sources) * CHILD_ARTICLES
    taken = 0
    for count, source in enumerate(story.sources):
        if taken >= share:
            return count
        taken += len(source.text)
    return len(story.sources)


_NOWHERE = (-1, -1)


def _offsets(found: list[Span]) -> bytes:
    """Spans as bytes: two offsets each, -1 for none."""
    return array("q", chain.from_iterable(span or _NOWHERE for span in found)).tobytes()


def _spans(raw: bytes) -> list[Span]:
    offsets = array("q")
    offsets.frombytes(raw)
    pairs = zip(offsets[::2], offsets[1::2], strict=True)
    return [None if pair[0] < 0 else pair for pair in pairs]


class Builder:
    """One story built again and again, keeping in memory what did not change.

    ``mapgen build`` makes one for a single build; ``mapgen watch`` keeps one for the whole
    session.  Between builds it keeps the gazetteer (and the process keeps its city index),
    the story's geocode cache (read again only when the file changed on disk, so only new or
    changed queries are geocoded), the page's assets (Leaflet and the outline basemap, read
    from the user cache, checked and prepared once), and each article's folding
    (:func:`mapgen.sources.fold` is cached by text).  Each :meth:`build` reads
    ``places.yaml`` and the articles again: they are what the user edits.

    :meth:`build` writes like :func:`build`: rendered in memory first, then each file
    replaced atomically, under a lock on the output folder, after removing what a killed
    build left there; a failed build raises and leaves the previous files as they were.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] = ".",
        output: str | os.PathLike[str] | None = None,
        *,
        options: BuildOptions | None = None,
        request: Request | None = None,
        gazetteer: Gazetteer | None = None,
        clock: Clock = system_clock,
        **keywords: Any,
    ):
        """``options`` (or its fields as ``keywords``, which override it; ``output`` given
        here overrides both) is what every build asks; ``request``, if given, collects what
        came of geocoding across builds (the command line reports its warnings however the
        command ends); else each build gets its own, in :attr:`BuildResult.geocoding`."""
        if output is not None:
            keywords["output"] = output
        #: What each build is asked to do (the command line's flags).
        self.options = build_options(options, **keywords)
        output = self.options.output
        self._request = request
        self.path = Path(path)
        #: The story file: ``path`` itself, or ``places.yaml`` in it.
        self.story_file = self.path / STORY_FILE if self.path.is_dir() else self.path
        #: The story folder: the articles and the geocode cache are found from here.
        self.root = self.story_file.parent.resolve()  # never through a link at the file
        #: Where map.html and map.geojson go.
        self.output = Path(output) if output is not None else self.root / DEFAULT_OUTPUT
        #: Whether the output folder is the story's own ``output/`` (not one ``-o`` chose).
        self.own_output = output is None
        self.cdn = self.options.cdn
        self._gazetteer = gazetteer
        #: The date new geocode-cache entries are stamped with, read at each build.
        self.clock = clock
        #: The story as last loaded (even if a later step failed), and the last build.
        self.story: Story | None = None
        self.last: BuildResult | None = None
        #: How many builds wrote the map.
        self.builds = 0
        self._cache: GeocodeCache | None = None
        self._assets: PageAssets | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        """The offline gazetteer, kept between builds; made when a place first needs it
        (importing it and geopy takes a tenth of a second a cached story never needs)."""
        if self._gazetteer is None:
            from ..geo.gazetteer import Gazetteer  # it imports geopy: only when a place needs it

            self._gazetteer = Gazetteer()
        return self._gazetteer

    @property
    def html_path(self) -> Path:
        return self.output / "map.html"

    @property
    def geojson_path(self) -> Path:
        return self.output / "map.geojson"

    @property
    def cache_path(self) -> Path:
        return self.root / CACHE_NAME

    def sources(self) -> list[Path]:
        """The article files the story last loaded names."""
        story = self.story
        return [story.root / source.file for source in story.sources] if story else []

    def inputs(self) -> list[Path]:
        """Every file the story last loaded was read from but the story file itself: its
        articles, and the CSV or GeoJSON files of places it includes."""
        story = self.story
        if story is None:
            return []
        files = self.sources()
        for name in dict.fromkeys(place.pos.file for place in story.places):
            if Path(name).resolve() != story.path:
                files.append(Path(name))
        return files

    def cache_changed(self) -> bool:
        """Whether the geocode cache file differs from the one in memory (not this
        builder's own writes: another build's, or a person's)."""
        return self._cache is None or self._cache.stale()

    @gc_paused()
    def prepare(self, *, save: bool = True) -> GeocodedStory:
        """Load, verify and geocode, reporting quote and place problems together.

        A story whose structure is wrong stops at loading; otherwise a missing quote and an
        unknown place are fixed in one round, not two.  New answers are saved to the
        geocode cache unless ``save`` is false.
        """
        return self._prepare(save=save)[0]

    def _new_request(self) -> Request:
        """Where one build's geocoding is asked for and reported: the one given, or new."""
        return self._request if self._request is not None else self.options.request()

    def _prepare(
        self, *, save: bool, beside: bool = False, request: Request | None = None
    ) -> tuple[GeocodedStory, Pending | None]:
        """:meth:`prepare`; with ``beside``, a big story's quotes are verified on a second
        core (:func:`_verify_beside`: a forked child, which goes on to make the articles'
        JSON and the GeoJSON, while this process starts the page): the story's spans are
        then a :class:`SpansLater` until the child sends them, and the child is returned.
        ``request`` collects what came of geocoding (default: a new one)."""
        request = request if request is not None else self._new_request()
        story = load_story(self.path)
        self.story = story
        self._refuse_own_output(story)
        if save:
            with folder_lock(self.root):
                remove_stale_temps(self.cache_path)
        cache, gazetteer = self._geocode_cache(), lambda: self.gazetteer
        big = beside and len(story.places) >= PARALLEL_FROM and forked.can_fork()
        pending = None
        try:  # whatever fails from here, no child is left behind
            if big and not may_go_online(story.geocoder, request):
                # Offline, the child geocodes the story to the same answers, so it need not
                # wait for this process's: it starts on the quotes at once.
                pending = _verify_beside(
                    story,
                    lambda: geocode_story(
                        story,
                        cache=cache,
                        gazetteer=gazetteer,
                        offline=True,
                        save=False,
                        clock=self.clock,
                    ),
                )
            problems: list[Problem] = []
            try:
                geo = geocode_story(
                    story,
                    cache=cache,
                    gazetteer=gazetteer,
                    save=save,
                    clock=self.clock,
                    request=request,
                )
            except StoryError as exc:
                problems += exc.problems
            if big and pending is None and not problems:
                pending = _verify_beside(story, lambda: geo)
            if pending is None or problems:  # a missing quote is reported with the places
                try:
                    if pending is not None:
                        spans_of(story)  # the child's findings
                    else:
                        verify_quotes(story)
                except StoryError as exc:
                    problems += exc.problems
                if problems:
                    raise StoryError(sorted(problems, key=_where))
        except BaseException:
            if pending is not None:
                pending.cancel()
            raise
        return geo, pending

    def _refuse_own_output(self, story: Story) -> None:
        """A source may not be what this build writes (its output folder may lie outside
        the story folder, where loading does not look: see
        :func:`~mapgen.load.mapgens_own`).  An output folder that holds the story folder
        (``--output .``) refuses just the two maps."""
        whole = not is_within(self.root, self.output)
        problems = []
        for source in story.sources:
            path = story.root / source.file
            maps = (self.html_path, self.geojson_path)
            if (whole and is_within(path, self.output)) or any(map(path.samefile, _existing(maps))):
                problems.append(
                    Problem(
                        f"file '{source.file}' is in the output folder, where mapgen writes"
                        " the map; a source must be an article",
                        source.pos,
                    )
                )
        if problems:
            raise StoryError(problems)

    def _geocode_cache(self) -> GeocodeCache:
        if self._cache is None or self._cache.stale():
            self._cache = None  # a cache that cannot be read is read again next time
            self._cache = GeocodeCache.load(self.cache_path)
        return self._cache

    def _page_assets(self) -> PageAssets:
        """Leaflet and the basemap, read, checked and prepared once (again while missing)."""
        from ..page.standalone import page_assets  # page imports folium: only when a page is made

        kept = self._assets
        if kept is None or (not self.cdn and (kept.leaflet is None or kept.outlines is None)):
            self._assets = page_assets(self.cdn)
        return self._assets

    def check(self) -> GeocodedStory:
        """Validate, verify quotes and resolve every place, writing nothing."""
        return self.prepare(save=False)

    @gc_paused()
    def build(self) -> BuildResult:
        """Build ``map.html`` and ``map.geojson`` (see :func:`build`)."""
        request = self._new_request()
        geo, beside = self._prepare(save=True, beside=True, request=request)
        try:  # the child's scratch file is copied from, until the files are written
            # page and render import folium: only when a page is made (a big build's
            # second process, forked before this, never imports it)
            from ..page.render import build_map
            from ..page.standalone import deferred

            fmap = build_map(geo, cdn=self.cdn, inline=self._page_assets())
            with deferred() as blocks:  # the big texts are written, not copied, in
                page = fmap.get_root().render()
            spans_of(geo.story)  # every quote checked: a child's findings raise here

            def data() -> str | FileSlice:
                # The child's GeoJSON, copied to the file by the system, not read in here;
                # asked for once map.html is written (the child may still be making it).
                stored = beside.stored(2) if beside else None
                return stored if stored is not None else geojson.text(geo)

            self._write(blocks.chunks(page), data)
        finally:
            if beside is not None:
                beside.cancel()
        self.builds += 1
        self.last = BuildResult(
            geo,
            self.html_path,
            self.geojson_path,
            self_contained=fmap.self_contained,
            geocoding=request,
        )
        return self.last

    def _write(self, page: Iterable[str], data: Callable[[], str | FileSlice]) -> None:
        """Write map.html and map.geojson (see :func:`build`), neither replaced before
        both are written."""
        out = self.output
        html_path, geojson_path = self.html_path, self.geojson_path
        if self.own_output and out.is_symlink():
            # A story folder may come from a stranger: its ``output`` may not send the
            # build's files elsewhere on this machine.  ``-o`` still writes anywhere.
            raise StoryError(
                [
                    Problem(
                        f"is a symbolic link (to {os.readlink(out)}): mapgen writes only inside"
                        " the story folder; remove the link, or choose a folder with -o",
                        file=DEFAULT_OUTPUT,
                    )
                ]
            )
        try:
            out.mkdir(parents=True, exist_ok=True)
            with folder_lock(out):
                remove_stale_temps(html_path, geojson_path)
                atomic_write_all([(html_path, page), (geojson_path, data)])
        except OSError as exc:
            raise OutputError(f"{out}: cannot write the map: {exc.strerror or exc}") from exc

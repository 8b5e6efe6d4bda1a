"""The pipeline, as a library: places.yaml -> Story -> GeocodedStory -> folium.Map -> files.

Each step is a function a notebook user can call on its own; :func:`build` runs them all
and writes nothing until everything has been rendered to memory.  :class:`Builder` is the
same build kept alive between runs (``mapgen watch``): what did not change stays in memory.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.clock import Clock, system_clock
from ..core.errors import OutputError, Problem, StoryError, by_position
from ..core.fsutil import FileSlice, atomic_write_all, folder_lock, remove_stale_temps
from ..core.progress import Task, task
from ..export.svg import Outlines
from ..geo.geocode import CACHE_NAME, GeocodeCache, geocode_story
from ..geo.online import Request, may_go_online
from ..page.embed import embed_html
from ..quotes.verify import Span, verify_quotes
from ..story.load import STORY_FILE, is_within, load_story
from ..story.model import GeocodedStory, Story
from . import speed
from .options import BuildOptions, build_options
from .speed import Beside, gc_paused

if TYPE_CHECKING:
    import folium

    from ..geo.gazetteer import Gazetteer
    from ..page.standalone import PageAssets

# The page's modules (folium and its own imports, a third of a second) are imported only
# where a page is drawn: a big build forks before that, and only the page's process pays.

DEFAULT_OUTPUT = "output"


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
    ``offline=True``: the keywords are :class:`~mapgen.pipeline.options.BuildOptions`' fields).

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
    Leaflet; the other keywords are :class:`~mapgen.pipeline.options.BuildOptions`' fields)."""
    # render imports folium: only when a map is drawn (not on `import mapgen`, nor for a check)
    from ..page.render import build_map

    chosen = build_options(options, **keywords)
    geo = geocode(load(path), options=chosen)
    return build_map(geo, cdn=chosen.cdn, tiles=chosen.tiles, base_url=chosen.base_url)


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
    #: The embed snippet written beside the page (embed.html).
    embed: Path | None = None


def render_page(
    geo: GeocodedStory,
    *,
    cdn: bool = False,
    spans: Mapping[tuple[str, str], Span] | None = None,
    articles: Iterable[str] = (),
    options: BuildOptions | None = None,
) -> str:
    """The whole HTML page, in memory: self-contained unless ``cdn`` (see :func:`build`);
    ``options`` gives the page's ``tiles`` and ``base_url``.

    ``spans`` says where each quote stands in its article (default: the story's own, as
    :func:`load` verified them); ``articles`` is the JSON of the first articles, made
    already (:func:`~mapgen.page.evidence.sources_json`): the page makes the rest.
    """
    # render imports folium: only when a map is drawn (not on `import mapgen`, nor for a check)
    from ..page.render import build_map

    chosen = options or BuildOptions()
    fmap = build_map(
        geo,
        cdn=cdn,
        spans=spans,
        articles=articles,
        tiles=chosen.tiles,  # type: ignore[arg-type]  (a TileSetting once made)
        base_url=chosen.base_url,
    )
    return fmap.get_root().render()


def build(
    path: str | os.PathLike[str] = ".",
    output: str | os.PathLike[str] | None = None,
    *,
    options: BuildOptions | None = None,
    **keywords: Any,
) -> BuildResult:
    """Build ``map.html`` and ``map.geojson`` for the story at ``path``.

    Every option of ``mapgen build`` is a keyword here (:class:`~mapgen.pipeline.options.BuildOptions`'
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
    cached copy, no ``npm``, no network), with an :class:`~mapgen.page.assets.AssetWarning`.
    """
    return Builder(path, output, options=options, **keywords).build()


def check(
    path: str | os.PathLike[str] = ".", options: BuildOptions | None = None, **keywords: Any
) -> GeocodedStory:
    """Validate, verify quotes and resolve every place, writing nothing (the keywords are
    :class:`~mapgen.pipeline.options.BuildOptions`' fields, as for :func:`build`)."""
    return Builder(path, options=options, **keywords).check()


def _existing(paths: Iterable[Path]) -> list[Path]:
    return [path for path in paths if path.exists()]


class Builder:
    """One story built again and again, keeping in memory what did not change.

    ``mapgen build`` makes one for a single build; ``mapgen watch`` keeps one for the whole
    session.  Between builds it keeps the gazetteer (and the process keeps its city index),
    the story's geocode cache (read again only when the file changed on disk, so only new or
    changed queries are geocoded), the page's assets (Leaflet and the outline basemap, read
    from the user cache, checked and prepared once), and each article's folding
    (:func:`mapgen.quotes.verify.fold` is cached by text).  Each :meth:`build` reads
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

            self._gazetteer = Gazetteer(progress=self.options.progress)
        return self._gazetteer

    @property
    def html_path(self) -> Path:
        return self.output / "map.html"

    @property
    def geojson_path(self) -> Path:
        return self.output / "map.geojson"

    @property
    def embed_path(self) -> Path:
        return self.output / "embed.html"

    @property
    def cache_path(self) -> Path:
        return self.root / CACHE_NAME

    def sources(self) -> list[Path]:
        """The article files the story last loaded names."""
        story = self.story
        return [story.root / source.file for source in story.sources] if story else []

    def inputs(self) -> list[Path]:
        """Every file the story last loaded was read from but the story file itself: its
        articles, the CSV or GeoJSON files of places it includes, and its areas' GeoJSON
        files (``geometry:``)."""
        story = self.story
        if story is None:
            return []
        files = self.sources()
        for name in dict.fromkeys(place.pos.file for place in story.places):
            if Path(name).resolve() != story.path:
                files.append(Path(name))
        for area in story.areas:
            if area.geometry:
                files.append(story.root.joinpath(*re.split(r"[\\/]", area.geometry)))
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
        self,
        *,
        save: bool,
        beside: bool = False,
        request: Request | None = None,
        step: Task | None = None,
    ) -> tuple[GeocodedStory, Beside | None]:
        """:meth:`prepare`; with ``beside``, a big story's quotes are verified on a second
        core while this process starts the page (:func:`~mapgen.pipeline.speed.verify_beside`),
        which is then returned: the story's spans are filled in only once the page has
        them.  ``request`` collects what came of geocoding (default: a new one); ``step``
        shows the stage the build is at."""
        step = step if step is not None else task(None, "")
        request = request if request is not None else self._new_request()
        step.stage("reading the story")
        story = load_story(self.path)
        self.story = story
        self._refuse_own_output(story)
        if save:
            with folder_lock(self.root):
                remove_stale_temps(self.cache_path)
        cache, gazetteer = self._geocode_cache(), lambda: self.gazetteer
        big = beside and speed.worth_forking(story)
        step.announce = step.announce or big  # a big story's stages, even in a log
        child = None
        try:  # whatever fails from here, no child is left behind
            if big and not may_go_online(story.geocoder, request):
                # Offline, the child geocodes the story to the same answers, so it need not
                # wait for this process's: it starts on the quotes at once.
                child = speed.verify_beside(
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
            step.stage("geocoding")
            try:
                online = may_go_online(story.geocoder, request)  # a place a second: announce it
                with task(
                    self.options.progress, "geocoding", unit="places", announce=online
                ) as looked:
                    geo = geocode_story(
                        story,
                        cache=cache,
                        gazetteer=gazetteer,
                        save=save,
                        clock=self.clock,
                        request=request,
                        progress=looked.count,
                    )
            except StoryError as exc:
                problems += exc.problems
            if big and child is None and not problems:
                child = speed.verify_beside(story, lambda: geo)
            if child is None or problems:  # a missing quote is reported with the places
                step.stage("verifying quotes")
                try:
                    if child is not None:
                        child.verified()  # the child's findings
                    else:
                        verify_quotes(story)
                except StoryError as exc:
                    problems += exc.problems
                if problems:
                    raise StoryError(by_position(problems))
        except BaseException:
            if child is not None:
                child.cancel()
            raise
        return geo, child

    def _refuse_own_output(self, story: Story) -> None:
        """A source may not be what this build writes (its output folder may lie outside
        the story folder, where loading does not look: see
        :func:`~mapgen.story.load.mapgens_own`).  An output folder that holds the story folder
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
            self._assets = page_assets(self.cdn, self.options.require_offline)
        return self._assets

    def check(self) -> GeocodedStory:
        """Validate, verify quotes and resolve every place, writing nothing."""
        return self.prepare(save=False)

    @gc_paused()
    def build(self) -> BuildResult:
        """Build ``map.html`` and ``map.geojson`` (see :func:`build`)."""
        with task(self.options.progress, f"building {self.html_path.name}") as step:
            return self._build(step)

    def _build(self, step: Task) -> BuildResult:
        request = self._new_request()
        geo, beside = self._prepare(save=True, beside=True, request=request, step=step)
        step.stage("making the page")
        try:  # the child's scratch file is copied from, until the files are written
            # render imports folium: only when a page is made (a big build's second
            # process, forked before this, never imports it)
            from ..page.render import build_map

            blocks = speed.Blocks()  # the big texts, put in as the page is written
            fmap = build_map(
                geo,
                cdn=self.cdn,
                inline=self._page_assets(),
                spans=beside.spans if beside else None,
                articles=beside.articles if beside else (),
                big_text=blocks.defer,
                tiles=self.options.tiles,  # type: ignore[arg-type]  (a TileSetting once made)
                base_url=self.options.base_url,
            )
            page = speed.page_chunks(fmap, blocks)
            if beside is not None:  # every quote checked: a child's findings raise here
                step.stage("verifying quotes")
                geo.story.spans = beside.verified()
            extra = self._images(geo) if self.options.images else {}
            embed = embed_html(geo.story.title, self.options.base_url)
            files = {"embed.html": embed.encode("utf-8"), **extra}
            # the GeoJSON asked for once map.html is written (the child may still be making it)
            step.stage("writing the files")
            self._write(page, lambda: speed.geojson_text(geo, beside), files)
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
            embed=self.embed_path,
        )
        return self.last

    def _images(self, geo: GeocodedStory) -> dict[str, bytes]:
        """The static map's files (``--images``): drawn on the page's outline basemap, read
        from the asset cache even when the page itself links its assets (``--cdn``)."""
        # resvg and its font (the images extra): only when images are asked for
        from ..export.png import images

        outlines = self._page_assets().outlines
        if outlines is None and self.cdn:
            from ..page.standalone import page_assets  # page imports folium: only for a page

            outlines = page_assets(False).outlines
        drawn = Outlines(outlines.land, outlines.borders) if outlines is not None else None
        return images(geo, drawn)

    def _write(
        self,
        page: Iterable[str],
        data: Callable[[], str | FileSlice],
        extra: Mapping[str, bytes] | None = None,
    ) -> None:
        """Write map.html and map.geojson (see :func:`build`), and the ``extra`` files by
        name (embed.html, the images), none replaced before all are written."""
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
                others = [(out / name, body) for name, body in (extra or {}).items()]
                remove_stale_temps(html_path, geojson_path, *(path for path, _ in others))
                atomic_write_all([(html_path, page), (geojson_path, data), *others])
        except OSError as exc:
            raise OutputError(f"{out}: cannot write the map: {exc.strerror or exc}") from exc

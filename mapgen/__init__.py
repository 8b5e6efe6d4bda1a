"""mapgen: turn news articles into an interactive, trustworthy map.

The library is the product; the ``mapgen`` command is a thin shell over it::

    import mapgen
    story = mapgen.load("places.yaml")      # validated, quotes verified
    fmap = mapgen.make_map("places.yaml")   # a folium.Map, for a notebook
    mapgen.build(".")                       # output/map.html and output/map.geojson
"""

from .core.errors import GeocodeError, MapgenError, OutputError, Problem, StoryError
from .pipeline.builder import build, check, geocode, load, make_map, render_page
from .pipeline.options import BuildOptions

__all__ = [
    "BuildOptions",
    "GeocodeError",
    "MapgenError",
    "OutputError",
    "Problem",
    "StoryError",
    "build",
    "check",
    "geocode",
    "load",
    "make_map",
    "render_page",
]

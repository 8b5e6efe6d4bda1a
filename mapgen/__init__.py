"""mapgen: turn news articles into an interactive, trustworthy map.

The library is the product; the ``mapgen`` command is a thin shell over it::

    import mapgen
    story = mapgen.load("places.yaml")      # validated, quotes verified
    fmap = mapgen.make_map("places.yaml")   # a folium.Map, for a notebook
    mapgen.build(".")                       # output/map.html and output/map.geojson
"""

from .errors import GeocodeError, MapgenError, OutputError, Problem, StoryError
from .options import BuildOptions
from .pipeline import build, check, geocode, load, make_map, render_page

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

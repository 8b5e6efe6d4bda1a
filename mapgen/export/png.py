"""The static map's files: ``map.svg`` and ``map.png`` for print, ``map-social.png`` for a card.

The PNGs are the SVG (:mod:`mapgen.export.svg`) rasterized by resvg (the ``resvg-py``
package: a wheel with the renderer compiled in, no system library, no browser), with the
Roboto font from the ``font-roboto`` package (Apache 2.0) and the machine's own fonts
ignored, so that every machine draws the same pixels, and the PNG is the same bytes.  Both
come with the ``images`` extra (``pip install 'mapgen[images]'``): a build asks for the
images with ``--images`` (``images=True``), and without the extra that build fails with a
message saying what to install, before any file is written.

Rasterizing takes a few tenths of a second, about as long as the rest of the build, which is
why the images are asked for rather than made by every build (see docs/images.md).
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import MapgenError
from ..story.model import GeocodedStory
from .svg import PRINT_SIZE, SOCIAL_SIZE, Outlines, static_svg

# The images extra: without it, this module still imports, and a build asking for images
# fails with what to install (a plain build never imports this module).
try:
    import font_roboto  # type: ignore[import-untyped]
    import resvg_py
except ImportError as missing:
    _MISSING: str | None = missing.name
else:
    _MISSING = None

__all__ = ["IMAGE_FILES", "ImagesUnavailable", "images", "rasterize"]

#: The files a build with images writes, in the output folder.
IMAGE_FILES = ("map.svg", "map.png", "map-social.png")


class ImagesUnavailable(MapgenError):
    """The rasterizer or its font is not installed (the ``images`` extra)."""


def _fonts() -> list[str]:
    if _MISSING is not None:
        raise ImagesUnavailable(
            f"--images needs the images extra: pip install 'mapgen[images]' ({_MISSING} is missing)"
        )
    folder = Path(font_roboto.font_directory)
    return [str(folder / "Roboto-Regular.ttf"), str(folder / "Roboto-Bold.ttf")]


def rasterize(svg: str) -> bytes:
    """The SVG as PNG bytes, at its own size, drawn with Roboto alone."""
    fonts = _fonts()
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            skip_system_fonts=True,
            font_files=fonts,
            font_family="Roboto",
            sans_serif_family="Roboto",
        )
    )


def images(geo: GeocodedStory, outlines: Outlines | None) -> dict[str, bytes]:
    """``map.svg``, ``map.png`` (print, :data:`~mapgen.export.svg.PRINT_SIZE`) and
    ``map-social.png`` (:data:`~mapgen.export.svg.SOCIAL_SIZE`), as bytes by file name."""
    svg = static_svg(geo, outlines, PRINT_SIZE)
    return {
        "map.svg": svg.encode("utf-8"),
        "map.png": rasterize(svg),
        "map-social.png": rasterize(static_svg(geo, outlines, SOCIAL_SIZE)),
    }

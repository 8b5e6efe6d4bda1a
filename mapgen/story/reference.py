"""The places.yaml reference, made from the declarations in :mod:`mapgen.story.fields`.

``docs/places-yaml.md`` holds it between :data:`REFERENCE_START` and
:data:`REFERENCE_END`, under its hand-written tour; ``python -m mapgen.story.reference``
prints it to paste there, and a test fails if the file's differs, so the reference
cannot drift from what the readers take.
"""

from __future__ import annotations

from .fields import FIELDS, Field, Section

__all__ = ["REFERENCE_END", "REFERENCE_START", "reference_markdown", "section_markdown"]

#: The lines around the reference in ``docs/places-yaml.md``: what lies between them is
#: :func:`reference_markdown`'s, and a test fails if the file's differs.
REFERENCE_START = "<!-- generated from mapgen/story/fields.py: start -->"
REFERENCE_END = "<!-- generated from mapgen/story/fields.py: end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _columns_cell(f: Field) -> str:
    """``lat`` (also ``latitude``), ``lon`` (also ...): an included file's columns."""
    out = []
    for main, *others in f.columns:
        also = f" (also {', '.join(f'`{o}`' for o in others)})" if others else ""
        out.append(f"`{main}`{also}")
    return ", ".join(out)


def section_markdown(section: Section) -> str:
    """One section's table: key, required, what it takes, what it does, and, where the
    section has them, the column of an included file and the property of ``map.geojson``."""
    with_columns = any(f.columns for f in section.fields)
    with_geojson = bool(section.geojson)
    head = ["key", "required", "takes", "does"]
    head += ["CSV column"] * with_columns + ["GeoJSON property"] * with_geojson
    lines = [f"### {section.name}", "", section.doc, ""]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for f in section.fields:
        row = [f"`{f.key}`", "yes" if f.required else "", f.kind.describe(), f.doc]
        row += [_columns_cell(f)] * with_columns
        row += [f"`{f.geojson}`" if f.geojson else ""] * with_geojson
        lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
    if section.derived:
        made = ", ".join(f"`{prop}` (after `{after}`)" for after, prop in section.derived)
        lines += ["", f"`map.geojson` also gives each one what the build works out: {made}."]
    return "\n".join(lines) + "\n"


def reference_markdown() -> str:
    """The reference of every section, as ``docs/places-yaml.md`` holds it between
    :data:`REFERENCE_START` and :data:`REFERENCE_END`: made from the declarations, so it
    cannot drift from what the readers take."""
    return "\n".join(section_markdown(section) for section in FIELDS)


if __name__ == "__main__":
    print(reference_markdown(), end="")

"""The map of France by department, from the committed SVG (data/NOTICE.md), coloured by published counts."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

SVG = Path(__file__).parent / "data" / "departements.svg"
PATH = re.compile(r'<path data-code="([^"]+)" data-name="([^"]+)" d="([^"]+)"/>')
VIEWBOX = re.compile(r'viewBox="([^"]+)"')
CLASSES = 5  # colour classes of the choropleth, plus "no figure"


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    d: str


@functools.cache
def shapes() -> tuple[str, tuple[Shape, ...]]:
    """The map's viewBox and its 101 departments (96 metropolitan, five overseas insets)."""
    text = SVG.read_text(encoding="utf-8")
    return VIEWBOX.search(text)[1], tuple(Shape(c, n, d) for c, n, d in PATH.findall(text))


def department_names() -> dict[str, str]:
    return {shape.code: shape.name for shape in shapes()[1]}


def classes(values: dict[str, int]) -> tuple[list[int], dict[str, int]]:
    """Upper bounds of equal-count classes and the class of each department (0 = lowest)."""
    ordered = sorted(v for v in values.values() if v > 0)
    if not ordered:
        return [], {code: 0 for code in values}
    bounds = sorted({ordered[min(len(ordered) - 1, (i + 1) * len(ordered) // CLASSES - 1)] for i in range(CLASSES)})
    return bounds, {code: next(i for i, b in enumerate(bounds) if v <= b) for code, v in values.items()}


def regions(values: dict[str, int | None], partial: set[str] = frozenset()) -> tuple[str, list, list[int]]:
    """What the template draws: each department's path, class (or None: no published figure), value, partial."""
    view_box, all_shapes = shapes()
    known = {code: v for code, v in values.items() if v}  # zero (or all hidden) is drawn as "no figure"
    bounds, klass = classes(known)
    drawn = [{"code": s.code, "name": s.name, "d": s.d, "value": values.get(s.code),
              "klass": klass.get(s.code), "partial": s.code in partial} for s in all_shapes]
    return view_box, drawn, bounds

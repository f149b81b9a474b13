"""Small-cell suppression for the public department × category table of one period.

The rule, applied to the full grid of one published period (every department present × every category):

1. Primary suppression: a cell counting 1 to k-1 reports (k = RELAIS_STATS_SUPPRESSION_THRESHOLD, 10 by
   default) is not published. Zero is published: it singles nobody out.
2. Complementary suppression: a row (department) or column (category) left with exactly one hidden cell
   would let anyone who knows the true total of that line (a ministry's yearly figure, a department's
   report) recover it by subtraction. So the smallest other published cell of that line is hidden too,
   preferring cells above zero (hiding a zero protects nothing an attacker cannot guess). Repeat until no
   line has exactly one hidden cell.
3. Totals are sums of published cells only, marked incomplete when the line has hidden cells; the true
   total of a line with hidden cells is never published.

Together with fixed, non-overlapping periods (relais_stats.periods) and tables frozen at first publication
(a late event never changes a published figure), no difference of two published numbers is a hidden cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Cell = tuple[str, str]  # (department, category)


@dataclass(frozen=True)
class Table:
    departments: list[str]
    categories: list[str]
    cells: dict[Cell, int | None]  # None: suppressed
    row_totals: dict[str, tuple[int, bool]]  # department → (sum of published cells, complete)
    column_totals: dict[str, tuple[int, bool]]
    total: tuple[int, bool]


def hidden_cells(counts: dict[Cell, int], k: int) -> set[Cell]:
    """Primary then complementary suppression over the full grid of `counts`."""
    hidden = {cell for cell, n in counts.items() if 0 < n < k}
    lines = _lines(counts)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            visible = [cell for cell in line if cell not in hidden]
            if visible:
                hidden.add(min(visible, key=lambda cell: (counts[cell] == 0, counts[cell], cell)))
                changed = True
    return hidden


def _lines(counts: dict[Cell, int]) -> list[list[Cell]]:
    rows: dict[str, list[Cell]] = {}
    columns: dict[str, list[Cell]] = {}
    for cell in sorted(counts):
        rows.setdefault(cell[0], []).append(cell)
        columns.setdefault(cell[1], []).append(cell)
    return [*rows.values(), *columns.values()]


def build(counts: dict[Cell, int], departments: Iterable[str], categories: Iterable[str], k: int) -> Table:
    """The publishable table: the full grid filled with zeros, suppressed, with totals of published cells."""
    departments, categories = sorted(set(departments)), list(categories)
    grid = {(d, c): counts.get((d, c), 0) for d in departments for c in categories}
    hidden = hidden_cells(grid, k)
    cells = {cell: None if cell in hidden else n for cell, n in grid.items()}
    rows = {d: _sum(cells[(d, c)] for c in categories) for d in departments}
    columns = {c: _sum(cells[(d, c)] for d in departments) for c in categories}
    return Table(departments, categories, cells, rows, columns, _sum(cells.values()))


def _sum(values: Iterable[int | None]) -> tuple[int, bool]:
    values = list(values)
    return sum(v for v in values if v is not None), all(v is not None for v in values)

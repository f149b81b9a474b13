"""CSV written for people: a cell a spreadsheet would read as a formula is neutralised first.

Whoever can put text in a cell (an operator's alias, a reason, a unit id typed by hand) could otherwise make
the auditor's or the statistician's spreadsheet run `=HYPERLINK(…)` or a DDE command when the file is opened
(OWASP "CSV injection"). Every CSV the services write goes through this module, never `csv.writer` directly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO, Any

# What spreadsheets take as the start of a formula; tab and carriage return hide one behind white space.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value with a leading apostrophe if it is text a spreadsheet would evaluate; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """`csv.writer` whose rows are neutralised cell by cell."""

    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def render(header: Iterable[str], rows: Iterable[Iterable[Any]], **options: Any) -> str:
    """A whole CSV document (header first) as text."""
    out = io.StringIO()
    writer = SafeWriter(out, **options)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()

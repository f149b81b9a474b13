"""Pure rules of the statistics: suppression (with differencing attacks), periods and delay, minimisation."""

from datetime import UTC, date, datetime
from itertools import combinations

import pytest

from relais_stats.minimise import minimise
from relais_stats.periods import PeriodError, is_published, labels_of, parse, published_periods
from relais_stats.suppression import build, hidden_cells

K = 10
CATS = ["domestic_violence", "rape", "other"]


def _counts(rows: dict[str, list[int]]) -> dict[tuple[str, str], int]:
    return {(d, c): n for d, ns in rows.items() for c, n in zip(CATS, ns, strict=True)}


def test_a_small_cell_is_hidden_with_a_complement_in_its_row_and_its_column():
    counts = _counts({"35": [40, 3, 25], "72": [30, 22, 18], "75": [60, 41, 12]})
    table = build(counts, ["35", "72", "75"], CATS, K)
    assert table.cells[("35", "rape")] is None
    hidden_in_row = [c for c in CATS if table.cells[("35", c)] is None]
    hidden_in_column = [d for d in ("35", "72", "75") if table.cells[(d, "rape")] is None]
    assert len(hidden_in_row) >= 2 and len(hidden_in_column) >= 2
    assert table.cells[("35", "other")] is None  # the next-smallest of the row
    assert table.cells[("72", "rape")] is None  # the next-smallest of the column


def test_no_line_is_ever_left_with_a_single_hidden_cell():
    counts = _counts({"01": [1, 50, 50], "02": [50, 2, 50], "03": [50, 50, 3], "04": [9, 0, 100], "05": [0, 0, 4]})
    hidden = hidden_cells(counts, K)
    for key in ("01", "02", "03", "04", "05", *CATS):
        line = [cell for cell in counts if key in cell]
        assert sum(cell in hidden for cell in line) != 1, key


def test_a_suppressed_cell_cannot_be_recovered_from_published_totals():
    counts = _counts({"35": [40, 3, 25], "72": [30, 22, 18]})
    table = build(counts, ["35", "72"], CATS, K)
    row_total, complete = table.row_totals["35"]
    published = [table.cells[("35", c)] for c in CATS if table.cells[("35", c)] is not None]
    assert not complete and row_total == sum(published)  # subtraction gives 0, never the hidden 3
    # An attacker who knows the TRUE row total (68) from elsewhere learns only the sum of two hidden cells.
    unknown = 68 - sum(published)
    assert unknown == 28 and sum(1 for c in CATS if table.cells[("35", c)] is None) == 2
    column_total, _ = table.column_totals["rape"]
    assert column_total == sum(n for d in ("35", "72") if (n := table.cells[(d, "rape")]) is not None)


def test_differencing_two_overlapping_periods_is_refused():
    # A 1-month and a 3-week range would isolate one week: only fixed periods of one kind exist.
    with pytest.raises(PeriodError, match="calendar month only"):
        parse("2026-W09", "month")
    for attempt in ("2026-03-01..2026-03-24", "2026-03-01", "2026", "2026-Q1", "2026-13"):
        with pytest.raises(PeriodError):
            parse(attempt, "month")
    months = [parse(f"2026-{m:02d}", "month") for m in range(1, 13)]
    assert all(a.end <= b.start for a, b in combinations(months, 2))  # a partition: no overlap at all
    weeks = [parse(f"2026-W{w:02d}", "week") for w in range(1, 53)]
    assert all(a.end <= b.start for a, b in combinations(weeks, 2))


def test_a_period_is_published_only_after_the_delay():
    march = parse("2026-03", "month")
    assert (march.start, march.end) == (date(2026, 3, 1), date(2026, 4, 1))
    assert not is_published(march, 30, date(2026, 3, 31))  # not even ended
    assert not is_published(march, 30, date(2026, 4, 30))  # ended, delay not over
    assert is_published(march, 30, date(2026, 5, 1))
    assert [p.label for p in published_periods("month", 30, date(2026, 1, 15), date(2026, 5, 1))] == [
        "2026-03", "2026-02", "2026-01"]
    assert parse("2026-W01", "week").start == date(2025, 12, 29)


def test_labels_follow_paris_time():
    # 23:30 UTC on 31 March is already April in Paris.
    assert labels_of(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == ("2026-W14", "2026-04")


def test_minimised_events_keep_codes_and_a_keyed_hash_only():
    payload = {"report_id": "6f1c2d0e-0000-4000-8000-000000000001", "postal_code": "35760", "insee": "35281",
               "category": "rape", "level": "orange", "partner": "Call me at 06 12 34 56 78",
               "contact": {"context": "x", "blob": "y"}}
    kept = minimise("report.received", payload, b"secret")
    assert set(kept) == {"ref", "category", "partner"}
    assert kept["partner"] == "other" and kept["category"] == "rape"
    assert payload["report_id"] not in str(kept) and len(kept["ref"]) == 24
    assert minimise("report.received", payload, b"other-secret")["ref"] != kept["ref"]
    routed = minimise("report.routed", {"report_id": payload["report_id"], "force": "GN", "department": "35",
                                         "insee": "35281", "unit_id": "u1", "unit_name": "Brigade"}, b"secret")
    assert routed == {"ref": kept["ref"], "force": "GN", "department": "35"}
    assert minimise("report.routed", {"report_id": "x", "force": "GN", "department": "35760"}, b"s")[
        "department"] == ""

"""Public tables: one fixed period's department × category counts, suppressed, frozen at first publication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg

from relais_shared.bilingual import Bilingual
from relais_stats import periods, suppression
from relais_stats.francemap import department_names
from relais_stats.i18n import CATEGORIES
from relais_stats.periods import Period, PeriodError
from relais_stats.settings import StatsSettings


@dataclass(frozen=True)
class NotYetPublished(Exception):
    """The period exists but its figures are not public yet."""

    on: date

    @property
    def text(self) -> Bilingual:
        day = self.on.isoformat()
        return Bilingual(fr=f"Ces chiffres seront publiés le {day}.", en=f"These figures will be published on {day}.")


class NoPublishedPeriod(Exception):
    """Nothing has been published yet."""

    text = Bilingual(fr="Aucune période n'est encore publiée.", en="No period has been published yet.")


async def published(conn: asyncpg.Connection, settings: StatsSettings, today: date) -> list[Period]:
    """Published periods with data, newest first."""
    column = "month" if settings.public_period == "month" else "iso_week"
    first = await conn.fetchval(f"SELECT min({column}) FROM report_counts WHERE department <> ''")
    if first is None:
        return []
    start = periods.parse(first, settings.public_period).start
    return periods.published_periods(settings.public_period, settings.publication_delay_days, start, today)


async def table_for(conn: asyncpg.Connection, settings: StatsSettings, label: str | None, today: date) -> dict:
    """The frozen table of a period (the latest published when none is named); computes it on first request."""
    if label is None:
        available = await published(conn, settings, today)
        if not available:
            raise NoPublishedPeriod
        label = available[0].label
    period = periods.parse(label, settings.public_period)
    if not periods.is_published(period, settings.publication_delay_days, today):
        raise NotYetPublished(period.published_on(settings.publication_delay_days))
    frozen = await conn.fetchval("SELECT body FROM publications WHERE period = $1", period.label)
    if frozen is not None:
        return frozen
    body = await _compute(conn, settings, period, today)
    await conn.execute("INSERT INTO publications (period, body) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       period.label, body)
    return await conn.fetchval("SELECT body FROM publications WHERE period = $1", period.label)


async def _compute(conn: asyncpg.Connection, settings: StatsSettings, period: Period, today: date) -> dict:
    column = "month" if settings.public_period == "month" else "iso_week"
    rows = await conn.fetch(f"SELECT department, category, sum(n)::int AS n FROM report_counts "
                            f"WHERE {column} = $1 AND department <> '' GROUP BY department, category", period.label)
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["department"], row["category"] if row["category"] in CATEGORIES else "other")
        counts[key] = counts.get(key, 0) + row["n"]
    table = suppression.build(counts, {d for d, _ in counts}, list(CATEGORIES), settings.suppression_threshold)
    return _body(table, settings, period, today)


def _body(table: suppression.Table, settings: StatsSettings, period: Period, today: date) -> dict:
    names = department_names()
    return {
        "period": period.label, "kind": settings.public_period, "first_day": period.start.isoformat(),
        "last_day": (period.end - timedelta(days=1)).isoformat(), "published_on": today.isoformat(),
        "threshold": settings.suppression_threshold, "categories": table.categories,
        "departments": [{"code": d, "name": names.get(d, d),
                         "counts": {c: table.cells[(d, c)] for c in table.categories},
                         "total": table.row_totals[d][0], "total_complete": table.row_totals[d][1]}
                        for d in table.departments],
        "category_totals": {c: {"total": t, "complete": ok} for c, (t, ok) in table.column_totals.items()},
        "total": table.total[0], "total_complete": table.total[1],
    }


__all__ = ["NoPublishedPeriod", "NotYetPublished", "PeriodError", "published", "table_for"]

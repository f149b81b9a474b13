"""Fixed public periods (calendar months or ISO weeks, one kind only) and when each may be published.

Periods of one kind partition time: no two published periods overlap, and no arbitrary range is ever computed,
so subtracting one published figure from another never isolates a smaller span of time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from relais_shared.bilingual import Bilingual, Refusal

ZONE = ZoneInfo("Europe/Paris")  # periods follow the calendar of the national platforms
BY_MONTH_ONLY = Bilingual(fr="Les chiffres sont publiés par mois civil uniquement, par exemple 2026-03.",
                          en="Figures are published by calendar month only, e.g. 2026-03.")
BY_WEEK_ONLY = Bilingual(fr="Les chiffres sont publiés par semaine ISO uniquement, par exemple 2026-W09.",
                         en="Figures are published by ISO week only, e.g. 2026-W09.")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
WEEK = re.compile(r"^(\d{4})-W(0[1-9]|[1-4][0-9]|5[0-3])$")


class PeriodError(Refusal, ValueError):
    """The period asked for is not one we publish; its words are safe to show."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # exclusive
    label: str

    def published_on(self, delay_days: int) -> date:
        return self.end + timedelta(days=delay_days)


def labels_of(moment: datetime) -> tuple[str, str]:
    """The ISO week and the calendar month an instant falls in (Paris time)."""
    local = moment.astimezone(ZONE)
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}", f"{local.year}-{local.month:02d}"


def parse(label: str, kind: str) -> Period:
    """A period from its label; only the configured kind is accepted."""
    if kind == "month" and (m := MONTH.match(label)):
        start = date(int(m[1]), int(m[2]), 1)
        end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return Period(start, end, label)
    if kind == "week" and (m := WEEK.match(label)):
        try:
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError as exc:
            raise PeriodError(_bad(kind)) from exc
        return Period(start, start + timedelta(days=7), label)
    raise PeriodError(_bad(kind))


def _bad(kind: str) -> Bilingual:
    return BY_MONTH_ONLY if kind == "month" else BY_WEEK_ONLY


def is_published(period: Period, delay_days: int, today: date) -> bool:
    """A period is public once it has ended and the delay has passed."""
    return today >= period.published_on(delay_days)


def published_periods(kind: str, delay_days: int, first: date, today: date | None = None) -> list[Period]:
    """Every published period from the one holding `first` to the latest, newest first."""
    today = today or datetime.now(UTC).astimezone(ZONE).date()
    period, out = containing(first, kind), []
    while is_published(period, delay_days, today):
        out.append(period)
        period = containing(period.end, kind)
    return out[::-1]


def containing(day: date, kind: str) -> Period:
    if kind == "month":
        return parse(f"{day.year}-{day.month:02d}", kind)
    year, week, _ = day.isocalendar()
    return parse(f"{year}-W{week:02d}", kind)

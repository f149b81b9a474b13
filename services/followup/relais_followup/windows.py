"""Call-back windows and safe calling hours, in the victim's department's time zone (pure rules)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

METROPOLITAN_ZONE = "Europe/Paris"
OVERSEAS_ZONES = {
    "971": "America/Guadeloupe", "972": "America/Martinique", "973": "America/Cayenne", "974": "Indian/Reunion",
    "975": "America/Miquelon", "976": "Indian/Mayotte", "977": "America/St_Barthelemy", "978": "America/Marigot",
    "986": "Pacific/Wallis", "987": "Pacific/Tahiti", "988": "Pacific/Noumea",
}
METROPOLITAN_DEPARTMENT = re.compile(r"^(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5])$")
DEFAULT_OPENS_AFTER = timedelta(hours=24)
DEFAULT_CLOSES_AFTER = timedelta(hours=48)


@dataclass(frozen=True)
class SafeHours:
    """A daily stretch of local wall-clock time when calling is safe; may run past midnight (22:00–07:00)."""

    start: time
    end: time

    def contains(self, local: time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    @classmethod
    def parse(cls, text: str) -> SafeHours:
        """'09:00-11:30' → SafeHours; raises ValueError with a readable message."""
        match = re.fullmatch(r"\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]):([0-5]\d)\s*", text)
        if not match or match.group(1, 2) == match.group(3, 4):
            raise ValueError(f"safe hours must look like 09:00-11:30, not {text!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        return cls(time(h1, m1), time(h2, m2))

    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def zone_name(department: str) -> str:
    """The IANA zone of a department or overseas collectivity; ValueError for an unknown code."""
    if department in OVERSEAS_ZONES:
        return OVERSEAS_ZONES[department]
    if METROPOLITAN_DEPARTMENT.match(department):
        return METROPOLITAN_ZONE
    raise ValueError(f"unknown department {department!r}")


def zone_for(department: str) -> ZoneInfo:
    return ZoneInfo(zone_name(department))


def callback_window(base: datetime, department: str, *, opens_after: timedelta = DEFAULT_OPENS_AFTER,
                    closes_after: timedelta = DEFAULT_CLOSES_AFTER) -> tuple[datetime, datetime]:
    """The window (local, aware) in which the call-back is due: real elapsed hours after `base`.

    Arithmetic on an aware datetime in Python is wall-clock arithmetic, which is wrong across a change of
    daylight-saving time; adding in UTC keeps "24 h later" at 24 real hours.
    """
    if base.tzinfo is None:
        raise ValueError("the time of the intervention must carry its offset or zone")
    if closes_after <= opens_after:
        raise ValueError("the window must close after it opens")
    zone, utc = zone_for(department), base.astimezone(UTC)
    return (utc + opens_after).astimezone(zone), (utc + closes_after).astimezone(zone)


def is_safe_time(at: datetime, zone: ZoneInfo, hours: list[SafeHours]) -> bool:
    """Whether `at` falls in one of the safe stretches of local time (no stretch given: any time is safe)."""
    if not hours:
        return True
    local = at.astimezone(zone).time()
    return any(h.contains(local) for h in hours)


def next_safe_time(at: datetime, zone: ZoneInfo, hours: list[SafeHours]) -> datetime:
    """The first instant at or after `at` when calling is safe, in local time (gaps of DST handled)."""
    if is_safe_time(at, zone, hours):
        return at.astimezone(zone)
    local = at.astimezone(zone)
    candidates = []
    for day in range(3):
        date = (local + timedelta(days=day)).date()
        for h in hours:
            # A wall-clock start skipped by the spring change (02:30) lands as far past the change (03:30).
            start = datetime.combine(date, h.start, tzinfo=zone).astimezone(UTC).astimezone(zone)
            if start > local and is_safe_time(start, zone, hours):
                candidates.append(start)
    return min(candidates)

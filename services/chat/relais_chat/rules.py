"""Pure rules of the chat: queue order, honest wait estimate, officer load, assignment."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from relais_shared.confidentiality import level_of

DANGER_RANK = {"severe": 0, "high": 1, "standard": 2}
MIN_SAMPLES_FOR_ESTIMATE = 3
DEPARTMENT = r"^([0-9]{2,3}|2[AB])$"


def session_level(ticket_level: str, category: str | None) -> str:
    """Orange when the ticket or the category says so; a level is raised, never lowered.

    The category's level is applied again here, as intake applies it, so that a mistake upstream can never make
    a rape conversation readable by uncleared officers."""
    return "orange" if ticket_level == "orange" else level_of(category)


def queue_key(danger_level: str, queued_at: datetime) -> tuple[int, datetime]:
    """Severe first, then high, then standard; within a level, who has waited longest first."""
    return DANGER_RANK.get(danger_level, 2), queued_at


def estimate_wait(position: int, recent_waits: list[float], available_officers: int) -> float | None:
    """Seconds until an officer answers, from recent claim waits of the queue; None when we cannot tell.

    An estimate on too few samples would be a promise we cannot keep, so we say we do not know.
    """
    if len(recent_waits) < MIN_SAMPLES_FOR_ESTIMATE:
        return None
    typical = statistics.median(recent_waits)
    lanes = max(1, available_officers)
    # Each person ahead costs about one typical wait, shared between the officers who are answering.
    return round(typical * (1 + (max(position, 1) - 1) / lanes))


def weight(danger_level: str, severe_weight: int) -> int:
    """Slots a conversation takes in an officer's capacity: a severe one needs more attention."""
    return severe_weight if danger_level == "severe" else 1


@dataclass(frozen=True)
class OfficerLoad:
    sub: str
    force: str
    capacity: int
    load: int  # sum of the weights of the officer's active conversations
    orange_clearance: bool
    available: bool  # presence "available", automatic assignment on, console seen recently
    departments: tuple[str, ...] = ("*",)

    def covers(self, department: str | None) -> bool:
        return "*" in self.departments or department in self.departments


def pick_officer(force: str, department: str | None, level: str, danger_level: str, officers: list[OfficerLoad],
                 severe_weight: int) -> str | None:
    """The eligible officer with the most room left (relative to capacity); None when nobody fits."""
    need = weight(danger_level, severe_weight)
    eligible = [o for o in officers if o.available and o.force == force and o.covers(department)
                and o.load + need <= o.capacity and (level != "orange" or o.orange_clearance)]
    if not eligible:
        return None
    best = min(eligible, key=lambda o: (o.load / o.capacity, o.load, o.sub))
    return best.sub


def other_force(force: str) -> str:
    return "GN" if force == "PN" else "PN"


def platform_of(force: str | None) -> str:
    """The national platform queue of a force (the triage queue when no force is known)."""
    return f"platform.{force.lower()}" if force else "platform.triage"

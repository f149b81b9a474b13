"""The Jepsen-style check: every accepted report came out once in effect; nothing lost, nothing applied twice."""

from __future__ import annotations

from dataclasses import dataclass

SETTLED_STATUSES = frozenset({"routed", "unroutable"})


@dataclass(frozen=True)
class Observed:
    """What the services' own tables say about each report, once everything has settled."""

    status: dict[str, str]  # report id → intake's status
    routing_events: dict[str, int]  # report id → report.routed/unroutable rows in routing's outbox
    results_claimed: dict[str, int]  # report id → routing results claimed in intake's inbox
    incidents: dict[str, int]  # report id → incidents in escalation


@dataclass(frozen=True)
class Verdict:
    accepted: int
    emergencies: int
    lost: tuple[str, ...]
    twice: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.lost and not self.twice

    def __str__(self) -> str:
        return (f"{self.accepted} accepted ({self.emergencies} in danger now): lost {len(self.lost)} "
                f"{list(self.lost[:5])}, applied twice {len(self.twice)} {list(self.twice[:5])}")


def judge(accepted: dict[str, bool], seen: Observed) -> Verdict:
    """Lost: not routed (or, in danger now, no incident). Twice: any effect recorded more than once."""
    lost, twice = [], []
    for report_id, danger_now in accepted.items():
        incidents = seen.incidents.get(report_id, 0)
        if seen.status.get(report_id) not in SETTLED_STATUSES or (danger_now and incidents == 0):
            lost.append(report_id)
        if seen.routing_events.get(report_id, 0) > 1 or seen.results_claimed.get(report_id, 0) > 1 or incidents > 1:
            twice.append(report_id)
    return Verdict(len(accepted), sum(accepted.values()), tuple(lost), tuple(twice))

"""Live figures for supervisors, from the read model: queues, waits, incidents, overdue call-backs, who is on
duty."""

from __future__ import annotations

from collections import defaultdict

import asyncpg

from relais_shared.identity import Operator
from relais_stats import duties

QUERIES = {
    "chat": """SELECT force, department, count(*)::int AS waiting,
                      EXTRACT(EPOCH FROM now() - min(started_at))::float AS oldest
               FROM chat_open WHERE started_at IS NOT NULL AND claimed_at IS NULL AND NOT closed
               GROUP BY force, department""",
    "waits": """SELECT force, department, count(*)::int AS claimed,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY waited_seconds)::float AS median_wait
                FROM chat_waits WHERE claimed_at > now() - make_interval(mins => $1) GROUP BY force, department""",
    "incidents": """SELECT force, department, count(*)::int AS incidents, max(step)::int AS step,
                           EXTRACT(EPOCH FROM now() - min(opened_at))::float AS incident_oldest
                    FROM incidents_open WHERE opened_at IS NOT NULL AND acked_at IS NULL AND NOT closed
                    GROUP BY force, department""",
    "acks": """SELECT force, department, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)::float AS median_ack
               FROM ack_times WHERE acked_at > now() - make_interval(mins => $1) GROUP BY force, department""",
    "callbacks": """SELECT force, department, count(*)::int AS open,
                           count(*) FILTER (WHERE overdue OR (reached_at IS NULL AND window_end < now()))::int
                             AS overdue
                    FROM callbacks_open WHERE window_end IS NOT NULL AND closed_at IS NULL
                    GROUP BY force, department""",
}
ZERO = {"waiting": 0, "oldest": None, "claimed": 0, "median_wait": None, "incidents": 0, "step": None,
        "incident_oldest": None, "median_ack": None, "open": 0, "overdue": 0}


async def overview(conn: asyncpg.Connection, who: Operator, window_minutes: int) -> dict:
    """One line per (force, department) the supervisor covers, and operators active per force."""
    lines: dict[tuple[str, str], dict] = defaultdict(lambda: dict(ZERO))
    for sql in QUERIES.values():
        args = (window_minutes,) if "$1" in sql else ()
        for row in await conn.fetch(sql, *args):
            if _covers(who, row["force"], row["department"]):
                lines[(row["force"], row["department"])].update(
                    {k: v for k, v in dict(row).items() if k not in ("force", "department")})
    active = await conn.fetch("SELECT force, count(*)::int AS n FROM operator_activity "
                              "WHERE last_claim > now() - make_interval(mins => $1) GROUP BY force", window_minutes)
    shown = [{"force": f or None, "department": d or None, **v} for (f, d), v in sorted(lines.items())
             if any(v[k] for k in ("waiting", "claimed", "incidents", "open"))]
    on_duty, nobody = await duties.overview(conn, who, shown)
    return {
        "window_minutes": window_minutes,
        "lines": shown,
        "operators_on_duty": on_duty,  # from the consoles' leases (operator.on_duty)
        "nobody_on_duty": nobody,
        "operators_active": {r["force"]: r["n"] for r in active if r["force"] == who.force or _national(who)},
    }


def _national(who: Operator) -> bool:
    return "*" in who.departments


def _covers(who: Operator, force: str, department: str) -> bool:
    """Unresolved cases (no force or department yet) are seen by national supervisors only."""
    if not force or not department:
        return _national(who) and (not force or force == who.force)
    return who.covers(force, department)

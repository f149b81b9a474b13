"""Bursts: anonymous emergencies past a ceiling become one card that rings once, and not one alarm per report.

Every member stays an incident of its own (nothing is dropped, each keeps its report and can be opened), but
while members of a burst wait for a person only one of them is on the ladder: the others have no deadline. The
scheduler keeps exactly one ringing while any waits (`ring_next`), whoever acknowledged or closed the last one.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

import asyncpg

from relais_escalation import feed, ladder
from relais_escalation.dispatch import Dispatch
from relais_escalation.jurisdiction import Jurisdiction
from relais_escalation.settings import EscalationSettings
from relais_shared import contracts
from relais_shared.ratelimit import Ceiling


@dataclass(frozen=True)
class Placement:
    burst_id: uuid.UUID | None = None
    silent: bool = False  # joins a burst that already rings: no deadline of its own


@functools.cache
def _ceiling(department: int, national: int, window_seconds: float) -> Ceiling:
    return Ceiling("escalation", "anonymous_emergencies", department, national, window_seconds)


def ceiling_of(settings: EscalationSettings) -> Ceiling:
    return _ceiling(settings.emergency_ceiling_department, settings.emergency_ceiling_national,
                    settings.emergency_ceiling_window_seconds)


async def place(conn: asyncpg.Connection, dispatch: Dispatch, event: contracts.EmergencyRaised,
                where: Jurisdiction) -> Placement:
    """Whether an emergency joins a burst: its raiser marked it so, or escalation's own ceiling is passed.

    Only anonymous reports count (intake): an officer's alert or a follow-up cell's welfare check was
    decided by a person.
    """
    if event.source != "intake":
        return Placement()
    ceiling = ceiling_of(dispatch.settings)
    passed = await ceiling.passed(conn, where.department)
    if not (passed or event.burst):
        return Placement()
    scope = f"{where.force or '-'}:{where.department or '-'}"
    # One decision at a time per scope (replicas included): two joiners never both ring, nor open two bursts.
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "burst:" + scope)
    burst_id = await conn.fetchval(
        """UPDATE bursts SET last_at = now(), members = members + 1
           WHERE id = (SELECT id FROM bursts WHERE scope = $1 AND last_at > now() - make_interval(secs => $2)
                       ORDER BY last_at DESC LIMIT 1) RETURNING id""", scope, ceiling.window_seconds)
    if burst_id is None:
        burst_id = uuid.uuid4()
        await conn.execute("INSERT INTO bursts (id, scope, force, department, members) VALUES ($1, $2, $3, $4, 1)",
                           burst_id, scope, where.force, where.department)
    ringing = await conn.fetchval(
        """SELECT exists (SELECT 1 FROM incidents WHERE burst_id = $1 AND status = 'open'
                          AND deadline_at IS NOT NULL)""", burst_id)
    return Placement(burst_id, silent=ringing)


async def ring_next(conn: asyncpg.Connection, dispatch: Dispatch) -> int:
    """Bursts whose ringing member was acknowledged or closed while others wait: the oldest waiting one rings."""
    waiting = await conn.fetch(
        """SELECT DISTINCT ON (i.burst_id) i.id FROM incidents i
           WHERE i.burst_id IS NOT NULL AND i.status = 'open' AND i.deadline_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM incidents r WHERE r.burst_id = i.burst_id AND r.status = 'open'
                             AND r.deadline_at IS NOT NULL)
           ORDER BY i.burst_id, i.created_at""")
    rung = 0
    for candidate in waiting:
        # Another replica's scheduler may be promoting it: skipped here, and re-checked once its row is ours.
        row = await conn.fetchrow(
            """SELECT id, step, priority, operational_centre FROM incidents
               WHERE id = $1 AND status = 'open' AND deadline_at IS NULL FOR UPDATE SKIP LOCKED""", candidate["id"])
        if row is None:
            continue
        policy = dispatch.policies.for_centre(row["operational_centre"])
        await conn.execute("UPDATE incidents SET deadline_at = clock_timestamp() + make_interval(secs => $2) "
                           "WHERE id = $1", row["id"], ladder.deadline_of(policy, row["step"], row["priority"]))
        await feed.append(conn, row["id"], "burst_ringing")
        rung += 1
    return rung

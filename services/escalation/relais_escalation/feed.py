"""The consoles' feed: one sequence number per incident change, visible only in commit order."""

from __future__ import annotations

import uuid

import asyncpg

INCIDENT_COLUMNS = """i.id, i.emergency_id, i.report_id, i.source, i.kind, i.priority, i.level, i.force, i.department,
    i.operational_centre, i.postal_code, i.insee, i.jurisdiction_resolved, i.status, i.step, i.deadline_at,
    i.created_at, i.acknowledged_at, i.acknowledged_by, i.closed_at, i.outcome, i.case_reference,
    (i.patrol_sealed IS NOT NULL) AS patrol_assigned, i.danger_level, i.chat_session_id, i.erased_at,
    (i.contact_sealed IS NOT NULL) AS has_contact, i.burst_id,
    (SELECT b.members FROM bursts b WHERE b.id = i.burst_id) AS burst_size"""


async def append(conn: asyncpg.Connection, incident_id: uuid.UUID, kind: str) -> int:
    """Give this change the next sequence number; call it last in the transaction (the counter stays locked)."""
    seq = await conn.fetchval("UPDATE feed_counter SET seq = seq + 1 RETURNING seq")
    await conn.execute("INSERT INTO feed (seq, incident_id, kind) VALUES ($1, $2, $3)", seq, incident_id, kind)
    return seq


async def since(conn: asyncpg.Connection, after: int, limit: int = 500) -> list[asyncpg.Record]:
    """Changes after `after`, each with the incident as it is now."""
    return await conn.fetch(
        f"""SELECT f.seq, f.kind AS change, {INCIDENT_COLUMNS} FROM feed f JOIN incidents i ON i.id = f.incident_id
            WHERE f.seq > $1 ORDER BY f.seq LIMIT $2""", after, limit)


async def latest(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT seq FROM feed_counter")


async def active(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Incidents not closed yet, and those closed in the last hour, newest first.

    Members of a burst come after every other incident: a flood cannot push a real one out of the list.
    """
    return await conn.fetch(
        f"""SELECT {INCIDENT_COLUMNS} FROM incidents i
            WHERE i.status <> 'closed' OR i.closed_at > now() - interval '1 hour'
            ORDER BY (i.burst_id IS NOT NULL), i.created_at DESC LIMIT 500""")

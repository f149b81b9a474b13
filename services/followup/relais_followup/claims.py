"""Claims with leases: one agent at a time per victim; an agent who disappears loses the entry on its own."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from relais_followup.metrics import CLAIMS, LEASES_EXPIRED

# Free = open, window opened, nobody holding a live lease, and now inside one of her safe hours (local time).
FREE = """status = 'open' AND window_start <= now() AND (lease_until IS NULL OR lease_until < now())
          AND (jsonb_array_length(safe_hours) = 0 OR EXISTS (
              SELECT 1 FROM jsonb_array_elements_text(safe_hours) AS w(h),
                   LATERAL (SELECT split_part(h, '-', 1)::time AS s, split_part(h, '-', 2)::time AS e) b,
                   LATERAL (SELECT (now() AT TIME ZONE time_zone)::time AS t) l
              WHERE CASE WHEN b.s <= b.e THEN l.t >= b.s AND l.t < b.e ELSE l.t >= b.s OR l.t < b.e END))"""

CLAIM_NEXT = f"""
WITH picked AS (
    SELECT id, claim_id AS previous FROM entries
    WHERE department = $1 AND force = $2 AND {FREE}
    ORDER BY overdue DESC, risk_rank DESC, window_end
    LIMIT 1 FOR UPDATE SKIP LOCKED)
UPDATE entries e SET claim_id = $3, claimed_by = $4, claimed_alias = $5,
                     lease_until = clock_timestamp() + make_interval(secs => $6)
FROM picked WHERE e.id = picked.id
RETURNING e.id, picked.previous, e.lease_until"""


class ClaimLost(Exception):
    """The caller's claim ended (lease expired and taken over, released or closed); it must claim again."""


async def claim_next(conn: asyncpg.Connection, *, department: str, force: str, agent_sub: str, agent_alias: str,
                     lease_seconds: float) -> tuple[uuid.UUID, uuid.UUID, datetime] | None:
    """Take the most urgent free entry of a department; (entry_id, claim_id, lease_until) or None."""
    claim_id = uuid.uuid4()
    async with conn.transaction():
        row = await conn.fetchrow(CLAIM_NEXT, department, force, claim_id, agent_sub, agent_alias, lease_seconds)
        if row is None:
            return None
        await _record_claim(conn, row["id"], row["previous"], claim_id, agent_sub, row["lease_until"])
    return row["id"], claim_id, row["lease_until"]


async def _record_claim(conn, entry_id, previous, claim_id, agent_sub, lease_until) -> None:
    if previous is not None:
        # The previous holder vanished: their claim ended when its lease did.
        ended = await conn.execute(
            """UPDATE claims SET ended_at = lease_until, end_reason = 'expired'
               WHERE claim_id = $1 AND ended_at IS NULL""", previous)
        if ended.endswith(" 1"):
            LEASES_EXPIRED.inc()
    await conn.execute(
        "INSERT INTO claims (claim_id, entry_id, agent_sub, lease_until) VALUES ($1, $2, $3, $4)",
        claim_id, entry_id, agent_sub, lease_until)
    CLAIMS.inc()


async def hold(conn: asyncpg.Connection, entry_id: uuid.UUID, claim_id: uuid.UUID, agent_sub: str) -> asyncpg.Record:
    """Lock the entry for a change by its holder (inside the caller's transaction); ClaimLost otherwise."""
    row = await conn.fetchrow(
        """SELECT * FROM entries WHERE id = $1 AND claim_id = $2 AND claimed_by = $3 AND status = 'open'
                                 AND lease_until > clock_timestamp() FOR UPDATE""",
        entry_id, claim_id, agent_sub)
    if row is None:
        raise ClaimLost()
    return row


async def renew(conn: asyncpg.Connection, entry_id: uuid.UUID, claim_id: uuid.UUID, agent_sub: str,
                lease_seconds: float) -> datetime:
    """Heartbeat: push the lease forward; ClaimLost when it had already expired."""
    await hold(conn, entry_id, claim_id, agent_sub)
    lease_until = await conn.fetchval(
        """UPDATE entries SET lease_until = clock_timestamp() + make_interval(secs => $2) WHERE id = $1
           RETURNING lease_until""", entry_id, lease_seconds)
    await conn.execute("UPDATE claims SET lease_until = $2 WHERE claim_id = $1", claim_id, lease_until)
    return lease_until


async def end_claim(conn: asyncpg.Connection, entry_id: uuid.UUID, claim_id: uuid.UUID, reason: str) -> None:
    """Free the entry now (release or close), inside the caller's transaction."""
    await conn.execute(
        "UPDATE entries SET claim_id = NULL, claimed_by = NULL, claimed_alias = NULL, lease_until = NULL "
        "WHERE id = $1", entry_id)
    await conn.execute(
        "UPDATE claims SET ended_at = clock_timestamp(), end_reason = $2 WHERE claim_id = $1", claim_id, reason)

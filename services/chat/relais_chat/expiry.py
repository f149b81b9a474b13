"""Nobody waits unseen: a waiting conversation whose victim has gone leaves the queue."""

from __future__ import annotations

import asyncpg

from relais_chat import messages
from relais_shared import contracts, outbox

EXPIRED = "expired"
BATCH = 100


async def expire_waiting(conn: asyncpg.Connection, after_seconds: float) -> list[asyncpg.Record]:
    """Close (outcome "expired") the waiting sessions no victim socket has been seen on for `after_seconds`.

    Every node's heartbeat marks the victims it holds as seen, so only a conversation nobody holds expires.
    """
    async with conn.transaction():
        rows = await conn.fetch(
            """SELECT id, force, department FROM chat_sessions
               WHERE status = 'waiting' AND coalesce(victim_seen_at, queued_at) < now() - make_interval(secs => $1)
               ORDER BY queued_at LIMIT $2 FOR UPDATE SKIP LOCKED""", after_seconds, BATCH)
        for row in rows:
            await conn.execute("UPDATE chat_sessions SET status = 'closed', outcome = $2, closed_at = now() "
                               "WHERE id = $1", row["id"], EXPIRED)
            await messages.add_system(conn, row["id"], EXPIRED)
            await outbox.add(conn, contracts.ChatSessionClosed(session_id=row["id"], outcome=EXPIRED,
                                                               force=row["force"], department=row["department"]))
    return rows

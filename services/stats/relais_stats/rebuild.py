"""Rebuild the read model from scratch by replaying the event log, all in one transaction."""

from __future__ import annotations

import json

import asyncpg

from relais_stats.projection import PROJECTORS, READ_MODEL_TABLES


async def rebuild(conn: asyncpg.Connection) -> int:
    """Empty the read-model tables and replay every logged event in order; returns how many were replayed."""
    replayed = 0
    async with conn.transaction():
        # Readers see the old tables until the commit; consumers wait on the lock rather than interleave.
        await conn.execute(f"LOCK TABLE event_log IN SHARE MODE; TRUNCATE {', '.join(READ_MODEL_TABLES)} "
                           "RESTART IDENTITY")
        async for row in conn.cursor("SELECT type, occurred_at, payload FROM event_log ORDER BY seq"):
            payload = row["payload"] if isinstance(row["payload"], dict) else json.loads(row["payload"])
            await PROJECTORS[row["type"]](conn, payload, row["occurred_at"])
            replayed += 1
    return replayed

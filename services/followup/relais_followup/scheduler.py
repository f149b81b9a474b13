"""The scheduler, in every replica: windows that end without contact, and the list's gauges."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from relais_followup.emergencies import raise_once
from relais_followup.metrics import ENTRIES_DUE, ENTRIES_OVERDUE, OVERDUE_EMITTED
from relais_followup.rules import Rules, welfare_at_window_end
from relais_shared import contracts, outbox
from relais_shared.crypto import Keyring
from relais_shared.periodic import run_every


async def tick(pool: asyncpg.Pool, ring: Keyring, rules: Rules, batch: int = 200) -> int:
    """Mark a batch of entries whose window ended as overdue; replicas share them with SKIP LOCKED."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await conn.fetch(
            """SELECT * FROM entries WHERE status = 'open' AND NOT overdue AND window_end <= now()
               ORDER BY window_end LIMIT $1 FOR UPDATE SKIP LOCKED""", batch)
        now = datetime.now(UTC)
        for entry in rows:
            await conn.execute("UPDATE entries SET overdue = true, overdue_at = now() WHERE id = $1", entry["id"])
            await outbox.add(conn, contracts.FollowupEntryOverdue(entry_id=entry["id"],
                                                                  department=entry["department"]))
            outcomes = await conn.fetch("SELECT outcome FROM attempts WHERE entry_id = $1", entry["id"])
            if welfare_at_window_end([r["outcome"] for r in outcomes], entry["window_end"], now, rules):
                await raise_once(conn, ring, rules, entry, kind="welfare_check", reason="window_end")
    OVERDUE_EMITTED.inc(len(rows))
    return len(rows)


async def refresh_gauges(pool: asyncpg.Pool) -> None:
    """Entries due and overdue per department, for dashboards and alerts."""
    rows = await pool.fetch(
        """SELECT department, count(*) FILTER (WHERE window_start <= now()) AS due,
                  count(*) FILTER (WHERE overdue) AS overdue
           FROM entries WHERE status = 'open' GROUP BY department""")
    ENTRIES_DUE.clear()
    ENTRIES_OVERDUE.clear()
    for row in rows:
        ENTRIES_DUE.labels(row["department"]).set(row["due"])
        ENTRIES_OVERDUE.labels(row["department"]).set(row["overdue"])


async def run(pool: asyncpg.Pool, ring: Keyring, rules: Rules, every_seconds: float) -> None:
    """Loop until cancelled; a failed round (the database restarting) is retried at the next one, never fatal."""

    async def mark_overdue_and_count() -> None:
        while await tick(pool, ring, rules) > 0:
            pass
        await refresh_gauges(pool)

    await run_every(every_seconds, mark_overdue_and_count, failure_event="followup.scheduler_failed")

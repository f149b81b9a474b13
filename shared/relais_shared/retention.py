"""Retention: each service declares what it keeps and for how long; a purge applies it and records counts."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import structlog

from relais_shared.db import Connection
from relais_shared.periodic import run_every

log = structlog.get_logger(__name__)
PURGE_LOCK = 0x50555247  # "PURG": one purge at a time per database, whichever replica runs it


@dataclass(frozen=True)
class PurgeRule:
    """`sql` takes the retention in days as $1 and deletes or blanks what is older."""

    name: str
    sql: str
    days: int


SHARED_RULES = (
    PurgeRule("outbox.published", "DELETE FROM outbox WHERE published_at < now() - make_interval(days => $1)", 7),
    PurgeRule("inbox.handled", "DELETE FROM inbox WHERE handled_at < now() - make_interval(days => $1)", 30),
    # Ended or expired console sessions: their sealed refresh tokens are dead weight; the audit log keeps the acts.
    PurgeRule("operator_sessions.ended", "DELETE FROM operator_sessions WHERE least(coalesce(ended_at, expires_at), "
              "expires_at) < now() - make_interval(days => $1)", 30),
)


async def purge(conn: Connection, rules: tuple[PurgeRule, ...]) -> dict[str, int]:
    """Apply every rule in one transaction under an advisory lock; returns rows affected per rule."""
    counts: dict[str, int] = {}
    async with conn.transaction():
        if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", PURGE_LOCK):
            return counts  # another replica is purging right now
        for rule in rules:
            status = await conn.execute(rule.sql, rule.days)
            counts[rule.name] = int(status.split()[-1])
            await conn.execute("INSERT INTO purge_log (rule, affected) VALUES ($1, $2)", rule.name,
                               counts[rule.name])
    log.info("retention.purged", **counts)
    return counts


async def purge_daily(pool: asyncpg.Pool, rules: tuple[PurgeRule, ...], every_seconds: float = 86_400) -> None:
    """The scheduled job: purge now, then once a day, in every replica (the lock keeps it single); a failed
    purge is retried at the next round, never fatal."""

    async def purge_once() -> None:
        async with pool.acquire() as conn:
            await purge(conn, rules)

    await run_every(every_seconds, purge_once, failure_event="retention.purge_failed")

"""Retention: each service declares what it keeps and for how long; a purge applies it and records counts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg
import structlog

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


async def purge(conn: asyncpg.Connection, rules: tuple[PurgeRule, ...]) -> dict[str, int]:
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
    """The scheduled job: purge now, then once a day, in every replica (the lock keeps it single)."""
    while True:
        try:
            async with pool.acquire() as conn:
                await purge(conn, rules)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - a failed purge is retried tomorrow, never fatal
            log.warning("retention.purge_failed", error=type(exc).__name__)
        await asyncio.sleep(every_seconds)

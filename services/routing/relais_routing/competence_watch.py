"""Keeping this replica's index on the latest competence file, whichever replica (or command) imported it."""

from __future__ import annotations

import asyncpg
import structlog

from relais_routing.competence_store import RELOAD_CHANNEL, data_version, load_competence
from relais_routing.holder import IndexHolder
from relais_routing.metrics import COMMUNES_WITHOUT_COMPETENCE
from relais_shared.notify_worker import NotifyDrivenWorker

log = structlog.get_logger(__name__)
SAFETY_POLL_SECONDS = 30


async def reload(pool: asyncpg.Pool, holder: IndexHolder) -> None:
    """Swap in an index built from the database's competence rows."""
    async with pool.acquire() as conn:
        competence, version = await load_competence(conn), await data_version(conn)
    holder.index, holder.version = holder.index.with_competence(competence), version
    stats = holder.index.stats()
    COMMUNES_WITHOUT_COMPETENCE.set(stats.communes - stats.communes_with_competence)
    log.info("routing.index_loaded", version=version, communes=stats.communes,
             with_competence=stats.communes_with_competence, units=stats.units)


class CompetenceWatch(NotifyDrivenWorker):
    """Reload when an import announces itself, or when a poll finds a version this replica has not loaded
    (an import made while it was not listening); the loaded index keeps serving through any error."""

    max_backoff, error_event = 2.0, "routing.watch_failed"

    def __init__(self, pool: asyncpg.Pool, holder: IndexHolder, dsn: str):
        super().__init__(dsn, RELOAD_CHANNEL)
        self.pool, self.holder = pool, holder

    async def once(self) -> int:
        async with self.pool.acquire() as conn:
            latest = await data_version(conn)
        if latest != self.holder.version:
            await reload(self.pool, self.holder)
        return 0

    async def idle_seconds(self) -> float:
        return SAFETY_POLL_SECONDS

"""The deadline scheduler that runs in every replica: sleeps until the earliest deadline (at most ~0.5 s),
wakes early on NOTIFY when an incident opens, and fires due rows under FOR UPDATE SKIP LOCKED."""

from __future__ import annotations

import asyncpg
import structlog

from relais_escalation import bursts, incidents
from relais_escalation.dispatch import Dispatch
from relais_escalation.metrics import DEADLINE_LATENESS
from relais_shared.notify_worker import NotifyDrivenWorker

log = structlog.get_logger(__name__)
BATCH = 50


class DeadlineScheduler(NotifyDrivenWorker):
    """Fire, sleep, repeat; a database outage only delays deadlines, it never drops them."""

    batch, max_backoff, error_event = BATCH, 2.0, "escalation.scheduler_error"

    def __init__(self, pool: asyncpg.Pool, dispatch: Dispatch, dsn: str):
        super().__init__(dsn, incidents.DEADLINES_CHANNEL)
        self.pool, self.dispatch, self.dsn = pool, dispatch, dsn
        self.max_sleep = dispatch.settings.scheduler_max_sleep_seconds

    async def once(self) -> int:
        async with self.pool.acquire() as conn, conn.transaction():
            lateness = await incidents.fire_due(conn, self.dispatch, BATCH)
            await bursts.ring_next(conn, self.dispatch)  # a burst whose ringing report was taken rings again
        for seconds in lateness:
            DEADLINE_LATENESS.observe(max(seconds, 0.0))
        if lateness:
            log.info("escalation.deadlines_fired", count=len(lateness), max_lateness=round(max(lateness), 3))
        return len(lateness)

    async def idle_seconds(self) -> float:
        async with self.pool.acquire() as conn:
            wait = await conn.fetchval(
                """SELECT extract(epoch FROM min(deadline_at) - clock_timestamp())::float8
                   FROM incidents WHERE status = 'open'""")
        return self.max_sleep if wait is None else min(max(wait, 0.005), self.max_sleep)

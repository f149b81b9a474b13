"""Asking routing where an unresolved incident belongs, in the background and outside every transaction.

A replica claims due incidents in a short transaction (a lease: the next attempt's time), asks routing with its
short timeout holding no lock, then applies each answer in its own transaction. Routing down: the incident
stays with national supervision and routing is asked again, a bounded number of times."""

from __future__ import annotations

import asyncio

import asyncpg
import structlog

from relais_escalation import incidents, resolution
from relais_escalation.dispatch import Dispatch
from relais_escalation.jurisdiction import Jurisdiction
from relais_shared.notify_worker import NotifyDrivenWorker

log = structlog.get_logger(__name__)
BATCH = 20
CLAIM_SQL = """
UPDATE incidents i SET lookup_attempts = i.lookup_attempts + 1,
       lookup_due_at = clock_timestamp() + make_interval(secs => greatest($2 * (i.lookup_attempts + 1), $3))
FROM (SELECT id FROM incidents
      WHERE lookup_due_at <= clock_timestamp() AND NOT jurisdiction_resolved AND status <> 'closed'
      ORDER BY lookup_due_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
WHERE i.id = due.id
RETURNING i.id, i.insee, i.postal_code, i.lookup_attempts"""


class JurisdictionLookups(NotifyDrivenWorker):
    """Ask, sleep until the next due lookup (woken by NOTIFY when an incident needs one), repeat."""

    batch, max_backoff, error_event = BATCH, 5.0, "escalation.lookups_error"

    def __init__(self, pool: asyncpg.Pool, dispatch: Dispatch, dsn: str):
        super().__init__(dsn, incidents.LOOKUPS_CHANNEL)
        self.pool, self.dispatch = pool, dispatch

    async def once(self) -> int:
        s = self.dispatch.settings
        async with self.pool.acquire() as conn:
            due = await conn.fetch(CLAIM_SQL, BATCH, s.routing_retry_seconds, s.routing_timeout_seconds + 1)
        answers = await asyncio.gather(*(self.dispatch.routing.lookup(r["insee"], r["postal_code"]) for r in due))
        for row, answer in zip(due, answers, strict=True):
            async with self.pool.acquire() as conn, conn.transaction():
                await self._settle(conn, row, answer)
        return len(due)

    async def _settle(self, conn: asyncpg.Connection, row, answer: Jurisdiction | None) -> None:
        if answer is not None and answer.resolved:
            centre = answer.centre or await resolution.known_centre(conn, answer.force, answer.department)
            where = Jurisdiction(answer.force, answer.department, centre, answer.insee)
            if await resolution.apply(conn, self.dispatch, row["id"], where):
                log.info("escalation.jurisdiction_resolved", incident_id=str(row["id"]), by="routing", centre=centre)
            return
        if answer is not None or row["lookup_attempts"] >= self.dispatch.settings.routing_max_attempts:
            # Routing cannot say, or has not answered for too long: a national operator chooses.
            await conn.execute("UPDATE incidents SET lookup_due_at = NULL WHERE id = $1", row["id"])
            log.info("escalation.jurisdiction_left_to_operators", incident_id=str(row["id"]),
                     attempts=row["lookup_attempts"], routing_answered=answer is not None)

    async def idle_seconds(self) -> float:
        async with self.pool.acquire() as conn:
            wait = await conn.fetchval("""SELECT extract(epoch FROM min(lookup_due_at) - clock_timestamp())::float8
                                          FROM incidents WHERE lookup_due_at IS NOT NULL
                                            AND NOT jurisdiction_resolved AND status <> 'closed'""")
        return 5.0 if wait is None else min(max(wait, 0.01), 5.0)

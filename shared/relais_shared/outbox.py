"""Transactional outbox: events are rows written with the state change, published later with confirms."""

from __future__ import annotations

import asyncio

import asyncpg
import structlog

from relais_shared import contracts
from relais_shared.broker import Broker, PublishError
from relais_shared.metrics import (
    EVENTS_PUBLISHED,
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST_SECONDS,
    OUTBOX_PUBLISH_ERRORS,
)
from relais_shared.notify_worker import NotifyDrivenWorker
from relais_shared.observability import current_correlation_id

log = structlog.get_logger(__name__)
CHANNEL = "relais_outbox"
MAX_ROW_BACKOFF_SECONDS = 60


async def add(conn: asyncpg.Connection, event: contracts.Event, *,
              correlation_id: str | None = None) -> contracts.Envelope:
    """Queue `event` for publication inside the caller's transaction; NOTIFY wakes the relay at commit."""
    envelope = contracts.wrap(event, correlation_id=correlation_id or current_correlation_id())
    await conn.execute(
        "INSERT INTO outbox (event_id, event_type, correlation_id, body) VALUES ($1, $2, $3, $4)",
        envelope.event_id, envelope.type, envelope.correlation_id, envelope.model_dump_json().encode(),
    )
    await conn.execute("SELECT pg_notify($1, '')", CHANNEL)
    return envelope


class OutboxRelay(NotifyDrivenWorker):
    """Publishes unsent rows in order of writing; several replicas share the work with SKIP LOCKED.

    Drains, then sleeps until NOTIFY (or the safety poll); backs off while the broker or the database is down.
    """

    max_backoff = 5.0

    def __init__(self, pool: asyncpg.Pool, broker: Broker, *, dsn: str, service: str, batch_size: int = 200,
                 poll_seconds: float = 5.0):
        super().__init__(dsn, CHANNEL)
        self.pool, self.broker, self.dsn, self.service = pool, broker, dsn, service
        self.batch, self.poll_seconds = batch_size, poll_seconds

    async def once(self) -> int:
        """Publish one batch; returns how many rows it took. Raises when the broker published none of them.

        A row the broker refuses (no queue bound for its type yet) backs off on its own so that it never
        blocks the rows behind it; rows stay unsent whenever the broker is unreachable.
        """
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                """SELECT id, event_id, event_type, correlation_id, body, attempts FROM outbox
                   WHERE published_at IS NULL AND next_attempt_at <= now()
                   ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED""",
                self.batch,
            )
            if not rows:
                return 0
            results = await asyncio.gather(*(self._publish(row) for row in rows), return_exceptions=True)
            sent = [row["id"] for row, error in zip(rows, results, strict=True) if error is None]
            refused = [(row, e) for row, e in zip(rows, results, strict=True)
                       if isinstance(e, PublishError) and e.refused]
            await conn.execute("UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", sent)
            for row, error in refused:
                await conn.execute(
                    """UPDATE outbox SET attempts = attempts + 1, last_error = $2,
                       next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1""",
                    row["id"], str(error)[:200], min(2 ** row["attempts"], MAX_ROW_BACKOFF_SECONDS),
                )
                log.error("outbox.event_refused", event_type=row["event_type"], attempts=row["attempts"] + 1)
        for row in rows:
            if row["id"] in sent:
                EVENTS_PUBLISHED.labels(row["event_type"]).inc()
        failures = [e for e in results if e is not None]
        if failures and not sent:
            raise failures[0] if isinstance(failures[0], Exception) else RuntimeError("publish failed")
        return len(rows)

    async def _publish(self, row: asyncpg.Record) -> None:
        await self.broker.publish(bytes(row["body"]), routing_key=row["event_type"], message_id=str(row["event_id"]),
                                  correlation_id=row["correlation_id"])

    def failed(self, exc: Exception) -> None:
        OUTBOX_PUBLISH_ERRORS.labels(self.service).inc()
        log.warning("outbox.relay_error", error=type(exc).__name__,
                    exc_info=not isinstance(exc, PublishError | OSError))

    async def idle_seconds(self) -> float:
        await self._record_backlog()  # measured once drained: what is left is held up (refused, backing off)
        return self.poll_seconds

    async def _record_backlog(self) -> None:
        # Published rows are deleted by the retention purge (relais_shared.retention.SHARED_RULES).
        async with self.pool.acquire() as conn:
            row = await conn.fetchrow(
                """SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)
                   FROM outbox WHERE published_at IS NULL"""
            )
        assert row is not None  # an aggregate always returns its one row
        count, age = row
        OUTBOX_BACKLOG.labels(self.service).set(count)
        OUTBOX_OLDEST_SECONDS.labels(self.service).set(float(age))

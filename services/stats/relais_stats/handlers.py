"""The one consumer: log the minimised event, then project it, in the transaction that claims the inbox."""

from __future__ import annotations

import asyncpg

from relais_shared.contracts import Envelope, Event
from relais_stats import erasure
from relais_stats.minimise import minimise
from relais_stats.projection import PROJECTORS


async def on_event(event: Event, *, conn: asyncpg.Connection, envelope: Envelope, secret: bytes) -> None:
    """Any event the statistics follow; the inbox already made redeliveries a no-op."""
    kept = minimise(envelope.type, event.model_dump(mode="json"), secret)
    for event_id, event_type, payload in await erasure.unlink(conn, envelope.event_id, envelope.type, kept):
        logged = await conn.fetchval(
            "INSERT INTO event_log (event_id, type, occurred_at, payload) VALUES ($1,$2,$3,$4) "
            "ON CONFLICT (event_id) DO NOTHING RETURNING true",
            event_id, event_type, envelope.occurred_at, payload)
        if logged:
            await PROJECTORS[event_type](conn, payload, envelope.occurred_at)

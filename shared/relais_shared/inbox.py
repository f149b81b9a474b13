"""Idempotent consumers: a handler's effects and its inbox claim commit together, or not at all."""

from __future__ import annotations

import uuid

from relais_shared.db import Connection


async def claim(conn: Connection, consumer: str, event_id: uuid.UUID) -> bool:
    """Record that `consumer` handles `event_id`; False when it already did (a redelivery to skip).

    Must run inside the handler's transaction: a crash before commit releases the claim with the effects.
    """
    claimed = await conn.fetchval(
        "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true",
        consumer, event_id,
    )
    return bool(claimed)

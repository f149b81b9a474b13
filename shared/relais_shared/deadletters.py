"""Inspecting and replaying a consumer's dead-letter queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from relais_shared.broker import Broker
from relais_shared.consumer import ATTEMPT_HEADER
from relais_shared.topology import ConsumerTopology


@dataclass(frozen=True)
class DeadLetter:
    """What an operator needs to judge a dead letter; never its payload (it may be sensitive)."""

    message_id: str
    event_type: str
    reason: str
    attempts: int
    dead_lettered_at: str


async def list_dead_letters(broker: Broker, topo: ConsumerTopology, limit: int = 100) -> list[DeadLetter]:
    """Read up to `limit` dead letters without removing them (closing the channel returns them)."""
    assert broker.connection is not None
    channel = await broker.connection.channel()
    try:
        await broker.declare_consumer_queues(channel, topo)
        queue = await channel.get_queue(topo.dead_letter_queue)
        found: list[DeadLetter] = []
        while len(found) < limit:
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                break
            headers = message.headers or {}
            attempt = cast(int, headers.get(ATTEMPT_HEADER, 0))  # the count the consumer wrote
            found.append(DeadLetter(message.message_id or "", message.type or "", str(headers.get("x-relais-reason")),
                                    int(attempt), str(headers.get("x-relais-dead-lettered-at"))))
        return found
    finally:
        await channel.close()


async def replay_dead_letters(broker: Broker, topo: ConsumerTopology, limit: int | None = None) -> int:
    """Move dead letters back to the consumer's main queue with a fresh attempt count; returns how many."""
    assert broker.connection is not None
    channel = await broker.connection.channel()
    moved = 0
    try:
        await broker.declare_consumer_queues(channel, topo)
        queue = await channel.get_queue(topo.dead_letter_queue)
        while limit is None or moved < limit:
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                break
            headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-relais-")}
            await broker.publish(message.body, routing_key=topo.queue, exchange=topo.forward_exchange,
                                 message_id=message.message_id or "",
                                 correlation_id=message.correlation_id, headers=headers)
            await message.ack()
            moved += 1
        return moved
    finally:
        await channel.close()

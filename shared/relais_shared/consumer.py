"""Consumers: inbox-deduplicated handlers, bounded retries with back-off, then the dead-letter queue."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import asyncpg
import structlog
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue
from pydantic import ValidationError

from relais_shared import contracts, inbox
from relais_shared.broker import Broker
from relais_shared.metrics import DEAD_LETTERED, HANDLER_FAILURES, HANDLER_SECONDS, MESSAGES_CONSUMED, RETRIED
from relais_shared.observability import bind_correlation_id
from relais_shared.topology import ConsumerTopology

log = structlog.get_logger(__name__)
ATTEMPT_HEADER = "x-relais-attempt"
Handler = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class ConsumerSpec:
    """A named consumer and the handler of each event type it takes; `name` keys its queue and inbox."""

    name: str
    handlers: dict[str, Handler]


class Consumer:
    """Runs one ConsumerSpec on its own channel with an explicit prefetch and manual acks."""

    def __init__(self, spec: ConsumerSpec, topology: ConsumerTopology, *, broker: Broker, pool: asyncpg.Pool,
                 prefetch: int, max_attempts: int, handler_timeout: float) -> None:
        self.spec, self.topology, self.broker, self.pool = spec, topology, broker, pool
        self.prefetch, self.max_attempts, self.handler_timeout = prefetch, max_attempts, handler_timeout
        self._queue: AbstractQueue | None = None
        self._tag: str | None = None
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def start(self) -> None:
        """Declare the queues and start consuming; the robust channel re-registers after reconnects."""
        assert self.broker.connection is not None
        channel = await self.broker.connection.channel()
        await channel.set_qos(prefetch_count=self.prefetch)
        self._queue = queue = await self.broker.declare_consumer_queues(channel, self.topology)
        self._tag = await queue.consume(self._on_message)

    async def stop(self, grace: float) -> None:
        """Stop taking messages, then give in-flight handlers `grace` seconds to finish."""
        if self._queue is not None and self._tag is not None:
            try:
                await self._queue.cancel(self._tag)
            except Exception:  # noqa: BLE001 - the channel may already be gone; unacked messages return
                log.warning("consumer.cancel_failed", consumer=self.spec.name)
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except TimeoutError:
            log.warning("consumer.stop_with_in_flight", consumer=self.spec.name, in_flight=self._in_flight)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        self._in_flight += 1
        self._idle.clear()
        try:
            await self._process(message)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def _process(self, message: AbstractIncomingMessage) -> None:
        attempt = int(cast(int, (message.headers or {}).get(ATTEMPT_HEADER, 0)))  # ours: the count we wrote
        try:
            envelope = contracts.Envelope.model_validate_json(message.body)
            event = contracts.unwrap(envelope)
            handler = self.spec.handlers[envelope.type]
        except (ValidationError, contracts.UnknownEventError, KeyError, ValueError) as exc:
            # A message that cannot be read will never be readable: no retry, straight to the DLQ.
            await self._dead_letter(message, attempt, reason=f"unreadable:{type(exc).__name__}")
            MESSAGES_CONSUMED.labels(self.spec.name, message.type or "?", "unreadable").inc()
            return
        bind_correlation_id(envelope.correlation_id)
        started = time.perf_counter()
        try:
            outcome = await asyncio.wait_for(self._handle(handler, envelope, event), self.handler_timeout)
        except Exception as exc:  # noqa: BLE001 - every failure takes the bounded retry path
            HANDLER_FAILURES.labels(self.spec.name, envelope.type).inc()
            log.warning("consumer.handler_failed", consumer=self.spec.name, event_type=envelope.type,
                        event_id=str(envelope.event_id), attempt=attempt, error=type(exc).__name__)
            await self._retry_or_dead_letter(message, attempt, reason=type(exc).__name__)
            return
        HANDLER_SECONDS.labels(self.spec.name, envelope.type).observe(time.perf_counter() - started)
        MESSAGES_CONSUMED.labels(self.spec.name, envelope.type, outcome).inc()
        await message.ack()

    async def _handle(self, handler: Handler, envelope: contracts.Envelope, event: contracts.Event) -> str:
        async with self.pool.acquire() as conn, conn.transaction():
            if not await inbox.claim(conn, self.spec.name, envelope.event_id):
                return "duplicate"
            await handler(event, conn=conn, envelope=envelope)
        return "handled"

    async def _retry_or_dead_letter(self, message: AbstractIncomingMessage, attempt: int, reason: str) -> None:
        if attempt + 1 >= self.max_attempts:
            await self._dead_letter(message, attempt, reason=reason)
            return
        step = min(attempt, len(self.topology.retry_delays_ms) - 1)
        await self._forward(message, self.topology.retry_queue(step), {ATTEMPT_HEADER: attempt + 1})
        RETRIED.labels(self.spec.name).inc()

    async def _dead_letter(self, message: AbstractIncomingMessage, attempt: int, reason: str) -> None:
        headers = {ATTEMPT_HEADER: attempt, "x-relais-reason": reason, "x-relais-consumer": self.spec.name,
                   "x-relais-dead-lettered-at": datetime.now(UTC).isoformat()}
        await self._forward(message, self.topology.dead_letter_queue, headers)
        DEAD_LETTERED.labels(self.spec.name).inc()
        log.error("consumer.dead_lettered", consumer=self.spec.name, reason=reason, message_id=message.message_id)

    async def _forward(self, message: AbstractIncomingMessage, queue: str, headers: dict[str, Any]) -> None:
        """Copy the message to `queue` with confirms, then ack it: at-least-once, never silently dropped."""
        try:
            await self.broker.publish(message.body, routing_key=queue, exchange=self.topology.forward_exchange,
                                      message_id=message.message_id or "", correlation_id=message.correlation_id,
                                      headers={**(message.headers or {}), **headers})
        except Exception:  # noqa: BLE001 - leave it unacked: the broker redelivers it after reconnecting
            log.warning("consumer.forward_failed", consumer=self.spec.name, queue=queue)
            await _quietly(message.nack(requeue=True))
            return
        await message.ack()


async def _quietly(awaitable: Awaitable[Any]) -> None:
    try:
        await awaitable
    except Exception:  # noqa: BLE001, S110 - the channel is closed; the broker requeues unacked messages
        pass

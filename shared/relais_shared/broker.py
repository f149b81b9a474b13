"""RabbitMQ connection, topology declaration and confirmed, mandatory publishing."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

import aio_pika
import aiormq
import structlog
from aio_pika.abc import (
    AbstractExchange,
    AbstractQueue,
    AbstractRobustChannel,
    AbstractRobustConnection,
    AbstractRobustExchange,
)

from relais_shared.metrics import BROKER_CONNECTED
from relais_shared.topology import ConsumerTopology, events_exchange

log = structlog.get_logger(__name__)


class PublishError(RuntimeError):
    """The broker did not confirm a message: `refused` (unroutable or nacked) or `unavailable`."""

    def __init__(self, message: str, *, refused: bool = False):
        super().__init__(message)
        self.refused = refused


class Broker:
    """One robust connection per process: a confirming publish channel and channels for consumers."""

    def __init__(self, amqp_url: str, *, namespace: str, service: str, heartbeat: int = 30):
        self.amqp_url, self.namespace, self.service, self.heartbeat = amqp_url, namespace, service, heartbeat
        self.connection: AbstractRobustConnection | None = None
        self._channel: AbstractRobustChannel | None = None
        self._exchange: AbstractRobustExchange | None = None

    async def connect(self, timeout: float = 10) -> None:
        """Open the connection and declare the events exchange; raises while the broker is unreachable."""
        self.connection = await aio_pika.connect_robust(
            self.amqp_url, timeout=timeout, heartbeat=self.heartbeat,
            client_properties={"connection_name": f"relais-{self.service}-{uuid.uuid4().hex[:6]}"},
        )
        self.connection.reconnect_callbacks.add(lambda *_: BROKER_CONNECTED.labels(self.service).set(1))
        self.connection.close_callbacks.add(lambda *_: BROKER_CONNECTED.labels(self.service).set(0))
        self._channel = await self.connection.channel(publisher_confirms=True, on_return_raises=True)
        await self._create_events_exchange()
        self._exchange = await self.events_exchange(self._channel)
        BROKER_CONNECTED.labels(self.service).set(1)

    async def _create_events_exchange(self) -> None:
        """Declare the events exchange when this user may (development, tests, the admin's tools).

        A service's own user may not (it could delete it too): the deployment declares it, and a refusal on
        this throw-away channel only means the exchange is someone else's to create.
        """
        assert self.connection is not None
        probe = await self.connection.channel()
        try:
            await probe.declare_exchange(events_exchange(self.namespace), aio_pika.ExchangeType.TOPIC, durable=True)
        except aiormq.exceptions.ChannelAccessRefused:
            log.info("broker.events_exchange_not_declared", reason="not permitted for this user")
        finally:
            with contextlib.suppress(Exception):
                await probe.close()

    async def events_exchange(self, channel: AbstractRobustChannel) -> AbstractRobustExchange:
        """The events exchange on `channel`, checked to exist (passive): publishing and binding need no more."""
        return await channel.declare_exchange(events_exchange(self.namespace), aio_pika.ExchangeType.TOPIC,
                                              durable=True, passive=True)

    @property
    def is_connected(self) -> bool:
        return self.connection is not None and not self.connection.is_closed and self._channel is not None \
            and not self._channel.is_closed

    async def publish(self, body: bytes, *, routing_key: str, message_id: str, correlation_id: str | None,
                      headers: dict[str, Any] | None = None, exchange: str | None = None, timeout: float = 10,
                      ) -> None:
        """Publish persistently with `mandatory`; returns only once the broker confirmed the message."""
        if self._channel is None or not self.is_connected:
            raise PublishError("broker not connected")
        message = aio_pika.Message(
            body, content_type="application/json", delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=message_id, correlation_id=correlation_id, type=routing_key, headers=headers or {},
        )
        target = self._exchange if exchange is None else await self._default_or(exchange)
        assert target is not None  # connect() declares the events exchange with the channel
        # Returned (unroutable) messages raise PublishError and nacks DeliveryError: anything else is an ack.
        try:
            await target.publish(message, routing_key=routing_key, mandatory=True, timeout=timeout)
        except aio_pika.exceptions.DeliveryError as exc:
            raise PublishError(f"unroutable or refused: {routing_key}", refused=True) from exc
        except (TimeoutError, aio_pika.exceptions.AMQPError, ConnectionError, RuntimeError) as exc:
            raise PublishError(f"not confirmed: {type(exc).__name__}") from exc

    async def _default_or(self, name: str) -> AbstractExchange:
        assert self._channel is not None
        return self._channel.default_exchange if name == "" else await self._channel.get_exchange(name)

    async def declare_consumer_queues(self, channel: AbstractRobustChannel, topo: ConsumerTopology) -> AbstractQueue:
        """Declare a consumer's main, retry and dead-letter queues, bind them, and return the main one."""
        exchange = await self.events_exchange(channel)
        # Auto-delete: it goes when the consumer's queues go (tests), never while one of them is bound.
        forward = await channel.declare_exchange(topo.forward_exchange, aio_pika.ExchangeType.DIRECT, durable=True,
                                                 auto_delete=True)
        dead = await channel.declare_queue(topo.dead_letter_queue, durable=True,
                                           arguments=topo.dead_letter_arguments())
        await dead.bind(forward, routing_key=topo.dead_letter_queue)
        for step in range(len(topo.retry_delays_ms)):
            retry = await channel.declare_queue(topo.retry_queue(step), durable=True,
                                                arguments=topo.retry_arguments(step))
            await retry.bind(forward, routing_key=topo.retry_queue(step))
        queue = await channel.declare_queue(topo.queue, durable=True, arguments=topo.main_arguments())
        await queue.bind(forward, routing_key=topo.queue)
        for key in topo.routing_keys:
            await queue.bind(exchange, routing_key=key)
        return queue

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()
        BROKER_CONNECTED.labels(self.service).set(0)

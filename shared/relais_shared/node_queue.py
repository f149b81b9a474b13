"""A replica's own broker queue: how every node of a service hears the events meant for the sockets it holds.

A consumer queue shares its messages between replicas, but a socket lives on one node: so each node of chat and
escalation also declares an exclusive, auto-delete queue of its own, bound to the keys the broker grants give
its service (`ServiceGrants.node_keys`). It carries wake-ups only: the database stays the truth, and a node that
missed one (broker outage) catches up by polling.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import structlog
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage, AbstractRobustChannel, AbstractRobustExchange

from relais_shared.broker import Broker
from relais_shared.broker_grants import GRANTS

log = structlog.get_logger(__name__)
BROKER_POLL_SECONDS = 0.1
OnMessage = Callable[[AbstractIncomingMessage], Awaitable[None]]


class NodeQueue:
    """`connect` waits for the broker and opens the node's channel, `consume` declares and consumes the queue;
    the robust channel restores both after an outage."""

    def __init__(self, broker: Broker, node: str | None = None):
        self.broker = broker
        self.node = node or uuid.uuid4().hex[:8]
        self.channel: AbstractRobustChannel | None = None
        self.events: AbstractRobustExchange | None = None
        self.ready = asyncio.Event()  # set once the queue is consuming

    @property
    def name(self) -> str:
        # Under `<namespace>.<service>.`: the only names the service's broker user may declare.
        return f"{self.broker.namespace}.{self.broker.service}.node.{self.node}"

    async def connect(self) -> AbstractRobustChannel:
        """Wait until the broker is joined, then open this node's channel and find the events exchange."""
        while not self.broker.is_connected or self.broker.connection is None:
            await asyncio.sleep(BROKER_POLL_SECONDS)
        self.channel = await self.broker.connection.channel()
        self.events = await self.broker.events_exchange(self.channel)  # exists; the service may not declare it
        return self.channel

    async def consume(self, on_message: OnMessage, *also: tuple[AbstractExchange, str]) -> None:
        """Declare the queue, bind it to the service's node keys (and to `also`'s exchanges), and consume."""
        if self.channel is None or self.events is None:
            raise RuntimeError("connect the node queue first")
        queue = await self.channel.declare_queue(self.name, exclusive=True, auto_delete=True)
        for key in GRANTS[self.broker.service].node_keys:
            await queue.bind(self.events, routing_key=key)
        for exchange, key in also:
            await queue.bind(exchange, routing_key=key)
        await queue.consume(on_message, no_ack=True)
        self.ready.set()
        log.info("broker.node_queue_ready", service=self.broker.service, node=self.node)

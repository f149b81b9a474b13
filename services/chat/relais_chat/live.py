"""Live delivery on this node: local sockets by session, a per-node queue on the broker, pumps from the DB.

The database is the truth: a wake-up (chat.message_posted) only tells a node to read what its sockets have
not been sent yet, so a lost wake-up delays a message but never loses it (the sweep and resumes catch up).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aio_pika
import structlog

from relais_chat import messages
from relais_shared import contracts
from relais_shared.node_queue import NodeQueue
from relais_shared.runtime import ServiceRuntime

log = structlog.get_logger(__name__)
Reaction = Callable[[dict], Awaitable[None]]
SEND_TIMEOUT_SECONDS = 10  # a client that stops reading must not hold up the others


class Socket:
    """One WebSocket; a lock keeps frames sent from several tasks whole and in order."""

    def __init__(self, websocket):
        self.websocket, self.open = websocket, True
        self._lock = asyncio.Lock()

    async def send(self, frame: dict) -> None:
        if not self.open:
            return
        async with self._lock:
            try:
                async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                    await self.websocket.send_text(json.dumps(frame, ensure_ascii=False))
            except Exception:  # noqa: BLE001 - gone or stuck: it resumes from its last seq when it reconnects
                self.open = False
                with contextlib.suppress(Exception):
                    await self.websocket.close(code=1011)

    async def close(self, code: int) -> None:
        """Close with a code the page understands (it does not reconnect after 4404, 4409 or 4410)."""
        async with self._lock:
            self.open = False
            with contextlib.suppress(Exception):
                async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                    await self.websocket.close(code=code)


@dataclass(eq=False)
class Subscriber:
    """A socket following one session; `last_sent` is the highest seq this socket was given."""

    socket: Socket
    session_id: uuid.UUID
    role: str  # victim | officer
    last_sent: int
    readable: bool = True
    operator_sub: str | None = None
    credential: str | None = None  # victim sockets: the tag of the secret they opened with (see sessions)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Hub:
    """This node's sockets and its node queue, bound to chat.# and to the live exchange."""

    def __init__(self, runtime: ServiceRuntime):
        self.runtime, self.keyring = runtime, runtime.settings.keyring()
        self.by_session: dict[uuid.UUID, set[Subscriber]] = defaultdict(set)
        self.consoles: dict[str, set] = defaultdict(set)  # operator sub -> Console objects on this node
        self.reactions: dict[str, Reaction] = {}
        self.queue = NodeQueue(runtime.broker)
        self._live = None

    @property
    def ready(self) -> asyncio.Event:
        """Set once this node's queue is consuming."""
        return self.queue.ready

    @property
    def live_exchange(self) -> str:
        return f"{self.runtime.settings.namespace}.chat.live"

    def attach(self, sub: Subscriber) -> None:
        self.by_session[sub.session_id].add(sub)

    def detach(self, sub: Subscriber) -> None:
        subs = self.by_session.get(sub.session_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                self.by_session.pop(sub.session_id, None)

    def local(self, session_id: uuid.UUID, role: str | None = None) -> list[Subscriber]:
        return [s for s in self.by_session.get(session_id, ()) if role is None or s.role == role]

    async def pump(self, sub: Subscriber) -> None:
        """Send this socket every stored message after the last one it was sent, in order, once."""
        async with sub.lock:
            while True:
                async with self.runtime.pool.acquire() as conn:
                    rows = await messages.after(conn, sub.session_id, sub.last_sent)
                for row in rows:
                    await sub.socket.send(messages.to_frame(self.keyring, sub.session_id, row, readable=sub.readable))
                    sub.last_sent = row["seq"]
                if len(rows) < messages.FETCH_LIMIT:
                    return

    async def wake(self, session_id: uuid.UUID) -> None:
        await asyncio.gather(*(self.pump(s) for s in self.local(session_id)))

    async def posted(self, session_id: uuid.UUID) -> None:
        """A line was stored: deliver it here now. The other nodes wake when its chat.message_posted, written to
        the outbox with the line (relais_chat.messages), reaches their queues."""
        await self.wake(session_id)

    async def publish_live(self, kind: str, **payload) -> None:
        """Typing, read marks and alerts: not persisted, so a lost one only costs a moment of display."""
        body = json.dumps({"kind": kind, **{k: str(v) if isinstance(v, uuid.UUID) else v
                                            for k, v in payload.items()}}).encode()
        await self._publish(self._live, kind, body)

    async def _publish(self, exchange, key: str, body: bytes) -> None:
        if exchange is None:
            return
        with contextlib.suppress(Exception):  # a wake-up is not the truth: clients resume from their last seq
            await exchange.publish(aio_pika.Message(body, content_type="application/json"), routing_key=key)

    async def run(self) -> None:
        """Wait for the broker, then declare the live exchange and this node's queue, bound to both."""
        channel = await self.queue.connect()
        self._live = await channel.declare_exchange(self.live_exchange, aio_pika.ExchangeType.TOPIC,
                                                    auto_delete=True)
        await self.queue.consume(self._on_message, (self._live, "#"))

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        try:
            data = json.loads(message.body)
            if message.exchange == self.live_exchange:
                kind, payload = data.pop("kind"), data
            else:
                event = contracts.unwrap(contracts.Envelope.model_validate(data))
                kind, payload = event.TYPE, event.model_dump()
            reaction = self.reactions.get(kind)
            if reaction is not None:
                await reaction(payload)
        except Exception as exc:  # noqa: BLE001 - one bad live message must not stop this node's deliveries
            log.warning("chat.live_message_failed", error=type(exc).__name__, routing_key=message.routing_key)

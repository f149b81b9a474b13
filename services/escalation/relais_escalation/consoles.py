"""Live fan-out to the consoles connected to this replica: woken by its own broker queue bound to dispatch.#,
it reads the feed (the source of truth) past each console's cursor and pushes what is in that console's scope,
each incident marked `alert` only for the consoles of its ladder step's target."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import structlog
from fastapi import WebSocket

from relais_escalation import feed
from relais_escalation.dispatch import Dispatch
from relais_escalation.metrics import CONSOLES
from relais_escalation.views import console_view
from relais_shared.identity import Operator
from relais_shared.node_queue import NodeQueue
from relais_shared.periodic import run_every
from relais_shared.runtime import ServiceRuntime

log = structlog.get_logger(__name__)
SEND_TIMEOUT = 5.0
PAGE = 500


@dataclass(eq=False)
class Console:
    operator: Operator
    socket: WebSocket
    cursor: int


class ConsoleHub:
    def __init__(self, runtime: ServiceRuntime, dispatch: Dispatch):
        self.runtime, self.dispatch = runtime, dispatch
        self.consoles: set[Console] = set()
        self.queue = NodeQueue(runtime.broker, node=dispatch.node)
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()  # one pump at a time: a console's messages leave in sequence order

    async def listen(self) -> None:
        """Declare this replica's node queue (bound to dispatch.#) once the broker is up."""
        await self.queue.connect()
        await self.queue.consume(self._on_event)

    async def _on_event(self, message) -> None:
        self._wake.set()
        if message.routing_key == "dispatch.centre_unstaffed":
            # Each console asks for the unstaffed centres of its own scope.
            await self._broadcast({"type": "centres_changed"})

    async def pump_forever(self) -> None:
        """Push new feed entries on every broker wake, and at least every feed_poll_seconds (broker down); a
        failed push is tried again at the next wake or poll, from the same cursors."""
        await run_every(self.dispatch.settings.feed_poll_seconds, self.pump, wake=self._wake, at_once=False,
                        failure_event="escalation.console_pump_error")

    async def pump(self) -> None:
        async with self._lock:
            if not self.consoles:
                return
            after = min(c.cursor for c in self.consoles)
            while True:
                async with self.runtime.pool.acquire() as conn:
                    rows = await feed.since(conn, after, PAGE)
                for console in list(self.consoles):
                    await self._deliver(console, rows)
                if len(rows) < PAGE:
                    return
                after = rows[-1]["seq"]

    async def _deliver(self, console: Console, rows) -> None:
        for row in rows:
            if row["seq"] <= console.cursor:
                continue
            if console.operator.covers(row["force"], row["department"]):
                message = {"type": "incident", "seq": row["seq"], "change": row["change"],
                           "incident": console_view(row, console.operator, self.dispatch)}
                if not await self._send(console, message):
                    return
            console.cursor = row["seq"]

    async def join(self, socket: WebSocket, operator: Operator, last_seen: int | None) -> Console:
        """Send what is open now and what the console missed since `last_seen`, then follow the feed."""
        async with self.runtime.pool.acquire() as conn:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                seq, rows = await feed.latest(conn), await feed.active(conn)
            missed = await feed.since(conn, last_seen) if last_seen is not None and last_seen < seq else []
        visible = [console_view(r, operator, self.dispatch) for r in rows
                   if operator.covers(r["force"], r["department"])]
        await socket.send_json({"type": "snapshot", "seq": seq, "incidents": visible})
        console = Console(operator, socket, last_seen if missed else seq)
        async with self._lock:
            await self._deliver(console, [r for r in missed if r["seq"] <= seq])
            console.cursor = max(console.cursor, seq)
            self.consoles.add(console)
        CONSOLES.set(len(self.consoles))
        return console

    def leave(self, console: Console) -> None:
        self.consoles.discard(console)
        CONSOLES.set(len(self.consoles))

    async def _broadcast(self, message: dict) -> None:
        async with self._lock:
            for console in list(self.consoles):
                await self._send(console, message)

    async def _send(self, console: Console, message: dict) -> bool:
        try:
            await asyncio.wait_for(console.socket.send_json(message), SEND_TIMEOUT)
            return True
        except Exception:  # noqa: BLE001 - a dead or stuck console is dropped; it resumes from its cursor
            self.leave(console)
            with contextlib.suppress(Exception):
                await console.socket.close(code=1011)
            return False

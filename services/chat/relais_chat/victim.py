"""The victim's WebSocket: authenticate with the session secret, resume from a seq, write, read, leave."""

from __future__ import annotations

import asyncio
import time

import structlog
from fastapi import WebSocket, WebSocketDisconnect

from relais_chat import frames, guard, messages, queueing, sessions
from relais_chat.live import Hub, Socket, Subscriber
from relais_chat.settings import ChatSettings
from relais_chat.texts import error_frame
from relais_shared.socket_guard import TokenBucket

log = structlog.get_logger(__name__)


class VictimLine:
    """One victim socket's loop; small handlers per frame type."""

    def __init__(self, websocket: WebSocket, hub: Hub, settings: ChatSettings, buckets: dict):
        self.websocket, self.hub, self.settings, self.buckets = websocket, hub, settings, buckets
        self.socket = Socket(websocket)
        self.guard = guard.guard_for(settings)
        self.sub: Subscriber | None = None

    @property
    def pool(self):
        return self.hub.runtime.pool

    async def run(self) -> None:
        await self.websocket.accept()
        if not await self._hello():
            return
        try:
            while True:
                await self._handle(await guard.receive(self.socket, self.guard))
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            self.hub.detach(self.sub)

    async def _hello(self) -> bool:
        try:
            raw = await asyncio.wait_for(guard.receive(self.socket, self.guard), self.settings.hello_timeout_seconds)
            hello = frames.parse(frames.VictimHello, raw)
        except WebSocketDisconnect:
            return False  # gone, or cut for breaking a limit (and told so)
        except (TimeoutError, frames.BadFrame, KeyError, RuntimeError):
            await self.socket.send(error_frame("hello_first"))
            await self.websocket.close(code=4400)
            return False
        pepper = self.settings.secret_key.get_secret_value()
        async with self.pool.acquire() as conn:
            session = await sessions.authenticate(conn, hello.session_id, hello.secret, pepper)
            if session is None:
                await self.socket.send(error_frame("unknown_session"))
                await self.websocket.close(code=4404)
                return False
            await conn.execute("UPDATE chat_sessions SET victim_seen_at = now() WHERE id = $1", session["id"])
            status = await queueing.victim_status(conn, session, self.settings.presence_stale_seconds)
        self.sub = Subscriber(self.socket, session["id"], "victim", min(hello.last_seq, session["last_seq"]),
                              credential=sessions.credential(pepper, hello.secret))
        self.hub.attach(self.sub)
        await self.socket.send(status)
        await self.hub.pump(self.sub)
        return True

    async def _handle(self, raw: str | bytes | None) -> None:
        try:
            frame = frames.victim_frame(raw)
        except frames.BadFrame:
            await self.socket.send(error_frame("malformed"))
            return
        if isinstance(frame, frames.Send):
            await self._send(frame)
        elif isinstance(frame, frames.Ack):
            await self._ack(frame.seq)
        elif isinstance(frame, frames.Typing) and self.guard.typing_due():
            await self.hub.publish_live("typing", session_id=self.sub.session_id, who="victim")
        elif isinstance(frame, frames.Exit):
            await leave_by_exit(self.hub, self.sub.session_id)

    async def _send(self, frame: frames.Send) -> None:
        text = frame.text.strip()
        if not text:
            return await self.socket.send(error_frame("empty"))
        if len(text) > self.settings.max_message_chars:
            return await self.socket.send({**error_frame("too_long", limit=self.settings.max_message_chars),
                                           "client_id": frame.client_id})
        if not self._bucket().take(time.monotonic()):
            return await self.socket.send({**error_frame("flood"), "client_id": frame.client_id})
        async with self.pool.acquire() as conn:
            posted = await messages.post(conn, self.hub.keyring, self.sub.session_id, "victim", frame.client_id, text)
        if posted is None:
            return await self.socket.send(error_frame("closed"))
        await self.hub.posted(self.sub.session_id)

    async def _ack(self, seq: int) -> None:
        async with self.pool.acquire() as conn:
            read = await messages.mark_read(conn, self.sub.session_id, "victim", seq)
        await self.hub.publish_live("read", session_id=self.sub.session_id, who="victim", seq=read)

    def _bucket(self) -> TokenBucket:
        """Per session, not per socket: reconnecting does not refill it."""
        bucket = self.buckets.get(self.sub.session_id)
        if bucket is None:
            bucket = TokenBucket(self.settings.flood_burst, self.settings.flood_per_second, time.monotonic())
            self.buckets[self.sub.session_id] = bucket
        return bucket


async def leave_by_exit(hub: Hub, session_id) -> None:
    """Record the emergency exit (no content) and tell the officer at once."""
    async with hub.runtime.pool.acquire() as conn:
        exited = await sessions.victim_exit(conn, session_id)
    if exited:
        log.info("chat.victim_exited", session_id=str(session_id))
        await hub.posted(session_id)

"""The officer's WebSocket: signed in by its session (or a token), presence, queue, claim, conversation actions."""

from __future__ import annotations

import asyncio
import uuid

import structlog
from fastapi import WebSocket, WebSocketDisconnect

from relais_chat import duty, frames, guard, officers, queueing, sessions, triage
from relais_chat.actions import Actions
from relais_chat.live import Hub, Socket, Subscriber
from relais_chat.texts import error_frame
from relais_shared import audit
from relais_shared.identity import AuthError, Operator
from relais_shared.operators import gate_of, lease_of
from relais_shared.signin.gate import Lease

log = structlog.get_logger(__name__)


class Console:
    """One officer console connection on this node."""

    def __init__(self, websocket: WebSocket, hub: Hub, actions: Actions):
        self.websocket, self.hub, self.actions = websocket, hub, actions
        self.lease: Lease | None = None
        self.socket = Socket(websocket)
        self.guard = guard.guard_for(actions.settings)
        self.operator: Operator | None = None
        self.subs: dict[uuid.UUID, Subscriber] = {}
        self.duty: duty.Duty | None = None  # on duty (operator.on_duty) while the socket is open

    async def run(self) -> None:
        await self.websocket.accept()
        auth = await self._authenticate()
        if auth is None:
            return
        self.hub.consoles[self.operator.sub].add(self)
        try:
            # Closed (4401) when the session ends, expires or is revoked: the console asks to sign in again.
            async with gate_of(self.websocket).watching(self.websocket, self.lease):
                await self._start(auth)
                while True:
                    await self._handle(await guard.receive(self.socket, self.guard))
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            self.hub.consoles[self.operator.sub].discard(self)
            for sub in list(self.subs.values()):
                self.hub.detach(sub)
            if not self.hub.consoles[self.operator.sub]:
                self.hub.consoles.pop(self.operator.sub, None)
            await duty.stop(self.hub.runtime.pool, self.duty)

    async def _authenticate(self) -> frames.OfficerAuth | None:
        try:
            raw = await asyncio.wait_for(guard.receive(self.socket, self.guard),
                                         self.actions.settings.hello_timeout_seconds)
            auth = frames.parse(frames.OfficerAuth, raw)
            self.lease = await lease_of(self.websocket, auth.token)
            operator = self.lease.operator
        except WebSocketDisconnect:
            return None  # gone, or cut for breaking a limit (and told so)
        except (TimeoutError, frames.BadFrame, AuthError, KeyError, RuntimeError):
            await self.socket.send(error_frame("auth"))
            await self.websocket.close(code=4401)
            return None
        if not operator.has_any("chat_operator", "triage_operator"):
            await self.socket.send(error_frame("role"))
            await self.websocket.close(code=4403)
            return None
        self.operator = operator
        structlog.contextvars.bind_contextvars(operator=operator.sub)
        return auth

    @property
    def answers(self) -> bool:
        """Whether this operator answers conversations (a triage-only operator hands them over, nothing more)."""
        return self.operator.has_any("chat_operator")

    @property
    def triages(self) -> bool:
        return self.operator.has_any("triage_operator")

    async def _start(self, auth: frames.OfficerAuth) -> None:
        self.duty = await duty.start(self.hub.runtime.pool, self.operator, self.actions.settings)
        async with self.hub.runtime.pool.acquire() as conn:
            me = {"presence": "away", "capacity": 0, "auto_assign": False}
            if self.answers:
                me = await officers.connect(conn, self.operator, self.actions.settings.default_capacity)
            mine = await conn.fetch("SELECT id FROM chat_sessions WHERE operator_sub = $1 AND status = 'active'",
                                    self.operator.sub)
        await self.socket.send({"type": "hello", "alias": self.operator.alias, "force": self.operator.force,
                                "orange_clearance": self.operator.orange_clearance, **me,
                                "answers": self.answers, "triage": self.triages,
                                "canned": self.actions.canned, "outcomes": self.actions.outcomes})
        for row in mine:
            await self.follow(row["id"], auth.after.get(row["id"], 0))
        await self.send_queue()

    async def follow(self, session_id: uuid.UUID, after: int = 0) -> None:
        """Open a conversation on this console: its summary, then every message after `after` (audited)."""
        if session_id in self.subs:
            return
        # Reserved before the first await: a claim and its event arriving together follow it only once.
        sub = self.subs[session_id] = Subscriber(self.socket, session_id, "officer", after, False, self.operator.sub)
        async with self.hub.runtime.pool.acquire() as conn, conn.transaction():
            session = await sessions.load(conn, session_id)
            if session is None or session["operator_sub"] != self.operator.sub:
                self.subs.pop(session_id, None)
                return
            await audit.record(conn, self.operator, "chat.read", "chat_session", str(session_id),
                               details={"after_seq": after})
        sub.readable = self.operator.may_read(session["level"])
        self.hub.attach(sub)
        await self.socket.send(session_frame(session))
        await self.hub.pump(sub)

    async def unfollow(self, session_id: uuid.UUID, reason: str) -> None:
        sub = self.subs.pop(session_id, None)
        if sub is not None:
            self.hub.detach(sub)
            await self.socket.send({"type": "session_gone", "session_id": str(session_id), "reason": reason})

    async def send_queue(self) -> None:
        async with self.hub.runtime.pool.acquire() as conn:
            items = await queueing.officer_queue(conn, self.operator) if self.answers else []
            waiting = await triage.triage_queue(conn, self.operator) if self.triages else None
        await self.socket.send({"type": "queue", "items": items})
        if waiting is not None:
            await self.socket.send({"type": "triage", "items": waiting})

    async def _handle(self, raw: str | bytes | None) -> None:
        try:
            frame = frames.officer_frame(raw)
        except frames.BadFrame:
            await self.socket.send(error_frame("malformed"))
            return
        if isinstance(frame, frames.Typing) and not (frame.session_id in self.subs
                                                     and self.guard.typing_due(frame.session_id)):
            return  # the console sends one per keystroke: the victim's page needs one every few seconds
        try:
            await self.actions.dispatch(self, frame)
        except sessions.Refused as refused:
            session_id = getattr(frame, "session_id", None)
            await self.socket.send({**error_frame(refused.code), "for": frame.type,
                                    "session_id": str(session_id) if session_id else None})


def session_frame(session) -> dict:
    """What the console shows about a conversation: routing result, level, alias; never an address or IP."""
    return {"type": "session", "session_id": str(session["id"]), "status": session["status"],
            "alias": session["alias"], "force": session["force"], "department": session["department"],
            "operational_centre": session["operational_centre"],
            "platform_queue": session["platform_queue"], "level": session["level"],
            "danger_level": session["danger_level"], "category": session["category"],
            "report_id": str(session["report_id"]) if session["report_id"] else None,
            "victim_read_seq": session["victim_read_seq"], "last_seq": session["last_seq"],
            "exited": session["exited_at"] is not None, "alert": session["alert_reason"],
            "lang": session["lang"]}

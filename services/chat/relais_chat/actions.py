"""What an officer does from the console: one small method per frame type."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import structlog

from relais_chat import frames, messages, officers, sessions
from relais_chat.live import Hub
from relais_chat.settings import ChatSettings
from relais_chat.texts import error_frame
from relais_shared import audit, contracts, outbox
from relais_shared.sealing import emergency_context, seal_field

log = structlog.get_logger(__name__)
DATA = Path(__file__).parent / "data"


class Actions:
    """Officer actions, shared by every console on this node."""

    def __init__(self, hub: Hub, settings: ChatSettings):
        self.hub, self.settings = hub, settings
        self.canned = json.loads((DATA / "canned_replies.json").read_text())
        self.outcomes = json.loads((DATA / "outcomes.json").read_text())
        self.outcome_codes = frozenset(o["code"] for o in self.outcomes)

    @property
    def pool(self):
        return self.hub.runtime.pool

    async def dispatch(self, console, frame) -> None:
        if frame.type != "queue" and not console.answers:
            raise sessions.Refused("role")  # triage operators hand conversations over through the HTTP API
        handler = getattr(self, f"on_{frame.type}")
        await handler(console, frame)

    async def on_presence(self, console, frame: frames.Presence) -> None:
        async with self.pool.acquire() as conn:
            state = await officers.set_presence(conn, console.operator, frame.status, frame.capacity,
                                                frame.auto_assign)
        await console.socket.send({"type": "presence", **state})

    async def on_queue(self, console, _frame) -> None:
        await console.send_queue()

    async def on_claim(self, console, frame: frames.Claim) -> None:
        async with self.pool.acquire() as conn:
            await sessions.claim(conn, frame.session_id, console.operator)
        await console.socket.send({"type": "claimed", "session_id": str(frame.session_id)})
        await console.follow(frame.session_id)
        await self.hub.posted(frame.session_id)

    async def on_send(self, console, frame: frames.Send) -> None:
        text = frame.text.strip()
        if frame.session_id is None or frame.session_id not in console.subs:
            raise sessions.Refused("not_found")
        if not text:
            raise sessions.Refused("empty")
        if len(text) > self.settings.max_message_chars:
            return await console.socket.send(error_frame("too_long", limit=self.settings.max_message_chars))
        async with self.pool.acquire() as conn:
            posted = await messages.post(conn, self.hub.keyring, frame.session_id, "officer", frame.client_id, text,
                                         officer_sub=console.operator.sub)
        if posted is None:
            raise sessions.Refused("closed")
        await self.hub.posted(frame.session_id)

    async def on_ack(self, console, frame: frames.Ack) -> None:
        if frame.session_id in console.subs:
            async with self.pool.acquire() as conn:
                read = await messages.mark_read(conn, frame.session_id, "officer", frame.seq)
            await self.hub.publish_live("read", session_id=frame.session_id, who="officer", seq=read)

    async def on_typing(self, console, frame: frames.Typing) -> None:
        if frame.session_id in console.subs:
            await self.hub.publish_live("typing", session_id=frame.session_id, who="officer")

    async def on_transfer(self, console, frame: frames.Transfer) -> None:
        if not frame.to_other_force and not frame.to_operator:
            raise sessions.Refused("no_target")
        async with self.pool.acquire() as conn:
            await sessions.transfer(conn, frame.session_id, console.operator, to_operator=frame.to_operator,
                                    to_other_force=frame.to_other_force)
        await self.hub.posted(frame.session_id)
        await console.unfollow(frame.session_id, "transferred")

    async def on_close(self, console, frame: frames.Close) -> None:
        async with self.pool.acquire() as conn:
            await sessions.close(conn, frame.session_id, console.operator, frame.outcome, self.outcome_codes)
        await self.hub.posted(frame.session_id)
        await console.unfollow(frame.session_id, "closed")

    async def on_emergency(self, console, frame: frames.Emergency) -> None:
        """emergency.raised with the jurisdiction and a sealed summary, in the transaction that records it."""
        emergency_id = uuid.uuid4()
        async with self.pool.acquire() as conn, conn.transaction():
            session = await sessions.mine(conn, frame.session_id, console.operator)
            await outbox.add(conn, emergency_event(self.hub.keyring, emergency_id, session, frame))
            await conn.execute("INSERT INTO chat_emergencies (emergency_id, session_id, kind, operator_sub) "
                               "VALUES ($1, $2, $3, $4)", emergency_id, frame.session_id, frame.kind,
                               console.operator.sub)
            await conn.execute("UPDATE chat_sessions SET alerted_at = now(), alert_reason = NULL WHERE id = $1",
                               frame.session_id)
            await audit.record(conn, console.operator, "chat.emergency", "chat_session", str(frame.session_id),
                               details={"kind": frame.kind, "emergency_id": str(emergency_id)})
        log.info("chat.emergency_raised", session_id=str(frame.session_id), kind=frame.kind)
        await console.socket.send({"type": "emergency_raised", "session_id": str(frame.session_id),
                                   "emergency_id": str(emergency_id), "at": time.time()})


def emergency_event(keyring, emergency_id: uuid.UUID, session, frame: frames.Emergency) -> contracts.EmergencyRaised:
    """Codes and the jurisdiction intake stamped in clear; the officer's summary sealed for the dispatcher only."""
    summary = json.dumps({"source": "chat", "session_id": str(session["id"]), "category": session["category"],
                          "danger_level": session["danger_level"], "officer_note": frame.summary})
    sealed = seal_field(keyring, summary, context=emergency_context("emergency", emergency_id))
    return contracts.EmergencyRaised(
        emergency_id=emergency_id, source="chat", kind=frame.kind, priority="p1", report_id=session["report_id"],
        level=session["level"], force=session["force"], department=session["department"],
        operational_centre=session["operational_centre"], insee=session["insee"],
        danger_level=session["danger_level"], chat_session_id=session["id"], summary=sealed)

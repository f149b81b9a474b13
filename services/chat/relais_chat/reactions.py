"""What this node does when chat events and live signals arrive on its queue (from any node)."""

from __future__ import annotations

import asyncio
import uuid

from relais_chat import queueing, sessions
from relais_chat.console import session_frame
from relais_chat.live import Hub
from relais_chat.texts import error_frame
from relais_shared.periodic import run_every


class Reactions:
    """Bound to one hub; `wire` registers every reaction by routing key."""

    def __init__(self, hub: Hub, assign):
        self.hub, self.assign = hub, assign
        self._dirty = asyncio.Event()
        self._changed: set[uuid.UUID] = set()

    def wire(self) -> None:
        self.hub.reactions.update({
            "chat.message_posted": self.on_posted, "chat.session_started": self.on_started,
            "chat.session_claimed": self.on_changed, "chat.session_transferred": self.on_changed,
            "chat.victim_exited": self.on_changed, "chat.session_closed": self.on_closed,
            "typing": self.on_typing, "read": self.on_read, "alert": self.on_alert,
            "replaced": self.on_replaced, "erased": self.on_erased,
        })

    async def on_posted(self, payload: dict) -> None:
        await self.hub.wake(uuid.UUID(str(payload["session_id"])))

    async def on_started(self, payload: dict) -> None:
        self._dirty.set()
        await self.assign()

    async def refresher(self, pause: float = 0.2) -> None:
        """Queue and status pushes, coalesced: a burst of claims costs one refresh, not one per event.

        After each refresh a short pause lets the changes of a burst pile up for the next one; a failed refresh
        is tried again at the next change (or the sweep)."""

        async def let_changes_pile_up() -> None:
            await asyncio.sleep(pause)

        await run_every(None, self.refresh, let_changes_pile_up, failure_event="chat.refresh_failed",
                        wake=self._dirty, at_once=False)

    async def refresh(self) -> None:
        changed, self._changed = self._changed, set()
        await self.refresh_victims(changed)
        await self.push_queues()

    async def on_changed(self, payload: dict) -> None:
        """Claimed, transferred, exited or closed: follow the new owner, refresh both sides and the queues."""
        session_id = uuid.UUID(str(payload["session_id"]))
        async with self.hub.runtime.pool.acquire() as conn:
            session = await sessions.load(conn, session_id)
        if session is None:
            return
        await self._sync_consoles(session)
        self._changed.add(session_id)
        self._dirty.set()
        await self.hub.wake(session_id)

    async def on_closed(self, payload: dict) -> None:
        await self.on_changed(payload)
        if payload.get("outcome") == "erased":
            await self.on_erased(payload)

    async def on_erased(self, payload: dict) -> None:
        """The report was erased: every socket on this conversation is closed, the console forgets it."""
        session_id = uuid.UUID(str(payload["session_id"]))
        for sub in self.hub.local(session_id, "victim"):
            await sub.socket.send(error_frame("erased"))
            await sub.socket.close(4410)
            self.hub.detach(sub)
        for consoles in list(self.hub.consoles.values()):
            for console in list(consoles):
                await console.unfollow(session_id, "erased")

    async def on_replaced(self, payload: dict) -> None:
        """The conversation was resumed with a new secret: sockets opened with an older one are cut off."""
        for sub in self.hub.local(uuid.UUID(str(payload["session_id"])), "victim"):
            if sub.credential != payload["credential"]:
                await sub.socket.send(error_frame("replaced"))
                await sub.socket.close(4409)
                self.hub.detach(sub)

    async def _sync_consoles(self, session) -> None:
        owner = session["operator_sub"] if session["status"] == "active" else None
        for sub, consoles in list(self.hub.consoles.items()):
            for console in list(consoles):
                if sub == owner:
                    await console.follow(session["id"], 0)
                    await console.socket.send(session_frame(session))
                elif session["id"] in console.subs:
                    await console.unfollow(session["id"], session["status"])

    async def refresh_victims(self, changed: set[uuid.UUID]) -> None:
        """Local victims still waiting (and the one whose session changed) get their current status."""
        victims = {s.session_id: s for subs in list(self.hub.by_session.values()) for s in subs if s.role == "victim"}
        if not victims:
            return
        stale = self.hub.runtime.settings.presence_stale_seconds
        async with self.hub.runtime.pool.acquire() as conn:
            rows = await conn.fetch(f"SELECT {sessions.SESSION_COLUMNS} FROM chat_sessions WHERE id = ANY($1::uuid[]) "
                                    "AND (status = 'waiting' OR id = ANY($2::uuid[]))", list(victims), list(changed))
            statuses = await queueing.victim_statuses(conn, rows, stale)
        for session, frame in zip(rows, statuses, strict=True):
            for sub in self.hub.local(session["id"], "victim"):
                await sub.socket.send(frame)

    async def push_queues(self) -> None:
        for consoles in list(self.hub.consoles.values()):
            for console in list(consoles):
                await console.send_queue()

    async def on_typing(self, payload: dict) -> None:
        await self._to_other_side(payload, {"type": "typing", "session_id": payload["session_id"],
                                            "who": payload["who"]})

    async def on_read(self, payload: dict) -> None:
        await self._to_other_side(payload, {"type": "read", "session_id": payload["session_id"],
                                            "by": payload["who"], "seq": payload["seq"]})

    async def on_alert(self, payload: dict) -> None:
        frame = {"type": "alert", "session_id": payload["session_id"], "reason": payload["reason"]}
        for sub in self.hub.local(uuid.UUID(payload["session_id"]), "officer"):
            await sub.socket.send(frame)

    async def _to_other_side(self, payload: dict, frame: dict) -> None:
        other = "officer" if payload["who"] == "victim" else "victim"
        for sub in self.hub.local(uuid.UUID(payload["session_id"]), other):
            await sub.socket.send(frame)

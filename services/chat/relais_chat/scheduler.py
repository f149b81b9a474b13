"""The loop every node runs: presence heartbeats, a delivery sweep, the watchdog, expiry and automatic assignment."""

from __future__ import annotations

import asyncio

import structlog

from relais_chat import expiry, officers, queueing, rules, sessions
from relais_chat.live import Hub
from relais_chat.settings import ChatSettings
from relais_shared.periodic import run_every

log = structlog.get_logger(__name__)
ASSIGN_LOCK = 0x43484154  # "CHAT": one assignment pass at a time across nodes


class Scheduler:
    def __init__(self, hub: Hub, settings: ChatSettings):
        self.hub, self.settings = hub, settings

    @property
    def pool(self):
        return self.hub.runtime.pool

    async def run(self) -> None:
        """Every interval, each step in turn; one failing does not keep the others from running."""
        await run_every(self.settings.scheduler_interval_seconds, self.heartbeat, self.sweep, self.watchdog,
                        self.expire, self.assign, failure_event="chat.scheduler_step_failed", at_once=False)

    async def heartbeat(self) -> None:
        """Mark the victims and officers connected here as seen; a killed node simply stops doing it."""
        victims = list({s.session_id for subs in list(self.hub.by_session.values()) for s in subs
                        if s.role == "victim"})
        async with self.pool.acquire() as conn:
            if victims:
                await conn.execute("UPDATE chat_sessions SET victim_seen_at = now() WHERE id = ANY($1::uuid[])",
                                   victims)
            await officers.touch(conn, list(self.hub.consoles))

    async def sweep(self) -> None:
        """Catch up any socket that missed a wake-up (broker outage): compare with the stored last seq."""
        subs = [s for group in list(self.hub.by_session.values()) for s in group]
        if not subs:
            return
        async with self.pool.acquire() as conn:
            rows = await conn.fetch("SELECT id, last_seq FROM chat_sessions WHERE id = ANY($1::uuid[])",
                                    list({s.session_id for s in subs}))
        last = {r["id"]: r["last_seq"] for r in rows}
        await asyncio.gather(*(self.hub.pump(s) for s in subs if last.get(s.session_id, 0) > s.last_sent))

    async def watchdog(self) -> None:
        """Severe conversations gone silent or whose victim is gone: alert the officer (once per episode)."""
        s = self.settings
        async with self.pool.acquire() as conn, conn.transaction():
            rows = await conn.fetch(
                """SELECT id, CASE WHEN victim_seen_at < now() - make_interval(secs => $2) THEN 'disconnected'
                                   ELSE 'silent' END AS reason
                   FROM chat_sessions WHERE status = 'active' AND danger_level = 'severe' AND alerted_at IS NULL
                     AND exited_at IS NULL
                     AND (greatest(last_victim_message_at, claimed_at) < now() - make_interval(secs => $1)
                          OR victim_seen_at < now() - make_interval(secs => $2))
                   ORDER BY claimed_at LIMIT 100 FOR UPDATE SKIP LOCKED""",
                s.watchdog_silence_seconds, s.watchdog_disconnect_seconds)
            for row in rows:
                await conn.execute("UPDATE chat_sessions SET alerted_at = now(), alert_reason = $2 WHERE id = $1",
                                   row["id"], row["reason"])
        for row in rows:
            log.warning("chat.watchdog_alert", session_id=str(row["id"]), reason=row["reason"])
            await self.hub.publish_live("alert", session_id=row["id"], reason=row["reason"])

    async def expire(self) -> None:
        """Waiting conversations whose victim has gone leave the queue (the closing event refreshes consoles)."""
        async with self.pool.acquire() as conn:
            expired = await expiry.expire_waiting(conn, self.settings.waiting_expiry_seconds)
        for row in expired:
            log.info("chat.session_expired", session_id=str(row["id"]))

    async def assign(self) -> None:
        """Offer waiting conversations to officers who asked for automatic assignment, by weighted load."""
        async with self.pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", ASSIGN_LOCK):
                return
            if not await conn.fetchval("SELECT exists (SELECT 1 FROM chat_officers WHERE auto_assign)"):
                return
            claimed = await self._assign_force(conn, "PN") + await self._assign_force(conn, "GN")
        for session in claimed:
            await self.hub.posted(session["id"])

    async def _assign_force(self, conn, force: str) -> list:
        claimed = []
        for waiting in await queueing.waiting(conn, rules.platform_of(force)):
            loads = await officers.loads(conn, force, self.settings.presence_stale_seconds, self.settings.severe_weight)
            pick = rules.pick_officer(force, waiting["department"], waiting["level"], waiting["danger_level"], loads,
                                      self.settings.severe_weight)
            if pick is None:
                continue  # a later, lighter or blue conversation may still fit someone
            who = await officers.as_operator(conn, pick)
            try:
                async with conn.transaction():
                    claimed.append(await sessions.claim(conn, waiting["id"], who))
            except sessions.Refused:
                continue
        return claimed

"""Reading the queues: an officer's force queue in order, a victim's place in it and an honest estimate."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from relais_chat.rules import estimate_wait, platform_of, queue_key
from relais_shared.identity import Operator

RECENT_CLAIMS = 50


async def waiting(conn: asyncpg.Connection, platform_queue: str) -> list[asyncpg.Record]:
    """Waiting sessions of one platform queue in the order officers should take them.

    A severe conversation of a burst (past a ceiling) ranks as a high one: a flood cannot push every real
    conversation back.
    """
    rows = await conn.fetch(
        """SELECT id, alias, force, department, level, danger_level, category, report_id, queued_at, burst
           FROM chat_sessions WHERE platform_queue = $1 AND status = 'waiting'""", platform_queue)
    return sorted(rows, key=lambda r: queue_key("high" if r["burst"] else r["danger_level"], r["queued_at"]))


async def officer_queue(conn: asyncpg.Connection, who: Operator) -> list[dict]:
    """What an officer sees: their force's queue within their departments; orange words stay hidden."""
    now = datetime.now(UTC)
    return [{"session_id": str(r["id"]), "alias": r["alias"], "department": r["department"], "level": r["level"],
             "danger_level": r["danger_level"], "waited_seconds": round((now - r["queued_at"]).total_seconds()),
             "may_claim": who.may_read(r["level"]), "burst": r["burst"]}
            for r in await waiting(conn, platform_of(who.force)) if who.covers(r["force"], r["department"])]


async def victim_statuses(conn: asyncpg.Connection, rows: list[asyncpg.Record], stale_seconds: float) -> list[dict]:
    """Status frames for many sessions, reading each platform queue once (not once per victim)."""
    frames, by_queue = [], {}
    for session in rows:
        if session["platform_queue"] not in by_queue and session["status"] == "waiting":
            by_queue[session["platform_queue"]] = await _queue_facts(conn, session, stale_seconds)
        frames.append(_status(session, by_queue.get(session["platform_queue"])))
    return frames


async def victim_status(conn: asyncpg.Connection, session: asyncpg.Record, stale_seconds: float) -> dict:
    """The status frame a victim sees: waiting (place and estimate) or with an officer (alias only)."""
    return (await victim_statuses(conn, [session], stale_seconds))[0]


async def _queue_facts(conn: asyncpg.Connection, session: asyncpg.Record, stale_seconds: float) -> tuple:
    order = [r["id"] for r in await waiting(conn, session["platform_queue"])]
    waits = await conn.fetch(
        """SELECT extract(epoch FROM claimed_at - queued_at) AS waited FROM chat_sessions
           WHERE platform_queue = $1 AND claimed_at IS NOT NULL AND claimed_at > now() - interval '3 hours'
           ORDER BY claimed_at DESC LIMIT $2""", session["platform_queue"], RECENT_CLAIMS)
    officers = await conn.fetchval(
        """SELECT count(*) FROM chat_officers WHERE force = $1 AND presence = 'available'
           AND seen_at > now() - make_interval(secs => $2)""", session["force"] or "", stale_seconds)
    return {sid: i + 1 for i, sid in enumerate(order)}, [float(w["waited"]) for w in waits], officers


def _status(session: asyncpg.Record, facts: tuple | None) -> dict:
    frame = {"type": "status", "status": session["status"], "session_id": str(session["id"]),
             "officer_read_seq": session["officer_read_seq"], "last_seq": session["last_seq"]}
    if session["status"] != "waiting" or facts is None:
        return {**frame, "officer_alias": session["operator_alias"]}
    places, waits, officers = facts
    place = places.get(session["id"])
    return {**frame, "position": place, "estimate_seconds": estimate_wait(place or 1, waits, officers)}

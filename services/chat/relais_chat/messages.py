"""Messages: a per-session seq assigned in the insert transaction, bodies sealed at rest, deduped by client id.

Every stored line puts chat.message_posted in the outbox in its transaction: the wake-up that tells the other
nodes to deliver it (relais_chat.live) is published only once the line is there to read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from relais_shared import contracts, outbox
from relais_shared.crypto import DecryptionError, Keyring

FETCH_LIMIT = 500


@dataclass(frozen=True)
class Posted:
    seq: int
    duplicate: bool


def context(session_id: uuid.UUID, seq: int) -> str:
    """Binds a sealed body to its place: a body copied to another row or session cannot be opened."""
    return f"chat.message:{session_id}:{seq}"


async def _next_seq(conn: asyncpg.Connection, session_id: uuid.UUID, victim: bool) -> int | None:
    return await conn.fetchval(
        """UPDATE chat_sessions SET last_seq = last_seq + 1,
               last_victim_message_at = CASE WHEN $2 THEN now() ELSE last_victim_message_at END,
               alerted_at = CASE WHEN $2 THEN NULL ELSE alerted_at END,
               alert_reason = CASE WHEN $2 THEN NULL ELSE alert_reason END
           WHERE id = $1 RETURNING last_seq""", session_id, victim)


async def add_system(conn: asyncpg.Connection, session_id: uuid.UUID, code: str, alias: str | None = None) -> int:
    """A system line (joined, handover, exit, closed) in the same sequence as the conversation."""
    seq = await _next_seq(conn, session_id, victim=False)
    # The alias of the officer who joins is the only name a system line carries; it is not free text.
    await conn.execute("INSERT INTO chat_messages (session_id, seq, author, code) VALUES ($1, $2, 'system', $3)",
                       session_id, seq, code if alias is None else f"{code}:{alias}")
    await outbox.add(conn, contracts.ChatMessagePosted(session_id=session_id, seq=seq, author="system"))
    return seq


async def post(conn: asyncpg.Connection, keyring: Keyring, session_id: uuid.UUID, author: str, client_id: str,
               text: str, *, officer_sub: str | None = None) -> Posted | None:
    """Store a message once per client id; None when the session is over (or not the officer's)."""
    async with conn.transaction():
        # Locking the session row first serialises posts of one session, so the dedupe check below is exact.
        session = await conn.fetchrow("SELECT status, operator_sub FROM chat_sessions WHERE id = $1 FOR UPDATE",
                                      session_id)
        if session is None or session["status"] == "closed":
            return None
        if author == "officer" and (session["operator_sub"] != officer_sub or session["status"] != "active"):
            return None
        known = await conn.fetchval("SELECT seq FROM chat_messages WHERE session_id = $1 AND client_id = $2",
                                    session_id, client_id)
        if known is not None:
            return Posted(known, duplicate=True)
        seq = await _next_seq(conn, session_id, victim=author == "victim")
        await conn.execute(
            "INSERT INTO chat_messages (session_id, seq, author, client_id, body) VALUES ($1, $2, $3, $4, $5)",
            session_id, seq, author, client_id, keyring.seal(text, context=context(session_id, seq)))
        await outbox.add(conn, contracts.ChatMessagePosted(session_id=session_id, seq=seq, author=author))
        return Posted(seq, duplicate=False)


async def after(conn: asyncpg.Connection, session_id: uuid.UUID, seq: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT seq, author, client_id, body, code, created_at FROM chat_messages
           WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3""", session_id, seq, FETCH_LIMIT)


def to_frame(keyring: Keyring, session_id: uuid.UUID, row: asyncpg.Record, *, readable: bool) -> dict:
    """A message frame; `readable` False (orange without clearance) keeps the line but not its words."""
    frame = {"type": "message", "session_id": str(session_id), "seq": row["seq"], "author": row["author"],
             "client_id": row["client_id"], "at": row["created_at"].isoformat()}
    if row["author"] == "system":
        code, _, alias = (row["code"] or "").partition(":")
        return {**frame, "code": code, "alias": alias}
    if not readable:
        return {**frame, "restricted": True}
    try:
        return {**frame, "text": keyring.open(bytes(row["body"]), context=context(session_id, row["seq"])).decode()}
    except DecryptionError:
        return {**frame, "unreadable": True}


async def mark_read(conn: asyncpg.Connection, session_id: uuid.UUID, reader: str, seq: int) -> int:
    """Record how far one side has read (never backwards, never past the last message)."""
    column = "victim_read_seq" if reader == "victim" else "officer_read_seq"
    return await conn.fetchval(
        f"""UPDATE chat_sessions SET {column} = GREATEST({column}, LEAST($2, last_seq)) WHERE id = $1
            RETURNING {column}""", session_id, seq) or 0

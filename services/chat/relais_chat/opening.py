"""Opening a conversation from intake's ticket: resume the report's open conversation, or start one.

Everything that decides who may read the conversation and where it waits (level, danger, force, department,
centre) comes from the ticket intake sealed, never from the visitor's request.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg

from relais_chat import messages, sessions
from relais_chat.rules import platform_of, session_level
from relais_shared.ratelimit import Ceiling
from relais_shared.tickets import ChatTicket, TicketRejected


@dataclass(frozen=True)
class Opened:
    session_id: uuid.UUID
    secret: str
    alias: str
    resumed: bool
    lang: str


async def open_from_ticket(conn: asyncpg.Connection, ticket: ChatTicket, *, alias: str | None, lang: str,
                           pepper: str, before_create: Callable[[asyncpg.Connection], Awaitable[None]] | None = None,
                           ceiling: Ceiling | None = None) -> Opened:
    """The report's open conversation with a new secret, or a new one; `before_create` may refuse (rate limit).

    A new severe conversation past the `ceiling` of its department or of the country is opened all the same,
    marked as part of a burst.
    """
    async with conn.transaction():
        # One conversation per report even when two pages post the same ticket at once.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", str(ticket.report_id))
        if await conn.fetchval("SELECT true FROM chat_erased_reports WHERE report_id = $1", ticket.report_id):
            raise TicketRejected("erased report")
        current = await conn.fetchrow(
            """SELECT id, alias, exited_at FROM chat_sessions WHERE report_id = $1 AND status <> 'closed'
               ORDER BY created_at DESC LIMIT 1 FOR UPDATE""", ticket.report_id)
        if current is not None:
            return await _resume(conn, current, ticket, lang, pepper)
        if before_create is not None:
            await before_create(conn)
        opened = await _create(conn, ticket, alias, lang, pepper)
        if ceiling is not None and ticket.danger_level == "severe":
            department = ticket.jurisdiction.department if ticket.jurisdiction else None
            if await ceiling.passed(conn, department) is not None:
                await conn.execute("UPDATE chat_sessions SET burst = true WHERE id = $1", opened.session_id)
        return opened


async def _resume(conn: asyncpg.Connection, current: asyncpg.Record, ticket: ChatTicket, lang: str,
                  pepper: str) -> Opened:
    """A new secret (whoever held the old one is cut off); the level may only go up."""
    secret = secrets.token_urlsafe(32)
    await conn.execute(
        """UPDATE chat_sessions SET secret_hash = $2, victim_seen_at = now(), exited_at = NULL, lang = $4,
               level = CASE WHEN $3 = 'orange' THEN 'orange' ELSE level END WHERE id = $1""",
        current["id"], sessions.secret_hash(pepper, secret), session_level(ticket.level, ticket.category), lang)
    if current["exited_at"] is not None:
        # She left by the emergency exit and came back: the officer must know she is there again.
        await messages.add_system(conn, current["id"], "victim_returned")
    return Opened(current["id"], secret, current["alias"], resumed=True, lang=lang)


async def _create(conn: asyncpg.Connection, ticket: ChatTicket, alias: str | None, lang: str,
                  pepper: str) -> Opened:
    where = ticket.jurisdiction
    force = where.force if where else None
    alias = (alias or "").strip() or f"Anonyme {uuid.uuid4().hex[:4].upper()}"
    new = sessions.NewSession(
        force=force, department=where.department if where else None, platform_queue=platform_of(force),
        level=session_level(ticket.level, ticket.category), danger_level=ticket.danger_level,
        report_id=ticket.report_id, category=ticket.category, alias=alias, lang=lang,
        operational_centre=where.operational_centre if where else None, insee=where.insee if where else None)
    session_id, secret = await sessions.create(conn, new, pepper)
    return Opened(session_id, secret, alias, resumed=False, lang=lang)

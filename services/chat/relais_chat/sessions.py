"""Session state changes: each one in one transaction with its system line, audit row and outbox event."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

import asyncpg

from relais_chat import messages
from relais_chat.rules import other_force, platform_of
from relais_shared import audit, contracts, outbox
from relais_shared.identity import Operator

SESSION_COLUMNS = """id, report_id, status, force, department, operational_centre, insee, platform_queue, level,
    danger_level, category, alias, lang, operator_sub, operator_alias, last_seq, victim_read_seq, officer_read_seq,
    welcomed, queued_at, claimed_at, closed_at, outcome, exited_at, alert_reason"""


class Refused(Exception):
    """A state change the rules forbid; `code` names the error frame the client gets."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class NewSession:
    force: str | None
    department: str | None
    platform_queue: str
    level: str
    danger_level: str
    report_id: uuid.UUID | None
    category: str | None
    alias: str
    lang: str
    operational_centre: str | None = None
    insee: str | None = None


def secret_hash(pepper: str, secret: str) -> bytes:
    return hmac.new(pepper.encode(), secret.encode(), hashlib.sha256).digest()


def credential(pepper: str, secret: str) -> str:
    """A short tag of the current secret: nodes drop victim sockets opened with an older one (after a resume)."""
    return hashlib.sha256(secret_hash(pepper, secret)).hexdigest()[:16]


async def create(conn: asyncpg.Connection, new: NewSession, pepper: str) -> tuple[uuid.UUID, str]:
    """A waiting session and its chat.session_started event; returns the id and the victim's secret."""
    session_id, secret = uuid.uuid4(), secrets.token_urlsafe(32)
    async with conn.transaction():
        await conn.execute(
            """INSERT INTO chat_sessions (id, report_id, force, department, platform_queue, level, danger_level,
               category, alias, lang, secret_hash, victim_seen_at, operational_centre, insee)
               VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,now(),$12,$13)""",
            session_id, new.report_id, new.force, new.department, new.platform_queue, new.level, new.danger_level,
            new.category, new.alias, new.lang, secret_hash(pepper, secret), new.operational_centre, new.insee)
        await outbox.add(conn, contracts.ChatSessionStarted(
            session_id=session_id, report_id=new.report_id, force=new.force, department=new.department,
            platform_queue=new.platform_queue, level=new.level, danger_level=new.danger_level))
    return session_id, secret


async def load(conn: asyncpg.Connection, session_id: uuid.UUID, *, lock: bool = False) -> asyncpg.Record | None:
    suffix = " FOR UPDATE" if lock else ""
    return await conn.fetchrow(f"SELECT {SESSION_COLUMNS} FROM chat_sessions WHERE id = $1{suffix}", session_id)


async def authenticate(conn: asyncpg.Connection, session_id: uuid.UUID, secret: str,
                       pepper: str) -> asyncpg.Record | None:
    """The session if the secret matches (compared in constant time) and it is not over."""
    stored = await conn.fetchval("SELECT secret_hash FROM chat_sessions WHERE id = $1 AND status <> 'closed'",
                                 session_id)
    if stored is None or not hmac.compare_digest(bytes(stored), secret_hash(pepper, secret)):
        return None
    return await load(conn, session_id)


async def claim(conn: asyncpg.Connection, session_id: uuid.UUID, who: Operator) -> asyncpg.Record:
    """Take a waiting conversation; the conditional UPDATE makes two claims impossible."""
    async with conn.transaction():
        session = await load(conn, session_id)
        if session is None or not _in_scope(session, who):
            raise Refused("not_found")
        if not who.may_read(session["level"]):
            raise Refused("clearance")
        row = await conn.fetchrow(
            """UPDATE chat_sessions SET operator_sub = $2, operator_alias = $3, status = 'active',
                      claimed_at = now(), welcomed = true, alerted_at = NULL, alert_reason = NULL
               WHERE id = $1 AND status = 'waiting' AND platform_queue = $4
               RETURNING welcomed, extract(epoch FROM now() - queued_at) AS waited""",
            session_id, who.sub, who.alias, platform_of(who.force))
        if row is None:
            raise Refused("already_taken")
        await messages.add_system(conn, session_id, "handover" if session["welcomed"] else "welcome", who.alias)
        await audit.record(conn, who, "chat.claim", "chat_session", str(session_id))
        await outbox.add(conn, contracts.ChatSessionClaimed(session_id=session_id, operator_sub=who.sub,
                                                            force=who.force, waited_seconds=max(0, row["waited"])))
        return await load(conn, session_id)


async def mine(conn: asyncpg.Connection, session_id: uuid.UUID, who: Operator) -> asyncpg.Record:
    """An active conversation of this officer, locked for a change; absent and not-mine look the same."""
    session = await load(conn, session_id, lock=True)
    if session is None or session["operator_sub"] != who.sub or session["status"] != "active":
        raise Refused("not_found")
    return session


async def transfer(conn: asyncpg.Connection, session_id: uuid.UUID, who: Operator, *, to_operator: str | None,
                   to_other_force: bool) -> contracts.ChatSessionTransferred:
    """Hand over to a named officer of the same force, or back to the other force's queue."""
    async with conn.transaction():
        session = await mine(conn, session_id, who)
        if to_other_force:
            target_force = other_force(who.force)
            # The other force dispatches from its own centre: the one intake stamped is no longer the right one.
            await conn.execute(
                """UPDATE chat_sessions SET force = $2, platform_queue = $3, status = 'waiting', operator_sub = NULL,
                   operator_alias = NULL, alerted_at = NULL, alert_reason = NULL, operational_centre = NULL
                   WHERE id = $1""", session_id, target_force, platform_of(target_force))
            event = contracts.ChatSessionTransferred(session_id=session_id, from_force=who.force, to_force=target_force,
                                                     to_department=session["department"])
        else:
            target = await conn.fetchrow(
                "SELECT alias, force, orange_clearance, departments FROM chat_officers WHERE sub = $1", to_operator)
            if target is None or not _may_take(target, session) or to_operator == who.sub:
                raise Refused("no_target")
            await conn.execute("UPDATE chat_sessions SET operator_sub = $2, operator_alias = $3 WHERE id = $1",
                               session_id, to_operator, target["alias"])
            event = contracts.ChatSessionTransferred(session_id=session_id, from_force=who.force,
                                                     to_force=who.force, to_operator_sub=to_operator,
                                                     to_department=session["department"])
        await messages.add_system(conn, session_id, "handover")
        await audit.record(conn, who, "chat.transfer", "chat_session", str(session_id),
                           details={"to_force": event.to_force, "to_operator": event.to_operator_sub})
        await outbox.add(conn, event)
        return event


async def close(conn: asyncpg.Connection, session_id: uuid.UUID, who: Operator, outcome: str,
                outcomes: frozenset[str]) -> None:
    if outcome not in outcomes:
        raise Refused("outcome")
    async with conn.transaction():
        session = await mine(conn, session_id, who)
        await conn.execute("UPDATE chat_sessions SET status = 'closed', closed_at = now(), outcome = $2 WHERE id = $1",
                           session_id, outcome)
        await messages.add_system(conn, session_id, "closed")
        await audit.record(conn, who, "chat.close", "chat_session", str(session_id), details={"outcome": outcome})
        await outbox.add(conn, contracts.ChatSessionClosed(session_id=session_id, outcome=outcome,
                                                           force=session["force"], department=session["department"]))


async def victim_exit(conn: asyncpg.Connection, session_id: uuid.UUID) -> bool:
    """The emergency exit: the officer's transcript says so; a still-waiting session simply ends."""
    async with conn.transaction():
        session = await load(conn, session_id, lock=True)
        if session is None or session["exited_at"] is not None or session["status"] == "closed":
            return False
        waiting = session["status"] == "waiting"
        await conn.execute(
            """UPDATE chat_sessions SET exited_at = now(),
                   status = CASE WHEN $2 THEN 'closed' ELSE status END,
                   outcome = CASE WHEN $2 THEN 'left_by_emergency_exit' ELSE outcome END,
                   closed_at = CASE WHEN $2 THEN now() ELSE closed_at END WHERE id = $1""", session_id, waiting)
        await messages.add_system(conn, session_id, "victim_exited")
        await outbox.add(conn, contracts.ChatVictimExited(session_id=session_id))
        return True


def _may_take(officer: asyncpg.Record, session: asyncpg.Record) -> bool:
    """A named officer takes over only within their force and departments, and orange only with clearance."""
    departments = officer["departments"]
    return (officer["force"] == session["force"]
            and ("*" in departments or session["department"] in departments)
            and (session["level"] != "orange" or officer["orange_clearance"]))


def _in_scope(session: asyncpg.Record, who: Operator) -> bool:
    return session["platform_queue"] == platform_of(who.force) and who.covers(session["force"], session["department"])

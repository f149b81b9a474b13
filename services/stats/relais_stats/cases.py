"""Read model of live cases: chats, dispatch incidents and call-backs, order-independent.

Consumers handle messages concurrently, so a claim may be applied before the start it follows. Each event
fills its own columns of the case's row (an upsert); `settle` records the fact (a wait, an acknowledgement
time, a call-back on time or late) once its halves are present, and drops the row once the case is closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from relais_stats.periods import labels_of


@dataclass(frozen=True)
class Wait:
    """A case's wait between two events (a chat's start and first claim, an incident's opening and acknowledgement),
    recorded once in `into` when both have arrived. Names are constants of this module, never input."""

    table: str
    started: str
    answered: str
    seconds: str
    recorded: str
    into: str  # INSERT taking the answer's time, force, department and the seconds waited


CHAT_WAIT = Wait("chat_open", "started_at", "claimed_at", "waited_seconds", "wait_recorded",
                 "INSERT INTO chat_waits (claimed_at, force, department, waited_seconds) VALUES ($1,$2,$3,$4)")
ACK_TIME = Wait("incidents_open", "opened_at", "acked_at", "seconds", "ack_recorded",
                "INSERT INTO ack_times (acked_at, force, department, seconds) VALUES ($1,$2,$3,$4)")


async def _settle(conn: asyncpg.Connection, wait: Wait, ref: str) -> None:
    """Record the wait once both halves are in; drop the row once the case is closed and nothing is left to record."""
    row = await conn.fetchrow(f"SELECT * FROM {wait.table} WHERE ref=$1", ref)  # noqa: S608 - constant names
    if row[wait.started] and row[wait.answered] and not row[wait.recorded]:
        await conn.execute(wait.into, row[wait.answered], row["force"], row["department"], row[wait.seconds])
        await conn.execute(f"UPDATE {wait.table} SET {wait.recorded}=true WHERE ref=$1", ref)  # noqa: S608
    if row["closed"] and row[wait.started] and (row[wait.recorded] or not row[wait.answered]):
        await conn.execute(f"DELETE FROM {wait.table} WHERE ref=$1", ref)  # noqa: S608


async def chat_started(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    await conn.execute("""INSERT INTO chat_open (ref, force, department, started_at) VALUES ($1,$2,$3,$4)
                          ON CONFLICT (ref) DO UPDATE SET force=$2, department=$3, started_at=$4""",
                       p["ref"], p["force"], p["department"], at)
    await _settle(conn, CHAT_WAIT, p["ref"])


async def chat_claimed(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    # A transfer re-claims: only the first claim's wait counts.
    await conn.execute("""INSERT INTO chat_open (ref, force, claimed_at, waited_seconds) VALUES ($1,$2,$3,$4)
                          ON CONFLICT (ref) DO UPDATE SET claimed_at=COALESCE(chat_open.claimed_at, $3),
                          waited_seconds=COALESCE(chat_open.waited_seconds, $4)""",
                       p["ref"], p["force"], at, p["waited_seconds"])
    await conn.execute(
        """INSERT INTO operator_activity (ref, force, last_claim) VALUES ($1,$2,$3)
           ON CONFLICT (ref) DO UPDATE SET force=$2, last_claim=GREATEST(operator_activity.last_claim, $3)""",
        p["operator_sub"], p["force"], at)
    await _settle(conn, CHAT_WAIT, p["ref"])


async def chat_closed(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    await conn.execute("INSERT INTO chat_open (ref, closed) VALUES ($1, true) "
                       "ON CONFLICT (ref) DO UPDATE SET closed=true", p["ref"])
    await _settle(conn, CHAT_WAIT, p["ref"])


async def incident_opened(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    await conn.execute("""INSERT INTO incidents_open (ref, force, department, priority, opened_at)
                          VALUES ($1,$2,$3,$4,$5) ON CONFLICT (ref) DO UPDATE
                          SET force=$2, department=$3, priority=$4,
                              opened_at=COALESCE(incidents_open.opened_at, $5)""",
                       p["ref"], p["force"], p["department"], p["priority"] or "p1", at)
    await _settle(conn, ACK_TIME, p["ref"])


async def incident_acknowledged(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    await conn.execute("""INSERT INTO incidents_open (ref, acked_at, seconds) VALUES ($1,$2,$3)
                          ON CONFLICT (ref) DO UPDATE SET acked_at=COALESCE(incidents_open.acked_at, $2),
                          seconds=COALESCE(incidents_open.seconds, $3)""", p["ref"], at, p["seconds_to_ack"])
    await _settle(conn, ACK_TIME, p["ref"])


async def incident_escalated(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    await conn.execute("INSERT INTO incidents_open (ref, step) VALUES ($1,$2) ON CONFLICT (ref) "
                       "DO UPDATE SET step=GREATEST(incidents_open.step, $2)", p["ref"], p["to_step"])


async def incident_closed(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    await conn.execute("INSERT INTO incidents_open (ref, closed) VALUES ($1, true) "
                       "ON CONFLICT (ref) DO UPDATE SET closed=true", p["ref"])
    await _settle(conn, ACK_TIME, p["ref"])


async def callback_created(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    await conn.execute("""INSERT INTO callbacks_open (ref, force, department, window_end) VALUES ($1,$2,$3,$4)
                          ON CONFLICT (ref) DO UPDATE SET force=$2, department=$3, window_end=$4""",
                       p["ref"], p["force"], p["department"], datetime.fromisoformat(p["window_end"]))
    await _settle_callback(conn, p["ref"])


async def callback_attempt(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    reached = at if p["outcome"] == "reached" else None
    await conn.execute("""INSERT INTO callbacks_open (ref, attempts, reached_at) VALUES ($1, 1, $2)
                          ON CONFLICT (ref) DO UPDATE SET attempts=callbacks_open.attempts+1,
                          reached_at=LEAST(callbacks_open.reached_at, $2)""", p["ref"], reached)


async def callback_overdue(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    await conn.execute("INSERT INTO callbacks_open (ref, overdue) VALUES ($1, true) "
                       "ON CONFLICT (ref) DO UPDATE SET overdue=true", p["ref"])


async def callback_closed(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    await conn.execute("INSERT INTO callbacks_open (ref, closed_at) VALUES ($1, $2) "
                       "ON CONFLICT (ref) DO UPDATE SET closed_at=$2", p["ref"], at)
    await _settle_callback(conn, p["ref"])


async def _settle_callback(conn: asyncpg.Connection, ref: str) -> None:
    """A closed call-back becomes a count, on time when she was reached within her window."""
    row = await conn.fetchrow("SELECT * FROM callbacks_open WHERE ref=$1", ref)
    if row["closed_at"] is None or row["window_end"] is None:
        return
    on_time = row["reached_at"] is not None and row["reached_at"] <= row["window_end"]
    await conn.execute(
        """INSERT INTO callback_counts (iso_week, force, department, on_time, n) VALUES ($1,$2,$3,$4,1)
           ON CONFLICT (iso_week, force, department, on_time) DO UPDATE SET n = callback_counts.n + 1""",
        labels_of(row["closed_at"])[0], row["force"], row["department"], on_time)
    await conn.execute("DELETE FROM callbacks_open WHERE ref=$1", ref)


PROJECTORS = {
    "chat.session_started": chat_started, "chat.session_claimed": chat_claimed, "chat.session_closed": chat_closed,
    "dispatch.incident_opened": incident_opened, "dispatch.incident_acknowledged": incident_acknowledged,
    "dispatch.incident_escalated": incident_escalated, "dispatch.incident_closed": incident_closed,
    "followup.entry_created": callback_created, "followup.attempt_recorded": callback_attempt,
    "followup.entry_overdue": callback_overdue, "followup.entry_closed": callback_closed,
}

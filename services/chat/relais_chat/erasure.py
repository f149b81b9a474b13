"""A report erased by its receipt: chat deletes the linked transcripts and closes the conversations."""

from __future__ import annotations

import asyncpg
import structlog

from relais_chat.live import Hub
from relais_shared import contracts, outbox

log = structlog.get_logger(__name__)
ERASED = "erased"


async def on_report_erased(event: contracts.ReportErased, *, conn: asyncpg.Connection, hub: Hub, **_) -> None:
    """Delete every message of the report's conversations, close the open ones, refuse its tickets from now on."""
    # The same lock as opening from a ticket: no conversation of this report can start while it is erased.
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", str(event.report_id))
    await conn.execute("INSERT INTO chat_erased_reports (report_id) VALUES ($1) ON CONFLICT DO NOTHING",
                       event.report_id)
    linked = await conn.fetch("SELECT id, status, force, department FROM chat_sessions WHERE report_id = $1 "
                              "FOR UPDATE", event.report_id)
    if not linked:
        return
    ids = [row["id"] for row in linked]
    await conn.execute("DELETE FROM chat_messages WHERE session_id = ANY($1::uuid[])", ids)
    # The alias may be a name she typed; without the secret nobody can reconnect to what is left.
    await conn.execute(
        """UPDATE chat_sessions SET alias = 'Anonyme', secret_hash = NULL, status = 'closed',
               outcome = CASE WHEN status = 'closed' THEN outcome ELSE $2 END, closed_at = coalesce(closed_at, now()),
               alerted_at = NULL, alert_reason = NULL
           WHERE id = ANY($1::uuid[])""", ids, ERASED)
    for row in linked:
        if row["status"] != "closed":
            # Published after commit: every node then closes the sockets of this conversation (reactions).
            await outbox.add(conn, contracts.ChatSessionClosed(session_id=row["id"], outcome=ERASED,
                                                               force=row["force"], department=row["department"]))
        else:
            # Already closed, so no event follows: a page still showing it is told directly.
            await hub.publish_live(ERASED, session_id=row["id"])
    log.info("chat.report_erased", sessions=len(ids))

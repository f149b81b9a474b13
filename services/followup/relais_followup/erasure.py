"""A report erased by its receipt: the cell forgets how to reach her and never calls, nor sends a patrol."""

from __future__ import annotations

import asyncpg
import structlog

from relais_followup import cases, claims
from relais_followup.metrics import CLOSED
from relais_shared import contracts, outbox

log = structlog.get_logger(__name__)
ERASED = "erased"


async def on_report_erased(event: contracts.ReportErased, *, conn: asyncpg.Connection, **_) -> None:
    """Wipe the case's contact and answers, close its entry without a welfare check, remember the erasure."""
    await cases.lock(conn, event.report_id)
    # The tombstone makes a late or replayed report.received, report.routed or intervention.completed a no-op.
    await conn.execute("INSERT INTO erased_reports (report_id) VALUES ($1) ON CONFLICT DO NOTHING", event.report_id)
    await conn.execute("DELETE FROM report_facts WHERE report_id = $1", event.report_id)
    entry = await cases.entry_of(conn, event.report_id)
    if entry is None:
        return
    # Closed, an entry is out of the scheduler's reach: its window can end without a patrol being sent.
    await conn.execute(
        """UPDATE entries SET contact_sealed = NULL, answers_sealed = NULL, contact_status = 'erased',
               safe_hours = '[]', via_trusted_person = false, status = 'closed',
               outcome = CASE WHEN status = 'open' THEN $2 ELSE outcome END, closed_at = coalesce(closed_at, now())
           WHERE id = $1""", entry["id"], ERASED)
    if entry["claim_id"] is not None:
        # The agent holding it loses it at her next heartbeat; the contact is no longer there to read.
        await claims.end_claim(conn, entry["id"], entry["claim_id"], "closed")
    if entry["status"] == "open":
        await outbox.add(conn, contracts.FollowupEntryClosed(entry_id=entry["id"], outcome=ERASED,
                                                             department=entry["department"]))
        CLOSED.labels(ERASED).inc()
    log.info("followup.entry_erased", entry_id=str(entry["id"]))

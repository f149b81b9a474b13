"""Intake's event handlers: record where routing sent each report."""

from __future__ import annotations

import asyncpg

from relais_shared import contracts

# A routing result that arrives late changes nothing for a report she erased or the unit already closed:
# an erased report must never come back to officers' lists.
STILL_OPEN = "status NOT IN ('erased', 'closed')"


async def on_report_routed(event: contracts.ReportRouted, *, conn: asyncpg.Connection, **_) -> None:
    """Record the competent force, unit and centre on the report (from routing or from national triage)."""
    await conn.execute(
        f"UPDATE reports SET status = 'routed', routing = $2, routed_at = now() WHERE id = $1 AND {STILL_OPEN}",
        event.report_id, event.model_dump(mode="json", exclude={"report_id"}),
    )


async def on_report_unroutable(event: contracts.ReportUnroutable, *, conn: asyncpg.Connection, **_) -> None:
    """Mark the report as sent to national triage, with the reason."""
    await conn.execute(
        f"UPDATE reports SET status = 'unroutable', routing = $2, routed_at = now() WHERE id = $1 AND {STILL_OPEN}",
        event.report_id, event.model_dump(mode="json", exclude={"report_id"}),
    )

"""Intake's event handlers: record where routing sent each report."""

from __future__ import annotations

import asyncpg

from relais_shared import contracts


async def on_report_routed(event: contracts.ReportRouted, *, conn: asyncpg.Connection, **_) -> None:
    """Record the competent force, unit and centre on the report."""
    await conn.execute(
        "UPDATE reports SET status = 'routed', routing = $2, routed_at = now() WHERE id = $1",
        event.report_id, event.model_dump(mode="json", exclude={"report_id"}),
    )


async def on_report_unroutable(event: contracts.ReportUnroutable, *, conn: asyncpg.Connection, **_) -> None:
    """Mark the report as sent to national triage, with the reason."""
    await conn.execute(
        "UPDATE reports SET status = 'unroutable', routing = $2, routed_at = now() WHERE id = $1",
        event.report_id, event.model_dump(mode="json", exclude={"report_id"}),
    )

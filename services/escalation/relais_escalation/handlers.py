"""Escalation's event handlers: no call to another service here, everything inside the inbox's transaction."""

from __future__ import annotations

from dataclasses import replace

import asyncpg
import structlog

from relais_escalation import bursts, contact, feed, incidents, resolution
from relais_escalation.dispatch import Dispatch
from relais_escalation.jurisdiction import Jurisdiction
from relais_shared import contracts

log = structlog.get_logger(__name__)


async def on_emergency_raised(event: contracts.EmergencyRaised, *, conn: asyncpg.Connection, dispatch: Dispatch,
                              **_) -> None:
    """Open one incident per emergency at once; the same emergency delivered twice stays one incident.

    The raiser stamps the jurisdiction it knows (intake routing's answer, chat its session's); without it the
    incident opens unresolved at national supervision and routing is asked afterwards (`lookups`).
    """
    if await conn.fetchval("SELECT 1 FROM incidents WHERE emergency_id = $1", event.emergency_id):
        return
    where = Jurisdiction(event.force, event.department, event.operational_centre, event.insee)
    if where.resolved and where.centre is None:  # a raiser that knew the department but not its centre
        where = replace(where, centre=await resolution.known_centre(conn, event.force, event.department))
    erased = event.report_id is not None and bool(
        await conn.fetchval("SELECT 1 FROM erased_reports WHERE report_id = $1", event.report_id))
    plain = None if erased else contact.open_from_event(dispatch, event)
    placement = await bursts.place(conn, dispatch, event, where)
    incident_id = await incidents.open_incident(conn, dispatch, event, where, erased=erased, contact_plain=plain,
                                                placement=placement)
    if incident_id is not None:
        log.info("escalation.incident_opened", incident_id=str(incident_id), priority=event.priority,
                 resolved=where.resolved, centre=where.centre, burst=placement.burst_id is not None)


async def on_report_erased(event: contracts.ReportErased, *, conn: asyncpg.Connection, **_) -> None:
    """Her report was erased: its incidents keep their codes (for counts) and lose everything identifying."""
    await conn.execute("INSERT INTO erased_reports (report_id) VALUES ($1) ON CONFLICT DO NOTHING", event.report_id)
    erased = await conn.fetch(
        """UPDATE incidents SET summary_sealed = NULL, location_sealed = NULL, contact_sealed = NULL,
               erased_at = coalesce(erased_at, now()) WHERE report_id = $1 RETURNING id""", event.report_id)
    ids = [row["id"] for row in erased]
    # Dispatchers' notes may name her or her address: they go too; the audit log keeps that they were written.
    await conn.execute("DELETE FROM incident_notes WHERE incident_id = ANY($1::uuid[])", ids)
    for incident_id in ids:
        await feed.append(conn, incident_id, "erased")
    log.info("escalation.report_erased", incidents=len(ids))

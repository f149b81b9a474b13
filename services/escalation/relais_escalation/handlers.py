"""Escalation's event handlers."""

from __future__ import annotations

import asyncpg
import structlog

from relais_escalation import incidents
from relais_escalation.dispatch import Dispatch
from relais_escalation.jurisdiction import Jurisdiction
from relais_shared import contracts

log = structlog.get_logger(__name__)


async def on_emergency_raised(event: contracts.EmergencyRaised, *, conn: asyncpg.Connection, dispatch: Dispatch,
                              **_) -> None:
    """Open one incident per emergency; the same emergency delivered twice stays one incident."""
    if await conn.fetchval("SELECT 1 FROM incidents WHERE emergency_id = $1", event.emergency_id):
        return
    where = await jurisdiction_of(event, dispatch)
    incident_id = await incidents.open_incident(conn, dispatch, event, where)
    if incident_id is not None:
        log.info("escalation.incident_opened", incident_id=str(incident_id), priority=event.priority,
                 resolved=where.resolved, centre=where.centre)


async def jurisdiction_of(event: contracts.EmergencyRaised, dispatch: Dispatch) -> Jurisdiction:
    """What the emergency says, else routing's answer (short timeout), else unresolved."""
    if event.force and event.department:
        return Jurisdiction(event.force, event.department, event.operational_centre, event.insee)
    return await dispatch.routing.resolve(event.insee, event.postal_code)

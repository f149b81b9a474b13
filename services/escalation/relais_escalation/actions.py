"""What a dispatcher does to an incident: each action scoped, audited and fed to the consoles in one transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg

from relais_escalation import contact, feed, i18n
from relais_escalation.dispatch import Dispatch
from relais_escalation.metrics import ACK_SECONDS
from relais_escalation.views import contact_view, note_context, patrol_context
from relais_shared import audit, contracts, operators, outbox
from relais_shared.bilingual import Refusal
from relais_shared.identity import Operator

DETAIL_COLUMNS = feed.INCIDENT_COLUMNS + ", i.summary_sealed, i.location_sealed, i.patrol_sealed, i.contact_sealed"


class Conflict(Refusal):
    """The action does not fit the incident's state."""


class Forbidden(Refusal):
    """The operator is in scope but not cleared for this."""


async def load(conn: asyncpg.Connection, operator: Operator, incident_id: uuid.UUID, *, lock: bool = False):
    """The incident if it exists and is in the operator's scope; otherwise 404, the same either way."""
    row = await conn.fetchrow(f"SELECT {DETAIL_COLUMNS} FROM incidents i WHERE i.id = $1"
                              + (" FOR UPDATE" if lock else ""), incident_id)
    if row is None or not operator.covers(row["force"], row["department"]):
        raise operators.not_found()
    return row


async def load_unscoped(conn: asyncpg.Connection, incident_id: uuid.UUID):
    """The incident's codes, for the operator who just handed it outside their own scope."""
    return await conn.fetchrow(f"SELECT {feed.INCIDENT_COLUMNS} FROM incidents i WHERE i.id = $1", incident_id)


async def notes_of(conn: asyncpg.Connection, incident_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT author_alias, text_sealed, created_at FROM incident_notes "
                            "WHERE incident_id = $1 ORDER BY id", incident_id)


async def acknowledge(conn: asyncpg.Connection, operator: Operator, incident_id: uuid.UUID) -> None:
    """A person has it: the deadline stops; a second acknowledgement is refused, naming who acknowledged."""
    row = await load(conn, operator, incident_id, lock=True)
    if row["status"] != "open":
        raise Conflict(i18n.ALREADY_ACKNOWLEDGED.format(alias=row["acknowledged_by"]))
    seconds = await conn.fetchval(
        """UPDATE incidents SET status = 'acknowledged', acknowledged_at = clock_timestamp(), acknowledged_by = $2,
               deadline_at = NULL WHERE id = $1
           RETURNING extract(epoch FROM acknowledged_at - created_at)::float8""", incident_id, operator.alias)
    await outbox.add(conn, contracts.DispatchIncidentAcknowledged(
        incident_id=incident_id, operator_sub=operator.sub, step=row["step"], seconds_to_ack=max(seconds, 0.0)))
    await audit.record(conn, operator, "incident.acknowledge", "incident", str(incident_id),
                       details={"step": row["step"], "seconds_to_ack": round(seconds, 3)})
    await feed.append(conn, incident_id, "acknowledged")
    ACK_SECONDS.labels(row["priority"]).observe(max(seconds, 0.0))


async def assign_patrol(conn: asyncpg.Connection, dispatch: Dispatch, operator: Operator, incident_id: uuid.UUID,
                        unit: str) -> None:
    row = await load(conn, operator, incident_id, lock=True)
    _refuse_closed(row)
    await conn.execute("UPDATE incidents SET patrol_sealed = $2 WHERE id = $1", incident_id,
                       dispatch.seal(unit, patrol_context(incident_id)))
    await audit.record(conn, operator, "incident.assign_patrol", "incident", str(incident_id))
    await feed.append(conn, incident_id, "patrol_assigned")


async def add_note(conn: asyncpg.Connection, dispatch: Dispatch, operator: Operator, incident_id: uuid.UUID,
                   text: str) -> None:
    await load(conn, operator, incident_id, lock=True)
    await conn.execute("""INSERT INTO incident_notes (incident_id, author_sub, author_alias, text_sealed)
                          VALUES ($1, $2, $3, $4)""", incident_id, operator.sub, operator.alias,
                       dispatch.seal(text, note_context(incident_id)))
    await audit.record(conn, operator, "incident.add_note", "incident", str(incident_id))
    await feed.append(conn, incident_id, "note_added")


async def close(conn: asyncpg.Connection, dispatch: Dispatch, operator: Operator, incident_id: uuid.UUID,
                outcome: str) -> str:
    """Close with an outcome (acknowledging it if nobody had); an intervention feeds the follow-up list."""
    row = await load(conn, operator, incident_id, lock=True)
    _refuse_closed(row)
    if outcome == "intervention_carried_out" and not row["jurisdiction_resolved"]:
        raise Conflict(i18n.JURISDICTION_FIRST)
    reference = case_reference(row)
    completed_at = await conn.fetchval(
        """UPDATE incidents SET status = 'closed', closed_at = clock_timestamp(), outcome = $2, case_reference = $3,
               deadline_at = NULL, lookup_due_at = NULL,
               acknowledged_at = coalesce(acknowledged_at, clock_timestamp()),
               acknowledged_by = coalesce(acknowledged_by, $4) WHERE id = $1 RETURNING closed_at""",
        incident_id, outcome, reference, operator.alias)
    await outbox.add(conn, contracts.DispatchIncidentClosed(incident_id=incident_id, outcome=outcome))
    if outcome == "intervention_carried_out":
        await outbox.add(conn, contracts.InterventionCompleted(
            incident_id=incident_id, case_reference=reference, force=row["force"], department=row["department"],
            unit_id=operator.unit, insee=row["insee"], risk_level=row["danger_level"], completed_at=completed_at,
            contact=contact.for_followup(dispatch, row), report_id=row["report_id"]))
    await audit.record(conn, operator, "incident.close", "incident", str(incident_id), details={"outcome": outcome})
    await feed.append(conn, incident_id, "closed")
    return reference


async def read_contact(conn: asyncpg.Connection, dispatch: Dispatch, operator: Operator,
                       incident_id: uuid.UUID) -> dict:
    """How to reach her, for a dispatcher in scope and cleared for the incident's level; every opening audited."""
    row = await load(conn, operator, incident_id)
    if not operator.may_read(row["level"]):
        raise Forbidden(i18n.CONTACT_NEEDS_CLEARANCE)
    view = contact_view(row, dispatch)
    await audit.record(conn, operator, "incident.contact_read", "incident", str(incident_id),
                       details={"contact_on_file": view["contact"] is not None, "erased": view["erased"]})
    return view


def case_reference(row) -> str:
    """Readable on the phone: force, department, date and the incident id's first characters."""
    day = (row["created_at"] or datetime.now(UTC)).strftime("%Y%m%d")
    return f"{row['force'] or 'XX'}-{row['department'] or '00'}-{day}-{str(row['id'])[:8].upper()}"


def _refuse_closed(row) -> None:
    if row["status"] == "closed":
        raise Conflict(i18n.ALREADY_CLOSED)

"""Opening incidents and moving them up the ladder, in the transaction that also writes their events."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from relais_escalation import contact, feed, ladder, staffing
from relais_escalation.bursts import Placement
from relais_escalation.dispatch import Dispatch
from relais_escalation.jurisdiction import Jurisdiction
from relais_escalation.metrics import ESCALATIONS
from relais_shared import contracts, outbox

DEADLINES_CHANNEL = "escalation_deadlines"
LOOKUPS_CHANNEL = "escalation_lookups"


async def open_incident(conn: asyncpg.Connection, dispatch: Dispatch, event: contracts.EmergencyRaised,
                        where: Jurisdiction, *, contact_plain: str | None, erased: bool,
                        placement: Placement = Placement()) -> uuid.UUID | None:
    """One incident per emergency, already past any empty step; None when this emergency is known.

    Without a jurisdiction it starts at national supervision, and routing is asked later (`lookups`), never here.
    A silent member of a burst (another member already rings) gets no deadline: the burst rings once.
    """
    policy = dispatch.policies.for_centre(where.centre)
    staffed = await _staffed(conn, dispatch, where.force, where.department)
    moves = ladder.settle(policy, ladder.start_position(policy, where.resolved), staffed.__contains__)
    step = moves[-1].to_step if moves else ladder.start_position(policy, where.resolved)
    seconds = None if placement.silent else ladder.deadline_of(policy, step, event.priority)
    moves = [] if placement.silent else moves
    incident_id = uuid.uuid4()
    ask_routing = not where.resolved and bool(event.insee or event.postal_code)
    keep = not erased  # a late emergency of an erased report keeps only its codes
    inserted = await conn.fetchval(
        """INSERT INTO incidents (id, emergency_id, source, kind, priority, report_id, level, force, department,
               insee, postal_code, operational_centre, jurisdiction_resolved, location_sealed, summary_sealed, step,
               deadline_at, danger_level, chat_session_id, contact_sealed, erased_at, lookup_due_at, burst_id)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,
                   clock_timestamp() + make_interval(secs => $17::float8), $18, $19, $20,
                   CASE WHEN $21 THEN now() END, CASE WHEN $22 THEN clock_timestamp() END, $23)
           ON CONFLICT (emergency_id) DO NOTHING RETURNING id""",
        incident_id, event.emergency_id, event.source, event.kind, event.priority, event.report_id, event.level,
        where.force, where.department, where.insee or event.insee, event.postal_code, where.centre, where.resolved,
        _sealed(event.location_hint) if keep else None, _sealed(event.summary) if keep else None, step, seconds,
        event.danger_level, event.chat_session_id,
        contact.seal_at_rest(dispatch, incident_id, contact_plain) if keep else None, erased, ask_routing,
        placement.burst_id)
    if inserted is None:
        return None
    await outbox.add(conn, contracts.DispatchIncidentOpened(
        incident_id=incident_id, emergency_id=event.emergency_id, priority=event.priority, force=where.force,
        department=where.department, operational_centre=where.centre, jurisdiction_resolved=where.resolved))
    await record_moves(conn, dispatch, incident_id, moves, due_at=None)
    if where.resolved:
        await staffing.know_centre(conn, where.force, where.department, where.centre)
    await conn.execute("SELECT pg_notify($1, '')", DEADLINES_CHANNEL)
    if ask_routing:
        await conn.execute("SELECT pg_notify($1, '')", LOOKUPS_CHANNEL)
    await feed.append(conn, incident_id, "opened")
    return incident_id


async def fire_due(conn: asyncpg.Connection, dispatch: Dispatch, limit: int = 50) -> list[float]:
    """Climb every incident whose deadline passed (rows other replicas hold are skipped); returns lateness."""
    rows = await conn.fetch(
        """SELECT id, step, priority, force, department, operational_centre, deadline_at,
                  extract(epoch FROM clock_timestamp() - deadline_at)::float8 AS late
           FROM incidents WHERE status = 'open' AND deadline_at <= clock_timestamp()
           ORDER BY deadline_at LIMIT $1 FOR UPDATE SKIP LOCKED""", limit)
    for row in rows:
        policy = dispatch.policies.for_centre(row["operational_centre"])
        staffed = await _staffed(conn, dispatch, row["force"], row["department"])
        moves = ladder.on_deadline(policy, row["step"], staffed.__contains__)
        step = moves[-1].to_step
        await conn.execute(
            """UPDATE incidents SET step = $2, deadline_at = clock_timestamp() + make_interval(secs => $3)
               WHERE id = $1""", row["id"], step, ladder.deadline_of(policy, step, row["priority"]))
        await record_moves(conn, dispatch, row["id"], moves, due_at=row["deadline_at"])
        await feed.append(conn, row["id"], "escalated")
    return [row["late"] for row in rows]


async def record_moves(conn: asyncpg.Connection, dispatch: Dispatch, incident_id: uuid.UUID,
                       moves: list[ladder.Transition], due_at: datetime | None) -> None:
    """Keep each climb (with when it was due) and tell the platform."""
    for move in moves:
        await conn.execute(
            """INSERT INTO escalations (incident_id, from_step, to_step, target, reason, due_at, fired_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            incident_id, move.from_step, move.to_step, move.target, move.reason,
            due_at if move.reason == "deadline" else None, dispatch.node)
        await outbox.add(conn, contracts.DispatchIncidentEscalated(
            incident_id=incident_id, from_step=move.from_step, to_step=move.to_step, target=move.target,
            reason=move.reason))
        ESCALATIONS.labels(move.reason, move.target).inc()


async def _staffed(conn: asyncpg.Connection, dispatch: Dispatch, force: str | None, department: str | None):
    return await staffing.staffed_targets(conn, force, department, dispatch.settings.presence_timeout_seconds)


def _sealed(value: contracts.Sealed | None) -> dict | None:
    return value.model_dump() if value is not None else None

"""Giving an unresolved incident its jurisdiction (routing's late answer or a national operator's choice): it then
follows its centre's ladder from the first step, with a fresh deadline, in the transaction that says so."""

from __future__ import annotations

import uuid

import asyncpg

from relais_escalation import feed, i18n, incidents, ladder, staffing
from relais_escalation.dispatch import Dispatch
from relais_escalation.jurisdiction import Jurisdiction, centre_of
from relais_shared import contracts, outbox
from relais_shared.bilingual import Refusal


class Refused(Refusal):
    """The incident cannot take a jurisdiction now."""


async def known_centre(conn: asyncpg.Connection, force: str, department: str) -> str:
    """The centre an incident or a routing answer already named for this force and department, else the rule's."""
    known = await conn.fetchval("SELECT centre_id FROM centres WHERE force = $1 AND department = $2",
                                force, department)
    return known or centre_of(force, department)


async def apply(conn: asyncpg.Connection, dispatch: Dispatch, incident_id: uuid.UUID, where: Jurisdiction) -> bool:
    """Set the jurisdiction of a still unresolved incident; False (nothing done) when it is resolved or closed.

    An open incident moves to its centre's first step (skipping empty steps) with a fresh deadline; one somebody
    already acknowledged stays with that person and simply becomes visible to the centre.
    """
    row = await conn.fetchrow("""SELECT emergency_id, status, priority, jurisdiction_resolved, deadline_at
                                 FROM incidents WHERE id = $1 FOR UPDATE""", incident_id)
    if row is None or row["jurisdiction_resolved"] or row["status"] == "closed" or not where.resolved:
        return False
    moves: list[ladder.Transition] = []
    # A silent member of a burst (no deadline) stays silent: its burst already rings once for all of them.
    if row["status"] == "open" and row["deadline_at"] is not None:
        policy = dispatch.policies.for_centre(where.centre)
        on_duty = await staffing.staffed_targets(conn, where.force, where.department,
                                                 dispatch.settings.presence_timeout_seconds)
        moves = ladder.settle(policy, 0, on_duty.__contains__)
        step = moves[-1].to_step if moves else 0
        await conn.execute(
            """UPDATE incidents SET step = $2, deadline_at = clock_timestamp() + make_interval(secs => $3)
               WHERE id = $1""", incident_id, step, ladder.deadline_of(policy, step, row["priority"]))
    await conn.execute(
        """UPDATE incidents SET force = $2, department = $3, operational_centre = $4, insee = coalesce(insee, $5),
               jurisdiction_resolved = true, lookup_due_at = NULL WHERE id = $1""",
        incident_id, where.force, where.department, where.centre, where.insee)
    # Opened again, now for its centre: the statistics and the platform attribute it to the right department.
    await outbox.add(conn, contracts.DispatchIncidentOpened(
        incident_id=incident_id, emergency_id=row["emergency_id"], priority=row["priority"], force=where.force,
        department=where.department, operational_centre=where.centre, jurisdiction_resolved=True))
    await incidents.record_moves(conn, dispatch, incident_id, moves, due_at=None)
    await staffing.know_centre(conn, where.force, where.department, where.centre)
    await conn.execute("SELECT pg_notify($1, '')", incidents.DEADLINES_CHANNEL)
    await feed.append(conn, incident_id, "jurisdiction_resolved")
    return True


async def choose(conn: asyncpg.Connection, dispatch: Dispatch, incident_id: uuid.UUID, force: str,
                 department: str) -> Jurisdiction:
    """A national operator's choice of force and department; the centre follows from them."""
    where = Jurisdiction(force, department, await known_centre(conn, force, department))
    if not await apply(conn, dispatch, incident_id, where):
        state = await conn.fetchrow("SELECT status, jurisdiction_resolved FROM incidents WHERE id = $1", incident_id)
        if state["status"] == "closed":
            raise Refused(i18n.ALREADY_CLOSED)
        raise Refused(i18n.HAS_JURISDICTION)
    return where

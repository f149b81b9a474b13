"""Who is on duty, from the consoles' heartbeats; which ladder targets have somebody to alert."""

from __future__ import annotations

import uuid

import asyncpg

from relais_shared.identity import NATIONAL, Operator

# Who counts for each ladder target; `targets_of` says the same for one operator (keep the two in step).
# National supervision is every console with national scope (supervisors, and dispatchers of the national
# platform); only dispatch consoles register on duty.
STAFFED_SQL = """
SELECT
  coalesce(bool_or(force = $1 AND $2 = ANY(departments) AND 'dispatcher' = ANY(roles)), false),
  coalesce(bool_or(force = $1 AND $2 = ANY(departments) AND 'supervisor' = ANY(roles)), false),
  coalesce(bool_or((force = $1 OR $1 IS NULL) AND $3 = ANY(departments)), false)
FROM on_duty WHERE last_seen > now() - make_interval(secs => $4)"""


def targets_of(operator: Operator, force: str | None, department: str | None) -> set[str]:
    """The ladder targets this operator answers for, for an incident of this force and department."""
    if force is not None and force != operator.force:
        return set()
    found = {"national_supervision"} if NATIONAL in operator.departments else set()
    if department is not None and department in operator.departments:
        found |= {"centre_dispatchers"} if operator.has_any("dispatcher") else set()
        found |= {"centre_supervisor"} if operator.has_any("supervisor") else set()
    return found


def alerts(operator: Operator, row, target: str) -> bool:
    """Whether an incident whose ladder stands at `target` alerts this operator (alarm and sound).

    Every console in scope sees the incident (those below keep following it and may still acknowledge, those
    above supervise), but only the step's own target is alerted."""
    return target in targets_of(operator, row["force"], row["department"])


async def staffed_targets(conn: asyncpg.Connection, force: str | None, department: str | None,
                          timeout_seconds: float) -> set[str]:
    """The ladder targets with at least one console alive for this force and department."""
    dispatchers, supervisor, national = await conn.fetchrow(STAFFED_SQL, force, department, NATIONAL,
                                                            timeout_seconds)
    found = {"centre_dispatchers"} if dispatchers else set()
    found |= {"centre_supervisor"} if supervisor else set()
    return found | ({"national_supervision"} if national else set())


async def come_on_duty(conn: asyncpg.Connection, operator: Operator, node: str) -> uuid.UUID:
    """Register an open console; its centres become known so that their staffing is watched."""
    connection_id = uuid.uuid4()
    await conn.execute(
        """INSERT INTO on_duty (connection_id, operator_sub, force, departments, roles, node)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        connection_id, operator.sub, operator.force, list(operator.departments), sorted(operator.roles), node)
    if operator.has_any("dispatcher"):
        for department in operator.departments:
            if department != NATIONAL:
                await know_centre(conn, operator.force, department, None)
    return connection_id


async def heartbeat(conn: asyncpg.Connection, connection_id: uuid.UUID) -> None:
    await conn.execute("UPDATE on_duty SET last_seen = now() WHERE connection_id = $1", connection_id)


async def go_off_duty(conn: asyncpg.Connection, connection_id: uuid.UUID) -> None:
    await conn.execute("DELETE FROM on_duty WHERE connection_id = $1", connection_id)


async def know_centre(conn: asyncpg.Connection, force: str, department: str, centre_id: str | None) -> None:
    """Remember a centre (its id when an incident tells it) so the staffing watch covers it."""
    await conn.execute(
        """INSERT INTO centres (force, department, centre_id) VALUES ($1, $2, $3)
           ON CONFLICT (force, department) DO UPDATE SET centre_id = coalesce(EXCLUDED.centre_id, centres.centre_id)""",
        force, department, centre_id)

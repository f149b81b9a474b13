"""Who is on duty at the dispatch console, told to the platform as a lease (operator.on_duty).

A dispatcher's first console socket on this service (any replica) puts her on duty until now + lease; her
consoles' heartbeats renew the lease when it is due, and her last socket closing ends it. Her open sockets are
the staffing watch's on_duty rows (relais_escalation.staffing); the lease she was last given is a duty_leases
row, changed in the transaction that writes the event to the outbox. A replica that crashes stops renewing:
its dispatchers drop off supervision when their lease ends. Supervisors watching a console are not counted:
the dispatch console is on duty when a dispatcher holds it.
"""

from __future__ import annotations

import uuid

import asyncpg
import structlog

from relais_escalation.settings import EscalationSettings
from relais_shared import outbox
from relais_shared.contracts import OperatorOnDuty
from relais_shared.identity import Operator

log = structlog.get_logger(__name__)
CONSOLE = "dispatch"
# clock_timestamp(), not the transaction's start: taken under the dispatcher's lock, it orders her events exactly.
START_SQL = """
INSERT INTO duty_leases (operator_sub, console, until) VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3))
ON CONFLICT (operator_sub, console) DO UPDATE SET until = EXCLUDED.until
RETURNING until, clock_timestamp() AS at"""
# Only a lease still held is renewed: one her last socket ended stays ended.
RENEW_SQL = """
UPDATE duty_leases SET until = clock_timestamp() + make_interval(secs => $3)
WHERE operator_sub = $1 AND console = $2 AND until < clock_timestamp() + make_interval(secs => $3::float8 - $4::float8)
RETURNING until, clock_timestamp() AS at"""


def on_duty_here(operator: Operator) -> bool:
    return operator.has_any("dispatcher")


async def opened(conn: asyncpg.Connection, operator: Operator, connection_id: uuid.UUID,
                 settings: EscalationSettings) -> None:
    """After come_on_duty, in its transaction: the dispatcher's first open console puts her on duty."""
    if not on_duty_here(operator):
        return
    await _serialise(conn, operator)
    if not await _others_open(conn, operator, connection_id, settings):
        row = await conn.fetchrow(START_SQL, operator.sub, CONSOLE, settings.duty_lease_seconds)
        await outbox.add(conn, _event(operator, True, row["until"], row["at"]))


async def renew(conn: asyncpg.Connection, operator: Operator, settings: EscalationSettings) -> None:
    """On a console heartbeat: extend the dispatcher's lease once it is due (a failure never cuts the console)."""
    if not on_duty_here(operator):
        return
    try:
        async with conn.transaction():
            row = await conn.fetchrow(RENEW_SQL, operator.sub, CONSOLE, settings.duty_lease_seconds,
                                      settings.duty_renew_seconds)
            if row is not None:
                await outbox.add(conn, _event(operator, True, row["until"], row["at"]))
    except asyncpg.PostgresError as exc:  # the next heartbeat tries again; the lease covers a few misses
        log.warning("escalation.duty_renewal_failed", error=type(exc).__name__)


async def closed(conn: asyncpg.Connection, operator: Operator, settings: EscalationSettings) -> None:
    """After go_off_duty, in its transaction: the dispatcher's last open console ends her duty."""
    if not on_duty_here(operator):
        return
    await _serialise(conn, operator)
    if await _others_open(conn, operator, None, settings):
        return
    row = await conn.fetchrow("DELETE FROM duty_leases WHERE operator_sub = $1 AND console = $2 "
                              "RETURNING clock_timestamp() AS at", operator.sub, CONSOLE)
    if row is not None:
        await outbox.add(conn, _event(operator, False, row["at"], row["at"]))


async def _others_open(conn: asyncpg.Connection, operator: Operator, connection_id: uuid.UUID | None,
                       settings: EscalationSettings) -> bool:
    """Whether another console of hers is alive on any replica (as the staffing watch counts them)."""
    return await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM on_duty WHERE operator_sub = $1 AND connection_id IS DISTINCT FROM $2
                          AND last_seen > now() - make_interval(secs => $3))""",
        operator.sub, connection_id, settings.presence_timeout_seconds)


async def _serialise(conn: asyncpg.Connection, operator: Operator) -> None:
    # One opening or closing at a time per dispatcher, across replicas: the first and last socket are exact.
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('relais.duty|' || $1, 0))", operator.sub)


def _event(operator: Operator, on_duty: bool, until, at) -> OperatorOnDuty:
    return OperatorOnDuty(operator=operator.sub, alias=operator.alias, force=operator.force,
                          departments=operator.departments, console=CONSOLE, on_duty=on_duty, until=until, at=at)

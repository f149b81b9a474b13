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
from relais_shared import duty_leases as leases
from relais_shared.identity import Operator

log = structlog.get_logger(__name__)
CONSOLE = "dispatch"
def on_duty_here(operator: Operator) -> bool:
    return operator.has_any("dispatcher")


async def opened(conn: asyncpg.Connection, operator: Operator, connection_id: uuid.UUID,
                 settings: EscalationSettings) -> None:
    """After come_on_duty, in its transaction: the dispatcher's first open console puts her on duty."""
    if not on_duty_here(operator):
        return
    await leases.serialise(conn, operator)
    if not await _others_open(conn, operator, connection_id, settings):
        await leases.start(conn, operator, CONSOLE, settings.duty_lease_seconds)


async def renew(conn: asyncpg.Connection, operator: Operator, settings: EscalationSettings) -> None:
    """On a console heartbeat: extend the dispatcher's lease once it is due (a failure never cuts the console)."""
    if not on_duty_here(operator):
        return
    try:
        async with conn.transaction():
            await leases.renew(conn, operator, CONSOLE, settings.duty_lease_seconds, settings.duty_renew_seconds)
    except asyncpg.PostgresError as exc:  # the next heartbeat tries again; the lease covers a few misses
        log.warning("escalation.duty_renewal_failed", error=type(exc).__name__)


async def closed(conn: asyncpg.Connection, operator: Operator, settings: EscalationSettings) -> None:
    """After go_off_duty, in its transaction: the dispatcher's last open console ends her duty."""
    if not on_duty_here(operator):
        return
    await leases.serialise(conn, operator)
    if not await _others_open(conn, operator, None, settings):
        await leases.end(conn, operator, CONSOLE)


async def _others_open(conn: asyncpg.Connection, operator: Operator, connection_id: uuid.UUID | None,
                       settings: EscalationSettings) -> bool:
    """Whether another console of hers is alive on any replica (as the staffing watch counts them)."""
    return await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM on_duty WHERE operator_sub = $1 AND connection_id IS DISTINCT FROM $2
                          AND last_seen > now() - make_interval(secs => $3))""",
        operator.sub, connection_id, settings.presence_timeout_seconds)

"""Who is on duty at the chat and triage consoles, told to the platform as a lease (operator.on_duty).

An officer's first console socket on this service (any node) puts her on duty until now + lease; each open
socket renews the lease when it is due, and her last socket closing ends it. Every socket has a row its task
touches while it is open (duty_sockets), every console a lease row (duty_leases), and both change in the
transaction that writes the event to the outbox. A node that crashes stops touching and renewing: its
officers drop off supervision when their lease ends.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

import asyncpg
import structlog

from relais_chat.settings import ChatSettings
from relais_shared import duty_leases as leases
from relais_shared.identity import Operator
from relais_shared.periodic import run_every

log = structlog.get_logger(__name__)
@dataclass
class Duty:
    """One open console socket's part in its officer's duty."""

    connection_id: uuid.UUID
    operator: Operator
    settings: ChatSettings
    renewal: asyncio.Task | None = None


def consoles_of(operator: Operator) -> tuple[str, ...]:
    """The consoles a socket staffs: chat for officers who answer conversations, triage for triage operators."""
    return tuple(c for c, role in (("chat", "chat_operator"), ("triage", "triage_operator"))
                 if operator.has_any(role))


async def start(pool: asyncpg.Pool, operator: Operator, settings: ChatSettings) -> Duty:
    """Register an open socket; the officer's first one puts her on duty. Its task renews while it is open."""
    duty = Duty(uuid.uuid4(), operator, settings)
    async with pool.acquire() as conn, conn.transaction():
        await leases.serialise(conn, operator)
        await conn.execute("DELETE FROM duty_sockets WHERE seen_at < now() - make_interval(secs => $1)",
                           settings.duty_lease_seconds)  # left by crashed nodes
        first = not await _others_open(conn, duty)
        await conn.execute("INSERT INTO duty_sockets (connection_id, operator_sub) VALUES ($1, $2)",
                           duty.connection_id, operator.sub)
        await _renew(conn, operator, settings, started=first)
    duty.renewal = asyncio.create_task(_keep(pool, duty), name="chat-duty-renewal")
    return duty


async def stop(pool: asyncpg.Pool, duty: Duty | None) -> None:
    """Forget a closed socket; the officer's last one ends her duty. Never raises: the socket is gone anyway."""
    if duty is None:
        return
    if duty.renewal is not None:
        duty.renewal.cancel()
        await asyncio.gather(duty.renewal, return_exceptions=True)  # no renewal in flight behind the end
    try:
        async with pool.acquire() as conn, conn.transaction():
            await leases.serialise(conn, duty.operator)
            await conn.execute("DELETE FROM duty_sockets WHERE connection_id = $1", duty.connection_id)
            if not await _others_open(conn, duty):
                await leases.end(conn, duty.operator)
    except Exception as exc:  # noqa: BLE001 - the lease then ends by itself
        log.warning("chat.duty_end_failed", error=type(exc).__name__)


async def _keep(pool: asyncpg.Pool, duty: Duty) -> None:
    """While the socket is open: mark it seen and renew the officer's lease when it is due (a failed turn is
    tried again at the next one; the lease covers a few misses)."""

    async def touch_and_renew() -> None:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("UPDATE duty_sockets SET seen_at = now() WHERE connection_id = $1", duty.connection_id)
            await _renew(conn, duty.operator, duty.settings, started=False)

    await run_every(duty.settings.duty_renew_seconds / 4, touch_and_renew, failure_event="chat.duty_renewal_failed",
                    at_once=False)


async def _renew(conn: asyncpg.Connection, operator: Operator, settings: ChatSettings, *, started: bool) -> None:
    """Extend the lease of each console (always when she starts, else once it is due) and publish it."""
    for console in consoles_of(operator):
        if started:
            await leases.start(conn, operator, console, settings.duty_lease_seconds)
        else:
            await leases.renew(conn, operator, console, settings.duty_lease_seconds, settings.duty_renew_seconds)


async def _others_open(conn: asyncpg.Connection, duty: Duty) -> bool:
    """Whether another socket of the officer is open on any node (one not seen for a lease is a dead node's)."""
    return await conn.fetchval(
        """SELECT EXISTS (SELECT 1 FROM duty_sockets WHERE operator_sub = $1 AND connection_id <> $2
                          AND seen_at > now() - make_interval(secs => $3))""",
        duty.operator.sub, duty.connection_id, duty.settings.duty_lease_seconds)

"""On-duty leases: a console's service says, through its outbox, who is on duty there and until when.

The service counts its operator's open console sockets its own way (chat's socket rows, escalation's staffing
rows); this module holds what every console shares: one opening or closing at a time per operator across
replicas, the lease row, and the `operator.on_duty` event written in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from relais_shared import outbox
from relais_shared.contracts import OperatorOnDuty
from relais_shared.identity import Operator

# clock_timestamp(), not the transaction's start: taken under the operator's lock, it orders her events exactly.
START_SQL = """
INSERT INTO duty_leases (operator_sub, console, until) VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3))
ON CONFLICT (operator_sub, console) DO UPDATE SET until = EXCLUDED.until
RETURNING until, clock_timestamp() AS at"""
# Only a lease still held is renewed: one her last socket ended stays ended.
RENEW_SQL = """
UPDATE duty_leases SET until = clock_timestamp() + make_interval(secs => $3)
WHERE operator_sub = $1 AND console = $2 AND until < clock_timestamp() + make_interval(secs => $3::float8 - $4::float8)
RETURNING until, clock_timestamp() AS at"""


async def serialise(conn: asyncpg.Connection, operator: Operator) -> None:
    """One opening or closing at a time per operator, across replicas: her first and last socket are exact."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('relais.duty|' || $1, 0))", operator.sub)


async def start(conn: asyncpg.Connection, operator: Operator, console: str, lease_seconds: float) -> None:
    row = await conn.fetchrow(START_SQL, operator.sub, console, lease_seconds)
    assert row is not None  # an upsert … RETURNING always returns its row
    await outbox.add(conn, event(operator, console, True, row["until"], row["at"]))


async def renew(conn: asyncpg.Connection, operator: Operator, console: str, lease_seconds: float,
                renew_seconds: float) -> None:
    """Extend the lease once it is due (less than a renewal period left), and say so."""
    row = await conn.fetchrow(RENEW_SQL, operator.sub, console, lease_seconds, renew_seconds)
    if row is not None:
        await outbox.add(conn, event(operator, console, True, row["until"], row["at"]))


async def end(conn: asyncpg.Connection, operator: Operator, console: str | None = None) -> None:
    """End her leases (at one console, or all of this service's), and say so."""
    rows = await conn.fetch("DELETE FROM duty_leases WHERE operator_sub = $1 AND ($2::text IS NULL OR console = $2) "
                            "RETURNING console, clock_timestamp() AS at", operator.sub, console)
    for row in rows:
        await outbox.add(conn, event(operator, row["console"], False, row["at"], row["at"]))


def event(operator: Operator, console: str, on_duty: bool, until: datetime, at: datetime) -> OperatorOnDuty:
    return OperatorOnDuty(operator=operator.sub, alias=operator.alias, force=operator.force,
                          departments=operator.departments, console=console, on_duty=on_duty, until=until, at=at)

"""The national triage list in routing's database: unroutable reports waiting for a force, and erasures."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from relais_shared import contracts
from relais_shared.retention import PurgeRule

COLUMNS = ("report_id", "postal_code", "insee", "reason", "category", "level", "danger_level", "callback_accepted",
           "mode", "received_at")
DANGER_RANK = "CASE danger_level WHEN 'severe' THEN 0 WHEN 'high' THEN 1 ELSE 2 END"
# A tombstone only has to outlive any redelivery or dead-letter replay of the erased report's events.
RETENTION = (PurgeRule("routing.erased_reports",
                       "DELETE FROM erased_reports WHERE erased_at < now() - make_interval(days => $1)", 365),)


async def keep_unroutable(conn: asyncpg.Connection, event: contracts.ReportReceived, reason: str,
                          insee: str | None, received_at: datetime) -> None:
    """Put a report on the national triage list (once, whatever the redeliveries)."""
    await conn.execute(
        f"""INSERT INTO triage_reports ({", ".join(COLUMNS)}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
            ON CONFLICT (report_id) DO NOTHING""",  # noqa: S608 - constant column list
        event.report_id, event.postal_code, insee, reason, event.category, event.level, event.danger_level,
        event.callback_accepted, event.mode, received_at)


async def waiting(conn: asyncpg.Connection, limit: int = 500) -> list[asyncpg.Record]:
    """The reports to triage, most dangerous first, then oldest first."""
    return await conn.fetch(
        f"""SELECT {", ".join(COLUMNS)}, extract(epoch FROM now() - received_at) AS waited_seconds
            FROM triage_reports ORDER BY {DANGER_RANK}, received_at, report_id LIMIT $1""",  # noqa: S608
        limit)


async def take(conn: asyncpg.Connection, report_id: uuid.UUID) -> asyncpg.Record | None:
    """Remove a report from the list for its assignment; None when absent or already assigned."""
    return await conn.fetchrow(
        f"DELETE FROM triage_reports WHERE report_id = $1 RETURNING {', '.join(COLUMNS)}",  # noqa: S608
        report_id)


async def erase(conn: asyncpg.Connection, report_id: uuid.UUID) -> bool:
    """Forget a report on the list and remember that it was erased; True when it was waiting here."""
    await conn.execute("INSERT INTO erased_reports (report_id) VALUES ($1) ON CONFLICT DO NOTHING", report_id)
    return await conn.execute("DELETE FROM triage_reports WHERE report_id = $1", report_id) != "DELETE 0"


async def is_erased(conn: asyncpg.Connection, report_id: uuid.UUID) -> bool:
    """Whether the reporter erased this report."""
    return await conn.fetchval("SELECT EXISTS (SELECT 1 FROM erased_reports WHERE report_id = $1)", report_id)

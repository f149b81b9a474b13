"""The staffing watch: warn (once per period) when a known centre has nobody on duty at all."""

from __future__ import annotations

import asyncpg
import structlog

from relais_escalation import staffing
from relais_escalation.dispatch import Dispatch
from relais_escalation.metrics import CENTRES_UNSTAFFED, INCIDENTS_OPEN
from relais_shared import contracts, outbox
from relais_shared.periodic import run_every

log = structlog.get_logger(__name__)


def centre_name(row) -> str:
    """The centre's id when an incident told it, else force and department."""
    return row["centre_id"] or f"{row['force']}-{row['department']}"


async def check_centres(conn: asyncpg.Connection, dispatch: Dispatch) -> int:
    """One pass over the known centres (rows another replica is checking are skipped); returns unstaffed."""
    s = dispatch.settings
    rows = await conn.fetch(
        """SELECT force, department, centre_id, unstaffed_since,
                  (last_alerted_at IS NULL OR last_alerted_at < now() - make_interval(secs => $1)) AS due
           FROM centres FOR UPDATE SKIP LOCKED""", s.unstaffed_alert_period_seconds)
    for row in rows:
        staffed = await staffing.staffed_targets(conn, row["force"], row["department"], s.presence_timeout_seconds)
        key = (row["force"], row["department"])
        if staffed & {"centre_dispatchers", "centre_supervisor"}:
            await conn.execute("""UPDATE centres SET unstaffed_since = NULL, last_alerted_at = NULL
                                  WHERE force = $1 AND department = $2""", *key)
        elif row["due"]:
            await outbox.add(conn, contracts.DispatchCentreUnstaffed(operational_centre=centre_name(row)))
            await conn.execute("""UPDATE centres SET unstaffed_since = coalesce(unstaffed_since, now()),
                                  last_alerted_at = now() WHERE force = $1 AND department = $2""", *key)
            log.warning("escalation.centre_unstaffed", centre=centre_name(row))
    await conn.execute("DELETE FROM on_duty WHERE last_seen < now() - make_interval(secs => $1)",
                       s.presence_timeout_seconds * 10)
    return await conn.fetchval("SELECT count(*) FROM centres WHERE unstaffed_since IS NOT NULL")


async def unstaffed(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await conn.fetch("""SELECT force, department, centre_id, unstaffed_since FROM centres
                               WHERE unstaffed_since IS NOT NULL ORDER BY force, department""")


async def watch(pool: asyncpg.Pool, dispatch: Dispatch) -> None:
    """Every few seconds: the staffing pass and the gauges of open incidents and unstaffed centres."""

    async def staffing_pass() -> None:
        async with pool.acquire() as conn:
            async with conn.transaction():
                CENTRES_UNSTAFFED.set(await check_centres(conn, dispatch))
            counts = {"open": 0, "acknowledged": 0}
            for row in await conn.fetch("SELECT status, count(*) AS n FROM incidents "
                                        "WHERE status <> 'closed' GROUP BY status"):
                counts[row["status"]] = row["n"]
            for status, n in counts.items():
                INCIDENTS_OPEN.labels(status).set(n)

    await run_every(dispatch.settings.staffing_check_seconds, staffing_pass,
                    failure_event="escalation.staffing_watch_error")

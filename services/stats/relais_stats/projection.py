"""The read model of reports: one function per event type, fed by the live consumer and by a rebuild alike.

Each takes a minimised payload (relais_stats.minimise) and the event's time, never the clock, so replaying
the event log gives exactly the tables the live path built. A case's join key is deleted once its fact is
complete: a routed report becomes a count (chats, incidents and call-backs: relais_stats.cases). An erased
report is counted with what is known of it and loses its key (relais_stats.erasure).
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from relais_stats import cases
from relais_stats.periods import labels_of

READ_MODEL_TABLES = ("pending_reports", "report_counts", "chat_open", "chat_waits", "operator_activity",
                     "incidents_open", "ack_times", "callbacks_open", "callback_counts", "report_closures")


async def report_received(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    week, month = labels_of(at)
    await conn.execute(
        """INSERT INTO pending_reports (ref, iso_week, month, category, partner, received) VALUES ($1,$2,$3,$4,$5,true)
           ON CONFLICT (ref) DO UPDATE SET iso_week=$2, month=$3, category=$4, partner=$5, received=true""",
        p["ref"], week, month, p["category"] or "other", p["partner"] or "")
    await _complete_report(conn, p["ref"])


async def report_routed(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    await _resolve_report(conn, p["ref"], p["force"], p["department"])


async def report_unroutable(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    await _resolve_report(conn, p["ref"], "", "")


async def report_erased(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    """Settle an erased report now (its key was just replaced): counted once, unresolved if not yet routed."""
    row = await conn.fetchrow("DELETE FROM pending_reports WHERE ref=$1 RETURNING *", p["ref"])
    if row is not None and row["received"]:
        await _count(conn, row)


async def report_closed(conn: asyncpg.Connection, p: dict, at: datetime) -> None:
    """A unit closed a report: one more closing of that outcome in the week, no key kept."""
    week, _ = labels_of(at)
    await conn.execute(
        """INSERT INTO report_closures (iso_week, force, department, outcome, n) VALUES ($1,$2,$3,$4,1)
           ON CONFLICT (iso_week, force, department, outcome) DO UPDATE SET n = report_closures.n + 1""",
        week, p["force"] or "", p["department"] or "", p["outcome"] or "other")


async def _resolve_report(conn: asyncpg.Connection, ref: str, force: str, department: str) -> None:
    await conn.execute(
        """INSERT INTO pending_reports (ref, force, department, resolved) VALUES ($1,$2,$3,true)
           ON CONFLICT (ref) DO UPDATE SET force=$2, department=$3, resolved=true""", ref, force, department)
    await _complete_report(conn, ref)


async def _complete_report(conn: asyncpg.Connection, ref: str) -> None:
    """Both halves known (in either order): count the report and forget its key."""
    row = await conn.fetchrow("DELETE FROM pending_reports WHERE ref=$1 AND received AND resolved RETURNING *", ref)
    if row is not None:
        await _count(conn, row)


async def _count(conn: asyncpg.Connection, row: asyncpg.Record) -> None:
    await conn.execute(
        """INSERT INTO report_counts (iso_week, month, category, force, department, partner, n)
           VALUES ($1,$2,$3,$4,$5,$6,1) ON CONFLICT (iso_week, month, category, force, department, partner)
           DO UPDATE SET n = report_counts.n + 1""",
        row["iso_week"], row["month"], row["category"], row["force"] or "", row["department"] or "", row["partner"])


PROJECTORS = {
    "report.received": report_received, "report.routed": report_routed, "report.unroutable": report_unroutable,
    "report.erased": report_erased, "report.closed": report_closed,
    **cases.PROJECTORS,
}

"""Operators on duty, from operator.on_duty leases: who holds which console, and where nobody does.

A live state, not a fact to count: it never enters the event log (a rebuild leaves it alone), and a lease
that was not renewed simply stops counting (until > now()). The operator is kept as a keyed hash of her id,
with her alias, the name supervisors know her by.
"""

from __future__ import annotations

from collections import defaultdict

import asyncpg

from relais_shared.contracts import Envelope, OperatorOnDuty
from relais_shared.identity import NATIONAL, Operator
from relais_shared.retention import PurgeRule
from relais_stats.minimise import DEPARTMENT, pseudonym

# Consoles that answer people in danger: nobody on duty at one of them is a warning for supervisors.
WATCHED = {"chat": "waiting", "dispatch": "incidents"}  # console -> the waiting work of a line it answers
# Ended and expired duties stay a day (a late renewal cannot revive them), then go.
RETENTION = (PurgeRule("stats.operator_duties",
                       "DELETE FROM operator_duties WHERE until < now() - make_interval(days => $1)", 1),)


async def on_duty(event: OperatorOnDuty, *, conn: asyncpg.Connection, envelope: Envelope, secret: bytes) -> None:
    """Keep the newest word on an operator at a console; an ended duty lasts until its end, not its lease."""
    departments = [d for d in event.departments if d == NATIONAL or DEPARTMENT.match(d)]
    until = event.until if event.on_duty else min(event.until, event.at)
    await conn.execute(
        """INSERT INTO operator_duties (operator, console, alias, force, departments, until, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (operator, console) DO UPDATE SET alias = EXCLUDED.alias, force = EXCLUDED.force,
               departments = EXCLUDED.departments, until = EXCLUDED.until, at = EXCLUDED.at
           WHERE operator_duties.at < EXCLUDED.at""",
        pseudonym(secret, "operator", event.operator), event.console, event.alias, event.force, departments,
        until, event.at)


async def overview(conn: asyncpg.Connection, who: Operator, lines: list[dict]) -> tuple[list[dict], list[dict]]:
    """Operators on duty by console, force and department in the supervisor's scope, and where nobody is."""
    rows = await conn.fetch("SELECT console, alias, force, departments FROM operator_duties "
                            "WHERE until > now() AND force = $1", who.force)
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for row in rows:
        for department in row["departments"]:
            if department == NATIONAL or who.covers(row["force"], department):
                groups[(row["console"], row["force"], department)].append(row["alias"])
    on_duty = [{"console": c, "force": f, "department": d, "count": len(aliases), "aliases": sorted(aliases)}
               for (c, f, d), aliases in sorted(groups.items())]
    return on_duty, _nobody(who, lines, groups)


def _nobody(who: Operator, lines: list[dict], groups: dict) -> list[dict]:
    """Each watched console without anybody for an area: the supervisor's own departments (or her force
    nationally), and any department where that console's work is waiting."""
    areas = [d for d in who.departments if d != NATIONAL] + ([NATIONAL] if NATIONAL in who.departments else [])
    waiting = {(x["department"], console): x[work] for x in lines for console, work in WATCHED.items()
               if x["force"] == who.force and x["department"]}
    warnings = []
    for console in WATCHED:
        busy = [d for (d, c), n in waiting.items() if c == console and n and d not in areas]
        for department in areas + sorted(busy):
            if not _staffed(groups, console, who.force, department):
                warnings.append({"console": console, "force": who.force, "department": department,
                                 "waiting": waiting.get((department, console), 0)})
    return warnings


def _staffed(groups: dict, console: str, force: str, department: str) -> bool:
    """Somebody of the force at the console for that department: hers or national; nationally, anybody."""
    held = {d for (c, f, d) in groups if c == console and f == force}
    return bool(held) if department == NATIONAL else bool(held & {department, NATIONAL})

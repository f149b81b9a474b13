"""Officer presence and capacity, and the loads automatic assignment reads."""

from __future__ import annotations

import asyncpg

from relais_chat.rules import OfficerLoad, weight
from relais_shared.identity import Operator


async def connect(conn: asyncpg.Connection, who: Operator, default_capacity: int) -> dict:
    """Record the officer (alias, force, clearance from the token); presence and capacity are kept."""
    row = await conn.fetchrow(
        """INSERT INTO chat_officers (sub, alias, force, orange_clearance, capacity, departments)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (sub) DO UPDATE SET alias = $2, force = $3, orange_clearance = $4, departments = $6,
               seen_at = now()
           RETURNING presence, capacity, auto_assign""", who.sub, who.alias, who.force, who.orange_clearance,
        default_capacity, list(who.departments))
    return dict(row)


async def set_presence(conn: asyncpg.Connection, who: Operator, status: str, capacity: int | None,
                       auto_assign: bool | None) -> dict:
    row = await conn.fetchrow(
        """UPDATE chat_officers SET presence = $2, capacity = coalesce($3, capacity),
           auto_assign = coalesce($4, auto_assign), seen_at = now() WHERE sub = $1
           RETURNING presence, capacity, auto_assign""", who.sub, status, capacity, auto_assign)
    return dict(row)


async def touch(conn: asyncpg.Connection, subs: list[str]) -> None:
    if subs:
        await conn.execute("UPDATE chat_officers SET seen_at = now() WHERE sub = ANY($1::text[])", subs)


async def loads(conn: asyncpg.Connection, force: str, stale_seconds: float, severe_weight: int) -> list[OfficerLoad]:
    """Every officer of a force with the weighted load of their active conversations."""
    rows = await conn.fetch(
        """SELECT o.sub, o.force, o.capacity, o.orange_clearance, o.departments,
                  o.presence = 'available' AND o.auto_assign AND o.seen_at > now() - make_interval(secs => $2)
                      AS available,
                  coalesce(array_agg(s.danger_level) FILTER (WHERE s.id IS NOT NULL), '{}') AS dangers
           FROM chat_officers o LEFT JOIN chat_sessions s ON s.operator_sub = o.sub AND s.status = 'active'
           WHERE o.force = $1 GROUP BY o.sub""", force, stale_seconds)
    return [OfficerLoad(r["sub"], r["force"], r["capacity"], sum(weight(d, severe_weight) for d in r["dangers"]),
                        r["orange_clearance"], r["available"], tuple(r["departments"])) for r in rows]


async def as_operator(conn: asyncpg.Connection, sub: str) -> Operator | None:
    """The officer as last seen by a console, for actions taken on their behalf (automatic assignment)."""
    row = await conn.fetchrow("SELECT sub, alias, force, departments, orange_clearance FROM chat_officers "
                              "WHERE sub = $1", sub)
    if row is None:
        return None
    return Operator(sub=row["sub"], alias=row["alias"], force=row["force"], departments=tuple(row["departments"]),
                    roles=frozenset({"chat_operator"}), orange_clearance=row["orange_clearance"])

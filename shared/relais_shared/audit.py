"""The audit log: who read or changed what, when and why; queryable by auditors, exportable as CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import asyncpg

from relais_shared.identity import Operator

COLUMNS = ("id", "at", "actor_sub", "actor_alias", "actor_force", "actor_roles", "action", "object_type",
           "object_id", "reason", "details")


async def record(conn: asyncpg.Connection, operator: Operator, action: str, object_type: str, object_id: str, *,
                 reason: str | None = None, details: dict | None = None) -> None:
    """Append one audit row; call it in the same transaction as the read or change it records."""
    await conn.execute(
        """INSERT INTO audit_log (actor_sub, actor_alias, actor_force, actor_roles, action, object_type, object_id,
                                  reason, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        operator.sub, operator.alias, operator.force, sorted(operator.roles), action, object_type, str(object_id),
        reason, details or {},
    )


async def query(conn: asyncpg.Connection, *, actor_sub: str | None = None, object_type: str | None = None,
                object_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
                limit: int = 1000) -> list[dict]:
    """Audit rows matching every given filter, newest first."""
    rows = await conn.fetch(
        f"""SELECT {", ".join(COLUMNS)} FROM audit_log
            WHERE ($1::text IS NULL OR actor_sub = $1) AND ($2::text IS NULL OR object_type = $2)
              AND ($3::text IS NULL OR object_id = $3) AND ($4::timestamptz IS NULL OR at >= $4)
              AND ($5::timestamptz IS NULL OR at < $5)
            ORDER BY id DESC LIMIT $6""",  # noqa: S608 - constant column list
        actor_sub, object_type, object_id, since, until, limit,
    )
    return [dict(r) for r in rows]


def to_csv(rows: list[dict]) -> str:
    """CSV with a header; lists and details as JSON so the file stays one line per row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return out.getvalue()


def _cell(value) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else str(value)

"""The audit log: who read or changed what, when and why; queryable by auditors, exportable as CSV."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import asyncpg
import structlog

from relais_shared import csv_export
from relais_shared.identity import Operator

COLUMNS = ("id", "at", "actor_sub", "actor_alias", "actor_force", "actor_roles", "action", "object_type",
           "object_id", "reason", "details")


async def record(conn: asyncpg.Connection, operator: Operator, action: str, object_type: str, object_id: str, *,
                 reason: str | None = None, details: dict[str, Any] | None = None) -> None:
    """Append one audit row; call it in the same transaction as the read or change it records.

    The row also leaves the database at once, as one log line for the log pipeline (the sink a compromised
    service cannot rewrite): who, what and when in clear, the alias, reason and details only through the
    row's digest, so an auditor can check every row of the table against the line shipped for it.
    """
    row = await conn.fetchrow(
        f"""INSERT INTO audit_log (actor_sub, actor_alias, actor_force, actor_roles, action, object_type, object_id,
                                   reason, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            RETURNING {", ".join(COLUMNS)}""",  # noqa: S608 - constant column list
        operator.sub, operator.alias, operator.force, sorted(operator.roles), action, object_type, str(object_id),
        reason, details or {},
    )
    assert row is not None  # INSERT … RETURNING always returns the row
    structlog.get_logger("relais.audit").info(
        "audit.row", audit_id=row["id"], at=row["at"].isoformat(), actor_sub=row["actor_sub"], action=action,
        object_type=object_type, object_id=row["object_id"], digest=digest(dict(row)))


def digest(row: Mapping[str, Any]) -> str:
    """SHA-256 of every column of an audit row in one canonical form, as inserted or as queried later."""
    canonical = json.dumps({c: _canonical(row[c]) for c in COLUMNS}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _canonical(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return _cell(value)


async def query(conn: asyncpg.Connection, *, actor_sub: str | None = None, object_type: str | None = None,
                object_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
                limit: int = 1000) -> list[dict[str, Any]]:
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


def to_csv(rows: list[dict[str, Any]]) -> str:
    """CSV with a header; lists and details as JSON so the file stays one line per row."""
    return csv_export.render(COLUMNS, ([_cell(row[c]) for c in COLUMNS] for row in rows))


def _cell(value: Any) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else str(value)

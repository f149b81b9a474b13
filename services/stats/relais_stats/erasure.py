"""Erasure of a report: its count stays, its join key goes.

A report's events are joined by a keyed hash of its id (relais_stats.minimise), which anyone holding the
service's secret and the report id could recompute. On report.erased the logged events and the pending row of
that report are re-keyed with a random key nobody can derive, so a rebuild still counts the report exactly
once, and the erasure is logged under that random key too: replaying it settles the report as the live path
did. Events of the erased report that arrive afterwards (handled out of order) are never linked again.
"""

from __future__ import annotations

import secrets
import uuid

import asyncpg

from relais_shared.retention import PurgeRule

ERASED = "report.erased"
REPORT_EVENTS = ("report.received", "report.routed", "report.unroutable", ERASED)
# Long enough for any redelivery or dead-letter replay; then even the erased key goes.
RETENTION = (PurgeRule("stats.erased_reports",
                       "DELETE FROM erased_reports WHERE erased_at < now() - make_interval(days => $1)", 90),)
Logged = tuple[uuid.UUID, str, dict]


async def unlink(conn: asyncpg.Connection, event_id: uuid.UUID, event_type: str, kept: dict) -> list[Logged]:
    """The events to log and project for one consumed event: itself, or nothing and re-keyed ones for erasure."""
    if event_type not in REPORT_EVENTS:
        return [(event_id, event_type, kept)]
    key = kept["ref"]
    if event_type == ERASED:
        if not await conn.fetchval("INSERT INTO erased_reports (ref) VALUES ($1) ON CONFLICT DO NOTHING "
                                   "RETURNING true", key):
            return []  # erased already
        return [(event_id, ERASED, {"ref": await _rekey(conn, key)})]
    if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM erased_reports WHERE ref = $1)", key):
        return [(event_id, event_type, kept)]
    if event_type != "report.received":
        return []  # the report was settled when it was erased: a late routing result changes nothing
    # Received after its own erasure (out of order): count it once, under a key nobody can link.
    fresh = {**kept, "ref": _random_key()}
    return [(event_id, event_type, fresh), (uuid.uuid5(event_id, ERASED), ERASED, {"ref": fresh["ref"]})]


async def _rekey(conn: asyncpg.Connection, key: str) -> str:
    fresh = _random_key()
    await conn.execute("""UPDATE event_log SET payload = jsonb_set(payload, '{ref}', to_jsonb($2::text))
                          WHERE payload->>'ref' = $1 AND type = ANY($3::text[])""", key, fresh, list(REPORT_EVENTS))
    await conn.execute("UPDATE pending_reports SET ref = $2 WHERE ref = $1", key, fresh)
    return fresh


def _random_key() -> str:
    return secrets.token_hex(12)  # the length of a pseudonym: nothing tells an erased report's key apart

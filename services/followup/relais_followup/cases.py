"""One entry per case: the report's call-back entry and the intervention's meet on the report id."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from relais_followup.contacts import Contact
from relais_followup.rules import highest
from relais_followup.store import seal_contact
from relais_followup.windows import zone_name
from relais_shared import contracts
from relais_shared.crypto import Keyring


async def lock(conn: asyncpg.Connection, report_id: uuid.UUID) -> None:
    """Serialise every handler of one report (consumers run concurrently, replicas too) until the commit.

    Without it, a report.routed and an intervention.completed handled at the same moment would both see no
    entry, and an erasure could slip between a late event's check and its insert.
    """
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"followup.case:{report_id}")


async def erased(conn: asyncpg.Connection, report_id: uuid.UUID) -> bool:
    return bool(await conn.fetchval("SELECT true FROM erased_reports WHERE report_id = $1", report_id))


async def entry_of(conn: asyncpg.Connection, report_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM entries WHERE report_id = $1 FOR UPDATE", report_id)


async def drop_report_contact(conn: asyncpg.Connection, report_id: uuid.UUID) -> None:
    """The entry keeps its own sealed copy: the event's copy is no longer needed."""
    await conn.execute("UPDATE report_facts SET contact = NULL WHERE report_id = $1 AND contact IS NOT NULL",
                       report_id)


async def merge_intervention(conn: asyncpg.Connection, ring: Keyring, entry: asyncpg.Record,
                             event: contracts.InterventionCompleted, window: tuple[datetime, datetime],
                             contact: Contact | None, risk: str) -> None:
    """The intervention takes over the case's entry: its window, its reference, the higher risk.

    An entry the cell had already closed opens again: a call before the patrol went does not stand for the
    call after it.
    """
    if entry["incident_id"] == event.incident_id:
        return  # the same intervention sent again: a cell's closing stands
    start, end = window
    await conn.execute(
        """UPDATE entries SET source = 'intervention', incident_id = $2,
               case_reference = CASE WHEN EXISTS (SELECT 1 FROM entries o WHERE o.case_reference = $3 AND o.id <> $1)
                                     THEN case_reference ELSE $3 END,
               force = $4, department = $5, unit_id = coalesce($6, unit_id), insee = coalesce($7, insee),
               time_zone = $8, risk_level = $9, window_start = $10, window_end = $11, overdue = false,
               overdue_at = NULL, status = 'open', outcome = NULL, closed_at = NULL
           WHERE id = $1""",
        entry["id"], event.incident_id, event.case_reference, event.force, event.department, event.unit_id,
        event.insee, zone_name(event.department), highest(entry["risk_level"], risk), start, end)
    await _keep_contact(conn, ring, entry, contact)


async def merge_report(conn: asyncpg.Connection, ring: Keyring, entry: asyncpg.Record, *, risk: str | None,
                       operational_centre: str | None, consented: bool, contact: Contact | None) -> None:
    """What the report adds to a case already on the list: its danger level, its centre, her contact."""
    await conn.execute(
        """UPDATE entries SET risk_level = $2, operational_centre = coalesce(operational_centre, $3),
               contact_status = CASE WHEN contact_status = 'missing' AND $4 THEN 'from_intake' ELSE contact_status END
           WHERE id = $1""",
        entry["id"], highest(entry["risk_level"], risk), operational_centre, consented and contact is None)
    await _keep_contact(conn, ring, entry, contact)


async def _keep_contact(conn: asyncpg.Connection, ring: Keyring, entry: asyncpg.Record,
                        contact: Contact | None) -> None:
    """The contact already on the entry stays; one arriving for an entry without any is sealed onto it."""
    if contact is None or entry["contact_sealed"] is not None:
        return
    sealed = seal_contact(ring, entry["id"], contact.details)
    if sealed is None:
        return
    prefs = contact.preferences()
    await conn.execute(
        """UPDATE entries SET contact_sealed = $2, contact_status = 'on_file', channels = $3, safe_hours = $4,
               no_voicemail = $5, via_trusted_person = $6 WHERE id = $1""",
        entry["id"], sealed, prefs["channels"], prefs["safe_hours"], prefs["no_voicemail"],
        prefs["via_trusted_person"])

"""Putting a victim on a list: one insert (idempotent on the case reference), sealed contact, one event."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from relais_followup.metrics import ENTRIES_CREATED
from relais_followup.windows import zone_name
from relais_shared import contracts, outbox
from relais_shared.crypto import Keyring

CONTACT_FIELDS = ("phone", "trusted_person_name", "trusted_person_phone", "address")


def contact_context(entry_id: uuid.UUID) -> str:
    """Binds the sealed contact to its row: copied to another row, it no longer opens."""
    return f"followup.entries.contact:{entry_id}"


def answers_context(entry_id: uuid.UUID) -> str:
    return f"followup.entries.answers:{entry_id}"


@dataclass
class NewEntry:
    """Everything a source knows about a victim to call back; contact holds the personal details."""

    case_reference: str
    source: str
    force: str
    department: str
    risk_level: str
    window_start: datetime
    window_end: datetime
    unit_id: str | None = None
    insee: str | None = None
    operational_centre: str | None = None
    incident_id: uuid.UUID | None = None
    report_id: uuid.UUID | None = None
    channels: list[str] = field(default_factory=lambda: ["phone"])
    safe_hours: list[str] = field(default_factory=list)
    no_voicemail: bool = True
    via_trusted_person: bool = False
    contact: dict[str, str] | None = None
    contact_status: str = "on_file"


async def create_entry(conn: asyncpg.Connection, ring: Keyring, entry: NewEntry) -> uuid.UUID | None:
    """Insert the entry and queue followup.entry_created; None when the case is already on a list."""
    entry_id = uuid.uuid4()
    sealed = seal_contact(ring, entry_id, entry.contact)
    status = entry.contact_status if sealed or entry.contact_status != "on_file" else "missing"
    inserted = await conn.fetchval(
        """INSERT INTO entries (id, case_reference, incident_id, report_id, source, force, department, unit_id, insee,
               operational_centre, time_zone, risk_level, window_start, window_end, channels, safe_hours,
               no_voicemail, via_trusted_person, contact_status, contact_sealed)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)
           ON CONFLICT (case_reference) DO NOTHING RETURNING id""",
        entry_id, entry.case_reference, entry.incident_id, entry.report_id, entry.source, entry.force,
        entry.department, entry.unit_id, entry.insee, entry.operational_centre, zone_name(entry.department),
        entry.risk_level, entry.window_start, entry.window_end, entry.channels, entry.safe_hours,
        entry.no_voicemail, entry.via_trusted_person, status, sealed,
    )
    if inserted is None:
        return None
    await outbox.add(conn, contracts.FollowupEntryCreated(
        entry_id=entry_id, source=entry.source, force=entry.force, department=entry.department,
        risk_level=entry.risk_level, window_start=entry.window_start, window_end=entry.window_end))
    ENTRIES_CREATED.labels(entry.source).inc()
    return entry_id


def seal_contact(ring: Keyring, entry_id: uuid.UUID, contact: dict | None) -> bytes | None:
    """The details the cell uses, sealed for this row; None when there is nothing to reach her by."""
    kept = {k: str(v) for k, v in (contact or {}).items() if k in CONTACT_FIELDS and v}
    return ring.seal(json.dumps(kept), context=contact_context(entry_id)) if kept else None


def open_contact(ring: Keyring, entry_id: uuid.UUID, sealed: bytes | None) -> dict[str, str]:
    return json.loads(ring.open_text(sealed, context=contact_context(entry_id)) or "{}")


def open_answers(ring: Keyring, entry_id: uuid.UUID, sealed: bytes | None) -> dict[str, str]:
    return json.loads(ring.open_text(sealed, context=answers_context(entry_id)) or "{}")


def seal_answers(ring: Keyring, entry_id: uuid.UUID, answers: dict[str, str]) -> bytes:
    return ring.seal(json.dumps(answers), context=answers_context(entry_id))

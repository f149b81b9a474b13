"""Sending a patrol: emergency.raised from follow-up, exactly once per entry and kind."""

from __future__ import annotations

import json
import uuid

import asyncpg
import structlog

from relais_followup.metrics import EMERGENCIES
from relais_followup.rules import Rules
from relais_followup.store import open_contact
from relais_shared import contracts, outbox
from relais_shared.crypto import Keyring
from relais_shared.sealing import emergency_context, seal_field

log = structlog.get_logger(__name__)


async def raise_once(conn: asyncpg.Connection, ring: Keyring, rules: Rules, entry: asyncpg.Record, *, kind: str,
                     reason: str) -> bool:
    """Queue emergency.raised unless this entry already raised one of this kind; True when queued now.

    The primary key (entry_id, kind) makes it once, whichever replica or request gets here first.
    """
    emergency_id = uuid.uuid4()
    inserted = await conn.fetchval(
        """INSERT INTO emergencies (entry_id, kind, reason, emergency_id) VALUES ($1, $2, $3, $4)
           ON CONFLICT (entry_id, kind) DO NOTHING RETURNING true""", entry["id"], kind, reason, emergency_id)
    if not inserted:
        return False
    address = open_contact(ring, entry["id"], entry["contact_sealed"]).get("address")
    summary = {"case_reference": entry["case_reference"], "reason": reason, "risk_level": entry["risk_level"],
               "attempts": entry["attempts"], "unit_id": entry["unit_id"],
               "contact_on_file": entry["contact_status"] == "on_file"}
    await outbox.add(conn, contracts.EmergencyRaised(
        emergency_id=emergency_id, source="followup", kind=kind,
        priority=rules.unsafe_priority if kind == "unsafe_answer" else rules.welfare_priority,
        level="orange", insee=entry["insee"], force=entry["force"], department=entry["department"],
        operational_centre=entry["operational_centre"],
        location_hint=_sealed(ring, emergency_context("location", emergency_id), address),
        summary=_sealed(ring, emergency_context("emergency", emergency_id), json.dumps(summary))))
    EMERGENCIES.labels(kind).inc()
    log.warning("followup.emergency_raised", kind=kind, reason=reason, entry_id=str(entry["id"]))
    return True


def _sealed(ring: Keyring, context: str, text: str | None) -> contracts.Sealed | None:
    if not text:
        return None
    return seal_field(ring, text, context=context)

"""Follow-up's event handlers: interventions and routed reports of domestic violence become entries."""

from __future__ import annotations

import base64
import json

import asyncpg
import structlog

from relais_followup.rules import Rules
from relais_followup.store import NewEntry, create_entry
from relais_followup.windows import callback_window
from relais_shared import contracts
from relais_shared.crypto import DecryptionError, Keyring

log = structlog.get_logger(__name__)
CALLBACK_CATEGORIES = frozenset({"domestic_violence", "intra_family_violence"})


async def on_intervention_completed(event: contracts.InterventionCompleted, *, conn: asyncpg.Connection,
                                    ring: Keyring, rules: Rules, **_) -> None:
    """Put the victim on the department's call-back list, due 24 h after the intervention."""
    opens, closes = rules.window("intervention")
    start, end = callback_window(event.completed_at, event.department, opens_after=opens, closes_after=closes)
    contact, preferences = _open_contact(ring, event.contact)
    await create_entry(conn, ring, NewEntry(
        case_reference=event.case_reference, source="intervention", force=event.force, department=event.department,
        unit_id=event.unit_id, insee=event.insee, risk_level=event.risk_level, incident_id=event.incident_id,
        window_start=start, window_end=end, contact=contact, **preferences))


def _open_contact(ring: Keyring, sealed: contracts.Sealed | None) -> tuple[dict, dict]:
    """The victim's details and safe contact rules from the sealed field; unreadable means 'to obtain'."""
    if sealed is None:
        return {}, {}
    try:
        text = ring.open(base64.urlsafe_b64decode(sealed.blob.encode()), context=sealed.context).decode()
    except (DecryptionError, ValueError) as exc:
        # A retry cannot make it readable: the entry is created and the cell obtains the details itself.
        log.warning("followup.contact_unreadable", error=type(exc).__name__)
        return {}, {}
    try:
        data = json.loads(text)
    except ValueError:
        data = {"phone": text}
    if not isinstance(data, dict):
        return {}, {}
    return data, _preferences(data)


def _preferences(data: dict) -> dict:
    """Safe contact rules in either our shape or intake's (channel, safe_windows)."""
    windows = data.get("safe_hours") or [f"{w['start']}-{w['end']}" for w in data.get("safe_windows", [])
                                         if isinstance(w, dict) and "start" in w and "end" in w]
    channel = data.get("channel")
    channels = data.get("channels") or (["phone"] if channel in (None, "phone", "trusted_person") else [channel])
    return {"channels": [str(c) for c in channels], "safe_hours": [str(w) for w in windows],
            "no_voicemail": bool(data.get("no_voicemail", True)),
            "via_trusted_person": bool(data.get("via_trusted_person", channel == "trusted_person"))}


async def on_report_received(event: contracts.ReportReceived, *, conn: asyncpg.Connection, ring: Keyring,
                             rules: Rules, **_) -> None:
    """Keep the category and danger level until routing says where the report goes."""
    contact = event.contact.model_dump() if event.contact else None
    row = await conn.fetchrow(
        """INSERT INTO report_facts (report_id, category, danger_level, callback_accepted, contact)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (report_id) DO UPDATE SET category = $2, danger_level = $3, callback_accepted = $4,
               contact = $5, updated_at = now()
           RETURNING category, danger_level, routed, routed_at, callback_accepted, contact""",
        event.report_id, event.category, event.danger_level, event.callback_accepted, contact)
    await _maybe_create_from_report(conn, ring, rules, event.report_id, row)


async def on_report_routed(event: contracts.ReportRouted, *, conn: asyncpg.Connection, envelope: contracts.Envelope,
                           ring: Keyring, rules: Rules, **_) -> None:
    """Keep where the report goes; whichever of the two events comes second creates the entry."""
    row = await conn.fetchrow(
        """INSERT INTO report_facts (report_id, routed, routed_at) VALUES ($1, $2, $3)
           ON CONFLICT (report_id) DO UPDATE SET routed = $2, routed_at = $3, updated_at = now()
           RETURNING category, danger_level, routed, routed_at, callback_accepted, contact""",
        event.report_id, event.model_dump(mode="json"), envelope.occurred_at)
    await _maybe_create_from_report(conn, ring, rules, event.report_id, row)


async def _maybe_create_from_report(conn, ring: Keyring, rules: Rules, report_id, row) -> None:
    # The upsert locks the row, so the second of two concurrent handlers sees the first one's facts.
    if row["category"] not in CALLBACK_CATEGORIES or row["routed"] is None or not row["callback_accepted"]:
        return  # only a reporter who accepted a call-back is ever called
    routed = contracts.ReportRouted.model_validate(row["routed"])
    opens, closes = rules.window("report")
    start, end = callback_window(row["routed_at"], routed.department, opens_after=opens, closes_after=closes)
    sealed = contracts.Sealed.model_validate(row["contact"]) if row["contact"] else None
    contact, preferences = _open_contact(ring, sealed)
    await create_entry(conn, ring, NewEntry(
        case_reference=f"report:{report_id}", source="report", force=routed.force, department=routed.department,
        unit_id=routed.unit_id, insee=routed.insee, operational_centre=routed.operational_centre,
        risk_level=row["danger_level"] or "standard", report_id=report_id, window_start=start, window_end=end,
        contact=contact or None, contact_status="on_file" if contact else "from_intake", **preferences))
    # The entry keeps its own sealed copy: the event's copy is no longer needed.
    await conn.execute("UPDATE report_facts SET contact = NULL WHERE report_id = $1", report_id)

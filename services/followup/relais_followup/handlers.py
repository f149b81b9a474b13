"""Follow-up's event handlers: an intervention, or a routed report whose reporter accepted a call-back, puts
her on the list; a case with a report keeps one entry whichever event comes first."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg
import structlog

from relais_followup import cases
from relais_followup.contacts import Contact, open_contact
from relais_followup.rules import Rules, highest, report_risk
from relais_followup.store import NewEntry, create_entry
from relais_followup.windows import callback_window
from relais_shared import contracts
from relais_shared.crypto import Keyring

log = structlog.get_logger(__name__)
FACTS = "category, danger_level, danger_now, routed, routed_at, callback_accepted, contact"


async def on_intervention_completed(event: contracts.InterventionCompleted, *, conn: asyncpg.Connection,
                                    ring: Keyring, rules: Rules, **_) -> None:
    """Put the victim on the department's call-back list, due 24 h after the intervention."""
    opens, closes = rules.window("intervention")
    window = callback_window(event.completed_at, event.department, opens_after=opens, closes_after=closes)
    contact = open_contact(ring, event.contact, case_id=event.report_id or event.incident_id)
    if event.report_id is None:
        await create_entry(conn, ring, _intervention_entry(event, window, contact, event.risk_level))
        return
    await cases.lock(conn, event.report_id)
    if await cases.erased(conn, event.report_id):
        log.info("followup.erased_case_ignored", event_type=event.TYPE)
        return
    facts = await conn.fetchrow(f"SELECT {FACTS} FROM report_facts WHERE report_id = $1", event.report_id)
    risk = highest(event.risk_level, report_risk(facts["danger_level"], facts["danger_now"]) if facts else None)
    contact = contact or _report_contact(ring, event.report_id, facts)
    entry = await cases.entry_of(conn, event.report_id)
    if entry is None:
        routed = _routed(facts)
        await create_entry(conn, ring, _intervention_entry(
            event, window, contact, risk, operational_centre=routed.operational_centre if routed else None))
    else:
        await cases.merge_intervention(conn, ring, entry, event, window, contact, risk)
    await cases.drop_report_contact(conn, event.report_id)


def _intervention_entry(event: contracts.InterventionCompleted, window: tuple[datetime, datetime],
                        contact: Contact | None, risk: str, operational_centre: str | None = None) -> NewEntry:
    start, end = window
    return NewEntry(
        case_reference=event.case_reference, source="intervention", force=event.force, department=event.department,
        unit_id=event.unit_id, insee=event.insee, operational_centre=operational_centre, risk_level=risk,
        incident_id=event.incident_id, report_id=event.report_id, window_start=start, window_end=end,
        contact=contact.details if contact else None, **(contact.preferences() if contact else {}))


async def on_report_received(event: contracts.ReportReceived, *, conn: asyncpg.Connection, ring: Keyring,
                             rules: Rules, **_) -> None:
    """Keep the category, danger level and consent until routing says where the report goes."""
    await cases.lock(conn, event.report_id)
    if await cases.erased(conn, event.report_id):
        log.info("followup.erased_case_ignored", event_type=event.TYPE)
        return
    contact = event.contact.model_dump() if event.contact else None
    row = await conn.fetchrow(
        f"""INSERT INTO report_facts (report_id, category, danger_level, danger_now, callback_accepted, contact)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (report_id) DO UPDATE SET category = $2, danger_level = $3, danger_now = $4,
                callback_accepted = $5, contact = $6, updated_at = now()
            RETURNING {FACTS}""",
        event.report_id, event.category, event.danger_level, event.danger_now, event.callback_accepted, contact)
    await _report_case(conn, ring, rules, event.report_id, row)


async def on_report_routed(event: contracts.ReportRouted, *, conn: asyncpg.Connection, envelope: contracts.Envelope,
                           ring: Keyring, rules: Rules, **_) -> None:
    """Keep where the report goes (found by routing or assigned by national triage)."""
    await cases.lock(conn, event.report_id)
    if await cases.erased(conn, event.report_id):
        log.info("followup.erased_case_ignored", event_type=event.TYPE)
        return
    row = await conn.fetchrow(
        f"""INSERT INTO report_facts (report_id, routed, routed_at) VALUES ($1, $2, $3)
            ON CONFLICT (report_id) DO UPDATE SET routed = $2, routed_at = $3, updated_at = now()
            RETURNING {FACTS}""",
        event.report_id, event.model_dump(mode="json"), envelope.occurred_at)
    await _report_case(conn, ring, rules, event.report_id, row)


async def _report_case(conn: asyncpg.Connection, ring: Keyring, rules: Rules, report_id: uuid.UUID, row) -> None:
    """Join the case's entry if there is one; else, once routed, put her on the list if she accepted a call."""
    entry, routed = await cases.entry_of(conn, report_id), _routed(row)
    contact = _report_contact(ring, report_id, row)
    if entry is not None:
        await cases.merge_report(conn, ring, entry, risk=report_risk(row["danger_level"], row["danger_now"]),
                                 operational_centre=routed.operational_centre if routed else None,
                                 consented=row["callback_accepted"], contact=contact)
    elif routed is not None and row["callback_accepted"]:
        # Every category: her consent to a call-back decides, not the kind of violence.
        opens, closes = rules.window("report")
        start, end = callback_window(row["routed_at"], routed.department, opens_after=opens, closes_after=closes)
        await create_entry(conn, ring, NewEntry(
            case_reference=f"report:{report_id}", source="report", force=routed.force,
            department=routed.department, unit_id=routed.unit_id, insee=routed.insee,
            operational_centre=routed.operational_centre, report_id=report_id, window_start=start, window_end=end,
            risk_level=report_risk(row["danger_level"], row["danger_now"]),
            contact=contact.details if contact else None, contact_status="on_file" if contact else "from_intake",
            **(contact.preferences() if contact else {})))
    else:
        return
    await cases.drop_report_contact(conn, report_id)


def _routed(row) -> contracts.ReportRouted | None:
    return contracts.ReportRouted.model_validate(row["routed"]) if row and row["routed"] else None


def _report_contact(ring: Keyring, report_id: uuid.UUID, row) -> Contact | None:
    """Her contact from report.received, only when she accepted to be called back."""
    if not row or not row["callback_accepted"] or not row["contact"]:
        return None
    return open_contact(ring, contracts.Sealed.model_validate(row["contact"]), case_id=report_id)

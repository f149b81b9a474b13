"""Writing a report: sealed columns, the receipt hash and the outgoing events in one transaction."""

from __future__ import annotations

import base64
import json
import uuid
from typing import TYPE_CHECKING

from relais_intake.categories import level_of
from relais_intake.schemas import ReportIn
from relais_shared import contracts, outbox

CALLBACK_CATEGORIES = frozenset({"domestic_violence", "intra_family_violence"})

if TYPE_CHECKING:
    from relais_intake.danger import Assessment
    from relais_intake.service import Intake


def sealed_context(column: str, report_id: uuid.UUID) -> str:
    """Binds a ciphertext to its row and column: moved elsewhere, it no longer opens."""
    return f"intake.reports.{column}:{report_id}"


async def insert_report(intake: Intake, report_id: uuid.UUID, report: ReportIn, assessment: Assessment,
                        receipt_hash: bytes) -> bool:
    """Insert the report and queue its events; returns whether an emergency was raised."""
    ring, level = intake.keyring, level_of(report.category)

    def seal(column: str, value: str | None) -> bytes | None:
        return ring.seal(value, context=sealed_context(column, report_id)) if value else None

    contact = report.contact.model_dump_json() if report.contact.channel != "none" else None
    emergency = report.danger_now or assessment.level == "severe"
    async with intake.runtime.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """INSERT INTO reports (id, postal_code, insee, category, level, danger_now, role, occurred, occurred_on,
                   text_sealed, location_sealed, contact_sealed, contact_channel, danger_level, danger_answers,
                   partner, receipt_hash, lang)
               VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)""",
            report_id, report.postal_code, report.insee, report.category, level, report.danger_now, report.role,
            report.occurred, report.occurred_on, seal("text", report.text), seal("location", report.location_hint),
            seal("contact", contact), report.contact.channel, assessment.level, report.danger_answers,
            report.partner, receipt_hash, report.lang,
        )
        await outbox.add(conn, contracts.ReportReceived(
            report_id=report_id, postal_code=report.postal_code, insee=report.insee, category=report.category,
            level=level, danger_now=report.danger_now, danger_level=assessment.level, partner=report.partner,
            role=report.role, callback_accepted=contact is not None,
            contact=_contact_for_followup(ring, report_id, report, contact),
        ))
        if emergency:
            await outbox.add(conn, _emergency(ring, report_id, report, assessment, level))
    return emergency


def _contact_for_followup(ring, report_id: uuid.UUID, report: ReportIn, contact: str | None) -> contracts.Sealed | None:
    """Only the follow-up cells need to reach her, and only for domestic and intra-family violence."""
    if contact is None or report.category not in CALLBACK_CATEGORIES:
        return None
    context = f"followup.contact:{report_id}"
    return contracts.Sealed(context=context, blob=_text(ring.seal(contact, context=context)))


def _emergency(ring, report_id, report: ReportIn, assessment: Assessment, level: str) -> contracts.EmergencyRaised:
    """The emergency carries codes in clear and the dispatcher's summary sealed, never the free text."""
    emergency_id = uuid.uuid4()
    summary = json.dumps({"category": report.category, "role": report.role, "danger_level": assessment.level,
                          "risk_factors": list(assessment.reasons), "occurred": report.occurred})
    context = f"escalation.emergency:{emergency_id}"
    sealed = contracts.Sealed(context=context, blob=_text(ring.seal(summary, context=context)))
    location = None
    if report.location_hint:
        location_context = f"escalation.location:{emergency_id}"
        location = contracts.Sealed(context=location_context,
                                    blob=_text(ring.seal(report.location_hint, context=location_context)))
    return contracts.EmergencyRaised(
        emergency_id=emergency_id, source="intake", kind="danger_now" if report.danger_now else "severe_assessment",
        priority="p1" if report.danger_now else "p2", report_id=report_id, level=level,
        postal_code=report.postal_code, insee=report.insee, summary=sealed, location_hint=location,
    )


def _text(blob: bytes) -> str:
    return base64.urlsafe_b64encode(blob).decode()

"""Writing a report: sealed columns, the receipt hash and the outgoing events in one transaction."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

from relais_intake.schemas import ReportIn
from relais_shared import contracts, outbox
from relais_shared.confidentiality import level_of
from relais_shared.sealing import emergency_context, followup_contact_context, seal_field

if TYPE_CHECKING:
    from relais_intake.danger import Assessment
    from relais_intake.service import Intake


def sealed_context(column: str, report_id: uuid.UUID) -> str:
    """Binds a ciphertext to its row and column: moved elsewhere, it no longer opens."""
    return f"intake.reports.{column}:{report_id}"


def raises_emergency(report: ReportIn, assessment: Assessment) -> bool:
    """Danger now, or answers that say severe danger: a dispatcher must see it."""
    return report.danger_now or assessment.level == "severe"


async def insert_report(intake: Intake, report_id: uuid.UUID, report: ReportIn, assessment: Assessment,
                        receipt_hash: bytes, jurisdiction: contracts.Jurisdiction | None, *,
                        burst: bool = False) -> bool:
    """Insert the report and queue its events; returns whether an emergency was raised.

    `burst`: the emergency came past a ceiling; it is raised all the same, marked so the console groups it.
    """
    ring, level = intake.keyring, level_of(report.category)

    def seal(column: str, value: str | None) -> bytes | None:
        return ring.seal(value, context=sealed_context(column, report_id)) if value else None

    contact = report.contact.model_dump_json() if report.contact.channel != "none" else None
    emergency = raises_emergency(report, assessment)
    stamp = jurisdiction.model_dump(mode="json") if jurisdiction else None
    async with intake.runtime.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """INSERT INTO reports (id, postal_code, insee, category, level, danger_now, role, occurred, occurred_on,
                   text_sealed, location_sealed, contact_sealed, contact_channel, danger_level, danger_answers,
                   partner, receipt_hash, lang, jurisdiction, mode)
               VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)""",
            report_id, report.postal_code, report.insee, report.category, level, report.danger_now, report.role,
            report.occurred, report.occurred_on, seal("text", report.text), seal("location", report.location_hint),
            seal("contact", contact), report.contact.channel, assessment.level, report.danger_answers,
            report.partner, receipt_hash, report.lang, stamp, report.mode,
        )
        # Every category: whoever accepted a call-back reaches the follow-up cell, not only domestic violence.
        followup_contact = seal_field(ring, contact, context=followup_contact_context(report_id)) if contact else None
        await outbox.add(conn, contracts.ReportReceived(
            report_id=report_id, postal_code=report.postal_code, insee=report.insee, category=report.category,
            level=level, danger_now=report.danger_now, danger_level=assessment.level, partner=report.partner,
            role=report.role, callback_accepted=contact is not None, contact=followup_contact,
            jurisdiction=jurisdiction, mode=report.mode,
        ))
        if emergency:
            await outbox.add(conn, _emergency(ring, report_id, report, assessment, level, contact, jurisdiction,
                                              burst))
    return emergency


def _emergency(ring, report_id, report: ReportIn, assessment: Assessment, level: str, contact: str | None,
               jurisdiction: contracts.Jurisdiction | None, burst: bool) -> contracts.EmergencyRaised:
    """Codes and routing's answer in clear; the summary, the place and how to reach her sealed for dispatchers."""
    emergency_id = uuid.uuid4()
    summary = json.dumps({"category": report.category, "role": report.role, "danger_level": assessment.level,
                          "risk_factors": list(assessment.reasons), "occurred": report.occurred})

    def sealed(purpose: str, value: str | None) -> contracts.Sealed | None:
        return seal_field(ring, value, context=emergency_context(purpose, emergency_id)) if value else None

    where = jurisdiction.model_dump(include={"force", "department", "operational_centre"}) if jurisdiction else {}
    return contracts.EmergencyRaised(
        emergency_id=emergency_id, source="intake", kind="danger_now" if report.danger_now else "severe_assessment",
        priority="p1" if report.danger_now else "p2", report_id=report_id, level=level,
        postal_code=report.postal_code, insee=(jurisdiction and jurisdiction.insee) or report.insee, **where,
        summary=sealed("emergency", summary), location_hint=sealed("location", report.location_hint),
        contact=sealed("contact", contact), danger_level=_case_danger(report, assessment), burst=burst,
    )


def _case_danger(report: ReportIn, assessment: Assessment) -> str:
    """In danger right now is the highest danger whatever the answers: the follow-up cell must know it."""
    return "severe" if report.danger_now else assessment.level

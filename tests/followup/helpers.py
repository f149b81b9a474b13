"""Small helpers of the follow-up tests: publishing upstream events, waiting for entries."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from relais_shared import contracts
from relais_shared.broker import Broker
from relais_shared.sealing import seal_field
from tests.support import wait_until


async def publish(settings, *events: contracts.Event) -> list[contracts.Envelope]:
    """Publish events as the upstream services would (same exchange, same envelope); returns the envelopes."""
    broker = Broker(settings.amqp_url, namespace=settings.namespace, service="test-upstream")
    await broker.connect()
    envelopes = [contracts.wrap(event) for event in events]
    try:
        for envelope in envelopes:
            await broker.publish(envelope.model_dump_json().encode(), routing_key=envelope.type,
                                 message_id=str(envelope.event_id), correlation_id=envelope.correlation_id)
    finally:
        await broker.close()
    return envelopes


async def handled(app, envelopes: list[contracts.Envelope], timeout: float = 15) -> None:
    """Wait until follow-up's consumers have taken these events (their inbox rows are there)."""
    ids = [e.event_id for e in envelopes]

    async def done():
        return await app.state.cell.pool.fetchval(
            "SELECT count(*) FROM inbox WHERE event_id = ANY($1::uuid[])", ids) == len(ids)

    assert await wait_until(done, timeout), "follow-up did not take the events"


async def consumers_ready(app) -> None:
    assert await wait_until(lambda: len(app.state.runtime.consumers) == 2, 15), "consumers did not start"


def sealed_contact(settings, contact: dict, case_id: uuid.UUID) -> contracts.Sealed:
    """The contact as intake or escalation sends it: sealed for follow-up under the case's agreed context."""
    return seal_field(settings.keyring(), json.dumps(contact), context=f"followup.contact:{case_id}")


def intervention(department="35", *, hours_ago=25.0, risk="standard", contact: dict | None = None, force="GN",
                 reference=None, report_id=None, settings=None) -> contracts.InterventionCompleted:
    """An intervention.completed as escalation sends it; `contact` is sealed for the case when settings are given."""
    incident_id = uuid.uuid4()
    sealed = sealed_contact(settings, contact, report_id or incident_id) if contact is not None else None
    return contracts.InterventionCompleted(
        incident_id=incident_id, case_reference=reference or f"INC-{uuid.uuid4().hex[:12]}", force=force,
        department=department, unit_id="GN-BTA-35001", insee="35238", risk_level=risk,
        completed_at=datetime.now(UTC) - timedelta(hours=hours_ago), contact=sealed, report_id=report_id)


def received(settings, report_id, category="domestic_violence", *, accepted=True, contact: dict | None = None,
             danger_level="standard", danger_now=False, postal_code="35000", insee="35238") -> contracts.ReportReceived:
    """A report.received as intake sends it, her contact sealed for follow-up."""
    sealed = sealed_contact(settings, contact, report_id) if contact is not None else None
    return contracts.ReportReceived(
        report_id=report_id, postal_code=postal_code, insee=insee, category=category,
        level="blue" if category == "other" else "orange", danger_now=danger_now, danger_level=danger_level,
        role="victim", callback_accepted=accepted, contact=sealed)


def routed(report_id, *, department="35", force="GN", insee="35238", unit_id="GN-BTA-35001",
           assigned_by="routing") -> contracts.ReportRouted:
    return contracts.ReportRouted(report_id=report_id, insee=insee, force=force, unit_id=unit_id,
                                  unit_name="BTA Rennes" if unit_id else None, department=department,
                                  operational_centre=f"CORG-{department}" if assigned_by == "routing" else None,
                                  platform_queue=f"platform.{force}", assigned_by=assigned_by)


async def entry_rows(app, **where) -> list:
    clauses = " AND ".join(f"{k} = ${i}" for i, k in enumerate(where, 1)) or "true"
    return await app.state.cell.pool.fetch(f"SELECT * FROM entries WHERE {clauses}", *where.values())


async def wait_for_entries(app, count: int, timeout: float = 15, **where) -> list:
    async def enough():
        return len(await entry_rows(app, **where)) >= count

    assert await wait_until(enough, timeout), f"fewer than {count} entries"
    return await entry_rows(app, **where)


async def add_entry(client, headers, department="35", **body) -> dict:
    """An entry added by hand whose window is already open."""
    payload = {"case_reference": f"MAN-{uuid.uuid4().hex[:10]}",
               "intervention_at": (datetime.now(UTC) - timedelta(hours=25)).isoformat(),
               "contact": {"phone": "06 12 34 56 78", "address": "3 rue des Lilas, Rennes"}, **body}
    response = await client.post(f"/v1/departments/{department}/entries", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()

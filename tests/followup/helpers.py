"""Small helpers of the follow-up tests: publishing upstream events, waiting for entries."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

from relais_shared import contracts
from relais_shared.broker import Broker
from tests.support import wait_until


async def publish(settings, *events: contracts.Event) -> None:
    """Publish events as the upstream services would (same exchange, same envelope)."""
    broker = Broker(settings.amqp_url, namespace=settings.namespace, service="test-upstream")
    await broker.connect()
    try:
        for event in events:
            envelope = contracts.wrap(event)
            await broker.publish(envelope.model_dump_json().encode(), routing_key=envelope.type,
                                 message_id=str(envelope.event_id), correlation_id=envelope.correlation_id)
    finally:
        await broker.close()


async def consumers_ready(app) -> None:
    assert await wait_until(lambda: len(app.state.runtime.consumers) == 2, 15), "consumers did not start"


def sealed_contact(settings, contact: dict) -> contracts.Sealed:
    """The contact as escalation would send it: sealed with the platform keyring under its own context."""
    context = f"followup.contact:{uuid.uuid4()}"
    blob = settings.keyring().seal(json.dumps(contact), context=context)
    return contracts.Sealed(context=context, blob=base64.urlsafe_b64encode(blob).decode())


def intervention(department="35", *, hours_ago=25.0, risk="standard", contact=None, force="GN",
                 reference=None) -> contracts.InterventionCompleted:
    return contracts.InterventionCompleted(
        incident_id=uuid.uuid4(), case_reference=reference or f"INC-{uuid.uuid4().hex[:12]}", force=force,
        department=department, unit_id="GN-BTA-35001", insee="35238", risk_level=risk,
        completed_at=datetime.now(UTC) - timedelta(hours=hours_ago), contact=contact)


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

"""One case through escalation: her contact for the cleared dispatcher, sealed on to follow-up, and erased."""

import json
import uuid

import pytest

from relais_shared import contracts
from relais_shared.sealing import open_field
from tests.escalation.helpers import CONTACT, bearer, emergency, publish, query, sealed, token
from tests.support import EventTap, wait_until

pytestmark = pytest.mark.integration


async def opened(settings, event):
    rows = await wait_until(lambda: query(settings, "SELECT * FROM incidents WHERE emergency_id = $1",
                                          event.emergency_id), 15)
    return rows[0]


async def actions_on(settings, incident_id):
    return [r["action"] for r in await query(settings, "SELECT action FROM audit_log WHERE object_id = $1 "
                                                       "ORDER BY id", str(incident_id))]


async def test_a_cleared_dispatcher_in_scope_sees_how_to_reach_her_and_each_opening_is_audited(escalation):
    settings, client = escalation
    chat_session = uuid.uuid4()
    event = emergency(settings, contact=CONTACT, location="Bâtiment B, 2e étage", danger_level="high",
                      chat_session_id=chat_session)
    await publish(settings.amqp_url, settings.namespace, event)
    row = await opened(settings, event)
    assert b"06 12 34" not in row["contact_sealed"]  # sealed again at rest, bound to this incident
    assert (row["danger_level"], row["chat_session_id"], row["report_id"]) == ("high", chat_session, event.report_id)

    me = bearer(token(settings))
    answer = await client.get(f"/v1/incidents/{row['id']}/contact", headers=me)
    assert answer.status_code == 200
    assert answer.json() == {"incident_id": str(row["id"]), "erased": False, "contact": CONTACT,
                             "location_hint": "Bâtiment B, 2e étage"}
    await client.get(f"/v1/incidents/{row['id']}/contact", headers=me)
    assert (await actions_on(settings, row["id"])).count("incident.contact_read") == 2

    listed = (await client.get("/v1/incidents", headers=me)).json()["incidents"]
    assert listed[0]["has_contact"] is True and "06 12" not in json.dumps(listed)
    uncleared = await client.get(f"/v1/incidents/{row['id']}/contact", headers=bearer(token(settings, orange=False)))
    assert uncleared.status_code == 403 and "orange" in uncleared.json()["detail"]
    elsewhere = bearer(token(settings, sub="d72", departments=("72",)))
    assert (await client.get(f"/v1/incidents/{row['id']}/contact", headers=elsewhere)).status_code == 404
    assert (await actions_on(settings, row["id"])).count("incident.contact_read") == 2


async def test_a_contact_sealed_for_another_purpose_is_not_opened(escalation):
    settings, client = escalation
    event = emergency(settings)
    # Sealed for follow-up, declared as ours: escalation derives its own context and refuses it.
    wrong = sealed(settings, json.dumps(CONTACT), f"followup.contact:{event.report_id}")
    declared = contracts.Sealed(context=f"escalation.contact:{event.emergency_id}", blob=wrong.blob)
    event = event.model_copy(update={"contact": declared})
    await publish(settings.amqp_url, settings.namespace, event)
    row = await opened(settings, event)
    assert row["contact_sealed"] is None
    answer = (await client.get(f"/v1/incidents/{row['id']}/contact", headers=bearer(token(settings)))).json()
    assert answer["contact"] is None


async def test_an_intervention_carries_the_case_to_follow_up_with_her_contact_sealed_for_it(escalation):
    settings, client = escalation
    me = bearer(token(settings))
    with_report = emergency(settings, contact=CONTACT, danger_level="high")
    without_report = emergency(settings, contact=CONTACT, report_id=None, source="chat", kind="operator")
    async with EventTap(settings.amqp_url, settings.namespace, "intervention.completed") as tap:
        await publish(settings.amqp_url, settings.namespace, with_report, without_report)
        for event in (with_report, without_report):
            row = await opened(settings, event)
            closed = await client.post(f"/v1/incidents/{row['id']}/close", headers=me,
                                       json={"outcome": "intervention_carried_out"})
            assert closed.status_code == 200, closed.text
        received = await tap.wait_for(2)
    envelopes = {e["payload"]["incident_id"]: e for e in received}
    ring = settings.keyring()
    for event in (with_report, without_report):
        row = await opened(settings, event)
        envelope = envelopes[str(row["id"])]
        assert envelope["version"] == 2
        completed = contracts.InterventionCompleted.model_validate(envelope["payload"])
        assert (completed.force, completed.department, completed.report_id) == ("GN", "35", event.report_id)
        assert completed.risk_level == event.danger_level
        case = event.report_id or row["id"]
        assert json.loads(open_field(ring, completed.contact, context=f"followup.contact:{case}")) == CONTACT
    assert "06 12" not in json.dumps(received)


async def test_an_erased_report_leaves_its_incidents_only_their_codes(escalation):
    settings, client = escalation
    me = bearer(token(settings))
    event = emergency(settings, contact=CONTACT, location="Bâtiment B")
    other = emergency(settings, contact=CONTACT)
    await publish(settings.amqp_url, settings.namespace, event, other)
    row = await opened(settings, event)
    await client.post(f"/v1/incidents/{row['id']}/notes", headers=me, json={"text": "Appelée au 06 12 34 56 78"})
    await opened(settings, other)
    await publish(settings.amqp_url, settings.namespace, contracts.ReportErased(report_id=event.report_id))
    assert await wait_until(lambda: _erased(settings, row["id"]), 15)

    detail = (await client.get(f"/v1/incidents/{row['id']}", headers=me)).json()
    assert detail["erased"] is True and detail["summary"] is None and detail["location_hint"] is None
    assert detail["notes"] == [] and detail["has_contact"] is False
    assert (detail["priority"], detail["force"], detail["department"]) == ("p1", "GN", "35")
    contact = (await client.get(f"/v1/incidents/{row['id']}/contact", headers=me)).json()
    assert contact == {"incident_id": str(row["id"]), "erased": True, "contact": None, "location_hint": None}
    kept = await opened(settings, other)
    assert kept["contact_sealed"] is not None and kept["erased_at"] is None

    # The same report's emergency arriving late (an outage) brings nothing identifying back.
    late = emergency(settings, contact=CONTACT, report_id=event.report_id)
    await publish(settings.amqp_url, settings.namespace, late)
    late_row = await opened(settings, late)
    assert late_row["erased_at"] is not None
    assert (late_row["contact_sealed"], late_row["summary_sealed"], late_row["location_sealed"]) == (None, None, None)


async def _erased(settings, incident_id):
    rows = await query(settings, "SELECT erased_at FROM incidents WHERE id = $1", incident_id)
    return rows[0]["erased_at"] is not None

"""Incidents in one escalation app against real PostgreSQL and RabbitMQ: opening, routing, operator actions."""

import uuid

import pytest

from relais_shared import contracts
from tests.escalation.helpers import bearer, emergency, publish, query, token
from tests.support import EventTap, wait_until

pytestmark = pytest.mark.integration


async def incidents_of(settings, emergency_id):
    return await query(settings, "SELECT * FROM incidents WHERE emergency_id = $1", emergency_id)


async def test_the_same_emergency_delivered_twice_is_one_incident(escalation):
    settings, _client = escalation
    event = emergency(settings)
    envelope = contracts.wrap(event)
    await publish(settings.amqp_url, settings.namespace, event, envelopes=[envelope, envelope])
    await publish(settings.amqp_url, settings.namespace, emergency(settings))  # a later one, to know all arrived
    assert await wait_until(lambda: _consumed(settings, 3), 15)  # the repeated envelope is skipped by the inbox
    assert len(await incidents_of(settings, event.emergency_id)) == 1
    assert len(await query(settings, "SELECT 1 FROM incidents")) == 2


async def _consumed(settings, n):
    return len(await query(settings, "SELECT 1 FROM inbox WHERE consumer = 'escalation.emergencies'")) >= n


async def test_a_missing_jurisdiction_is_asked_of_routing_after_the_incident_opened(escalation_settings, routing_url):
    from relais_escalation.app import create_app
    from tests.support import running_app

    settings = escalation_settings(routing_url=routing_url)
    app = create_app(settings)
    async with running_app(app), EventTap(settings.amqp_url, settings.namespace, "dispatch.incident_opened") as tap:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        event = emergency(settings, force=None, department=None, operational_centre=None, insee="35001")
        await publish(settings.amqp_url, settings.namespace, event)
        rows = await wait_until(lambda: _resolved(settings, event.emergency_id), 15)
        opened = [e["payload"] for e in await tap.wait_for(2)]
    assert (rows[0]["force"], rows[0]["department"], rows[0]["operational_centre"]) == ("GN", "35", "GN-CORG-35")
    # Opened at once at national supervision (nobody on duty here), then moved to its centre's ladder.
    assert [(o["jurisdiction_resolved"], o["department"]) for o in opened] == [(False, None), (True, "35")]
    assert rows[0]["lookup_due_at"] is None and rows[0]["lookup_attempts"] == 1
    assert (rows[0]["deadline_at"] - rows[0]["created_at"]).total_seconds() > 0


async def _resolved(settings, emergency_id):
    rows = await incidents_of(settings, emergency_id)
    return rows if rows and rows[0]["jurisdiction_resolved"] else None


async def test_routing_down_sends_the_incident_to_national_supervision_marked_unresolved(escalation):
    settings, client = escalation
    async with EventTap(settings.amqp_url, settings.namespace, "dispatch.incident_opened") as tap:
        event = emergency(settings, force=None, department=None, operational_centre=None)
        await publish(settings.amqp_url, settings.namespace, event)
        opened = (await tap.wait_for(1))[0]["payload"]
    assert opened["jurisdiction_resolved"] is False and opened["force"] is None
    national = token(settings, sub="nat-1", alias="Supervision nationale", departments=("*",), roles=("supervisor",))
    listed = (await client.get("/v1/incidents", headers=bearer(national))).json()["incidents"]
    assert [(i["target"], i["jurisdiction_resolved"]) for i in listed] == [("national_supervision", False)]
    local = (await client.get("/v1/incidents", headers=bearer(token(settings)))).json()["incidents"]
    assert local == []


async def test_a_dispatcher_acknowledges_assigns_notes_and_closes_with_an_intervention(escalation):
    settings, client = escalation
    me = bearer(token(settings))
    async with EventTap(settings.amqp_url, settings.namespace, "intervention.completed",
                        "dispatch.incident_acknowledged") as tap:
        event = emergency(settings, insee="35001")
        await publish(settings.amqp_url, settings.namespace, event)
        incident_id = (await wait_until(lambda: incidents_of(settings, event.emergency_id), 15))[0]["id"]
        acked = await client.post(f"/v1/incidents/{incident_id}/acknowledge", headers=me)
        assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
        assert acked.json()["summary"] == '{"category": "domestic_violence"}'
        again = await client.post(f"/v1/incidents/{incident_id}/acknowledge", headers=me)
        assert again.status_code == 409 and "Régie 35" in again.json()["detail"]
        patrol = await client.post(f"/v1/incidents/{incident_id}/patrol", headers=me, json={"unit": "BTA Liffré 2"})
        assert patrol.json()["patrol"] == "BTA Liffré 2"
        noted = await client.post(f"/v1/incidents/{incident_id}/notes", headers=me, json={"text": "Sur place 22h10"})
        assert [n["text"] for n in noted.json()["notes"]] == ["Sur place 22h10"]
        closed = await client.post(f"/v1/incidents/{incident_id}/close", headers=me,
                                   json={"outcome": "intervention_carried_out"})
        assert closed.json()["status"] == "closed"
        received = await tap.wait_for(2)
    completed = next(e["payload"] for e in received if e["type"] == "intervention.completed")
    assert completed["incident_id"] == str(incident_id) and completed["force"] == "GN"
    assert completed["department"] == "35" and completed["case_reference"] == closed.json()["case_reference"]
    assert completed["insee"] == "35001" and completed["risk_level"] == "severe" and completed["contact"] is None
    assert completed["report_id"] == str(event.report_id)
    row = (await query(settings, "SELECT patrol_sealed FROM incidents WHERE id = $1", incident_id))[0]
    assert b"Liffr" not in row["patrol_sealed"]
    actions = [r["action"] for r in await query(settings, "SELECT action FROM audit_log WHERE object_id = $1 "
                                                           "ORDER BY id", str(incident_id))]
    assert actions[:2] == ["incident.acknowledge", "incident.read"]
    assert {"incident.assign_patrol", "incident.add_note", "incident.close"} <= set(actions)


async def test_out_of_scope_is_not_found_and_orange_stays_sealed_without_clearance(escalation):
    settings, client = escalation
    event = emergency(settings)
    await publish(settings.amqp_url, settings.namespace, event)
    incident_id = (await wait_until(lambda: incidents_of(settings, event.emergency_id), 15))[0]["id"]
    other_department = bearer(token(settings, sub="d72", departments=("72",)))
    police = bearer(token(settings, sub="pn", force="PN"))
    for headers in (other_department, police):
        assert (await client.get(f"/v1/incidents/{incident_id}", headers=headers)).status_code == 404
        assert (await client.post(f"/v1/incidents/{incident_id}/acknowledge", headers=headers)).status_code == 404
    assert (await client.get(f"/v1/incidents/{uuid.uuid4()}", headers=bearer(token(settings)))).status_code == 404
    uncleared = (await client.get(f"/v1/incidents/{incident_id}",
                                  headers=bearer(token(settings, sub="u", orange=False)))).json()
    assert uncleared["restricted"] is True and "summary" not in uncleared
    chat = bearer(token(settings, sub="c", roles=("chat_operator",)))
    assert (await client.get(f"/v1/incidents/{incident_id}", headers=chat)).status_code == 403
    assert (await client.get(f"/v1/incidents/{incident_id}")).status_code == 401


async def test_bad_input_gets_a_clear_message(escalation):
    settings, client = escalation
    me = bearer(token(settings))
    bad_outcome = await client.post(f"/v1/incidents/{uuid.uuid4()}/close", headers=me, json={"outcome": "bof"})
    assert bad_outcome.status_code == 422 and "outcome" in bad_outcome.text.lower()
    bad_id = await client.post("/v1/incidents/not-an-id/acknowledge", headers=me)
    assert bad_id.status_code == 422
    empty_note = await client.post(f"/v1/incidents/{uuid.uuid4()}/notes", headers=me, json={"text": ""})
    assert empty_note.status_code == 422

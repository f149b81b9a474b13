"""An incident without a jurisdiction: routing asked in the background, or national supervision choosing."""

import contextlib
import json

import httpx
import pytest

from relais_escalation.app import create_app
from tests.escalation.helpers import ConsoleClient, bearer, emergency, publish, query, token
from tests.support import EventTap, serving, wait_until

pytestmark = pytest.mark.integration
UNRESOLVED = dict(force=None, department=None, operational_centre=None)


@contextlib.asynccontextmanager
async def served(settings):
    app = create_app(settings)
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as client:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        yield url, client


async def incident(settings, event):
    rows = await wait_until(lambda: query(settings, "SELECT * FROM incidents WHERE emergency_id = $1",
                                          event.emergency_id), 15)
    return rows[0]


async def test_routing_down_leaves_it_with_national_supervision_after_a_bounded_number_of_asks(escalation_settings):
    settings = escalation_settings(routing_retry_seconds=0.2, routing_max_attempts=2)
    async with served(settings):
        event = emergency(settings, **UNRESOLVED)
        await publish(settings.amqp_url, settings.namespace, event)
        row = await incident(settings, event)
        assert not row["jurisdiction_resolved"] and row["step"] == 2
        done = await wait_until(lambda: _given_up(settings, row["id"]), 15)
    assert done[0]["lookup_attempts"] == 2 and not done[0]["jurisdiction_resolved"]


async def _given_up(settings, incident_id):
    rows = await query(settings, "SELECT * FROM incidents WHERE id = $1 AND lookup_due_at IS NULL", incident_id)
    return rows or None


async def test_national_supervision_sets_the_jurisdiction_then_the_centre_closes_it_as_an_intervention(
        escalation_settings):
    settings = escalation_settings()
    national = bearer(token(settings, sub="nat", alias="Supervision nationale", departments=("*",),
                            roles=("supervisor",)))
    dispatcher = token(settings, sub="d35", alias="Régie 35")
    async with served(settings) as (url, client), ConsoleClient(url, dispatcher) as console, \
            EventTap(settings.amqp_url, settings.namespace, "intervention.completed") as tap:
        await wait_until(console.hello, 10)
        event = emergency(settings, **UNRESOLVED)
        await publish(settings.amqp_url, settings.namespace, event)
        incident_id = (await incident(settings, event))["id"]
        path = f"/v1/incidents/{incident_id}"

        refused = await client.post(f"{path}/close", headers=national, json={"outcome": "intervention_carried_out"})
        assert refused.status_code == 409 and "département" in refused.json()["detail"]
        local = await client.post(f"{path}/jurisdiction", headers=bearer(dispatcher),
                                  json={"force": "GN", "department": "35"})
        assert local.status_code == 403 and "national" in local.json()["detail"]
        bad = await client.post(f"{path}/jurisdiction", headers=national, json={"force": "GN", "department": "20"})
        assert bad.status_code == 422 and "department" in bad.text.lower()
        assert str(incident_id) not in console.incidents()  # not in the centre's scope yet

        done = await client.post(f"{path}/jurisdiction", headers=national, json={"force": "GN", "department": "35"})
        assert done.status_code == 200, done.text
        view = done.json()
        assert (view["force"], view["department"], view["operational_centre"]) == ("GN", "35", "GN-CORG-35")
        assert view["jurisdiction_resolved"] and view["step"] == 0 and view["target"] == "centre_dispatchers"
        again = await client.post(f"{path}/jurisdiction", headers=national, json={"force": "PN", "department": "35"})
        assert again.status_code == 409
        # The centre's dispatcher on duty is alerted now, as for any incident of the centre.
        assert await wait_until(lambda: console.incidents().get(str(incident_id), {}).get("alert"), 10)

        me = bearer(dispatcher)
        assert (await client.post(f"{path}/acknowledge", headers=me)).status_code == 200
        closed = await client.post(f"{path}/close", headers=me, json={"outcome": "intervention_carried_out"})
        assert closed.status_code == 200, closed.text
        completed = (await tap.wait_for(1))[0]["payload"]
    assert (completed["force"], completed["department"], completed["report_id"]) == ("GN", "35", str(event.report_id))
    audited = await query(settings, "SELECT details FROM audit_log WHERE action = 'incident.set_jurisdiction' "
                                    "AND object_id = $1", str(incident_id))
    assert [json.loads(a["details"]) for a in audited] == [{"force": "GN", "department": "35", "centre": "GN-CORG-35"}]

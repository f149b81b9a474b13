"""Erasure by receipt: the contact and answers go, the entry closes without a patrol, late events bring nothing."""

import asyncio
import uuid

from relais_shared import contracts
from tests.followup.conftest import token
from tests.followup.helpers import (
    consumers_ready,
    entry_rows,
    handled,
    intervention,
    publish,
    received,
    routed,
    wait_for_entries,
)
from tests.support import EventTap

PHONE = {"channel": "phone", "phone": "06 12 34 56 78"}


async def test_erasure_closes_the_entry_without_a_patrol_and_forgets_her_contact_and_answers(followup):
    app, client = followup
    settings, pool = app.state.cell.settings, app.state.cell.pool
    await consumers_ready(app)
    report_id = uuid.uuid4()
    await publish(settings, received(settings, report_id, contact=PHONE, danger_now=True), routed(report_id),
                  intervention(report_id=report_id, risk="severe", hours_ago=25))
    await wait_for_entries(app, 1, report_id=report_id, source="intervention")
    headers = token(settings)
    claim = (await client.post("/v1/departments/35/claim-next", headers=headers)).json()["claimed"]
    entry_id = claim["entry_id"]
    answered = await client.put(f"/v1/entries/{entry_id}/answers", headers=headers,
                                json={"claim_id": claim["claim_id"], "answers": {"needs_shelter": "yes"}})
    assert answered.status_code == 200
    async with EventTap(settings.amqp_url, settings.namespace, "followup.entry_closed", "emergency.raised") as tap:
        await handled(app, await publish(settings, contracts.ReportErased(report_id=report_id)))
        # Her window then ends without any contact: the scheduler must not send a patrol to an erased case.
        await pool.execute("UPDATE entries SET window_end = now() - interval '1 second'")
        await asyncio.sleep(1.0)  # several scheduler rounds
        await tap.wait_for(1)
    [row] = await entry_rows(app, report_id=report_id)
    assert (row["status"], row["outcome"], row["contact_status"]) == ("closed", "erased", "erased")
    assert (row["contact_sealed"], row["answers_sealed"], row["safe_hours"]) == (None, None, [])
    assert [e["type"] for e in tap.received] == ["followup.entry_closed"]
    assert tap.received[0]["payload"]["outcome"] == "erased"
    assert await pool.fetchval("SELECT count(*) FROM report_facts") == 0
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'emergency.raised'") == 0
    # The agent who held it loses it; reading it again shows no number.
    beat = await client.post(f"/v1/entries/{entry_id}/heartbeat", headers=headers,
                             json={"claim_id": claim["claim_id"]})
    detail = (await client.get(f"/v1/entries/{entry_id}", headers=headers)).json()
    assert beat.status_code == 409 and detail["contact"] is None and detail["answers"] is None
    listed = (await client.get("/v1/departments/35/entries", headers=headers)).json()["entries"]
    assert listed == []


async def test_events_arriving_after_the_erasure_bring_nothing_back(followup):
    app, _ = followup
    settings, pool = app.state.cell.settings, app.state.cell.pool
    await consumers_ready(app)
    early, late = uuid.uuid4(), uuid.uuid4()
    # `early`: received before the erasure (her sealed contact waits for routing), routed after it.
    await handled(app, await publish(settings, received(settings, early, contact=PHONE)))
    await handled(app, await publish(settings, contracts.ReportErased(report_id=early),
                                     contracts.ReportErased(report_id=late)))
    assert await pool.fetchval("SELECT count(*) FROM report_facts") == 0
    # Every later event about either report, including report.received sent again and a triage assignment.
    await handled(app, await publish(
        settings, routed(early), intervention(report_id=early, contact=PHONE, settings=settings),
        received(settings, early, contact=PHONE), routed(late, assigned_by="triage", insee=None, unit_id=None),
        received(settings, late, contact=PHONE), intervention(report_id=late, contact=PHONE, settings=settings)))
    assert await entry_rows(app) == []
    assert await pool.fetchval("SELECT count(*) FROM report_facts") == 0
    assert await pool.fetchval("SELECT count(*) FROM erased_reports") == 2
    # An intervention without a report id is another case: it still reaches the list.
    await publish(settings, intervention())
    await wait_for_entries(app, 1)

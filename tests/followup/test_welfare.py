"""A patrol goes when she cannot be reached or says she is not safe: emergency.raised exactly once."""

import base64
import json

from relais_followup.app import create_app
from tests.followup.conftest import token
from tests.followup.helpers import add_entry, entry_rows
from tests.support import EventTap, running_app, wait_until


async def _claim(client, headers):
    return (await client.post("/v1/departments/35/claim-next", headers=headers)).json()["claimed"]


async def test_three_failed_attempts_send_one_welfare_check_even_with_two_scheduler_replicas(followup_settings):
    settings = followup_settings()
    async with running_app(create_app(settings)) as client, running_app(create_app(settings)) as replica, \
            EventTap(settings.amqp_url, settings.namespace, "emergency.raised", "followup.attempt_recorded") as tap:
        headers = token(settings)
        entry = await add_entry(replica, headers, risk_level="high")
        claim = await _claim(client, headers)
        results = []
        for _ in range(4):  # a fourth failure after the patrol was sent must not send another
            response = await client.post(f"/v1/entries/{entry['id']}/attempts", headers=headers,
                                         json={"claim_id": claim["claim_id"], "outcome": "no_answer"})
            results.append(response.json()["welfare_check_raised"])
        assert results == [False, False, True, False]
        await tap.wait_for(5)
        # The window then ends without contact: both schedulers see it, the patrol is not sent twice.
        pool = client._transport.app.state.cell.pool
        await pool.execute("UPDATE entries SET window_end = now() - interval '1 second' WHERE id = $1::uuid",
                           entry["id"])
        assert await wait_until(lambda: _overdue(pool, entry["id"]), 10)
        emergencies = [e for e in tap.received if e["type"] == "emergency.raised"]
    [emergency] = emergencies
    payload = emergency["payload"]
    assert (payload["source"], payload["kind"], payload["priority"]) == ("followup", "welfare_check", "p2")
    assert (payload["force"], payload["department"]) == ("GN", "35")
    hint = payload["location_hint"]
    opened = settings.keyring().open(base64.urlsafe_b64decode(hint["blob"]), context=hint["context"]).decode()
    assert opened == "3 rue des Lilas, Rennes"  # the patrol's address travels sealed
    assert "Lilas" not in json.dumps(emergency)


async def _overdue(pool, entry_id) -> bool:
    return bool(await pool.fetchval("SELECT overdue FROM entries WHERE id = $1::uuid", entry_id))


async def test_windows_ending_without_contact_raise_one_welfare_check_each_across_replicas(followup_settings):
    settings = followup_settings()
    first, second = create_app(settings), create_app(settings)
    async with running_app(first) as client, running_app(second):
        headers = token(settings)
        entries = [await add_entry(client, headers) for _ in range(20)]
        claim = await _claim(client, headers)
        await client.post(f"/v1/entries/{claim['entry_id']}/attempts", headers=headers,
                          json={"claim_id": claim["claim_id"], "outcome": "reached"})
        pool = first.state.cell.pool
        await pool.execute("UPDATE entries SET window_end = now() - interval '1 second'")

        async def all_overdue():
            return len(await entry_rows(first, overdue=True)) == 20

        assert await wait_until(all_overdue, 15)
        rows = await pool.fetch("""SELECT event_type, body FROM outbox
                                   WHERE event_type IN ('emergency.raised', 'followup.entry_overdue')""")
    payloads = [(r["event_type"], json.loads(r["body"])["payload"]) for r in rows]
    overdue = [p["entry_id"] for kind, p in payloads if kind == "followup.entry_overdue"]
    welfare = [p for kind, p in payloads if kind == "emergency.raised"]
    assert sorted(overdue) == sorted(e["id"] for e in entries)  # each overdue entry alerted once
    assert len(welfare) == 19 and all(w["kind"] == "welfare_check" for w in welfare)  # not the one reached


async def test_an_answer_that_she_is_not_safe_sends_a_patrol_at_once(followup):
    app, client = followup
    settings = app.state.cell.settings
    headers = token(settings)
    async with EventTap(settings.amqp_url, settings.namespace, "emergency.raised") as tap:
        entry = await add_entry(client, headers)
        claim = await _claim(client, headers)
        url, body = f"/v1/entries/{entry['id']}/answers", {"claim_id": claim["claim_id"]}
        first = await client.put(url, headers=headers, json={**body, "answers": {"safe_now": "no"}})
        again = await client.put(url, headers=headers, json={**body, "answers": {"safe_now": "no",
                                                                                 "children_exposed": "yes"}})
        wrong = await client.put(url, headers=headers, json={**body, "answers": {"safe_now": "peut-être"}})
        [emergency] = await tap.wait_for(1)
    assert first.json()["unsafe_answer_raised"] and not again.json()["unsafe_answer_raised"]
    assert again.json()["answers"] == {"safe_now": "no", "children_exposed": "yes"}
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "answers.safe_now"
    assert (emergency["payload"]["kind"], emergency["payload"]["priority"]) == ("unsafe_answer", "p1")
    [row] = await entry_rows(app, case_reference=entry["case_reference"])
    assert b"children_exposed" not in row["answers_sealed"]  # answers are sealed at rest

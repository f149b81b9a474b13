"""Nobody waits unseen: national triage hands force-less conversations over, a gone victim's conversation
leaves the queue, and erasing the report erases the transcript."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from relais_shared import contracts
from relais_shared.broker import Broker
from tests.chat.peers import Officer, Victim, ticket
from tests.support import EventTap, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
# Every victim socket is seen at each 0.3 s scheduler tick; a conversation nobody has held for 3 s expires.
CHAT_ENV = {"RELAIS_CHAT_WAITING_EXPIRY_SECONDS": "3"}


def listed(frame: dict, session_id: str) -> dict | None:
    return next((i for i in frame["items"] if i["session_id"] == session_id), None)


async def closing(tap: EventTap, session_id: str) -> dict:
    """The chat.session_closed payload of one session (other tests' sessions may close meanwhile)."""
    def found():
        return next((e["payload"] for e in tap.received if e["payload"]["session_id"] == session_id), None)

    assert await wait_until(found, 20), f"no chat.session_closed for {session_id}"
    return found()


async def fetchrow(cluster, sql: str, *args):
    conn = await asyncpg.connect(cluster.settings().service_database_url)
    try:
        return await conn.fetchrow(sql, *args)
    finally:
        await conn.close()


async def test_triage_operator_hands_a_forceless_conversation_to_a_force_and_department(cluster, node_a, node_b):
    victim = await Victim.start(node_a, triage=True, category="rape", level="orange")
    triage = await (await Officer.sign_in(node_b, cluster.keys_dir, roles=frozenset({"triage_operator"}),
                                          orange=False)).ready()
    hello = next(f for f in triage.frames if f["type"] == "hello")
    assert hello["triage"] is True and hello["answers"] is False
    item = listed(await triage.wait_for(lambda f: f["type"] == "triage" and listed(f, victim.session_id)),
                  victim.session_id)
    assert (item["level"], item["category"], item["department"]) == ("orange", "rape", None)
    await triage.send({"type": "claim", "session_id": victim.session_id})  # hands over, never answers
    assert (await triage.wait_for(lambda f: f["type"] == "error"))["code"] == "role"

    url = f"{node_b}/v1/console/sessions/{victim.session_id}/assign"
    bearer = {"Authorization": f"Bearer {triage.token}"}
    chat_officer = await Officer.sign_in(node_b, cluster.keys_dir)
    async with httpx.AsyncClient() as client:
        bad = [await client.post(url, headers=bearer, json=body) for body in (
            {"force": "GN", "department": "7"}, {"force": "GN", "department": "2C"},
            {"force": "XX", "department": "35"}, {"force": "GN"})]
        unknown = await client.post(f"{node_b}/v1/console/sessions/{uuid.uuid4()}/assign", headers=bearer,
                                    json={"force": "GN", "department": "63"})
        wrong_role = await client.post(url, headers={"Authorization": f"Bearer {chat_officer.token}"},
                                       json={"force": "GN", "department": "63"})
        async with EventTap(cluster.isolated.servers.amqp_url, cluster.isolated.namespace,
                            "chat.session_transferred") as tap:
            done = await client.post(url, headers=bearer, json={"force": "GN", "department": "63"})
            again = await client.post(url, headers=bearer, json={"force": "PN", "department": "63"})
            envelope = (await tap.wait_for(1))[0]
    assert [r.status_code for r in bad] == [422, 422, 422, 422]
    assert unknown.status_code == 404 and wrong_role.status_code == 403
    assert done.status_code == 200 and done.json()["platform_queue"] == "platform.gn"
    assert again.status_code == 404  # it no longer waits in triage
    assert envelope["version"] == 2 and envelope["payload"]["from_force"] is None
    assert (envelope["payload"]["to_force"], envelope["payload"]["to_department"]) == ("GN", "63")
    await triage.wait_for(lambda f: f["type"] == "triage" and not listed(f, victim.session_id))

    gendarme = await (await Officer.sign_in(node_a, cluster.keys_dir, departments=("63",))).ready()
    await gendarme.wait_for(lambda f: f["type"] == "queue" and listed(f, victim.session_id))
    await gendarme.send({"type": "claim", "session_id": victim.session_id})
    await victim.wait_for(lambda f: f.get("code") == "welcome")
    audit = await fetchrow(cluster, "SELECT actor_sub, details FROM audit_log WHERE action = 'chat.triage_assign' "
                                    "AND object_id = $1", victim.session_id)
    assert audit["actor_sub"] == triage.operator.sub
    for peer in (victim, triage, chat_officer, gendarme):
        await peer.close()


async def test_a_waiting_conversation_whose_victim_has_gone_expires_and_leaves_the_queue(cluster, node_a, node_b):
    officer = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("64",), orange=False)).ready()
    async with EventTap(cluster.isolated.servers.amqp_url, cluster.isolated.namespace, "chat.session_closed") as tap:
        gone = await Victim.start(node_a, department="64")
        staying = await Victim.start(node_a, department="64")
        await officer.wait_for(lambda f: f["type"] == "queue" and listed(f, gone.session_id))
        marker = len(officer.frames)
        await gone.drop()  # her phone lost the page; nobody holds this conversation any more
        closed = await closing(tap, gone.session_id)
    assert closed == {"session_id": gone.session_id, "outcome": "expired", "force": "GN", "department": "64"}
    assert not [e for e in tap.received if e["payload"]["session_id"] == staying.session_id]
    frame = await officer.wait_for(lambda f: f["type"] == "queue" and not listed(f, gone.session_id), start=marker)
    assert listed(frame, staying.session_id) is not None  # a victim still connected keeps waiting
    row = await fetchrow(cluster, "SELECT status, outcome FROM chat_sessions WHERE id = $1", uuid.UUID(gone.session_id))
    assert (row["status"], row["outcome"]) == ("closed", "expired")
    for peer in (staying, officer):
        await peer.close()


async def publish(cluster, event: contracts.Event) -> None:
    settings = cluster.settings()
    broker = Broker(settings.amqp_url, namespace=settings.namespace, service="test-intake")
    await broker.connect()
    try:
        envelope = contracts.wrap(event)
        await broker.publish(envelope.model_dump_json().encode(), routing_key=envelope.type,
                             message_id=str(envelope.event_id), correlation_id=envelope.correlation_id)
    finally:
        await broker.close()


async def test_erasing_the_report_erases_the_transcript_and_closes_every_socket(cluster, node_a, node_b):
    report_id = uuid.uuid4()
    victim = await Victim.start(node_a, report_id=report_id, department="65")
    officer = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("65",))).ready()
    await officer.send({"type": "claim", "session_id": victim.session_id})
    await victim.write("ce que je ne veux plus voir")
    await officer.wait_for(lambda f: f.get("text") == "ce que je ne veux plus voir")
    other = await Victim.start(node_a, department="65")  # another case: untouched

    async with EventTap(cluster.isolated.servers.amqp_url, cluster.isolated.namespace, "chat.session_closed") as tap:
        await publish(cluster, contracts.ReportErased(report_id=report_id))
        closed = await closing(tap, victim.session_id)
    assert closed["outcome"] == "erased"
    assert (await victim.wait_for(lambda f: f["type"] == "error" and f["code"] == "erased"))
    assert await wait_until(lambda: victim.ws.close_code == 4410, 10)
    gone = await officer.wait_for(lambda f: f["type"] == "session_gone" and f["session_id"] == victim.session_id)
    assert gone["reason"] in ("erased", "closed")
    session_id = uuid.UUID(victim.session_id)
    row = await fetchrow(cluster, "SELECT status, outcome, alias, (SELECT count(*) FROM chat_messages "
                                  "WHERE session_id = $1) AS lines FROM chat_sessions WHERE id = $1", session_id)
    assert (row["status"], row["outcome"], row["lines"], row["alias"]) == ("closed", "erased", 0, "Anonyme")
    kept = await fetchrow(cluster, "SELECT status FROM chat_sessions WHERE id = $1", uuid.UUID(other.session_id))
    assert kept["status"] == "waiting"

    async with httpx.AsyncClient() as client:  # a ticket sealed before the erasure brings nothing back
        late = await client.post(f"{node_a}/v1/sessions", json={"ticket": ticket(report_id=report_id)})
    assert late.status_code == 400
    for peer in (victim, officer, other):
        await peer.close()

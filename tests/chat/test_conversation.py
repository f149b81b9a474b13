"""A victim on one node and an officer on another: queue, claim, messages, hostile input, exit, watchdog."""

from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg
import pytest

from relais_shared.contracts import Sealed
from relais_shared.crypto import Keyring
from relais_shared.sealing import open_field
from tests.chat.peers import Officer, Victim
from tests.support import EventTap

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def texts(peer, author: str) -> list[str]:
    return [m["text"] for m in peer.messages() if m["author"] == author]


async def test_queue_is_ordered_by_danger_then_wait_and_claim_is_race_free(cluster, node_a, node_b):
    routing = {"department": "01"}
    standard = await Victim.start(node_a, **routing)
    severe = await Victim.start(node_a, danger_level="severe", **routing)
    high = await Victim.start(node_b, danger_level="high", **routing)
    first = await (await Officer.sign_in(node_a, cluster.keys_dir, departments=("01",))).ready()
    second = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("01",))).ready()

    order = [item["session_id"] for item in second.queue()]
    assert order == [severe.session_id, high.session_id, standard.session_id]

    claim = {"type": "claim", "session_id": severe.session_id}
    await asyncio.gather(first.send(claim), second.send(claim))
    outcomes = []
    for officer in (first, second):
        outcomes.append(await officer.wait_for(lambda f: f.get("session_id") == severe.session_id
                                               and f["type"] in ("claimed", "error")))
    assert sorted(f["type"] for f in outcomes) == ["claimed", "error"]
    loser = next(f for f in outcomes if f["type"] == "error")
    assert loser["code"] == "already_taken" and "déjà" in loser["message"]
    welcome = await severe.wait_for(lambda f: f["type"] == "message" and f.get("code") == "welcome")
    winner = first if outcomes[0]["type"] == "claimed" else second
    assert welcome["alias"] == winner.operator.alias
    for peer in (standard, severe, high, first, second):
        await peer.close()


async def test_messages_cross_nodes_in_order_with_reads_typing_and_hostile_input(cluster, node_a, node_b):
    victim = await Victim.start(node_a, department="02")
    await victim.write("Bonjour, je voudrais parler à quelqu'un.")  # before any officer: it waits
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    officer = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("02",))).ready()
    await officer.send({"type": "claim", "session_id": victim.session_id})
    first = await officer.wait_for(lambda f: f["type"] == "message" and f["author"] == "victim")
    assert first["text"] == "Bonjour, je voudrais parler à quelqu'un." and first["seq"] == 1

    await victim.write(hostile)
    got = await officer.wait_for(lambda f: f["type"] == "message" and f.get("text") == hostile)
    assert got["text"] == hostile  # text in, the same text out: rendering is textContent (browser test)

    await officer.send({"type": "typing", "session_id": victim.session_id})
    await victim.wait_for(lambda f: f["type"] == "typing")
    await officer.reply(victim.session_id, "Je suis là. Êtes-vous en sécurité ?")
    answer = await victim.wait_for(lambda f: f["type"] == "message" and f["author"] == "officer")
    await victim.send({"type": "ack", "seq": answer["seq"]})
    await officer.send({"type": "ack", "session_id": victim.session_id, "seq": got["seq"]})
    read = await officer.wait_for(lambda f: f["type"] == "read" and f["by"] == "victim")
    assert read["seq"] == answer["seq"]
    assert (await victim.wait_for(lambda f: f["type"] == "read" and f["by"] == "officer"))["seq"] == got["seq"]

    marker = len(victim.frames)
    await victim.write("x" * 5_000)  # too long to post, small enough to be read (frames stop at 16 KiB)
    too_long = await victim.wait_for(lambda f: f["type"] == "error", start=marker)
    assert too_long["code"] == "too_long" and "2000" in too_long["message"]
    for bad in ("pas du json", "[1, 2]", json.dumps({"type": "bogus"}), b"\x00\x01", json.dumps({"type": "send"})):
        marker = len(victim.frames)
        await victim.send(bad)
        assert (await victim.wait_for(lambda f: f["type"] == "error", start=marker))["code"] == "malformed"

    await victim.write("toujours là")  # the connection survived every bad frame
    await officer.wait_for(lambda f: f["type"] == "message" and f.get("text") == "toujours là")
    seqs = [m["seq"] for m in officer.messages(victim.session_id)]
    assert seqs == list(range(1, len(seqs) + 1))
    await victim.close()
    await officer.close()


async def test_flooding_is_limited_with_an_error_frame(cluster, node_a, node_b):
    victim = await Victim.start(node_a, department="03")
    for i in range(15):
        await victim.write(f"message {i}")
    flood = await victim.wait_for(lambda f: f["type"] == "error" and f["code"] == "flood")
    assert "trop vite" in flood["message"]
    await asyncio.sleep(0.5)  # let the accepted ones echo before counting them
    stored = [m for m in victim.messages() if m["author"] == "victim"]
    assert 5 <= len(stored) <= 7  # the burst (5) plus what the refill allowed meanwhile
    await victim.close()


async def test_emergency_exit_tells_the_officer(cluster, node_a, node_b):
    victim = await Victim.start(node_b, department="04")
    officer = await (await Officer.sign_in(node_a, cluster.keys_dir, departments=("04",))).ready()
    await officer.send({"type": "claim", "session_id": victim.session_id})
    await victim.wait_for(lambda f: f.get("code") == "welcome")
    async with EventTap(cluster.isolated.servers.amqp_url, cluster.isolated.namespace, "chat.victim_exited") as tap:
        await victim.send({"type": "exit"})
        line = await officer.wait_for(lambda f: f["type"] == "message" and f.get("code") == "victim_exited")
        assert line["author"] == "system" and "text" not in line
        events = await tap.wait_for(1)
    assert events[0]["payload"] == {"session_id": victim.session_id}
    await victim.close()
    await officer.close()


async def test_watchdog_alerts_and_escalates_in_one_action(cluster, node_a, node_b):
    report_id = uuid.uuid4()
    victim = await Victim.start(node_a, department="05", danger_level="severe", level="orange",
                                category="domestic_violence", report_id=report_id, operational_centre="GN-CORG-05",
                                insee="05061")
    officer = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("05",))).ready()
    await officer.send({"type": "claim", "session_id": victim.session_id})
    await victim.wait_for(lambda f: f.get("code") == "welcome")
    await victim.drop()  # she vanishes without a word
    alert = await officer.wait_for(lambda f: f["type"] == "alert" and f["session_id"] == victim.session_id)
    assert alert["reason"] in ("disconnected", "silent")
    ns = cluster.isolated.namespace
    async with EventTap(cluster.isolated.servers.amqp_url, ns, "emergency.raised") as tap:
        await officer.send({"type": "emergency", "session_id": victim.session_id, "kind": "watchdog"})
        await officer.wait_for(lambda f: f["type"] == "emergency_raised")
        envelope = (await tap.wait_for(1))[0]
    payload = envelope["payload"]
    assert envelope["version"] == 3  # emergency.raised v2+: the chat's jurisdiction, case and session travel
    assert (payload["source"], payload["kind"], payload["force"], payload["department"]) == \
        ("chat", "watchdog", "GN", "05")
    assert (payload["operational_centre"], payload["insee"], payload["report_id"]) == \
        ("GN-CORG-05", "05061", str(report_id))
    assert (payload["danger_level"], payload["level"], payload["chat_session_id"]) == \
        ("severe", "orange", victim.session_id)
    ring: Keyring = cluster.settings().keyring()
    # The reader derives the context from the emergency id it knows, never from the event's word.
    context = f"escalation.emergency:{payload['emergency_id']}"
    summary = json.loads(open_field(ring, Sealed(**payload["summary"]), context=context))
    assert summary["session_id"] == victim.session_id and summary["danger_level"] == "severe"
    conn = await asyncpg.connect(cluster.settings().service_database_url)
    try:  # published through the outbox, in the transaction that recorded it
        sent = await conn.fetchval("SELECT count(*) FROM outbox WHERE event_id = $1 AND event_type = $2",
                                   uuid.UUID(envelope["event_id"]), "emergency.raised")
    finally:
        await conn.close()
    assert sent == 1
    await officer.close()


async def test_orange_needs_clearance_and_reads_are_audited(cluster, node_a, node_b):
    victim = await Victim.start(node_a, department="06", level="orange")
    await victim.write("ce que je dis est confidentiel")
    uncleared = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("06",), orange=False)).ready()
    item = next(i for i in uncleared.queue() if i["session_id"] == victim.session_id)
    assert item["level"] == "orange" and item["may_claim"] is False and "text" not in item
    await uncleared.send({"type": "claim", "session_id": victim.session_id})
    assert (await uncleared.wait_for(lambda f: f["type"] == "error"))["code"] == "clearance"
    cleared = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("06",))).ready()
    await cleared.send({"type": "claim", "session_id": victim.session_id})
    await cleared.wait_for(lambda f: f.get("text") == "ce que je dis est confidentiel")
    conn = await asyncpg.connect(cluster.settings().service_database_url)
    try:
        actions = {r["action"] for r in await conn.fetch(
            "SELECT action FROM audit_log WHERE object_id = $1 AND actor_sub = $2", victim.session_id,
            cleared.operator.sub)}
        body = await conn.fetchval("SELECT body FROM chat_messages WHERE session_id = $1 AND author = 'victim'",
                                   uuid.UUID(victim.session_id))
    finally:
        await conn.close()
    assert {"chat.claim", "chat.read"} <= actions
    assert b"confidentiel" not in bytes(body)  # sealed at rest
    for peer in (victim, uncleared, cleared):
        await peer.close()

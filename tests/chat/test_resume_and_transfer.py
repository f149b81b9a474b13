"""No message lost or duplicated across dropped connections and a killed node; transfers keep one welcome."""

from __future__ import annotations

import pytest

from tests.chat.peers import Officer, Victim

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def assert_full_sequence(peer, session_id: str) -> list[int]:
    seqs = [m["seq"] for m in peer.messages(session_id)]
    assert seqs == list(range(1, len(seqs) + 1)), seqs  # every seq once, in order, none missing
    return seqs


async def test_resume_after_a_dropped_connection(cluster, node_a, node_b):
    victim = await Victim.start(node_a, department="07")
    officer = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("07",))).ready()
    await officer.send({"type": "claim", "session_id": victim.session_id})
    await victim.write("avant la coupure")
    await victim.wait_for(lambda f: f.get("text") == "avant la coupure")
    await victim.drop()
    for i in range(3):
        await officer.reply(victim.session_id, f"pendant la coupure {i}")
    await officer.wait_for(lambda f: f.get("text") == "pendant la coupure 2")
    await victim.moved_to(node_a)
    await victim.wait_for(lambda f: f.get("text") == "pendant la coupure 2")
    assert [m.get("text") for m in victim.messages() if m["author"] == "officer"] == \
        [f"pendant la coupure {i}" for i in range(3)]
    assert_full_sequence(victim, victim.session_id)
    await victim.close()
    await officer.close()


async def test_victim_resumes_on_the_other_node_after_hers_is_killed(cluster, node_b):
    doomed = cluster.add()
    doomed.wait_ready()
    victim = await Victim.start(doomed.url, department="08")
    officer = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("08",))).ready()
    await officer.send({"type": "claim", "session_id": victim.session_id})
    for i in range(3):
        await victim.write(f"v{i}")
        await officer.reply(victim.session_id, f"o{i}")
    await victim.wait_for(lambda f: f.get("text") == "o2")
    doomed.kill()  # SIGKILL: no goodbye to anyone
    await victim.close()
    await victim.write("v3", offline=True)  # written while the page has no connection
    for i in range(3, 5):
        await officer.reply(victim.session_id, f"o{i}")
    await victim.moved_to(node_b)  # resends every message not echoed yet, with its client id
    for client_id, text in victim.written.items():  # a second resend changes nothing: deduped by client id
        await victim.send({"type": "send", "client_id": client_id, "text": text})
    await officer.wait_for(lambda f: f.get("text") == "v3")
    await victim.wait_for(lambda f: f.get("text") == "v3")
    await victim.wait_for(lambda f: f.get("text") == "o4")
    await officer.reply(victim.session_id, "o5")
    await victim.wait_for(lambda f: f.get("text") == "o5")
    await officer.wait_for(lambda f: f.get("text") == "o5")

    victim_seqs = assert_full_sequence(victim, victim.session_id)
    officer_seqs = assert_full_sequence(officer, victim.session_id)
    assert victim_seqs == officer_seqs
    said = [(m["author"], m.get("text")) for m in victim.messages() if m["author"] != "system"]
    assert said == [(m["author"], m.get("text")) for m in officer.messages(victim.session_id)
                    if m["author"] != "system"]
    assert [t for a, t in said if a == "victim"] == ["v0", "v1", "v2", "v3"]
    assert [t for a, t in said if a == "officer"] == ["o0", "o1", "o2", "o3", "o4", "o5"]
    await victim.close()
    await officer.close()


async def test_transfer_to_an_officer_then_to_the_other_force_without_a_second_welcome(cluster, node_a, node_b):
    victim = await Victim.start(node_a, department="09")
    first = await (await Officer.sign_in(node_a, cluster.keys_dir, departments=("09",))).ready()
    second = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("09",))).ready()
    police = await (await Officer.sign_in(node_b, cluster.keys_dir, force="PN", departments=("09",))).ready()
    elsewhere = await (await Officer.sign_in(node_a, cluster.keys_dir, departments=("12",))).ready()
    await first.send({"type": "claim", "session_id": victim.session_id})
    await victim.write("ma commune est en zone police en fait")
    await first.wait_for(lambda f: f.get("text") == "ma commune est en zone police en fait")

    # A gendarme of another department is not a valid target, even of the same force.
    await first.send({"type": "transfer", "session_id": victim.session_id, "to_operator": elsewhere.operator.sub})
    refused = await first.wait_for(lambda f: f["type"] == "error" and f.get("for") == "transfer")
    assert refused["code"] == "no_target"

    await first.send({"type": "transfer", "session_id": victim.session_id, "to_operator": second.operator.sub})
    await first.wait_for(lambda f: f["type"] == "session_gone")
    await second.wait_for(lambda f: f.get("text") == "ma commune est en zone police en fait")
    await second.send({"type": "transfer", "session_id": victim.session_id, "to_other_force": True})
    await second.wait_for(lambda f: f["type"] == "session_gone")
    await police.wait_for(lambda f: f["type"] == "queue"
                          and any(i["session_id"] == victim.session_id for i in f["items"]))
    await police.send({"type": "claim", "session_id": victim.session_id})
    await police.wait_for(lambda f: f.get("text") == "ma commune est en zone police en fait")
    await police.reply(victim.session_id, "Je suis policière, je prends le relais.")
    await victim.wait_for(lambda f: f.get("text") == "Je suis policière, je prends le relais.")

    codes = [m["code"] for m in victim.messages() if m["author"] == "system"]
    assert codes == ["welcome", "handover", "handover", "handover"]
    status = await victim.wait_for(lambda f: f["type"] == "status" and f.get("officer_alias") == police.operator.alias)
    assert status["status"] == "active"
    await police.send({"type": "close", "session_id": victim.session_id, "outcome": "complaint_to_file_at_unit"})
    await victim.wait_for(lambda f: f.get("code") == "closed")
    await victim.send({"type": "send", "client_id": "after-close-1", "text": "encore ?"})
    assert (await victim.wait_for(lambda f: f["type"] == "error"))["code"] == "closed"
    assert not [f for f in elsewhere.frames if f.get("session_id") == victim.session_id and f["type"] == "message"]
    for peer in (victim, first, second, police, elsewhere):
        await peer.close()

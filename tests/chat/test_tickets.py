"""A conversation starts only from intake's ticket: never from the URL, never with the visitor's level or force;
the same ticket resumes it with a new secret and the whole conversation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from tests.chat.conftest import INTAKE_PUBLIC_URL
from tests.chat.peers import Officer, Victim, ticket
from tests.support import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
FORM = {"content-type": "application/x-www-form-urlencoded"}


def in_queue(frame: dict, session_id: str) -> bool:
    return any(i["session_id"] == session_id for i in frame["items"])


async def session_count(cluster) -> int:
    conn = await asyncpg.connect(cluster.settings().service_database_url)
    try:
        return await conn.fetchval("SELECT count(*) FROM chat_sessions")
    finally:
        await conn.close()


async def test_a_url_never_opens_a_conversation_it_points_to_intake(cluster, node_a):
    before = await session_count(cluster)
    async with httpx.AsyncClient(base_url=node_a) as client:
        page = await client.get("/chat?force=PN&department=75&level=blue&danger=standard&platform_queue=x")
        english = await client.get("/chat?lang=en")
    assert page.status_code == 200 and '<html lang="fr">' in page.text
    assert f'href="{INTAKE_PUBLIC_URL}/parler"' in page.text and f'href="{INTAKE_PUBLIC_URL}/retour"' in page.text
    assert "secret" not in page.text and "session_id" not in page.text
    assert english.status_code == 200 and '<html lang="en">' in english.text and "Talk now" in english.text
    assert await session_count(cluster) == before


async def test_a_bad_or_expired_ticket_gets_a_clear_page_and_the_api_takes_nothing_else(cluster, node_a):
    expired = ticket(now=datetime.now(UTC) - timedelta(hours=1))
    before = await session_count(cluster)
    async with httpx.AsyncClient(base_url=node_a) as client:
        forged = await client.post("/chat", content="ticket=not-a-ticket-at-all-but-long-enough&lang=fr", headers=FORM)
        late = await client.post("/chat", data={"ticket": expired, "lang": "en"})
        empty = await client.post("/chat")
        api_late = await client.post("/v1/sessions", json={"ticket": expired})
        chosen = await client.post("/v1/sessions", json={"ticket": ticket(), "level": "blue"})
        old_body = await client.post("/v1/sessions", json={"force": "GN", "department": "35", "level": "blue"})
    for page in (forged, late, empty):
        assert page.status_code == 400
        assert f'href="{INTAKE_PUBLIC_URL}/retour"' in page.text
        assert "secret" not in page.text
    assert '<html lang="fr">' in forged.text and "reçu de 16 chiffres" in forged.text
    assert '<html lang="en">' in late.text and "no longer valid" in late.text
    assert api_late.status_code == 400 and "receipt" in api_late.json()["detail"]
    assert chosen.status_code == 422 and old_body.status_code == 422  # no level, force or danger from a visitor
    assert await session_count(cluster) == before


async def test_a_rape_ticket_gives_an_orange_conversation_whatever_the_visitor_sends(cluster, node_a, node_b):
    # Even a ticket that says blue (an upstream mistake) and a form that adds level=blue and force=PN.
    sealed = ticket(category="rape", level="blue", department="61")
    async with httpx.AsyncClient(base_url=node_a) as client:
        page = await client.post("/chat", data={"ticket": sealed, "lang": "fr", "level": "blue", "force": "PN"})
    assert page.status_code == 200
    session_id = page.text.split('"session_id": "')[1].split('"')[0]
    victim = Victim(node_a, session_id, page.text.split('"secret": "')[1].split('"')[0])
    await victim.join()  # her page's socket: a conversation nobody holds would leave the queue
    uncleared = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("61",), orange=False)).ready()
    listed = await uncleared.wait_for(lambda f: f["type"] == "queue" and in_queue(f, session_id))
    item = next(i for i in listed["items"] if i["session_id"] == session_id)
    assert item["level"] == "orange" and item["may_claim"] is False
    await uncleared.send({"type": "claim", "session_id": session_id})
    assert (await uncleared.wait_for(lambda f: f["type"] == "error"))["code"] == "clearance"
    police = await (await Officer.sign_in(node_b, cluster.keys_dir, force="PN", departments=("61",))).ready()
    assert not in_queue(await police.wait_for(lambda f: f["type"] == "queue"), session_id)  # force=PN: ignored
    for peer in (victim, uncleared, police):
        await peer.close()


async def test_the_same_ticket_resumes_with_a_new_secret_and_the_whole_conversation(cluster, node_a, node_b):
    report_id = uuid.uuid4()
    victim = await Victim.start(node_a, report_id=report_id, department="62")
    officer = await (await Officer.sign_in(node_b, cluster.keys_dir, departments=("62",))).ready()
    await officer.send({"type": "claim", "session_id": victim.session_id})
    await victim.write("avant de recharger")
    await officer.reply(victim.session_id, "je vous lis")
    await victim.wait_for(lambda f: f.get("text") == "je vous lis")

    async with httpx.AsyncClient(base_url=node_b) as client:
        page = await client.post("/chat", data={"ticket": ticket(report_id=report_id, department="62"), "lang": "fr"})
    assert page.status_code == 200 and victim.session_id in page.text
    assert '"resumed": true' in page.text and victim.secret not in page.text
    new_secret = page.text.split('"secret": "')[1].split('"')[0]
    replaced = await victim.wait_for(lambda f: f["type"] == "error" and f["code"] == "replaced")
    assert "autre page" in replaced["message"]
    assert await wait_until(lambda: victim.ws.close_code == 4409, 5)  # the page stops, it does not reconnect

    stale = Victim(node_a, victim.session_id, victim.secret)  # the old secret opens nothing any more
    await stale.open()
    await stale.send({"type": "hello", "session_id": victim.session_id, "secret": victim.secret, "last_seq": 0})
    assert (await stale.wait_for(lambda f: f["type"] == "error"))["code"] == "unknown_session"

    resumed = Victim(node_b, victim.session_id, new_secret)
    await resumed.join()  # from seq 0: the page shows everything said before the reload
    await resumed.wait_for(lambda f: f.get("text") == "je vous lis")
    said = [(m["author"], m.get("text")) for m in resumed.messages() if m["author"] != "system"]
    assert said == [("victim", "avant de recharger"), ("officer", "je vous lis")]
    status = next(f for f in resumed.frames if f["type"] == "status")
    assert status["status"] == "active" and status["officer_alias"] == officer.operator.alias
    await resumed.write("je suis revenue")
    await officer.wait_for(lambda f: f.get("text") == "je suis revenue")
    for peer in (victim, stale, resumed, officer):
        await peer.close()

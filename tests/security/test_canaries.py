"""Canaries (a name, a phone number, an IP address) sent through every public and operator path must never
appear in plaintext in any log line, any message on the broker, or any table outside the sealed columns.

Paths: report, receipt messages and erasure, the emergency exit, the unit's reply and read, dispatch, national
supervision, follow-up (by hand and by bulk import), the chat (messages, emergency, transfers, exit).
"""

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from relais_cli.services import SERVICES
from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from tests.chat.peers import Officer, Victim
from tests.launcher import start_platform
from tests.support import EventTap, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
NAME, PHONE, IP = "Canarina Zwolinska", "06 47 11 08 15", "203.0.113.77"
CANARIES = (NAME, "Zwolinska", PHONE, "0647110815", "47 11 08 15", IP)


def bearer(keys: Path, **overrides) -> dict:
    claims = dict(sub=f"op-{uuid.uuid4().hex[:6]}", alias="Agent Canari", force="GN", departments=("35",),
                  roles=frozenset({"chat_operator", "dispatcher", "followup", "supervisor"}), orange_clearance=True)
    token = mint_token(keys, Operator(**{**claims, **overrides}), issuer="relais-local", audience="relais")
    return {"Authorization": f"Bearer {token}"}


async def dump_tables(url: str) -> str:
    """Every row of every table of a database as text, except the bytea columns that hold sealed values."""
    conn = await asyncpg.connect(url)
    try:
        tables = [r["tablename"] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public'")]
        parts = []
        for table in tables:
            columns = [r["column_name"] for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND data_type <> 'bytea'",
                table)]
            if columns:
                select = ", ".join(f'"{c}"::text' for c in columns)
                parts += [str(list(r.values())) for r in await conn.fetch(f'SELECT {select} FROM "{table}"')]
        return "\n".join(parts)
    finally:
        await conn.close()


async def test_no_canary_leaks_into_logs_broker_messages_or_raw_tables(isolated, tmp_path):
    keys = tmp_path / "keys"
    log_path = tmp_path / "platform.log"
    with open(log_path, "w") as log_file:
        platform = start_platform(isolated, log_file=log_file, extra_env={"RELAIS_KEYS_DIR": str(keys)})
        try:
            platform.wait_ready(SERVICES)
            async with EventTap(isolated.servers.amqp_url, isolated.namespace, "#") as tap:
                await exercise_every_path(platform, keys)
                await asyncio.sleep(2)  # let the last events and log lines land
                bodies = "\n".join(str(e) for e in tap.received)
        finally:
            platform.stop()
    logs = log_path.read_text()
    tables = {service: await dump_tables(platform.database_url(service)) for service in SERVICES}
    assert len(logs) > 1000 and len(bodies) > 1000, "the platform did not run the paths"
    for canary in CANARIES:
        assert canary not in logs, f"{canary!r} in a log line"
        assert canary not in bodies, f"{canary!r} in a message on the broker"
        for service, dump in tables.items():
            assert canary not in dump, f"{canary!r} readable in {service}'s tables"


async def exercise_every_path(platform, keys: Path) -> None:
    intake, officer_headers = platform.url("intake"), bearer(keys)
    forwarded = {"X-Forwarded-For": IP, "User-Agent": f"Mozilla/5.0 ({NAME})"}
    async with httpx.AsyncClient(timeout=10) as client:
        created = (await client.post(f"{intake}/v1/reports", headers=forwarded, json={
            "role": "victim", "category": "domestic_violence", "postal_code": "35690", "occurred": "today",
            "danger_now": True, "text": f"Je suis {NAME}, appelez le {PHONE}. Il a mon adresse IP {IP}.",
            "location_hint": f"chez {NAME}", "contact": {"channel": "phone", "phone": PHONE,
                                                         "trusted_person_name": NAME}})).json()
        await client.post(f"{intake}/v1/receipts/messages", json={"receipt": created["receipt"],
                                                                 "text": f"{NAME} {PHONE}"})
        pool_ok = await wait_until(lambda: _routed(client, intake, created["id"]), 20)
        assert pool_ok
        await client.post(f"{intake}/v1/unit/reports/{created['id']}/messages", headers=officer_headers,
                          json={"text": f"Madame {NAME}, rappel au {PHONE}"})
        await client.get(f"{intake}/v1/unit/reports/{created['id']}", headers=officer_headers)
        assert (await client.post(f"{intake}/v1/exit", headers=forwarded,
                                  json={"report_id": created["id"]})).status_code == 204
        incident_id = await dispatch(client, platform.url("escalation"), bearer(keys))
        await supervise(client, platform, keys, incident_id, forwarded)
        await follow_up(client, platform.url("followup"), bearer(keys))
        await bulk_import(platform)
        erased = await client.post(f"{intake}/v1/receipts/erase", headers=forwarded,
                                   json={"receipt": created["receipt"]})
        assert erased.status_code == 200, erased.text
    await converse(platform.url("chat"), keys)


async def _routed(client, intake, report_id):
    return (await client.get(f"{intake}/v1/reports/{report_id}")).json()["status"] == "routed"


async def dispatch(client, escalation: str, headers: dict) -> str:
    incidents = await wait_until(lambda: _incidents(client, escalation, headers), 20)
    incident_id = incidents[0]["id"]
    for path, body in (("acknowledge", {}), ("patrol", {"unit": f"Patrouille pour {NAME}"}),
                       ("notes", {"text": f"Victime {NAME} joignable au {PHONE}, IP {IP}"}),
                       ("close", {"outcome": "intervention_carried_out"})):
        response = await client.post(f"{escalation}/v1/incidents/{incident_id}/{path}", headers=headers, json=body)
        assert response.status_code < 300, (path, response.text)
    return incident_id


async def supervise(client, platform, keys: Path, incident_id: str, forwarded: dict) -> None:
    """National supervision: the live overview, the incident and its contact, a jurisdiction it cannot reset."""
    national = bearer(keys, departments=("*",)) | forwarded
    overview = await client.get(f"{platform.url('stats')}/v1/supervision/overview", headers=national)
    assert overview.status_code == 200, overview.text
    escalation = f"{platform.url('escalation')}/v1/incidents/{incident_id}"
    assert (await client.get(escalation, headers=national)).status_code == 200
    await client.get(f"{escalation}/contact", headers=national)
    again = await client.post(f"{escalation}/jurisdiction", headers=national, json={"force": "GN", "department": "35"})
    assert again.status_code in (200, 409), again.text


async def bulk_import(platform) -> None:
    """`relais followup import` of past cases with her name, number and address, its output in the log."""
    path = Path(platform.log_path).with_name("past-cases.csv")
    path.write_text("case_reference;force;department;risk_level;intervention_at;phone;trusted_person_name;address\n"
                    f"GN-35-2025-CANARY;GN;35;high;2025-06-01T21:10;{PHONE};{NAME};12 rue {NAME}, Rennes\n",
                    encoding="utf-8")
    env = {**os.environ, "RELAIS_ENV": "test", "RELAIS_NAMESPACE": platform.isolated.namespace,
           "RELAIS_FOLLOWUP_DATABASE_URL": platform.database_url("followup")}
    with open(platform.log_path, "a") as log:
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "relais_cli.main", "followup", "import",
                                                        str(path)], env=env, stdout=log, stderr=log, timeout=60)
    assert done.returncode == 0, platform.log_tail()


async def _incidents(client, escalation, headers):
    return (await client.get(f"{escalation}/v1/incidents", headers=headers)).json()["incidents"]


async def follow_up(client, followup: str, headers: dict) -> None:
    added = await client.post(f"{followup}/v1/departments/35/entries", headers=headers, json={
        "case_reference": "GN-35-2026-CANARY", "risk_level": "high",
        "intervention_at": (datetime.now(UTC) - timedelta(hours=30)).isoformat(),
        "contact": {"phone": PHONE, "trusted_person_name": NAME, "address": f"12 rue {NAME}"}})
    assert added.status_code == 201, added.text
    claimed = (await client.post(f"{followup}/v1/departments/35/claim-next", headers=headers)).json()["claimed"]
    assert claimed is not None, "the entry should be claimable inside its window"
    entry_id, claim = claimed["entry_id"], {"claim_id": claimed["claim_id"]}
    assert (await client.get(f"{followup}/v1/entries/{entry_id}", headers=headers)).status_code == 200
    attempt = await client.post(f"{followup}/v1/entries/{entry_id}/attempts", headers=headers,
                                json={**claim, "outcome": "no_answer"})
    assert attempt.status_code < 300, attempt.text


async def converse(chat: str, keys: Path) -> None:
    victim = await Victim.start(chat, level="orange", danger_level="high")
    officer = await (await Officer.sign_in(chat, keys, force="GN", departments=("*",))).ready()
    colleague = await (await Officer.sign_in(chat, keys, force="GN", departments=("*",))).ready()
    session = victim.session_id
    try:
        await victim.write(f"Je m'appelle {NAME}, mon numéro {PHONE}, mon IP {IP}")
        await officer.send({"type": "claim", "session_id": session})
        await officer.wait_for(lambda f: f["type"] == "claimed")
        await officer.reply(session, f"Bien reçu {NAME}, nous appelons le {PHONE}")
        await victim.wait_for(lambda f: f["type"] == "message" and f.get("author") == "officer")
        await officer.send({"type": "emergency", "session_id": session, "kind": "operator",
                            "summary": f"{NAME} en danger, rappeler le {PHONE}, IP {IP}"})
        await officer.wait_for(lambda f: f["type"] == "emergency_raised")
        await officer.send({"type": "transfer", "session_id": session, "to_operator": colleague.operator.sub})
        await officer.wait_for(lambda f: f["type"] == "session_gone")
        await colleague.send({"type": "transfer", "session_id": session, "to_other_force": True})
        await colleague.wait_for(lambda f: f["type"] == "session_gone")
        await victim.send({"type": "exit"})
    finally:
        for peer in (victim, officer, colleague):
            await peer.close()

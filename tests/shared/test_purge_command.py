"""`relais purge`: every service's retention rules, from its manifest, applied and logged (chat's included, which
the command once skipped without a word); what the rules of chat, escalation and routing delete and keep."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from click.testing import CliRunner

from relais_cli.main import cli
from relais_cli.services import SERVICES
from relais_shared.db import connect

pytestmark = pytest.mark.integration
OLD, RECENT = "now() - interval '400 days'", "now() - interval '10 days'"


async def _purge(isolated, *services: str) -> dict[str, dict[str, int]]:
    """`relais purge <services>` on this test's databases; each service's counts by rule, as printed."""
    env = {f"RELAIS_{s.upper()}_DATABASE_URL": isolated.settings(SERVICES[s].settings).service_database_url
           for s in services}
    done = await asyncio.to_thread(CliRunner().invoke, cli, ["purge", *services], env={**env, "RELAIS_ENV": "test"})
    assert done.exit_code == 0, done.output
    printed = {}
    for line in done.output.splitlines():  # the purge's own log lines may come between
        service, _, counts = line.partition(": ")
        if service in services:
            printed[service] = {rule: int(n) for rule, n in (item.rsplit(" ", 1) for item in counts.split(", "))}
    return printed


async def _database(isolated, service: str):
    return await connect(isolated.settings(SERVICES[service].settings).service_database_url)


async def test_every_service_applies_all_its_rules_and_logs_them(isolated) -> None:
    printed = await _purge(isolated, *SERVICES)
    for name, manifest in SERVICES.items():
        rules = [rule.name for rule in manifest.retention_rules(manifest.settings(env="test"))]
        assert list(printed[name]) == rules, f"{name}: purged {list(printed[name])}, declares {rules}"
        conn = await _database(isolated, name)
        try:
            assert [r["rule"] for r in await conn.fetch("SELECT rule FROM purge_log ORDER BY id")] == rules
        finally:
            await conn.close()


async def test_chat_deletes_conversations_closed_long_ago_with_their_messages(isolated) -> None:
    old, recent, waiting = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    conn = await _database(isolated, "chat")
    try:
        await conn.execute(f"""INSERT INTO chat_sessions (id, status, closed_at, created_at) VALUES
                               ($1, 'closed', {OLD}, {OLD}), ($2, 'closed', {RECENT}, {OLD}),
                               ($3, 'waiting', NULL, {OLD})""", old, recent, waiting)
        await conn.execute("INSERT INTO chat_messages (session_id, seq, author, code) VALUES ($1, 1, 'system', 'x')",
                           old)
        assert (await _purge(isolated, "chat"))["chat"]["chat.closed_sessions"] == 1
        assert {r["id"] for r in await conn.fetch("SELECT id FROM chat_sessions")} == {recent, waiting}
        assert await conn.fetchval("SELECT count(*) FROM chat_messages") == 0
    finally:
        await conn.close()


async def test_escalation_keeps_the_codes_of_incidents_closed_long_ago_and_drops_what_is_sealed(isolated) -> None:
    old, recent, open_old = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    sealed = "contact_sealed = '\\x01', patrol_sealed = '\\x02', location_sealed = '{}', summary_sealed = '{}'"
    conn = await _database(isolated, "escalation")
    try:
        for incident, status, closed in ((old, "closed", OLD), (recent, "closed", RECENT), (open_old, "open", "NULL")):
            await conn.execute(f"""INSERT INTO incidents (id, emergency_id, source, kind, priority, level, status,
                                       closed_at, outcome, created_at)
                                   VALUES ($1, $2, 'intake', 'report', 'p1', 'national', $3, {closed}, 'x', {OLD})""",
                               incident, uuid.uuid4(), status)
            await conn.execute(f"UPDATE incidents SET {sealed} WHERE id = $1", incident)
            await conn.execute("INSERT INTO incident_notes (incident_id, author_sub, author_alias, text_sealed) "
                               "VALUES ($1, 'sub', 'Alias', '\\x03')", incident)
        await conn.execute(f"INSERT INTO erased_reports (report_id, erased_at) VALUES ($1, {OLD}), ($2, {RECENT})",
                           uuid.uuid4(), uuid.uuid4())
        counts = (await _purge(isolated, "escalation"))["escalation"]
        assert counts["escalation.closed_sealed_fields"] == 1 and counts["escalation.closed_notes"] == 1
        assert counts["escalation.erased_reports"] == 1
        rows = {r["id"]: r for r in await conn.fetch(
            """SELECT id, outcome, contact_sealed IS NULL AND patrol_sealed IS NULL AND location_sealed IS NULL
                      AND summary_sealed IS NULL AS blank FROM incidents""")}
        assert rows[old]["blank"] and rows[old]["outcome"] == "x", "the codes stay, what is sealed goes"
        assert not rows[recent]["blank"] and not rows[open_old]["blank"]
        notes = {r["incident_id"] for r in await conn.fetch("SELECT incident_id FROM incident_notes")}
        assert notes == {recent, open_old}
    finally:
        await conn.close()


async def test_routing_drops_triage_entries_and_tombstones_past_their_time(isolated) -> None:
    old, recent = uuid.uuid4(), uuid.uuid4()
    conn = await _database(isolated, "routing")
    try:
        for report, at in ((old, OLD), (recent, RECENT)):
            await conn.execute(f"""INSERT INTO triage_reports (report_id, postal_code, reason, category, level,
                                       danger_level, received_at)
                                   VALUES ($1, '35000', 'no_competence', 'rape', 'blue', 'standard', {at})""", report)
        counts = (await _purge(isolated, "routing"))["routing"]
        assert counts["routing.triage_reports"] == 1
        assert [r["report_id"] for r in await conn.fetch("SELECT report_id FROM triage_reports")] == [recent]
    finally:
        await conn.close()

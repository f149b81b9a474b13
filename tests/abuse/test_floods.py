"""Floods of fake emergencies and chats: the allowance follows an IPv6 /64 and is shared by every replica, and
past the department's or the nation's ceiling every report is still kept and numbered while the dispatch console
rings once for the burst and supervision is alerted."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest
import yaml
from prometheus_client import REGISTRY

from relais_chat import queueing
from relais_chat.app import create_app as create_chat
from relais_chat.settings import ChatSettings
from relais_escalation.app import create_app as create_escalation
from relais_escalation.settings import EscalationSettings
from relais_intake.app import create_app as create_intake
from relais_intake.settings import IntakeSettings
from relais_routing.app import create_app as create_routing
from relais_routing.settings import RoutingSettings
from relais_shared import tickets
from relais_shared.contracts import Jurisdiction
from tests.browser.conftest import async_chromium
from tests.escalation.helpers import ConsoleClient, bearer, emergency, publish, token, write_policies
from tests.signin import page_errors, provider_settings, sign_in, start_provider_for
from tests.support import free_port, running_app, serving, wait_until

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "deploy" / "monitoring" / "alerts.yml"
SHOTS = ROOT / "test-artifacts" / "screenshots"
EMERGENCY_NUMBERS = {"17", "112", "114"}
# Deadlines far away: the test looks at who rings, not at the ladder climbing.
SLOW_POLICY = {"steps": [{"target": "centre_dispatchers", "deadline_seconds": {"p1": 600, "p2": 600}},
                         {"target": "national_supervision", "deadline_seconds": {"p1": 600, "p2": 600}}],
               "repeat_seconds": {"p1": 600, "p2": 600}}


def report(**overrides) -> dict:
    body = {"role": "victim", "category": "domestic_violence", "postal_code": "35690", "occurred": "today",
            "text": "il est devant la porte", "danger_answers": {}}
    return {**body, **overrides}


def sent_from(address: str) -> dict[str, str]:
    """The one hop intake trusts (its reverse proxy) says who the client is."""
    return {"X-Forwarded-For": address}


def bursts(service: str, scope: str = "department") -> float:
    return REGISTRY.get_sample_value("relais_bursts_total", {"service": service, "scope": scope}) or 0.0


@pytest.fixture
async def routing_url(isolated):
    async with serving(create_routing(isolated.settings(RoutingSettings))) as url:
        yield url


@pytest.fixture
def intake_settings(isolated, routing_url):
    def make(**overrides) -> IntakeSettings:
        values = {"routing_url": routing_url, "trusted_proxy_hops": 1, "chat_public_url": ""}
        return isolated.settings(IntakeSettings, **{**values, **overrides})

    return make


def test_an_allowance_belongs_to_an_ipv6_64_or_to_one_ipv4_address():
    from relais_shared.ratelimit import network_of

    assert network_of("2001:db8:7:1::1") == network_of("2001:db8:7:1:ffff:ffff:ffff:fffe") == "2001:db8:7:1::/64"
    assert network_of("[2001:db8:7:1::9]:54321") == "2001:db8:7:1::/64"  # a proxy that keeps the port
    assert network_of("2001:db8:7:2::1") != network_of("2001:db8:7:1::1")
    assert network_of("192.0.2.1") != network_of("192.0.2.2")
    assert network_of("::ffff:192.0.2.1") == network_of("192.0.2.1:4431") == "192.0.2.1"
    # NAT64: one IPv6 prefix carries every IPv4 client of the carrier; each keeps its own allowance.
    assert network_of("64:ff9b::c000:201") == "192.0.2.1" != network_of("64:ff9b::c000:202")
    assert network_of("not an address") == "not an address"


async def test_one_64_and_two_replicas_share_one_allowance(intake_settings):
    settings = intake_settings(reports_per_hour=4)
    first, second = create_intake(settings), create_intake(settings)
    async with running_app(first) as one, running_app(second) as two:
        replicas = [one, two]
        # Four addresses of one /64, alternating between the two replicas: together they spend one allowance.
        spent = [(await replicas[i % 2].post("/v1/reports", json=report(),
                                             headers=sent_from(f"2001:db8:7:1::{i + 1:x}"))).status_code
                 for i in range(4)]
        refused = [await replica.post("/v1/reports", json=report(), headers=sent_from("2001:db8:7:1:a:b:c:d"))
                   for replica in replicas]
        elsewhere = [(await one.post("/v1/reports", json=report(), headers=sent_from(address))).status_code
                     for address in ("2001:db8:7:2::1", "192.0.2.1", "192.0.2.2")]
    assert spent == [201, 201, 201, 201]
    assert [answer.status_code for answer in refused] == [429, 429]
    assert all("17" in answer.json()["detail"] and "112" in answer.json()["detail"] for answer in refused)
    assert elsewhere == [201, 201, 201]  # the next /64 and other IPv4 clients keep their own allowance


async def test_a_flood_of_danger_now_reports_keeps_every_report_and_rings_once(intake_settings, isolated, tmp_path):
    ceiling = 3
    intake_app = create_intake(intake_settings(reports_per_hour=2, emergency_ceiling_department=ceiling))
    escalation_settings = isolated.settings(
        EscalationSettings, keys_dir=str(tmp_path), policies_path=write_policies(tmp_path, SLOW_POLICY),
        routing_url="http://127.0.0.1:9", feed_poll_seconds=0.5, emergency_ceiling_department=ceiling)
    dispatcher = token(escalation_settings, departments=("35",), roles=("dispatcher",))
    before = bursts("intake")
    async with serving(create_escalation(escalation_settings)) as escalation_url, \
            ConsoleClient(escalation_url, dispatcher) as console, running_app(intake_app) as intake:
        await wait_until(console.hello, 10)
        # Many addresses, each within its own allowance: IPv4 clients and IPv6 clients of distinct /64s.
        flood = [f"198.51.100.{i}" for i in range(1, 9)] + [f"2001:db8:{i}::1" for i in range(1, 5)]
        answers = [await intake.post("/v1/reports", json=report(danger_now=True), headers=sent_from(address))
                   for address in flood]
        second_of_a_64 = await intake.post("/v1/reports", json=report(danger_now=True),
                                           headers=sent_from("2001:db8:1::2"))
        third_of_a_64 = await intake.post("/v1/reports", json=report(danger_now=True),
                                          headers=sent_from("2001:db8:1::3"))
        accepted = [*answers, second_of_a_64]
        # Every person past the ceiling still got the emergency numbers at once, and a receipt.
        for answer in accepted:
            assert answer.status_code == 201, answer.text
            body = answer.json()
            assert body["emergency"] and len(body["receipt"]) == 16
            assert {r["number"] for r in body["orientation"]["national"]} >= EMERGENCY_NUMBERS
        assert third_of_a_64.status_code == 429 and "17" in third_of_a_64.json()["detail"]
        # No report is lost: each is stored and answers on the status API.
        ids = {answer.json()["id"] for answer in accepted}
        statuses = [(await intake.get(f"/v1/reports/{report_id}")).status_code for report_id in ids]
        assert statuses == [200] * len(ids)
        pool = intake_app.state.runtime.pool
        assert await pool.fetchval("SELECT count(*) FROM reports WHERE id = ANY($1::uuid[])", list(ids)) == len(ids)
        assert bursts("intake") - before == len(accepted) - ceiling  # supervision's metric

        seen = await wait_until(lambda: len(console.incidents()) >= len(accepted) and console.incidents(), 30)
        incidents = list(seen.values())
        assert {i["report_id"] for i in incidents} == ids  # one incident per report, none dropped
        in_burst = [i for i in incidents if i.get("burst_id")]
        alone = [i for i in incidents if not i.get("burst_id")]
        assert len(alone) == ceiling and all(i["alert"] for i in alone)
        assert len(in_burst) == len(accepted) - ceiling and len({i["burst_id"] for i in in_burst}) == 1
        assert sum(i["alert"] for i in in_burst) == 1  # the burst rings once, not once per report

        async with httpx.AsyncClient(base_url=escalation_url) as http:
            acknowledged = await http.post(f"/v1/bursts/{in_burst[0]['burst_id']}/acknowledge",
                                           headers=bearer(dispatcher))
            assert acknowledged.status_code == 200, acknowledged.text
            assert acknowledged.json()["acknowledged"] == len(in_burst)

        def burst_settled():
            now = [console.incidents()[i["id"]] for i in in_burst]
            return all(i["status"] == "acknowledged" and not i["alert"] for i in now)

        assert await wait_until(burst_settled, 10)
        assert all(console.incidents()[i["id"]]["alert"] for i in alone)  # the others still wait for a person


async def test_the_console_shows_a_burst_as_one_card_that_a_dispatcher_takes_at_once(isolated, tmp_path):
    from relais_cli.provider import DemoOperator

    port = free_port()
    # The dispatcher of the Ille-et-Vilaine centre, as an account at the operators' provider.
    regie = DemoOperator("regie.35", "Régie 35", "GN", ("35",), ("dispatcher",), "GN-CORG-35", orange=True)
    provider = start_provider_for(tmp_path / "provider", [f"http://127.0.0.1:{port}"], operators=[regie])
    settings = isolated.settings(
        EscalationSettings, keys_dir=str(tmp_path), policies_path=write_policies(tmp_path, SLOW_POLICY),
        routing_url="http://127.0.0.1:9", feed_poll_seconds=0.5, emergency_ceiling_department=1,
        **provider_settings(provider))
    app = create_escalation(settings)
    try:
        async with serving(app, port) as url, async_chromium() as browser:
            await wait_until(lambda: app.state.runtime.consumers, 15)
            page = await browser.new_page()
            problems = page_errors(page, url)
            await sign_in(page, url + "/console", "regie.35")
            await page.get_by_text("Régie 35").first.wait_for()
            await publish(settings.amqp_url, settings.namespace, *(emergency(settings) for _ in range(6)))
            burst = page.locator("li.incident.burst")
            await burst.get_by_text("Vague de signalements · 5 signalements").wait_for(timeout=15_000)
            assert await page.locator("li.incident").count() == 2  # one report alone, one card for the five others
            await burst.get_by_role("button", name="Prendre en compte toute la vague").click()
            await page.locator("li.incident.burst.acknowledged").wait_for(timeout=10_000)
            await burst.get_by_text("Voir les signalements de la vague").click()
            assert await burst.locator(".burst-members li").count() == 5  # each report still there to open
            SHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SHOTS / "escalation-console-burst.png"), full_page=True)
            assert await page.locator("#alarm").is_visible()  # the report outside the burst still waits for a person
    finally:
        provider.stop()
    assert problems == []


async def test_severe_chats_past_the_ceiling_open_marked_and_do_not_jump_the_queue(isolated, tmp_path):
    settings = isolated.settings(ChatSettings, keys_dir=str(tmp_path), trusted_proxy_hops=1, sessions_per_hour=1,
                                 severe_ceiling_department=2, intake_url="http://127.0.0.1:9")
    app = create_chat(settings)
    ring = settings.keyring()
    where = Jurisdiction(force="GN", department="35")

    def ticket(danger_level: str) -> str:
        return tickets.issue(ring, report_id=uuid.uuid4(), category="domestic_violence", level="orange",
                             danger_level=danger_level, jurisdiction=where, lang="fr")

    before = bursts("chat")
    async with running_app(app) as chat:
        high = await chat.post("/v1/sessions", json={"ticket": ticket("high")}, headers=sent_from("203.0.113.50"))
        severe = [await chat.post("/v1/sessions", json={"ticket": ticket("severe")},
                                  headers=sent_from(f"203.0.113.{i}")) for i in range(1, 6)]
        same_64 = [await chat.post("/v1/sessions", json={"ticket": ticket("standard")},
                                   headers=sent_from(f"2001:db8:c::{i}")) for i in (1, 2)]
        assert [answer.status_code for answer in severe] == [201] * 5 and high.status_code == 201
        assert [answer.status_code for answer in same_64] == [201, 429]
        pool = app.state.runtime.pool
        marked = {str(r["id"]): r["burst"] for r in await pool.fetch("SELECT id, burst FROM chat_sessions")}
        ids = [answer.json()["session_id"] for answer in severe]
        assert [marked[i] for i in ids] == [False, False, True, True, True]  # kept, marked past the ceiling
        assert bursts("chat") - before == 3
        async with pool.acquire() as conn:
            order = [str(r["id"]) for r in await queueing.waiting(conn, "platform.gn")]
        # The two severe conversations under the ceiling first; the burst no longer outranks one waiting before it.
        assert order == [*ids[:2], high.json()["session_id"], *ids[2:], same_64[0].json()["session_id"]], order


def test_supervision_is_alerted_when_reports_pass_a_ceiling(tmp_path):
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed: install the Debian package `prometheus`")
    rule = next(r for g in yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["groups"] for r in g["rules"]
                if r["alert"] == "RelaisEmergencyBurst")
    series = 'relais_bursts_total{service="intake",scope="department",pod="intake-0"}'
    firing = {"exp_labels": {"severity": "critical", "service": "intake", "scope": "department"},
              "exp_annotations": {
                  "summary": "intake: reports past the department ceiling",
                  "description": rule["annotations"]["description"],
                  "runbook_url": "docs/operations.md#relaisemergencyburst"}}
    case = {"rule_files": [str(ALERTS)], "evaluation_interval": "1m", "tests": [{
        "interval": "1m",
        "input_series": [{"series": series, "values": "0 0 0 4 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9"}],
        "alert_rule_test": [
            {"eval_time": "2m", "alertname": "RelaisEmergencyBurst", "exp_alerts": []},
            {"eval_time": "5m", "alertname": "RelaisEmergencyBurst", "exp_alerts": [firing]},
            {"eval_time": "24m", "alertname": "RelaisEmergencyBurst", "exp_alerts": []},
        ]}]}
    (tmp_path / "burst-test.yml").write_text(yaml.safe_dump(case))
    done = subprocess.run([promtool, "test", "rules", "burst-test.yml"], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr

"""The thinnest real path through all five services, run as processes and driven over HTTP."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from relais_cli.services import SERVICES
from relais_shared import contracts
from relais_shared.broker import Broker
from tests.support import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def report_status(platform, report_id):
    return httpx.get(f"{platform.url('intake')}/v1/reports/{report_id}", timeout=5).json()


async def routing_of(platform, report_id):
    """What intake recorded of routing's answer (the public API does not show it)."""
    [row] = await fetch(platform, "intake", "SELECT routing FROM reports WHERE id = $1", uuid.UUID(report_id))
    return json.loads(row["routing"])


async def fetch(platform, service, query, *args):
    conn = await asyncpg.connect(platform.database_url(service))
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


async def test_a_report_is_routed_and_a_danger_now_report_opens_an_incident(platform):
    created = httpx.post(f"{platform.url('intake')}/v1/reports", timeout=5,
                         json={"role": "victim", "postal_code": "35690", "category": "domestic_violence",
                               "occurred": "today", "danger_now": True})
    assert created.status_code == 201, created.text
    report_id = created.json()["id"]
    routed = await wait_until(lambda: report_status(platform, report_id)["status"] == "routed", 20)
    assert routed, report_status(platform, report_id)
    routing = await routing_of(platform, report_id)
    assert routing["force"] == "GN" and routing["unit_id"] == "1006079" and routing["platform_queue"] == "platform.gn"
    incidents = await wait_until(lambda: fetch(platform, "escalation", "SELECT * FROM incidents WHERE report_id = $1",
                                               uuid.UUID(report_id)), 20)
    assert len(incidents) == 1 and incidents[0]["kind"] == "danger_now" and incidents[0]["source"] == "intake"


async def test_an_unknown_commune_goes_to_triage(platform):
    created = httpx.post(f"{platform.url('intake')}/v1/reports", timeout=5,
                         json={"role": "witness", "postal_code": "20000", "category": "sexual_harassment",
                               "occurred": "this_week"})
    report_id = created.json()["id"]
    assert await wait_until(lambda: report_status(platform, report_id)["status"] == "unroutable", 20)
    assert (await routing_of(platform, report_id))["reason"] == "no_competence"


async def test_a_completed_intervention_puts_the_victim_on_the_call_back_list(platform):
    isolated = platform.isolated  # the platform's namespace: it is shared by the module
    completed_at = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)
    event = contracts.InterventionCompleted(incident_id=uuid.uuid4(), case_reference="GN-35-2026-0001", force="GN",
                                            department="35", completed_at=completed_at)
    envelope = contracts.wrap(event)
    broker = Broker(isolated.servers.amqp_url, namespace=isolated.namespace, service="test")
    await broker.connect()
    try:
        await broker.publish(envelope.model_dump_json().encode(), routing_key=envelope.type,
                             message_id=str(envelope.event_id), correlation_id=envelope.correlation_id)
    finally:
        await broker.close()
    rows = await wait_until(lambda: fetch(platform, "followup", "SELECT * FROM entries"), 20)
    assert len(rows) == 1
    assert rows[0]["window_start"] == completed_at + timedelta(hours=24)
    assert rows[0]["window_end"] == completed_at + timedelta(hours=48)


def test_every_service_answers_health_and_metrics(platform):
    for service in SERVICES:
        alive = httpx.get(platform.url(service) + "/healthz", timeout=5)
        assert alive.json() == {"status": "alive"}
        # No-trace headers on every answer of every service, pages for victims and operators alike.
        assert alive.headers["cache-control"] == "no-store" and alive.headers["referrer-policy"] == "no-referrer"
        assert "script-src 'self'" in alive.headers["content-security-policy"] and "set-cookie" not in alive.headers
        ready = httpx.get(platform.url(service) + "/readyz", timeout=5).json()
        assert ready == {"ready": True, "checks": {"database": True, "broker": True}}
        assert "relais_http_requests_total" in httpx.get(platform.url(service) + "/metrics", timeout=5).text


def test_ctrl_c_stops_every_child_cleanly(own_platform):
    platform = own_platform  # stopped here: not the module's
    assert platform.stop() == 0
    for service in ("intake", "routing", "chat", "escalation", "followup"):
        with pytest.raises(httpx.ConnectError):
            httpx.get(platform.url(service) + "/healthz", timeout=2)


async def test_the_correlation_id_of_a_request_travels_through_every_event(platform):
    from tests.support import EventTap

    isolated = platform.isolated
    async with EventTap(isolated.servers.amqp_url, isolated.namespace, "report.*") as tap:
        created = httpx.post(f"{platform.url('intake')}/v1/reports", timeout=5,
                             headers={"X-Correlation-ID": "trace-4242"},
                             json={"role": "victim", "postal_code": "75011", "category": "cyber_harassment",
                                   "occurred": "this_month"})
        assert created.headers["x-correlation-id"] == "trace-4242"
        events = await tap.wait_for(2)
    assert {e["type"] for e in events} == {"report.received", "report.routed"}
    assert {e["correlation_id"] for e in events} == {"trace-4242"}

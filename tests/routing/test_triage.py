"""National triage against real PostgreSQL and RabbitMQ: the list, the assignment, erasure, the page."""

import uuid

import pytest

from relais_routing.app import create_app
from tests.routing.conftest import erase, receive, session_cookie, token
from tests.support import EventTap, running_app, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
async def routing(routing_settings):
    settings = routing_settings()
    app = create_app(settings)
    async with running_app(app) as client:
        yield app, client, settings


async def _waiting(app) -> int:
    return await app.state.runtime.pool.fetchval("SELECT count(*) FROM triage_reports")


async def _equals(value, expected) -> bool:
    return (await value) == expected


async def test_unroutable_reports_wait_for_national_triage_most_dangerous_first(routing):
    app, client, settings = routing
    old = await receive(app, "35760", category="sexual_harassment", level="blue")  # ambiguous: commune not chosen
    severe = await receive(app, "20000", danger_level="severe", callback_accepted=True)  # Corsica: no competence
    high = await receive(app, "35760", "75101", category="rape", danger_level="high", mode="chat")  # not of the code
    routed = await receive(app, "35690")
    assert await wait_until(lambda: _equals(_waiting(app), 3), 15)

    answer = await client.get("/v1/triage/reports", headers=token(settings))
    assert answer.status_code == 200, answer.text
    reports = answer.json()["reports"]
    assert [r["report_id"] for r in reports] == [str(severe), str(high), str(old)]
    assert str(routed) not in answer.text
    first = reports[0]
    assert (first["postal_code"], first["insee"], first["reason"], first["category"], first["level"],
            first["danger_level"], first["callback_accepted"]) == (
        "20000", "2A004", "no_competence", "domestic_violence", "orange", "severe", True)
    assert first["commune"] == {"insee": "2A004", "name": "Ajaccio"}
    assert first["suggested_departments"] == ["2A"] and first["waited_seconds"] >= 0 and first["received_at"]
    assert reports[1]["reason"] == "unknown_commune" and reports[1]["mode"] == "chat"
    assert reports[1]["commune"]["insee"] == "75101" and reports[1]["suggested_departments"] == ["75", "35"]
    assert reports[2]["reason"] == "ambiguous_postal_code" and reports[2]["suggested_departments"] == ["35"]
    audit = await app.state.runtime.pool.fetchrow("SELECT actor_sub, action, details FROM audit_log")
    assert (audit["actor_sub"], audit["action"]) == ("triage-1", "triage.list")

    assert (await client.get("/v1/triage/reports")).status_code == 401
    chat_operator = token(settings, sub="chat-1", roles=("chat_operator",))
    local_triage = token(settings, sub="triage-35", departments=("35",))
    for headers in (chat_operator, local_triage):
        refused = await client.get("/v1/triage/reports", headers=headers)
        assert refused.status_code == 403 and "/" in refused.json()["detail"]  # English / French
        assert (await client.post(f"/v1/triage/reports/{severe}/assign", headers=headers,
                                  json={"force": "GN", "department": "2A"})).status_code == 403


async def test_an_assignment_routes_the_report_once_and_is_audited(routing):
    app, client, settings = routing
    headers = token(settings)
    report_id = await receive(app, "35760", callback_accepted=True)
    chosen_elsewhere = await receive(app, "35760", "75101")
    assert await wait_until(lambda: _equals(_waiting(app), 2), 15)
    url = f"/v1/triage/reports/{report_id}/assign"

    for body, field in [({"force": "GN", "department": "99"}, "department"),
                        ({"force": "GN", "department": "<script>"}, "department"),
                        ({"force": "XX", "department": "35"}, "force"), ({"department": "35"}, "force")]:
        refused = await client.post(url, headers=headers, json=body)
        assert refused.status_code == 422, body
        detail = refused.json()["detail"][0]
        assert detail["field"] == field and detail["message"] and detail["message_fr"]
        assert "<script>" not in refused.text
    assert await _waiting(app) == 2  # nothing taken by a refused choice

    async with EventTap(settings.amqp_url, settings.namespace, "report.routed") as tap:
        done = await client.post(url, headers=headers, json={"force": "GN", "department": " 35"})
        assert done.status_code == 200, done.text
        assert done.json() == {"report_id": str(report_id), "force": "GN", "department": "35",
                               "operational_centre": "GN-CORG-35", "platform_queue": "platform.gn"}
        again = await client.post(url, headers=headers, json={"force": "PN", "department": "35"})
        assert again.status_code == 404 and again.json()["detail"]["message_fr"]
        unknown = await client.post(f"/v1/triage/reports/{uuid.uuid4()}/assign", headers=headers,
                                    json={"force": "PN", "department": "35"})
        assert unknown.status_code == 404
        other = await client.post(f"/v1/triage/reports/{chosen_elsewhere}/assign", headers=headers,
                                  json={"force": "PN", "department": "2a"})
        assert other.status_code == 200 and other.json()["operational_centre"] == "PN-CIC-2A"
        events = await tap.wait_for(2)
    by_report = {e["payload"]["report_id"]: e for e in events}
    assert len(events) == 2 and by_report.keys() == {str(report_id), str(chosen_elsewhere)}
    routed = by_report[str(report_id)]
    assert routed["version"] == 2 and routed["payload"] == {
        "report_id": str(report_id), "insee": None, "force": "GN", "unit_id": None, "unit_name": None,
        "department": "35", "operational_centre": "GN-CORG-35", "platform_queue": "platform.gn",
        "assigned_by": "triage"}
    assert by_report[str(chosen_elsewhere)]["payload"]["insee"] is None  # Paris commune, Corsican department
    assert await _waiting(app) == 0
    audit = await app.state.runtime.pool.fetch(
        "SELECT object_id, details FROM audit_log WHERE action = 'triage.assign' ORDER BY id")
    assert [(a["object_id"], a["details"]["department"]) for a in audit] == [
        (str(report_id), "35"), (str(chosen_elsewhere), "2A")]


async def test_an_erased_report_leaves_triage_and_never_comes_back(routing):
    app, client, settings = routing
    report_id = await receive(app, "20000")
    kept = await receive(app, "20000")
    assert await wait_until(lambda: _equals(_waiting(app), 2), 15)
    await erase(app, report_id)
    await erase(app, report_id)  # erasing twice changes nothing more
    assert await wait_until(lambda: _equals(_waiting(app), 1), 15)

    # A late or replayed report.received of the erased report: neither a triage row nor a routing result.
    await receive(app, "20000", report_id=report_id)
    await receive(app, "35690", report_id=report_id)
    marker = await receive(app, "35690")
    pool = app.state.runtime.pool
    assert await wait_until(lambda: _equals(pool.fetchval("SELECT count(*) FROM inbox"), 7), 15)
    results = await pool.fetch(
        """SELECT event_type, convert_from(body, 'UTF8')::jsonb->'payload'->>'report_id' AS report FROM outbox
           WHERE event_type IN ('report.routed', 'report.unroutable') ORDER BY outbox.id""")
    # The two first reports are consumed concurrently: their results may be written in either order.
    assert sorted((r["event_type"], r["report"]) for r in results) == sorted([
        ("report.unroutable", str(report_id)), ("report.unroutable", str(kept)), ("report.routed", str(marker))])
    listed = (await client.get("/v1/triage/reports", headers=token(settings))).json()["reports"]
    assert [r["report_id"] for r in listed] == [str(kept)]
    gone = await client.post(f"/v1/triage/reports/{report_id}/assign", headers=token(settings),
                             json={"force": "GN", "department": "2A"})
    assert gone.status_code == 404


async def test_the_triage_page_is_french_first_with_english_and_leaves_no_trace(routing):
    app, client, _ = routing
    away = await client.get("/triage")
    assert away.status_code == 303 and away.headers["location"] == "/auth/login?next=%2Ftriage&lang=fr"
    signed_in = await session_cookie(app)
    french = await client.get("/triage", headers=signed_in)
    assert french.status_code == 200 and '<html lang="fr">' in french.text
    assert "Tri national" in french.text and 'href="/triage?lang=en"' in french.text
    assert "Major Lefèvre (PN)" in french.text and "/kit/console-kit.js" in french.text
    assert '"code": "2A", "name": "Corse-du-Sud"' in french.text
    assert "token" not in french.text.lower() and "jeton" not in french.text.lower()  # the cookie signs in
    assert french.headers["cache-control"] == "no-store" and "set-cookie" not in french.headers
    assert "script-src 'self'" in french.headers["content-security-policy"]
    english = await client.get("/triage", params={"lang": "en"}, headers=signed_in)
    assert '<html lang="en">' in english.text and "National triage" in english.text
    script = await client.get("/triage/static/triage.js")
    assert script.status_code == 200 and "innerHTML" not in script.text
    for gone in ("Authorization", "sessionStorage", "localStorage", "credentials"):
        assert gone not in script.text
    assert (await client.get("/triage/static/triage.css")).status_code == 200


async def test_the_triage_page_names_the_role_an_account_lacks(routing):
    app, client, _ = routing
    auditor = await session_cookie(app, sub="auditrice", alias="Auditrice", roles=("auditor",))
    refused = await client.get("/triage", headers=auditor)
    assert refused.status_code == 403 and "agent d&#39;orientation" in refused.text and "auditeur" in refused.text
    english = await client.get("/triage", params={"lang": "en"}, headers=auditor)
    assert english.status_code == 403 and "triage operator" in english.text


async def test_the_audit_page_is_for_auditors_french_first(routing):
    app, client, _ = routing
    away = await client.get("/audit")
    assert away.status_code == 303 and away.headers["location"] == "/auth/login?next=%2Faudit&lang=fr"
    auditor = await session_cookie(app, sub="auditrice", alias="Auditrice", force="GN", roles=("auditor",))
    french = await client.get("/audit", headers=auditor)
    assert french.status_code == 200 and "Journal d&#39;audit — routing" in french.text
    assert 'id="audit-filters"' in french.text and "/kit/audit.js" in french.text and "jeton" not in french.text
    english = await client.get("/audit", params={"lang": "en"}, headers=auditor)
    assert english.status_code == 200 and "Audit log — routing" in english.text
    triage_operator = await session_cookie(app)
    refused = await client.get("/audit", headers=triage_operator)
    assert refused.status_code == 403 and "auditeur" in refused.text
    script = await client.get("/kit/audit.js")
    assert script.status_code == 200 and "RelaisKit" in script.text
    for gone in ("innerHTML", "Authorization", "sessionStorage", "localStorage"):
        assert gone not in script.text
    # The page's calls carry the session cookie: the JSON endpoint answers, and records the reading.
    entries = (await client.get("/v1/audit", headers=auditor)).json()
    assert entries == [] or all("action" in e for e in entries)
    read = await app.state.runtime.pool.fetchval("SELECT actor_sub FROM audit_log WHERE action = 'audit.read'")
    assert read == "auditrice"

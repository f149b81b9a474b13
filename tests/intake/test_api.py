"""Intake's public API against real PostgreSQL, RabbitMQ and the routing service."""

import re

import pytest

from relais_intake.app import create_app
from tests.support import EventTap, running_app, wait_until

pytestmark = pytest.mark.integration
CANARY_TEXT = "Canari-Texte-7731 il m'a menacée"
CANARY_PHONE = "06 98 76 54 32"


def report(**overrides):
    body = {"role": "victim", "category": "domestic_violence", "postal_code": "35690", "occurred": "this_week",
            "text": CANARY_TEXT, "danger_answers": {}}
    return {**body, **overrides}


async def raw_dump(pool) -> str:
    """Every row of every intake table as text: what someone reading the database would see."""
    tables = ["reports", "report_messages", "outbox", "exits", "partners"]
    parts = [str([dict(r) for r in await pool.fetch(f"SELECT * FROM {t}")]) for t in tables]
    return "\n".join(parts)


async def test_a_report_is_accepted_with_a_receipt_sealed_at_rest_and_routed(intake, isolated, routing_consumer):
    app, client = intake
    async with EventTap(isolated.servers.amqp_url, isolated.namespace, "report.*") as tap:
        response = await client.post("/v1/reports", json=report(
            contact={"channel": "phone", "phone": CANARY_PHONE, "safe_windows": [{"start": "09:00", "end": "11:00"}]}))
        assert response.status_code == 201, response.text
        body = response.json()
        events = await tap.wait_for(2)
    assert re.fullmatch(r"[0-9]{16}", body["receipt"]) and body["level"] == "orange" and not body["emergency"]
    assert body["orientation"]["national"][0]["number"] in {"17", "112"}
    assert {e["type"] for e in events} == {"report.received", "report.routed"}
    pool = app.state.runtime.pool
    dump = await raw_dump(pool)
    for canary in (CANARY_TEXT, "Canari", CANARY_PHONE, "98 76 54", body["receipt"]):
        assert canary not in dump, f"{canary!r} readable in the raw tables"
    assert all(CANARY_TEXT not in str(e) and CANARY_PHONE not in str(e) for e in events)
    row = await pool.fetchrow("SELECT receipt_hash, text_sealed, status FROM reports WHERE id = $1::uuid", body["id"])
    assert len(row["receipt_hash"]) == 32 and row["text_sealed"]
    assert await wait_until(lambda: pool.fetchval("SELECT status FROM reports WHERE id = $1::uuid", body["id"]), 5)


async def test_danger_now_and_a_severe_assessment_raise_an_emergency_at_once(intake, isolated):
    app, client = intake
    severe = {q.id: True for q in app.state.intake.questionnaire.questions}
    async with EventTap(isolated.servers.amqp_url, isolated.namespace, "emergency.raised") as tap:
        now = await client.post("/v1/reports", json=report(danger_now=True))
        assessed = await client.post("/v1/reports", json=report(danger_answers=severe))
        events = await tap.wait_for(2)
    assert now.json()["emergency"] and assessed.json()["emergency"] and assessed.json()["danger_level"] == "severe"
    kinds = {e["payload"]["report_id"]: e["payload"] for e in events}
    assert kinds[now.json()["id"]]["kind"] == "danger_now" and kinds[now.json()["id"]]["priority"] == "p1"
    assert kinds[assessed.json()["id"]]["kind"] == "severe_assessment"
    summary = kinds[now.json()["id"]]["summary"]
    assert summary["blob"] and "domestic_violence" not in summary["blob"]  # sealed for cleared dispatchers


async def test_a_report_accepted_while_the_broker_is_down_is_delivered_after_it_returns(intake, isolated,
                                                                                        routing_consumer,
                                                                                        broker_control):
    app, client = intake
    broker_control.stop()
    try:
        response = await client.post("/v1/reports", json=report())
        assert response.status_code == 201
        ready = await client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["broker"] is False
    finally:
        broker_control.start()
    pool = app.state.runtime.pool
    routed = await wait_until(lambda: pool.fetchval("SELECT status FROM reports WHERE id = $1::uuid",
                                                    response.json()["id"]), 60)
    assert await wait_until(lambda: _status_is(pool, response.json()["id"], "routed"), 60), routed


async def _status_is(pool, report_id, expected):
    return await pool.fetchval("SELECT status FROM reports WHERE id = $1::uuid", report_id) == expected


async def test_a_code_covering_several_forces_needs_a_commune(intake):
    _, client = intake
    missing = await client.post("/v1/reports", json=report(postal_code="35760"))
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["field"] == "insee" and "choisissez" in missing.json()["detail"][0]["message_fr"]
    wrong = await client.post("/v1/reports", json=report(postal_code="35760", insee="75101"))
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "insee"
    chosen = await client.post("/v1/reports", json=report(postal_code="35760", insee="35189"))
    assert chosen.status_code == 201
    communes = (await client.get("/v1/communes", params={"postal_code": "35760"})).json()
    assert communes["must_choose"] and {c["insee"] for c in communes["communes"]} == {"35189", "35278"}
    monaco = await client.get("/v1/communes", params={"postal_code": "98000"})
    assert monaco.status_code == 422 and "Monaco" in monaco.json()["detail_fr"]


async def test_reports_are_accepted_when_routing_is_down(intake_settings):
    app = create_app(intake_settings(routing_url="http://127.0.0.1:9"))  # nothing listens on the discard port
    async with running_app(app) as client:
        response = await client.post("/v1/reports", json=report(postal_code="35760"))
        assert response.status_code == 201
        assert (await client.get("/v1/communes", params={"postal_code": "35760"})).status_code == 503


async def test_the_receipt_gives_back_the_report_its_messages_and_erasure(intake):
    app, client = intake
    receipt = (await client.post("/v1/reports", json=report())).json()["receipt"]
    view = await client.post("/v1/receipts/report", json={"receipt": receipt})
    assert view.status_code == 200 and view.json()["status"] in {"received", "routed"}
    sent = await client.post("/v1/receipts/messages", json={"receipt": receipt, "text": "Je peux parler le matin."})
    assert sent.status_code == 201
    messages = (await client.post("/v1/receipts/report", json={"receipt": receipt})).json()["messages"]
    assert [(m["author"], m["text"]) for m in messages] == [("reporter", "Je peux parler le matin.")]
    assert "parler le matin" not in await raw_dump(app.state.runtime.pool)
    assert (await client.post("/v1/receipts/erase", json={"receipt": receipt})).json() == {"erased": True}
    gone = await client.post("/v1/receipts/report", json={"receipt": receipt})
    assert gone.status_code == 404 and "16 chiffres" in gone.json()["detail"]["message_fr"]
    unknown = await client.post("/v1/receipts/report", json={"receipt": "0" * 16})
    assert unknown.status_code == 404


BAD_INPUT = [
    ({"category": "domestic_violence"}, "role"),
    (report(postal_code="3500"), "postal_code"),
    (report(postal_code="٣٥٦٩٠"), "postal_code"),
    (report(category="murder"), "category"),
    (report(text="x" * 5001), "text"),
    (report(danger_now="maybe"), "danger_now"),
    (report(surprise=1), "surprise"),
    (report(contact={"channel": "phone"}), "contact.phone"),
    (report(contact={"channel": "phone", "phone": "call me <b>now</b>"}), "contact.phone"),
    (report(occurred_on="2999-01-01"), "occurred_on"),
    (report(danger_answers={"unknown_question": True}), "danger_answers"),
    (report(insee="<script>"), "insee"),
]


async def test_bad_input_gets_a_message_a_person_understands(intake):
    _, client = intake
    for body, field in BAD_INPUT:
        response = await client.post("/v1/reports", json=body)
        assert response.status_code == 422, (field, response.text)
        detail = response.json()["detail"]
        entry = next(d for d in detail if d["field"] == field)
        assert entry["message"] and entry["message_fr"], field
        assert "<script>" not in response.text and "<b>" not in response.text


async def test_malformed_json_a_huge_body_and_a_bad_receipt(intake):
    _, client = intake
    broken = await client.post("/v1/reports", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["detail"][0]["message_fr"]
    huge = await client.post("/v1/reports", content=b"{" + b" " * 70_000 + b"}",
                             headers={"content-type": "application/json"})
    assert huge.status_code == 413 and "volumineuse" in huge.json()["detail"]
    bad_receipt = await client.post("/v1/receipts/report", json={"receipt": "1234"})
    assert bad_receipt.status_code == 422 and "16 chiffres" in bad_receipt.json()["detail"][0]["message_fr"]


async def test_every_answer_leaves_no_trace_on_the_device(intake):
    _, client = intake
    for response in (await client.get("/v1/orientation", params={"category": "rape"}),
                     await client.post("/v1/reports", json=report())):
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "set-cookie" not in response.headers


async def test_the_emergency_exit_is_recorded_without_content(intake):
    app, client = intake
    report_id = (await client.post("/v1/reports", json=report())).json()["id"]
    response = await client.post("/v1/exit", json={"report_id": report_id})
    assert response.status_code == 204 and response.headers["clear-site-data"] == '"cache", "storage"'
    assert (await client.post("/v1/exit")).status_code == 204
    pool = app.state.runtime.pool
    assert await pool.fetchval("SELECT count(*) FROM exits") == 2
    assert await pool.fetchval("SELECT left_by_exit_at IS NOT NULL FROM reports WHERE id = $1::uuid", report_id)


async def test_abuse_is_limited_per_address_with_a_clear_answer(intake_settings):
    app = create_app(intake_settings(reports_per_hour=2))
    async with running_app(app) as client:
        statuses = [(await client.post("/v1/reports", json=report())).status_code for _ in range(3)]
        assert statuses == [201, 201, 429]
        limited = await client.post("/v1/reports", json=report())
        assert "17" in limited.json()["detail"] and limited.headers["retry-after"]

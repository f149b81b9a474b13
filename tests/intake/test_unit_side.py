"""The unit side of reports: scope by force and department, orange clearance, audit, level only raised."""

import uuid
from pathlib import Path

import pytest

from relais_intake import handlers
from relais_intake.app import create_app
from relais_shared import contracts
from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from tests.support import EventTap, running_app, wait_until

pytestmark = pytest.mark.integration


def bearer(settings, **overrides) -> dict[str, str]:
    claims = dict(sub="gn-35-7", alias="Maréchal des logis Roux", force="GN", departments=("35",),
                  roles=frozenset({"chat_operator"}), orange_clearance=True)
    token = mint_token(Path(settings.keys_dir), Operator(**{**claims, **overrides}), issuer=settings.oidc_issuer,
                       audience=settings.oidc_audience)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def unit(intake_settings, routing_consumer, tmp_path):
    settings = intake_settings(keys_dir=str(tmp_path))
    app = create_app(settings)
    async with running_app(app) as client:
        yield app, client, settings


async def routed_report(app, client, **body):
    sent = {"role": "victim", "category": "domestic_violence", "postal_code": "35690", "occurred": "today",
            "text": "Il me suit partout.", **body}
    created = (await client.post("/v1/reports", json=sent)).json()
    pool = app.state.runtime.pool
    assert await wait_until(lambda: _routed(pool, created["id"]), 15)
    return created


async def _routed(pool, report_id):
    return await pool.fetchval("SELECT status FROM reports WHERE id = $1::uuid", report_id) == "routed"


async def test_a_cleared_gendarme_of_the_department_reads_answers_and_is_audited(unit):
    app, client, settings = unit
    created = await routed_report(app, client)
    headers = bearer(settings)
    listed = (await client.get("/v1/unit/reports", headers=headers)).json()
    assert [r["id"] for r in listed] == [created["id"]] and "text" not in listed[0]
    detail = (await client.get(f"/v1/unit/reports/{created['id']}", headers=headers)).json()
    assert detail["text"] == "Il me suit partout." and not detail["restricted"]
    assert (await client.post(f"/v1/unit/reports/{created['id']}/messages", headers=headers,
                              json={"text": "Pouvez-vous venir à la brigade ?"})).status_code == 201
    seen = (await client.post("/v1/receipts/report", json={"receipt": created["receipt"]})).json()
    assert [m["author"] for m in seen["messages"]] == ["unit"]
    actions = await app.state.runtime.pool.fetch("SELECT action, actor_sub FROM audit_log ORDER BY id")
    assert [(a["action"], a["actor_sub"]) for a in actions] == [("report.read", "gn-35-7"),
                                                               ("report.replied", "gn-35-7")]


async def test_out_of_scope_looks_absent_and_orange_needs_clearance(unit):
    app, client, settings = unit
    created = await routed_report(app, client)
    path = f"/v1/unit/reports/{created['id']}"
    for other in (bearer(settings, departments=("72",)), bearer(settings, force="PN")):
        assert (await client.get(path, headers=other)).status_code == 404
        assert (await client.get("/v1/unit/reports", headers=other)).json() == []
    uncleared = bearer(settings, orange_clearance=False)
    detail = (await client.get(path, headers=uncleared)).json()
    assert detail["restricted"] and detail["text"] is None and detail["status"] == "routed"
    assert (await client.post(path + "/messages", headers=uncleared, json={"text": "x"})).status_code == 403
    national = bearer(settings, departments=("*",))
    assert (await client.get(path, headers=national)).json()["text"] == "Il me suit partout."


async def test_a_level_is_raised_with_a_reason_and_never_lowered(unit):
    app, client, settings = unit
    created = await routed_report(app, client, category="sexual_harassment")
    assert created["level"] == "blue"
    path = f"/v1/unit/reports/{created['id']}/level"
    headers = bearer(settings)
    raised = await client.post(path, headers=headers, json={"level": "orange", "reason": "violences sexuelles"})
    assert raised.json() == {"level": "orange"}
    lowered = await client.post(path, headers=headers, json={"level": "blue", "reason": "erreur"})
    assert lowered.status_code == 422 and "jamais abaissé" in lowered.json()["detail"][0]["message_fr"]
    row = await app.state.runtime.pool.fetchrow("SELECT reason, details FROM audit_log WHERE action = "
                                                "'report.level_raised'")
    assert row["reason"] == "violences sexuelles" and row["details"] == {"from": "blue", "to": "orange"}
    uncleared = bearer(settings, orange_clearance=False)
    assert (await client.get(f"/v1/unit/reports/{created['id']}", headers=uncleared)).json()["restricted"]


async def test_the_unit_closes_a_report_once_she_sees_it_closed_and_routing_cannot_reopen_it(unit, isolated):
    app, client, settings = unit
    created = await routed_report(app, client)
    path = f"/v1/unit/reports/{created['id']}/close"
    assert (await client.post(path, headers=bearer(settings, departments=("72",)),
                              json={"outcome": "complaint_filed"})).status_code == 404
    assert (await client.post(path, headers=bearer(settings), json={"outcome": "Plainte déposée"})).status_code == 422
    async with EventTap(isolated.servers.amqp_url, isolated.namespace, "report.closed") as tap:
        closed = await client.post(path, headers=bearer(settings), json={"outcome": "complaint_filed"})
        event = (await tap.wait_for(1))[0]["payload"]
    assert closed.json() == {"status": "closed"}
    assert event == {"report_id": created["id"], "outcome": "complaint_filed", "force": "GN", "department": "35"}
    assert (await client.post(path, headers=bearer(settings), json={"outcome": "oriented"})).status_code == 409
    pool = app.state.runtime.pool
    late = contracts.ReportUnroutable(report_id=uuid.UUID(created["id"]), reason="no_competence", postal_code="35690")
    async with pool.acquire() as conn:
        await handlers.on_report_unroutable(late, conn=conn)
    seen = (await client.post("/v1/receipts/report", json={"receipt": created["receipt"]})).json()
    assert seen["status"] == "closed"
    row = await pool.fetchrow("SELECT actor_sub, details FROM audit_log WHERE action = 'report.closed'")
    assert row["actor_sub"] == "gn-35-7" and row["details"] == {"outcome": "complaint_filed"}

"""Scope, audit, and the statistics export without personal data."""

from datetime import UTC, datetime

from tests.followup.conftest import token
from tests.followup.helpers import add_entry


async def test_another_department_or_force_sees_nothing_and_every_read_is_audited(followup):
    app, client = followup
    settings = app.state.cell.settings
    mine, other_department = token(settings), token(settings, sub="x", departments=("56",))
    other_force = token(settings, sub="y", force="PN")
    entry = await add_entry(client, mine)
    assert (await client.get(f"/v1/entries/{entry['id']}", headers=other_department)).status_code == 404
    assert (await client.get(f"/v1/entries/{entry['id']}", headers=other_force)).status_code == 404
    assert (await client.get("/v1/departments/35/entries", headers=other_department)).status_code == 404
    assert (await client.get("/v1/departments/35/entries", headers=other_force)).json()["entries"] == []
    dispatcher = token(settings, sub="d", roles=("dispatcher",))
    assert (await client.get("/v1/departments/35/entries", headers=dispatcher)).status_code == 403
    supervisor = token(settings, sub="s", roles=("supervisor",))
    assert (await client.post("/v1/departments/35/claim-next", headers=supervisor)).status_code == 403
    uncleared = token(settings, sub="u", orange=False)
    assert (await client.post("/v1/departments/35/claim-next", headers=uncleared)).status_code == 403
    claimed = (await client.post("/v1/departments/35/claim-next", headers=mine)).json()
    assert claimed["entry"]["contact"]["phone"] == "06 12 34 56 78"
    seen_by_supervisor = (await client.get(f"/v1/entries/{entry['id']}", headers=supervisor)).json()
    assert seen_by_supervisor["contact"] is None and seen_by_supervisor["claimed_by"] == "Agent 1"
    audit = await app.state.cell.pool.fetch("SELECT actor_sub, action FROM audit_log ORDER BY id")
    assert [tuple(a) for a in audit] == [("agent-1", "followup.create"), ("y", "followup.list"),
                                         ("agent-1", "followup.claim"),
                                         ("agent-1", "followup.read_contact"), ("s", "followup.read")]


async def test_the_outcomes_export_has_codes_and_dates_but_no_personal_data(followup):
    app, client = followup
    headers = token(app.state.cell.settings)
    entry = await add_entry(client, headers, risk_level="high", unit_id="GN-BTA-35001")
    claim = (await client.post("/v1/departments/35/claim-next", headers=headers)).json()["claimed"]
    body = {"claim_id": claim["claim_id"]}
    await client.post(f"/v1/entries/{entry['id']}/attempts", headers=headers, json={**body, "outcome": "no_answer"})
    await client.post(f"/v1/entries/{entry['id']}/attempts", headers=headers, json={**body, "outcome": "reached"})
    await client.put(f"/v1/entries/{entry['id']}/answers", headers=headers,
                     json={**body, "answers": {"safe_now": "yes", "wants_association": "yes"}})
    bad_outcome = await client.post(f"/v1/entries/{entry['id']}/close", headers=headers,
                                    json={**body, "outcome": "whatever"})
    assert bad_outcome.status_code == 422
    closed = await client.post(f"/v1/entries/{entry['id']}/close", headers=headers,
                               json={**body, "outcome": "reached_oriented_association"})
    assert closed.status_code == 200
    today = datetime.now(UTC).date().isoformat()
    export = await client.get(f"/v1/exports/outcomes.csv?department=35&from={today}&to={today}", headers=headers)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    header, line = export.text.strip().splitlines()
    assert header.startswith("department,force,unit_id,source,risk_level,window_start_date,closed_date,attempts")
    assert line.startswith("35,GN,GN-BTA-35001,manual,high,")
    assert ",2,1,yes,no,no,reached_oriented_association,yes,,yes,,," in line
    for personal in ("06 12", "Lilas", entry["case_reference"], entry["id"]):
        assert personal not in export.text
    backwards = await client.get(f"/v1/exports/outcomes.csv?department=35&from={today}&to=2000-01-01",
                                 headers=headers)
    assert backwards.status_code == 422 and "date" in backwards.json()["detail"][0]["message"]
    elsewhere = await client.get(f"/v1/exports/outcomes.csv?department=56&from={today}&to={today}",
                                 headers=headers)
    assert elsewhere.status_code == 404

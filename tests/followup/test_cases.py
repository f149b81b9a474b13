"""One case, one entry: the report's call-back and the intervention merge whichever comes first."""

import json
import uuid
from datetime import timedelta
from importlib import resources

from relais_followup.app import create_app
from relais_followup.store import open_contact
from tests.followup.conftest import token
from tests.followup.helpers import (
    consumers_ready,
    entry_rows,
    handled,
    intervention,
    publish,
    received,
    routed,
)
from tests.support import running_app, wait_until

PHONE = {"channel": "phone", "phone": "06 12 34 56 78", "safe_windows": [{"start": "18:00", "end": "20:00"}],
         "no_voicemail": True}


async def _entry_where(app, report_id, predicate, timeout=15):
    """The case's only entry once `predicate` holds for it."""
    async def check():
        rows = await entry_rows(app, report_id=report_id)
        return len(rows) == 1 and predicate(rows[0])

    assert await wait_until(check, timeout), "the case's entry never got there"
    [row] = await entry_rows(app, report_id=report_id)
    return row


async def test_a_danger_now_report_then_its_intervention_make_one_entry(followup):
    app, client = followup
    settings = app.state.cell.settings
    await consumers_ready(app)
    report_id = uuid.uuid4()
    # Danger now: intake's questionnaire may still score "standard"; the case is severe.
    await publish(settings, received(settings, report_id, contact=PHONE, danger_now=True), routed(report_id))
    first = await _entry_where(app, report_id, lambda r: True)
    assert (first["source"], first["risk_level"], first["case_reference"]) == \
        ("report", "severe", f"report:{report_id}")
    event = intervention(report_id=report_id, risk="high", hours_ago=2)  # escalation knew no contact
    await publish(settings, event, event)
    row = await _entry_where(app, report_id, lambda r: r["source"] == "intervention")
    assert row["id"] == first["id"] and row["incident_id"] == event.incident_id
    assert row["case_reference"] == event.case_reference and row["risk_level"] == "severe"
    # The window runs from the intervention, not from the report.
    assert row["window_start"] == event.completed_at + timedelta(hours=24)
    assert open_contact(settings.keyring(), row["id"], row["contact_sealed"])["phone"] == "06 12 34 56 78"
    assert (row["contact_status"], row["safe_hours"], row["operational_centre"]) == \
        ("on_file", ["18:00-20:00"], "CORG-35")
    assert len(await entry_rows(app)) == 1
    listed = (await client.get("/v1/departments/35/entries", headers=token(settings))).json()["entries"]
    assert [line["case_reference"] for line in listed] == [event.case_reference]


async def test_an_intervention_then_its_report_make_one_entry(followup):
    app, _ = followup
    settings = app.state.cell.settings
    await consumers_ready(app)
    report_id = uuid.uuid4()
    event = intervention(report_id=report_id, risk="high", hours_ago=2)
    await publish(settings, event)
    first = await _entry_where(app, report_id, lambda r: True)
    assert (first["source"], first["contact_status"], first["case_reference"]) == \
        ("intervention", "missing", event.case_reference)
    await publish(settings, received(settings, report_id, contact=PHONE, danger_now=True), routed(report_id))
    row = await _entry_where(app, report_id, lambda r: r["contact_status"] == "on_file" and r["operational_centre"])
    assert row["id"] == first["id"] and row["source"] == "intervention" and row["risk_level"] == "severe"
    assert (row["window_start"], row["case_reference"]) == (first["window_start"], event.case_reference)
    assert open_contact(settings.keyring(), row["id"], row["contact_sealed"])["phone"] == "06 12 34 56 78"
    assert row["safe_hours"] == ["18:00-20:00"]
    assert len(await entry_rows(app)) == 1


async def test_the_intervention_brings_her_contact_when_the_report_did_not(followup):
    app, _ = followup
    settings = app.state.cell.settings
    await consumers_ready(app)
    report_id = uuid.uuid4()
    await publish(settings, received(settings, report_id, "sexual_assault"), routed(report_id))
    first = await _entry_where(app, report_id, lambda r: True)
    assert first["contact_status"] == "from_intake"
    # Escalation seals her contact for the report, as agreed: the entry keeps it.
    await publish(settings, intervention(report_id=report_id, contact=PHONE, settings=settings, risk="severe"))
    row = await _entry_where(app, report_id, lambda r: r["source"] == "intervention")
    assert row["contact_status"] == "on_file" and row["risk_level"] == "severe"
    assert open_contact(settings.keyring(), row["id"], row["contact_sealed"])["phone"] == "06 12 34 56 78"


async def test_the_agent_holding_a_merged_entry_sees_her_number_and_each_reveal_is_audited(followup):
    app, client = followup
    settings = app.state.cell.settings
    await consumers_ready(app)
    report_id = uuid.uuid4()
    await publish(settings, received(settings, report_id, contact=PHONE, danger_now=True), routed(report_id))
    await _entry_where(app, report_id, lambda r: True)
    await publish(settings, intervention(report_id=report_id, risk="severe", hours_ago=25))
    row = await _entry_where(app, report_id, lambda r: r["source"] == "intervention")
    await app.state.cell.pool.execute("UPDATE entries SET safe_hours = '[]'")  # callable now, whatever the hour
    holder, other = token(settings), token(settings, sub="agent-2", alias="Agent 2")
    claimed = (await client.post("/v1/departments/35/claim-next", headers=holder)).json()
    assert claimed["claimed"]["entry_id"] == str(row["id"])
    assert claimed["entry"]["contact"]["phone"] == "06 12 34 56 78" and claimed["entry"]["held_by_you"]
    again = (await client.get(f"/v1/entries/{row['id']}", headers=holder)).json()
    seen = (await client.get(f"/v1/entries/{row['id']}", headers=other)).json()
    assert again["contact"]["phone"] == "06 12 34 56 78" and seen["contact"] is None
    actions = await app.state.cell.pool.fetch(
        "SELECT actor_sub, action FROM audit_log WHERE object_id = $1 ORDER BY id", str(row["id"]))
    assert [tuple(a) for a in actions] == [("agent-1", "followup.claim"), ("agent-1", "followup.read_contact"),
                                           ("agent-1", "followup.read_contact"), ("agent-2", "followup.read")]


async def test_an_intervention_after_the_cell_closed_the_report_reopens_the_entry_once(followup):
    app, client = followup
    settings, pool = app.state.cell.settings, app.state.cell.pool
    await consumers_ready(app)
    report_id = uuid.uuid4()
    await publish(settings, received(settings, report_id, contact=PHONE), routed(report_id))
    await _entry_where(app, report_id, lambda r: True)
    await pool.execute("UPDATE entries SET window_start = now() - interval '1 hour', safe_hours = '[]'")
    headers = token(settings)

    async def claim_and_close():
        claim = (await client.post("/v1/departments/35/claim-next", headers=headers)).json()["claimed"]
        closed = await client.post(f"/v1/entries/{claim['entry_id']}/close", headers=headers,
                                   json={"claim_id": claim["claim_id"], "outcome": "reached_safe"})
        assert closed.status_code == 200

    await claim_and_close()
    # A call before the patrol went does not stand for the call after it.
    event = intervention(report_id=report_id, risk="high", hours_ago=25)
    await publish(settings, event)
    row = await _entry_where(app, report_id, lambda r: r["status"] == "open")
    assert (row["source"], row["outcome"], row["incident_id"]) == ("intervention", None, event.incident_id)
    await claim_and_close()
    again = await publish(settings, event)  # the same intervention sent again, under a new event id
    await handled(app, again)
    [row] = await entry_rows(app, report_id=report_id)
    assert (row["status"], row["outcome"]) == ("closed", "reached_safe")


async def test_a_cell_whose_rules_open_the_window_at_once_can_call_her_right_after_the_intervention(
        followup_settings, tmp_path):
    rules = json.loads(resources.files("relais_followup.data").joinpath("rules.json").read_text("utf-8"))
    rules["windows_hours"]["intervention"] = {"opens_after": 0, "closes_after": 48}
    (tmp_path / "rules.json").write_text(json.dumps(rules))
    settings = followup_settings(rules_path=str(tmp_path / "rules.json"))
    app = create_app(settings)
    async with running_app(app) as client:
        await consumers_ready(app)
        report_id = uuid.uuid4()
        await publish(settings, intervention(report_id=report_id, contact={"phone": "06 12 34 56 78"},
                                             settings=settings, risk="severe", hours_ago=0))
        await _entry_where(app, report_id, lambda r: True)
        claimed = (await client.post("/v1/departments/35/claim-next", headers=token(settings))).json()
    assert claimed["entry"]["contact"] == {"phone": "06 12 34 56 78"}

"""Entries come from interventions, routed reports whose reporter accepted a call-back, a person, and imports."""

import uuid

from relais_shared import contracts
from tests.followup.conftest import token
from tests.followup.helpers import (
    add_entry,
    consumers_ready,
    entry_rows,
    intervention,
    publish,
    received,
    routed,
    sealed_contact,
    wait_for_entries,
)
from tests.support import EventTap


async def test_an_intervention_puts_the_victim_on_the_list_with_her_contact_sealed(followup):
    app, client = followup
    settings = app.state.cell.settings
    await consumers_ready(app)
    contact = {"phone": "06 11 22 33 44", "address": "12 rue de Brest, Rennes", "channel": "phone",
               "safe_windows": [{"start": "09:00", "end": "11:00"}], "no_voicemail": True}
    event = intervention(contact=contact, settings=settings, risk="high")  # sealed for its incident
    async with EventTap(settings.amqp_url, settings.namespace, "followup.entry_created") as tap:
        await publish(settings, event, event)  # a redelivery must not add her twice
        [row] = await wait_for_entries(app, 1, case_reference=event.case_reference)
        [created] = await tap.wait_for(1)
    assert created["payload"]["source"] == "intervention" and created["payload"]["entry_id"] == str(row["id"])
    assert b"06 11 22 33 44" not in row["contact_sealed"]  # sealed at rest
    assert row["safe_hours"] == ["09:00-11:00"] and row["risk_level"] == "high" and row["contact_status"] == "on_file"
    assert row["report_id"] is None and row["incident_id"] == event.incident_id
    listed = await client.get("/v1/departments/35/entries", headers=token(settings))
    [line] = listed.json()["entries"]
    assert "contact" not in line and line["time_zone"] == "Europe/Paris" and line["due"]
    assert len(await entry_rows(app, case_reference=event.case_reference)) == 1


async def test_a_contact_opens_only_with_the_context_follow_up_derives_itself(followup):
    app, _ = followup
    settings = app.state.cell.settings
    await consumers_ready(app)
    phone = {"phone": "06 99 88 77 66"}
    # Sealed for another case, but declaring this one's context: the declared context is not believed.
    forged = intervention(settings=settings)
    other = sealed_contact(settings, phone, uuid.uuid4())
    forged = forged.model_copy(update={"contact": contracts.Sealed(context=f"followup.contact:{forged.incident_id}",
                                                                   blob=other.blob)})
    # With a report, the contact is sealed for the report: one sealed for the incident does not open.
    report_id = uuid.uuid4()
    wrong_id = intervention(settings=settings, report_id=report_id)
    wrong_id = wrong_id.model_copy(update={"contact": sealed_contact(settings, phone, wrong_id.incident_id)})
    await publish(settings, forged, wrong_id)
    rows = await wait_for_entries(app, 2, source="intervention")
    assert [(r["contact_status"], r["contact_sealed"]) for r in rows] == [("missing", None)] * 2


async def test_a_routed_report_becomes_an_entry_whichever_event_comes_first_in_every_category(followup):
    app, _ = followup
    await consumers_ready(app)
    settings = app.state.cell.settings

    def report(report_id, category, accepted=True, contact=None):
        return received(settings, report_id, category, accepted=accepted, contact=contact, danger_level="high",
                        postal_code="97400", insee="97411")

    def route(report_id):
        return contracts.ReportRouted(report_id=report_id, insee="97411", force="PN", unit_id="PN-CSP-974",
                                      unit_name="CSP Saint-Denis", department="974", operational_centre="CIC-974",
                                      platform_queue="platform.PN")

    first, second, blue, declined = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    phone = {"channel": "phone", "phone": "0692 11 22 33", "safe_windows": [{"start": "09:00", "end": "11:00"}],
             "no_voicemail": True}
    others = {uuid.uuid4(): category for category in ("rape", "sexual_assault", "cyber_harassment")}
    await publish(settings, route(first), report(first, "domestic_violence", contact=phone),
                  report(second, "intra_family_violence"), route(second), report(blue, "other"), route(blue),
                  report(declined, "domestic_violence", accepted=False), route(declined),
                  *[e for rid, category in others.items() for e in (report(rid, category), route(rid))])
    rows = await wait_for_entries(app, 6, source="report")
    # Her consent to a call-back decides, not the kind of violence.
    assert {r["report_id"] for r in rows} == {first, second, blue, *others}
    for row in rows:
        assert (row["force"], row["department"], row["risk_level"], row["time_zone"]) == \
            ("PN", "974", "high", "Indian/Reunion")
        assert row["case_reference"] == f"report:{row['report_id']}"
    by_report = {r["report_id"]: r for r in rows}
    assert by_report[first]["contact_status"] == "on_file" and by_report[first]["safe_hours"] == ["09:00-11:00"]
    assert b"0692" not in by_report[first]["contact_sealed"]
    assert by_report[second]["contact_status"] == "from_intake" and by_report[second]["contact_sealed"] is None
    assert await entry_rows(app, report_id=declined) == []  # no call-back without her consent
    facts = await app.state.cell.pool.fetchval("SELECT count(*) FROM report_facts WHERE contact IS NOT NULL")
    assert facts == 0  # the event's sealed copy is dropped once the entry holds its own


async def test_a_report_assigned_by_national_triage_reaches_the_departments_list(followup):
    app, client = followup
    await consumers_ready(app)
    settings = app.state.cell.settings
    report_id = uuid.uuid4()
    # Routing could not resolve the commune; a triage operator chose the force and department.
    await publish(settings, received(settings, report_id, "rape", contact={"channel": "phone", "phone": "0611"},
                                     insee=None),
                  routed(report_id, department="56", insee=None, unit_id=None, assigned_by="triage"))
    [row] = await wait_for_entries(app, 1, report_id=report_id)
    assert (row["force"], row["department"], row["unit_id"], row["insee"]) == ("GN", "56", None, None)
    listed = await client.get("/v1/departments/56/entries", headers=token(settings, departments=("56",)))
    assert [line["case_reference"] for line in listed.json()["entries"]] == [f"report:{report_id}"]


async def test_an_operator_adds_a_victim_by_hand_within_her_scope_only(followup):
    app, client = followup
    settings = app.state.cell.settings
    headers = token(settings)
    line = await add_entry(client, headers, risk_level="severe", safe_hours=["18:00-20:00"],
                           channels=["phone", "trusted_person"], via_trusted_person=True)
    assert line["source"] == "manual" and line["risk_level"] == "severe" and line["via_trusted_person"]
    again = await client.post("/v1/departments/35/entries", headers=headers,
                              json={"case_reference": line["case_reference"]})
    assert again.status_code == 409 and "déjà" in again.json()["detail"]
    elsewhere = await client.post("/v1/departments/56/entries", headers=headers, json={"case_reference": "X-1"})
    assert elsewhere.status_code == 404
    bad = await client.post("/v1/departments/35/entries", headers=headers,
                            json={"case_reference": "X-2", "safe_hours": ["9h-10h"], "contact": {"phone": "abc"}})
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["detail"]} == {"safe_hours.0", "contact.phone"}
    assert (await client.post("/v1/departments/35/entries", json={"case_reference": "X-3"})).status_code == 401

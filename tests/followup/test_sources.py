"""Entries come from interventions, routed reports of domestic violence, a person adding one, and imports."""

import base64
import json
import uuid

from relais_shared import contracts
from tests.followup.conftest import token
from tests.followup.helpers import (
    add_entry,
    consumers_ready,
    entry_rows,
    intervention,
    publish,
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
    event = intervention(contact=sealed_contact(settings, contact), risk="high")
    async with EventTap(settings.amqp_url, settings.namespace, "followup.entry_created") as tap:
        await publish(settings, event, event)  # a redelivery must not add her twice
        [row] = await wait_for_entries(app, 1, case_reference=event.case_reference)
        [created] = await tap.wait_for(1)
    assert created["payload"]["source"] == "intervention" and created["payload"]["entry_id"] == str(row["id"])
    assert b"06 11 22 33 44" not in row["contact_sealed"]  # sealed at rest
    assert row["safe_hours"] == ["09:00-11:00"] and row["risk_level"] == "high" and row["contact_status"] == "on_file"
    listed = await client.get("/v1/departments/35/entries", headers=token(settings))
    [line] = listed.json()["entries"]
    assert "contact" not in line and line["time_zone"] == "Europe/Paris" and line["due"]
    assert len(await entry_rows(app, case_reference=event.case_reference)) == 1


async def test_a_routed_report_of_domestic_violence_becomes_an_entry_whichever_event_comes_first(followup):
    app, _ = followup
    await consumers_ready(app)
    settings = app.state.cell.settings

    def received(report_id, category, accepted=True, contact=None):
        sealed = None
        if contact is not None:
            context = f"followup.contact:{report_id}"
            blob = settings.keyring().seal(json.dumps(contact), context=context)
            sealed = contracts.Sealed(context=context, blob=base64.urlsafe_b64encode(blob).decode())
        return contracts.ReportReceived(report_id=report_id, postal_code="97400", insee="97411", category=category,
                                        level="orange" if category != "other" else "blue", danger_level="high",
                                        role="victim", callback_accepted=accepted, contact=sealed)

    def routed(report_id):
        return contracts.ReportRouted(report_id=report_id, insee="97411", force="PN", unit_id="PN-CSP-974",
                                      unit_name="CSP Saint-Denis", department="974", operational_centre="CIC-974",
                                      platform_queue="platform.PN")

    first, second, blue, declined = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    phone = {"channel": "phone", "phone": "0692 11 22 33", "safe_windows": [{"start": "09:00", "end": "11:00"}],
             "no_voicemail": True}
    await publish(settings, routed(first), received(first, "domestic_violence", contact=phone),
                  received(second, "intra_family_violence"), routed(second), received(blue, "other"), routed(blue),
                  received(declined, "domestic_violence", accepted=False), routed(declined))
    rows = await wait_for_entries(app, 2, source="report")
    assert {r["report_id"] for r in rows} == {first, second}
    for row in rows:
        assert (row["force"], row["department"], row["risk_level"], row["time_zone"]) == \
            ("PN", "974", "high", "Indian/Reunion")
    by_report = {r["report_id"]: r for r in rows}
    assert by_report[first]["contact_status"] == "on_file" and by_report[first]["safe_hours"] == ["09:00-11:00"]
    assert b"0692" not in by_report[first]["contact_sealed"]
    assert by_report[second]["contact_status"] == "from_intake" and by_report[second]["contact_sealed"] is None
    assert await entry_rows(app, report_id=blue) == []
    assert await entry_rows(app, report_id=declined) == []  # no call-back without her consent


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

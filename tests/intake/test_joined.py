"""What intake hands the next person in the chain: routing's answer stamped once, the sealed contact on the
emergency and for follow-up, the chat-mode report and its ticket, erasure that travels, routing that comes late."""

import json
import uuid

import pytest

from relais_intake import handlers
from relais_intake.app import create_app
from relais_shared import contracts, tickets
from relais_shared.sealing import open_field
from tests.support import EventTap, running_app, wait_until

pytestmark = pytest.mark.integration
PHONE = "06 98 76 54 32"
CONTACT = {"channel": "phone", "phone": PHONE, "safe_windows": [{"start": "09:00", "end": "11:00"}],
           "no_voicemail": True}


def by_type(events):
    return {e["type"]: e for e in events}


async def test_routing_is_asked_once_and_its_answer_travels_with_the_contact_sealed_for_each_reader(intake, isolated):
    app, client = intake
    asked = []
    communes = app.state.intake.routing.communes

    async def counted(postal_code):
        asked.append(postal_code)
        return await communes(postal_code)

    app.state.intake.routing.communes = counted
    body = {"role": "victim", "category": "rape", "postal_code": "35760", "insee": "35278", "occurred": "today",
            "danger_now": True, "contact": CONTACT, "location_hint": "près de la gare"}
    async with EventTap(isolated.servers.amqp_url, isolated.namespace, "report.received", "emergency.raised") as tap:
        accepted = (await client.post("/v1/reports", json=body)).json()
        events = by_type(await tap.wait_for(2))
    assert asked == ["35760"]
    received, emergency = events["report.received"], events["emergency.raised"]
    assert (received["version"], emergency["version"]) == (3, 3)
    stamp = received["payload"]["jurisdiction"]
    assert (stamp["force"], stamp["department"], stamp["insee"]) == ("PN", "35", "35278") and stamp["unit_id"]
    assert received["payload"]["mode"] == "report" and received["payload"]["callback_accepted"]
    e = emergency["payload"]
    assert (e["force"], e["department"], e["insee"]) == ("PN", "35", "35278")
    assert e["operational_centre"] == stamp["operational_centre"] and e["danger_level"] == "severe"  # in danger now
    ring = app.state.intake.keyring
    report_id, emergency_id = accepted["id"], e["emergency_id"]
    sealed = contracts.Sealed(**e["contact"])
    assert json.loads(open_field(ring, sealed, context=f"escalation.contact:{emergency_id}")) == {
        **CONTACT, "trusted_person_name": None, "trusted_person_phone": None}
    # A rape report's call-back reaches follow-up too (not only domestic violence), sealed for that case only.
    followup = contracts.Sealed(**received["payload"]["contact"])
    assert json.loads(open_field(ring, followup, context=f"followup.contact:{report_id}"))["phone"] == PHONE
    with pytest.raises(ValueError):
        open_field(ring, followup, context=f"escalation.contact:{emergency_id}")
    assert PHONE not in json.dumps(events) and "gare" not in json.dumps(events)


async def test_a_chat_report_needs_only_the_place_and_the_category_and_its_ticket_vouches_for_it(intake, isolated):
    app, client = intake
    async with EventTap(isolated.servers.amqp_url, isolated.namespace, "report.received") as tap:
        created = await client.post("/v1/reports", json={"mode": "chat", "category": "sexual_assault",
                                                         "postal_code": "35690", "lang": "en"})
        received = (await tap.wait_for(1))[0]["payload"]
    assert created.status_code == 201, created.text
    accepted = created.json()
    assert received["mode"] == "chat" and received["role"] is None and not received["callback_accepted"]
    assert received["jurisdiction"]["force"] == "GN" and received["jurisdiction"]["insee"] == "35001"
    ticket = tickets.redeem(app.state.intake.keyring, accepted["chat_ticket"])
    assert (str(ticket.report_id), ticket.level, ticket.lang) == (accepted["id"], "orange", "en")
    assert ticket.jurisdiction.force == "GN"
    row = await app.state.runtime.pool.fetchrow("SELECT mode, role, text_sealed FROM reports WHERE id = $1::uuid",
                                                accepted["id"])
    assert dict(row) == {"mode": "chat", "role": None, "text_sealed": None}
    written = await client.post("/v1/reports", json={"category": "rape", "postal_code": "35690"})
    assert {d["field"] for d in written.json()["detail"]} == {"role", "occurred"}  # a written report still asks


async def test_without_routing_nothing_is_stamped_and_the_chat_goes_to_national_triage(intake_settings, isolated):
    app = create_app(intake_settings(routing_url="http://127.0.0.1:9"))  # nothing listens on the discard port
    async with running_app(app) as client, EventTap(isolated.servers.amqp_url, isolated.namespace,
                                                     "report.received") as tap:
        accepted = (await client.post("/v1/reports", json={"mode": "chat", "category": "other",
                                                           "postal_code": "35760"})).json()
        assert (await tap.wait_for(1))[0]["payload"]["jurisdiction"] is None
    assert tickets.redeem(app.state.intake.keyring, accepted["chat_ticket"]).jurisdiction is None


async def test_erasure_travels_and_a_late_routing_result_changes_nothing(intake, isolated, routing_consumer):
    app, client = intake
    pool = app.state.runtime.pool
    accepted = (await client.post("/v1/reports", json={"role": "victim", "category": "domestic_violence",
                                                       "postal_code": "35690", "occurred": "today"})).json()
    assert await wait_until(lambda: _status(pool, accepted["id"], "routed"), 15)
    async with EventTap(isolated.servers.amqp_url, isolated.namespace, "report.erased") as tap:
        assert (await client.post("/v1/receipts/erase", json={"receipt": accepted["receipt"]})).status_code == 200
        erased = (await tap.wait_for(1))[0]
    assert erased["payload"] == {"report_id": accepted["id"]}
    late = contracts.ReportRouted(report_id=uuid.UUID(accepted["id"]), insee="35001", force="GN", unit_id=None,
                                  unit_name=None, department="35", operational_centre=None,
                                  platform_queue="platform.gn", assigned_by="triage")
    unroutable = contracts.ReportUnroutable(report_id=late.report_id, reason="no_competence", postal_code="35690")
    async with pool.acquire() as conn:
        await handlers.on_report_routed(late, conn=conn)
        await handlers.on_report_unroutable(unroutable, conn=conn)
    assert await _status(pool, accepted["id"], "erased")


async def _status(pool, report_id, expected):
    return await pool.fetchval("SELECT status FROM reports WHERE id = $1::uuid", report_id) == expected

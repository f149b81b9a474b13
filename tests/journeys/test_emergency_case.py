"""J1 and J4: a victim in danger now, the dispatcher who reaches her, the cell that calls her back, her erasure.

J1: a danger-now domestic-violence report with a phone → the incident on the dispatch console, her number
visible to the cleared dispatcher → acknowledge → close as an intervention → exactly one follow-up entry, her
number shown to the agent who claims it → call, questionnaire, close.
J4: afterwards she comes back with her receipt, talks in the chat, then erases → her number no longer appears
anywhere an operator can see, and the incident's summary and the chat transcript are gone.
"""

from __future__ import annotations

import httpx
import pytest

from tests.journeys.people import (
    CELL_GN_35,
    CHAT_GN_35,
    DISPATCHER_GN_35,
    PHONE_NUMBER,
    UNIT_GN_35,
    Api,
    eventually,
    sign_in,
)
from tests.journeys.victim import chat_from_come_back, come_back

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]
CASE: dict = {}  # what J1 leaves for J4: the same person, the same case


def test_j1_danger_now_reaches_the_dispatcher_then_one_call_back(platform, desk):
    answer = httpx.post(platform.url("intake") + "/v1/reports", timeout=15, json={
        "role": "victim", "postal_code": "35690", "category": "domestic_violence", "occurred": "ongoing",
        "danger_now": True, "location_hint": "Résidence des Lilas, bâtiment B",
        "contact": {"channel": "phone", "phone": PHONE_NUMBER, "no_voicemail": True}})
    assert answer.status_code == 201, answer.text
    CASE.update(report_id=answer.json()["id"], receipt=answer.json()["receipt"])

    # The dispatcher of the Ille-et-Vilaine gendarmerie centre sees the incident and how to reach her.
    dispatch = Api(platform.url("escalation"), DISPATCHER_GN_35)
    incident = eventually(lambda: next((i for i in dispatch.get("/v1/incidents").json()["incidents"]
                                        if i["report_id"] == CASE["report_id"]), None))
    assert (incident["force"], incident["department"], incident["jurisdiction_resolved"]) == ("GN", "35", True)
    sign_in(desk, platform, platform.url("escalation") + "/console", DISPATCHER_GN_35)
    card = desk.locator(f"li.incident[data-incident='{incident['id']}']")
    card.wait_for(timeout=15_000)
    card.get_by_role("button", name="Prendre en compte").click()
    desk.locator(f"li.incident.acknowledged[data-incident='{incident['id']}']").wait_for(timeout=15_000)
    desk.locator("#show-contact").click()
    desk.locator("#contact").get_by_text(PHONE_NUMBER).wait_for(timeout=10_000)
    assert "Lilas" in desk.locator("#contact").inner_text()
    desk.get_by_label("Issue").select_option("intervention_carried_out")
    desk.get_by_role("button", name="Clore").click()
    desk.locator(f"li.incident.closed[data-incident='{incident['id']}']").wait_for(timeout=15_000)
    CASE["incident_id"] = incident["id"]

    # The department's cell has exactly one entry for her case, at her case's danger level.
    cell = Api(platform.url("followup"), CELL_GN_35)

    def entries():
        listed = cell.get("/v1/departments/35/entries").json()["entries"]
        return listed if listed and all(e["source"] == "intervention" for e in listed) else None

    listed = eventually(entries)
    assert len(listed) == 1, listed
    assert listed[0]["risk_level"] == "severe"
    assert PHONE_NUMBER not in str(listed)  # the list never shows a number; only the agent holding the entry

    # The agent claims her, sees her number, calls, answers the questionnaire and closes.
    sign_in(desk, platform, platform.url("followup") + "/cell", CELL_GN_35)
    desk.locator("#claim-next").click()
    desk.locator("#contact-phone").get_by_text(PHONE_NUMBER).wait_for(timeout=10_000)
    desk.locator("#attempt-buttons button[data-outcome=reached]").click()
    desk.locator("#q-safe_now-yes").check()
    desk.locator("#questionnaire button[type=submit]").click()
    desk.locator("#outcome").select_option("reached_safe")
    desk.locator("#close-form button[type=submit]").click()
    eventually(lambda: cell.get("/v1/departments/35/entries").json()["entries"] == [])
    CASE["entry_id"] = listed[0]["id"]


def test_j4_erasure_by_receipt_reaches_every_service(platform, phone, browser):
    assert CASE, "J4 continues J1's case"
    words = "Il est parti, je peux parler."
    officer = chat_from_come_back(platform, phone, CASE["receipt"], browser, CHAT_GN_35, words)
    come_back(platform, phone, CASE["receipt"])
    phone.locator("#erase").click()
    phone.locator("#erase-confirm").click()
    phone.locator("#erased").wait_for(timeout=15_000)

    dispatch = Api(platform.url("escalation"), DISPATCHER_GN_35)
    contact = eventually(lambda: (c := dispatch.get(f"/v1/incidents/{CASE['incident_id']}/contact").json())["erased"]
                         and c)
    assert contact["contact"] is None and contact["location_hint"] is None
    detail = dispatch.get(f"/v1/incidents/{CASE['incident_id']}").json()
    assert not detail.get("summary") and PHONE_NUMBER not in str(detail) and "Lilas" not in str(detail)

    cell = Api(platform.url("followup"), CELL_GN_35)
    entry = eventually(lambda: (e := cell.get(f"/v1/entries/{CASE['entry_id']}").json())["contact_status"] == "erased"
                       and e)
    assert PHONE_NUMBER not in str(entry) and not entry.get("contact") and not entry.get("answers")
    assert cell.get("/v1/departments/35/entries").json()["entries"] == []

    unit = Api(platform.url("intake"), UNIT_GN_35)
    assert unit.get(f"/v1/unit/reports/{CASE['report_id']}").status_code == 404

    # The conversation she had is gone from the officer's console too.
    try:
        eventually(lambda: officer.sees_nowhere(words), timeout=20, interval=1)
    finally:
        officer.close()

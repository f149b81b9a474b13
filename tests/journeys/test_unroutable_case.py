"""J3: a report whose commune has no competence row → national triage assigns it → with her consent she appears
on that department's follow-up list."""

from __future__ import annotations

import httpx
import pytest

from tests.journeys.people import CELL_GN_2A, PHONE_NUMBER, TRIAGE, Api, eventually, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]


def test_j3_national_triage_assigns_an_unroutable_report_and_the_cell_calls_her(platform, desk):
    # Ajaccio has no row in the competence sample: routing cannot say who is competent.
    answer = httpx.post(platform.url("intake") + "/v1/reports", timeout=15, json={
        "role": "victim", "postal_code": "20000", "category": "sexual_assault", "occurred": "this_week",
        "contact": {"channel": "phone", "phone": PHONE_NUMBER, "no_voicemail": True}})
    assert answer.status_code == 201, answer.text
    report_id = answer.json()["id"]

    triage = Api(platform.url("routing"), TRIAGE)
    eventually(lambda: any(r["report_id"] == report_id for r in triage.get("/v1/triage/reports").json()["reports"]))
    sign_in(desk, platform, platform.url("routing") + "/triage", TRIAGE)
    form = desk.locator(f"form.assign-form[data-report-id='{report_id}']")
    form.wait_for(timeout=15_000)
    form.locator("select[name=force]").select_option("GN")
    form.locator("select[name=department]").select_option("2A")
    form.locator("button.assign").click()
    desk.locator(f"form.assign-form[data-report-id='{report_id}']").wait_for(state="detached", timeout=15_000)

    # She accepted a call-back: the Corse-du-Sud cell has her, with her number for the agent who claims her.
    cell = Api(platform.url("followup"), CELL_GN_2A)
    entries = eventually(lambda: cell.get("/v1/departments/2A/entries").json()["entries"])
    assert len(entries) == 1 and entries[0]["source"] == "report"
    claimed = cell.post("/v1/departments/2A/claim-next").json()
    assert claimed["claimed"]["entry_id"] == entries[0]["id"]
    assert claimed["entry"]["contact"]["phone"] == PHONE_NUMBER

    # Her own view of the report says where it went.
    status = httpx.get(f"{platform.url('intake')}/v1/reports/{report_id}", timeout=10).json()
    assert status["status"] == "routed", status

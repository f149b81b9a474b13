"""The cell's page in headless Chromium: sign in with a token, claim, call, answer, close."""

import os
import uuid

import pytest
from playwright.async_api import async_playwright, expect

from relais_followup.app import create_app
from tests.followup.conftest import token
from tests.followup.helpers import add_entry, consumers_ready, intervention, publish, received, routed, wait_for_entries
from tests.support import running_app, serving

pytestmark = pytest.mark.browser
SHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts", "screenshots")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


async def test_an_agent_works_an_entry_from_the_page(followup_settings):
    if not os.path.exists("/usr/bin/chromium"):  # noqa: ASYNC240 - one check before anything runs
        pytest.skip("Debian's Chromium is not installed")
    settings = followup_settings()
    app = create_app(settings)
    headers = token(settings, alias="Brigadière Martin")
    async with serving(app) as url, running_app(create_app(settings)) as client, async_playwright() as pw:
        await add_entry(client, headers, risk_level="severe", case_reference="GN-35-2026-000123",
                        safe_hours=[], no_voicemail=True)
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await browser.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        await page.goto(url + "/cell")
        await expect(page.get_by_role("heading", name="Cellule de suivi — rappels 24 à 48 h")).to_be_visible()
        await page.get_by_label("Jeton opérateur").fill(headers["Authorization"].split(" ", 1)[1])
        await page.get_by_label("Département", exact=True).fill("35")
        await page.get_by_role("button", name="Se connecter").click()
        await expect(page.get_by_role("cell", name="GN-35-2026-000123")).to_be_visible()
        await page.get_by_role("button", name="Prendre la fiche suivante").click()
        await expect(page.locator("#contact")).to_contain_text("06 12 34 56 78")
        await expect(page.locator("#contact")).to_contain_text("3 rue des Lilas, Rennes")
        await page.get_by_role("button", name="Pas de réponse").click()
        await expect(page.get_by_role("status")).to_have_text("Tentative enregistrée.")
        await page.get_by_role("button", name="Jointe", exact=True).click()
        await page.get_by_role("group", name="Êtes-vous en sécurité en ce moment ?").get_by_label("Oui").check()
        await page.get_by_role("group", name="Avez-vous besoin d'un hébergement ?").get_by_label("Non").check()
        await page.get_by_role("button", name="Enregistrer les réponses").click()
        await expect(page.get_by_role("status")).to_have_text("Enregistré.")
        await page.get_by_label("Issue").select_option("reached_safe")
        await page.screenshot(path=os.path.join(SHOTS, "followup-cell-entry.png"), full_page=True)
        await page.get_by_role("button", name="Clôturer la fiche").click()
        await expect(page.get_by_role("status")).to_have_text("Fiche clôturée.")
        await expect(page.get_by_role("cell", name="GN-35-2026-000123")).to_have_count(0)
        await page.screenshot(path=os.path.join(SHOTS, "followup-cell-closed.png"), full_page=True)
        await page.goto(url + "/cell/en")  # the token stays in this tab: the English page opens signed in
        await expect(page.get_by_role("button", name="Take the next entry")).to_be_visible()
        await browser.close()
        row = await app.state.cell.pool.fetchrow("SELECT status, outcome, attempts, contacted FROM entries")
    assert tuple(row) == ("closed", "reached_safe", 2, True)
    assert errors == []  # no CSP violation, no script error


async def test_the_agent_who_claims_a_case_from_a_report_and_its_intervention_sees_her_number(followup_settings):
    if not os.path.exists("/usr/bin/chromium"):  # noqa: ASYNC240 - one check before anything runs
        pytest.skip("Debian's Chromium is not installed")
    settings = followup_settings()
    app = create_app(settings)
    report_id = uuid.uuid4()
    contact = {"channel": "phone", "phone": "06 55 44 33 22", "no_voicemail": True,
               "safe_windows": [{"start": "00:00", "end": "12:00"}, {"start": "12:00", "end": "00:00"}]}
    event = intervention(report_id=report_id, risk="severe", hours_ago=25)
    async with serving(app) as url, async_playwright() as pw:
        await consumers_ready(app)
        await publish(settings, received(settings, report_id, "rape", contact=contact, danger_now=True),
                      routed(report_id))
        await wait_for_entries(app, 1, report_id=report_id)
        await publish(settings, event)
        await wait_for_entries(app, 1, report_id=report_id, source="intervention")
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await browser.new_page()
        await page.goto(url + "/cell/en")
        await page.locator("#token").fill(token(settings)["Authorization"].split(" ", 1)[1])
        await page.locator("#login-department").fill("35")
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("cell", name=event.case_reference)).to_be_visible()
        await page.locator("#claim-next").click()
        await expect(page.locator("#contact-phone")).to_have_text("06 55 44 33 22")
        await expect(page.locator("#rules-safe_hours")).to_have_text("00:00-12:00, 12:00-00:00")
        await expect(page.locator("#rules-no_voicemail")).to_have_text("yes")
        await expect(page.locator("#rules-source")).to_have_text("intervention")
        await expect(page.locator("#rules-risk")).to_have_text("severe")
        await expect(page.locator("#entry-case")).to_have_text(event.case_reference)
        await browser.close()
        reveals = await app.state.cell.pool.fetchval(
            "SELECT count(*) FROM audit_log WHERE action = 'followup.read_contact' AND actor_sub = 'agent-1'")
    assert reveals == 1

"""The cell's page in headless Chromium: sign in with a token, claim, call, answer, close."""

import os

import pytest
from playwright.async_api import async_playwright, expect

from relais_followup.app import create_app
from tests.followup.conftest import token
from tests.followup.helpers import add_entry
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

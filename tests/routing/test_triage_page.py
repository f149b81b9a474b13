"""The triage page in headless Chromium: sign in with a token, see the waiting reports, assign one."""

import os

import pytest
from playwright.async_api import async_playwright, expect

from relais_routing.app import create_app
from tests.routing.conftest import receive, token
from tests.support import serving, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.integration]
SHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts", "screenshots")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


async def test_a_triage_operator_assigns_a_report_from_the_page(routing_settings):
    if not os.path.exists("/usr/bin/chromium"):  # noqa: ASYNC240 - one check before anything runs
        pytest.skip("Debian's Chromium is not installed")
    settings = routing_settings()
    app = create_app(settings)
    headers = token(settings)
    async with serving(app) as url, async_playwright() as pw:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        pool = app.state.runtime.pool
        severe = await receive(app, "20000", category="rape", danger_level="severe", callback_accepted=True)
        other = await receive(app, "35760", category="sexual_harassment", level="blue")
        assert await wait_until(lambda: _waiting(pool, 2), 15)
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = await browser.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        await page.goto(url + "/triage")
        await expect(page.get_by_role("heading", name="Tri national — signalements sans compétence")).to_be_visible()
        await page.get_by_label("Jeton opérateur").fill(headers["Authorization"].split(" ", 1)[1])
        await page.get_by_role("button", name="Se connecter").click()
        await expect(page.locator("#who")).to_have_text("Major Lefèvre")
        rows = page.locator("tr.report")
        await expect(rows).to_have_count(2)
        first = rows.first
        assert await first.get_attribute("data-report-id") == str(severe)  # the most dangerous first
        await expect(first).to_contain_text("Viol")
        await expect(first).to_contain_text("grave")
        await expect(first).to_contain_text("20000 Ajaccio")
        await expect(first).to_contain_text("Commune sans compétence connue")
        await expect(first.locator("select[name=department]")).to_have_value("2A")  # suggested
        await first.locator("select[name=force]").select_option("GN")
        os.makedirs(SHOTS, exist_ok=True)  # noqa: ASYNC240
        await page.screenshot(path=os.path.join(SHOTS, "routing-triage.png"), full_page=True)
        await page.locator(f"button.assign[data-report-id='{severe}']").click()
        await expect(page.get_by_role("status")).to_have_text(
            "Signalement attribué : Gendarmerie nationale (GN), département 2A.")
        await expect(rows).to_have_count(1)
        assert await rows.first.get_attribute("data-report-id") == str(other)
        await page.goto(url + "/triage?lang=en")  # the token lived in the page's memory only: signed out
        await expect(page.get_by_label("Operator token")).to_be_visible()
        await expect(page.locator("#work")).to_be_hidden()
        await browser.close()
        assigned = await pool.fetchval("SELECT details->>'department' FROM audit_log WHERE action = 'triage.assign'")
        assert assigned == "2A" and await _waiting(pool, 1)
    assert errors == []  # no CSP refusal, no script error


async def _waiting(pool, expected: int) -> bool:
    return await pool.fetchval("SELECT count(*) FROM triage_reports") == expected

"""The unit's console (/unit) in headless Chromium, signed in through the real provider: a brigade sees the
reports of its scope newest first, pages through them, opens one, closes it; orange content stays closed to
an uncleared officer; an account without a unit role is told which role the console needs.

One provider (a process), routing and intake served in this process, one Chromium for the module; each test
has its own browser context, so every sign-in is a fresh one.
"""

import asyncio
from dataclasses import dataclass

import httpx
import pytest
from playwright.async_api import expect

from relais_cli.provider import DEMO_PASSWORD
from relais_intake import unit_page
from relais_intake.app import create_app as create_intake
from relais_intake.settings import IntakeSettings
from relais_routing.app import create_app as create_routing
from relais_routing.settings import RoutingSettings
from tests.browser.conftest import SCREENSHOTS, async_chromium
from tests.signin import PASSWORD_FIELD, SUBMIT, USER_FIELD, page_errors, provider_settings, sign_in, start_provider_for
from tests.support import free_port, serving, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.browser]
BRIGADE = "brigade.liffre"  # GN 35, unit "BTA Liffré", chat_operator role, no orange clearance (demo)
HER_WORDS = "<b>Il me suit</b> depuis la gare & m'attend le soir."


@dataclass
class Site:
    url: str
    app: object


@pytest.fixture(scope="module")
async def site(isolated_module, tmp_path_factory):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The provider first: intake discovers it when it starts.
    provider = await asyncio.to_thread(start_provider_for, tmp_path_factory.mktemp("provider"), [base])
    try:
        oidc = provider_settings(provider)
        async with serving(create_routing(isolated_module.settings(RoutingSettings))) as routing_url:
            settings = isolated_module.settings(IntakeSettings, routing_url=routing_url,
                                                keys_dir=str(tmp_path_factory.mktemp("keys")), **oidc)
            app = create_intake(settings)
            async with serving(app, port) as url:
                await wait_until(lambda: app.state.runtime.consumers, 15)
                yield Site(url, app)
    finally:
        await asyncio.to_thread(provider.stop)


@pytest.fixture(scope="module")
async def chromium(site):
    async with async_chromium() as browser:
        yield browser


@pytest.fixture
async def page(chromium, site):
    """A fresh context (no cookie from another test); script errors and CSP refusals on our pages fail the test."""
    context = await chromium.new_context(locale="fr-FR")
    page = await context.new_page()
    errors = page_errors(page, site.url)
    yield page
    await context.close()
    assert errors == [], f"the page logged errors: {errors}"


async def report(site: Site, **body) -> str:
    """A report sent through intake's public API, once routing has placed it (GN, 35: the brigade's scope)."""
    sent = {"role": "victim", "category": "sexual_harassment", "postal_code": "35690", "occurred": "today",
            "text": HER_WORDS, **body}
    async with httpx.AsyncClient(base_url=site.url) as client:
        created = (await client.post("/v1/reports", json=sent)).raise_for_status().json()
    pool = site.app.state.runtime.pool
    routed = await wait_until(lambda: pool.fetchval("SELECT status = 'routed' FROM reports WHERE id = $1::uuid",
                                                    created["id"]), 20)
    assert routed, "routing did not place the report"
    return created["id"]


async def test_a_brigade_pages_through_its_reports_opens_one_and_closes_it(site, page, monkeypatch):
    monkeypatch.setattr(unit_page, "PAGE_SIZE", 1)  # two reports, two pages: the "more" button is used
    blue = await report(site)
    orange = await report(site, category="domestic_violence", text="Il m'a frappée hier soir.")

    await sign_in(page, site.url + "/unit", BRIGADE)
    await expect(page.locator("#kit-me")).to_contain_text("BTA Liffré")
    await expect(page.locator("#scope")).to_have_text("BTA Liffré · GN · département(s) 35")
    rows = page.locator("#report-rows tr")
    await expect(rows).to_have_count(1)
    assert await rows.first.get_attribute("data-id") == orange  # newest first
    await page.get_by_role("button", name="Afficher les signalements suivants").click()
    await expect(rows).to_have_count(2)
    assert await rows.nth(1).get_attribute("data-id") == blue
    await expect(page.locator("#more")).to_be_hidden()

    # Orange, and the brigade is not cleared: what the API answers, nothing more, and no closing.
    await rows.first.get_by_role("button", name="Ouvrir").click()
    await expect(page.locator("#restricted")).to_be_visible()
    await expect(page.locator("#content")).to_be_hidden()
    await expect(page.locator("#close-form")).to_be_hidden()
    assert "frappée" not in await page.locator("main").inner_text()
    await page.get_by_role("button", name="Retour à la liste").click()

    await rows.nth(1).get_by_role("button", name="Ouvrir").click()
    await expect(page.locator("#text")).to_have_text(HER_WORDS)  # her words as text, never as markup
    assert await page.locator("#text b").count() == 0
    await expect(page.locator("#facts")).to_contain_text("Harcèlement sexuel")
    await page.screenshot(path=str(shot("unit-console-report")), full_page=True)
    await page.get_by_role("button", name="Clôturer").click()
    await expect(page.locator("#close-message")).to_have_text("Choisissez l'issue avant de clôturer.")
    await page.get_by_label("Issue").select_option("complaint_filed")
    await page.get_by_role("button", name="Clôturer").click()
    await expect(page.locator("#closed-note")).to_be_visible()
    await expect(page.locator("#kit-notice")).to_contain_text("Signalement clôturé")
    row = await site.app.state.runtime.pool.fetchrow("SELECT status, outcome FROM reports WHERE id = $1::uuid", blue)
    assert dict(row) == {"status": "closed", "outcome": "complaint_filed"}
    await page.get_by_role("button", name="Retour à la liste").click()
    await expect(rows.nth(1).locator(".status")).to_have_text("clôturé")

    assert await page.locator("input:not([type=hidden]), textarea, [id*=token i], [name*=token i]").count() == 0
    assert await page.evaluate("sessionStorage.length + localStorage.length") == 0
    assert "relais_operator" not in await page.evaluate("document.cookie")  # HttpOnly: no script reads it

    await page.goto(site.url + "/unit?lang=en")
    await expect(page.locator("h1")).to_have_text("The unit's reports")
    await expect(page.locator("#report-rows tr").first).to_contain_text("Domestic violence")


async def test_an_account_without_a_unit_role_is_told_which_role_it_needs(site, page):
    await sign_in(page, site.url + "/unit", "auditeur", console=False)  # auditor: a Relais role, not this one
    body = page.locator("body")
    await expect(body).to_contain_text("agent de tchat")  # the roles it lacks, by name
    await expect(body).to_contain_text("auditeur")  # and the one it has
    assert (await page.reload()).status == 403
    assert await page.locator("#report-rows").count() == 0


async def test_an_account_with_no_relais_role_gets_no_console(site, page):
    await page.goto(site.url + "/unit")
    await page.locator(USER_FIELD).fill("sans.role")
    await page.locator(PASSWORD_FIELD).fill(DEMO_PASSWORD)
    async with page.expect_response(lambda answer: "/auth/callback" in answer.url) as callback:
        await page.locator(SUBMIT).first.click()
    assert (await callback.value).status == 403  # the kit's "no Relais role" page
    await expect(page.get_by_role("heading", name="Aucun rôle Relais")).to_be_visible()
    assert "relais_operator_intake" not in {c["name"] for c in await page.context.cookies()}  # no session
    assert await page.locator("#report-rows").count() == 0


def shot(name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"

"""The cell's page in headless Chromium, signed in through the real provider: claim, call, answer, close; who
may open it; signing out.

One provider, one follow-up app served over HTTP and one Chromium for the whole module; each test has its own
browser context (its own cookies), so every sign-in is a fresh one.
"""

import asyncio
import os
import uuid
from dataclasses import dataclass

import httpx
import pytest
from playwright.async_api import expect

from relais_followup.app import create_app
from relais_followup.settings import FollowupSettings
from tests.browser.conftest import async_chromium
from tests.followup.conftest import token
from tests.followup.helpers import add_entry, consumers_ready, intervention, publish, received, routed, wait_for_entries
from tests.signin import PASSWORD_FIELD, SUBMIT, USER_FIELD, page_errors, provider_settings, sign_in, start_provider_for
from tests.support import free_port, serving

pytestmark = pytest.mark.browser
SHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts", "screenshots")
CELL_AGENT = "cellule.gn35"  # GN follow-up cell of 35, cleared for orange cases (the demo accounts)
CELL_ALIAS = "Cellule Ille-et-Vilaine"


@dataclass
class Site:
    url: str
    app: object
    settings: FollowupSettings
    provider: object


@pytest.fixture(scope="module")
async def site(isolated_module, tmp_path_factory):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The provider first: the service discovers it when it starts.
    provider = await asyncio.to_thread(start_provider_for, tmp_path_factory.mktemp("provider"), [base])
    try:
        oidc = provider_settings(provider)
        settings = isolated_module.settings(FollowupSettings, keys_dir=str(tmp_path_factory.mktemp("keys")),
                                            lease_seconds=30.0, scheduler_interval_seconds=0.2, **oidc)
        app = create_app(settings)
        async with serving(app, port) as url:
            yield Site(url, app, settings, provider)
    finally:
        await asyncio.to_thread(provider.stop)


@pytest.fixture(scope="module")
async def chromium(site):
    async with async_chromium() as browser:
        yield browser


@pytest.fixture
async def page(chromium, site):
    """A fresh context (no cookie from another test); script errors and CSP refusals on our pages are kept."""
    context = await chromium.new_context(locale="fr-FR")
    page = await context.new_page()
    page.errors = page_errors(page, site.url)
    yield page
    await context.close()


async def test_an_agent_works_an_entry_from_the_page(site, page):
    reference = f"GN-35-2026-{uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(base_url=site.url) as client:
        await add_entry(client, token(site.settings), risk_level="severe", case_reference=reference, safe_hours=[],
                        no_voicemail=True)
    await sign_in(page, site.url + "/cell", CELL_AGENT)
    await expect(page.get_by_role("heading", name="Cellule de suivi — rappels 24 à 48 h")).to_be_visible()
    await expect(page.get_by_label("Département", exact=True)).to_have_value("35")  # her first department
    await expect(page.get_by_role("cell", name=reference)).to_be_visible()
    await page.get_by_role("button", name="Prendre la fiche suivante").click()
    await expect(page.locator("#contact")).to_contain_text("06 12 34 56 78")
    await expect(page.locator("#contact")).to_contain_text("3 rue des Lilas, Rennes")
    await page.get_by_role("button", name="Pas de réponse").click()
    await expect(page.locator("#kit-notice")).to_have_text("Tentative enregistrée.")
    await page.get_by_role("button", name="Jointe", exact=True).click()
    await page.get_by_role("group", name="Êtes-vous en sécurité en ce moment ?").get_by_label("Oui").check()
    await page.get_by_role("group", name="Avez-vous besoin d'un hébergement ?").get_by_label("Non").check()
    await page.get_by_role("button", name="Enregistrer les réponses").click()
    await expect(page.locator("#kit-notice")).to_have_text("Enregistré.")
    await page.get_by_label("Issue").select_option("reached_safe")
    await page.screenshot(path=os.path.join(SHOTS, "followup-cell-entry.png"), full_page=True)
    await page.get_by_role("button", name="Clôturer la fiche").click()
    await expect(page.locator("#kit-notice")).to_have_text("Fiche clôturée.")
    await expect(page.get_by_role("cell", name=reference)).to_have_count(0)
    await page.screenshot(path=os.path.join(SHOTS, "followup-cell-closed.png"), full_page=True)
    await page.goto(site.url + "/cell/en")  # the former English address; the session cookie keeps her signed in
    await expect(page.get_by_role("button", name="Take the next entry")).to_be_visible()
    await expect(page.locator("#kit-me")).to_contain_text(CELL_ALIAS)
    row = await site.app.state.cell.pool.fetchrow(
        "SELECT status, outcome, attempts, contacted FROM entries WHERE case_reference = $1", reference)
    assert tuple(row) == ("closed", "reached_safe", 2, True)
    assert page.errors == []  # no CSP violation, no script error


async def test_the_agent_who_claims_a_case_from_a_report_and_its_intervention_sees_her_number(site, page):
    app, settings = site.app, site.settings
    report_id = uuid.uuid4()
    contact = {"channel": "phone", "phone": "06 55 44 33 22", "no_voicemail": True,
               "safe_windows": [{"start": "00:00", "end": "12:00"}, {"start": "12:00", "end": "00:00"}]}
    event = intervention(report_id=report_id, risk="severe", hours_ago=25)
    await consumers_ready(app)
    await publish(settings, received(settings, report_id, "rape", contact=contact, danger_now=True),
                  routed(report_id))
    await wait_for_entries(app, 1, report_id=report_id)
    await publish(settings, event)
    [entry] = await wait_for_entries(app, 1, report_id=report_id, source="intervention")
    await sign_in(page, site.url + "/cell?lang=en", CELL_AGENT)
    await expect(page.get_by_role("cell", name=event.case_reference)).to_be_visible()
    await page.locator("#claim-next").click()
    await expect(page.locator("#contact-phone")).to_have_text("06 55 44 33 22")
    await expect(page.locator("#rules-safe_hours")).to_have_text("00:00-12:00, 12:00-00:00")
    await expect(page.locator("#rules-no_voicemail")).to_have_text("yes")
    await expect(page.locator("#rules-source")).to_have_text("intervention")
    await expect(page.locator("#rules-risk")).to_have_text("severe")
    await expect(page.locator("#entry-case")).to_have_text(event.case_reference)
    reveals = await app.state.cell.pool.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = 'followup.read_contact' AND actor_sub = $1 AND object_id = $2",
        CELL_AGENT, str(entry["id"]))
    assert reveals == 1
    assert page.errors == []


async def test_an_agent_not_signed_in_is_sent_to_the_provider_and_back_without_a_token_anywhere(site, page):
    await page.goto(site.url + "/cell")
    assert not page.url.startswith(site.url)  # the provider's own login page
    await page.locator(USER_FIELD).fill(CELL_AGENT)
    await page.locator(PASSWORD_FIELD).fill("relais-demo")
    await page.locator(SUBMIT).first.click()
    await page.wait_for_url(site.url + "/cell")
    await expect(page.locator("#kit-me")).to_have_text(f"Connecté·e : {CELL_ALIAS} (GN)")
    await expect(page.get_by_role("button", name="Prendre la fiche suivante")).to_be_enabled()
    await expect(page.locator("textarea, input[type=password], #token, #login")).to_have_count(0)
    assert "jeton" not in (await page.content()).lower() and "token" not in (await page.content()).lower()
    stored, cookies = await page.evaluate("[sessionStorage.length + localStorage.length, document.cookie]")
    assert stored == 0 and "relais" not in cookies  # the session cookie is HttpOnly; nothing kept in the page
    assert page.errors == []


async def test_a_chat_officer_is_told_the_page_needs_the_follow_up_role(site, page):
    await page.goto(site.url + "/cell")
    await page.locator(USER_FIELD).fill("agent.pn35")
    await page.locator(PASSWORD_FIELD).fill("relais-demo")
    async with page.expect_response(lambda r: r.url == site.url + "/cell") as refused:
        await page.locator(SUBMIT).first.click()
    assert (await refused.value).status == 403
    await expect(page.locator("#kit-title")).to_have_text("Accès refusé")
    await expect(page.locator("#kit-text")).to_contain_text("agent de cellule de suivi")
    await expect(page.locator("#kit-text")).to_contain_text("Votre compte a : agent de tchat")
    await expect(page.locator("#claim-next, #list")).to_have_count(0)


async def test_signing_out_from_the_header_ends_the_session_and_the_page_asks_to_sign_in_again(site, page):
    await sign_in(page, site.url + "/cell", CELL_AGENT)
    [cookie] = [c for c in await page.context.cookies() if c["name"] == "relais_operator_followup"]
    await page.locator("#kit-sign-out").get_by_role("button", name="Se déconnecter").click()
    await page.wait_for_url(f"{site.url}/auth/signed-out**")
    await expect(page.locator("#kit-title")).to_have_text("Vous êtes déconnecté·e")
    async with httpx.AsyncClient(base_url=site.url, cookies={cookie["name"]: cookie["value"]}) as client:
        assert (await client.get("/auth/session")).status_code == 401  # ended on the server, not only forgotten
    await page.goto(site.url + "/cell")
    assert not page.url.startswith(site.url)  # the provider asks for the password again
    await expect(page.locator(USER_FIELD)).to_be_visible()

"""The triage and audit pages in headless Chromium, signed in through the development provider as operators are:
the triage operator assigns a report, the auditor reads it in routing's audit log, and is refused the triage."""

import os

import pytest
from playwright.async_api import expect

from relais_routing.app import create_app
from tests.browser.conftest import async_chromium
from tests.routing.conftest import receive
from tests.signin import provider_on_a_free_port, provider_settings, sign_in
from tests.support import serving, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.integration]
SHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts", "screenshots")
NO_TOKEN = "#token, textarea, input[name=token], input[type=password]"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """One provider for the module, knowing the one port routing is served on in each test."""
    running, port = provider_on_a_free_port(tmp_path_factory.mktemp("provider"))
    yield running, port
    running.stop()


@pytest.fixture
async def routing(provider, routing_settings):
    """Routing in-process on the provider's port, trusting the provider; yields (app, base URL)."""
    running, port = provider
    oidc = provider_settings(running)
    app = create_app(routing_settings(**oidc))
    async with serving(app, port) as url:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        yield app, url


@pytest.fixture
async def chromium():
    async with async_chromium() as browser:
        yield browser


async def operator_page(browser, url: str, errors: list):
    """A page in a context of its own (one operator, one provider session); the service's own errors kept."""
    page = await (await browser.new_context(locale="fr-FR")).new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A 4xx a page handles is logged as "Failed to load resource"; anything else (a CSP refusal) is a bug.
    page.on("console", lambda m: m.type == "error" and m.location.get("url", "").startswith(url)
            and not m.text.startswith("Failed to load") and errors.append(m.text))
    return page


async def no_token_anywhere(page) -> None:
    assert await page.locator(NO_TOKEN).count() == 0
    assert await page.evaluate("sessionStorage.length + localStorage.length") == 0


async def test_a_triage_operator_signs_in_and_assigns_a_report(routing, chromium):
    app, url = routing
    pool, errors = app.state.runtime.pool, []
    severe = await receive(app, "20000", category="rape", danger_level="severe", callback_accepted=True)
    other = await receive(app, "35760", category="sexual_harassment", level="blue")
    assert await wait_until(lambda: _waiting(pool, 2), 15)
    page = await operator_page(chromium, url, errors)
    await sign_in(page, url + "/triage", "triage.national")
    await expect(page.get_by_role("heading", name="Tri national — signalements sans compétence")).to_be_visible()
    await expect(page.locator("#kit-me")).to_have_text("Connecté·e : Triage national (PN)")
    await no_token_anywhere(page)
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
    await expect(page.locator("#status")).to_have_text(
        "Signalement attribué : Gendarmerie nationale (GN), département 2A.")
    await expect(rows).to_have_count(1)
    assert await rows.first.get_attribute("data-report-id") == str(other)
    await page.locator(".kit-lang").click()  # English, still signed in: the session is the cookie's
    english = page.get_by_role("heading", name="National triage — reports without a competent force")
    await expect(english).to_be_visible()
    await expect(rows).to_have_count(1)
    await no_token_anywhere(page)
    assigned = await pool.fetchrow("SELECT actor_sub, details->>'department' AS department FROM audit_log "
                                   "WHERE action = 'triage.assign'")
    assert (assigned["actor_sub"], assigned["department"]) == ("triage.national", "2A")
    assert await _waiting(pool, 1)
    assert errors == []  # no CSP refusal, no script error


async def test_an_auditor_reads_the_triage_in_the_audit_log_and_is_refused_the_triage(routing, chromium):
    app, url = routing
    errors = []
    await receive(app, "20000", category="rape")
    assert await wait_until(lambda: _waiting(app.state.runtime.pool, 1), 15)
    triage = await operator_page(chromium, url, errors)
    await sign_in(triage, url + "/triage", "triage.national")
    await expect(triage.locator("tr.report")).to_have_count(1)  # read, and so audited (triage.list)

    auditor = await operator_page(chromium, url, errors)
    await sign_in(auditor, url + "/audit", "auditeur")
    await expect(auditor.get_by_role("heading", name="Journal d'audit — routing")).to_be_visible()
    await no_token_anywhere(auditor)
    read = auditor.locator("tr.audit-entry[data-action='triage.list']")
    await expect(read).to_have_count(1)
    await expect(read.locator("td.operator")).to_have_text("Triage national (PN)")
    await expect(read.locator("td.sub")).to_have_text("triage.national")
    await expect(read.locator("td.object")).to_have_text("triage_list national")
    await expect(read.locator("td.details")).to_have_text("count: 1")
    await auditor.get_by_label("Identifiant de l'opérateur").fill("auditeur")  # her own readings of the log
    await auditor.get_by_role("button", name="Afficher").click()
    await expect(auditor.locator("tr.audit-entry[data-action='triage.list']")).to_have_count(0)
    await expect(auditor.locator("tr.audit-entry[data-action='audit.read']").first).to_be_visible()
    os.makedirs(SHOTS, exist_ok=True)  # noqa: ASYNC240
    await auditor.screenshot(path=os.path.join(SHOTS, "kit-audit.png"), full_page=True)
    await auditor.goto(url + "/audit?lang=en")
    await expect(auditor.get_by_role("heading", name="Audit log — routing")).to_be_visible()

    refused = await auditor.goto(url + "/triage")  # signed in, but not a triage operator
    assert refused.status == 403
    await expect(auditor.locator("#kit-title")).to_have_text("Accès refusé")
    await expect(auditor.locator("#kit-text")).to_contain_text("agent d'orientation")
    await expect(auditor.locator("#kit-text")).to_contain_text("auditeur")
    await no_token_anywhere(auditor)
    assert errors == []


async def _waiting(pool, expected: int) -> bool:
    return await pool.fetchval("SELECT count(*) FROM triage_reports") == expected

"""The dispatch console in headless Chromium: an incident appears with an alarm, is acknowledged, then closed."""

import os

import pytest

from relais_escalation.app import create_app
from tests.escalation.helpers import CONTACT, emergency, publish, token
from tests.support import serving, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.browser]
SHOTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-artifacts", "screenshots")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
HAVE_CHROMIUM = os.path.exists("/usr/bin/chromium")


@pytest.fixture
async def browser():
    playwright_api = pytest.importorskip("playwright.async_api")
    if not HAVE_CHROMIUM:
        pytest.skip("the browser tests need Debian's Chromium at /usr/bin/chromium")
    async with playwright_api.async_playwright() as p:
        launched = await p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


async def test_an_incident_appears_is_acknowledged_and_closed(escalation_settings, browser):
    os.makedirs(SHOTS, exist_ok=True)
    settings = escalation_settings()
    app = create_app(settings)
    async with serving(app) as url:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        page = await browser.new_page()
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        await page.goto(url + "/console")
        await page.get_by_label("Jeton d'opérateur").fill(token(settings, alias="Régie 35"))
        await page.get_by_role("button", name="Se connecter").click()
        await page.get_by_text("Régie 35").wait_for()

        await publish(settings.amqp_url, settings.namespace, emergency(settings))
        card = page.locator("li.incident.open")
        await card.wait_for(timeout=10_000)
        assert await page.get_by_role("alert").filter(has_text="ALERTE").is_visible()
        await page.screenshot(path=os.path.join(SHOTS, "escalation-console-alarm.png"), full_page=True)

        await card.get_by_role("button", name="Prendre en compte").click()
        await page.locator("li.incident.acknowledged").wait_for(timeout=10_000)
        assert not await page.locator("#alarm").is_visible()
        await page.get_by_text("category: domestic_violence").wait_for()
        await page.get_by_label("Patrouille envoyée").fill("BTA Liffré 2")
        await page.get_by_role("button", name="Affecter").click()
        await page.get_by_text("BTA Liffré 2").wait_for()
        await page.get_by_label("Issue").select_option("intervention_carried_out")
        await page.get_by_role("button", name="Clore").click()
        await page.locator("li.incident.closed").wait_for(timeout=10_000)
        assert await page.locator("li.incident.closed").get_by_text("Intervention effectuée").is_visible()
        await page.screenshot(path=os.path.join(SHOTS, "escalation-console-closed.png"), full_page=True)

        # The token is kept for the tab's session: the English page signs in again and shows the same incident.
        await page.goto(url + "/console?lang=en")
        await page.locator("li.incident.closed").get_by_text("Intervention carried out").wait_for(timeout=10_000)
        assert await page.locator("html").get_attribute("lang") == "en"
        await page.close()
    assert problems == []


async def test_national_supervision_sets_the_jurisdiction_and_the_dispatcher_shows_her_contact(
        escalation_settings, browser):
    os.makedirs(SHOTS, exist_ok=True)
    settings = escalation_settings()
    app = create_app(settings)
    async with serving(app) as url:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        problems = []
        national = await signed_in(browser, url, problems, token(settings, sub="nat", alias="Supervision nationale",
                                                                 departments=("*",), roles=("supervisor",)))
        dispatcher = await signed_in(browser, url, problems, token(settings, alias="Régie 35"))

        event = emergency(settings, force=None, department=None, operational_centre=None, contact=CONTACT,
                          location="Bâtiment B, 2e étage")
        await publish(settings.amqp_url, settings.namespace, event)
        card = national.locator("li.incident.open")
        await card.wait_for(timeout=10_000)
        await card.get_by_text("Juridiction non résolue").wait_for()
        assert await national.locator("#alarm").is_visible()  # it waits on national supervision
        await card.get_by_role("button", name="Détails").click()
        await national.get_by_label("Force").select_option("GN")
        await national.get_by_label("Département (code)").fill("35")
        await national.get_by_role("button", name="Attribuer").click()
        await national.locator("#jurisdiction-form").wait_for(state="hidden")

        mine = dispatcher.locator("li.incident.open")
        await mine.wait_for(timeout=10_000)
        assert await dispatcher.locator("#alarm").is_visible()
        await mine.get_by_role("button", name="Prendre en compte").click()
        await dispatcher.locator("li.incident.acknowledged").wait_for(timeout=10_000)
        await dispatcher.locator("#show-contact").click()
        shown = dispatcher.locator("#contact")
        for text in ("06 12 34 56 78", "09:00–11:30", "Ne jamais laisser de message", "Sa sœur · 07 98 76 54 32",
                     "Bâtiment B, 2e étage"):
            await shown.get_by_text(text).wait_for(timeout=5_000)
        await dispatcher.screenshot(path=os.path.join(SHOTS, "escalation-console-contact.png"), full_page=True)
        await dispatcher.get_by_label("Issue").select_option("intervention_carried_out")
        await dispatcher.get_by_role("button", name="Clore").click()
        await dispatcher.locator("li.incident.closed").wait_for(timeout=10_000)
        await national.close()
        await dispatcher.close()
    assert problems == []


async def signed_in(browser, url, problems, token_value):
    page = await browser.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    await page.goto(url + "/console")
    await page.get_by_label("Jeton d'opérateur").fill(token_value)
    await page.get_by_role("button", name="Se connecter").click()
    await page.locator("#who").wait_for()
    return page

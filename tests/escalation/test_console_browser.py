"""The dispatch console in headless Chromium, its operators signed in through the real provider: an incident
appears with an alarm, is acknowledged then closed; national supervision sets a jurisdiction; who may open it."""

import os

import pytest
from playwright.async_api import expect

from tests.escalation.browser import (
    NATIONAL_SUPERVISOR,
    chromium,
    console_service,
    operator_page,
    sign_in_on_provider,
)
from tests.escalation.helpers import CONTACT, emergency, publish
from tests.signin import USER_FIELD, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.browser]
SHOTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-artifacts", "screenshots")


@pytest.fixture(scope="module")
def service(isolated_module, tmp_path_factory):
    with console_service(isolated_module, tmp_path_factory.mktemp("escalation-console")) as running:
        yield running


@pytest.fixture(scope="module")
async def browser(service):
    async with chromium() as launched:
        yield launched


def essonne_emergency(settings, **fields):
    """An emergency for the CORG of Essonne (corg.gn91 dispatches for 91 and 78)."""
    return emergency(settings, force="GN", department="91", operational_centre="GN-CORG-91", **fields)


async def test_an_unsigned_dispatcher_signs_in_at_the_provider_and_gets_the_console(service, browser):
    problems = []
    page = await operator_page(browser, problems)
    await page.goto(service.url + "/console")
    await expect(page.locator(USER_FIELD)).to_be_visible()  # the provider's own login page, not ours
    assert page.url.startswith(service.provider.issuer)

    await sign_in_on_provider(page, "corg.gn91")
    await page.wait_for_url(service.url + "/console")
    await expect(page.locator("#kit-me")).to_contain_text("CORG Essonne")
    await expect(page.locator("#board")).to_be_visible()  # the socket is signed in: the feed's snapshot came
    await expect(page.locator("#status")).to_have_text("En ligne")
    assert await page.locator("#token, [name=token], #login-form").count() == 0
    assert await page.get_by_text("Jeton").count() == 0
    assert await page.evaluate("sessionStorage.length + localStorage.length") == 0
    await page.context.close()
    assert problems == []


async def test_a_follow_up_agent_is_told_the_console_needs_the_dispatcher_role(service, browser):
    problems = []
    page = await operator_page(browser, problems)
    await page.goto(service.url + "/console")
    await sign_in_on_provider(page, "cellule.gn35")
    await page.wait_for_url(service.url + "/console")

    await expect(page.locator("#kit-title")).to_have_text("Accès refusé")
    await expect(page.locator("#kit-text")).to_contain_text("opérateur de salle (CORG / CIC)")
    await expect(page.locator("#kit-text")).to_contain_text("agent de cellule de suivi")
    assert (await page.reload()).status == 403
    assert await page.locator("#board").count() == 0
    await page.context.close()
    assert problems == []


async def test_an_incident_appears_is_acknowledged_and_closed(service, browser):
    os.makedirs(SHOTS, exist_ok=True)
    problems = []
    page = await operator_page(browser, problems)
    await sign_in(page, service.url + "/console", "corg.gn91")
    await expect(page.locator("#board")).to_be_visible()

    await publish(service.settings.amqp_url, service.settings.namespace, essonne_emergency(service.settings))
    card = page.locator("li.incident.open")
    await expect(card).to_be_visible(timeout=15_000)
    mine = page.locator(f'li[data-incident="{await card.get_attribute("data-incident")}"]')
    await expect(page.locator("#alarm")).to_be_visible()
    await expect(page.locator("#alarm")).to_contain_text("ALERTE")
    await page.screenshot(path=os.path.join(SHOTS, "escalation-console-alarm.png"), full_page=True)

    await card.get_by_role("button", name="Prendre en compte").click()
    await expect(mine).to_have_class("incident acknowledged")
    await expect(page.locator("#alarm")).to_be_hidden()
    await expect(page.get_by_text("category: domestic_violence")).to_be_visible()
    await page.get_by_label("Patrouille envoyée").fill("BTA Essonne 2")
    await page.get_by_role("button", name="Affecter").click()
    await expect(page.locator("#detail-fields").get_by_text("BTA Essonne 2")).to_be_visible()
    await page.get_by_label("Issue").select_option("intervention_carried_out")
    await page.get_by_role("button", name="Clore").click()
    await expect(mine).to_have_class("incident closed")
    await expect(mine.get_by_text("Intervention effectuée")).to_be_visible()
    await page.screenshot(path=os.path.join(SHOTS, "escalation-console-closed.png"), full_page=True)

    # The session cookie carries over: the kit's language switch opens the English console, signed in.
    await page.locator(".kit-lang").click()
    await expect(mine.get_by_text("Intervention carried out")).to_be_visible(timeout=15_000)
    assert await page.locator("html").get_attribute("lang") == "en"
    await page.context.close()
    assert problems == []


async def test_national_supervision_sets_the_jurisdiction_and_the_dispatcher_shows_her_contact(service, browser):
    os.makedirs(SHOTS, exist_ok=True)
    problems = []
    national = await operator_page(browser, problems)
    await sign_in(national, service.url + "/console", NATIONAL_SUPERVISOR.login)
    dispatcher = await operator_page(browser, problems)
    await sign_in(dispatcher, service.url + "/console", "corg.gn91")
    for page in (national, dispatcher):
        await expect(page.locator("#board")).to_be_visible()

    event = emergency(service.settings, force=None, department=None, operational_centre=None, contact=CONTACT,
                      location="Bâtiment B, 2e étage")
    await publish(service.settings.amqp_url, service.settings.namespace, event)
    card = national.locator("li.incident.open")
    await expect(card).to_be_visible(timeout=15_000)
    incident = f'li[data-incident="{await card.get_attribute("data-incident")}"]'
    await expect(card.get_by_text("Juridiction non résolue")).to_be_visible()
    await expect(national.locator("#alarm")).to_be_visible()  # it waits on national supervision
    await card.get_by_role("button", name="Détails").click()
    await national.get_by_label("Force").select_option("GN")
    await national.get_by_label("Département (code)").fill("91")
    await national.get_by_role("button", name="Attribuer").click()
    await expect(national.locator("#jurisdiction-form")).to_be_hidden()

    mine = dispatcher.locator(incident)
    await expect(mine).to_have_class("incident open alerted", timeout=15_000)
    await expect(dispatcher.locator("#alarm")).to_be_visible()
    await mine.get_by_role("button", name="Prendre en compte").click()
    await expect(mine).to_have_class("incident acknowledged")
    await dispatcher.locator("#show-contact").click()
    shown = dispatcher.locator("#contact")
    for text in ("06 12 34 56 78", "09:00–11:30", "Ne jamais laisser de message", "Sa sœur · 07 98 76 54 32",
                 "Bâtiment B, 2e étage"):
        await expect(shown.get_by_text(text)).to_be_visible()
    await dispatcher.screenshot(path=os.path.join(SHOTS, "escalation-console-contact.png"), full_page=True)
    await dispatcher.get_by_label("Issue").select_option("intervention_carried_out")
    await dispatcher.get_by_role("button", name="Clore").click()
    await expect(mine).to_have_class("incident closed")
    await national.context.close()
    await dispatcher.context.close()
    assert problems == []

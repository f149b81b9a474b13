"""The victim page (posted from intake's ticket, then reloaded) and the officer console in headless Chromium."""

from __future__ import annotations

import os
import re

import pytest

from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from tests.chat.peers import ticket

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]
SHOTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-artifacts", "screenshots")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
HOSTILE = '<b>gras</b><img src=x onerror="document.title=1">'


@pytest.fixture
async def browser():
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=15_000)  # two nodes and a broker between the pages: a loaded CI machine is slow

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield browser
        await browser.close()


async def post_ticket(page, node: str, sealed: str, lang: str = "fr") -> None:
    """Post a ticket to the chat as intake's page does (a form from another origin, no cookie, no URL data)."""
    await page.set_content(f'<form method="post" action="{node}/chat"><input type="hidden" name="ticket" '
                           f'value="{sealed}"><input type="hidden" name="lang" value="{lang}">'
                           '<button id="go">Discuter</button></form>')
    async with page.expect_navigation():
        await page.click("#go")


async def test_she_writes_officer_replies_she_reloads_and_goes_on_then_exits(cluster, node_a, node_b, browser):
    from playwright.async_api import expect

    os.makedirs(SHOTS, exist_ok=True)
    victim = await (await browser.new_context(viewport={"width": 480, "height": 820})).new_page()
    console = await (await browser.new_context(viewport={"width": 1100, "height": 820})).new_page()
    errors = []
    for page in (victim, console):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    await post_ticket(victim, node_a, ticket(category="sexist_harassment", department="10"))
    assert victim.url == f"{node_a}/chat"  # nothing in the URL: the session and its secret stay in memory
    assert await victim.locator("#start").count() == 0  # the data block is gone once read
    await expect(victim.locator("#status")).to_contain_text("file")
    await victim.get_by_label("Votre message").fill("Bonjour, j'ai besoin d'aide. " + HOSTILE)
    await victim.get_by_role("button", name="Envoyer").click()
    await expect(victim.locator("#log li.victim")).to_have_count(1)

    officer = Operator(sub="gend-browser", alias="Gendarme Laure", force="GN", departments=("10",),
                       roles=frozenset({"chat_operator"}), orange_clearance=True)
    token = mint_token(cluster.keys_dir, officer, issuer="relais-local", audience="relais")
    await console.goto(f"{node_b}/console")
    await console.get_by_label("Jeton d'agent").fill(token)
    await console.get_by_role("button", name="Se connecter").click()
    await expect(console.locator("#queue li.item")).to_have_count(1)
    await console.locator("#queue li.item button.claim").click()
    transcript = console.locator("#transcript")
    await expect(transcript).to_contain_text(HOSTILE)  # shown as text
    assert await transcript.locator("b, img").count() == 0  # and never as HTML
    await expect(victim.locator("#status")).to_contain_text("Gendarme Laure vous répond")

    await console.get_by_label("Réponses types").select_option("safe_now")
    await console.get_by_role("button", name="Envoyer").click()
    await expect(victim.locator("#log li.officer")).to_contain_text("Êtes-vous en sécurité en ce moment ?")
    await expect(console.locator("#transcript li.officer.read")).to_have_count(1)  # she has read it
    await victim.screenshot(path=os.path.join(SHOTS, "chat-victim.png"), full_page=True)
    await console.screenshot(path=os.path.join(SHOTS, "chat-console.png"), full_page=True)

    # A reload posts the ticket again: the same conversation, its past messages, the same officer.
    await victim.reload()
    await expect(victim.locator("#log li.victim")).to_contain_text("j'ai besoin d'aide")
    await expect(victim.locator("#log li.officer")).to_contain_text("Êtes-vous en sécurité en ce moment ?")
    await expect(victim.locator("#status")).to_contain_text("Gendarme Laure vous répond")
    assert await victim.locator("#log li.victim b, #log li.victim img").count() == 0
    await victim.locator("#message").fill("Je suis revenue.")
    await victim.locator("#send").click()
    await expect(console.locator("#transcript li.victim")).to_have_count(2)
    await expect(console.locator("#transcript")).to_contain_text("Je suis revenue.")
    await victim.screenshot(path=os.path.join(SHOTS, "chat-victim-resumed.png"), full_page=True)

    for _ in range(3):
        await victim.keyboard.press("Shift")
    await victim.wait_for_url("about:blank")
    await expect(console.locator("#transcript li.exit-notice")).to_contain_text("sortie rapide")
    await console.screenshot(path=os.path.join(SHOTS, "chat-console-exit.png"), full_page=True)
    assert not [e for e in errors if re.search("Content Security Policy|Refused", e)], errors


async def test_a_triage_operator_hands_a_conversation_over_from_the_console(cluster, node_a, node_b, browser):
    from playwright.async_api import expect

    from tests.chat.peers import Victim

    victim = await Victim.start(node_a, triage=True, category="sexual_assault", level="orange")
    triage = Operator(sub="triage-browser", alias="Tri national", force="PN", departments=("*",),
                      roles=frozenset({"triage_operator"}), orange_clearance=False)
    console = await (await browser.new_context(viewport={"width": 1100, "height": 820})).new_page()
    await console.goto(f"{node_b}/console")
    await console.get_by_label("Jeton d'agent").fill(mint_token(cluster.keys_dir, triage, issuer="relais-local",
                                                               audience="relais"))
    await console.get_by_role("button", name="Se connecter").click()
    item = console.locator(f'#triage li.item[data-session-id="{victim.session_id}"]')
    await expect(item.locator(".badge.level-orange")).to_have_text("orange")  # the level, never a word of hers
    await expect(console.locator("#answering")).to_be_hidden()  # she hands over, she does not answer
    await item.locator("select.assign-force").select_option("GN")
    await item.locator("input.assign-department").fill("2a")
    await console.screenshot(path=os.path.join(SHOTS, "chat-console-triage.png"), full_page=True)
    await item.locator("button.assign-button").click()
    await expect(console.locator("#notice")).to_contain_text("Conversation confiée (Gendarmerie nationale, 2A)")
    await expect(item).to_have_count(0)
    status = await victim.wait_for(lambda f: f["type"] == "status" and f.get("position") is not None
                                   and f is not victim.frames[0])
    assert status["status"] == "waiting"
    await victim.close()

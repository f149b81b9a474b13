"""The victim page and the officer console side by side in real headless Chromium (two nodes)."""

from __future__ import annotations

import os
import re

import pytest

from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]
SHOTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-artifacts", "screenshots")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
HOSTILE = '<b>gras</b><img src=x onerror="document.title=1">'


@pytest.fixture
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        yield browser
        await browser.close()


async def test_victim_writes_officer_claims_and_replies_then_she_leaves_by_the_exit(cluster, node_a, node_b,
                                                                                      browser):
    from playwright.async_api import expect

    os.makedirs(SHOTS, exist_ok=True)
    victim = await (await browser.new_context(viewport={"width": 480, "height": 820})).new_page()
    console = await (await browser.new_context(viewport={"width": 1100, "height": 820})).new_page()
    errors = []
    for page in (victim, console):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    await victim.goto(f"{node_a}/chat?force=GN&department=10&level=blue&category=domestic_violence")
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

    for _ in range(3):
        await victim.keyboard.press("Shift")
    await victim.wait_for_url("about:blank")
    await expect(console.locator("#transcript li.exit-notice")).to_contain_text("sortie rapide")
    await console.screenshot(path=os.path.join(SHOTS, "chat-console-exit.png"), full_page=True)
    assert not [e for e in errors if re.search("Content Security Policy|Refused", e)], errors

"""The victim page (posted from intake's ticket, then reloaded) and the officer console in headless Chromium.

Officers sign in as they do for real: the console sends them to the development provider's login page, and its
socket is signed in by the session cookie. Two chat nodes and one provider serve the whole module.
"""

from __future__ import annotations

import os
import re

import pytest

from relais_cli.provider import DEMO_PASSWORD
from tests.browser.conftest import async_chromium
from tests.chat.conftest import Cluster
from tests.chat.peers import ticket
from tests.launcher import ServiceProcess
from tests.signin import PASSWORD_FIELD, SUBMIT, USER_FIELD, provider_env, sign_in, start_provider_for
from tests.support import free_port

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]
SHOTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-artifacts", "screenshots")
HOSTILE = '<b>gras</b><img src=x onerror="document.title=1">'
# A console socket checks its session every second here (15 s by default), so an ended session shows at once.
QUICK_SESSION_CHECKS = {"RELAIS_OPERATOR_SESSION_CHECK_SECONDS": "1"}
# Injected before the page's scripts: counts the sockets the page opens and keeps their close codes.
SOCKET_CLOSES = """(() => {
  const Native = window.WebSocket;
  window.socketOpens = 0;
  window.socketCloses = [];
  window.WebSocket = function (url, protocols) {
    const ws = new Native(url, protocols);
    window.socketOpens += 1;
    ws.addEventListener("close", (event) => window.socketCloses.push(event.code));
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
})();"""


@pytest.fixture(scope="module")
def cluster(isolated_module, tmp_path_factory):
    """Two chat nodes and the provider they send officers to (started first: its redirect URIs name the nodes)."""
    ports = [free_port(), free_port()]
    provider = start_provider_for(tmp_path_factory.mktemp("provider"), [f"http://127.0.0.1:{p}" for p in ports])
    cluster = Cluster(isolated_module, tmp_path_factory.mktemp("keys"),
                      {**provider_env(provider), **QUICK_SESSION_CHECKS})
    cluster.provider = provider
    try:
        for port in ports:  # one after the other: the first node migrates alone
            cluster.nodes.append(ServiceProcess("chat", cluster.env(port), port))
            cluster.nodes[-1].wait_ready()
        yield cluster
    finally:
        cluster.stop()
        provider.stop()


@pytest.fixture(scope="module")
async def browser():
    from playwright.async_api import expect

    expect.set_options(timeout=15_000)  # two nodes, a broker and a provider between the pages: CI is slow

    async with async_chromium() as browser:
        yield browser


@pytest.fixture
async def new_context(browser):
    """Browser contexts of a test (each its own cookies: one officer each), closed after it with their sockets."""
    opened = []

    async def new_context(**options):
        opened.append(await browser.new_context(**{"viewport": {"width": 1100, "height": 820}, **options}))
        return opened[-1]

    yield new_context
    for context in opened:
        await context.close()


async def on_provider_login(page, cluster) -> None:
    from playwright.async_api import expect

    assert page.url.startswith(cluster.provider.issuer), page.url
    await expect(page.locator(USER_FIELD)).to_be_visible()


async def sign_in_on_provider_page(page, login: str) -> None:
    await page.locator(USER_FIELD).fill(login)
    await page.locator(PASSWORD_FIELD).fill(DEMO_PASSWORD)
    await page.locator(SUBMIT).first.click()


async def post_ticket(page, node: str, sealed: str, lang: str = "fr") -> None:
    """Post a ticket to the chat as intake's page does (a form from another origin, no cookie, no URL data)."""
    await page.set_content(f'<form method="post" action="{node}/chat"><input type="hidden" name="ticket" '
                           f'value="{sealed}"><input type="hidden" name="lang" value="{lang}">'
                           '<button id="go">Discuter</button></form>')
    async with page.expect_navigation():
        await page.click("#go")


async def test_she_writes_officer_replies_she_reloads_and_goes_on_then_exits(cluster, node_a, node_b,
                                                                            new_context):
    from playwright.async_api import expect

    os.makedirs(SHOTS, exist_ok=True)
    victim = await (await new_context(viewport={"width": 480, "height": 820})).new_page()
    console = await (await new_context()).new_page()
    errors = []
    for page in (victim, console):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # agent.pn35 is a police chat officer for department 35, cleared for orange: the case is hers to take.
    await post_ticket(victim, node_a, ticket(category="sexist_harassment", force="PN", department="35"))
    assert victim.url == f"{node_a}/chat"  # nothing in the URL: the session and its secret stay in memory
    assert await victim.locator("#start").count() == 0  # the data block is gone once read
    await expect(victim.locator("#status")).to_contain_text("file")
    await victim.get_by_label("Votre message").fill("Bonjour, j'ai besoin d'aide. " + HOSTILE)
    await victim.get_by_role("button", name="Envoyer").click()
    await expect(victim.locator("#log li.victim")).to_have_count(1)

    await sign_in(console, f"{node_b}/console", "agent.pn35")
    await expect(console.locator("#queue li.item")).to_have_count(1)
    await console.locator("#queue li.item button.claim").click()
    transcript = console.locator("#transcript")
    await expect(transcript).to_contain_text(HOSTILE)  # shown as text
    assert await transcript.locator("b, img").count() == 0  # and never as HTML
    await expect(victim.locator("#status")).to_contain_text("Agent Camille vous répond")

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
    await expect(victim.locator("#status")).to_contain_text("Agent Camille vous répond")
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


async def test_a_triage_operator_hands_a_conversation_over_from_the_console(cluster, node_a, node_b,
                                                                          new_context):
    from playwright.async_api import expect

    from tests.chat.peers import Victim

    victim = await Victim.start(node_a, triage=True, category="sexual_assault", level="orange")
    console = await (await new_context()).new_page()
    await sign_in(console, f"{node_b}/console", "triage.national")
    item = console.locator(f'#triage li.item[data-session-id="{victim.session_id}"]')
    await expect(item.locator(".badge.level-orange")).to_have_text("orange")  # the level, never a word of hers
    await expect(console.locator("#answering")).to_be_hidden()  # she hands over, she does not answer
    await item.locator("select.assign-force").select_option("GN")
    await item.locator("input.assign-department").fill("2a")
    await console.screenshot(path=os.path.join(SHOTS, "chat-console-triage.png"), full_page=True)
    await item.locator("button.assign-button").click()  # RelaisKit.api: the session cookie, no header of ours
    await expect(console.locator("#kit-notice")).to_contain_text("Conversation confiée (Gendarmerie nationale, 2A)")
    await expect(item).to_have_count(0)
    status = await victim.wait_for(lambda f: f["type"] == "status" and f.get("position") is not None
                                   and f is not victim.frames[0])
    assert status["status"] == "waiting"
    await victim.close()


async def test_an_unsigned_visit_signs_in_at_the_provider_and_the_console_holds_no_token(cluster, node_a,
                                                                                          new_context):
    from playwright.async_api import expect

    page = await (await new_context()).new_page()
    await page.goto(f"{node_a}/console")
    await on_provider_login(page, cluster)  # no console, no token field: the provider's own page

    # On from here (not sign_in, which would open the console again: the provider would then answer the first
    # of two overlapping sign-ins, and the console would call the sign-in expired).
    await sign_in_on_provider_page(page, "agent.pn35")
    await page.wait_for_url(f"{node_a}/console")
    await expect(page.locator("#kit-me")).to_contain_text("Agent Camille")
    await expect(page.locator("#desk")).to_be_visible()  # the socket said hello: the cookie signed it in
    assert await page.locator("textarea#token, input#token, [id*=token i], [name*=token i]").count() == 0
    assert "relais_operator" not in await page.evaluate("document.cookie")  # HttpOnly: no script can read it
    assert await page.evaluate("sessionStorage.length + localStorage.length") == 0


async def test_an_account_without_a_chat_role_is_told_which_role_it_needs(cluster, node_a, new_context):
    from playwright.async_api import expect

    page = await (await new_context()).new_page()
    await page.goto(f"{node_a}/console?lang=en")
    await on_provider_login(page, cluster)
    await sign_in_on_provider_page(page, "auditeur")  # a Relais role, not a chat one
    await page.wait_for_url(lambda url: url.startswith(node_a))  # back from the provider, wherever it lands
    await expect(page.locator("body")).to_contain_text("chat officer")  # the role it lacks, by name
    assert page.url == f"{node_a}/console?lang=en"  # signed in: the console's own refusal, not the sign-in's
    assert (await page.reload()).status == 403
    assert await page.locator("#desk").count() == 0


async def test_signing_out_ends_the_session_here_and_at_the_provider(cluster, node_a, new_context):
    page = await (await new_context()).new_page()
    await sign_in(page, f"{node_a}/console", "agent.pn35.bleu")
    await page.get_by_role("button", name="Se déconnecter").click()
    await page.wait_for_url(re.compile(r"/auth/signed-out"))

    await page.goto(f"{node_a}/console")
    await on_provider_login(page, cluster)  # neither the console nor the provider remembers her


async def test_a_session_ended_in_another_tab_closes_the_open_console(cluster, node_a, node_b, new_context):
    from playwright.async_api import expect

    context = await new_context()
    await context.add_init_script(SOCKET_CLOSES)
    first = await context.new_page()
    await sign_in(first, f"{node_a}/console", "agent.pn35")
    await expect(first.locator("#desk")).to_be_visible()

    second = await context.new_page()  # the same browser: the same session, no sign-in (and another node)
    await second.goto(f"{node_b}/console")
    await expect(second.locator("#kit-me")).to_contain_text("Agent Camille")
    await second.get_by_role("button", name="Se déconnecter").click()
    await second.wait_for_url(re.compile(r"/auth/signed-out"))

    await expect(first.locator("#kit-session-lost")).to_be_visible()
    await first.wait_for_function("window.socketCloses.includes(4401)")
    # Every socket the page opened is closed, the last one by the server with 4401 (signed out).
    opens, closes = await first.evaluate("[window.socketOpens, window.socketCloses]")
    assert closes[-1] == 4401 and opens == len(closes), (opens, closes)

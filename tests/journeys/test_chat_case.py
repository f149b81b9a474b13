"""J2 and J5: a conversation started from the public page, resumed with the receipt; a level nobody can lower.

J2: from `/`, the victim chooses the chat and gives a postal code that mixes forces (she picks her commune) → an
officer of that force sees her in the console queue and claims → they talk → she reloads, comes back with her
receipt, and the conversation goes on.
J5: a rape report's chat is orange even when the URL asks for blue; an officer without clearance cannot read it.
"""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.journeys.people import CHAT_PN_35, CHAT_PN_35_UNCLEARED, CHAT_PN_91
from tests.journeys.victim import ChatOfficer, come_back, open_chat, talk_now, write

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]
CORBEIL_ESSONNES = "91174"  # 91100 also covers Villabé, a gendarmerie commune


def test_j2_chat_from_the_public_page_then_back_with_the_receipt(platform, phone, browser):
    receipt = talk_now(platform, phone, "91100", "domestic_violence", commune=CORBEIL_ESSONNES)
    assert len(receipt) == 16
    open_chat(phone)
    officer = ChatOfficer(platform, browser, CHAT_PN_91)  # a police officer: Corbeil-Essonnes is police ground
    try:
        officer.claim()
        officer.reply("Bonjour, je suis là. Êtes-vous en sécurité ?")
        phone.locator("#log li.msg.officer", has_text="Êtes-vous en sécurité").wait_for(timeout=15_000)
        write(phone, "Oui pour l'instant.")
        officer.sees("Oui pour l'instant.")

        # A reload re-posts the page's form (chat tests cover that); her receipt brings her back in any case.
        with contextlib.suppress(PlaywrightError):
            phone.reload(timeout=10_000)
        come_back(platform, phone, receipt)
        open_chat(phone)
        phone.locator("#log li.msg.officer", has_text="Êtes-vous en sécurité").wait_for(timeout=15_000)
        write(phone, "Je suis revenue.")
        officer.sees("Je suis revenue.")
        officer.reply("Je vous lis toujours.")
        phone.locator("#log li.msg.officer", has_text="Je vous lis toujours").wait_for(timeout=15_000)
    finally:
        officer.close()


def test_j5_a_rape_conversation_stays_orange_whatever_the_url_says(platform, phone, browser):
    talk_now(platform, phone, "35000", "rape")
    # The visitor edits the form: the chat address and a field both ask for blue, and for the gendarmerie.
    phone.evaluate("""() => {
        const form = document.querySelector('#start-chat').form;
        form.action = form.action + '?level=blue&force=GN&danger=standard';
        for (const [name, value] of [['level', 'blue'], ['force', 'GN']]) {
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
        }
    }""")
    open_chat(phone)
    write(phone, "Il m'a violée hier soir.")

    uncleared = ChatOfficer(platform, browser, CHAT_PN_35_UNCLEARED)
    cleared = ChatOfficer(platform, browser, CHAT_PN_35)
    try:
        item = uncleared.waiting()
        assert item.get_attribute("data-level") == "orange"
        assert item.locator("button.claim").is_disabled()
        assert "violée" not in uncleared.page.content()
        cleared.waiting(level="orange").locator("button.claim").click()
        cleared.sees("Il m'a violée hier soir.")
    finally:
        uncleared.close()
        cleared.close()

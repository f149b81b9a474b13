"""Talk now and come back, in a real browser on a phone: from the public page to the chat's door, and back with
the receipt to read the unit's messages, answer and erase. Nothing stays on the device."""

import re

import httpx
import pytest

from relais_shared import tickets

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]
NO_TRACE = "[localStorage.length, sessionStorage.length, document.cookie]"


def test_talk_now_from_the_public_page_with_a_code_that_mixes_forces(phone, site, shoot):
    phone.goto(site.url + "/")
    phone.click("#talk-now")
    phone.wait_for_url(site.url + "/parler")
    phone.fill("#f-postal_code", "35760")  # Montgermont (gendarmerie) and Saint-Grégoire (police)
    phone.select_option("#f-category", "domestic_violence")
    phone.click("#talk-submit")
    phone.wait_for_selector("#f-insee")
    assert "choisissez la vôtre" in phone.inner_text("#error-summary")
    shoot(phone, "10-talk-commune")
    phone.select_option("#f-insee", "35278")
    phone.click("#talk-submit")
    phone.wait_for_selector("#receipt")
    assert re.fullmatch(r"[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4}", phone.inner_text("#receipt"))
    assert "Notez ce code" in phone.inner_text("#receipt-note")
    assert phone.inner_text("#start-chat") == "Parler à un agent maintenant"
    shoot(phone, "11-talk-ready")
    before = len(site.chat_forms)
    phone.click("#start-chat")  # to another origin: the page's form-action policy must allow the chat, and only it
    phone.wait_for_selector("#chat-page")
    sent = site.chat_forms[before]
    assert sent["path"] == "/chat" and sent["lang"] == "fr"
    ticket = tickets.redeem(site.keyring, sent["ticket"])
    assert (ticket.level, ticket.category, ticket.jurisdiction.force, ticket.jurisdiction.insee) == (
        "orange", "domestic_violence", "PN", "35278")
    assert site.query("SELECT mode FROM reports WHERE id = $1", ticket.report_id) == "chat"
    assert phone.context.cookies() == []


def test_come_back_with_the_receipt_read_answer_and_erase(phone, site, shoot):
    created = httpx.post(site.url + "/v1/reports", json={
        "role": "victim", "category": "sexual_harassment", "postal_code": "35690", "occurred": "this_week",
        "text": "Il m'attend à la sortie."}).json()
    receipt = created["receipt"]
    site.query("UPDATE reports SET status = 'closed' WHERE id = $1::uuid RETURNING 1", created["id"])
    phone.goto(site.url + "/")
    phone.click("#come-back")
    phone.wait_for_url(site.url + "/retour")
    phone.fill("#f-receipt", "0000 0000 0000 0000")
    phone.click("#see-report")
    phone.wait_for_selector("#err-receipt:not([hidden])")
    assert "Aucun signalement ne correspond à ce code" in phone.inner_text("#err-receipt")
    phone.fill("#f-receipt", " ".join(receipt[i:i + 4] for i in range(0, 16, 4)))
    phone.click("#see-report")
    phone.wait_for_selector("#status")
    assert "clôturé" in phone.inner_text("#status") and phone.get_attribute("#status", "data-status") == "closed"
    phone.fill("#f-text", "Je préfère être appelée le matin.")
    phone.click("#send-reply")
    phone.wait_for_selector("#reply-sent")
    assert "Je préfère être appelée le matin." in phone.inner_text("#messages")
    assert phone.is_visible("#start-chat") and receipt not in phone.url
    shoot(phone, "12-come-back", full_page=True)
    assert phone.evaluate(NO_TRACE) == [0, 0, ""] and phone.context.cookies() == []
    phone.click("#erase")
    phone.wait_for_selector("#erase-confirm")
    shoot(phone, "13-erase-confirm")
    phone.click("#erase-confirm")
    phone.wait_for_selector("#erased")
    assert site.query("SELECT status FROM reports WHERE id = $1::uuid", created["id"]) == "erased"
    assert phone.evaluate(NO_TRACE) == [0, 0, ""] and phone.context.cookies() == []

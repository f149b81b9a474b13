"""The public reporting page, server side: languages, labels, the exit, partners and the no-JavaScript fallback."""

import re
import time
from html.parser import HTMLParser

import pytest

from relais_shared import tickets

pytestmark = pytest.mark.integration
FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary"}
FORM = {"lang": "fr", "role": "witness", "category": "sexual_harassment", "occurred": "this_week",
        "postal_code": "35690", "text": "Il me suit chaque soir.", "channel": "none", "danger.threats_to_kill": "yes"}


class Page(HTMLParser):
    """Every start tag of a page in order, with its attributes, and the text of labels and error messages."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_bodies: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_bodies.append(self.tags[-1][1].get("type", ""))

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def by_id(self, element_id: str) -> dict:
        return next(a for _, a in self.tags if a.get("id") == element_id)


async def test_french_by_default_and_english_at_en(intake):
    _, client = intake
    french, english = await client.get("/"), await client.get("/en")
    assert french.status_code == english.status_code == 200
    assert '<html lang="fr">' in french.text and "Quitter le site" in french.text and "Victime" in french.text
    assert '<html lang="en">' in english.text and "Leave this site" in english.text and "A witness" in english.text
    assert Page(french.text).by_id("lang-switch")["href"] == "/en"
    assert Page(english.text).by_id("lang-switch")["href"] == "/"
    for answer in (french, english):
        assert answer.headers["cache-control"] == "no-store" and "set-cookie" not in answer.headers


async def test_every_control_has_a_label_and_every_group_a_legend(intake):
    _, client = intake
    page = Page((await client.get("/")).text)
    labelled = {a["for"] for a in page.find("label")}
    controls = [a for t, a in page.tags if t in ("input", "select", "textarea") and a.get("type") != "hidden"]
    assert len(controls) > 40  # the ten categories are options; radios, questions and contact fields are here
    assert [c.get("name") for c in controls if c.get("id") not in labelled] == []
    assert len(page.find("fieldset")) == len(page.find("legend"))
    assert all(c.get("autocomplete") == "off" for c in controls if c.get("type") in ("text", "tel"))


async def test_the_exit_comes_first_and_nothing_runs_inline(intake):
    app, client = intake
    page = Page((await client.get("/")).text)
    exit_url = app.state.intake.exit_url
    body = page.find("body")[0]
    first = next(a for t, a in page.tags if t in FOCUSABLE and a.get("type") != "hidden")
    assert first["id"] == "exit" and first["href"] == exit_url and first["rel"] == "noreferrer"
    assert body["data-exit-url"] == exit_url
    assert page.find("style") == []
    assert all("style" not in a and not any(k.startswith("on") for k in a) for _, a in page.tags)
    assert all(s.get("src", "").startswith("/static/") or s.get("type") == "application/json"
               for s in page.find("script"))
    assert page.script_bodies == ["application/json"]  # texts for the script, never executed
    for path in ("/static/relais.css", "/static/relais.js"):
        static = await client.get(path)
        assert static.status_code == 200 and static.headers["cache-control"] == "no-store"


async def test_the_partner_is_recorded_only_while_active(intake):
    app, client = intake
    pool = app.state.runtime.pool
    await pool.execute("INSERT INTO partners (slug, name, kind) VALUES ('carrefour-test', 'Carrefour', 'retailer')")
    await pool.execute("INSERT INTO partners (slug, name, kind, active, revoked_at) "
                       "VALUES ('ancien-test', 'Ancien', 'leaflet', false, now())")
    for path, lang in (("/p/carrefour-test", "fr"), ("/en/p/carrefour-test", "en")):
        answer = await client.get(path)
        page = Page(answer.text)
        assert answer.status_code == 200 and f'<html lang="{lang}">' in answer.text
        assert page.find("input", name="partner") == [{"type": "hidden", "name": "partner", "value": "carrefour-test"}]
    assert Page((await client.get("/p/carrefour-test")).text).by_id("lang-switch")["href"] == "/en/p/carrefour-test"
    for path in ("/p/inconnu", "/p/ancien-test", "/en/p/ancien-test", "/p/%3Cscript%3E"):
        answer = await client.get(path)
        assert answer.status_code == 200 and 'name="partner"' not in answer.text, path
        assert "Quitter le site" in answer.text or "Leave this site" in answer.text


async def test_bad_input_gets_the_form_back_with_the_message_next_to_the_field(intake):
    _, client = intake
    answer = await client.post("/signaler", data={**FORM, "postal_code": "3569"})
    assert answer.status_code == 422 and answer.headers["cache-control"] == "no-store"
    page = Page(answer.text)
    message = "Un code postal comporte exactement 5 chiffres, par exemple 35000."
    assert re.search(r'<p class="error" id="err-postal_code">\s*' + re.escape(message), answer.text)
    field = page.by_id("f-postal_code")
    assert "err-postal_code" in field["aria-describedby"] and field["aria-invalid"] == "true"
    assert field["value"] == "3569"
    assert "checked" in page.by_id("f-role-witness") and "selected" in page.find("option", value="sexual_harassment")[0]
    assert "Il me suit chaque soir." in answer.text and "checked" in page.by_id("q-threats_to_kill")
    assert "<title>Erreur" in answer.text and 'href="#f-postal_code"' in answer.text


async def test_a_code_covering_several_forces_asks_for_the_commune_without_javascript(intake):
    _, client = intake
    answer = await client.post("/signaler", data={**FORM, "postal_code": "35760", "lang": "en"})
    assert answer.status_code == 422 and '<html lang="en">' in answer.text
    page = Page(answer.text)
    assert {o["value"] for o in page.find("option") if o.get("value", "").startswith("35")} >= {"35189", "35278"}
    assert "err-insee" in page.by_id("f-insee")["aria-describedby"] and "choose yours" in answer.text
    chosen = await client.post("/signaler", data={**FORM, "postal_code": "35760", "insee": "35278"})
    assert chosen.status_code == 200 and "Votre signalement est bien envoyé" in chosen.text


async def test_a_report_sent_without_javascript_shows_its_receipt(intake):
    app, client = intake
    contact = {"channel": "phone", "phone": "06 12 34 56 78", "window1_start": "09:00", "window1_end": "11:30"}
    answer = await client.post("/signaler", data={**FORM, **contact})
    assert answer.status_code == 200, answer.text
    groups = re.search(r'<p class="receipt" id="receipt-code">.*?</p>', answer.text, re.S).group(0)
    digits = re.findall(r'<span class="group">([0-9]{4})</span>', groups)
    assert len(digits) == 4 and len("".join(digits)) == 16
    assert answer.text.index('href="tel:17"') < answer.text.index('href="tel:3919"')  # emergency numbers first
    assert 'id="lang-switch"' not in answer.text  # switching language would lose the code
    row = await app.state.runtime.pool.fetchrow("SELECT role, category, contact_channel FROM reports")
    assert dict(row) == {"role": "witness", "category": "sexual_harassment", "contact_channel": "phone"}


def hidden(page: Page, form_id: str) -> dict:
    """The hidden fields of one form of the page."""
    fields, inside = {}, False
    for tag, attrs in page.tags:
        if tag == "form":
            inside = attrs.get("id") == form_id
        elif inside and tag == "input" and attrs.get("type") == "hidden":
            fields[attrs["name"]] = attrs["value"]
    return fields


async def test_talk_now_asks_the_commune_when_needed_then_gives_the_receipt_and_the_way_to_the_chat(intake):
    app, client = intake
    home = Page((await client.get("/en")).text)
    assert home.by_id("talk-now")["href"] == "/en/talk" and home.by_id("come-back")["href"] == "/en/come-back"
    assert Page((await client.get("/")).text).by_id("talk-now")["href"] == "/parler"
    form = await client.get("/parler")
    assert form.status_code == 200 and "Parler à un agent maintenant" in form.text
    assert "form-action 'self' http://127.0.0.1:8003;" in form.headers["content-security-policy"]
    choose = await client.post("/parler", data={"postal_code": "35760", "category": "rape", "lang": "fr"})
    assert choose.status_code == 422 and "choisissez la vôtre" in choose.text
    assert {o["value"] for o in Page(choose.text).find("option")} >= {"35189", "35278"}
    ready = await client.post("/parler", data={"postal_code": "35760", "insee": "35189", "category": "rape",
                                               "lang": "fr"})
    assert ready.status_code == 200, ready.text
    page = Page(ready.text)
    digits = re.findall(r'<span class="group">([0-9]{4})</span>', ready.text)
    assert len("".join(digits)) == 16 and page.by_id("receipt") and "Notez ce code" in ready.text
    assert page.by_id("chat-form")["action"] == "http://127.0.0.1:8003/chat" and page.by_id("start-chat")
    chat = hidden(page, "chat-form")
    ticket = tickets.redeem(app.state.intake.keyring, chat["ticket"])
    assert chat["lang"] == "fr" and ticket.level == "orange" and ticket.category == "rape"
    assert (ticket.jurisdiction.force, ticket.jurisdiction.insee) == ("GN", "35189")
    row = await app.state.runtime.pool.fetchrow("SELECT id, mode FROM reports")
    assert row["id"] == ticket.report_id and row["mode"] == "chat"
    english = await client.post("/en/talk", data={"postal_code": "999", "category": "", "lang": "en"})
    assert english.status_code == 422 and "exactly 5 digits" in english.text and "Choose what happened" in english.text


async def test_come_back_with_the_receipt_answer_erase_and_a_wrong_receipt_takes_as_long(intake):
    app, client = intake
    accepted = (await client.post("/v1/reports", json={"role": "victim", "category": "sexual_harassment",
                                                       "postal_code": "35690", "occurred": "today"})).json()
    receipt = accepted["receipt"]
    spaced = " ".join(receipt[i:i + 4] for i in range(0, 16, 4))
    floor = app.state.intake.settings.receipt_answer_seconds
    started = time.monotonic()
    wrong = await client.post("/retour", data={"receipt": "1234 5678 9012 3456", "lang": "fr"})
    assert time.monotonic() - started >= floor
    assert wrong.status_code == 404 and "Aucun signalement ne correspond à ce code" in wrong.text
    started = time.monotonic()
    seen = await client.post("/retour", data={"receipt": spaced, "lang": "fr"})
    assert time.monotonic() - started >= floor and seen.status_code == 200
    page = Page(seen.text)
    assert page.by_id("status")["data-status"] in {"received", "routed"} and "set-cookie" not in seen.headers
    assert hidden(page, "reply-form")["receipt"] == receipt and receipt not in str(seen.url)
    await app.state.runtime.pool.execute("UPDATE reports SET level = 'orange'")  # as a unit raising it would
    assert tickets.redeem(app.state.intake.keyring, hidden(page, "chat-form")["ticket"]).level == "blue"
    replied = await client.post("/retour/repondre", data={"receipt": receipt, "lang": "fr", "text": "Le matin."})
    assert "Votre message est envoyé." in replied.text and "Le matin." in replied.text
    ticket = tickets.redeem(app.state.intake.keyring, hidden(Page(replied.text), "chat-form")["ticket"])
    assert ticket.level == "orange"  # the report's level now, not the one it started with
    confirm = await client.post("/retour/effacer", data={"receipt": receipt, "lang": "fr"})
    assert "Effacer définitivement" in confirm.text and hidden(Page(confirm.text), "erase-confirm-form")["confirm"]
    erased = await client.post("/retour/effacer", data={"receipt": receipt, "lang": "fr", "confirm": "yes"})
    assert 'id="erased"' in erased.text
    again = await client.post("/en/come-back", data={"receipt": receipt, "lang": "en"})
    assert again.status_code == 404 and "No report matches this code" in again.text
    malformed = await client.post("/retour", data={"receipt": "12 34", "lang": "fr"})
    assert malformed.status_code == 422 and "exactement 16 chiffres" in malformed.text

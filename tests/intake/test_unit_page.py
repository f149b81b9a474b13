"""The unit's console page (/unit) over HTTP: sign-in first, a page naming a missing role, French first, no
token field; and the victims' pages beside it still set no cookie.

A console session is opened in intake's own session store (what /auth/callback does after the provider):
the browser test (test_unit_console_browser.py) signs in through the real provider.
"""

import re

import pytest

from relais_intake.unit_api import READERS
from relais_shared.identity import Operator
from relais_shared.signin.provider import Tokens
from tests.intake.test_unit_side import routed_report

pytestmark = pytest.mark.integration
BRIGADE = Operator(sub="brigade.liffre", alias="BTA Liffré", force="GN", departments=("35",), unit="BTA Liffré",
                   roles=frozenset({"chat_operator"}))
FORM = {"lang": "fr", "role": "witness", "category": "sexual_harassment", "occurred": "this_week",
        "postal_code": "35690", "text": "Il me suit chaque soir.", "channel": "none"}


async def session_cookie(app, operator: Operator) -> dict[str, str]:
    """The Cookie header of a signed-in console (the session is intake's, as after /auth/callback)."""
    store = app.state.operator_gate.store
    cookie, _ = await store.create(operator, Tokens("access", None, None, 3600), hours=1)
    return {"Cookie": f"relais_operator_intake={cookie}"}


async def test_the_victims_pages_set_no_cookie_and_the_unit_page_sends_to_sign_in(intake):
    _, client = intake
    answers = [await client.get("/"), await client.get("/en"), await client.post("/signaler", data=FORM)]
    assert [a.status_code for a in answers] == [200, 200, 200] and "receipt-code" in answers[-1].text
    unit = await client.get("/unit?lang=en")
    assert unit.status_code == 303 and unit.headers["location"].startswith("/auth/login?")
    assert "next=%2Funit%3Flang%3Den" in unit.headers["location"]
    for answer in [*answers, unit]:
        assert "set-cookie" not in answer.headers, answer.url


async def test_a_unit_officer_gets_her_console_french_first_without_a_token_field(intake):
    app, client = intake
    signed_in = await session_cookie(app, BRIGADE)
    french, english = (await client.get("/unit", headers=signed_in),
                       await client.get("/unit?lang=en", headers=signed_in))
    assert french.status_code == english.status_code == 200
    assert '<html lang="fr">' in french.text and "Signalements de l'unité" in french.text
    assert "BTA Liffré · GN · département(s) 35" in french.text and "Plainte déposée" in french.text
    assert '<html lang="en">' in english.text and "The unit's reports" in english.text
    assert "department(s) 35" in english.text and "Complaint filed" in english.text
    for page in (french, english):
        assert "set-cookie" not in page.headers
        assert '<script src="/kit/console-kit.js" defer>' in page.text
        assert '<script src="/static/unit.js" defer>' in page.text
        lang = page.url.params.get("lang", "fr")
        assert set(re.findall(r"<input[^>]*>", page.text)) == {f'<input type="hidden" name="lang" value="{lang}">'}
        assert "token" not in page.text.lower() and "jeton" not in page.text.lower()
    script = (await client.get("/static/unit.js")).text
    assert "innerHTML" not in script and "Authorization" not in script and "Storage" not in script


async def test_a_unit_signed_in_lists_and_closes_through_the_api(intake, routing_consumer):
    app, client = intake
    assert set(BRIGADE.roles) <= set(READERS)
    created = await routed_report(app, client, category="sexual_harassment")
    signed_in = await session_cookie(app, BRIGADE)
    listed = (await client.get("/v1/unit/reports", headers=signed_in)).json()
    assert [r["id"] for r in listed] == [created["id"]]
    path = f"/v1/unit/reports/{created['id']}"
    assert (await client.get(path, headers=signed_in)).json()["text"] == "Il me suit partout."
    closed = await client.post(path + "/close", headers=signed_in, json={"outcome": "complaint_filed"})
    assert closed.json() == {"status": "closed"}


async def test_an_operator_without_a_unit_role_is_told_which_role_the_console_needs(intake):
    app, client = intake
    auditor = BRIGADE.model_copy(update={"sub": "auditeur", "roles": frozenset({"auditor"})})
    signed_in = await session_cookie(app, auditor)
    french = await client.get("/unit", headers=signed_in)
    assert french.status_code == 403 and "agent de tchat" in french.text and "auditeur" in french.text
    english = await client.get("/unit?lang=en", headers=signed_in)
    assert english.status_code == 403 and "chat officer" in english.text
    assert "unit.js" not in french.text and "unit.js" not in english.text

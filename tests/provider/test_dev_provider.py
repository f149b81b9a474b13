"""The development OIDC provider, driven over plain HTTP as a relying party and a browser would: what Relais's
consoles will rely on (claims, PKCE, refresh, sign-out)."""

from __future__ import annotations

import httpx
import jwt
import pytest

from relais_cli.provider import DEMO_OPERATORS, DEMO_PASSWORD, RELAIS_CLAIMS, operator
from tests.provider import (
    Pkce,
    authorize,
    code_from,
    discovery,
    exchange_code,
    login_form_fields,
    sign_in,
    start_provider,
    submit_credentials,
)

SERVICE = "http://127.0.0.1:18002"  # nothing listens there: the tests stop at the redirect to it
CALLBACK = SERVICE + "/auth/callback"
SIGNED_OUT = SERVICE + "/auth/signed-out"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    running = start_provider(tmp_path_factory.mktemp("provider"), [SERVICE], access_token_ttl_seconds=300)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def signing_keys(provider):
    return jwt.PyJWKSet.from_dict(httpx.get(discovery(provider)["jwks_uri"], timeout=10).json())


def verified(token: str, provider, signing_keys) -> dict:
    kid = jwt.get_unverified_header(token)["kid"]
    return jwt.decode(token, signing_keys[kid].key, algorithms=["RS256"], audience=provider.client_id,
                      issuer=provider.issuer)


def expected_claims(login: str) -> dict:
    """What Relais reads from a demo account's tokens; LLNG leaves empty values out entirely."""
    account = operator(login)
    claims = {"sub": account.login, "relais_alias": account.alias, "relais_force": account.force,
              "relais_departments": list(account.departments), "relais_unit": account.unit,
              "groups": list(account.roles), "relais_orange": account.orange}
    return {name: value for name, value in claims.items() if value not in (None, [])}


def relais_claims(payload: dict) -> dict:
    return {name: payload[name] for name in ("sub", *RELAIS_CLAIMS) if name in payload}


def test_discovery_document_describes_the_issuer(provider):
    document = discovery(provider)

    assert document["issuer"] == provider.issuer
    assert provider.discovery_url == provider.issuer + "/.well-known/openid-configuration"
    for endpoint in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
                     "end_session_endpoint"):
        assert document[endpoint].startswith(provider.issuer + "/oauth2/")
    assert "S256" in document["code_challenge_methods_supported"]
    assert "client_secret_post" in document["token_endpoint_auth_methods_supported"]
    assert {"authorization_code", "refresh_token"} <= set(document["grant_types_supported"])


def test_agent_signs_in_with_code_and_pkce(provider, signing_keys):
    tokens = sign_in(provider, "agent.pn35", CALLBACK)

    id_token = verified(tokens["id_token"], provider, signing_keys)
    access_token = verified(tokens["access_token"], provider, signing_keys)
    assert relais_claims(id_token) == relais_claims(access_token) == expected_claims("agent.pn35")
    assert id_token["relais_departments"] == ["35"] and id_token["groups"] == ["chat_operator"]
    assert id_token["relais_orange"] is True
    assert id_token["nonce"] == "nonce-1" and id_token["azp"] == provider.client_id
    assert access_token["client_id"] == provider.client_id and access_token["scope"] == "openid relais"
    assert jwt.get_unverified_header(tokens["access_token"])["typ"] == "JWT"  # LLNG 2.16 does not write at+jwt
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 300 and tokens["refresh_token"]

    userinfo = httpx.get(discovery(provider)["userinfo_endpoint"], timeout=10,
                         headers={"authorization": f"Bearer {tokens['access_token']}"})
    assert relais_claims(userinfo.json()) == expected_claims("agent.pn35")


@pytest.mark.parametrize("login", [account.login for account in DEMO_OPERATORS if account.login != "agent.pn35"])
def test_every_demo_account_carries_its_attributes(provider, signing_keys, login):
    id_token = verified(sign_in(provider, login, CALLBACK)["id_token"], provider, signing_keys)

    assert relais_claims(id_token) == expected_claims(login)


def test_claim_shapes_of_the_edge_accounts(provider, signing_keys):
    def claims(login):
        return verified(sign_in(provider, login, CALLBACK)["id_token"], provider, signing_keys)

    assert claims("corg.gn91")["relais_departments"] == ["91", "78"]
    assert claims("agent.pn35.bleu")["relais_orange"] is False
    no_role = claims("sans.role")
    assert "groups" not in no_role and no_role["relais_alias"] == "Sans rôle"
    assert claims("superviseur")["relais_departments"] == ["*"], "national: every department"


def test_refresh_token_gives_new_tokens(provider, signing_keys):
    tokens = sign_in(provider, "cellule.gn35", CALLBACK)

    # client_secret_basic here (the other tests post the secret): both work with the secrets start() makes.
    refreshed = httpx.post(discovery(provider)["token_endpoint"], timeout=10,
                           auth=(provider.client_id, provider.client_secret),
                           data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})

    assert refreshed.status_code == 200, refreshed.text
    body = refreshed.json()
    assert body["access_token"] != tokens["access_token"]
    assert relais_claims(verified(body["access_token"], provider, signing_keys)) == expected_claims("cellule.gn35")
    assert verified(body["id_token"], provider, signing_keys)["sub"] == "cellule.gn35"
    assert "refresh_token" not in body  # not rotated: the first refresh token stays valid with the session


def test_wrong_password_is_refused(provider):
    with httpx.Client(timeout=10) as browser:
        login_page = authorize(browser, provider, CALLBACK, Pkce.new())
        answer = submit_credentials(browser, login_page, "agent.pn35", "not-the-password")

    assert answer.status_code == 200 and "location" not in answer.headers
    assert 'trmsg="5"' in answer.text  # LLNG's PE_BADCREDENTIALS message, on the login form again
    assert "token" in login_form_fields(answer.text)


def test_pkce_and_the_client_secret_are_required(provider):
    with httpx.Client(timeout=10) as browser:
        # LLNG checks the request once the user has signed in: the error comes back to the relying party.
        no_challenge = authorize(browser, provider, CALLBACK, None)
        refused = code_from(submit_credentials(browser, no_challenge, "auditeur", DEMO_PASSWORD), CALLBACK)
        assert refused["error"] == "invalid_request" and "code" not in refused

        pkce = Pkce.new()
        query = code_from(authorize(browser, provider, CALLBACK, pkce), CALLBACK)  # signed in: straight back
    assert exchange_code(provider, query["code"], CALLBACK, "a-wrong-verifier-" + "x" * 40).status_code == 400

    wrong_secret = httpx.post(discovery(provider)["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "code": "whatever", "redirect_uri": CALLBACK,
        "client_id": provider.client_id, "client_secret": "wrong"})
    assert wrong_secret.status_code == 400 and wrong_secret.json()["error"] == "invalid_client"  # 401 with Basic


def test_end_session_redirects_to_the_allowed_uri(provider):
    with httpx.Client(timeout=10) as browser:
        tokens = sign_in(provider, "superviseur", CALLBACK, client=browser)
        end_session = discovery(provider)["end_session_endpoint"]

        signed_out = browser.get(end_session, params={"id_token_hint": tokens["id_token"],
                                                      "post_logout_redirect_uri": SIGNED_OUT, "state": "bye"})
        assert signed_out.status_code == 302 and signed_out.headers["location"] == SIGNED_OUT + "?state=bye"

        elsewhere = browser.get(end_session, params={"post_logout_redirect_uri": "http://127.0.0.1:1/elsewhere"})
        assert "location" not in elsewhere.headers  # not an allowed URI: the portal's own page instead

    after = httpx.post(discovery(provider)["token_endpoint"], timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
        "client_id": provider.client_id, "client_secret": provider.client_secret})
    assert after.status_code == 400 and after.json()["error"] == "invalid_grant"

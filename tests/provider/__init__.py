"""The real development OIDC provider (LemonLDAP::NG) for tests, and signing in to it over plain HTTP.

This is the brief's `tests/provider.py`: a module of that name could not sit beside this test package, so
`from tests.provider import start_provider` imports it from here.

    provider = start_provider(tmp_path_factory.mktemp("provider"), ["http://127.0.0.1:18002"])
    try: ... finally: provider.stop()

Nothing is skipped: without LemonLDAP::NG installed, start_provider fails the test and says what to install.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from relais_cli.provider import DEMO_PASSWORD, RELAIS_SCOPE, DevProvider, ProviderUnavailable
from relais_cli.provider.dev_provider import callback_uris, signed_out_uris


def start_provider(tmp_path: Path, redirect_bases: list[str], access_token_ttl_seconds: int = 600) -> DevProvider:
    """A started, ready provider accepting `<base>/auth/callback` and `<base>/auth/signed-out` for each base.

    The caller stops it (provider.stop(), or `with start_provider(...) as provider:`).
    """
    provider = DevProvider()
    try:
        provider.start(redirect_uris=callback_uris(redirect_bases), post_logout_redirect_uris=signed_out_uris(
            redirect_bases), access_token_ttl_seconds=access_token_ttl_seconds, workdir=tmp_path)
        return provider.wait_ready()
    except ProviderUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    except BaseException:
        provider.stop()
        raise


@dataclass
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


def discovery(provider: DevProvider) -> dict:
    return _discovery(provider.discovery_url)


@functools.cache
def _discovery(url: str) -> dict:
    return httpx.get(url, timeout=10).raise_for_status().json()


def login_form_fields(page: str) -> dict[str, str]:
    """The hidden fields of LLNG's login form (its CSRF token, the request it came from)."""
    return dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))


def authorize(client: httpx.Client, provider: DevProvider, redirect_uri: str, pkce: Pkce | None,
              scope: str = f"openid {RELAIS_SCOPE}", state: str = "state-1", nonce: str = "nonce-1") -> httpx.Response:
    """GET the authorization endpoint as a browser would: the portal's login page, or a redirect."""
    params = {"response_type": "code", "client_id": provider.client_id, "redirect_uri": redirect_uri,
              "scope": scope, "state": state, "nonce": nonce}
    if pkce is not None:
        params |= {"code_challenge": pkce.challenge, "code_challenge_method": "S256"}
    return client.get(discovery(provider)["authorization_endpoint"], params=params)


def submit_credentials(client: httpx.Client, login_page: httpx.Response, login: str, password: str) -> httpx.Response:
    """Fill and submit the login form; its action is "#", the page's own URL."""
    fields = login_form_fields(login_page.text) | {"user": login, "password": password}
    return client.post(login_page.url, data=fields)


def code_from(response: httpx.Response, redirect_uri: str) -> dict[str, str]:
    location = response.headers.get("location", "")
    assert response.status_code == 302 and location.startswith(redirect_uri + "?"), (response.status_code, location)
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def exchange_code(provider: DevProvider, code: str, redirect_uri: str, verifier: str) -> httpx.Response:
    """The relying party's back-channel call: client_secret_post, with the PKCE verifier."""
    return httpx.post(discovery(provider)["token_endpoint"], timeout=10, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier,
        "client_id": provider.client_id, "client_secret": provider.client_secret})


def sign_in(provider: DevProvider, login: str, redirect_uri: str, password: str = DEMO_PASSWORD,
            client: httpx.Client | None = None) -> dict:
    """The whole authorization-code + PKCE flow for one account; returns the token endpoint's answer."""
    pkce = Pkce.new()
    with _browser(client) as browser:
        login_page = authorize(browser, provider, redirect_uri, pkce)
        assert login_page.status_code == 200, login_page.status_code
        query = code_from(submit_credentials(browser, login_page, login, password), redirect_uri)
    assert query["state"] == "state-1"
    tokens = exchange_code(provider, query["code"], redirect_uri, pkce.verifier)
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


def _browser(client: httpx.Client | None):
    """The caller's client (its cookies are the browser's session), or a fresh one closed afterwards."""
    return contextlib.nullcontext(client) if client is not None else httpx.Client(timeout=10)


def submit_login_page(page, login: str, password: str = DEMO_PASSWORD) -> None:
    """In a Playwright page showing the portal's login form: fill it and submit (French or English alike)."""
    page.fill("#userfield", login)
    page.fill("#passwordfield", password)
    page.click("button[type=submit]")

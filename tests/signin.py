"""Operators sign in for tests as they do for real: through the development provider's own login page.

    provider = start_provider_for(workdir, [service base URLs])   # before the services start
    env = provider_env(provider)                                    # RELAIS_OIDC_* for the services
    await sign_in(page, service_url + "/console", "corg.gn91")      # Playwright, async
    sign_in_sync(page, service_url + "/console", "corg.gn91")       # Playwright, sync (journeys)
"""

from __future__ import annotations

from pathlib import Path

from relais_cli.provider import DEMO_PASSWORD, DevProvider
from relais_cli.provider.dev_provider import callback_uris, signed_out_uris

USER_FIELD, PASSWORD_FIELD = 'input[name="user"]', 'input[name="password"]'
SUBMIT = 'button[type="submit"]'


def start_provider_for(workdir: Path | None, bases: list[str], *, operators=None,
                       access_token_ttl_seconds: int = 600) -> DevProvider:
    """A running provider whose redirect URIs cover services at `bases` (http://127.0.0.1:<port>)."""
    everywhere = sorted({b.rstrip("/") for b in bases} | {b.rstrip("/").replace("127.0.0.1", "localhost")
                                                           for b in bases})
    extra = {} if operators is None else {"operators": operators}
    provider = DevProvider().start(redirect_uris=callback_uris(everywhere),
                                   post_logout_redirect_uris=signed_out_uris(everywhere),
                                   access_token_ttl_seconds=access_token_ttl_seconds, workdir=workdir, **extra)
    return provider.wait_ready()


def provider_env(provider: DevProvider) -> dict[str, str]:
    """What a service needs to send its operators to this provider and trust what it signs."""
    return {"RELAIS_OIDC_ISSUER": provider.issuer, "RELAIS_OIDC_CLIENT_ID": provider.client_id,
            "RELAIS_OIDC_CLIENT_SECRET": provider.client_secret}


def provider_settings(provider: DevProvider) -> dict[str, str]:
    """The same as settings keywords, for a service app built in the test's process."""
    return {name.removeprefix("RELAIS_").lower(): value for name, value in provider_env(provider).items()}


def provider_on_a_free_port(workdir: Path) -> tuple[DevProvider, int]:
    """A provider for one service the test will serve on the returned port (skipped without Chromium)."""
    import os

    import pytest

    from tests.browser.conftest import CHROMIUM
    from tests.support import free_port

    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip("Debian's Chromium is not installed")
    port = free_port()
    return start_provider_for(workdir, [f"http://127.0.0.1:{port}"]), port


def page_errors(page, origin: str) -> list[str]:
    """Script errors and CSP refusals on our pages, collected as they happen. A 4xx a page handles is logged as
    "Failed to load resource": not an error of the page."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and m.location.get("url", "").startswith(origin)
            and not m.text.startswith("Failed to load") and errors.append(m.text))
    return errors


async def sign_in(page, url: str, login: str, password: str = DEMO_PASSWORD, *, console: bool = True) -> None:
    """Open `url` (a console); sign in on the provider's page if it asks (it does not when the browser is
    already signed in at the provider: single sign-on); return once the console shows who is signed in
    (`console=False`: once back on `url`, whatever it shows)."""
    from playwright.async_api import expect

    await page.goto(url)
    for _ in range(300):  # at most ~30 s: the provider's page, or straight back through single sign-on
        if _back_on(page.url, url):
            break
        if await page.locator(USER_FIELD).count():
            await page.locator(USER_FIELD).fill(login)
            await page.locator(PASSWORD_FIELD).fill(password)
            await page.locator(SUBMIT).first.click()
            await page.wait_for_url(lambda now: _back_on(now, url), timeout=30_000)
            break
        await page.wait_for_timeout(100)
    if console:  # False for an account the console refuses: the caller checks the page it got instead
        await expect(page.locator("#kit-me")).to_be_visible()


def sign_in_sync(page, url: str, login: str, password: str = DEMO_PASSWORD, *, console: bool = True) -> None:
    """The same for Playwright's synchronous API (the journeys)."""
    from playwright.sync_api import expect

    page.goto(url)
    for _ in range(300):
        if _back_on(page.url, url):
            break
        if page.locator(USER_FIELD).count():
            page.locator(USER_FIELD).fill(login)
            page.locator(PASSWORD_FIELD).fill(password)
            page.locator(SUBMIT).first.click()
            page.wait_for_url(lambda now: _back_on(now, url), timeout=30_000)
            break
        page.wait_for_timeout(100)
    if console:
        expect(page.locator("#kit-me")).to_be_visible()


def _back_on(now: str, url: str) -> bool:
    return now.split("?")[0].rstrip("/") == url.split("?")[0].rstrip("/")


async def session_cookie(app, operator) -> dict[str, str]:
    """A Cookie header naming a console session opened in an in-process app's own store, as /auth/callback
    opens one after the provider (for HTTP-level page tests; browser tests go through the provider)."""
    from relais_shared.signin.provider import Tokens

    gate = app.state.operator_gate
    cookie, _ = await gate.store.create(operator, Tokens("unused", None, None, 3600), hours=1)
    return {"Cookie": f"{gate.cookie_name}={cookie}"}

"""Signing in through the real provider: PKCE flow, session cookie, refresh, revocation, sign-out, and what an
unreachable provider costs. One stats process (any service serves /auth/) and one LemonLDAP::NG per module."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
import pytest

from relais_cli.provider import DEMO_PASSWORD
from relais_stats.settings import StatsSettings
from tests.browser.conftest import async_chromium
from tests.launcher import ServiceProcess
from tests.signin import PASSWORD_FIELD, SUBMIT, USER_FIELD, provider_env, start_provider_for
from tests.support import BlackHole, free_port

pytestmark = [pytest.mark.integration, pytest.mark.browser]
COOKIE = "relais_operator_stats"


@pytest.fixture(scope="module")
def service(isolated_module, tmp_path_factory):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # Access tokens of 2 s: every few requests the session has to be renewed with the provider.
    provider = start_provider_for(tmp_path_factory.mktemp("provider"), [base], access_token_ttl_seconds=2)
    env = isolated_module.env(StatsSettings, port) | provider_env(provider) | {
        "RELAIS_OPERATOR_SESSION_CHECK_SECONDS": "1", "RELAIS_OPERATOR_REFRESH_GRACE_SECONDS": "0"}
    process = ServiceProcess("stats", env, port).wait_ready()
    try:
        yield base, provider, isolated_module.settings(StatsSettings).service_database_url
    finally:
        process.stop()
        provider.stop()


@pytest.fixture
async def browser():
    async with async_chromium() as chromium:
        yield chromium


async def sign_in_to_session(page, base: str, login: str) -> None:
    """Sign in through /auth/login straight to /auth/session (this service has no console to open)."""
    await page.goto(base + "/auth/login?next=/auth/session")
    await page.locator(USER_FIELD).fill(login)
    await page.locator(PASSWORD_FIELD).fill(DEMO_PASSWORD)
    await page.locator(SUBMIT).first.click()
    await page.wait_for_url(base + "/auth/session", timeout=30_000)


async def session_state(base: str, cookie: str) -> int:
    async with httpx.AsyncClient(base_url=base, cookies={COOKIE: cookie}) as client:
        return (await client.get("/auth/session")).status_code


async def test_sign_in_refreshes_with_the_provider_and_ends_when_the_provider_says_so(service, browser):
    base, provider, database = service
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in_to_session(page, base, "superviseur")
    assert '"alias":"Superviseur national"' in await page.locator("body").inner_text()
    cookie = next(c for c in await context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    db = await asyncpg.connect(database)
    try:
        first_due = await db.fetchval("SELECT refresh_due_at FROM operator_sessions")
        for _ in range(100):  # the access token expires: the next request renews the session
            assert await session_state(base, cookie["value"]) == 200
            if await db.fetchval("SELECT refresh_due_at FROM operator_sessions") > first_due:
                break
            await asyncio.sleep(0.2)
        assert await db.fetchval("SELECT refresh_due_at FROM operator_sessions") > first_due, "never refreshed"
        # Signed out at the provider (another tab, the SSO's own page): the next renewal is refused.
        await page.goto(provider.issuer + "/?logout=1")
        for _ in range(100):
            if await session_state(base, cookie["value"]) == 401:
                break
            await asyncio.sleep(0.2)
        assert await session_state(base, cookie["value"]) == 401
        assert await db.fetchval("SELECT ended_reason FROM operator_sessions") == "refused by provider"
    finally:
        await db.close()
        await context.close()


async def test_sign_out_ends_the_session_here_and_at_the_provider(service, browser):
    base, provider, _ = service
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in_to_session(page, base, "auditeur")
    cookie = next(c["value"] for c in await context.cookies() if c["name"] == COOKIE)
    await page.set_content(f'<form method="post" action="{base}/auth/logout"><button id="out">x</button></form>')
    await page.click("#out")
    await page.wait_for_url(lambda url: url.startswith(f"{base}/auth/signed-out"), timeout=20_000)
    assert "déconnecté" in await page.locator("h1").inner_text()
    assert await session_state(base, cookie) == 401
    await page.goto(base + "/auth/login?next=/auth/session")
    assert await page.locator('input[name="password"]').count() == 1, "the provider's session ended too"
    await context.close()


async def test_a_forged_or_stale_callback_opens_nothing_and_next_stays_on_this_host(service):
    base, _, _ = service
    async with httpx.AsyncClient(base_url=base) as client:
        answer = await client.get("/auth/callback", params={"state": "made-up", "code": "made-up"})
        assert answer.status_code == 400 and COOKIE not in answer.headers.get("set-cookie", "")
        assert "Connexion expirée" in answer.text
        login = await client.get("/auth/login", params={"next": "//evil.example/x"})
        assert login.status_code == 303 and "relais_signin_stats_" in login.headers["set-cookie"]
        assert (await client.get("/auth/session")).status_code == 401




async def test_an_unreachable_provider_costs_a_request_its_timeout_never_the_service(isolated):
    hole = BlackHole()
    port = free_port()
    # No cool-down: the worst case, where this request itself goes to the provider for keys.
    env = isolated.env(StatsSettings, port) | {"RELAIS_OIDC_ISSUER": hole.url, "RELAIS_OIDC_TIMEOUT_SECONDS": "2",
                                                "RELAIS_OIDC_CLIENT_SECRET": "x" * 32,
                                                "RELAIS_OIDC_KEYS_COOLDOWN_SECONDS": "0"}
    process = ServiceProcess("stats", env, port).wait_ready()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            import jwt
            from cryptography.hazmat.primitives.asymmetric import ec

            forged = jwt.encode({"iss": hole.url, "sub": "x", "aud": "relais", "exp": 2_000_000_000, "iat": 0},
                                ec.generate_private_key(ec.SECP256R1()), algorithm="ES256",
                                headers={"kid": "unknown", "typ": "at+jwt"})
            slow = asyncio.create_task(client.get("/v1/supervision/overview",
                                                  headers={"Authorization": f"Bearer {forged}"}))
            answered = 0
            while not slow.done():  # the service keeps answering while one request waits on the provider
                assert (await client.get("/healthz")).status_code == 200
                answered += 1
                await asyncio.sleep(0.05)
            assert answered >= 3
            assert (await slow).status_code in (401, 403, 404)
            login = await client.get("/auth/login")
            assert login.status_code == 503 and "ne répond pas" in login.text
    finally:
        process.stop()
        hole.close()

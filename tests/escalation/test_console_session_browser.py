"""A dispatcher's session ends while the console is open: the server closes the console's socket, the console
goes off duty and says to sign in again. Sessions here last about 11 seconds, checked every second."""

import pytest
from playwright.async_api import expect

from tests.escalation.browser import chromium, console_service, operator_page
from tests.escalation.helpers import query
from tests.signin import sign_in
from tests.support import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.browser]


@pytest.fixture(scope="module")
def service(isolated_module, tmp_path_factory):
    with console_service(isolated_module, tmp_path_factory.mktemp("escalation-session"),
                         RELAIS_OPERATOR_SESSION_HOURS="0.003", RELAIS_OPERATOR_SESSION_CHECK_SECONDS="1") as running:
        yield running


@pytest.fixture(scope="module")
async def browser(service):
    async with chromium() as launched:
        yield launched


async def on_duty(settings, sub: str) -> int:
    rows = await query(settings, "SELECT count(*) AS n FROM on_duty WHERE operator_sub = $1", sub)
    return rows[0]["n"]


async def test_a_session_that_expires_closes_the_socket_and_asks_to_sign_in_again(service, browser):
    problems = []
    page = await operator_page(browser, problems)
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    await sign_in(page, service.url + "/console", "corg.gn91")
    await expect(page.locator("#board")).to_be_visible()
    assert await wait_until(lambda: on_duty(service.settings, "corg.gn91"), 15) == 1
    banner = page.locator("#kit-session-lost")
    await expect(banner).to_be_hidden()

    await expect(banner).to_be_visible(timeout=60_000)  # once the session's end is reached and seen
    await expect(page.locator("#kit-sign-in-again")).to_have_attribute("href", "/auth/login?lang=fr&next=%2Fconsole")
    console_socket = next(s for s in sockets if s.url.endswith("/v1/console/ws"))
    if not console_socket.is_closed():
        await console_socket.wait_for_event("close")
    assert await wait_until(lambda: _none_on_duty(service.settings), 15)  # the server let go of it too
    await page.context.close()
    assert problems == []


async def _none_on_duty(settings) -> bool:
    return await on_duty(settings, "corg.gn91") == 0

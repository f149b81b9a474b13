"""The statistics pages in headless Chromium: the public map of France with its overseas insets and the table;
the supervision page, signed in through the development provider."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
from playwright.async_api import async_playwright, expect

from relais_stats.app import create_app
from relais_stats.periods import labels_of
from tests.signin import provider_on_a_free_port, provider_settings, sign_in
from tests.stats.conftest import Publisher, closed_month_day, envelope, report_events
from tests.support import running_app, serving, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.integration]
SHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "test-artifacts", "screenshots")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
CHROMIUM = "/usr/bin/chromium"
SPREAD = {"35": 40, "75": 120, "13": 80, "59": 65, "69": 55, "33": 30, "974": 25, "971": 12, "2A": 4, "67": 18}


async def test_the_public_map_shows_published_counts_by_department(stats_settings):
    if not os.path.exists("/usr/bin/chromium"):  # noqa: ASYNC240 - one check before anything runs
        pytest.skip("Debian's Chromium is not installed")
    settings = stats_settings()
    app = create_app(settings)
    at = closed_month_day()
    events = [env for department, n in SPREAD.items() for i in range(n)
              for env in report_events("domestic_violence" if i % 3 else "sexual_harassment", department,
                                       at + timedelta(minutes=i))[1]]
    async with serving(app) as url, running_app(create_app(settings)), \
            Publisher(settings.amqp_url, settings.namespace) as publisher:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        for env in events:
            await publisher.send(env)
        total = sum(SPREAD.values())
        assert await wait_until(lambda: _counted(app, total), 60)
        month = labels_of(at)[1]
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = await browser.new_page(viewport={"width": 1000, "height": 900}, locale="fr-FR")
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            await page.goto(f"{url}/statistiques?period={month}")
            await expect(page.get_by_role("heading", name="Statistiques des signalements")).to_be_visible()
            await expect(page.get_by_role("img", name="Carte des signalements publiés par département")).to_be_visible()
            assert await page.locator("path.dep").count() == 101
            titles = page.locator("path.dep title")
            assert await titles.filter(has_text="Ville de Paris (75) : 120 signalements").count()
            assert await titles.filter(has_text="La Réunion (974) : 0 signalements (total partiel").count()
            await expect(page.get_by_role("row", name="35 Ille-et-Vilaine")).to_contain_text("40")
            os.makedirs(SHOTS, exist_ok=True)  # noqa: ASYNC240
            await page.screenshot(path=os.path.join(SHOTS, "stats-public-map.png"), full_page=True)
            await page.goto(f"{url}/en/statistics?period={month}")
            await expect(page.get_by_role("heading", name="Report statistics")).to_be_visible()
            await browser.close()
    assert errors == []  # no CSP refusal, no script error


async def _counted(app, total: int) -> bool:
    return await app.state.runtime.pool.fetchval("SELECT coalesce(sum(n), 0) FROM report_counts") == total


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The provider, only for the supervision page (the public page has no sign-in), and the port it expects."""
    running, port = provider_on_a_free_port(tmp_path_factory.mktemp("provider"))
    yield running, port
    running.stop()


async def test_a_supervisor_signs_in_and_sees_the_live_panel(stats_settings, provider):
    running, port = provider
    oidc = provider_settings(running)
    settings = stats_settings(**oidc)
    app = create_app(settings)
    waiting = envelope("chat.session_started", {"session_id": str(uuid.uuid4()), "force": "PN", "department": "75",
                                                "platform_queue": "platform.PN", "level": "orange"})
    async with serving(app, port) as url, Publisher(settings.amqp_url, settings.namespace) as publisher:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        await publisher.send(waiting)
        pool = app.state.runtime.pool
        assert await wait_until(lambda: pool.fetchval("SELECT count(*) = 1 FROM chat_open"), 30)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = await browser.new_page(viewport={"width": 1100, "height": 900}, locale="fr-FR")
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda m: m.type == "error" and m.location.get("url", "").startswith(url)
                    and errors.append(m.text))
            await sign_in(page, url + "/supervision", "superviseur")
            await expect(page.get_by_role("heading", name="Supervision — files et délais")).to_be_visible()
            await expect(page.locator("#kit-me")).to_have_text("Connecté·e : Superviseur national (PN)")
            assert await page.locator("#token, textarea, input[name=token], input[type=password]").count() == 0
            assert await page.evaluate("sessionStorage.length + localStorage.length") == 0
            national = page.locator("#panel table").last.locator("tbody tr").first  # the force/department lines
            await expect(national).to_contain_text("PN")
            await expect(national).to_contain_text("75")
            await expect(page.locator("#panel svg").first).to_be_visible()
            os.makedirs(SHOTS, exist_ok=True)  # noqa: ASYNC240
            await page.screenshot(path=os.path.join(SHOTS, "stats-supervision.png"), full_page=True)
            await page.goto(url + "/en/supervision")  # the former English address, still signed in
            await expect(page.get_by_role("heading", name="Supervision — queues and waits")).to_be_visible()
            await expect(page.locator("#panel")).to_contain_text("Conversations waiting")
            await browser.close()
        reads = await pool.fetchval("SELECT count(*) FROM audit_log WHERE object_type = 'supervision' "
                                    "AND actor_sub = 'superviseur'")
        assert reads >= 2  # each panel drawn is a read, audited
    assert errors == []  # no CSP refusal, no script error

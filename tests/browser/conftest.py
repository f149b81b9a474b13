"""Intake and routing as processes, a neutral page to leave to, a stand-in for the chat's page, and one headless
Chromium per test module."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import asyncpg
import pytest

from relais_intake.settings import IntakeSettings
from relais_routing.settings import RoutingSettings
from tests.launcher import ROOT, ServiceProcess
from tests.support import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(ROOT) / "test-artifacts" / "screenshots"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1,
         "locale": "fr-FR"}


def answer_html(handler: BaseHTTPRequestHandler, body: bytes) -> None:
    handler.send_response(200)
    handler.send_header("content-type", "text/html; charset=utf-8")
    handler.send_header("content-length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class NeutralPage(BaseHTTPRequestHandler):
    """What the emergency exit lands on in tests: a page about the weather, nothing else."""

    def do_GET(self):
        answer_html(self, b"<!doctype html><title>M\xc3\xa9t\xc3\xa9o</title><h1>M\xc3\xa9t\xc3\xa9o</h1>")

    def log_message(self, *args):
        pass


class ChatStandIn(BaseHTTPRequestHandler):
    """Where intake's start-chat forms post in these tests: it keeps each form it receives (the chat's own page
    is tested with the chat service)."""

    received: list[dict] = []

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        fields = parse_qs(self.rfile.read(length).decode())
        type(self).received.append({"path": self.path, **{k: v[0] for k, v in fields.items()}})
        answer_html(self, b"<!doctype html><title>Chat</title><h1 id='chat-page'>Chat</h1>")

    def log_message(self, *args):
        pass


@dataclass(frozen=True)
class Site:
    url: str
    exit_url: str
    database_url: str
    chat_url: str = ""
    chat_forms: list = ()  # what the chat stand-in received, in order
    keyring: object = None  # intake's, to open the tickets the chat would redeem

    def query(self, sql: str, *args):
        """One value from intake's database, read in a thread of its own so no test event loop is disturbed."""

        async def fetch():
            conn = await asyncpg.connect(self.database_url)
            try:
                return await conn.fetchval(sql, *args)
            finally:
                await conn.close()

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, fetch()).result(timeout=30)


@pytest.fixture(scope="module")
def exit_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), NeutralPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/meteo"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def chat_url():
    handler = type("Chat", (ChatStandIn,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.received
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def site(isolated_module, exit_url, chat_url):
    routing_port, intake_port = free_port(), free_port()
    routing = ServiceProcess("routing", isolated_module.env(RoutingSettings, routing_port), routing_port)
    env = {**isolated_module.env(IntakeSettings, intake_port), "RELAIS_INTAKE_EXIT_URL": exit_url,
           "RELAIS_INTAKE_ROUTING_URL": routing.url, "RELAIS_INTAKE_CHAT_PUBLIC_URL": chat_url[0]}
    intake = ServiceProcess("intake", env, intake_port)
    try:
        routing.wait_ready()
        intake.wait_ready()
        settings = isolated_module.settings(IntakeSettings)
        yield Site(intake.url, exit_url, settings.service_database_url, *chat_url, keyring=settings.keyring())
    finally:
        intake.stop()
        routing.stop()


@contextlib.asynccontextmanager
async def async_chromium():
    """The same Chromium for Playwright's async API (the console tests), or a skip where it is not installed."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium; ./dev test does it)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


def launch_chromium():
    """Debian's headless Chromium driven by Playwright's sync API, or a skip where it is not installed."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium; ./dev test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def browser(site):
    # After `site`: the sync API runs an event loop of its own while open, and pytest-asyncio cannot set up or
    # tear down the module's async fixtures inside it.
    yield from launch_chromium()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized page: its own context, so no state leaks from one test to the next."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A 4xx the page handles is logged as "Failed to load resource"; anything else (a CSP refusal) is a bug.
    page.on("console", lambda message: message.type == "error" and not message.text.startswith("Failed to load")
            and errors.append(message.text))
    yield page
    context.close()
    assert errors == [], f"the page logged errors: {errors}"


@pytest.fixture
def shoot():
    """Save a screenshot of the page under test-artifacts/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str, full_page: bool = False) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"intake-{name}.png"), full_page=full_page)

    return save

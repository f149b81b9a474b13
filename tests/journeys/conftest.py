"""The whole platform as processes, one headless Chromium, and the people who live a case.

Journey tests drive Relais only through what a person uses: pages in Chromium, HTTP APIs, WebSockets.
They never publish an event or write a table. A joint can be cut (RELAIS_JOURNEYS_CUT, see cuts.py) to see
the journey that crosses it fail.
"""

from __future__ import annotations

import json
import os
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from relais_cli.services import SERVICES
from tests.browser.conftest import PHONE, NeutralPage, launch_chromium
from tests.journeys import cuts
from tests.journeys.people import provider_accounts
from tests.launcher import start_platform

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.browser]
HOOK = os.path.join(os.path.dirname(__file__), "cut_hook")


@pytest.fixture(scope="module")
def exit_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), NeutralPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/meteo"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def callable_at_once(tmp_path_factory):
    """The cells' rules with call-back windows open at once, so a journey need not wait 24 hours."""
    import relais_followup

    rules = json.loads((Path(relais_followup.__file__).parent / "data" / "rules.json").read_text())
    for window in rules["windows_hours"].values():
        window["opens_after"] = 0
    path = tmp_path_factory.mktemp("rules") / "rules.json"
    path.write_text(json.dumps(rules))
    return str(path)


@pytest.fixture(scope="module")
def platform(isolated_module, exit_url, callable_at_once):
    """Every service once per journey module; with a cut requested, each process applies it as it starts."""
    extra = {"RELAIS_INTAKE_EXIT_URL": exit_url, "RELAIS_CHAT_EXIT_URL": exit_url, "RELAIS_LOG_LEVEL": "WARNING",
             "RELAIS_FOLLOWUP_RULES_PATH": callable_at_once}
    if cuts.requested():
        extra["PYTHONPATH"] = os.pathsep.join(filter(None, [HOOK, os.environ.get("PYTHONPATH")]))
    running = start_platform(isolated_module, extra_env=extra, provider_operators=provider_accounts())
    try:
        running.wait_ready(SERVICES)
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser(platform):
    yield from launch_chromium()


@pytest.fixture
def phone(browser):
    """The victim's phone: a fresh context per test, nothing carried over."""
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desk(browser):
    """An operator's desktop browser."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    yield context.new_page()
    context.close()

"""What the dispatch console's browser tests share: escalation as a process whose operators sign in through the
real development provider, headless Chromium (Playwright's async API), and a page per operator."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from relais_cli.provider import DEMO_OPERATORS, DEMO_PASSWORD, DemoOperator, DevProvider
from relais_escalation.settings import EscalationSettings
from tests.browser.conftest import async_chromium
from tests.escalation.helpers import write_policies
from tests.launcher import ServiceProcess
from tests.signin import PASSWORD_FIELD, SUBMIT, USER_FIELD, provider_env, start_provider_for
from tests.support import free_port

# Deadlines far longer than a test: the ladder stays on the step a test looks at, however slow the machine.
PATIENT = {"steps": [{"target": "centre_dispatchers", "deadline_seconds": {"p1": 600, "p2": 600}},
                     {"target": "centre_supervisor", "deadline_seconds": {"p1": 600, "p2": 600}},
                     {"target": "national_supervision", "deadline_seconds": {"p1": 600, "p2": 600}}],
           "repeat_seconds": {"p1": 600, "p2": 600}}
# The demo account `superviseur` has no department (LLNG then sends none) and Relais refuses an account without
# one; national supervision is the department scope "*".
NATIONAL_SUPERVISOR = DemoOperator("supervision.nationale", "Supervision nationale", "GN", ("*",), ("supervisor",),
                                   "Plateforme nationale", orange=True)


@dataclass(frozen=True)
class ConsoleService:
    url: str  # the escalation service; its console is url + "/console"
    settings: EscalationSettings  # the same namespace and keys, to publish emergencies it will read
    provider: DevProvider


@contextlib.contextmanager
def console_service(isolated_module, workdir: Path, **env: str) -> Iterator[ConsoleService]:
    """One escalation process and the provider its operators sign in with (started first: the service reads
    its discovery document). Routing is left unreachable: an emergency without jurisdiction waits nationally."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    provider = start_provider_for(workdir / "provider", [url], operators=(*DEMO_OPERATORS, NATIONAL_SUPERVISOR))
    try:
        environment = {**isolated_module.env(EscalationSettings, port), **provider_env(provider),
                       "RELAIS_ESCALATION_POLICIES_PATH": write_policies(workdir, PATIENT),
                       "RELAIS_ESCALATION_ROUTING_URL": f"http://127.0.0.1:{free_port()}",
                       "RELAIS_ESCALATION_ROUTING_TIMEOUT_SECONDS": "0.5",
                       "RELAIS_ESCALATION_FEED_POLL_SECONDS": "0.5",
                       "RELAIS_ESCALATION_STAFFING_CHECK_SECONDS": "0.5", **env}
        service = ServiceProcess("escalation", environment, port)
        try:
            service.wait_ready()
            yield ConsoleService(url, isolated_module.settings(EscalationSettings), provider)
        finally:
            service.stop()
    finally:
        provider.stop()


chromium = async_chromium  # one launcher for every browser test


async def operator_page(browser, problems: list[str]):
    """A page in a context of its own (its own cookies: one operator each) that reports the page's errors."""
    context = await browser.new_context(locale="fr-FR")
    page = await context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    # A 4xx the page handles (a 403 page, a 401 once the session ended) is logged as "Failed to load resource".
    page.on("console", lambda message: message.type == "error" and not message.text.startswith("Failed to load")
            and problems.append(message.text))
    return page


async def sign_in_on_provider(page, login: str, password: str = DEMO_PASSWORD) -> None:
    """Fill in the provider's own login page (the page must be showing it)."""
    await page.locator(USER_FIELD).fill(login)
    await page.locator(PASSWORD_FIELD).fill(password)
    await page.locator(SUBMIT).first.click()

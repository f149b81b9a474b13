"""Property-based run of every service's OpenAPI, past authentication: whatever a client sends, never a 5xx."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import get_args

import httpx
import pytest

from relais_chat.settings import ChatSettings
from relais_escalation.settings import EscalationSettings
from relais_followup.settings import FollowupSettings
from relais_intake.settings import IntakeSettings
from relais_routing.settings import RoutingSettings
from relais_shared.identity import Operator, Role
from relais_shared.operator_keys import mint_token
from relais_stats.settings import StatsSettings
from tests.launcher import ServiceProcess
from tests.support import free_port

pytestmark = pytest.mark.integration

SETTINGS = {"routing": RoutingSettings, "intake": IntakeSettings, "chat": ChatSettings,
            "escalation": EscalationSettings, "followup": FollowupSettings, "stats": StatsSettings}
# Who each service calls while a person waits (or in the background): they run too, so those paths are fuzzed.
PEERS = {"intake": {"routing": "RELAIS_INTAKE_ROUTING_URL"}, "chat": {"intake": "RELAIS_CHAT_INTAKE_URL"},
         "escalation": {"routing": "RELAIS_ESCALATION_ROUTING_URL"}}
# Limits a fuzzer would hit at once; raised so that every generated case reaches the handler.
UNLIMITED = {"intake": {"RELAIS_INTAKE_REPORTS_PER_HOUR": "100000", "RELAIS_INTAKE_RECEIPT_ATTEMPTS_PER_HOUR": "100000",
                        "RELAIS_INTAKE_EXITS_PER_HOUR": "100000", "RELAIS_INTAKE_STATUS_LOOKUPS_PER_HOUR": "100000"},
             "chat": {"RELAIS_CHAT_SESSIONS_PER_HOUR": "100000"}}
MAX_EXAMPLES = 30


class Platform:
    """Services started on first use with their peers, stopped together at the end of the module."""

    def __init__(self, isolated):
        self.isolated, self.running = isolated, {}

    def url(self, service: str) -> str:
        if service not in self.running:
            env = self.isolated.env(SETTINGS[service], port := free_port()) | UNLIMITED.get(service, {})
            for peer, variable in PEERS.get(service, {}).items():
                env[variable] = self.url(peer)
            self.running[service] = ServiceProcess(service, env, port).wait_ready()
        return self.running[service].url

    def stop(self) -> None:
        for process in reversed(list(self.running.values())):
            process.stop()


@pytest.fixture(scope="module")
def platform(isolated_module):
    running = Platform(isolated_module)
    try:
        yield running
    finally:
        running.stop()


def operator_header(isolated) -> str:
    """An operator of every role, national scope and orange clearance: every operation is fuzzed past the 401/403."""
    settings = isolated.settings(RoutingSettings)
    operator = Operator(sub="fuzz-national", alias="Fuzz", force="GN", departments=("*",),
                        roles=frozenset(get_args(Role)), orange_clearance=True)
    token = mint_token(Path(settings.keys_dir), operator, issuer=settings.oidc_issuer, audience=settings.oidc_audience)
    return f"Authorization: Bearer {token}"


@pytest.mark.parametrize("service", list(SETTINGS))
def test_no_input_makes_a_service_fail_with_a_server_error(service, platform, isolated_module, tmp_path):
    """Schemathesis generates valid and invalid requests for every operation; none may get a 5xx."""
    url = platform.url(service)
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{url}/openapi.json", "--checks", "not_a_server_error",
         "--mode", "all", "--max-examples", str(MAX_EXAMPLES), "--phases", "examples,coverage,fuzzing",
         "--seed", "20261123", "--request-timeout", "10", "--no-color", "--report", "junit",
         "--report-dir", str(tmp_path), "-H", operator_header(isolated_module),
         # Readiness has no input, and 503 is its documented answer while the broker reconnects.
         "--exclude-path", "/readyz"],
        capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    cases = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert cases and cases.group(1) == cases.group(2) != "0", run.stdout[-8000:]
    # Every operation was reached past authentication, so the operator endpoints were fuzzed too.
    assert "Authentication failed" not in run.stdout, run.stdout[-8000:]


# What the fuzzer found, pinned: each answered 500 before its fix.

def operator_call(platform, isolated, service: str, method: str, path: str, **kwargs) -> httpx.Response:
    name, value = operator_header(isolated).split(": ", 1)
    return httpx.request(method, platform.url(service) + path, headers={name: value}, timeout=10, **kwargs)


def assert_person_422(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]
    assert problem["field"] == field and problem["message"] and problem["message_fr"], problem


@pytest.mark.parametrize("service", list(SETTINGS))
def test_a_nul_byte_in_the_audit_query_gets_a_422(service, platform, isolated_module):
    assert_person_422(operator_call(platform, isolated_module, service, "GET", "/v1/audit?actor_sub=a%00b"), "query")


@pytest.mark.parametrize("service", list(SETTINGS))
@pytest.mark.parametrize("query", ["since=0001-01-01T00:00:00%2B14:00", "until=9999-12-31T23:59:59-14:00"])
def test_a_date_past_what_can_be_stored_gets_a_422(service, query, platform, isolated_module):
    """A timestamp PostgreSQL cannot hold (year 0 or 10000 in UTC) is the client's mistake, not the server's."""
    for path in ("/v1/audit?", "/v1/audit.csv?"):
        assert_person_422(operator_call(platform, isolated_module, service, "GET", path + query), "request")


def manual_entry(number: int, **changes) -> dict:
    return {"case_reference": f"GN-35-2026-{number:06d}", "safe_hours": ["09:00-11:30"],
            "contact": {"phone": "06 12 34 56 78"}, "risk_level": "standard", "no_voicemail": True,
            "via_trusted_person": False, "channels": ["sms"], **changes}


def test_an_entry_for_an_unknown_department_gets_a_422(platform, isolated_module):
    for department in ("0", "20", "999", "*"):
        response = operator_call(platform, isolated_module, "followup", "POST", f"/v1/departments/{department}/entries",
                                 json=manual_entry(1))
        assert_person_422(response, "department")
    assert "Unknown department" in response.text and "Département inconnu" in response.text


def test_dates_at_the_edge_of_the_calendar_get_a_422_on_followup(platform, isolated_module):
    """A call-back window 48 h after 31 December 9999 does not exist; neither does the day after it in an export."""
    for number, at in enumerate(("9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00"), start=2):
        response = operator_call(platform, isolated_module, "followup", "POST", "/v1/departments/35/entries",
                                 json=manual_entry(number, intervention_at=at))
        assert_person_422(response, "request")
    response = operator_call(platform, isolated_module, "followup", "GET",
                             "/v1/exports/outcomes.csv?department=35&from=9999-12-31&to=9999-12-31")
    assert_person_422(response, "request")

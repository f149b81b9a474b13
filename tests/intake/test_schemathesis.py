"""Property-based run of the intake OpenAPI: whatever a client sends, the answer is never a 5xx."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from relais_intake.settings import IntakeSettings
from relais_routing.settings import RoutingSettings
from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from tests.processes import ServiceProcess
from tests.support import free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def intake_url(isolated_module):
    routing_port, intake_port = free_port(), free_port()
    routing = ServiceProcess("routing", isolated_module.env(RoutingSettings, routing_port), routing_port)
    env = isolated_module.env(IntakeSettings, intake_port) | {
        "RELAIS_INTAKE_ROUTING_URL": f"http://127.0.0.1:{routing_port}",
        "RELAIS_INTAKE_REPORTS_PER_HOUR": "100000", "RELAIS_INTAKE_RECEIPT_ATTEMPTS_PER_HOUR": "100000"}
    intake = ServiceProcess("intake", env, intake_port)
    try:
        routing.wait_ready()
        yield intake.wait_ready().url
    finally:
        intake.stop()
        routing.stop()


def unit_operator_header(isolated) -> str:
    """A cleared operator of every role, so the unit-side and audit operations are exercised past the 401."""
    settings = isolated.settings(IntakeSettings)
    operator = Operator(sub="gn-35-fuzz", alias="Gendarme Fuzz", force="GN", departments=("35",),
                        roles=frozenset({"chat_operator", "supervisor", "auditor"}), orange_clearance=True)
    token = mint_token(Path(settings.keys_dir), operator, issuer=settings.oidc_issuer, audience=settings.oidc_audience)
    return f"Authorization: Bearer {token}"


def test_no_input_makes_intake_fail_with_a_server_error(intake_url, isolated_module, tmp_path):
    """Schemathesis generates valid and invalid requests for every operation; none may get a 5xx."""
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{intake_url}/openapi.json", "--checks",
         "not_a_server_error", "--mode", "all", "--max-examples", "30", "--phases", "examples,coverage,fuzzing",
         "--seed", "20261123", "--request-timeout", "10", "--no-color", "--report", "junit",
         "--report-dir", str(tmp_path), "-H", unit_operator_header(isolated_module)],
        capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    cases = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert cases and cases.group(1) == cases.group(2) != "0", run.stdout[-6000:]
    # Every operation was reached past authentication, so the operator endpoints were fuzzed too.
    assert "Authentication failed" not in run.stdout, run.stdout[-6000:]

"""Property-based run of the intake OpenAPI: whatever a client sends, the answer is never a 5xx."""

import re
import subprocess
import sys

import pytest

from relais_intake.settings import IntakeSettings
from relais_routing.settings import RoutingSettings
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


def test_no_input_makes_intake_fail_with_a_server_error(intake_url, tmp_path):
    """Schemathesis generates valid and invalid requests for every operation; none may get a 5xx."""
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{intake_url}/openapi.json", "--checks",
         "not_a_server_error", "--mode", "all", "--max-examples", "30", "--phases", "examples,coverage,fuzzing",
         "--seed", "20261123", "--request-timeout", "10", "--no-color", "--report", "junit",
         "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "No issues found" in run.stdout and re.search(r"Tested: (\d+)", run.stdout).group(1) != "0"

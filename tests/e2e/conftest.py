"""The whole platform as processes (`relais up`) on this test's own databases and broker namespace."""

import os
import random
import signal
import subprocess
import sys
import time

import httpx
import pytest

from relais_cli.services import SERVICES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


class Platform:
    def __init__(self, process: subprocess.Popen, offset: int, isolated):
        self.process, self.offset, self.isolated = process, offset, isolated

    def url(self, service: str, replica: int = 0) -> str:
        port = SERVICES[service].settings_class().default_port + self.offset + 100 * replica
        return f"http://127.0.0.1:{port}"

    def database_url(self, service: str) -> str:
        return self.isolated.settings(SERVICES[service].settings_class()).service_database_url

    def wait_ready(self, services, replicas: int = 1, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        pending = {(s, r) for s in services for r in range(replicas)}
        while pending and time.monotonic() < deadline:
            assert self.process.poll() is None, "relais up exited during start-up"
            for service, replica in list(pending):
                try:
                    if httpx.get(self.url(service, replica) + "/readyz", timeout=1).status_code == 200:
                        pending.discard((service, replica))
                except httpx.HTTPError:
                    pass
            time.sleep(0.3)
        assert not pending, f"not ready after {timeout}s: {sorted(pending)}"

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


def start_platform(isolated, *args: str, log_file=None, extra_env: dict | None = None) -> Platform:
    """`relais up` on this test's databases and namespace; every service's log lines go to `log_file`."""
    offset = random.randrange(10_000, 40_000, 1_000)
    env = isolated.platform_env([entry.settings_class() for entry in SERVICES.values()]) | (extra_env or {})
    output = log_file if log_file is not None else subprocess.DEVNULL
    process = subprocess.Popen([sys.executable, "-m", "relais_cli.main", "up", "--port-offset", str(offset), *args],
                               cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
    return Platform(process, offset, isolated)


@pytest.fixture
def platform(isolated):
    running = start_platform(isolated)
    try:
        running.wait_ready(SERVICES)
        yield running
    finally:
        running.stop()

"""The whole platform as processes (`relais up`) on this test's own databases and broker namespace."""

import os
import signal
import subprocess
import sys
import tempfile
import time

import httpx
import pytest

from relais_cli.services import SERVICES, free_port_offset

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


class Platform:
    def __init__(self, process: subprocess.Popen, offset: int, isolated, log_path: str | None = None,
                 owns_log: bool = False, provider=None):
        self.process, self.offset, self.isolated, self.log_path = process, offset, isolated, log_path
        self.owns_log = owns_log  # a log file this fixture created, removed once the platform has stopped
        self.provider = provider  # the operators' identity provider the services send their consoles to

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
        assert not pending, f"not ready after {timeout}s: {sorted(pending)}\n{self.log_tail()}"

    def log_tail(self, lines: int = 40) -> str:
        if self.log_path is None:
            return ""
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return "".join(log.readlines()[-lines:])

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        finally:
            if self.provider is not None:
                self.provider.stop()
            if self.owns_log:
                os.unlink(self.log_path)
                self.owns_log = False


def start_platform(isolated, *args: str, log_file=None, extra_env: dict | None = None,
                   provider_operators=None) -> Platform:
    """`relais up` on this test's databases and namespace, with an identity provider for the consoles; every
    service's log lines go to `log_file`."""
    from tests.signin import provider_env, start_provider_for

    offset = free_port_offset()
    bases = [f"http://127.0.0.1:{SERVICES[name].settings_class().default_port + offset + 100 * replica}"
             for name in SERVICES for replica in range(2)]
    provider = start_provider_for(None, bases,
                                  operators=provider_operators)
    env = (isolated.platform_env([entry.settings_class() for entry in SERVICES.values()]) | provider_env(provider)
           | (extra_env or {}))
    owns_log = log_file is None
    if owns_log:
        log_file = tempfile.NamedTemporaryFile("w", prefix="relais-up-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "relais_cli.main", "up", "--port-offset", str(offset), *args],
                               cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, text=True)
    return Platform(process, offset, isolated, getattr(log_file, "name", None), owns_log, provider)


@pytest.fixture
def platform(isolated):
    running = start_platform(isolated)
    try:
        running.wait_ready(SERVICES)
        yield running
    finally:
        running.stop()

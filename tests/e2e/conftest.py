"""The whole platform as processes (`relais up`) on this test's own databases and broker namespace."""

import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time

import httpx
import pytest

from relais_cli.services import SERVICES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


class Platform:
    def __init__(self, process: subprocess.Popen, offset: int, isolated, log_path: str | None = None):
        self.process, self.offset, self.isolated, self.log_path = process, offset, isolated, log_path

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


def start_platform(isolated, *args: str, log_file=None, extra_env: dict | None = None) -> Platform:
    """`relais up` on this test's databases and namespace; every service's log lines go to `log_file`."""
    offset = free_port_offset()
    env = isolated.platform_env([entry.settings_class() for entry in SERVICES.values()]) | (extra_env or {})
    if log_file is None:
        log_file = tempfile.NamedTemporaryFile("w", prefix="relais-up-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen([sys.executable, "-m", "relais_cli.main", "up", "--port-offset", str(offset), *args],
                               cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, text=True)
    return Platform(process, offset, isolated, getattr(log_file, "name", None))


def free_port_offset(replicas: int = 2) -> int:
    """An offset whose service ports are all free now and below Linux's ephemeral range (32768 and up).

    Ports inside the ephemeral range can be taken at any moment by an outgoing connection (to PostgreSQL or
    RabbitMQ), which made a service fail to bind now and then.
    """
    base_ports = [entry.settings_class().default_port for entry in SERVICES.values()]
    for _ in range(50):
        offset = random.randrange(10_000, 24_000, 200)
        ports = [port + offset + 100 * replica for port in base_ports for replica in range(replicas)]
        if all(_bindable(port) for port in ports):
            return offset
    raise RuntimeError("no free range of ports for the platform")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


@pytest.fixture
def platform(isolated):
    running = start_platform(isolated)
    try:
        running.wait_ready(SERVICES)
        yield running
    finally:
        running.stop()

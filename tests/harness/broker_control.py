"""Stopping this machine's RabbitMQ for fault tests, one test session at a time, and always restarting it."""

from __future__ import annotations

import fcntl
import shutil
import subprocess

import pytest


class BrokerControl:
    """Stops and starts this machine's RabbitMQ application (never a remote one); always restarts it."""

    def __init__(self, amqp_url: str):
        self.ctl = shutil.which("rabbitmqctl")
        self.amqp_url = amqp_url

    def stop(self) -> None:
        subprocess.run([self.ctl, "stop_app"], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        subprocess.run([self.ctl, "start_app"], check=True, capture_output=True, timeout=120)
        subprocess.run([self.ctl, "await_startup"], check=True, capture_output=True, timeout=120)


@pytest.fixture
def broker_control(servers):
    """Lets a test stop RabbitMQ; skipped unless the broker is this machine's own and rabbitmqctl is here."""
    if not servers.local or shutil.which("rabbitmqctl") is None:
        pytest.skip("stopping RabbitMQ needs the local server and rabbitmqctl")
    control = BrokerControl(servers.amqp_url)
    # One broker restart at a time on this machine, whichever test session asks.
    with open("/tmp/relais-broker-control.lock", "w") as lock:  # noqa: S108 - a machine-wide lock is the point
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield control
        finally:
            control.start()  # whatever the test did, leave the broker running

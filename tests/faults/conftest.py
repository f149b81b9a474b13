"""Fault-injection fixtures: the platform as killable processes, and this machine's PostgreSQL restarted."""

from __future__ import annotations

import fcntl
import glob
import os
import shutil
import subprocess

import pytest

from tests.faults import switches
from tests.faults.platform import FaultPlatform


@pytest.fixture(scope="session", autouse=True)
def switched_off():
    """In-process parts honour RELAIS_FAULTS_SWITCH_OFF too; a manual run that sets it is a sabotaged session."""
    switches.apply(switches.requested())


@pytest.fixture
def fault_platform(isolated):
    """Routing, intake and escalation as processes, killed at the end whatever happened."""
    platform = FaultPlatform(isolated)
    try:
        yield platform.start_all()
    finally:
        platform.stop_all()


class PostgresControl:
    """Restarts this machine's PostgreSQL cluster (never a remote server) and always leaves it running."""

    def __init__(self, version: str):
        self.command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]

    def restart(self) -> None:
        subprocess.run([*self.command, "restart"], check=True, capture_output=True, timeout=120)

    def ensure_running(self) -> None:
        status = subprocess.run([*self.command, "status"], capture_output=True, timeout=30, check=False)
        if status.returncode != 0:
            subprocess.run([*self.command, "start"], check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def postgres_control(servers):
    """Lets a test restart PostgreSQL; skipped unless the server is this machine's own and pg_ctlcluster is here."""
    versions = [os.path.basename(p) for p in glob.glob("/etc/postgresql/*")]
    if not servers.local or shutil.which("pg_ctlcluster") is None or len(versions) != 1:
        pytest.skip("restarting PostgreSQL needs this machine's own single cluster and pg_ctlcluster")
    control = PostgresControl(versions[0])
    # One PostgreSQL restart at a time on this machine, whichever test session asks.
    with open("/tmp/relais-postgres-control.lock", "w") as lock:  # noqa: S108 - a machine-wide lock is the point
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield control
        finally:
            control.ensure_running()

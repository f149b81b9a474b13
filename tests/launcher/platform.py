"""The platform as `relais up` runs it: every service (or some) as children of one supervisor process."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path
from typing import IO

from relais_cli.services import SERVICES, free_port_offset
from relais_cli.supervisor import REPLICA_PORT_STEP
from tests.launcher.process import NotReady, Process, python_module


class Platform(Process):
    """`relais up --port-offset <offset> [args]` on `env`; replica i of a service listens on its port + 100 i.

    `databases` names each service's database (for a test or a benchmark to read); `provider`, an identity
    provider started for the consoles, is stopped with the platform.
    """

    def __init__(self, env: dict[str, str], *args: str, offset: int, databases: dict[str, str],
                 log: str | Path | IO | None = None, provider=None):
        self.offset, self.databases, self.provider = offset, databases, provider
        self.isolated = None  # a test's isolation, when a test started it
        command = python_module("relais_cli.main", "up", "--port-offset", str(offset), *args)
        super().__init__(command, env, log=log, name="relais up")

    def url(self, service: str, replica: int = 0) -> str:
        port = SERVICES[service].default_port + self.offset + REPLICA_PORT_STEP * replica
        return f"http://127.0.0.1:{port}"

    def database_url(self, service: str) -> str:
        return self.databases[service]

    def wait_ready(self, services=tuple(SERVICES), replicas: int = 1, timeout: float = 60) -> Platform:
        """Return once every replica of `services` answers /readyz with 200."""
        deadline = time.monotonic() + timeout
        pending = {(s, r) for s in services for r in range(replicas)}
        while pending:
            if not self.alive:
                raise NotReady(f"relais up exited during start-up\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise NotReady(f"not ready after {timeout}s: {sorted(pending)}\n{self.log_tail()}")
            pending = {(s, r) for s, r in pending if not self._answers(self.url(s, r) + "/readyz")}
            time.sleep(0.3)
        return self

    def pid(self, service: str, replica: int = 0) -> int:
        """One replica's process, from the supervisor's latest "started <service>#<i> … (pid N)" line."""
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            found = re.findall(rf"started {service}#{replica} on port \d+ \(pid (\d+)\)", log.read())
        return int(found[-1])

    def stop(self, timeout: float = 40, signum: int = signal.SIGINT) -> int:
        """Ctrl-C, as a person stops it: the supervisor stops every child; 0 when all stopped cleanly."""
        try:
            return super().stop(timeout, signum)
        finally:
            if self.provider is not None:
                self.provider.stop()
                self.provider = None


def start_platform(isolated, *args: str, log_file=None, extra_env: dict | None = None,
                   provider_operators=None) -> Platform:
    """`relais up` on a test's databases and broker namespace, with an identity provider for the consoles (as
    `./dev up` has one); every service's log lines go to `log_file` (else to a file removed at the end)."""
    from tests.signin import provider_env, start_provider_for

    offset = free_port_offset()
    bases = [f"http://127.0.0.1:{SERVICES[name].default_port + offset + REPLICA_PORT_STEP * r}"
             for name in SERVICES for r in range(2)]
    provider = start_provider_for(None, bases, operators=provider_operators)
    try:
        settings = {name: manifest.settings for name, manifest in SERVICES.items()}
        env = isolated.platform_env(list(settings.values())) | provider_env(provider) | (extra_env or {})
        databases = {name: isolated.settings(cls).service_database_url for name, cls in settings.items()}
        platform = Platform(env, *args, offset=offset, databases=databases, log=log_file, provider=provider)
    except BaseException:
        provider.stop()
        raise
    platform.isolated = isolated
    return platform

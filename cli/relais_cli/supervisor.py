"""`relais up`: every service as a local child process, restarted if it dies, all stopped on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

import click

REPLICA_PORT_STEP = 100  # replica i of a service listens on its port + 100 * i
# Where a service finds the ones it calls while a person waits (replica 0 of each).
# The *_PUBLIC_URL ones are where a victim's browser goes from one service's page to the other's (one public
# host in production, two ports on a developer's machine).
PEER_URLS = {"RELAIS_INTAKE_ROUTING_URL": "routing", "RELAIS_ESCALATION_ROUTING_URL": "routing",
             "RELAIS_CHAT_INTAKE_URL": "intake",
             "RELAIS_INTAKE_CHAT_PUBLIC_URL": "chat", "RELAIS_CHAT_INTAKE_PUBLIC_URL": "intake"}


@dataclass
class Child:
    service: str
    replica: int
    port: int
    peers: dict[str, str] = field(default_factory=dict)  # env vars naming the other services' URLs
    process: subprocess.Popen | None = None
    restarts: list[float] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.service}#{self.replica}"

    def start(self) -> None:
        env = {**os.environ, **self.peers, "RELAIS_HTTP_PORT": str(self.port)}
        self.process = subprocess.Popen([sys.executable, "-m", f"relais_{self.service}"], env=env)
        click.echo(f"relais: started {self.label} on port {self.port} (pid {self.process.pid})", err=True)


def supervise(children: list[Child], grace: float = 15.0) -> int:
    """Run until SIGINT/SIGTERM; restart a crashed child at most 5 times a minute."""
    stopping = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    for child in children:
        child.start()
    while not stopping:
        time.sleep(0.5)
        for child in children:
            if stopping or child.process is None or child.process.poll() is None:
                continue
            now = time.monotonic()
            child.restarts = [t for t in child.restarts if now - t < 60] + [now]
            if len(child.restarts) > 5:
                click.echo(f"relais: {child.label} keeps failing; stopping everything", err=True)
                stopping.append(signal.SIGTERM)
                break
            click.echo(f"relais: {child.label} exited with {child.process.returncode}; restarting", err=True)
            child.start()
    return stop_all(children, grace)


def stop_all(children: list[Child], grace: float) -> int:
    """SIGTERM every child (they finish in-flight work), then SIGKILL whatever is still there."""
    running = [c.process for c in children if c.process is not None and c.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in running:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    click.echo("relais: all services stopped", err=True)
    return 0

"""The six services the CLI knows how to run, in start order."""

from __future__ import annotations

import importlib
import random
import socket
from dataclasses import dataclass

from relais_cli.supervisor import REPLICA_PORT_STEP
from relais_shared.settings import RelaisSettings


@dataclass(frozen=True)
class ServiceEntry:
    name: str

    @property
    def module(self) -> str:
        return f"relais_{self.name}"

    def settings_class(self) -> type[RelaisSettings]:
        module = importlib.import_module(f"{self.module}.settings")
        return next(v for k, v in vars(module).items() if k.endswith("Settings") and k != "RelaisSettings")


SERVICES = {name: ServiceEntry(name) for name in ("routing", "intake", "chat", "escalation", "followup", "stats")}


def free_port_offset(services=tuple(SERVICES), replicas: int = 2) -> int:
    """A `relais up --port-offset` whose ports are all free now and below Linux's ephemeral range (32768 up).

    Ports inside the ephemeral range can be taken at any moment by an outgoing connection (to PostgreSQL or
    RabbitMQ), which made a test platform fail to bind now and then.
    """
    base_ports = [SERVICES[name].settings_class().default_port for name in services]
    for _ in range(50):
        offset = random.randrange(10_000, 24_000, 200)
        ports = [port + offset + REPLICA_PORT_STEP * replica for port in base_ports for replica in range(replicas)]
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

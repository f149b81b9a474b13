"""The six services, by their manifests, in start order: the one list `relais`, the deployments' tests and the
test harness iterate. Only the command line imports every service's manifest; services never import each other.
"""

from __future__ import annotations

import random
import socket

from relais_chat.manifest import manifest as chat
from relais_cli.supervisor import REPLICA_PORT_STEP
from relais_escalation.manifest import manifest as escalation
from relais_followup.manifest import manifest as followup
from relais_intake.manifest import manifest as intake
from relais_routing.manifest import manifest as routing
from relais_shared.manifest import ServiceManifest
from relais_stats.manifest import manifest as stats

SERVICES: dict[str, ServiceManifest] = {m.name: m for m in (routing, intake, chat, escalation, followup, stats)}


def free_port_offset(services=tuple(SERVICES), replicas: int = 2) -> int:
    """A `relais up --port-offset` whose ports are all free now and below Linux's ephemeral range (32768 up).

    Ports inside the ephemeral range can be taken at any moment by an outgoing connection (to PostgreSQL or
    RabbitMQ), which made a test platform fail to bind now and then.
    """
    base_ports = [SERVICES[name].default_port for name in services]
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

"""Two chat nodes as separate processes on one database and broker namespace, shared by a module."""

from __future__ import annotations

import pytest

from relais_chat.settings import ChatSettings
from tests.launcher import ServiceProcess
from tests.support import free_port

INTAKE_PUBLIC_URL = "http://intake.relais.test"
FAST = {  # short watchdog and scheduler times, so the tests wait seconds, not minutes
    "RELAIS_CHAT_WATCHDOG_SILENCE_SECONDS": "2", "RELAIS_CHAT_WATCHDOG_DISCONNECT_SECONDS": "2",
    "RELAIS_CHAT_SCHEDULER_INTERVAL_SECONDS": "0.3", "RELAIS_CHAT_FLOOD_BURST": "5",
    "RELAIS_CHAT_FLOOD_PER_SECOND": "1", "RELAIS_CHAT_INTAKE_URL": "http://127.0.0.1:9",
    "RELAIS_CHAT_EXIT_URL": "about:blank", "RELAIS_CHAT_SESSIONS_PER_HOUR": "100000",
    # Long enough that a loaded machine never expires a conversation a test is still using; the expiry test's
    # module shortens it (CHAT_ENV below).
    "RELAIS_CHAT_WAITING_EXPIRY_SECONDS": "60", "RELAIS_CHAT_INTAKE_PUBLIC_URL": INTAKE_PUBLIC_URL,
}


class Cluster:
    """Chat nodes of one test module; `add()` starts one more (a node a test may kill)."""

    def __init__(self, isolated, keys_dir, extra: dict[str, str] | None = None):
        self.isolated, self.keys_dir, self.extra = isolated, keys_dir, extra or {}
        self.nodes: list[ServiceProcess] = []

    def env(self, port: int) -> dict[str, str]:
        return {**self.isolated.env(ChatSettings, port), **FAST, **self.extra, "RELAIS_KEYS_DIR": str(self.keys_dir)}

    def add(self) -> ServiceProcess:
        port = free_port()
        node = ServiceProcess("chat", self.env(port), port)
        self.nodes.append(node)
        return node

    def settings(self) -> ChatSettings:
        return self.isolated.settings(ChatSettings, keys_dir=str(self.keys_dir))

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


@pytest.fixture(scope="module")
def cluster(isolated_module, tmp_path_factory, request):
    """A module may set CHAT_ENV (settings of its own nodes): each module has its own database and namespace."""
    cluster = Cluster(isolated_module, tmp_path_factory.mktemp("keys"), getattr(request.module, "CHAT_ENV", None))
    first = cluster.add()  # the first node migrates alone; the second starts on a ready schema
    first.wait_ready()
    cluster.add().wait_ready()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def node_a(cluster):
    return cluster.nodes[0].url


@pytest.fixture(scope="module")
def node_b(cluster):
    return cluster.nodes[1].url

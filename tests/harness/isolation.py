"""Each test's own databases and broker namespace, dropped and deleted when it ends."""

from __future__ import annotations

import os
import uuid

import pytest

from relais_shared.settings import RelaisSettings
from tests.harness.clones import ServiceDatabases
from tests.harness.dropping import BackgroundDrops, drop_databases
from tests.harness.queues import SESSION_NAMESPACES, consumer_names, consumer_queues, delete_queues, listed_queues
from tests.harness.servers import Servers

# Settings every test service gets: short retries and outbox polls, so that tests wait for no production delay.
TEST_VALUES = {"retry_delays_ms": (200, 400), "outbox_poll_seconds": 1.0}
TEST_ENV = {"RELAIS_ENV": "test", "RELAIS_RETRY_DELAYS_MS": "[200,400]", "RELAIS_OUTBOX_POLL_SECONDS": "1"}


@pytest.fixture(scope="session")
def service_databases(servers):
    """Copies of migrated templates for the services' databases; RELAIS_TEST_TEMPLATES=0 lets each service create
    and migrate its own instead, as a first start in production does."""
    if os.environ.get("RELAIS_TEST_TEMPLATES", "1") == "0":
        yield None
        return
    made = ServiceDatabases(servers.database_url)
    yield made
    made.close()


@pytest.fixture(scope="session")
def database_drops(servers):
    """Drops each test's databases after it on a worker thread; the session waits for the last."""
    drops = BackgroundDrops(servers.database_url)
    yield drops
    drops.finish()


@pytest.fixture
async def isolated(servers, service_databases, database_drops):
    """A unique namespace and database prefix for one test; dropped afterwards."""
    space = Isolation(servers, f"t{uuid.uuid4().hex[:10]}", service_databases, database_drops)
    yield space
    await space.cleanup()


@pytest.fixture(scope="module")
async def isolated_module(servers, service_databases, database_drops):
    """The same, shared by the tests of one module (for costly set-ups such as service processes)."""
    space = Isolation(servers, f"m{uuid.uuid4().hex[:10]}", service_databases, database_drops)
    yield space
    await space.cleanup()


class Isolation:
    """Builds settings for any service pointing at this test's own databases and broker namespace.

    A service's database is created, as a copy of its migrated template, the first time its settings are built;
    a test's made-up service (tests/shared/probe) creates and migrates its own when it starts. At cleanup the
    namespace's queues are deleted at once and the databases handed to the session's background drops.
    """

    def __init__(self, servers: Servers, namespace: str, service_databases: ServiceDatabases | None = None,
                 drops: BackgroundDrops | None = None):
        self.servers, self.namespace = servers, namespace
        self.service_databases, self.drops = service_databases, drops
        SESSION_NAMESPACES.add(namespace)
        self.databases: set[str] = set()
        # The queues deleted at cleanup: those of the services configured here, named from their topology, and
        # any a test declares itself and adds.
        self.queues: set[str] = set()
        # Set when queues were declared that the harness cannot name (a made-up service without `test_consumers`,
        # processes a test starts by itself): the broker lists the namespace's queues at cleanup.
        self.spawned = False

    def settings(self, cls: type[RelaisSettings], **overrides) -> RelaisSettings:
        database = f"relais_{self.namespace}_{cls.service_name}"
        values = dict(env="test", amqp_url=self.servers.amqp_url, database_url=self.servers.database_url + database,
                      namespace=self.namespace, **TEST_VALUES)
        settings = cls(**{**values, **overrides})
        self._track_queues(settings)
        if database not in self.databases:
            self.databases.add(database)
            if self.service_databases is not None:
                self.service_databases.create(cls.service_name, database)
        return settings

    def env(self, cls: type[RelaisSettings], port: int) -> dict[str, str]:
        """Environment for running a service of this test as a separate process."""
        s = self.settings(cls)
        return {**os.environ, **TEST_ENV, "RELAIS_AMQP_URL": s.amqp_url, "RELAIS_NAMESPACE": s.namespace,
                f"RELAIS_{cls.service_name.upper()}_DATABASE_URL": s.service_database_url,
                "RELAIS_HTTP_PORT": str(port)}

    def platform_env(self, settings_classes: list[type[RelaisSettings]]) -> dict[str, str]:
        """Environment for `relais up` with every service on this test's databases and namespace."""
        env = {**os.environ, **TEST_ENV, "RELAIS_AMQP_URL": self.servers.amqp_url, "RELAIS_NAMESPACE": self.namespace}
        for cls in settings_classes:
            env[f"RELAIS_{cls.service_name.upper()}_DATABASE_URL"] = self.settings(cls).service_database_url
        return env

    def _track_queues(self, settings: RelaisSettings) -> None:
        consumers = consumer_names(settings)
        if consumers is None:
            self.spawned = True
        else:
            self.queues |= consumer_queues(settings, consumers)

    async def cleanup(self) -> None:
        names = set(self.queues)
        if self.spawned:
            names |= set(await listed_queues({self.namespace}))
        await delete_queues(self.servers.amqp_url, self.namespace, names)
        if self.drops is not None:
            self.drops.drop(self.databases)
        else:
            await drop_databases(self.servers.database_url, self.databases)

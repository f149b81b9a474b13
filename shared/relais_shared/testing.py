"""Pytest plugin for Relais tests: real PostgreSQL and RabbitMQ, isolated per test, and service processes.

Servers come from RELAIS_TEST_DATABASE_URL / RELAIS_TEST_AMQP_URL, else from testcontainers when a Docker
engine answers, else the tests that need them are skipped with a message naming what is missing.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import aio_pika
import asyncpg
import pytest

from relais_shared.broker import DECLARED_QUEUES

# Tests are never production: `uv run pytest` without ./dev must not meet production's refusals either.
os.environ.setdefault("RELAIS_ENV", "test")
from relais_shared.settings import RelaisSettings

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
SESSION_NAMESPACES: set[str] = set()


@dataclass(frozen=True)
class Servers:
    database_url: str  # a server URL without a database name
    amqp_url: str
    local: bool  # servers of this machine, which fault tests may stop and restart


def _docker_engine_available() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means no usable engine
        return False


@pytest.fixture(scope="session")
def servers():
    db, amqp = os.environ.get("RELAIS_TEST_DATABASE_URL"), os.environ.get("RELAIS_TEST_AMQP_URL")
    if db and amqp:
        local = {urlsplit(db).hostname, urlsplit(amqp).hostname} <= LOCAL_HOSTS
        yield Servers(db.rstrip("/") + "/", amqp, local)
        if local and SESSION_NAMESPACES:
            asyncio.run(sweep_test_queues(amqp))
        return
    if not _docker_engine_available():
        pytest.skip("integration tests need PostgreSQL and RabbitMQ: set RELAIS_TEST_DATABASE_URL and "
                    "RELAIS_TEST_AMQP_URL (./dev test does), or run a Docker engine for testcontainers")
    from testcontainers.postgres import PostgresContainer
    from testcontainers.rabbitmq import RabbitMqContainer

    with PostgresContainer("postgres:16-alpine") as pg, RabbitMqContainer("rabbitmq:3.13-alpine") as mq:
        pg_url = pg.get_connection_url().replace("postgresql+psycopg2", "postgresql").rsplit("/", 1)[0] + "/"
        amqp_url = f"amqp://guest:guest@{mq.get_container_host_ip()}:{mq.get_exposed_port(5672)}/"
        yield Servers(pg_url, amqp_url, local=False)


@pytest.fixture
async def isolated(servers):
    """A unique namespace and database prefix for one test; dropped afterwards."""
    space = Isolation(servers, f"t{uuid.uuid4().hex[:10]}")
    yield space
    await space.cleanup()


@pytest.fixture(scope="module")
async def isolated_module(servers):
    """The same, shared by the tests of one module (for costly set-ups such as service processes)."""
    space = Isolation(servers, f"m{uuid.uuid4().hex[:10]}")
    yield space
    await space.cleanup()


class Isolation:
    """Builds settings for any service pointing at this test's own databases and broker namespace."""

    def __init__(self, servers: Servers, namespace: str):
        self.servers, self.namespace = servers, namespace
        SESSION_NAMESPACES.add(namespace)
        self.databases: set[str] = set()
        self.spawned = False  # service processes declare queues this process never hears of

    def settings(self, cls: type[RelaisSettings], **overrides) -> RelaisSettings:
        database = f"relais_{self.namespace}_{cls.service_name}"
        self.databases.add(database)
        values = dict(env="test", amqp_url=self.servers.amqp_url, database_url=self.servers.database_url + database,
                      namespace=self.namespace, retry_delays_ms=(200, 400), outbox_poll_seconds=1.0)
        return cls(**{**values, **overrides})

    def env(self, cls: type[RelaisSettings], port: int) -> dict[str, str]:
        """Environment for running a service of this test as a separate process."""
        s = self.settings(cls)
        self.spawned = True
        return {**os.environ, "RELAIS_ENV": "test", "RELAIS_AMQP_URL": s.amqp_url, "RELAIS_NAMESPACE": s.namespace,
                f"RELAIS_{cls.service_name.upper()}_DATABASE_URL": s.service_database_url,
                "RELAIS_HTTP_PORT": str(port), "RELAIS_RETRY_DELAYS_MS": "[200,400]",
                "RELAIS_OUTBOX_POLL_SECONDS": "1"}

    def platform_env(self, settings_classes: list[type[RelaisSettings]]) -> dict[str, str]:
        """Environment for `relais up` with every service on this test's databases and namespace."""
        self.spawned = True
        env = {**os.environ, "RELAIS_ENV": "test", "RELAIS_AMQP_URL": self.servers.amqp_url,
               "RELAIS_NAMESPACE": self.namespace, "RELAIS_RETRY_DELAYS_MS": "[200,400]",
               "RELAIS_OUTBOX_POLL_SECONDS": "1"}
        for cls in settings_classes:
            env[f"RELAIS_{cls.service_name.upper()}_DATABASE_URL"] = self.settings(cls).service_database_url
        return env

    async def cleanup(self) -> None:
        # Quorum queues hold file handles on the broker: leaving them until the session ends exhausts a small
        # broker's limit partway through the suite, so each test removes its own at once.
        names = {q for q in DECLARED_QUEUES if q.startswith(self.namespace + ".")}
        if self.spawned:
            names |= set(await listed_queues({self.namespace}))
        await delete_queues(self.servers.amqp_url, self.namespace, sorted(names))
        admin = await asyncpg.connect(self.servers.database_url + "postgres")
        try:
            for database in self.databases:
                await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        finally:
            await admin.close()


async def delete_queues(amqp_url: str, namespace: str, names: list[str]) -> None:
    """Delete a test namespace's queues and exchange (those declared by service processes are swept at the end)."""
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        for name in names:
            await channel.queue_delete(name)
            DECLARED_QUEUES.discard(name)
        await channel.exchange_delete(f"{namespace}.events")
    finally:
        await connection.close()


async def sweep_test_queues(amqp_url: str) -> None:
    """Delete every queue left by this session's test namespaces (service processes declare some), listed once."""
    # Only this session's namespaces: other test sessions may be running against the same broker.
    names = await listed_queues(SESSION_NAMESPACES)
    if not names:
        return
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        for name in names:
            await channel.queue_delete(name)
    finally:
        await connection.close()


async def all_queue_names() -> list[str]:
    """Every queue of this machine's broker, as rabbitmqctl lists them (none without rabbitmqctl)."""
    ctl = shutil.which("rabbitmqctl")
    if ctl is None:
        return []
    listed = await asyncio.to_thread(subprocess.run, [ctl, "list_queues", "-q", "--no-table-headers", "name"],
                                     capture_output=True, text=True, timeout=120, check=False)
    return [n.strip() for n in listed.stdout.splitlines() if n.strip()]


async def listed_queues(namespaces: set[str]) -> list[str]:
    """The broker's queues of these namespaces."""
    return [n for n in await all_queue_names() if n.split(".", 1)[0] in namespaces]


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

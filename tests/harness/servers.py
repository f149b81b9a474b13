"""The session's PostgreSQL and RabbitMQ: RELAIS_TEST_DATABASE_URL / RELAIS_TEST_AMQP_URL, else testcontainers.

Without either (no URLs, no Docker engine answering), the tests that need servers are skipped with a message
naming what is missing.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.harness.queues import SESSION_NAMESPACES, sweep_test_queues

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


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

"""A service's moving parts: pool, migrations, broker connection, outbox relay and consumers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import asyncpg
import structlog

from relais_shared.broker import Broker
from relais_shared.consumer import Consumer, ConsumerSpec
from relais_shared.db import Migration, create_pool, load_migrations, migrate
from relais_shared.outbox import OutboxRelay
from relais_shared.retention import SHARED_RULES, PurgeRule, purge_daily
from relais_shared.settings import RelaisSettings
from relais_shared.topology import ConsumerTopology

log = structlog.get_logger(__name__)
T = TypeVar("T")


def service_migrations(service: str) -> list[Migration]:
    """The shared messaging tables first, then the service's own numbered migrations."""
    return load_migrations("shared", "relais_shared.migrations") + load_migrations(
        service, f"relais_{service}.migrations"
    )


class ServiceRuntime:
    """Starts in order, stops in reverse; the broker may be down at start and join later."""

    def __init__(self, settings: RelaisSettings, *, consumers: list[ConsumerSpec] | None = None,
                 migrations: list[Migration] | None = None, retention: tuple[PurgeRule, ...] = ()) -> None:
        self.settings = settings
        self.specs = consumers or []
        self.retention = SHARED_RULES + tuple(retention)
        self.migrations = migrations if migrations is not None else service_migrations(settings.service_name)
        self.pool: asyncpg.Pool | None = None
        self.broker = Broker(settings.amqp_url, namespace=settings.namespace, service=settings.service_name)
        self.relay: OutboxRelay | None = None
        self.consumers: list[Consumer] = []
        self._tasks: list[asyncio.Task[Any]] = []

    @property
    def dsn(self) -> str:
        return self.settings.service_database_url

    async def start(self) -> None:
        await self._with_database_retries(lambda: migrate(self.dsn, self.migrations))
        self.pool = await self._with_database_retries(lambda: create_pool(self.dsn))
        s = self.settings
        self.relay = OutboxRelay(self.pool, self.broker, dsn=self.dsn, service=s.service_name,
                                 batch_size=s.outbox_batch_size, poll_seconds=s.outbox_poll_seconds)
        self._tasks.append(asyncio.create_task(self._join_broker(), name="join-broker"))
        self.spawn(purge_daily(self.pool, self.retention), name="retention-purge")

    async def _with_database_retries(self, attempt: Callable[[], Awaitable[T]], budget: float = 60.0) -> T:
        """PostgreSQL may still be starting (a cold start of the whole platform): retry for a minute."""
        loop, delay = asyncio.get_running_loop(), 0.5
        deadline = loop.time() + budget
        while True:
            try:
                return await attempt()
            except (OSError, asyncpg.CannotConnectNowError, asyncpg.PostgresConnectionError) as exc:
                if loop.time() + delay > deadline:
                    raise
                log.warning("database.unreachable", error=type(exc).__name__, retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5)

    async def _join_broker(self) -> None:
        """Connect (retrying while RabbitMQ is unreachable), then start consumers and the relay."""
        delay = 0.5
        while True:
            try:
                await self.broker.connect()
                break
            except Exception as exc:  # noqa: BLE001 - unreachable broker: reports still land in the outbox
                log.warning("broker.unreachable", error=type(exc).__name__, retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
        assert self.pool is not None  # start() opened it before it started this task
        for spec in self.specs:
            consumer = Consumer(spec, self.topology(spec), broker=self.broker, pool=self.pool,
                                prefetch=self.settings.prefetch, max_attempts=self.settings.max_attempts,
                                handler_timeout=self.settings.handler_timeout_seconds)
            await consumer.start()
            self.consumers.append(consumer)
        assert self.relay is not None
        self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        log.info("service.joined_broker", consumers=[c.spec.name for c in self.consumers])

    def spawn(self, coroutine: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        """Run a background task of the service; it is cancelled when the service stops."""
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.append(task)
        return task

    def topology(self, spec: ConsumerSpec) -> ConsumerTopology:
        s = self.settings
        return ConsumerTopology(s.namespace, spec.name, tuple(spec.handlers), s.retry_delays_ms, s.queue_max_length)

    async def ready(self) -> dict[str, bool]:
        """Whether the database answers and the broker connection is up."""
        database = False
        if self.pool is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    database = await self.pool.fetchval("SELECT true")
        return {"database": bool(database), "broker": self.broker.is_connected}

    async def stop(self) -> None:
        """Stop consuming, let in-flight handlers finish, stop the relay, then close connections."""
        for consumer in self.consumers:
            await consumer.stop(self.settings.shutdown_grace_seconds)
        if self.relay is not None:
            await self.relay.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.broker.close()
        if self.pool is not None:
            await self.pool.close()

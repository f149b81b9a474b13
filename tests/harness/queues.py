"""Finding and deleting the queues of test namespaces.

Quorum queues hold file handles on the broker: left until the session ends they exhaust a small broker's limit
partway through the suite, so each test deletes its own. Their names come from the topology (relais_shared.
topology) of the services the test configured, whose consumers broker_grants lists; a test that declares queues
the harness cannot name that way has them listed by rabbitmqctl instead, and the session ends with one sweep of
every namespace it used.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterable

import aio_pika

from relais_shared.broker_grants import GRANTS
from relais_shared.settings import RelaisSettings
from relais_shared.topology import ConsumerTopology, events_exchange

SESSION_NAMESPACES: set[str] = set()
# A service's retry queues are numbered by back-off step: the settings' own steps, or the default three
# (settings given to a process through the environment may differ from those the harness built).
DEFAULT_RETRY_STEPS = len(ConsumerTopology("", "", ()).retry_delays_ms)


def consumer_names(settings: RelaisSettings) -> tuple[str, ...] | None:
    """The consumers a service declares: broker_grants' table, or a test service's `test_consumers`.

    None when the harness cannot tell (its queues are then listed by rabbitmqctl at cleanup).
    """
    grants = GRANTS.get(settings.service_name)
    if grants is not None:
        return tuple(grants.consumers)
    return getattr(type(settings), "test_consumers", None)


def consumer_queues(settings: RelaisSettings, consumers: Iterable[str]) -> set[str]:
    """Main, retry and dead-letter queues of these consumers in the settings' namespace."""
    steps = max(len(settings.retry_delays_ms), DEFAULT_RETRY_STEPS)
    names: set[str] = set()
    for consumer in consumers:
        topo = ConsumerTopology(settings.namespace, consumer, (), (0,) * steps)
        names.update(topo.all_queues())
    return names


async def delete_queues(amqp_url: str, namespace: str, names: Iterable[str]) -> None:
    """Delete a namespace's queues (RabbitMQ accepts deleting one that is not there) and its events exchange."""
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        for name in sorted(names):
            await channel.queue_delete(name)
        await channel.exchange_delete(events_exchange(namespace))
    finally:
        await connection.close()


async def sweep_test_queues(amqp_url: str) -> None:
    """Delete every queue left by this session's test namespaces, listed once."""
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

"""Outbox relay throughput (events published with confirms, rows marked sent) against a bare aio-pika loop.

Both publish the same number of persistent messages with publisher confirms, `batch` in flight at a time,
to a quorum queue bound to the routing key, on this machine's RabbitMQ, in the same run.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from typing import ClassVar

import aio_pika

from bench.common import drop_databases
from relais_shared import contracts, outbox
from relais_shared.db import load_migrations
from relais_shared.runtime import ServiceRuntime
from relais_shared.settings import RelaisSettings

SERVER = os.environ.get("RELAIS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/").rstrip("/") + "/"
AMQP = os.environ.get("RELAIS_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


class BenchSettings(RelaisSettings):
    service_name: ClassVar[str] = "bench"


def event() -> contracts.ReportReceived:
    return contracts.ReportReceived(report_id=uuid.uuid4(), postal_code="35000", category="domestic_violence",
                                    level="orange")


async def baseline(namespace: str, total: int, batch: int) -> float:
    """Events per second for a bare confirmed-publish loop with `batch` messages in flight."""
    connection = await aio_pika.connect(AMQP)
    channel = await connection.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(f"{namespace}.events")
    bodies = [contracts.wrap(event()).model_dump_json().encode() for _ in range(total)]
    started = time.perf_counter()
    for start in range(0, total, batch):
        await asyncio.gather(*(exchange.publish(aio_pika.Message(b, delivery_mode=2), "report.received", mandatory=True)
                               for b in bodies[start:start + batch]))
    elapsed = time.perf_counter() - started
    await connection.close()
    return total / elapsed


async def relay(runtime: ServiceRuntime, total: int) -> float:
    """Events per second from committed outbox rows to confirmed publication (relay woken by NOTIFY)."""
    async with runtime.pool.acquire() as conn, conn.transaction():
        for _ in range(total):
            await outbox.add(conn, event())
    started = time.perf_counter()
    while await runtime.pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"):
        await asyncio.sleep(0.01)
    return total / (time.perf_counter() - started)


async def run(total: int = 5000, batch: int = 200) -> dict[str, float]:
    namespace = f"bench{uuid.uuid4().hex[:8]}"
    settings = BenchSettings(database_url=f"{SERVER}relais_{namespace}", amqp_url=AMQP, namespace=namespace,
                             outbox_batch_size=batch, env="test")
    runtime = ServiceRuntime(settings, migrations=load_migrations("shared", "relais_shared.migrations"))
    await runtime.start()
    sink = await aio_pika.connect(AMQP)
    channel = await sink.channel()
    queue = await channel.declare_queue(f"{namespace}.sink", durable=True, arguments={"x-queue-type": "quorum"})
    exchange = await channel.declare_exchange(f"{namespace}.events", "topic", durable=True)
    await queue.bind(exchange, "report.received")
    try:
        while not runtime.broker.is_connected:
            await asyncio.sleep(0.05)
        results = {"baseline": await baseline(namespace, total, batch), "relay": await relay(runtime, total)}
    finally:
        await queue.delete(if_unused=False, if_empty=False)
        await exchange.delete()
        await sink.close()
        await runtime.stop()
        await drop_databases([f"relais_{namespace}"], SERVER)
    return results


def report(results: dict[str, float], total: int = 5000, batch: int = 200) -> str:
    return "\n".join([
        f"| publisher ({total} events, {batch} in flight) | events/s |", "|---|---:|",
        f"| baseline: bare aio-pika confirmed publish | {results['baseline']:,.0f} |",
        f"| outbox relay (read rows, publish, mark sent) | {results['relay']:,.0f} |",
        f"\nThe relay reaches {results['relay'] / results['baseline']:.2f}× the bare publisher's rate.",
    ])


if __name__ == "__main__":
    print(report(asyncio.run(run())))

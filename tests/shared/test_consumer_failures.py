"""Consumers under failure: a process killed mid-batch, a poison message, a replay from the DLQ."""

import asyncio
import os
import subprocess
import sys

import aio_pika
import pytest

from relais_shared import outbox
from tests.launcher import Process, python_module
from tests.shared.probe import (
    Calls,
    ProbeSettings,
    ProducerSettings,
    probe_runtime,
    producer_runtime,
    report_event,
    wait_for,
    write_events,
)

pytestmark = pytest.mark.integration


def start_probe_process(isolated, delay: float) -> Process:
    env = isolated.env(ProbeSettings, port=0) | {"PROBE_DELAY": str(delay), "RELAIS_PREFETCH": "16"}
    return Process(python_module("tests.shared.probe_process"), env)


async def probe_counts(pool):
    return await pool.fetchrow("SELECT count(*) AS total, count(DISTINCT event_id) AS distinct_ FROM sink")


async def queue_depth(amqp_url: str, queue: str) -> int:
    connection = await aio_pika.connect(amqp_url)
    try:
        declared = await (await connection.channel()).declare_queue(queue, passive=True)
        return declared.declaration_result.message_count
    finally:
        await connection.close()


async def test_consumer_killed_mid_batch_loses_nothing_and_applies_nothing_twice(isolated):
    producer = producer_runtime(isolated.settings(ProducerSettings))
    await producer.start()
    probe_db = isolated.settings(ProbeSettings)
    process = start_probe_process(isolated, delay=0.01)
    try:
        from relais_shared.db import create_pool

        await asyncio.sleep(0)
        pool = await wait_for(lambda: _pool_when_ready(create_pool, probe_db.service_database_url), 30)
        total = 300
        await write_events(producer, total)
        assert await wait_for(lambda: _at_least(probe_counts(pool), 60), 30)
        process.kill()  # SIGKILL mid-batch: up to 16 messages in flight, unacked
        partial = await probe_counts(pool)
        assert partial["total"] < total, "the kill came too late to prove anything"
        process = start_probe_process(isolated, delay=0.0)
        assert await wait_for(lambda: _at_least(probe_counts(pool), total), 60)
        await asyncio.sleep(1)  # let any duplicate delivery land before counting
        final = await probe_counts(pool)
        assert final["distinct_"] == total, "an event was lost"
        assert final["total"] == total, "an event was applied twice"
        await pool.close()
    finally:
        process.kill()
        await producer.stop()


async def test_poison_message_goes_to_dead_letters_after_bounded_retries_then_replays(isolated):
    calls = Calls()
    settings = isolated.settings(ProbeSettings, max_attempts=3)
    probe = probe_runtime(settings, calls)
    producer = producer_runtime(isolated.settings(ProducerSettings))
    await probe.start()
    await producer.start()
    dlq = f"{isolated.namespace}.probe.sink.dlq"
    try:
        await wait_for(lambda: asyncio.sleep(0, bool(probe.consumers)), 10)
        poison = report_event()
        await probe.pool.execute("INSERT INTO poison VALUES ($1)", poison.report_id)
        async with producer.pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, poison)
        await write_events(producer, 5)  # the rest keeps flowing while the poison retries
        assert await wait_for(lambda: _equals(probe.pool.fetchval("SELECT count(*) FROM sink"), 5), 10)
        assert await wait_for(lambda: _equals(queue_depth(isolated.servers.amqp_url, dlq), 1), 20)
        assert calls.by_report[poison.report_id] == 3, "retries must be bounded by max_attempts"

        listed = run_cli(isolated, "dlq", "list", "probe.sink")
        assert "RuntimeError" in listed.stdout and str(poison.report_id) not in listed.stdout
        await probe.pool.execute("DELETE FROM poison")
        replayed = run_cli(isolated, "dlq", "replay", "probe.sink")
        assert "replayed 1 message" in replayed.stdout
        assert await wait_for(lambda: _equals(probe.pool.fetchval("SELECT count(*) FROM sink"), 6), 10)
        assert await queue_depth(isolated.servers.amqp_url, dlq) == 0
    finally:
        await producer.stop()
        await probe.stop()


def run_cli(isolated, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RELAIS_AMQP_URL": isolated.servers.amqp_url, "RELAIS_NAMESPACE": isolated.namespace,
           "RELAIS_RETRY_DELAYS_MS": "[200,400]"}
    done = subprocess.run([sys.executable, "-m", "relais_cli.main", *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done


async def _pool_when_ready(create_pool, url):
    try:
        pool = await create_pool(url)
    except Exception:  # noqa: BLE001 - the process has not created its database yet
        return None
    try:
        await pool.fetchval("SELECT count(*) FROM sink")
        return pool
    except Exception:  # noqa: BLE001 - nor migrated it
        await pool.close()
        return None


async def _at_least(awaitable, n):
    return (await awaitable)["total"] >= n


async def _equals(awaitable, expected):
    return (await awaitable) == expected

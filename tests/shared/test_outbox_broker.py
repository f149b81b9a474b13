"""The messaging guarantees against real PostgreSQL and RabbitMQ."""

import asyncio
import uuid

import aio_pika
import pytest

from relais_shared import outbox
from relais_shared.broker import Broker, PublishError
from tests.shared.probe import (
    ProbeSettings,
    ProducerSettings,
    probe_runtime,
    producer_runtime,
    report_event,
    wait_for,
    write_events,
)

pytestmark = pytest.mark.integration


async def sink_count(runtime, distinct=False):
    column = "count(DISTINCT event_id)" if distinct else "count(*)"
    return await runtime.pool.fetchval(f"SELECT {column} FROM sink")


async def unsent(runtime):
    return await runtime.pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")


async def queue_consumers(amqp_url, queue):
    connection = await aio_pika.connect(amqp_url)
    try:
        declared = await (await connection.channel()).declare_queue(queue, passive=True)
        return declared.declaration_result.consumer_count
    finally:
        await connection.close()


async def test_events_flow_from_outbox_to_consumer(isolated):
    producer = producer_runtime(isolated.settings(ProducerSettings))
    probe = probe_runtime(isolated.settings(ProbeSettings))
    await probe.start()
    await producer.start()
    try:
        await wait_for(lambda: asyncio.sleep(0, probe.broker.is_connected and probe.consumers), 10)
        await write_events(producer, 20)
        assert await wait_for(lambda: _equals(sink_count(probe), 20), 15)
        assert await unsent(producer) == 0
    finally:
        await producer.stop()
        await probe.stop()


async def test_events_written_while_broker_is_down_are_all_delivered_after_restart(isolated, broker_control):
    producer = producer_runtime(isolated.settings(ProducerSettings))
    probe = probe_runtime(isolated.settings(ProbeSettings))
    await probe.start()
    await producer.start()
    try:
        await wait_for(lambda: asyncio.sleep(0, bool(probe.consumers)), 10)
        broker_control.stop()
        await write_events(producer, 40)
        await asyncio.sleep(1)
        assert await unsent(producer) == 40, "with the broker down, every event must wait in the outbox"
        broker_control.start()
        assert await wait_for(lambda: _equals(sink_count(probe), 40), 60), "events lost after the restart"
        assert await sink_count(probe, distinct=True) == 40
        # The relay marks a batch published after the broker confirms it, which can land after the consumer
        # has already stored the events: wait for the mark rather than race it.
        assert await wait_for(lambda: _equals(unsent(producer), 0), 15), "delivered events stay unmarked"
        # Consumers came back on their own: the broker sees one on the queue, and new events still flow.
        main_queue = f"{isolated.namespace}.probe.sink"
        assert await wait_for(lambda: queue_consumers(isolated.servers.amqp_url, main_queue), 20)
        await write_events(producer, 5)
        assert await wait_for(lambda: _equals(sink_count(probe), 45), 20)
    finally:
        broker_control.start()
        await producer.stop()
        await probe.stop()


async def test_unroutable_publish_raises(isolated):
    broker = Broker(isolated.servers.amqp_url, namespace=isolated.namespace, service="test")
    await broker.connect()
    try:
        with pytest.raises(PublishError) as refused:
            await broker.publish(b"{}", routing_key="nobody.listens", message_id="m1", correlation_id=None)
        assert refused.value.refused
        with pytest.raises(PublishError):
            await broker.publish(b"{}", routing_key=f"{isolated.namespace}.no-such-queue", exchange="",
                                 message_id="m2", correlation_id=None)
    finally:
        await broker.close()


async def test_a_refused_event_waits_without_blocking_the_others(isolated):
    producer = producer_runtime(isolated.settings(ProducerSettings))
    probe = probe_runtime(isolated.settings(ProbeSettings))
    await probe.start()
    await producer.start()
    try:
        await wait_for(lambda: asyncio.sleep(0, bool(probe.consumers)), 10)
        async with producer.pool.acquire() as conn, conn.transaction():
            from relais_shared import contracts

            await outbox.add(conn, contracts.ReportUnroutable(report_id=uuid.uuid4(), reason="unknown_commune",
                                                              postal_code="99999"))
        await write_events(producer, 10)
        assert await wait_for(lambda: _equals(sink_count(probe), 10), 15)
        row = await producer.pool.fetchrow("SELECT attempts, last_error FROM outbox WHERE published_at IS NULL")
        assert row["attempts"] >= 1 and "report.unroutable" in row["last_error"]
    finally:
        await producer.stop()
        await probe.stop()


async def _equals(awaitable, expected):
    return (await awaitable) == expected



async def test_the_same_event_delivered_twice_is_applied_once(isolated):
    probe = probe_runtime(isolated.settings(ProbeSettings))
    await probe.start()
    try:
        await wait_for(lambda: asyncio.sleep(0, bool(probe.consumers)), 10)
        from relais_shared import contracts

        envelope = contracts.wrap(report_event())
        for _ in range(3):  # what a redelivery after a lost ack looks like to the consumer
            await probe.broker.publish(envelope.model_dump_json().encode(), routing_key=envelope.type,
                                       message_id=str(envelope.event_id), correlation_id=envelope.correlation_id)
        assert await wait_for(lambda: _equals(sink_count(probe), 1), 10)
        await asyncio.sleep(1)
        assert await sink_count(probe) == 1
        assert await probe.pool.fetchval("SELECT count(*) FROM inbox WHERE event_id = $1", envelope.event_id) == 1
    finally:
        await probe.stop()


async def test_two_relays_on_one_outbox_publish_each_event_once(isolated):
    from tests.support import EventTap

    first = producer_runtime(isolated.settings(ProducerSettings))
    second = producer_runtime(isolated.settings(ProducerSettings))
    await first.start()
    await second.start()
    try:
        async with EventTap(isolated.servers.amqp_url, isolated.namespace, "report.received") as tap:
            await wait_for(lambda: asyncio.sleep(0, first.broker.is_connected and second.broker.is_connected), 10)
            await write_events(first, 150)
            await write_events(second, 150)
            received = await tap.wait_for(300, timeout=30)
            await asyncio.sleep(1)  # anything published twice would arrive now
        ids = [e["event_id"] for e in received]
        assert len(ids) == 300 and len(set(ids)) == 300
    finally:
        await first.stop()
        await second.stop()

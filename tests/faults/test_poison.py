"""A poison message reaches the dead-letter queue after bounded retries while the other reports keep flowing."""

import asyncio
import uuid

import aio_pika
import asyncpg
import pytest

from relais_shared import contracts
from relais_shared.consumer import ATTEMPT_HEADER
from tests.faults.platform import queue_state, settled_verdict, steady_load
from tests.support import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
MAX_ATTEMPTS = 5  # the platform's default RELAIS_MAX_ATTEMPTS


async def poison_routing(platform, event_id: uuid.UUID) -> None:
    """Make routing fail on one event every time: its inbox refuses that event id (a fault in its own database)."""
    conn = await asyncpg.connect(platform.database_url("routing"))
    try:
        await conn.execute(f"""
        CREATE FUNCTION poisoned() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.event_id = '{event_id}' THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER poisoned BEFORE INSERT ON inbox FOR EACH ROW EXECUTE FUNCTION poisoned();""")
    finally:
        await conn.close()


async def publish(amqp_url: str, namespace: str, body: bytes, message_id: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    try:
        exchange = await (await connection.channel()).get_exchange(f"{namespace}.events")
        await exchange.publish(aio_pika.Message(body, message_id=message_id, delivery_mode=2), "report.received")
    finally:
        await connection.close()


async def dead_letter_attempts(amqp_url: str, queue: str) -> list[int]:
    connection = await aio_pika.connect(amqp_url)
    try:
        dlq = await (await connection.channel()).get_queue(queue)
        attempts = []
        while (message := await dlq.get(no_ack=True, fail=False)) is not None:
            attempts.append(int(message.headers.get(ATTEMPT_HEADER, 0)))
        return sorted(attempts)
    finally:
        await connection.close()


async def test_a_poison_message_is_dead_lettered_after_bounded_retries_and_the_rest_flows(fault_platform, isolated):
    amqp, dlq = isolated.servers.amqp_url, f"{isolated.namespace}.routing.reports.dlq"
    envelope = contracts.wrap(contracts.ReportReceived(report_id=uuid.uuid4(), postal_code="35000",
                                                       category="domestic_violence", level="orange"))
    await poison_routing(fault_platform, envelope.event_id)
    async with steady_load(fault_platform.url("intake")) as ledger:
        await asyncio.sleep(1)
        await publish(amqp, isolated.namespace, envelope.model_dump_json().encode(), str(envelope.event_id))
        await publish(amqp, isolated.namespace, b"{not json", "unreadable")  # no retry can help: straight to the DLQ
        assert await wait_until(lambda: _depth(amqp, dlq, 2), 20), "both poisons must reach the DLQ"
        await asyncio.sleep(1)
    verdict = await settled_verdict(fault_platform, ledger)
    assert ledger.statuses[201] > 30, ledger.statuses
    assert verdict.ok, str(verdict)
    assert await dead_letter_attempts(amqp, dlq) == [0, MAX_ATTEMPTS - 1]


async def _depth(amqp_url: str, queue: str, expected: int) -> bool:
    return (await queue_state(amqp_url, queue))[0] == expected

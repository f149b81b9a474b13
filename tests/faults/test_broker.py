"""RabbitMQ stopped and restarted under load: nothing accepted is lost or applied twice; consumers come back."""

import asyncio
import time

import pytest

from tests.faults.platform import CONSUMERS, queue_state, settled_verdict, steady_load
from tests.support import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


async def test_three_broker_restarts_under_load_lose_nothing_and_apply_nothing_twice(fault_platform, broker_control):
    async with steady_load(fault_platform.url("intake")) as ledger:
        for _ in range(3):
            await asyncio.sleep(1.5)
            await asyncio.to_thread(broker_control.stop)
            await asyncio.sleep(1.5)  # reports keep being accepted: they wait in intake's outbox
            await asyncio.to_thread(broker_control.start)
        await asyncio.sleep(1.5)
    verdict = await settled_verdict(fault_platform, ledger)
    assert ledger.statuses[201] > 50, ledger.statuses
    assert verdict.ok, str(verdict)


async def test_consumers_are_back_on_the_broker_within_seconds_of_a_restart(fault_platform, broker_control, isolated):
    queues = [f"{isolated.namespace}.{consumer}" for consumer in CONSUMERS.values()]
    await asyncio.to_thread(broker_control.stop)
    await asyncio.to_thread(broker_control.start)
    restarted = time.monotonic()

    async def all_consuming() -> bool:
        return all([(await queue_state(isolated.servers.amqp_url, q))[1] >= 1 for q in queues])

    assert await wait_until(all_consuming, 15, interval=0.2), \
        {q: await queue_state(isolated.servers.amqp_url, q) for q in queues}
    print(f"consumers back {time.monotonic() - restarted:.1f} s after the broker answered")
    async with steady_load(fault_platform.url("intake"), seconds=3) as ledger:
        await asyncio.sleep(3)
    assert (await settled_verdict(fault_platform, ledger, timeout=20)).ok

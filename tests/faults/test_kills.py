"""Each service killed with SIGKILL mid-batch and restarted under load, and an outbox relay killed after the
broker confirmed but before it marked the rows sent."""

import asyncio
import signal

import asyncpg
import pytest

from relais_shared import outbox
from relais_shared.outbox import OutboxRelay
from tests.faults.platform import queue_state, settled_verdict, steady_load
from tests.shared.probe import ProbeSettings, ProducerSettings, probe_runtime, producer_runtime, report_event
from tests.support import EventTap, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


async def kill_mid_batch(platform, service: str) -> None:
    """Freeze the process while deliveries pile up unacked, then SIGKILL it as soon as it has applied one."""
    conn = await asyncpg.connect(platform.database_url(service))
    try:
        platform.signal(service, signal.SIGSTOP)
        await asyncio.sleep(1)
        handled = await conn.fetchval("SELECT count(*) FROM inbox")
        platform.signal(service, signal.SIGCONT)
        await wait_until(lambda: _more(conn, handled), 5, interval=0.002)
        platform.kill(service)
    finally:
        await conn.close()
    platform.start(service)
    await asyncio.to_thread(platform.wait_ready, service)


async def _more(conn, handled: int) -> bool:
    return await conn.fetchval("SELECT count(*) FROM inbox") > handled


@pytest.mark.parametrize("service", ["routing", "intake", "escalation"])
async def test_a_service_killed_mid_batch_loses_nothing_and_applies_nothing_twice(fault_platform, service):
    async with steady_load(fault_platform.url("intake"), per_second=15) as ledger:
        for _ in range(2):
            await asyncio.sleep(1.5)
            await kill_mid_batch(fault_platform, service)
        await asyncio.sleep(1.5)
    verdict = await settled_verdict(fault_platform, ledger)
    assert ledger.statuses[201] > 50, ledger.statuses
    assert verdict.ok, str(verdict)


class KilledAfterConfirm(OutboxRelay):
    """A relay whose process dies once the broker confirmed a batch, before the rows are marked sent."""

    batch_in_flight = 20  # what the test writes in one transaction

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.confirmed = asyncio.Event()
        self.published = 0

    async def _publish(self, row) -> None:
        await super()._publish(row)
        self.published = getattr(self, "published", 0) + 1  # the class is swapped in after __init__
        if self.published >= self.batch_in_flight:  # the whole batch confirmed, not only its first row
            self.confirmed.set()
        await asyncio.Event().wait()  # frozen until the "kill" cancels it: the transaction never commits


async def test_a_relay_killed_between_confirm_and_mark_publishes_again_and_the_consumer_applies_once(isolated):
    probe = probe_runtime(isolated.settings(ProbeSettings))
    first = producer_runtime(isolated.settings(ProducerSettings))
    await probe.start()
    await first.start()
    first.relay.confirmed = asyncio.Event()
    first.relay.__class__ = KilledAfterConfirm  # before it has joined the broker and started relaying
    second = producer_runtime(isolated.settings(ProducerSettings))
    try:
        async with EventTap(isolated.servers.amqp_url, isolated.namespace, "report.received") as tap:
            await wait_until(lambda: probe.consumers, 10)
            async with first.pool.acquire() as conn, conn.transaction():  # one batch of 20 in flight
                for _ in range(20):
                    await outbox.add(conn, report_event())
            assert await wait_until(first.relay.confirmed.is_set, 15)
            await first.stop()  # the kill: the relay's transaction rolls back, its rows stay unsent
            await second.start()  # the restart, on the same outbox
            assert await tap.wait_for(40, timeout=20), "the confirmed batch must be published again"
            assert await wait_until(lambda: _idle(probe, isolated), 20)
        total, distinct = await probe.pool.fetchrow("SELECT count(*), count(DISTINCT event_id) FROM sink")
    finally:
        await second.stop()
        await probe.stop()
    assert len(tap.received) == 40 and len({e["event_id"] for e in tap.received}) == 20
    assert (total, distinct) == (20, 20), "every event applied exactly once"


async def _idle(probe, isolated) -> bool:
    """The probe's queue is empty and it has recorded all 20 distinct events."""
    messages, _ = await queue_state(isolated.servers.amqp_url, f"{isolated.namespace}.probe.sink")
    return messages == 0 and await probe.pool.fetchval("SELECT count(DISTINCT event_id) FROM sink") == 20

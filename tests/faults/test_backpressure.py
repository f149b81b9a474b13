"""A slow consumer and a full queue: publishers are told (the outbox keeps the events), nothing is dropped."""

import asyncio
import signal

import pytest

from tests.faults.platform import FaultPlatform, fetch, settled_verdict, steady_load
from tests.support import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


async def refused_rows(platform) -> list:
    return await fetch(platform.database_url("intake"), """SELECT attempts, last_error FROM outbox
                       WHERE event_type = 'report.received' AND attempts > 0 AND last_error IS NOT NULL""")


async def test_a_full_queue_refuses_publishers_and_nothing_is_dropped_once_the_consumer_catches_up(isolated):
    platform = FaultPlatform(isolated, env={"routing": {"RELAIS_QUEUE_MAX_LENGTH": "10", "RELAIS_PREFETCH": "2"}})
    try:
        platform.start_all()
        async with steady_load(platform.url("intake"), per_second=15, seconds=60) as ledger:
            await asyncio.sleep(1)
            platform.signal("routing", signal.SIGSTOP)  # the slowest consumer there is
            told = await wait_until(lambda: refused_rows(platform), 15)
            assert told, "intake's relay must be told that the queue is full"
            await asyncio.sleep(1)
            platform.signal("routing", signal.SIGCONT)
            await asyncio.sleep(2)
        verdict = await settled_verdict(platform, ledger, timeout=50)
    finally:
        platform.stop_all()
    assert "report.received" in told[0]["last_error"]
    assert ledger.statuses[201] > 30, ledger.statuses
    assert verdict.ok, str(verdict)

"""The shared background loops: rounds that outlive their failures, and a worker woken by PostgreSQL NOTIFY."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from relais_shared.notify_worker import NotifyDrivenWorker
from relais_shared.periodic import run_every

GUARD_SECONDS = 10  # only a hung test waits this long: no assertion depends on timing


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.01)


async def _stopped(task: asyncio.Task) -> bool:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return task.cancelled()


async def test_a_failing_step_neither_stops_the_steps_after_it_nor_the_next_round():
    wake, rounds = asyncio.Event(), []
    done = [asyncio.Event(), asyncio.Event()]

    async def broken() -> None:
        raise RuntimeError("the database is restarting")

    async def count() -> None:
        rounds.append(len(rounds))
        done[len(rounds) - 1].set()

    task = asyncio.create_task(run_every(None, broken, count, failure_event="test.failed", wake=wake))
    await asyncio.wait_for(done[0].wait(), GUARD_SECONDS)  # the first round runs at once
    wake.set()
    await asyncio.wait_for(done[1].wait(), GUARD_SECONDS)
    assert rounds == [0, 1]
    assert await _stopped(task)


async def test_a_round_waits_for_its_wake_up_when_told_not_to_start_at_once():
    wake, ran = asyncio.Event(), asyncio.Event()

    async def step() -> None:
        ran.set()

    task = asyncio.create_task(run_every(3600, step, failure_event="test.failed", wake=wake, at_once=False))
    await asyncio.sleep(0)
    assert not ran.is_set()
    wake.set()
    await asyncio.wait_for(ran.wait(), GUARD_SECONDS)
    assert await _stopped(task)


async def test_rounds_need_a_period_or_a_wake_up():
    async def step() -> None:
        pass

    with pytest.raises(ValueError):
        await run_every(None, step, failure_event="test.failed")


class Counting(NotifyDrivenWorker):
    """Takes nothing from any table: counts its rounds, and sleeps an hour unless a NOTIFY wakes it."""

    error_event = "test.worker_failed"

    def __init__(self, dsn: str, channel: str):
        super().__init__(dsn, channel)
        self.rounds: asyncio.Queue[int] = asyncio.Queue()
        self.count = 0

    async def once(self) -> int:
        self.count += 1
        await self.rounds.put(self.count)
        return 0

    async def idle_seconds(self) -> float:
        return 3600


@pytest.mark.integration
async def test_a_notify_wakes_the_worker_even_after_its_listening_connection_was_killed(servers):
    dsn, channel = servers.database_url + "postgres", f"test_{uuid.uuid4().hex[:12]}"
    worker = Counting(dsn, channel)
    task = asyncio.create_task(worker.run())
    conn = await asyncpg.connect(dsn)
    try:
        assert await asyncio.wait_for(worker.rounds.get(), GUARD_SECONDS) == 1  # a first round at start
        await conn.execute("SELECT pg_notify($1, '')", channel)
        assert await asyncio.wait_for(worker.rounds.get(), GUARD_SECONDS) == 2
        # What a database restart does to the listener: its connection is gone. The worker notices at its next
        # round (woken by this NOTIFY or its timer), reconnects, and the next NOTIFY wakes it again.
        killed = await conn.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = 'LISTEN \"' || $1 || '\"'",
            channel)
        assert killed == 1
        await asyncio.wait_for(_until(lambda: not worker._wakeup.listening), GUARD_SECONDS)
        await conn.execute("SELECT pg_notify($1, '')", channel)  # reaches nobody: nobody listens any more
        worker._wakeup.event.set()  # the timer's turn, without waiting an hour
        assert await asyncio.wait_for(worker.rounds.get(), GUARD_SECONDS) == 3
        await conn.execute("SELECT pg_notify($1, '')", channel)
        assert await asyncio.wait_for(worker.rounds.get(), GUARD_SECONDS) == 4
        await worker.stop()
        await asyncio.wait_for(task, GUARD_SECONDS)  # `stop` ends `run` without cancelling it
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await conn.close()

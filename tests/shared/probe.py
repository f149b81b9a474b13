"""A made-up service for testing the shared library: its handler records every effect, duplicates included."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import ClassVar

from relais_shared import contracts, outbox
from relais_shared.consumer import ConsumerSpec
from relais_shared.db import Migration, load_migrations
from relais_shared.runtime import ServiceRuntime
from relais_shared.settings import RelaisSettings

# No unique constraint on event_id: a twice-applied event shows up as two rows.
SINK = Migration("probe", 1, "001_sink.sql", """
    CREATE TABLE sink (id bigserial PRIMARY KEY, event_id uuid NOT NULL, report_id uuid NOT NULL);
    CREATE TABLE poison (report_id uuid PRIMARY KEY);
""")


PROBE_CONSUMER = "probe.sink"


# `test_consumers` names the queues the test harness deletes after each test (tests/harness/queues.py).
class ProducerSettings(RelaisSettings):
    service_name: ClassVar[str] = "producer"
    test_consumers: ClassVar[tuple[str, ...]] = ()


class ProbeSettings(RelaisSettings):
    service_name: ClassVar[str] = "probe"
    test_consumers: ClassVar[tuple[str, ...]] = (PROBE_CONSUMER,)


def probe_migrations() -> list[Migration]:
    return load_migrations("shared", "relais_shared.migrations") + [SINK]


class Calls:
    """Counts handler calls per report, across retries (held outside any transaction)."""

    def __init__(self):
        self.by_report: dict[uuid.UUID, int] = {}


def probe_runtime(settings: ProbeSettings, calls: Calls | None = None, delay: float = 0.0) -> ServiceRuntime:
    calls = calls or Calls()

    async def record(event: contracts.ReportReceived, *, conn, envelope, **_):
        calls.by_report[event.report_id] = calls.by_report.get(event.report_id, 0) + 1
        if delay:
            await asyncio.sleep(delay)
        if await conn.fetchval("SELECT true FROM poison WHERE report_id = $1", event.report_id):
            raise RuntimeError("poisoned")
        await conn.execute("INSERT INTO sink (event_id, report_id) VALUES ($1, $2)", envelope.event_id,
                           event.report_id)

    spec = ConsumerSpec(PROBE_CONSUMER, {"report.received": record})
    return ServiceRuntime(settings, consumers=[spec], migrations=probe_migrations())


def producer_runtime(settings: ProducerSettings) -> ServiceRuntime:
    return ServiceRuntime(settings, migrations=load_migrations("shared", "relais_shared.migrations"))


def report_event(report_id: uuid.UUID | None = None) -> contracts.ReportReceived:
    return contracts.ReportReceived(report_id=report_id or uuid.uuid4(), postal_code="35000",
                                    category="domestic_violence", level="orange")


async def write_events(runtime: ServiceRuntime, count: int) -> list[uuid.UUID]:
    """Write `count` report.received events through the outbox, one transaction each."""
    ids = []
    for _ in range(count):
        event = report_event()
        async with runtime.pool.acquire() as conn, conn.transaction():
            await outbox.add(conn, event)
        ids.append(event.report_id)
    return ids


async def wait_for(predicate, timeout: float, interval: float = 0.2):
    """Poll an async predicate until it returns a truthy value or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = await predicate()
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(interval)

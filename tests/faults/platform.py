"""Routing, intake and escalation as processes that a fault test can kill, freeze and restart, and its load."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time

import aio_pika
import asyncpg

from bench.load_day import Ledger, drive, steady_schedule
from relais_escalation.settings import EscalationSettings
from relais_intake.settings import IntakeSettings
from relais_routing.settings import RoutingSettings
from tests.faults import switches
from tests.faults.verdict import Observed, Verdict, judge
from tests.launcher import Process, free_port, python_module
from tests.support import wait_until

SETTINGS = {"routing": RoutingSettings, "intake": IntakeSettings, "escalation": EscalationSettings}
CONSUMERS = {"routing": "routing.reports", "intake": "intake.routing-results",
             "escalation": "escalation.emergencies"}
FLOWING_EVENTS = ["report.received", "emergency.raised", "report.routed", "report.unroutable"]


class FaultPlatform:
    """One process per service on a test's own databases and namespace; `env` adds variables per service."""

    def __init__(self, isolated, env: dict[str, dict[str, str]] | None = None):
        self.isolated = isolated
        self.ports = {service: free_port() for service in SETTINGS}
        routing_url = f"http://127.0.0.1:{self.ports['routing']}"
        common = {"RELAIS_LOG_LEVEL": "WARNING", "RELAIS_INTAKE_ROUTING_URL": routing_url,
                  "RELAIS_ESCALATION_ROUTING_URL": routing_url, "RELAIS_INTAKE_REPORTS_PER_HOUR": "100000000"}
        self.envs = {s: isolated.env(cls, self.ports[s]) | common | (env or {}).get(s, {})
                     for s, cls in SETTINGS.items()}
        self.processes: dict[str, Process] = {}

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def database_url(self, service: str) -> str:
        return self.isolated.settings(SETTINGS[service]).service_database_url

    def start(self, service: str) -> None:
        # With a guarantee switched off, the service starts through the switches module; else as itself.
        command = python_module("tests.faults.switches", f"relais_{service}") if switches.requested() \
            else python_module(f"relais_{service}")
        logs = os.environ.get("RELAIS_FAULTS_LOGS")  # a directory: keep each service's output there
        self.processes[service] = Process(command, self.envs[service], ready_url=self.url(service) + "/readyz",
                                          log=os.path.join(logs, f"{service}.log") if logs else None, name=service)

    def wait_ready(self, *services: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for service in services or tuple(self.processes):
            self.processes[service].wait_ready(max(0.0, deadline - time.monotonic()))

    def start_all(self) -> FaultPlatform:
        for service in SETTINGS:  # one by one: each migrates its own fresh database
            self.start(service)
            self.wait_ready(service)
        return self

    def kill(self, service: str) -> None:
        """SIGKILL: no clean shutdown, in-flight messages unacked, transactions cut."""
        self.processes[service].kill()

    def signal(self, service: str, signum: int) -> None:
        self.processes[service].send(signum)

    def stop_all(self) -> None:
        for process in self.processes.values():
            process.send(signal.SIGCONT)  # a frozen process must be able to die
            process.kill()


@contextlib.asynccontextmanager
async def steady_load(url: str, per_second: float = 12, danger_share: float = 0.25, seconds: float = 120):
    """Reports flow into intake until the block ends; yields the ledger, complete once the block has ended."""
    stop, ledger = asyncio.Event(), Ledger()
    task = asyncio.create_task(drive(url, steady_schedule(per_second, danger_share, seconds), stop=stop))
    try:
        yield ledger
    finally:
        stop.set()
        done = await task
        ledger.accepted, ledger.statuses, ledger.latencies = done.accepted, done.statuses, done.latencies


async def fetch(url: str, query: str, *args):
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


async def observe(platform: FaultPlatform) -> Observed:
    """Read intake's reports and inbox, routing's outbox and escalation's incidents."""
    reports = await fetch(platform.database_url("intake"), "SELECT id::text, status FROM reports")
    emitted = await fetch(platform.database_url("routing"),
                          """SELECT event_id, convert_from(body, 'UTF8')::jsonb -> 'payload' ->> 'report_id' AS report
                             FROM outbox WHERE event_type IN ('report.routed', 'report.unroutable')""")
    claimed = {r["event_id"] for r in await fetch(platform.database_url("intake"),
                                                   "SELECT event_id FROM inbox WHERE consumer = $1",
                                                   CONSUMERS["intake"])}
    incidents = await fetch(platform.database_url("escalation"),
                            "SELECT report_id::text AS report, count(*) FROM incidents GROUP BY report_id")
    routing_events, results_claimed = {}, {}
    for row in emitted:
        routing_events[row["report"]] = routing_events.get(row["report"], 0) + 1
        results_claimed[row["report"]] = results_claimed.get(row["report"], 0) + (row["event_id"] in claimed)
    return Observed({r["id"]: r["status"] for r in reports}, routing_events, results_claimed,
                    {r["report"]: r["count"] for r in incidents})


async def backlog(platform: FaultPlatform) -> int:
    """Messages still on their way: unsent outbox rows and messages in the consumers' queues."""
    waiting = 0
    for service in SETTINGS:
        waiting += (await fetch(platform.database_url(service), "SELECT count(*) FROM outbox WHERE "
                                "published_at IS NULL AND event_type = ANY($1)", FLOWING_EVENTS))[0][0]
    namespace = platform.isolated.namespace
    queues = [f"{namespace}.{c}{suffix}" for c in CONSUMERS.values() for suffix in ("", ".retry.0", ".retry.1")]
    return waiting + sum([(await queue_state(platform.isolated.servers.amqp_url, q))[0] for q in queues])


async def queue_state(amqp_url: str, queue: str) -> tuple[int, int]:
    """(messages, consumers) of a queue, from a passive declare; (0, 0) when it does not exist."""
    connection = await aio_pika.connect(amqp_url)
    try:
        declared = await (await connection.channel()).declare_queue(queue, passive=True)
        return declared.declaration_result.message_count, declared.declaration_result.consumer_count
    except aio_pika.exceptions.ChannelClosed:
        return 0, 0
    finally:
        await connection.close()


async def settled_verdict(platform: FaultPlatform, ledger: Ledger, timeout: float = 45) -> Verdict:
    """Wait until every accepted report came out and nothing is on its way, then judge the final state."""
    async def quiet() -> bool:  # duplicates do not delay the verdict, a missing effect does (up to the timeout)
        return not judge(ledger.accepted, await observe(platform)).lost and await backlog(platform) == 0

    await wait_until(quiet, timeout, interval=0.5)
    return judge(ledger.accepted, await observe(platform))

"""Shared pieces of the benchmarks: a closed-loop HTTP load, percentiles, throwaway databases and queues.

Processes (services, the platform, baseline servers) start through tests/launcher, as in the tests."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass

import httpx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass
class LoadResult:
    label: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return (self.requests - self.errors) / self.seconds

    def row(self) -> str:
        lat = self.latencies_ms
        return (f"| {self.label} | {self.rate:,.0f} /s | {percentile(lat, 50):.1f} ms | {percentile(lat, 99):.1f} ms "
                f"| {self.errors} |")


async def closed_loop(label: str, url: str, make_body, *, concurrency: int, total: int,
                      expect: int = 201) -> LoadResult:
    """`concurrency` clients each sending one request after the other until `total` are done."""
    latencies, errors, sent = [], 0, 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        async def worker():
            nonlocal errors, sent
            while sent < total:
                sent += 1
                started = time.perf_counter()
                response = await client.post(url, json=make_body())
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != expect
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return LoadResult(label, len(latencies), errors, elapsed, latencies)


SERVER = os.environ.get("RELAIS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/").rstrip("/") + "/"


async def create_databases(names, server: str = SERVER) -> None:
    await _each_database("CREATE DATABASE \"{}\"", names, server)


async def drop_databases(names, server: str = SERVER) -> None:
    """Drop a benchmark's throwaway databases, even with connections left open."""
    await _each_database("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", names, server)


async def _each_database(statement: str, names, server: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(server.rstrip("/") + "/postgres")
    try:
        for name in names:
            await admin.execute(statement.format(name))
    finally:
        await admin.close()


async def sweep_bench_queues() -> None:
    """Delete the queues that benchmark namespaces (`bench…`) left on this machine's broker.

    Service processes declare quorum queues the benchmark never names, and each holds file handles on the broker.
    """
    from tests.harness.queues import all_queue_names, delete_queues

    by_namespace: dict[str, list[str]] = {}
    for name in await all_queue_names():
        if name.startswith("bench"):
            by_namespace.setdefault(name.split(".", 1)[0], []).append(name)
    amqp_url = os.environ.get("RELAIS_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    for namespace, names in by_namespace.items():
        await delete_queues(amqp_url, namespace, names)

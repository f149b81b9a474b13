"""Claim-next latency on a list of 100,000 entries with 8 concurrent agents, on real PostgreSQL.

    uv run python -m bench.followup_claims [--entries 100000] [--agents 8] [--claims 4000]

Uses RELAIS_BENCH_DATABASE_URL (a server URL; default postgresql://postgres@127.0.0.1:5432/), creates a throwaway
database, bulk-loads the list with COPY, then has each agent claim the next entry and close it, as the API does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg

from bench.common import drop_databases, percentile
from relais_followup import claims
from relais_shared.db import create_pool, migrate
from relais_shared.runtime import service_migrations

RISKS = ("standard", "high", "severe")
COLUMNS = ("id", "case_reference", "force", "department", "risk_level", "window_start", "window_end", "source",
           "time_zone", "safe_hours", "overdue")


def rows(count: int):
    """Entries of one department with open windows, a quarter overdue, a third with safe hours."""
    now = datetime.now(UTC)
    for i in range(count):
        start = now - timedelta(hours=24 + (i % 40))
        hours = '["00:00-23:59"]' if i % 3 == 0 else "[]"
        yield (uuid.uuid4(), f"BENCH-{i:07d}", "GN", "35", RISKS[i % 3], start, start + timedelta(hours=24),
               "import", "Europe/Paris", hours, i % 4 == 0)


async def agent(pool: asyncpg.Pool, n: int, todo: list[int], latencies: list[float]) -> None:
    while todo:
        todo.pop()
        async with pool.acquire() as conn:
            started = time.perf_counter()
            claimed = await claims.claim_next(conn, department="35", force="GN", agent_sub=f"bench-{n}",
                                              agent_alias=f"Bench {n}", lease_seconds=300)
            latencies.append((time.perf_counter() - started) * 1000)
            assert claimed is not None
            async with conn.transaction():  # the call is over: close it, as the page does
                await conn.execute("UPDATE entries SET status = 'closed', closed_at = now() WHERE id = $1",
                                   claimed[0])
                await claims.end_claim(conn, claimed[0], claimed[1], "closed")


async def measure(entries: int, agents: int, total: int) -> None:
    server = os.environ.get("RELAIS_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/").rstrip("/")
    name = f"relais_bench_followup_{uuid.uuid4().hex[:8]}"
    url = f"{server}/{name}"
    await migrate(url, service_migrations("followup"))
    try:
        conn = await asyncpg.connect(url)
        started = time.perf_counter()
        await conn.copy_records_to_table("entries", records=rows(entries), columns=COLUMNS)
        await conn.execute("ANALYZE entries")
        load_seconds = time.perf_counter() - started
        await conn.close()
        pool = await create_pool(url, max_size=agents + 2)
        latencies: list[float] = []
        todo = list(range(total))
        started = time.perf_counter()
        await asyncio.gather(*(agent(pool, n, todo, latencies) for n in range(agents)))
        elapsed = time.perf_counter() - started
        await pool.close()
    finally:
        await drop_databases([name], server)
    print(f"| measure ({entries:,} entries, {agents} agents, {total:,} claims) | value |")
    print("|---|---:|")
    print(f"| bulk load with COPY | {load_seconds:.2f} s |")
    for p in (50, 95, 99):
        print(f"| claim-next p{p} | {percentile(latencies, p):.2f} ms |")
    print(f"| claim-next max | {max(latencies):.2f} ms |")
    print(f"| claims + closes per second | {total / elapsed:,.0f} /s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--claims", type=int, default=4_000)
    args = parser.parse_args()
    asyncio.run(measure(args.entries, args.agents, args.claims))


if __name__ == "__main__":
    main()

"""Accepted reports per second and latency, side by side with a bare FastAPI + asyncpg INSERT endpoint.

Both servers run as single processes on this machine in the same run; the load comes from this process.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid

from bench.common import closed_loop, create_databases, drop_databases
from tests.launcher import Process, ServiceProcess, free_port, python_module

SERVER = os.environ.get("RELAIS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/").rstrip("/") + "/"
AMQP = os.environ.get("RELAIS_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
TEXT = "Depuis trois semaines il crie, il casse des objets et il m'a poussée contre le mur devant les enfants."


def report_body():
    return {"role": "victim", "category": "domestic_violence", "postal_code": "35690", "occurred": "this_week",
            "text": TEXT, "danger_answers": {}}


async def run(total: int = 2000, concurrency: int = 16) -> list:
    tag = uuid.uuid4().hex[:8]
    databases = [f"bench_{tag}_baseline", f"bench_{tag}_intake", f"bench_{tag}_routing"]
    await create_databases(databases)
    base_port, intake_port, routing_port = free_port(), free_port(), free_port()
    env = {**os.environ, "RELAIS_AMQP_URL": AMQP, "RELAIS_NAMESPACE": f"bench{tag}", "RELAIS_ENV": "test"}
    baseline = Process(python_module("bench.baseline_app"), env | {
        "BASELINE_DATABASE_URL": SERVER + databases[0], "BASELINE_PORT": str(base_port)},
        ready_url=f"http://127.0.0.1:{base_port}/readyz")
    routing = ServiceProcess("routing", env | {
        "RELAIS_ROUTING_DATABASE_URL": SERVER + databases[2], "RELAIS_HTTP_PORT": str(routing_port)}, routing_port)
    intake = ServiceProcess("intake", env | {
        "RELAIS_INTAKE_DATABASE_URL": SERVER + databases[1], "RELAIS_HTTP_PORT": str(intake_port),
        "RELAIS_INTAKE_ROUTING_URL": routing.url, "RELAIS_LOG_LEVEL": "WARNING",
        "RELAIS_INTAKE_REPORTS_PER_HOUR": "10000000"}, intake_port)
    try:
        for process in (baseline, routing, intake):
            process.wait_ready()
        warm = min(200, total // 5)
        await closed_loop("warm-up", f"http://127.0.0.1:{base_port}/items", report_body, concurrency=4, total=warm)
        await closed_loop("warm-up", f"http://127.0.0.1:{intake_port}/v1/reports", report_body, concurrency=4,
                          total=warm)
        results = [
            await closed_loop("baseline: FastAPI + one asyncpg INSERT", f"http://127.0.0.1:{base_port}/items",
                              report_body, concurrency=concurrency, total=total),
            await closed_loop("intake POST /v1/reports", f"http://127.0.0.1:{intake_port}/v1/reports",
                              report_body, concurrency=concurrency, total=total),
        ]
    finally:
        for process in (intake, routing, baseline):
            process.stop()
        await drop_databases(databases)
    return [*results, await receipt_hash_rate()]


async def receipt_hash_rate(total: int = 200) -> float:
    """Argon2id receipt hashes per second with every core busy: the ceiling the receipt puts on intake."""
    from relais_intake.receipts import ReceiptHasher

    hasher, receipts = ReceiptHasher("bench"), [f"{n:016d}" for n in range(total)]
    started = time.perf_counter()
    workers = os.cpu_count() or 1
    await asyncio.gather(*(asyncio.to_thread(lambda part: [hasher.hash_now(r) for r in part], receipts[i::workers])
                           for i in range(workers)))
    return total / (time.perf_counter() - started)


def report(results) -> str:
    baseline, intake, hashes_per_second = results
    lines = ["| endpoint | accepted | p50 | p99 | errors |", "|---|---:|---:|---:|---:|"]
    lines += [r.row() for r in (baseline, intake)]
    lines.append(f"\nIntake accepts {intake.rate / baseline.rate:.2f}× the baseline's rate; its p50 is "
                 f"{_p50(intake) / _p50(baseline):.1f}× the baseline's.")
    lines.append(f"\nEach report costs one Argon2id receipt hash (19 MiB, 2 passes, deliberately slow): this machine "
                 f"computes {hashes_per_second:,.0f} of them per second on all cores with nothing else running, "
                 f"so intake reaches {intake.rate / hashes_per_second:.0%} of the ceiling the receipt sets.")
    return "\n".join(lines)


def _p50(result):
    from bench.common import percentile

    return percentile(result.latencies_ms, 50)


if __name__ == "__main__":
    print(report(asyncio.run(run())))

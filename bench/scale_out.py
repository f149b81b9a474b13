"""Scale-out: the same intake and chat loads against one and against two replicas of each service.

    uv run python -m bench.scale_out

Each platform runs with `relais up --replicas N --port-offset X` on throwaway databases. The intake load is a
closed loop spread over the replicas' ports (no load balancer in between); the chat load is many conversations
with victims on replica 0 and officers on the last replica. The report gives the ratio two replicas / one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import shutil
import signal
import tempfile
import uuid
from dataclasses import dataclass

from bench.common import SERVER, LoadResult, closed_loop, drop_databases, percentile
from relais_cli.services import free_port_offset
from tests.launcher import Platform


class RelaisUp(Platform):
    """`relais up` (tests/launcher) on throwaway databases, broker namespace and keys, all removed at stop."""

    def __init__(self, services: tuple[str, ...], replicas: int, offset: int):
        self.keys_dir = tempfile.mkdtemp(prefix="relais-bench-keys-")
        self.services, self.replicas, self.tag = services, replicas, uuid.uuid4().hex[:8]
        self.names = {s: f"relais_bench_{self.tag}_{s}" for s in services}
        env = {**os.environ, "RELAIS_ENV": "test", "RELAIS_NAMESPACE": f"bench{self.tag}",
               "RELAIS_LOG_LEVEL": "WARNING", "RELAIS_INTAKE_REPORTS_PER_HOUR": "100000000",
               "RELAIS_CHAT_FLOOD_BURST": "1000", "RELAIS_CHAT_WS_FRAMES_BURST": "100000",
               "RELAIS_CHAT_WS_FRAMES_PER_SECOND": "100000", "RELAIS_CHAT_FLOOD_PER_SECOND": "1000",
               "RELAIS_CHAT_SESSIONS_PER_HOUR": "100000000",
               "RELAIS_KEYS_DIR": self.keys_dir}
        databases = {s: SERVER + name for s, name in self.names.items()}
        env |= {f"RELAIS_{s.upper()}_DATABASE_URL": url for s, url in databases.items()}
        super().__init__(env, "--replicas", str(replicas), *services, offset=offset, databases=databases)

    def wait_ready(self, timeout: float = 90) -> RelaisUp:
        super().wait_ready(self.services, self.replicas, timeout)
        return self

    def stop(self, timeout: float = 40, signum: int = signal.SIGINT) -> int:
        try:
            return super().stop(timeout, signum)
        finally:
            with concurrent.futures.ThreadPoolExecutor(1) as pool:  # callable from inside a running event loop
                pool.submit(asyncio.run, drop_databases(self.names.values())).result()
            shutil.rmtree(self.keys_dir, ignore_errors=True)


@contextlib.contextmanager
def relais_up(services: tuple[str, ...], replicas: int = 1, offset: int | None = None):
    """Run some services with `relais up` for one benchmark, then stop them and drop their databases."""
    platform = RelaisUp(services, replicas, offset if offset is not None else free_port_offset(services, replicas))
    try:
        platform.wait_ready()
        yield platform
    finally:
        platform.stop()


@dataclass
class Node:
    pid: int


class ChatNodes:
    """What bench.chat_latency drives: victims on replica 0, officers on the last replica (the same one alone)."""

    def __init__(self, platform: RelaisUp):
        self.platform, self.keys_dir = platform, platform.keys_dir
        self.replicas = [0, platform.replicas - 1]
        self.processes = [Node(platform.pid("chat", r)) for r in self.replicas]

    def url(self, i: int) -> str:
        return self.platform.url("chat", self.replicas[i])


async def intake_load(platform: RelaisUp, total: int, concurrency: int) -> LoadResult:
    """One closed loop per replica, the work split evenly, as a client-side balancer would."""
    from bench.intake_throughput import report_body

    parts = await asyncio.gather(*(closed_loop(f"intake #{r}", platform.url("intake", r) + "/v1/reports", report_body,
                                               concurrency=concurrency // platform.replicas,
                                               total=total // platform.replicas)
                                   for r in range(platform.replicas)))
    latencies = [ms for part in parts for ms in part.latencies_ms]
    return LoadResult(f"{platform.replicas} replica(s)", len(latencies), sum(p.errors for p in parts),
                      max(p.seconds for p in parts), latencies)


async def run(total: int = 800, concurrency: int = 16, conversations: int = 100, messages: int = 5) -> dict:
    from bench.chat_latency import run_relay

    results = {}
    for replicas in (1, 2):
        with relais_up(("routing", "intake", "chat"), replicas=replicas) as platform:
            await closed_loop("warm-up", platform.url("intake") + "/v1/reports", _body, concurrency=4, total=100)
            intake = await intake_load(platform, total, concurrency)
            chat = await run_relay(ChatNodes(platform), conversations, messages, 1.0)
        results[replicas] = {"intake": intake, "chat": chat}
    return results


def _body():
    from bench.intake_throughput import report_body

    return report_body()


def report(results: dict) -> str:
    one, two = results[1], results[2]
    lines = ["| load | 1 replica | 2 replicas | ratio |", "|---|---:|---:|---:|"]
    rate = (one["intake"].rate, two["intake"].rate)
    lines.append(f"| intake: accepted reports/s | {rate[0]:,.0f} | {rate[1]:,.0f} | {rate[1] / rate[0]:.2f}× |")
    for p in (50, 99):
        a, b = percentile(one["intake"].latencies_ms, p), percentile(two["intake"].latencies_ms, p)
        lines.append(f"| intake: p{p} latency | {a:.0f} ms | {b:.0f} ms | {b / a:.2f}× |")
    for p in (50, 99):
        a, b = percentile(one["chat"]["latencies"], p), percentile(two["chat"]["latencies"], p)
        lines.append(f"| chat: victim → officer p{p} | {a:.0f} ms | {b:.0f} ms | {b / a:.2f}× |")
    lines.append(f"| chat: messages missing | {one['chat']['lost']} | {two['chat']['lost']} | |")
    lines.append(f"\nOn {os.cpu_count()} cores: every replica shares the same CPUs, PostgreSQL and RabbitMQ, so the "
                 "ratio shows the overhead or gain of running two processes, not what separate machines would give.")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(asyncio.run(run())))

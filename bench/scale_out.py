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
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass

import httpx

from bench.common import SERVER, LoadResult, closed_loop, drop_databases, percentile
from relais_cli.services import free_port_offset


class RelaisUp:
    """`relais up` on throwaway databases and broker namespace; replica i of a service on its port + 100 i."""

    PORTS = {"intake": 8001, "routing": 8002, "chat": 8003, "escalation": 8004, "followup": 8005}

    def __init__(self, services: tuple[str, ...], replicas: int, offset: int):
        from bench.common import ROOT

        self.keys_dir = tempfile.mkdtemp(prefix="relais-bench-keys-")
        self.log = tempfile.NamedTemporaryFile("w+", prefix="relais-up-", suffix=".log")  # noqa: SIM115
        self.services, self.replicas, self.offset, self.tag = services, replicas, offset, uuid.uuid4().hex[:8]
        self.databases = {s: f"relais_bench_{self.tag}_{s}" for s in services}
        env = {**os.environ, "RELAIS_ENV": "test", "RELAIS_NAMESPACE": f"bench{self.tag}",
               "RELAIS_LOG_LEVEL": "WARNING", "RELAIS_INTAKE_REPORTS_PER_HOUR": "100000000",
               "RELAIS_CHAT_FLOOD_BURST": "1000", "RELAIS_CHAT_WS_FRAMES_BURST": "100000",
               "RELAIS_CHAT_WS_FRAMES_PER_SECOND": "100000", "RELAIS_CHAT_FLOOD_PER_SECOND": "1000",
               "RELAIS_CHAT_SESSIONS_PER_HOUR": "100000000",
               "RELAIS_KEYS_DIR": self.keys_dir}
        env |= {f"RELAIS_{s.upper()}_DATABASE_URL": SERVER + name for s, name in self.databases.items()}
        self.process = subprocess.Popen([sys.executable, "-m", "relais_cli.main", "up", "--replicas", str(replicas),
                                         "--port-offset", str(offset), *services], cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=self.log)

    def url(self, service: str, replica: int = 0) -> str:
        return f"http://127.0.0.1:{self.PORTS[service] + self.offset + 100 * replica}"

    def wait_ready(self, timeout: float = 90) -> None:
        pending = {(s, r) for s in self.services for r in range(self.replicas)}
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"relais up exited: {self.output()[-2000:]}")
            for service, replica in list(pending):
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(self.url(service, replica) + "/readyz", timeout=1).status_code == 200:
                        pending.discard((service, replica))
            time.sleep(0.3)
        if pending:
            raise RuntimeError(f"not ready after {timeout}s: {sorted(pending)}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def pid(self, service: str, replica: int) -> int:
        """The process of one replica, from the supervisor's "started <service>#<i> … (pid N)" line."""
        found = re.findall(rf"started {service}#{replica} on port \d+ \(pid (\d+)\)", self.output())
        return int(found[-1])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # callable from inside a running event loop
            pool.submit(asyncio.run, drop_databases(self.databases.values())).result()
        self.log.close()
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

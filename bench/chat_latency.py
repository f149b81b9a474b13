"""Chat relay benchmark (not a test): many conversations across two nodes versus a bare WebSocket echo.

    uv run python -m bench.chat_latency [--conversations 200] [--messages 5]

Needs PostgreSQL and RabbitMQ (RELAIS_TEST_DATABASE_URL / RELAIS_TEST_AMQP_URL or the local defaults). Victims
connect to node A, officers to node B; each victim message goes victim → A → PostgreSQL → RabbitMQ → B →
officer. Prints a Markdown table: latency percentiles, memory per connection, and the ratio to the echo.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from websockets.asyncio.client import connect

from bench.common import drop_databases, percentile
from tests.launcher import Process, ServiceProcess, free_port, python_module

DB = os.environ.get("RELAIS_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/").rstrip("/") + "/"
AMQP = os.environ.get("RELAIS_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
OFFICER_LOAD = 10  # conversations per officer


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def echo_server(port: int) -> None:
    """The baseline: a bare FastAPI/uvicorn WebSocket echo, same machine, same server stack."""
    import uvicorn

    app = FastAPI()

    @app.get("/healthz")
    async def healthz():
        return {"status": "alive"}

    @app.websocket("/echo")
    async def echo(websocket: WebSocket):
        await websocket.accept()
        try:
            while True:
                await websocket.send_text(await websocket.receive_text())
        except WebSocketDisconnect:
            pass

    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False)


async def paced(send, count: int, spacing: float) -> None:
    """`count` sends spaced around `spacing` seconds (jittered so conversations do not beat in step)."""
    await asyncio.sleep(random.uniform(0, spacing))
    for i in range(count):
        await send(i)
        await asyncio.sleep(spacing * random.uniform(0.5, 1.5))


async def run_echo(conversations: int, messages: int, spacing: float) -> dict:
    port = free_port()
    # A module of this checkout, run from its root (tests/launcher), whatever directory the benchmark runs from.
    process = Process(python_module("bench.chat_latency", "--echo-server", str(port)), dict(os.environ),
                      ready_url=f"http://127.0.0.1:{port}/healthz").wait_ready()
    try:
        before = rss_kib(process.pid)
        sockets = [await connect(f"ws://127.0.0.1:{port}/echo") for _ in range(conversations)]
        await asyncio.sleep(1)
        per_connection = (rss_kib(process.pid) - before) / conversations
        latencies: list[float] = []

        async def talk(ws):
            async def send(i):
                sent = time.perf_counter()
                await ws.send(json.dumps({"i": i, "text": "x" * 80}))
                await ws.recv()
                latencies.append((time.perf_counter() - sent) * 1000)
            await paced(send, messages, spacing)

        await asyncio.gather(*(talk(ws) for ws in sockets))
        for ws in sockets:
            await ws.close()
        return {"latencies": latencies, "per_connection_kib": per_connection}
    finally:
        process.stop()


class Relay:
    """Two chat nodes on a throwaway database and broker namespace."""

    def __init__(self, keys_dir: str):
        self.tag = uuid.uuid4().hex[:8]
        self.database, self.namespace, self.keys_dir = f"relais_bench_{self.tag}_chat", f"bench{self.tag}", keys_dir
        self.ports = [free_port(), free_port()]
        self.processes: list[ServiceProcess] = []

    def env(self, port: int) -> dict:
        return {**os.environ, "RELAIS_ENV": "test", "RELAIS_AMQP_URL": AMQP, "RELAIS_NAMESPACE": self.namespace,
                "RELAIS_CHAT_DATABASE_URL": DB + self.database, "RELAIS_HTTP_PORT": str(port),
                "RELAIS_KEYS_DIR": self.keys_dir, "RELAIS_LOG_LEVEL": "WARNING", "RELAIS_CHAT_FLOOD_BURST": "1000",
                "RELAIS_CHAT_WS_FRAMES_BURST": "100000", "RELAIS_CHAT_WS_FRAMES_PER_SECOND": "100000",
                "RELAIS_CHAT_SESSIONS_PER_HOUR": "1000000",
                "RELAIS_CHAT_FLOOD_PER_SECOND": "1000"}

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.ports[i]}"

    def __enter__(self):
        try:
            for port in self.ports:  # one after the other: the first migrates the fresh database
                self.processes.append(ServiceProcess("chat", self.env(port), port).wait_ready())
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.stop()
        asyncio.run(drop_databases([self.database], DB))


async def frames_of(ws, sink: list):
    try:
        async for raw in ws:
            sink.append((time.perf_counter(), json.loads(raw)))
    except Exception:  # noqa: BLE001, S110 - the socket closed at the end of the run
        pass


async def run_relay(relay: Relay, conversations: int, messages: int, spacing: float) -> dict:
    from relais_chat.settings import ChatSettings
    from relais_shared.identity import Operator
    from relais_shared.operator_keys import mint_token

    ring = ChatSettings().keyring()  # the nodes inherit this environment, so they hold the same data keys
    node_a, node_b = relay.processes
    async with httpx.AsyncClient(base_url=relay.url(0)) as client:
        created = [await _open(client, ring) for _ in range(conversations)]
    rss_a = rss_kib(node_a.pid)
    victims, readers = [], []
    for session in created:
        ws = await connect(relay.url(0).replace("http", "ws") + "/v1/chat/ws")
        await ws.send(json.dumps({"type": "hello", "session_id": session["session_id"], "secret": session["secret"]}))
        victims.append(ws)
        readers.append(asyncio.create_task(frames_of(ws, [])))  # a page reads its socket; so do we
    await asyncio.sleep(2)
    victim_kib = (rss_kib(node_a.pid) - rss_a) / conversations

    received: list = []
    officers = []
    rss_b = rss_kib(node_b.pid)
    for k in range(0, conversations, OFFICER_LOAD):
        who = Operator(sub=f"bench-{k}", alias=f"Agent {k}", force="GN", departments=("*",),
                       roles=frozenset({"chat_operator"}), orange_clearance=True)
        ws = await connect(relay.url(1).replace("http", "ws") + "/v1/console/ws", max_size=2 ** 24)
        await ws.send(json.dumps({"type": "auth", "token": mint_token(Path(relay.keys_dir), who,
                                                                      issuer="relais-local", audience="relais")}))
        await ws.send(json.dumps({"type": "presence", "status": "available", "capacity": OFFICER_LOAD}))
        for session in created[k:k + OFFICER_LOAD]:
            await ws.send(json.dumps({"type": "claim", "session_id": session["session_id"]}))
        officers.append(ws)
        readers.append(asyncio.create_task(frames_of(ws, received)))
    await asyncio.sleep(3)
    officer_kib = (rss_kib(node_b.pid) - rss_b) / len(officers)

    sent_at: dict[str, float] = {}

    async def talk(ws):
        async def send(i):
            client_id = uuid.uuid4().hex
            sent_at[client_id] = time.perf_counter()
            await ws.send(json.dumps({"type": "send", "client_id": client_id, "text": "x" * 80}))
        await paced(send, messages, spacing)

    await asyncio.gather(*(talk(ws) for ws in victims))
    expected = conversations * messages
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_arrivals(received, sent_at)) < expected:
        await asyncio.sleep(0.2)
    arrivals = _arrivals(received, sent_at)
    for ws in victims + officers:
        await ws.close()
    for task in readers:
        task.cancel()
    return {"latencies": [(at - sent_at[cid]) * 1000 for cid, at in arrivals.items()], "lost": expected - len(arrivals),
            "victim_kib": victim_kib, "officer_kib": officer_kib}


async def _open(client: httpx.AsyncClient, ring) -> dict:
    """A conversation opened as intake's page opens one: with a ticket sealed for a new report (GN, 35, blue)."""
    from relais_shared import contracts, tickets

    ticket = tickets.issue(ring, report_id=uuid.uuid4(), category="sexist_harassment", level="blue",
                           danger_level="standard", jurisdiction=contracts.Jurisdiction(force="GN", department="35"),
                           lang="fr")
    answer = await client.post("/v1/sessions", json={"ticket": ticket})
    answer.raise_for_status()
    return answer.json()


def _arrivals(received: list, sent_at: dict) -> dict[str, float]:
    """First arrival per client id at an officer (a duplicate would show up as a second one, not counted)."""
    first: dict[str, float] = {}
    for at, frame in received:
        if frame.get("type") == "message" and frame.get("client_id") in sent_at:
            first.setdefault(frame["client_id"], at)
    return first


def table(relay: dict, echo: dict, conversations: int, messages: int) -> str:
    r, e = relay["latencies"], echo["latencies"]
    rows = [("conversations (victims on node A, officers on node B)", f"{conversations}"),
            ("messages victim → officer", f"{len(r)} delivered, {relay['lost']} missing"),
            ("relay latency p50 / p99", f"{percentile(r, 50):.1f} ms / {percentile(r, 99):.1f} ms"),
            ("bare echo round trip p50 / p99", f"{percentile(e, 50):.1f} ms / {percentile(e, 99):.1f} ms"),
            ("ratio relay / echo (p50, p99)",
             f"{percentile(r, 50) / percentile(e, 50):.1f}× / {percentile(r, 99) / percentile(e, 99):.1f}×"),
            ("memory per victim connection (node A RSS delta)", f"{relay['victim_kib']:.0f} KiB"),
            (f"memory per officer console with {OFFICER_LOAD} conversations (node B)",
             f"{relay['officer_kib']:.0f} KiB"),
            ("memory per bare echo connection", f"{echo['per_connection_kib']:.0f} KiB")]
    return "| measure | value |\n|---|---:|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--spacing", type=float, default=3.0, help="seconds between a victim's messages")
    parser.add_argument("--echo-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo_server:
        return echo_server(args.echo_server)
    with tempfile.TemporaryDirectory() as keys, Relay(keys) as relay:
        relayed = asyncio.run(run_relay(relay, args.conversations, args.messages, args.spacing))
    echoed = asyncio.run(run_echo(args.conversations, args.messages, args.spacing))
    print(table(relayed, echoed, args.conversations, args.messages))


if __name__ == "__main__":
    main()

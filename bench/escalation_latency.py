"""From intake's POST /v1/reports with danger_now to the incident on a dispatcher's console WebSocket (p50/p99),
and how late missed acknowledgement deadlines fire, under a steady background load of ordinary reports.

Routing, intake and escalation run as processes on this machine; nobody acknowledges, so every incident climbs.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import websockets

from bench.common import drop_databases, percentile
from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token
from tests.launcher import ServiceProcess, free_port

SERVER = os.environ.get("RELAIS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/").rstrip("/") + "/"
AMQP = os.environ.get("RELAIS_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
DEADLINE = {"p1": 2, "p2": 4}
POLICY = {"steps": [{"target": t, "deadline_seconds": DEADLINE}
                    for t in ("centre_dispatchers", "centre_supervisor", "national_supervision")],
          "repeat_seconds": {"p1": 3, "p2": 6}}
ORDINARY = {"role": "witness", "category": "sexual_harassment", "postal_code": "35690", "occurred": "this_week"}
DANGER = {"role": "victim", "category": "domestic_violence", "postal_code": "35690", "occurred": "today",
          "danger_now": True}


async def background(url: str, rate: float, stop: asyncio.Event, counts: dict) -> None:
    """Ordinary reports at a steady rate (open loop: one every 1/rate seconds)."""
    def count(task: asyncio.Task) -> None:
        ok = not task.cancelled() and task.exception() is None and task.result().status_code == 201
        counts["ok" if ok else "err"] = counts.get("ok" if ok else "err", 0) + 1

    async with httpx.AsyncClient(timeout=30) as client:
        pending = set()
        while not stop.is_set():
            task = asyncio.create_task(client.post(url, json=ORDINARY))
            task.add_done_callback(count)
            pending.add(task)
            task.add_done_callback(pending.discard)
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*pending, return_exceptions=True)


async def console(ws_url: str, token: str, seen: dict[str, float], ready: asyncio.Event) -> None:
    """A dispatcher's console: notes when each report's incident first appears."""
    async with websockets.connect(ws_url) as socket:
        await socket.send(json.dumps({"type": "auth", "token": token}))
        async for raw in socket:
            message = json.loads(raw)
            if message["type"] == "snapshot":
                ready.set()
            elif message["type"] == "incident" and message["change"] == "opened":
                seen.setdefault(message["incident"]["report_id"], time.perf_counter())


async def emergencies(url: str, count: int, interval: float, sent: dict[str, float]) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        for _ in range(count):
            started = time.perf_counter()
            response = await client.post(url, json=DANGER)
            if response.status_code == 201:
                sent[response.json()["id"]] = started
            await asyncio.sleep(interval)


async def run(count: int = 100, interval: float = 0.2, background_rate: float = 20.0) -> dict:
    tag = uuid.uuid4().hex[:8]
    names = {s: f"bench_{tag}_{s}" for s in ("routing", "intake", "escalation")}
    keys = Path(tempfile.mkdtemp(prefix="relais-bench-"))
    (keys / "policies.json").write_text(json.dumps({"default": POLICY, "centres": {}}))
    token = mint_token(keys, Operator(sub="bench", alias="Régie 35", force="GN", departments=("35",),
                                      roles=frozenset({"dispatcher"}), orange_clearance=True),
                       issuer="relais-local", audience="relais")
    ports = {s: free_port() for s in names}
    env = {**os.environ, "RELAIS_AMQP_URL": AMQP, "RELAIS_NAMESPACE": f"bench{tag}", "RELAIS_ENV": "test",
           "RELAIS_LOG_LEVEL": "WARNING", "RELAIS_KEYS_DIR": str(keys)}
    processes = [ServiceProcess(s, env | {
        f"RELAIS_{s.upper()}_DATABASE_URL": SERVER + names[s], "RELAIS_HTTP_PORT": str(ports[s]),
        "RELAIS_INTAKE_ROUTING_URL": f"http://127.0.0.1:{ports['routing']}",
        "RELAIS_ESCALATION_ROUTING_URL": f"http://127.0.0.1:{ports['routing']}",
        "RELAIS_ESCALATION_POLICIES_PATH": str(keys / "policies.json"),
        "RELAIS_INTAKE_REPORTS_PER_HOUR": "100000000"}, ports[s])
        for s in ("routing", "intake", "escalation")]
    try:
        for process in processes:
            process.wait_ready()
        return await _measure(ports, token, names["escalation"], count, interval, background_rate)
    finally:
        for process in reversed(processes):
            process.stop()
        await drop_databases(names.values())


async def _measure(ports, token, escalation_db, count, interval, background_rate) -> dict:
    reports = f"http://127.0.0.1:{ports['intake']}/v1/reports"
    seen, sent, counts, ready, stop = {}, {}, {}, asyncio.Event(), asyncio.Event()
    listener = asyncio.create_task(console(f"ws://127.0.0.1:{ports['escalation']}/v1/console/ws", token, seen, ready))
    await asyncio.wait_for(ready.wait(), 30)
    load = asyncio.create_task(background(reports, background_rate, stop, counts))
    await asyncio.sleep(2)  # the background load is steady before the first measure
    started = time.perf_counter()
    await emergencies(reports, count, interval, sent)
    deadline = time.monotonic() + 30
    while set(sent) - set(seen) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.sleep(max(DEADLINE.values()) * 2)  # let the last incidents miss their deadlines too
    elapsed = time.perf_counter() - started
    stop.set()
    await load
    listener.cancel()
    latencies = [(seen[r] - t) * 1000 for r, t in sent.items() if r in seen]
    lateness = await _lateness(SERVER + escalation_db)
    return {"emergencies": len(sent), "on_console": len(latencies), "latencies_ms": latencies,
            "lateness_s": lateness, "background_ok": counts.get("ok", 0), "background_err": counts.get("err", 0),
            "seconds": elapsed}


async def _lateness(url: str) -> list[float]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT extract(epoch FROM fired_at - due_at)::float8 AS late FROM escalations "
                                "WHERE reason = 'deadline'")
    finally:
        await conn.close()
    return [r["late"] for r in rows]


def report(r: dict) -> str:
    lat, late = r["latencies_ms"], r["lateness_s"]
    return "\n".join([
        f"background: {r['background_ok']} ordinary reports accepted ({r['background_err']} errors) "
        f"over {r['seconds']:.0f} s",
        f"emergencies: {r['emergencies']} posted, {r['on_console']} on the console",
        "| measure | p50 | p99 | max |", "|---|---:|---:|---:|",
        f"| POST danger_now → console WebSocket | {percentile(lat, 50):.1f} ms | {percentile(lat, 99):.1f} ms "
        f"| {max(lat, default=float('nan')):.1f} ms |",
        f"| deadline lateness ({len(late)} fired) | {percentile(late, 50) * 1000:.0f} ms "
        f"| {percentile(late, 99) * 1000:.0f} ms | {max(late, default=float('nan')) * 1000:.0f} ms |",
    ])


if __name__ == "__main__":
    print(report(asyncio.run(run())))

"""Helpers shared by service tests: running an app's lifespan in-process and listening to events."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time

import aio_pika
import httpx

from tests.launcher.process import free_port  # tests import it from here too


@contextlib.asynccontextmanager
async def running_app(app):
    """Start an app's lifespan (runtime, broker, consumers) and give an HTTP client bound to it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://relais.test") as client:
            await wait_until(lambda: app.state.runtime.broker.is_connected, 15)
            yield client


async def wait_until(predicate, timeout: float, interval: float = 0.1):
    """Poll a sync or async predicate until truthy; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value or time.monotonic() > deadline:
            return value
        await asyncio.sleep(interval)


class EventTap:
    """An exclusive queue bound to some event types of a test namespace, to see what services publish."""

    def __init__(self, amqp_url: str, namespace: str, *keys: str):
        self.amqp_url, self.namespace, self.keys = amqp_url, namespace, keys
        self.received: list[dict] = []

    async def __aenter__(self):
        self.connection = await aio_pika.connect(self.amqp_url)
        channel = await self.connection.channel()
        exchange = await channel.declare_exchange(f"{self.namespace}.events", "topic", durable=True)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for key in self.keys:
            await queue.bind(exchange, key)
        await queue.consume(self._on_message, no_ack=True)
        return self

    async def _on_message(self, message):
        self.received.append(json.loads(message.body))

    async def wait_for(self, count: int, timeout: float = 15) -> list[dict]:
        await wait_until(lambda: len(self.received) >= count, timeout)
        return self.received

    async def __aexit__(self, *exc):
        await self.connection.close()


@contextlib.asynccontextmanager
async def serving(app, port: int | None = None):
    """Serve an app over real HTTP on 127.0.0.1 inside this event loop; yields its base URL."""
    import uvicorn

    port = port or free_port()
    from relais_shared.serve import WS_OPTIONS

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False,
                                           lifespan="on", **WS_OPTIONS))
    task = asyncio.create_task(server.serve())
    await wait_until(lambda: server.started, 30)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def requested_names(env: str, known: dict) -> list[str]:
    """The comma-separated names in the variable `env`, each one of `known` (else stop, naming the known ones).

    Used by the fault switches and the journey cuts, which each sabotage a guarantee on request."""
    names = [n for n in os.environ.get(env, "").split(",") if n]
    unknown = set(names) - set(known)
    if unknown:
        raise SystemExit(f"{env}: unknown name(s) {sorted(unknown)}; known: {sorted(known)}")
    return names


class BlackHole:
    """An address that accepts connections and never answers (an identity provider gone silent); counts who came."""

    def __init__(self):
        import socket
        import threading

        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.held: list = []
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.held.append(self.server.accept()[0])
            except OSError:
                return

    def close(self):
        self.server.close()
        for held in self.held:
            held.close()

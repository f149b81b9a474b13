"""No client address in any log line, IPv6 included: uvicorn's own WebSocket lines ("<client> - "WebSocket /…"
[accepted]") are not logged, and the redaction masks IPv6 addresses with a port or in brackets."""

import asyncio
import json
import logging

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, WebSocket
from websockets.asyncio.client import connect

from relais_shared.observability import configure_logging
from relais_shared.redaction import REDACTED, scrub
from tests.support import wait_until

ADDRESSES = ("2001:db8::1:54321", "[2001:db8::1]:54321", "2001:db8::1", "[2001:db8:0:0:0:0:0:7]", "::1:60135",
             "fe80::1%eth0", "::ffff:10.1.2.3", "2001:DB8:85A3::8A2E:370:7334", "[::1]:8003")


def test_ipv6_addresses_are_masked_with_or_without_port_or_brackets():
    for address in ADDRESSES:
        masked = scrub(f"client {address} - connected")
        assert masked.startswith("client " + REDACTED), (address, masked)
        for part in ("2001", "db8", "::1", "fe80", "10.1.2.3", "54321", "60135"):
            assert part not in masked, (address, masked)


def test_what_only_looks_like_an_address_stays_readable():
    for harmless in ("at 11:18:32", "2026-11-23T11:18:32.123456+00:00", "id 3f1c0b9e-7d2a-4c1e-9a8b-2f6d5e4c3b2a",
                     "ratio 1:2:3", "a list [1:2]"):
        assert scrub(harmless) == harmless


def _free_ipv6_port() -> int:
    import socket

    with socket.socket(socket.AF_INET6) as sock:
        sock.bind(("::1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])  # DEBUG: the local overlay's level
async def test_uvicorn_websocket_and_http_lines_carry_no_client_address_nor_content(capsys, level):
    configure_logging("test", level)
    app = FastAPI()

    @app.websocket("/ws")
    async def echo(socket: WebSocket) -> None:
        await socket.accept()
        await socket.send_text(await socket.receive_text())
        await socket.close()

    @app.get("/ping")
    async def ping() -> dict:
        logging.getLogger("uvicorn.error").info("served")
        return {"ok": True}

    port = _free_ipv6_port()  # the same uvicorn options as relais_shared.serve
    server = uvicorn.Server(uvicorn.Config(app, host="::1", port=port, log_config=None, access_log=False,
                                           proxy_headers=False, lifespan="off"))
    task = asyncio.create_task(server.serve())
    try:
        assert await wait_until(lambda: server.started, 10)
        async with connect(f"ws://[::1]:{port}/ws", user_agent_header="Mozilla/5.0 (Canarina)",
                           additional_headers={"X-Forwarded-For": "2001:db8::77"}) as ws:
            client_port = ws.local_address[1]
            await ws.send("bonjour, je suis Canarina")
            assert await ws.recv() == "bonjour, je suis Canarina"
        async with httpx.AsyncClient() as client:
            assert (await client.get(f"http://[::1]:{port}/ping")).status_code == 200
    finally:
        server.should_exit = True
        await task
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert any(line["event"] == "served" for line in lines), "the logging under test did not run"
    for line in lines:
        text = json.dumps(line)
        assert "::1" not in text and str(client_port) not in text and "2001:db8" not in text, text
        assert "WebSocket /ws" not in text and "Canarina" not in text, text

"""WebSockets under abuse: frame size before JSON, frames per second, typing throttled, no compression.

Chat runs as a real process (so uvicorn is configured as in production, by relais_shared.serve); escalation's
console runs in this process (its own socket loop is what is checked there).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import uuid
from urllib.parse import urlsplit

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from relais_chat.guard import FrameLimits, Overrun, SocketGuard
from relais_chat.settings import ChatSettings
from relais_escalation.app import create_app as create_escalation
from relais_escalation.settings import EscalationSettings
from tests.chat.peers import Officer, Victim
from tests.escalation.helpers import token, write_policies
from tests.launcher import ServiceProcess
from tests.support import free_port, serving

LIMITS = {"RELAIS_CHAT_WS_FRAMES_BURST": "30", "RELAIS_CHAT_WS_FRAMES_PER_SECOND": "5",
          "RELAIS_CHAT_WS_TYPING_EVERY_SECONDS": "2", "RELAIS_CHAT_SESSIONS_PER_HOUR": "100000",
          "RELAIS_CHAT_INTAKE_URL": "http://127.0.0.1:9", "RELAIS_LOG_LEVEL": "WARNING"}
TOO_BIG = 20 * 1024  # above the sockets' 16 KiB frame limit, below the transport's ceiling


def test_the_guard_measures_before_parsing_paces_frames_and_thins_typing():
    now = [0.0]
    guard = SocketGuard(FrameLimits(max_bytes=100, burst=3, per_second=1.0, typing_every=2.0), clock=lambda: now[0])
    assert guard.admit({"text": "é" * 50}) == "é" * 50  # 100 bytes: at the limit
    with pytest.raises(Overrun) as big:
        guard.admit({"text": "é" * 51})  # 51 characters, 102 bytes: bytes are what is measured
    assert (big.value.close_code, big.value.frame["code"]) == (1009, "too_big")
    guard.admit({"bytes": b"x"})
    guard.admit({"text": "{}"})  # the third of the burst (the refused frame took none)
    with pytest.raises(Overrun) as fast:
        guard.admit({"text": "{}"})
    assert (fast.value.close_code, fast.value.frame["code"]) == (1008, "too_fast")
    now[0] = 1.0
    assert guard.admit({"text": "{}"}) == "{}"  # refilled at 1 a second
    assert guard.typing_due("a") and guard.typing_due("b") and not guard.typing_due("a")
    now[0] = 3.0
    assert guard.typing_due("a")


@pytest.fixture(scope="module")
def chat(isolated_module, tmp_path_factory):
    keys_dir = tmp_path_factory.mktemp("keys")
    port = free_port()
    env = {**isolated_module.env(ChatSettings, port), **LIMITS, "RELAIS_KEYS_DIR": str(keys_dir)}
    node = ServiceProcess("chat", env, port)
    try:
        yield node.wait_ready().url, keys_dir, isolated_module.settings(ChatSettings).keyring()
    finally:
        node.stop()


async def closed_with(peer) -> int | None:
    """The close code the server gave (the reader task ends when the socket closes)."""
    await asyncio.wait_for(peer.ws.wait_closed(), 10)
    return peer.ws.close_code


async def announce_huge_frame(base_url: str, path: str, size: int = 2 ** 20) -> int | None:
    """Open a socket by hand and send only the header of a `size`-byte frame; the server's close code, if any.

    A server that accepts the size waits for a payload that never comes; one that refuses it closes at once,
    before buffering a byte of it.
    """
    where = urlsplit(base_url)
    reader, writer = await asyncio.open_connection(where.hostname, where.port)
    try:
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET {path} HTTP/1.1\r\nHost: {where.netloc}\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        await reader.readuntil(b"\r\n\r\n")
        writer.write(bytes([0x81, 0x80 | 127]) + size.to_bytes(8, "big") + os.urandom(4))  # masked text frame
        await writer.drain()
        try:
            head = await asyncio.wait_for(reader.readexactly(2), 5)
        except (TimeoutError, asyncio.IncompleteReadError):
            return None
        body = await reader.readexactly(head[1] & 0x7F)
        return int.from_bytes(body[:2], "big") if head[0] & 0x0F == 0x8 else None
    finally:
        writer.close()


@pytest.mark.integration
@pytest.mark.e2e
async def test_the_server_refuses_huge_frames_and_compression(chat):
    url, _, _ = chat
    assert await announce_huge_frame(url, "/v1/chat/ws") == 1009
    assert await announce_huge_frame(url, "/v1/console/ws") == 1009
    # The client offers per-message deflate (a small frame that inflates to megabytes): the server declines.
    async with connect(url.replace("http://", "ws://") + "/v1/chat/ws") as socket:
        assert socket.protocol.extensions == []


@pytest.mark.integration
@pytest.mark.e2e
async def test_an_oversized_frame_gets_a_clear_error_then_1009_and_is_never_parsed(chat):
    url, keys_dir, ring = chat
    victim = await Victim.start(url, ring=ring, department="35")
    # Not even valid JSON: a server that parsed before measuring would answer "malformed" and stay open.
    await victim.send('{"type": "send", "text": "' + "x" * TOO_BIG)
    assert await closed_with(victim) == 1009
    error = next(f for f in victim.frames if f["type"] == "error")
    assert error["code"] == "too_big" and error["message"] and error["message_en"]

    stranger = Victim(url, str(uuid.uuid4()), "s" * 30)  # the hello itself is measured before it is read
    await stranger.open()
    await stranger.send(json.dumps({"type": "hello", "session_id": stranger.session_id, "secret": "s" * TOO_BIG}))
    assert await closed_with(stranger) == 1009

    officer = Officer(url, "t" * TOO_BIG)
    await officer.open()
    await officer.send({"type": "auth", "token": officer.token})
    assert await closed_with(officer) == 1009
    assert [f["code"] for f in officer.frames if f["type"] == "error"] == ["too_big"]


@pytest.mark.integration
@pytest.mark.e2e
async def test_a_flood_of_frames_is_cut_with_1008(chat):
    url, keys_dir, ring = chat
    victim = await Victim.start(url, ring=ring, department="35")
    for _ in range(100):  # far past the test node's burst of 30
        await victim.send({"type": "ack", "seq": 0})
    assert await closed_with(victim) == 1008
    assert any(f["type"] == "error" and f["code"] == "too_fast" for f in victim.frames)

    officer = await (await Officer.sign_in(url, keys_dir, departments=("35",))).ready()
    for _ in range(100):
        await officer.send({"type": "queue"})
    assert await closed_with(officer) == 1008


@pytest.mark.integration
@pytest.mark.e2e
async def test_typing_is_relayed_at_most_once_every_few_seconds(chat):
    url, keys_dir, ring = chat
    victim = await Victim.start(url, ring=ring, department="36")
    officer = await (await Officer.sign_in(url, keys_dir, departments=("36",))).ready()
    await officer.send({"type": "claim", "session_id": victim.session_id})
    await officer.wait_for(lambda f: f["type"] == "session" and f["session_id"] == victim.session_id)
    for _ in range(10):
        await victim.send({"type": "typing"})
        await officer.send({"type": "typing", "session_id": victim.session_id})
    # A read mark travels the same live route after the typing frames: once it is there, they are too.
    await victim.send({"type": "ack", "seq": 1})
    await officer.wait_for(lambda f: f["type"] == "read")
    await victim.wait_for(lambda f: f["type"] == "typing")
    await asyncio.sleep(0.3)
    # At most one each way (a live signal lost while the broker restarts is allowed to be lost): not ten.
    assert len([f for f in officer.frames if f["type"] == "typing"]) <= 1
    assert len([f for f in victim.frames if f["type"] == "typing"]) == 1
    await victim.send({"type": "send", "client_id": uuid.uuid4().hex, "text": "toujours là"})
    await officer.wait_for(lambda f: f["type"] == "message" and f["author"] == "victim")  # still open
    for peer in (victim, officer):
        await peer.close()


@pytest.fixture
async def escalation_url(isolated, tmp_path):
    settings = isolated.settings(EscalationSettings, keys_dir=str(tmp_path), policies_path=write_policies(tmp_path),
                                 routing_url=f"http://127.0.0.1:{free_port()}", feed_poll_seconds=0.5)
    async with serving(create_escalation(settings)) as url:
        yield url, settings


@pytest.mark.integration
async def test_the_dispatch_console_measures_frames_and_cuts_floods(escalation_url):
    url, settings = escalation_url
    ws_url = url.replace("http://", "ws://") + "/v1/console/ws"
    async with connect(ws_url) as socket:
        await socket.send(json.dumps({"type": "auth", "token": "t" * TOO_BIG}))
        error = json.loads(await asyncio.wait_for(socket.recv(), 10))
        await asyncio.wait_for(socket.wait_closed(), 10)
    assert error["type"] == "error" and error["code"] == "too_big" and socket.close_code == 1009

    received = []
    async with connect(ws_url) as socket:
        await socket.send(json.dumps({"type": "auth", "token": token(settings)}))
        with contextlib.suppress(ConnectionClosed):
            for _ in range(100):  # a heartbeat every 5 seconds is the page's pace
                await socket.send(json.dumps({"type": "heartbeat"}))
            while True:
                received.append(json.loads(await asyncio.wait_for(socket.recv(), 10)))
    assert socket.close_code == 1008
    assert [m.get("code") for m in received if m["type"] == "error"] == ["too_fast"]

"""Real WebSocket clients for the chat tests: a victim and an officer, each keeping every frame it got."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from datetime import datetime
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

from relais_chat.settings import ChatSettings
from relais_shared import tickets
from relais_shared.contracts import Jurisdiction
from relais_shared.crypto import Keyring
from relais_shared.identity import Operator
from relais_shared.operator_keys import mint_token


def default_ring() -> Keyring:
    """The keyring a chat process of these tests uses (the settings' data keys, as the environment gives them)."""
    return ChatSettings().keyring()


def ticket(ring: Keyring | None = None, *, report_id: uuid.UUID | None = None, category: str = "sexist_harassment",
           level: str = "blue", danger_level: str = "standard", force: str | None = "GN", department: str = "35",
           operational_centre: str | None = None, insee: str | None = None, lang: str = "fr",
           triage: bool = False, now: datetime | None = None) -> str:
    """A chat ticket as intake seals it; `triage` for a case routing could not place (no jurisdiction)."""
    where = None if triage or force is None else Jurisdiction(
        force=force, department=department, operational_centre=operational_centre, insee=insee)
    return tickets.issue(ring or default_ring(), report_id=report_id or uuid.uuid4(), category=category, level=level,
                         danger_level=danger_level, jurisdiction=where, lang=lang, now=now)


class Peer:
    """One socket; a reader task appends every frame to `frames` in arrival order."""

    def __init__(self, base_url: str, path: str):
        self.ws_url = base_url.replace("http://", "ws://") + path
        self.frames: list[dict] = []
        self.ws = None
        self._reader: asyncio.Task | None = None

    async def open(self) -> None:
        self.ws = await connect(self.ws_url, max_size=2 ** 22)
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.ws:
                self.frames.append(json.loads(raw))

    async def send(self, frame: dict | str | bytes) -> None:
        await self.ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))

    async def wait_for(self, predicate, timeout: float = 15.0, start: int = 0) -> dict:
        """The first frame (from index `start`) matching `predicate`; fails with what arrived otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for frame in self.frames[start:]:
                if predicate(frame):
                    return frame
            await asyncio.sleep(0.02)
        raise AssertionError(f"no matching frame in {timeout}s; got {self.frames[-10:]}")

    def messages(self, session_id: str | None = None) -> list[dict]:
        return [f for f in self.frames if f["type"] == "message"
                and (session_id is None or f["session_id"] == session_id)]

    async def drop(self) -> None:
        """Cut the TCP connection without a closing handshake (a phone losing its signal)."""
        self.ws.transport.abort()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)


class Victim(Peer):
    def __init__(self, base_url: str, session_id: str, secret: str):
        super().__init__(base_url, "/v1/chat/ws")
        self.session_id, self.secret = session_id, secret
        self.written: dict[str, str] = {}  # client id -> text, as the page keeps them until echoed

    @classmethod
    async def start(cls, base_url: str, *, ring: Keyring | None = None, **case) -> Victim:
        """Open a conversation as intake's page does: with a ticket sealed for the case (see `ticket`)."""
        async with httpx.AsyncClient() as client:
            answer = await client.post(base_url + "/v1/sessions", json={"ticket": ticket(ring, **case)})
        assert answer.status_code in (200, 201), answer.text
        victim = cls(base_url, answer.json()["session_id"], answer.json()["secret"])
        await victim.join()
        return victim

    async def join(self, last_seq: int = 0) -> None:
        await self.open()
        await self.send({"type": "hello", "session_id": self.session_id, "secret": self.secret, "last_seq": last_seq})
        await self.wait_for(lambda f: f["type"] == "status", start=len(self.frames) - 1 if self.frames else 0)

    async def write(self, text: str, client_id: str | None = None, *, offline: bool = False) -> str:
        client_id = client_id or uuid.uuid4().hex
        self.written[client_id] = text
        if not offline:
            await self.send({"type": "send", "client_id": client_id, "text": text})
        return client_id

    def unconfirmed(self) -> dict[str, str]:
        echoed = {m["client_id"] for m in self.messages()}
        return {cid: text for cid, text in self.written.items() if cid not in echoed}

    def last_seq(self) -> int:
        return max((m["seq"] for m in self.messages()), default=0)

    async def moved_to(self, base_url: str) -> None:
        """Reconnect (to any node) from the last seq seen, as the page does."""
        self.ws_url = base_url.replace("http://", "ws://") + "/v1/chat/ws"
        await self.join(self.last_seq())
        for client_id, text in self.unconfirmed().items():  # the page resends what it never saw echoed
            await self.send({"type": "send", "client_id": client_id, "text": text})


class Officer(Peer):
    def __init__(self, base_url: str, token: str):
        super().__init__(base_url, "/v1/console/ws")
        self.token = token

    @classmethod
    async def sign_in(cls, base_url: str, keys_dir: Path, *, sub: str | None = None, force: str = "GN",
                      departments: tuple[str, ...] = ("*",), orange: bool = True, alias: str | None = None,
                      roles: frozenset = frozenset({"chat_operator"})) -> Officer:
        sub = sub or f"officer-{uuid.uuid4().hex[:8]}"
        operator = Operator(sub=sub, alias=alias or f"Agent {sub[-4:]}", force=force, departments=departments,
                            roles=roles, orange_clearance=orange)
        officer = cls(base_url, mint_token(keys_dir, operator, issuer="relais-local", audience="relais"))
        officer.operator = operator
        await officer.open()
        await officer.send({"type": "auth", "token": officer.token})
        return officer

    async def ready(self) -> Officer:
        """Signed in and the first queue received (it follows the hello), so `queue()` never races it."""
        await self.wait_for(lambda f: f["type"] == "hello")
        await self.wait_for(lambda f: f["type"] == "queue")
        return self

    async def reply(self, session_id: str, text: str) -> str:
        client_id = uuid.uuid4().hex
        await self.send({"type": "send", "session_id": session_id, "client_id": client_id, "text": text})
        return client_id

    def queue(self) -> list[dict]:
        return [f for f in self.frames if f["type"] == "queue"][-1]["items"]

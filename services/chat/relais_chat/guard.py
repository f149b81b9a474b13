"""Per-socket limits, checked before a frame is parsed: its size, then the pace; typing relayed sparingly."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import WebSocketDisconnect

from relais_chat.rules import TokenBucket

# Limits a socket breaks only by abuse: the page never sends such frames. French first, English available.
OVERRUNS = {
    "too_big": (1009, "Ce message est trop volumineux pour être lu ({limit} octets au plus).",
                "This frame is too large to be read ({limit} bytes at most)."),
    "too_fast": (1008, "Trop de messages en trop peu de temps : la connexion est interrompue.",
                 "Too many frames in too little time: the connection is closed."),
}


class Overrun(Exception):
    """A socket broke a limit: it gets `frame` (why), then is closed with `close_code`."""

    def __init__(self, code: str, limit: int):
        super().__init__(code)
        close_code, french, english = OVERRUNS[code]
        self.close_code = close_code
        self.frame = {"type": "error", "code": code, "message": french.format(limit=limit),
                      "message_en": english.format(limit=limit)}


@dataclass(frozen=True)
class FrameLimits:
    max_bytes: int
    burst: int
    per_second: float
    typing_every: float


class SocketGuard:
    """One socket's limits, checked before anything parses a frame: its size, then the pace of frames."""

    def __init__(self, limits: FrameLimits, clock: Callable[[], float] = time.monotonic):
        self.limits, self._clock = limits, clock
        self._bucket = TokenBucket(limits.burst, limits.per_second, clock())
        self._typing: dict[object, float] = {}

    def admit(self, message: dict) -> str | bytes | None:
        """The frame's data, once it is small enough and the socket within its pace; else Overrun."""
        raw = message.get("text")
        if raw is None:
            raw = message.get("bytes")
        if raw is not None and _too_big(raw, self.limits.max_bytes):
            raise Overrun("too_big", self.limits.max_bytes)
        if not self._bucket.take(self._clock()):
            raise Overrun("too_fast", self.limits.max_bytes)
        return raw

    def typing_due(self, key: object = None) -> bool:
        """Whether to relay this typing signal: one every `typing_every` seconds (per conversation) is enough."""
        now, last = self._clock(), self._typing.get(key)
        if last is not None and now - last < self.limits.typing_every:
            return False
        self._typing[key] = now
        return True


async def receive(socket, guard: SocketGuard) -> str | bytes | None:
    """The next frame's data from a live.Socket, measured and paced by `guard` before anything parses it.

    A socket past a limit is told why, then closed (1009 too big, 1008 too fast): it ends like a disconnect.
    """
    message = await socket.websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    try:
        return guard.admit(message)
    except Overrun as overrun:
        await socket.send(overrun.frame)
        await socket.close(overrun.close_code)
        raise WebSocketDisconnect(overrun.close_code) from overrun


def guard_for(settings) -> SocketGuard:
    """A new socket's guard, from the chat settings."""
    return SocketGuard(FrameLimits(settings.ws_max_frame_bytes, settings.ws_frames_burst,
                                   settings.ws_frames_per_second, settings.ws_typing_every_seconds))


def _too_big(raw: str | bytes, limit: int) -> bool:
    if isinstance(raw, str):
        # A character is at least one byte: a long text is refused before it is ever encoded.
        return len(raw) > limit or len(raw.encode("utf-8", "surrogatepass")) > limit
    return len(raw) > limit

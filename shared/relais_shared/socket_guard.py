"""Per-socket limits for every WebSocket: checked before a frame is parsed, its size, then the pace of frames;
typing signals relayed sparingly. Chat's and the dispatch console's sockets use the same guard."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from relais_shared.api_errors import error_frame
from relais_shared.bilingual import Bilingual

# Limits a socket breaks only by abuse: the page never sends such frames. French first, English available.
OVERRUNS = {
    "too_big": (1009, Bilingual(fr="Ce message est trop volumineux pour être lu ({limit} octets au plus).",
                                en="This frame is too large to be read ({limit} bytes at most).")),
    "too_fast": (1008, Bilingual(fr="Trop de messages en trop peu de temps : la connexion est interrompue.",
                                 en="Too many frames in too little time: the connection is closed.")),
}


class TokenBucket:
    """Flood limit: `burst` messages at once, refilled at `rate` per second."""

    def __init__(self, burst: int, rate: float, now: float):
        self.burst, self.rate = burst, rate
        self.tokens, self.updated = float(burst), now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Overrun(Exception):
    """A socket broke a limit: it gets `frame` (why), then is closed with `close_code`."""

    def __init__(self, code: str, limit: int):
        super().__init__(code)
        self.close_code, text = OVERRUNS[code]
        self.frame = error_frame(code, text.format(limit=limit))


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

    def admit(self, message: dict[str, Any]) -> str | bytes | None:
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


def _too_big(raw: str | bytes, limit: int) -> bool:
    if isinstance(raw, str):
        # A character is at least one byte: a long text is refused before it is ever encoded.
        return len(raw) > limit or len(raw.encode("utf-8", "surrogatepass")) > limit
    return len(raw) > limit

"""A LISTEN connection that wakes a background loop on NOTIFY; reconnected lazily, dropped on any error."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg


class Wakeup:
    def __init__(self, dsn: str, channel: str):
        self.dsn, self.channel = dsn, channel
        self.event = asyncio.Event()
        self._listener: asyncpg.Connection | None = None

    async def ensure(self) -> None:
        if self._listener is not None and not self._listener.is_closed():
            return
        self._listener = await asyncpg.connect(self.dsn, timeout=10)
        await self._listener.add_listener(self.channel, lambda *_: self.event.set())

    async def wait(self, seconds: float) -> None:
        """Until a NOTIFY or `seconds`, whichever comes first; then ready for the next one."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.event.wait(), seconds)
        self.event.clear()

    async def drop(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.close(timeout=1)
        self._listener = None

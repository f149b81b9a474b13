"""A LISTEN connection that wakes a background loop on NOTIFY; reconnected lazily, dropped on any error."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import structlog

log = structlog.get_logger(__name__)


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


class NotifyDrivenWorker:
    """Work a table until nothing is due, sleep until the next due row or a NOTIFY, repeat; never die.

    Subclasses say what one batch is (`once`, returning how many rows it took) and when the next row is due;
    the rows wait in the table through any outage, so an error only delays them.
    """

    batch: int
    max_backoff: float
    error_event: str

    def __init__(self, dsn: str, channel: str):
        self._wakeup = Wakeup(dsn, channel)

    async def once(self) -> int:
        raise NotImplementedError

    async def _seconds_to_next(self) -> float:
        raise NotImplementedError

    async def run(self) -> None:
        backoff = 0.2
        while True:
            try:
                await self._wakeup.ensure()
                self._wakeup.event.clear()
                while await self.once() == self.batch:
                    pass
                await self._wakeup.wait(await self._seconds_to_next())
                backoff = 0.2
            except asyncio.CancelledError:
                await self._wakeup.drop()
                raise
            except Exception as exc:  # noqa: BLE001 - keep the loop alive; the due rows wait in the table
                log.warning(self.error_event, error=type(exc).__name__)
                await self._wakeup.drop()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)

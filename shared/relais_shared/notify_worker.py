"""A background worker woken by PostgreSQL NOTIFY or by a timer, whichever comes first.

The work waits in tables (outbox rows, deadlines, lookups, imported files): a NOTIFY only says "look now", so one
lost while the listening connection was down delays the work until the next timer, it never loses it.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import structlog

log = structlog.get_logger(__name__)
FIRST_BACKOFF_SECONDS = 0.2


class Wakeup:
    """A LISTEN connection that sets `event` on NOTIFY; connected lazily, dropped on any error."""

    def __init__(self, dsn: str, channel: str):
        self.dsn, self.channel = dsn, channel
        self.event = asyncio.Event()
        self._listener: asyncpg.Connection | None = None

    @property
    def listening(self) -> bool:
        return self._listener is not None and not self._listener.is_closed()

    async def ensure(self) -> None:
        if self.listening:
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
    """Work until nothing is left, sleep until the next due row or a NOTIFY, repeat; never die, stop cleanly.

    Subclasses say what one batch is (`once`, returning how many rows it took: a full `batch` means more may be
    waiting) and how long to sleep when idle (`idle_seconds`). An error (the database restarting, the broker
    gone) drops the listening connection and retries with a growing pause: the rows wait in their table.
    """

    batch: int = 1
    max_backoff: float = 5.0
    error_event: str = "worker.failed"

    def __init__(self, dsn: str, channel: str):
        self._wakeup = Wakeup(dsn, channel)
        self._stopping = False

    async def once(self) -> int:
        raise NotImplementedError

    async def idle_seconds(self) -> float:
        raise NotImplementedError

    def failed(self, exc: Exception) -> None:
        """Say that a round failed (the error's type only: its text may quote data)."""
        log.warning(self.error_event, error=type(exc).__name__)

    async def run(self) -> None:
        backoff = FIRST_BACKOFF_SECONDS
        try:
            while not self._stopping:
                try:
                    await self._wakeup.ensure()
                    self._wakeup.event.clear()  # what the NOTIFYs said so far, this round reads anyway
                    while await self.once() >= self.batch and not self._stopping:
                        pass
                    await self._wakeup.wait(await self.idle_seconds())
                    backoff = FIRST_BACKOFF_SECONDS
                except Exception as exc:  # noqa: BLE001 - keep the loop alive; the work waits in its table
                    self.failed(exc)
                    await self._wakeup.drop()
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, self.max_backoff)
        finally:
            await self._wakeup.drop()

    async def stop(self) -> None:
        """End `run` after the batch in hand (cancelling its task ends it at once, just as cleanly)."""
        self._stopping = True
        self._wakeup.event.set()
        await self._wakeup.drop()

"""Dropping a test's databases after it, off the test's path.

PostgreSQL forces a checkpoint for every DROP DATABASE: with the suite writing all the while, that takes most of
a second, which the next test need not wait for. Each test's databases are handed to a worker thread that drops
them one after the other; the session waits for the last before it ends, so none is left behind.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Iterable

import asyncpg


async def drop_databases(server_url: str, names: Iterable[str]) -> None:
    """Drop these databases, even with connections left open (a killed service's)."""
    admin = await asyncpg.connect(server_url + "postgres", timeout=10)
    try:
        for name in names:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


class BackgroundDrops:
    """Drops handed-over databases on a worker thread; `finish` waits for them and reports any failure."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self._worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-drops")
        self._pending: list[concurrent.futures.Future] = []

    def drop(self, names: Iterable[str]) -> None:
        names = sorted(names)
        # Only failures are kept, to report them at the end.
        self._pending = [f for f in self._pending if not f.done() or f.exception() is not None]
        if names:
            self._pending.append(self._worker.submit(asyncio.run, drop_databases(self.server_url, names)))

    def finish(self) -> None:
        self._worker.shutdown(wait=True)
        failures = [f.exception() for f in self._pending if f.exception() is not None]
        if failures:
            raise RuntimeError(f"{len(failures)} test database drop(s) failed") from failures[0]

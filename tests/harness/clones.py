"""Each test's service databases, copied from the migrated templates (tests/harness/templates.py).

A copy still costs a CREATE DATABASE, most of a second when the machine is busy. So after a test takes one, the
next copy of that service's template is made on a worker thread while tests run (a spare), and the next test
that needs one only renames it. Without a spare ready (a service's first test, or several at once) the copy is
made there and then.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from relais_shared.db_roles import grant_runtime_role, runtime_role
from tests.harness.templates import (
    STALE_AFTER_SECONDS,
    copy_template,
    drop_database,
    ensure_template,
    quoted,
    template_name,
)

T = TypeVar("T")
# A spare's name dates it, so that a later session can drop those an interrupted one left.
SPARE = re.compile(r"^relais_spare_(\d+)_[0-9a-f]+$")


class ServiceDatabases:
    """This session's copies of the services' templates, each template checked (or built) on first use."""

    def __init__(self, server_url: str):
        self.server_url = server_url  # without a database name
        self.checked: set[str] = set()
        self.spares: dict[str, concurrent.futures.Future] = {}  # service -> the name of its spare, once made
        self._now = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-copies")
        self._ahead = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-spares")

    def create(self, service: str, database: str) -> bool:
        """Create `database` as a copy of the service's template; False when the service has none."""
        template = template_name(service)
        if template is None:
            return False
        spare = self._take_spare(service)
        self._blocking(lambda: self._create(service, template, database, spare))
        self.spares[service] = self._ahead.submit(asyncio.run, self._make_spare(service, template))
        return True

    def close(self) -> None:
        """Drop the spares left unused, and stop the workers."""
        unused = [self._take_spare(service) for service in list(self.spares)]
        self._blocking(lambda: self._drop([name for name in unused if name]))
        self._ahead.shutdown()
        self._now.shutdown()

    def _take_spare(self, service: str) -> str | None:
        made = self.spares.pop(service, None)
        if made is None:
            return None
        try:
            return made.result()  # one still being made was started before a copy made now would be: wait
        except Exception:  # noqa: BLE001 - no spare: the copy is made now, and its failure shows there
            return None

    def _blocking(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run on a worker thread's own event loop: settings are built synchronously, in or out of a loop."""
        return self._now.submit(lambda: asyncio.run(work())).result()

    async def _create(self, service: str, template: str, database: str, spare: str | None) -> None:
        admin = await asyncpg.connect(self.server_url + "postgres", timeout=10)
        try:
            if spare is not None:
                await admin.execute(f"ALTER DATABASE {quoted(spare)} RENAME TO {quoted(database)}")
            else:
                await self._copy(admin, service, template, database)
            await self._grant_existing_role(admin, database)
        finally:
            await admin.close()

    async def _make_spare(self, service: str, template: str) -> str:
        name = f"relais_spare_{time.time():.0f}_{uuid.uuid4().hex[:12]}"
        admin = await asyncpg.connect(self.server_url + "postgres", timeout=10)
        try:
            await self._copy(admin, service, template, name)
        finally:
            await admin.close()
        return name

    async def _copy(self, admin: asyncpg.Connection, service: str, template: str, database: str) -> None:
        if template not in self.checked:
            await ensure_template(admin, self.server_url, service, template)
            await self._drop_stale_spares(admin)
            self.checked.add(template)
        try:
            await copy_template(admin, service, template, database)
        except asyncpg.InvalidCatalogNameError:  # dropped meanwhile by a session of other migrations
            await ensure_template(admin, self.server_url, service, template)
            await copy_template(admin, service, template, database)

    async def _drop(self, names: list[str]) -> None:
        admin = await asyncpg.connect(self.server_url + "postgres", timeout=10)
        try:
            for name in names:
                await drop_database(admin, name)
        finally:
            await admin.close()

    @staticmethod
    async def _drop_stale_spares(admin: asyncpg.Connection) -> None:
        for name in await admin.fetchval("SELECT array_agg(datname) FROM pg_database") or []:
            made = SPARE.match(name)
            if made and time.time() - int(made.group(1)) > STALE_AFTER_SECONDS:
                await drop_database(admin, name)

    async def _grant_existing_role(self, admin: asyncpg.Connection, database: str) -> None:
        """A copy carries no grant to its own `<database>_app`: give them when that role already exists.

        A migration would have (relais_shared.db_roles); a role created after the copy gets them from
        `migrate_as_owner`, which grants even with nothing to apply, as in production.
        """
        if await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", runtime_role(database)):
            conn = await asyncpg.connect(self.server_url + database, timeout=10)
            try:
                await grant_runtime_role(conn)
            finally:
                await conn.close()

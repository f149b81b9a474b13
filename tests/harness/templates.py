"""Migrated template databases, one per service and per version of its migrations.

A service creates and migrates its database when it starts (relais_shared.runtime). Done for every test, that
is much of an integration test's database work. Instead the harness migrates a template per service and per
version of its migrations, `relais_tpl_<service>_<digest>`, once (kept between sessions while the migrations
are unchanged), and each test's database is a copy of it (CREATE DATABASE … TEMPLATE): the service finds every
migration applied and applies nothing.

Test sessions may run side by side against one server: a template is built, and stale ones of its service
dropped, under an exclusive advisory lock; copies are made under the shared one.
"""

from __future__ import annotations

import functools
import hashlib
import time

import asyncpg

from relais_shared.db import apply_migrations
from relais_shared.runtime import service_migrations

LOCK_CLASS = 0x52454C54  # "RELT": with hashtext(service), the advisory lock of one service's templates
PREFIX = "relais_tpl_"
STALE_AFTER_SECONDS = 3600  # a session of other code may still be copying a template of another digest


@functools.cache  # the migrations do not change during a session
def template_name(service: str) -> str | None:
    """The template for this service's current migrations; None for a test's own made-up service."""
    try:
        migrations = service_migrations(service)
    except ModuleNotFoundError:
        return None
    digest = hashlib.sha256()
    for m in migrations:
        digest.update(f"{m.component}/{m.name}\0{m.sql}\0".encode())
    return f"{PREFIX}{service}_{digest.hexdigest()[:16]}"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def copy_template(admin: asyncpg.Connection, service: str, template: str, database: str) -> None:
    """CREATE DATABASE … TEMPLATE; raises InvalidCatalogNameError when the template is missing."""
    await admin.execute("SELECT pg_advisory_lock_shared($1, hashtext($2))", LOCK_CLASS, service)
    try:
        await admin.execute(f"CREATE DATABASE {quoted(database)} TEMPLATE {quoted(template)}")
    finally:
        await admin.execute("SELECT pg_advisory_unlock_shared($1, hashtext($2))", LOCK_CLASS, service)


async def ensure_template(admin: asyncpg.Connection, server_url: str, service: str, template: str) -> None:
    """Build the template unless a finished one is there; drop this service's stale templates."""
    await admin.execute("SELECT pg_advisory_lock($1, hashtext($2))", LOCK_CLASS, service)
    try:
        finished = await admin.fetchval("SELECT datistemplate FROM pg_database WHERE datname = $1", template)
        if not finished:  # missing, or left half-built by an interrupted session
            await drop_database(admin, template)
            await _build(admin, server_url, service, template)
        await _drop_stale(admin, service, keep=template)
    finally:
        await admin.execute("SELECT pg_advisory_unlock($1, hashtext($2))", LOCK_CLASS, service)


async def _build(admin: asyncpg.Connection, server_url: str, service: str, template: str) -> None:
    await admin.execute(f"CREATE DATABASE {quoted(template)}")
    conn = await asyncpg.connect(server_url + template, timeout=10)
    try:
        await apply_migrations(conn, service_migrations(service))
    finally:
        await conn.close()
    # Dated in its comment, so that a later session can tell a stale one; finished (IS_TEMPLATE) last.
    await admin.execute(f"COMMENT ON DATABASE {quoted(template)} IS 'relais test template {time.time():.0f}'")
    await admin.execute(f"ALTER DATABASE {quoted(template)} IS_TEMPLATE true")  # finished: marked last


async def _drop_stale(admin: asyncpg.Connection, service: str, keep: str) -> None:
    """Drop this service's other templates built more than STALE_AFTER_SECONDS ago (or never finished)."""
    rows = await admin.fetch("SELECT datname, shobj_description(oid, 'pg_database') AS note FROM pg_database "
                             "WHERE datname LIKE $1 AND datname <> $2", f"{PREFIX}{service}\\_%", keep)
    for row in rows:
        built = (row["note"] or "").rsplit(" ", 1)[-1]
        if not built.isdigit() or time.time() - int(built) > STALE_AFTER_SECONDS:
            await drop_database(admin, row["datname"])


async def drop_database(admin: asyncpg.Connection, name: str) -> None:
    if await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
        await admin.execute(f"ALTER DATABASE {quoted(name)} IS_TEMPLATE false")
        await admin.execute(f"DROP DATABASE {quoted(name)} WITH (FORCE)")

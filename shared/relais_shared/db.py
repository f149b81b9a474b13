"""PostgreSQL access: pool creation, database creation when missing, numbered plain-SQL migrations."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import structlog
from asyncpg.pool import PoolConnectionProxy

from relais_shared.db_roles import ensure_runtime_role, grant_runtime_role

log = structlog.get_logger(__name__)
# What a query runs on: a connection of its own or one a pool lends (`async with pool.acquire() as conn`).
# They take the same calls; asyncpg's type stubs tell them apart.
Connection = asyncpg.Connection | PoolConnectionProxy
MIGRATION_FILE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
MIGRATION_LOCK = 0x52454C41  # "RELA": one advisory lock key for every migration run


@dataclass(frozen=True)
class Migration:
    component: str
    version: int
    name: str
    sql: str


def load_migrations(component: str, package: str) -> list[Migration]:
    """Read `NNN_name.sql` files of a package, in order; anything else in the folder is ignored."""
    found = []
    for entry in resources.files(package).iterdir():
        match = MIGRATION_FILE.match(entry.name)
        if match:
            found.append(Migration(component, int(match.group(1)), entry.name, entry.read_text("utf-8")))
    versions = [m.version for m in found]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"{package}: two migrations share a number")
    return sorted(found, key=lambda m: m.version)


async def ensure_database(url: str) -> None:
    """Create the database named in `url` when it is missing and the role is allowed to."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        return
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        conn = await asyncpg.connect(admin_url, timeout=10)
    except (OSError, asyncpg.PostgresError) as exc:
        log.warning("database.admin_unreachable", error=type(exc).__name__)
        return
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            quoted = '"' + name.replace('"', '""') + '"'
            await conn.execute(f"CREATE DATABASE {quoted}")
            log.info("database.created", database=name)
    except (asyncpg.DuplicateDatabaseError, asyncpg.InsufficientPrivilegeError):
        pass
    finally:
        await conn.close()


async def apply_migrations(conn: asyncpg.Connection, migrations: list[Migration]) -> list[str]:
    """Apply pending migrations, each in its own transaction, under one advisory lock."""
    applied = []
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        # Checked first: the service's own runtime role may not create tables, even IF NOT EXISTS.
        if await conn.fetchval("SELECT to_regclass('schema_migrations')") is None:
            await conn.execute(
                """CREATE TABLE schema_migrations (
                       component text NOT NULL, version int NOT NULL, name text NOT NULL,
                       applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (component, version))"""
            )
        rows = await conn.fetch("SELECT component, version FROM schema_migrations")
        done = {(r["component"], r["version"]) for r in rows}
        for migration in migrations:
            if (migration.component, migration.version) in done:
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)",
                    migration.component, migration.version, migration.name,
                )
            applied.append(f"{migration.component}/{migration.name}")
            log.info("database.migrated", migration=migration.name, component=migration.component)
        if applied:
            await grant_runtime_role(conn)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
    return applied


async def migrate(url: str, migrations: list[Migration]) -> list[str]:
    """Create the database if needed and bring its schema up to date."""
    await ensure_database(url)
    conn = await asyncpg.connect(url, timeout=10)
    try:
        return await apply_migrations(conn, migrations)
    finally:
        await conn.close()


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """An asyncpg pool whose connections decode json/jsonb to Python objects."""
    return await asyncpg.create_pool(url, min_size=min_size, max_size=max_size, init=_init_connection, timeout=10)


async def connect(url: str) -> asyncpg.Connection:
    """A single connection with the same codecs as the pool's (for commands and tests)."""
    conn = await asyncpg.connect(url, timeout=10)
    await _init_connection(conn)
    return conn


async def _init_connection(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def migrate_as_owner(url: str, service: str, runtime_password: str | None) -> list[str]:
    """Migrate as the database's owner; with a password, create the service's runtime role first."""
    from relais_shared.runtime import service_migrations

    await ensure_database(url)
    conn = await asyncpg.connect(url, timeout=10)
    try:
        if runtime_password:
            await ensure_runtime_role(conn, runtime_password)
        applied = await apply_migrations(conn, service_migrations(service))
        await grant_runtime_role(conn)  # also when nothing was pending: the role may be new
        return applied
    finally:
        await conn.close()

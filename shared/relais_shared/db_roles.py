"""The role a service runs as: it reads and writes its tables, never alters them, and only adds to its audit log.

Migrations run as the database's owner (the administrator in development and the tests, the service's owner
role in an init container on Kubernetes, a one-shot container in docker-compose). The service itself connects as
`<database>_app`, which owns nothing: it cannot drop the audit log's trigger, nor update, delete or truncate
audit rows, nor change the schema. Where no such role exists (development, tests), nothing changes.
"""

from __future__ import annotations

import asyncpg

# Run by the owner after every migration, so tables added by later migrations are covered too.
GRANTS = """
DO $grants$
DECLARE app text := current_database() || '_app';
BEGIN
    IF current_user = app OR NOT EXISTS (SELECT FROM pg_roles WHERE rolname = app) THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), app);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO %I', app);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app);
    -- The audit log takes rows and shows them (the audit views); the migration history is the owner's.
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM %I', app);
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM %I', app);
END
$grants$;
"""


def runtime_role(database: str) -> str:
    return f"{database}_app"


async def grant_runtime_role(conn: asyncpg.Connection) -> None:
    """Give `<database>_app`, when it exists, what the running service needs and nothing more."""
    await conn.execute(GRANTS)


async def ensure_runtime_role(conn: asyncpg.Connection, password: str) -> str:
    """Create (or set the password of) this database's runtime role: a login that owns nothing."""
    role = runtime_role(await conn.fetchval("SELECT current_database()"))
    quoted = '"' + role.replace('"', '""') + '"'
    verb = "ALTER" if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role) else "CREATE"
    # Utility statements take no parameters: the password is quoted by the server's own quote_literal.
    literal = await conn.fetchval("SELECT quote_literal($1)", password)
    await conn.execute(f"{verb} ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT "
                       f"PASSWORD {literal}")
    return role

"""The audit log against its own service: the role a service runs as may add rows and read them, nothing else,
and every row also leaves the database as a log line (the sink a compromised service cannot rewrite).

The database is migrated as its owner (here the test server's administrator, as in development); the service
runs as `<database>_app`, as on Kubernetes and in docker-compose.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit

import asyncpg
import pytest

from relais_shared import audit
from relais_shared.db import apply_migrations, connect, load_migrations, migrate, migrate_as_owner
from relais_shared.db_roles import runtime_role
from relais_shared.identity import Operator
from relais_shared.observability import configure_logging
from tests.shared.probe import ProducerSettings

pytestmark = pytest.mark.integration
AUDITOR = Operator(sub="auditrice-35", alias="Capitaine Lebrun", force="GN", departments=("35",),
                   roles=frozenset({"auditor", "supervisor"}))


def shared_migrations():
    return load_migrations("shared", "relais_shared.migrations")


def as_role(url: str, role: str, password: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=f"{role}:{password}@{parts.hostname}:{parts.port or 5432}").geturl()


@pytest.fixture
async def service(isolated):
    """(owner's URL, the runtime role's URL) of a migrated database whose service runs as `<database>_app`."""
    url = isolated.settings(ProducerSettings).service_database_url
    role, password = runtime_role(urlsplit(url).path.lstrip("/")), uuid.uuid4().hex
    admin = await asyncpg.connect(isolated.servers.database_url + "postgres")
    try:
        await admin.execute(f'CREATE ROLE "{role}" LOGIN PASSWORD \'{password}\'')
        await migrate(url, shared_migrations())  # as the owner: the grants follow the migrations
        yield url, as_role(url, role, password)
    finally:
        owner = await asyncpg.connect(url)
        try:  # the role's privileges live in the database; drop them before the role
            await owner.execute(f'DROP OWNED BY "{role}"')
        finally:
            await owner.close()
        await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        await admin.close()


async def test_the_service_role_adds_and_reads_audit_rows(service):
    _, app_url = service
    conn = await connect(app_url)
    try:
        await audit.record(conn, AUDITOR, "report.read", "report", "r-1", reason="appel de suivi")
        assert [r["object_id"] for r in await audit.query(conn)] == ["r-1"]
    finally:
        await conn.close()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET actor_alias = 'personne'",
    "DELETE FROM audit_log",
    "TRUNCATE audit_log",
    "DROP TRIGGER audit_log_no_change ON audit_log",
    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
    "DROP TABLE audit_log",
    "ALTER TABLE audit_log RENAME TO audit_log_old",
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
    "DELETE FROM schema_migrations",
    "CREATE TABLE audit_log_copy (id int)",
], ids=lambda statement: " ".join(statement.split()[:3]))
async def test_the_service_role_cannot_rewrite_its_history(service, statement):
    _, app_url = service
    conn = await connect(app_url)
    try:
        await audit.record(conn, AUDITOR, "report.read", "report", "r-1")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(statement)
        assert await conn.fetchval("SELECT count(*) FROM audit_log") == 1
    finally:
        await conn.close()


async def test_the_service_role_still_does_its_own_work(service):
    """Its tables (here the outbox and the purge log) stay fully its own to read and write."""
    _, app_url = service
    conn = await connect(app_url)
    try:
        await conn.execute("INSERT INTO outbox (event_id, event_type, body) VALUES (gen_random_uuid(), 't', '{}')")
        await conn.execute("UPDATE outbox SET published_at = now()")
        await conn.execute("DELETE FROM outbox WHERE published_at IS NOT NULL")
        await conn.execute("INSERT INTO purge_log (rule, affected) VALUES ('r', 1)")
        # At start the service migrates too: with nothing pending it needs no right to change the schema.
        assert await apply_migrations(conn, shared_migrations()) == []
    finally:
        await conn.close()


async def test_every_audit_row_reaches_the_sink_without_its_free_text(service, capsys):
    _, app_url = service
    configure_logging("audit-test")
    conn = await connect(app_url)
    try:
        await audit.record(conn, AUDITOR, "report.read", "report", "r-1", reason="appel de suivi Mme Martin")
        await audit.record(conn, AUDITOR, "report.level_raised", "report", "r-2", details={"to": "orange", "a": [1]})
        async with conn.transaction():
            await audit.record(conn, AUDITOR, "audit.read", "audit_log", "*", details={"since": "2026-01-01"})
        rows = await audit.query(conn)
    finally:
        await conn.close()
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    shipped = {line["audit_id"]: line for line in lines if line.get("event") == "audit.row"}
    assert len(rows) == 3
    for row in rows:  # each row of the table, checked against the line shipped for it
        line = shipped[row["id"]]
        assert line["digest"] == audit.digest(row)
        assert (line["actor_sub"], line["action"], line["object_id"]) == (row["actor_sub"], row["action"],
                                                                          row["object_id"])
    text = json.dumps(list(shipped.values()))
    assert "Martin" not in text and "Lebrun" not in text and "orange" not in text


async def test_a_rewritten_row_no_longer_matches_its_shipped_digest(service):
    owner_url, _ = service
    conn = await connect(owner_url)
    try:
        await audit.record(conn, AUDITOR, "report.read", "report", "r-1", reason="appel")
        (row,) = await audit.query(conn)
        assert audit.digest({**row, "reason": "autre"}) != audit.digest(row)
    finally:
        await conn.close()


async def test_a_one_shot_migration_creates_the_runtime_role(isolated):
    """docker-compose's <service>-migrate container: owner's URL and the runtime role's password."""
    from relais_shared.db import ensure_database

    url = isolated.settings(ProducerSettings).service_database_url
    role = runtime_role(urlsplit(url).path.lstrip("/"))
    await ensure_database(url)
    try:
        applied = await migrate_as_owner(url, "routing", "s3cret-local")
        assert "shared/002_audit.sql" in applied and any(a.startswith("routing/") for a in applied)
        conn = await connect(as_role(url, role, "s3cret-local"))
        try:
            assert await conn.fetchval("SELECT current_user") == role
            assert await conn.fetchval("SELECT has_table_privilege('audit_log', 'INSERT')")
            assert not await conn.fetchval("SELECT has_table_privilege('audit_log', 'DELETE')")
            assert await conn.fetchval("SELECT has_table_privilege('competence', 'DELETE')")  # routing's own table
        finally:
            await conn.close()
    finally:
        owner = await asyncpg.connect(url)
        try:
            await owner.execute(f'DROP OWNED BY "{role}"')
        finally:
            await owner.close()
        admin = await asyncpg.connect(isolated.servers.database_url + "postgres")
        try:
            await admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        finally:
            await admin.close()

"""The audit log is append-only for the application, queryable and exportable."""

import csv
import io

import asyncpg
import pytest

from relais_shared import audit
from relais_shared.db import connect, migrate
from tests.shared.test_identity import GENDARME

pytestmark = pytest.mark.integration


@pytest.fixture
async def conn(isolated):
    from tests.shared.probe import ProducerSettings

    url = isolated.settings(ProducerSettings).service_database_url
    await migrate(url, _shared_only())
    connection = await connect(url)
    yield connection
    await connection.close()


def _shared_only():
    from relais_shared.db import load_migrations

    return load_migrations("shared", "relais_shared.migrations")


async def test_rows_are_recorded_queried_and_exported(conn):
    await audit.record(conn, GENDARME, "report.read", "report", "r-1", reason="appel de suivi")
    await audit.record(conn, GENDARME, "report.level_raised", "report", "r-2", details={"to": "orange"})
    rows = await audit.query(conn, object_id="r-1")
    assert [(r["action"], r["actor_alias"], r["reason"]) for r in rows] == [("report.read", "Adjudant Morel",
                                                                           "appel de suivi")]
    exported = list(csv.DictReader(io.StringIO(audit.to_csv(await audit.query(conn)))))
    assert [r["object_id"] for r in exported] == ["r-2", "r-1"] and exported[0]["details"] == '{"to": "orange"}'


async def test_the_application_cannot_alter_or_erase_audit_rows(conn):
    await audit.record(conn, GENDARME, "report.read", "report", "r-1")
    for statement in ("UPDATE audit_log SET actor_alias = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(statement)
    assert await conn.fetchval("SELECT count(*) FROM audit_log") == 1


async def test_the_purge_applies_retention_and_records_counts(conn):
    from relais_shared.retention import PurgeRule, purge

    await conn.execute("INSERT INTO outbox (event_id, event_type, body, published_at) VALUES "
                       "(gen_random_uuid(), 't', '{}', now() - interval '10 days'), "
                       "(gen_random_uuid(), 't', '{}', now() - interval '1 day'), (gen_random_uuid(), 't', '{}', NULL)")
    counts = await purge(conn, (PurgeRule("outbox.published", "DELETE FROM outbox WHERE published_at < "
                                          "now() - make_interval(days => $1)", 7),))
    assert counts == {"outbox.published": 1}
    assert await conn.fetchval("SELECT count(*) FROM outbox") == 2  # unsent rows are never purged
    assert await conn.fetchval("SELECT affected FROM purge_log WHERE rule = 'outbox.published'") == 1

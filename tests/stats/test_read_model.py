"""The read model from events end to end: counts, public outputs, suppression, delay, rebuild, no identifiers."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from relais_stats.app import create_app
from relais_stats.periods import labels_of
from relais_stats.projection import READ_MODEL_TABLES
from tests.stats.conftest import Publisher, closed_month_day, envelope, report_events
from tests.support import running_app, wait_until

pytestmark = pytest.mark.integration


async def _reports_counted(app) -> int:
    return await app.state.runtime.pool.fetchval("SELECT coalesce(sum(n), 0) FROM report_counts")


async def _snapshot(conn) -> dict[str, list]:
    tables = {}
    for table in READ_MODEL_TABLES:
        rows = await conn.fetch(f"SELECT * FROM {table}")
        tables[table] = sorted(tuple(sorted((k, str(v)) for k, v in dict(r).items() if k != "id")) for r in rows)
    return tables


async def test_counts_public_figures_and_rebuild(stats_settings, isolated):
    settings = stats_settings()
    app = create_app(settings)
    at = closed_month_day()
    plan = [("domestic_violence", "35", 12), ("rape", "35", 3), ("other", "35", 11),
            ("domestic_violence", "72", 10), ("rape", "72", 10), ("other", "72", 10)]
    ids, events = [], []
    for category, department, n in plan:
        for i in range(n):
            report_id, pair = report_events(category, department, at + timedelta(minutes=i), routed_first=i == 0)
            ids.append(report_id)
            events += pair
    unroutable_id, pair = report_events("rape", None, at)
    events += pair
    async with running_app(app) as client, Publisher(settings.amqp_url, settings.namespace) as publisher:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        for env in events:
            await publisher.send(env)
        assert await wait_until(lambda: _reports_counted(app), 30) and await wait_until(
            lambda: _equals(_reports_counted(app), 57), 30)

        month = labels_of(at)[1]
        answer = await client.get("/v1/public/statistics.json", params={"period": month})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["period"] == month and body["threshold"] == 10
        rows = {row["code"]: row for row in body["departments"]}
        assert set(rows) == {"35", "72"}  # the unroutable report is in no department
        assert rows["35"]["counts"]["domestic_violence"] == 12
        assert rows["35"]["counts"]["rape"] is None and rows["35"]["counts"]["other"] is None  # 3 and its complement
        assert rows["72"]["counts"]["rape"] is None  # the column's complement
        assert rows["35"]["name"] == "Ille-et-Vilaine" and rows["35"]["total"] == 12
        assert rows["35"]["total_complete"] is False

        # Differencing: no arbitrary range, no other kind of period, nothing before its publication date.
        for attempt in (f"{month}-01..{month}-24", "2026-W10", f"{month}-10"):
            refused = await client.get("/v1/public/statistics.json", params={"period": attempt})
            assert refused.status_code == 422 and "calendar month only" in refused.json()["detail"]
        current = labels_of(datetime.now(UTC))[1]
        early = await client.get("/v1/public/statistics.json", params={"period": current})
        assert early.status_code == 404 and "will be published on" in early.json()["detail"]

        # A late report of a published month never changes what was published (no before/after difference).
        late_id, pair = report_events("rape", "35", at + timedelta(hours=5))
        for env in pair:
            await publisher.send(env)
        assert await wait_until(lambda: _equals(_reports_counted(app), 58), 30)
        assert (await client.get("/v1/public/statistics.json", params={"period": month})).json() == body

        query = {"period": month}
        outputs = [answer.text, (await client.get("/v1/public/statistics.csv", params=query)).text,
                   (await client.get("/statistiques", params=query)).text,
                   (await client.get("/en/statistics", params=query)).text]
        assert "35;" not in outputs[1] and f"{month},35,Ille-et-Vilaine,rape,,suppressed" in outputs[1]
        assert "Ille-et-Vilaine (35) : 12 signalements" in outputs[2]
        stored = await app.state.runtime.pool.fetchval("SELECT string_agg(payload::text, ' ') FROM event_log")
        for canary in [*ids, unroutable_id, late_id, "35760", "35281", "CANARY", "06 12 34 56 78", "BTA-CANARY"]:
            for text in [*outputs, stored]:
                assert canary not in text
        assert not await app.state.runtime.pool.fetchval("SELECT count(*) FROM pending_reports")  # keys dropped

        async with app.state.runtime.pool.acquire() as conn:
            live = await _snapshot(conn)
        rebuilt = await asyncio.to_thread(CliRunner().invoke, _cli(), ["stats", "rebuild"], env={
            "RELAIS_STATS_DATABASE_URL": settings.service_database_url, "RELAIS_ENV": "test"})
        assert rebuilt.exit_code == 0, rebuilt.output
        assert "from 116 event(s)" in rebuilt.output
        async with app.state.runtime.pool.acquire() as conn:
            assert await _snapshot(conn) == live
        assert live["report_counts"]


async def _equals(value, expected) -> bool:
    return (await value) == expected


def _cli():
    from relais_cli.main import cli

    return cli


async def test_redelivered_and_reordered_events_count_once(stats_settings):
    settings = stats_settings()
    app = create_app(settings)
    at = closed_month_day()
    _, (received, routed) = report_events("rape", "35", at)
    async with running_app(app), Publisher(settings.amqp_url, settings.namespace) as publisher:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        for env in (routed, received, received, routed):
            await publisher.send(env)
        marker = envelope("chat.session_started", {"session_id": str(uuid.uuid4()), "force": "GN",
                                                   "department": "35", "platform_queue": "platform.GN",
                                                   "level": "orange"})
        await publisher.send(marker)
        pool = app.state.runtime.pool
        assert await wait_until(lambda: pool.fetchval("SELECT count(*) FROM chat_open"), 30)
        assert await wait_until(lambda: _equals(pool.fetchval("SELECT count(*) FROM inbox"), 3), 30)
        assert await pool.fetchval("SELECT sum(n) FROM report_counts") == 1
        assert os.environ.get("RELAIS_STATS_DATABASE_URL") is None

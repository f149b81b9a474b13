"""Erasure reaches the statistics: the counts stay (published ones unchanged), the report's join key goes."""

from __future__ import annotations

import json

import pytest

from relais_stats.app import create_app, join_key_secret
from relais_stats.minimise import pseudonym
from relais_stats.periods import labels_of
from relais_stats.projection import READ_MODEL_TABLES
from relais_stats.rebuild import rebuild
from tests.stats.conftest import Publisher, closed_month_day, envelope, report_events
from tests.support import running_app, wait_until

pytestmark = pytest.mark.integration


async def test_an_erased_report_stays_counted_and_loses_its_join_key(stats_settings):
    settings = stats_settings(suppression_threshold=2)
    app = create_app(settings)
    secret, pool = join_key_secret(settings), None
    at = closed_month_day()
    a, (a_received, a_routed) = report_events("domestic_violence", "35", at)
    b, pair_b = report_events("domestic_violence", "35", at)
    c, (c_received, _) = report_events("rape", "35", at)  # routing never answered before she erased it
    d, (d_received, d_routed) = report_events("domestic_violence", "35", at)  # routed only after the erasure
    e, (e_received, _) = report_events("rape", "35", at)  # its erasure handled before its reception

    def erased(report_id: str):
        return envelope("report.erased", {"report_id": report_id}, at)

    async def handled(n: int) -> bool:
        return await pool.fetchval("SELECT count(*) FROM inbox") == n

    async with running_app(app) as client, Publisher(settings.amqp_url, settings.namespace) as publisher:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        pool = app.state.runtime.pool
        for env in (a_received, a_routed, *pair_b, c_received, d_received):
            await publisher.send(env)
        assert await wait_until(lambda: handled(6), 30)
        month = labels_of(at)[1]
        published = (await client.get("/v1/public/statistics.json", params={"period": month})).json()
        assert published["departments"][0]["counts"]["domestic_violence"] == 2

        for step, env in enumerate([erased(a), erased(c), erased(d), erased(a), d_routed, erased(e), e_received]):
            await publisher.send(env)
            assert await wait_until(lambda n=7 + step: handled(n), 30)  # in this order, one after the other

        # Every report counted once: a and b routed, c, d and e without a department (routing had not answered).
        counts = {(r["category"], r["department"]): r["n"] for r in await pool.fetch("SELECT * FROM report_counts")}
        assert counts == {("domestic_violence", "35"): 2, ("rape", ""): 2, ("domestic_violence", ""): 1}
        assert (await client.get("/v1/public/statistics.json", params={"period": month})).json() == published
        assert await pool.fetchval("SELECT count(*) FROM pending_reports") == 0

        logged = [json.loads(r["payload"]) if isinstance(r["payload"], str) else r["payload"]
                  for r in await pool.fetch("SELECT payload FROM event_log")]
        refs = {p["ref"] for p in logged}
        assert pseudonym(secret, "report", b) in refs  # a report nobody erased keeps its key
        for report_id in (a, c, d, e):
            assert pseudonym(secret, "report", report_id) not in refs
        assert await pool.fetchval("SELECT count(*) FROM erased_reports") == 4

        async with pool.acquire() as conn:
            live = await _snapshot(conn)
            await rebuild(conn)
            assert await _snapshot(conn) == live  # the replayed log counts every erased report as the live path did


async def _snapshot(conn) -> dict[str, list]:
    tables = {}
    for table in READ_MODEL_TABLES:
        rows = await conn.fetch(f"SELECT * FROM {table}")
        tables[table] = sorted(tuple(sorted((k, str(v)) for k, v in dict(r).items() if k != "id")) for r in rows)
    return tables

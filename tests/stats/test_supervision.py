"""Supervisors see live queues and waits of their own scope only, every read audited."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from relais_stats.app import create_app
from tests.stats.conftest import Publisher, envelope, session_cookie, token
from tests.support import running_app, wait_until

pytestmark = pytest.mark.integration


def _live_events() -> list:
    now = datetime.now(UTC)
    waiting, taken, paris = (str(uuid.uuid4()) for _ in range(3))
    incident, entry = str(uuid.uuid4()), str(uuid.uuid4())
    started = {"platform_queue": "platform.GN", "level": "orange"}
    return [
        envelope("chat.session_started", {"session_id": waiting, "force": "GN", "department": "35", **started},
                 now - timedelta(minutes=4)),
        envelope("chat.session_started", {"session_id": taken, "force": "GN", "department": "35", **started},
                 now - timedelta(minutes=10)),
        envelope("chat.session_claimed", {"session_id": taken, "operator_sub": "officer-canary", "force": "GN",
                                          "waited_seconds": 200.0}, now - timedelta(minutes=6, seconds=40)),
        envelope("chat.session_started", {"session_id": paris, "force": "PN", "department": "75", **started,
                                          "platform_queue": "platform.PN"}),
        envelope("dispatch.incident_opened", {"incident_id": incident, "emergency_id": str(uuid.uuid4()),
                                              "priority": "p1", "force": "GN", "department": "35",
                                              "operational_centre": "CORG-35", "jurisdiction_resolved": True}),
        envelope("followup.entry_created", {"entry_id": entry, "source": "intervention", "force": "GN",
                                            "department": "35", "risk_level": "high",
                                            "window_start": (now - timedelta(hours=50)).isoformat(),
                                            "window_end": (now - timedelta(hours=2)).isoformat()},
                 now - timedelta(hours=50)),
    ]


async def test_a_departmental_supervisor_sees_her_queues_waits_and_overdue_callbacks(stats_settings):
    settings = stats_settings()
    app = create_app(settings)
    async with running_app(app) as client, Publisher(settings.amqp_url, settings.namespace) as publisher:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        for env in _live_events():
            await publisher.send(env)
        pool = app.state.runtime.pool
        assert await wait_until(lambda: pool.fetchval("SELECT count(*) = 1 FROM callbacks_open"), 30)
        assert await wait_until(lambda: pool.fetchval("SELECT count(*) = 3 FROM chat_open"), 30)

        answer = await client.get("/v1/supervision/overview", headers=token(settings))
        assert answer.status_code == 200, answer.text
        figures = answer.json()
        assert [(x["force"], x["department"]) for x in figures["lines"]] == [("GN", "35")]  # not PN 75
        (line,) = figures["lines"]
        assert (line["waiting"], line["claimed"], line["median_wait"]) == (1, 1, 200.0)
        assert (line["incidents"], line["overdue"]) == (1, 1)
        assert figures["operators_on_duty"] == [] and figures["operators_active"] == {"GN": 1}
        assert [(w["console"], w["department"], w["waiting"]) for w in figures["nobody_on_duty"]] == [
            ("chat", "35", 1), ("dispatch", "35", 1)]  # work waits and nobody holds either console

        panel = await client.get("/v1/supervision/panel", params={"lang": "fr"}, headers=token(settings))
        assert "Attente médiane (dernière heure)" in panel.text and "3 min 20 s" in panel.text
        assert "<svg" in panel.text and "Personne en service" in panel.text and "officer-canary" not in panel.text

        national_pn = await client.get("/v1/supervision/overview",
                                       headers=token(settings, force="PN", departments=("*",)))
        assert [(x["force"], x["department"]) for x in national_pn.json()["lines"]] == [("PN", "75")]
        assert (await client.get("/v1/supervision/overview")).status_code == 401
        refused = await client.get("/v1/supervision/overview", headers=token(settings, roles=("dispatcher",)))
        assert refused.status_code == 403 and "rôle" in refused.json()["detail"]
        assert await pool.fetchval("SELECT count(*) FROM audit_log WHERE object_type = 'supervision'") == 3

        away = await client.get("/supervision")
        assert away.status_code == 303 and away.headers["location"] == "/auth/login?next=%2Fsupervision&lang=fr"
        assert "script-src 'self'" in away.headers["content-security-policy"]
        moved = await client.get("/en/supervision")
        assert moved.status_code == 303 and moved.headers["location"] == "/supervision?lang=en"
        page = await client.get("/supervision", headers=await session_cookie(app))
        assert page.status_code == 200 and "Supervision — files et délais" in page.text
        assert "Commandante Durand (GN)" in page.text and "jeton" not in page.text.lower()
        english = await client.get("/supervision", params={"lang": "en"}, headers=await session_cookie(app))
        assert english.status_code == 200 and "Supervision — queues and waits" in english.text
        refused = await client.get("/supervision", headers=await session_cookie(app, roles=("dispatcher",)))
        assert refused.status_code == 403 and "superviseur" in refused.text
        script = await client.get("/stats/static/supervision.js")
        for gone in ("innerHTML", "Authorization", "sessionStorage", "localStorage", "credentials"):
            assert gone not in script.text

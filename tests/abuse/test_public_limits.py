"""The emergency exit and the public status look-up count against a per-network allowance like the rest."""

from __future__ import annotations

import uuid

import pytest

from relais_intake.app import create_app
from relais_intake.settings import IntakeSettings
from tests.support import running_app

pytestmark = pytest.mark.integration


async def test_the_exit_is_limited_yet_still_clears_the_device(isolated):
    app = create_app(isolated.settings(IntakeSettings, routing_url="http://127.0.0.1:9", exits_per_hour=2))
    async with running_app(app) as client:
        answers = [await client.post("/v1/exit") for _ in range(3)]
        assert [a.status_code for a in answers] == [204, 204, 429]
        refused = answers[-1]
        assert "17" in refused.json()["detail"] and refused.headers["retry-after"]
        # Whoever presses the exit is never left with the site's data on her device, allowance or not.
        assert refused.headers["clear-site-data"] == '"cache", "storage"'
        assert await app.state.runtime.pool.fetchval("SELECT count(*) FROM exits") == 2


async def test_the_status_look_up_is_limited(isolated):
    app = create_app(isolated.settings(IntakeSettings, routing_url="http://127.0.0.1:9", status_lookups_per_hour=2))
    async with running_app(app) as client:
        answers = [await client.get(f"/v1/reports/{uuid.uuid4()}") for _ in range(3)]
        assert [a.status_code for a in answers] == [404, 404, 429]
        assert "112" in answers[-1].json()["detail"]

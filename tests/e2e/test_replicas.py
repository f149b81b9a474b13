"""`relais up --replicas 2`: two processes per service on one machine, and the same end-to-end path works."""

import uuid

import asyncpg
import httpx
import pytest

from relais_cli.services import SERVICES
from tests.launcher import start_platform
from tests.support import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


async def test_the_platform_runs_with_two_replicas_of_every_service(isolated):
    platform = start_platform(isolated, "--replicas", "2")
    try:
        platform.wait_ready(SERVICES, replicas=2, timeout=120)
        report_ids = []
        for replica in (0, 1):  # a report through each intake replica
            created = httpx.post(f"{platform.url('intake', replica)}/v1/reports", timeout=10, json={
                "role": "victim", "category": "domestic_violence", "postal_code": "35690", "occurred": "today",
                "danger_now": True})
            assert created.status_code == 201, created.text
            report_ids.append(created.json()["id"])
        for report_id in report_ids:
            assert await wait_until(lambda rid=report_id: httpx.get(
                f"{platform.url('intake', 1)}/v1/reports/{rid}", timeout=5).json()["status"] == "routed", 30)
        conn = await asyncpg.connect(platform.database_url("escalation"))
        try:
            incidents = await wait_until(lambda: conn.fetchval(
                "SELECT count(*) FROM incidents WHERE report_id = ANY($1::uuid[])",
                [uuid.UUID(r) for r in report_ids]), 30)
            assert incidents == 2  # each emergency once, whichever replica consumed it
        finally:
            await conn.close()
    finally:
        assert platform.stop() == 0

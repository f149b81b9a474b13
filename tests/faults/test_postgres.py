"""PostgreSQL restarted under load: a request during the outage may be refused, but what was accepted comes out."""

import asyncio

import pytest

from tests.faults.platform import FaultPlatform, settled_verdict, steady_load

pytestmark = [pytest.mark.integration, pytest.mark.e2e]
REFUSALS = {503, "ConnectError", "ReadTimeout", "RemoteProtocolError"}  # the client was not told "accepted"


@pytest.fixture(scope="module")
async def restart_under_load(isolated_module, postgres_control):
    """One restart of this machine's PostgreSQL while reports flow; (ledger, verdict) once all has settled."""
    platform = FaultPlatform(isolated_module)
    try:
        platform.start_all()
        async with steady_load(platform.url("intake")) as ledger:
            await asyncio.sleep(3)
            await asyncio.to_thread(postgres_control.restart)
            await asyncio.to_thread(platform.wait_ready, "routing", "intake", "escalation")
            await asyncio.sleep(3)
        yield ledger, await settled_verdict(platform, ledger)
    finally:
        platform.stop_all()


async def test_a_postgres_restart_under_load_loses_nothing_accepted_and_applies_nothing_twice(restart_under_load):
    ledger, verdict = restart_under_load
    assert ledger.statuses[201] > 50, ledger.statuses
    assert verdict.ok, str(verdict)


async def test_during_the_outage_a_person_is_told_to_retry_never_shown_a_500(restart_under_load):
    ledger, _ = restart_under_load
    assert set(ledger.statuses) - {201} <= REFUSALS, ledger.statuses

"""Escalation against real PostgreSQL and RabbitMQ."""

import pytest

from relais_escalation.app import create_app
from relais_escalation.settings import EscalationSettings
from relais_routing.app import create_app as create_routing
from relais_routing.settings import RoutingSettings
from tests.escalation.helpers import write_policies
from tests.support import free_port, running_app, serving, wait_until


@pytest.fixture
async def routing_url(isolated):
    async with serving(create_routing(isolated.settings(RoutingSettings))) as url:
        yield url


@pytest.fixture
def escalation_settings(isolated, tmp_path):
    def make(**overrides):
        values = dict(keys_dir=str(tmp_path), policies_path=write_policies(tmp_path),
                      routing_url=f"http://127.0.0.1:{free_port()}", routing_timeout_seconds=0.5,
                      feed_poll_seconds=0.5, staffing_check_seconds=0.5)
        return isolated.settings(EscalationSettings, **{**values, **overrides})

    return make


@pytest.fixture
async def escalation(escalation_settings):
    settings = escalation_settings()
    app = create_app(settings)
    async with running_app(app) as client:
        await wait_until(lambda: app.state.runtime.consumers, 15)
        yield settings, client

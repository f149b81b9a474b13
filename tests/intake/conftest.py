"""Intake against real PostgreSQL and RabbitMQ, with the real routing service answering over HTTP."""

import pytest

from relais_intake.app import create_app as create_intake
from relais_intake.settings import IntakeSettings
from relais_routing.app import create_app as create_routing
from relais_routing.settings import RoutingSettings
from tests.support import running_app, serving


@pytest.fixture
async def routing_url(isolated):
    async with serving(create_routing(isolated.settings(RoutingSettings))) as url:
        yield url


@pytest.fixture
def intake_settings(isolated, routing_url):
    def make(**overrides):
        return isolated.settings(IntakeSettings, **{"routing_url": routing_url, **overrides})

    return make


@pytest.fixture
async def intake(intake_settings):
    app = create_intake(intake_settings())
    async with running_app(app) as client:
        yield app, client

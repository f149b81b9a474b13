"""Intake against real PostgreSQL and RabbitMQ, with the real routing service answering over HTTP."""

import uuid

import pytest

from relais_intake.app import create_app as create_intake
from relais_intake.settings import IntakeSettings
from relais_routing.app import create_app as create_routing
from relais_routing.settings import RoutingSettings
from tests.harness.isolation import Isolation
from tests.support import running_app, serving, wait_until


@pytest.fixture(scope="session")
async def routing_url(servers, service_databases, database_drops):
    """One routing server for the session, on databases and a namespace of its own: intake asks it over HTTP for
    the communes of a postal code, which is the same answer for every test."""
    space = Isolation(servers, f"s{uuid.uuid4().hex[:10]}", service_databases, database_drops)
    try:
        async with serving(create_routing(space.settings(RoutingSettings))) as url:
            yield url
    finally:
        await space.cleanup()


@pytest.fixture
async def routing_consumer(isolated):
    """Routing in this test's own namespace, consuming its reports: for a test that waits for a report to be
    routed (report.routed), the answer routing sends back over the broker."""
    app = create_routing(isolated.settings(RoutingSettings))
    async with running_app(app):
        runtime = app.state.runtime
        await wait_until(lambda: len(runtime.consumers) == len(runtime.specs), 15)
        yield app


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

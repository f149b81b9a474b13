"""The whole platform as processes (`relais up`, tests/launcher) on a test module's databases and namespace."""

import pytest

from relais_cli.services import SERVICES
from tests.launcher import start_platform


@pytest.fixture(scope="module")
def platform(isolated_module):
    """One platform for the module's tests that only send it work and read what came out (six processes and a
    provider take seconds to start); a test that stops or breaks the platform takes `own_platform`."""
    running = start_platform(isolated_module)
    try:
        yield running.wait_ready(SERVICES)
    finally:
        running.stop()


@pytest.fixture
def own_platform(isolated):
    running = start_platform(isolated)
    try:
        yield running.wait_ready(SERVICES)
    finally:
        running.stop()

"""Root test configuration: every test directory gets the Relais fixtures."""

pytest_plugins = ["relais_shared.testing"]

"""Root test configuration: every test directory gets the Relais fixtures (tests/harness)."""

import os

# Tests are never production: `uv run pytest` without ./dev must not meet production's refusals either. Set here,
# before any test module builds settings, and not in the harness, which the benchmarks import too.
os.environ.setdefault("RELAIS_ENV", "test")

pytest_plugins = ["tests.harness.servers", "tests.harness.isolation", "tests.harness.broker_control"]

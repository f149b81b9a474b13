"""The test harness: a pytest plugin that lives with the tests, registered by the root conftest.py.

- servers: the session's PostgreSQL and RabbitMQ (`servers`).
- isolation: each test's own databases and broker namespace (`isolated`, `isolated_module`).
- templates, clones: services' databases copied from templates migrated once, not migrated per test.
- dropping: dropping each test's databases after it, off the next test's path.
- queues: naming, listing and deleting a test namespace's queues (the benchmarks use it too).
- broker_control: stopping and restarting this machine's RabbitMQ (`broker_control`).
"""

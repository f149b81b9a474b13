"""Per-service broker users: each may use its own queues and publish its own events, nothing else.

The users come from relais_shared.broker_grants, created as `./dev up` creates them (rabbitmqctl
import_definitions) for this module's namespace, and deleted afterwards. A compromised stats must not raise an
emergency, and a compromised chat must not read the emergencies waiting in escalation's queue.
"""

from __future__ import annotations

import ast
import asyncio
import shlex
import shutil
import uuid
from pathlib import Path

import aio_pika
import aiormq
import pytest

from relais_shared import contracts
from relais_shared.broker import Broker, PublishError
from relais_shared.broker_grants import GRANTS, user_name
from relais_shared.broker_users import delete_with_rabbitmqctl, local
from relais_shared.topology import ConsumerTopology, events_exchange
from tests.support import running_app, wait_until

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
REFUSED = (aiormq.exceptions.ChannelAccessRefused, aiormq.exceptions.ChannelClosed)


class Users:
    """Every service's user as `./dev up` creates them (broker_users.local), on this module's namespace."""

    def __init__(self, servers, namespace: str):
        self.namespace, self.admin_url = namespace, servers.amqp_url
        self.urls: dict[str, str] = {}

    def url(self, service: str) -> str:
        return self.urls[service]

    def create(self) -> None:
        for line in local(self.admin_url, self.namespace):  # the lines ./dev up evaluates
            name, _, value = shlex.split(line)[1].partition("=")
            self.urls[name.removeprefix("RELAIS_").removesuffix("_AMQP_URL").lower()] = value
        assert set(self.urls) == set(GRANTS), "./dev up would leave services on the shared user"

    def delete(self) -> None:
        delete_with_rabbitmqctl([user_name(self.namespace, s) for s in GRANTS])


@pytest.fixture(scope="module")
async def users(servers, isolated_module):
    if not servers.local or shutil.which("rabbitmqctl") is None:
        pytest.skip("creating broker users needs this machine's RabbitMQ and rabbitmqctl")
    created = Users(servers, isolated_module.namespace)
    try:
        await asyncio.to_thread(created.create)
        yield created
    finally:
        await asyncio.to_thread(created.delete)


async def connected(users: Users, service: str) -> Broker:
    broker = Broker(users.url(service), namespace=users.namespace, service=service)
    await broker.connect()
    return broker


async def refused(url: str, action) -> bool:
    """Whether the broker closes the channel on `action(channel)` for lack of permission."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        try:
            await action(channel)
        except REFUSED as exc:
            return "ACCESS_REFUSED" in str(exc)
        return False
    finally:
        await connection.close()


async def tap(users: Users):
    """An administrator's queue bound to every event, so that publishes are routable and can be counted."""
    connection = await aio_pika.connect(users.admin_url)
    channel = await connection.channel()
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await queue.bind(events_exchange(users.namespace), "#")
    return connection, queue


@pytest.mark.parametrize("service", GRANTS)
async def test_each_service_declares_its_queues_and_publishes_its_events_with_its_own_user(users, service):
    grants = GRANTS[service]
    connection, queue = await tap(users)
    broker = await connected(users, service)
    try:
        channel = await broker.connection.channel()
        for consumer, keys in grants.consumers.items():
            topo = ConsumerTopology(users.namespace, consumer, keys, (200,))
            await broker.declare_consumer_queues(channel, topo)  # what Consumer.start does
            # A retry and a dead letter travel through the consumer's own exchange, as Consumer._forward does.
            for target in (topo.retry_queue(0), topo.dead_letter_queue):
                await broker.publish(b"{}", routing_key=target, exchange=topo.forward_exchange, message_id="m",
                                     correlation_id=None)
        if grants.node_keys:  # the per-replica wake-up queue of chat and escalation
            node = await channel.declare_queue(f"{users.namespace}.{service}.node.t", exclusive=True,
                                               auto_delete=True)
            for key in grants.node_keys:
                await node.bind(await broker.events_exchange(channel), routing_key=key)
        for key in grants.publishes:
            await broker.publish(b"{}", routing_key=key, message_id=str(uuid.uuid4()), correlation_id=None)
        await wait_until(lambda: queue.declaration_result.message_count is not None, 1)
        assert await wait_until(lambda: _count(queue, len(grants.publishes)), 5)
    finally:
        await broker.close()
        await connection.close()


async def _count(queue, expected: int) -> bool:
    declared = await queue.channel.declare_queue(queue.name, passive=True)
    return declared.declaration_result.message_count == expected


async def test_stats_cannot_raise_an_emergency(users):
    connection, queue = await tap(users)
    stats = await connected(users, "stats")
    try:
        with pytest.raises(PublishError):
            await stats.publish(b"{}", routing_key="emergency.raised", message_id="fake", correlation_id=None)
        with pytest.raises(PublishError):  # nor put it straight into escalation's queue by its name
            await stats.publish(b"{}", routing_key=f"{users.namespace}.escalation.emergencies", exchange="",
                                message_id="fake", correlation_id=None)
        assert await _count(queue, 0)
    finally:
        await stats.close()
        await connection.close()
    for service in ("routing", "stats", "intake"):  # dispatch events are escalation's alone
        assert await refused(users.url(service), lambda ch: _publish(ch, users, "dispatch.incident_closed"))


async def _publish(channel, users: Users, key: str) -> None:
    exchange = await channel.get_exchange(events_exchange(users.namespace))
    await exchange.publish(aio_pika.Message(b"{}"), routing_key=key)
    await channel.declare_queue(exclusive=True)  # a round trip: the refusal closes the channel before it


async def test_chat_cannot_read_or_tap_escalations_emergencies(users):
    escalation = await connected(users, "escalation")
    topo = ConsumerTopology(users.namespace, "escalation.emergencies", ("emergency.raised",), (200,))
    try:
        await escalation.declare_consumer_queues(await escalation.connection.channel(), topo)
    finally:
        await escalation.close()
    chat = users.url("chat")
    assert await refused(chat, lambda ch: _consume(ch, topo.queue))
    assert await refused(chat, lambda ch: ch.queue_delete(topo.queue))
    assert await refused(chat, lambda ch: _bind_own_queue(ch, users, "emergency.raised"))  # no copy for itself
    assert await refused(chat, lambda ch: ch.declare_queue(f"{users.namespace}.escalation.copy"))
    assert not await refused(chat, lambda ch: _bind_own_queue(ch, users, "report.erased"))  # its own work


async def _consume(channel, name: str) -> None:
    queue = await channel.get_queue(name, ensure=False)
    await queue.get(fail=False)


async def _bind_own_queue(channel, users: Users, key: str) -> None:
    queue = await channel.declare_queue(f"{users.namespace}.chat.spy", exclusive=True, auto_delete=True)
    await queue.bind(events_exchange(users.namespace), routing_key=key)


async def test_no_service_may_remove_the_events_exchange(users):
    for service in GRANTS:
        assert await refused(users.url(service), lambda ch: ch.exchange_delete(events_exchange(users.namespace)))


async def test_chat_and_escalation_start_their_live_queues_with_their_own_users(users, isolated_module):
    """The services' own code (not only this table) works with the users: consumers and per-replica queues."""
    from relais_chat.app import create_app as chat_app
    from relais_chat.settings import ChatSettings
    from relais_escalation.app import create_app as escalation_app
    from relais_escalation.settings import EscalationSettings

    chat = chat_app(isolated_module.settings(ChatSettings, amqp_url=users.url("chat")))
    async with running_app(chat):
        assert await wait_until(lambda: chat.state.hub.ready.is_set(), 15), "chat's node queue"
        assert await wait_until(lambda: len(chat.state.runtime.consumers) == 1, 15)
    escalation = escalation_app(isolated_module.settings(EscalationSettings, amqp_url=users.url("escalation")))
    async with running_app(escalation):
        runtime = escalation.state.runtime
        assert await wait_until(lambda: len(runtime.consumers) == 1, 15)
        fanout = next(t for t in runtime._tasks if t.get_name() == "console-fanout")
        assert await wait_until(fanout.done, 15) and fanout.exception() is None, "escalation's node queue"


# ---- the table and the code agree ----

def _constructed_events(service: str) -> set[str]:
    """Event types a service's code constructs (`contracts.X(...)`), itself or through the shared modules it
    imports (relais_shared.duty_leases builds operator.on_duty for the consoles that call it): what its outbox
    or hub can publish."""
    package = ROOT / "services" / service / f"relais_{service}"
    types: set[str] = set()
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        types |= _events_built_in(tree)
        for module in _shared_modules_imported(tree):
            shared = ROOT / "shared" / "relais_shared" / f"{module}.py"
            if module != "contracts" and shared.exists():
                types |= _events_built_in(ast.parse(shared.read_text(encoding="utf-8")))
    return types


def _shared_modules_imported(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "relais_shared":
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("relais_shared."):
            found.add(node.module.split(".")[1])
    return found


def _events_built_in(tree: ast.AST) -> set[str]:
    types: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == "contracts":
            name = node.func.attr
        elif isinstance(node.func, ast.Name):  # imported by name from relais_shared.contracts
            name = node.func.id
        else:
            continue
        cls = getattr(contracts, name, None)
        if isinstance(cls, type) and issubclass(cls, contracts.Event) and cls is not contracts.Event:
            types.add(cls.TYPE)
    return types


@pytest.mark.parametrize("service", GRANTS)
def test_the_table_lists_the_events_each_service_publishes(service: str) -> None:
    assert set(GRANTS[service].publishes) == _constructed_events(service)


@pytest.mark.parametrize("service", GRANTS)
def test_the_table_lists_the_consumers_each_app_factory_wires(service: str) -> None:
    from relais_cli.services import SERVICES

    manifest = SERVICES[service]
    app = manifest.create_app(manifest.settings(env="test"))
    wired = {spec.name: set(spec.handlers) for spec in app.state.runtime.specs}
    assert wired == {name: set(keys) for name, keys in GRANTS[service].consumers.items()}
    assert all(name.startswith(f"{service}.") for name in wired), "a queue outside the service's own names"


def test_a_service_takes_its_own_broker_user_from_the_environment(monkeypatch) -> None:
    """What ./dev up exports reaches the right service only (relais up gives every child the same env)."""
    from relais_intake.settings import IntakeSettings
    from relais_stats.settings import StatsSettings

    monkeypatch.setenv("RELAIS_AMQP_URL", "amqp://shared:x@127.0.0.1:5672/")
    monkeypatch.setenv("RELAIS_STATS_AMQP_URL", "amqp://relais-stats:x@127.0.0.1:5672/")
    assert StatsSettings(env="test").amqp_url == "amqp://relais-stats:x@127.0.0.1:5672/"
    assert IntakeSettings(env="test").amqp_url == "amqp://shared:x@127.0.0.1:5672/"

"""Dead letters are listed without being consumed and replayed to the main queue through the consumer's exchange."""

import pytest

from relais_shared.broker import Broker
from relais_shared.deadletters import list_dead_letters, replay_dead_letters
from relais_shared.topology import ConsumerTopology

pytestmark = pytest.mark.integration


async def test_dead_letters_are_listed_then_replayed_to_the_main_queue(isolated):
    broker = Broker(isolated.servers.amqp_url, namespace=isolated.namespace, service="probe")
    await broker.connect()
    topo = ConsumerTopology(isolated.namespace, "probe.events", ("report.received",), (200,))
    isolated.queues.update(topo.all_queues())  # for the harness to delete after the test
    try:
        channel = await broker.connection.channel()
        await broker.declare_consumer_queues(channel, topo)
        await broker.publish(b"{}", routing_key=topo.dead_letter_queue, exchange=topo.forward_exchange,
                             message_id="m-1", correlation_id=None,
                             headers={"x-relais-reason": "unreadable:ValueError", "x-relais-attempt": 3})
        letters = await list_dead_letters(broker, topo)
        assert [(d.message_id, d.reason, d.attempts) for d in letters] == [("m-1", "unreadable:ValueError", 3)]
        assert await replay_dead_letters(broker, topo) == 1
        main = await channel.declare_queue(topo.queue, passive=True)
        message = await main.get(fail=False, no_ack=True)
        assert message is not None and message.message_id == "m-1"
        assert "x-relais-reason" not in (message.headers or {})
    finally:
        await broker.close()

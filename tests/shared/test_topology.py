from relais_shared.topology import ConsumerTopology


def test_queues_are_quorum_with_bounded_retries_and_a_dead_letter_queue():
    topo = ConsumerTopology("relais", "routing.reports", ("report.received",), (1000, 5000))
    assert topo.queue == "relais.routing.reports"
    assert topo.all_queues() == ["relais.routing.reports", "relais.routing.reports.dlq",
                                 "relais.routing.reports.retry.0", "relais.routing.reports.retry.1"]
    main = topo.main_arguments()
    assert main["x-queue-type"] == "quorum" and main["x-overflow"] == "reject-publish"
    assert main["x-dead-letter-routing-key"] == topo.dead_letter_queue
    # Through the consumer's own exchange: no service user may write to the default one (broker_grants).
    assert main["x-dead-letter-exchange"] == topo.forward_exchange == "relais.routing.reports.forward"
    assert main["x-dead-letter-strategy"] == "at-least-once"
    retry = topo.retry_arguments(1)
    assert retry["x-message-ttl"] == 5000 and retry["x-dead-letter-routing-key"] == topo.queue
    assert retry["x-dead-letter-exchange"] == topo.forward_exchange
    assert retry["x-dead-letter-strategy"] == "at-least-once"

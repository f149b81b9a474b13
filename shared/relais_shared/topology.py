"""Names and arguments of every exchange and queue, declared from code, never by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ConsumerTopology:
    """One consumer's queues: main (quorum), one delay queue per back-off step, and a dead-letter queue.

    Retries and dead letters move through the consumer's own direct exchange (`forward_exchange`), never the
    default exchange: whoever may write to the default exchange may put a message in any queue by name, so no
    service user is given that right (see broker_grants).
    """

    namespace: str
    consumer: str
    routing_keys: tuple[str, ...]
    retry_delays_ms: tuple[int, ...] = (1_000, 5_000, 30_000)
    max_length: int = 1_000_000
    delivery_limit: int = 20
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def exchange(self) -> str:
        return events_exchange(self.namespace)

    @property
    def queue(self) -> str:
        return f"{self.namespace}.{self.consumer}"

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dlq"

    @property
    def forward_exchange(self) -> str:
        """The consumer's direct exchange to its own queues, each bound under its own name."""
        return f"{self.queue}.forward"

    def retry_queue(self, step: int) -> str:
        return f"{self.queue}.retry.{step}"

    def main_arguments(self) -> dict[str, Any]:
        # reject-publish makes a full queue refuse new messages (the publisher is told and the outbox keeps
        # them) instead of dropping the oldest; the delivery limit catches messages that crash the process.
        return {
            "x-queue-type": "quorum",
            "x-max-length": self.max_length,
            "x-overflow": "reject-publish",
            "x-delivery-limit": self.delivery_limit,
            "x-dead-letter-exchange": self.forward_exchange,
            "x-dead-letter-routing-key": self.dead_letter_queue,
            "x-dead-letter-strategy": "at-least-once",
        }

    def retry_arguments(self, step: int) -> dict[str, Any]:
        # Expired messages go back to the main queue; at-least-once dead-lettering so none is dropped.
        return {
            "x-queue-type": "quorum",
            "x-message-ttl": self.retry_delays_ms[step],
            "x-overflow": "reject-publish",
            "x-dead-letter-exchange": self.forward_exchange,
            "x-dead-letter-routing-key": self.queue,
            "x-dead-letter-strategy": "at-least-once",
        }

    @staticmethod
    def dead_letter_arguments() -> dict[str, Any]:
        return {"x-queue-type": "quorum"}

    def all_queues(self) -> list[str]:
        return [self.queue, self.dead_letter_queue] + [self.retry_queue(i) for i in range(len(self.retry_delays_ms))]


def events_exchange(namespace: str) -> str:
    """The one durable topic exchange for domain events."""
    return f"{namespace}.events"

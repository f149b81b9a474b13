"""Guarantees that can be switched off, to see each fault test fail without them (never in a normal run).

    RELAIS_FAULTS_SWITCH_OFF=inbox uv run pytest tests/faults/test_kills.py   # expect failures

Services of the fault tests then start through this module (`python -m tests.faults.switches relais_routing`),
which applies the named switches before running the service as usual; in-process tests apply them too.
"""

from __future__ import annotations

import runpy
import sys

from tests.support import requested_names

ENV = "RELAIS_FAULTS_SWITCH_OFF"


def _inbox() -> None:
    """Every delivery is handled as new: redeliveries apply their effects again."""
    from relais_shared import inbox

    async def always_new(conn, consumer, event_id) -> bool:
        return True

    inbox.claim = always_new


def _ack_early() -> None:
    """Acknowledge a message on receipt, before its effects commit: a crash loses it."""
    from relais_shared.consumer import Consumer

    handle = Consumer._process

    class AlreadyAcked:
        def __init__(self, message):
            self._message = message

        def __getattr__(self, name):
            return getattr(self._message, name)

        async def ack(self):
            pass

        async def nack(self, *args, **kwargs):
            pass

    async def process(self, message):
        await message.ack()
        await handle(self, AlreadyAcked(message))

    Consumer._process = process


def _relay_drop() -> None:
    """The relay marks a row sent even when the broker never confirmed it."""
    from relais_shared.outbox import OutboxRelay

    publish = OutboxRelay._publish

    async def fire_and_forget(self, row):
        try:
            await publish(self, row)
        except Exception:  # noqa: BLE001, S110 - that is the sabotage
            pass

    OutboxRelay._publish = fire_and_forget


def _overflow_drop() -> None:
    """A full queue drops its oldest messages instead of refusing new ones."""
    from relais_shared.topology import ConsumerTopology

    arguments = ConsumerTopology.main_arguments
    ConsumerTopology.main_arguments = lambda self: {**arguments(self), "x-overflow": "drop-head"}


def _no_restore() -> None:
    """Consumers are not registered again when the connection comes back."""
    from aio_pika.robust_queue import RobustQueue

    consume = RobustQueue.consume

    async def consume_once(self, *args, **kwargs):
        tag = await consume(self, *args, **kwargs)
        self._consumers.clear()
        return tag

    RobustQueue.consume = consume_once


def _premature_201() -> None:
    """Intake answers 201 even when storing the report failed."""
    from relais_intake import service

    insert = service.insert_report

    async def insert_or_pretend(*args, **kwargs):
        try:
            return await insert(*args, **kwargs)
        except Exception:  # noqa: BLE001 - that is the sabotage
            return False

    service.insert_report = insert_or_pretend


SWITCHES = {"inbox": _inbox, "ack-early": _ack_early, "relay-drop": _relay_drop, "overflow-drop": _overflow_drop,
            "no-restore": _no_restore, "premature-201": _premature_201}


def requested() -> list[str]:
    return requested_names(ENV, SWITCHES)


def apply(names: list[str]) -> None:
    for name in names:
        SWITCHES[name]()


if __name__ == "__main__":
    apply(requested())
    target = sys.argv[1]
    sys.argv = [target]
    runpy.run_module(target, run_name="__main__", alter_sys=True)

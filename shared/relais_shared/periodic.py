"""Background rounds that run every few seconds (or sooner when woken) and outlive any failure of a round.

The work they do is kept in the database, so a failed round (the database restarting, a peer down) only means
the next round does it: the loop logs the failure and goes on, and only cancelling its task ends it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)
Step = Callable[[], Awaitable[object]]


async def run_every(seconds: float | None, *steps: Step, failure_event: str, wake: asyncio.Event | None = None,
                    at_once: bool = True) -> None:
    """Run the steps in order, wait `seconds` (or until `wake` is set, if sooner), repeat until cancelled.

    A step that fails is logged with its error's type (the text may quote data) and the steps after it still
    run. `seconds=None` waits for `wake` alone; `at_once=False` waits once before the first round.
    """
    if seconds is None and wake is None:
        raise ValueError("a round needs a period, a wake-up or both")
    if not at_once:
        await _pause(seconds, wake)
    while True:
        for step in steps:
            try:
                await step()
            except Exception as exc:  # noqa: BLE001 - the next round tries again; the loop must outlive outages
                log.warning(failure_event, step=getattr(step, "__name__", "step"), error=type(exc).__name__)
        await _pause(seconds, wake)


async def _pause(seconds: float | None, wake: asyncio.Event | None) -> None:
    if wake is not None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), seconds)
        wake.clear()
    elif seconds is not None:
        await asyncio.sleep(seconds)

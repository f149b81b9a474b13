"""Anonymous receipts: 16 random digits shown once, stored only as an Argon2id hash."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import secrets

from argon2.low_level import Type, hash_secret_raw

from relais_intake.metrics import RECEIPT_FAILURES_BUDGET, RECEIPT_HASHES_WAITING, RECEIPT_LOOKUPS_FAILED

RECEIPT_DIGITS = 16
# OWASP's Argon2id minimum (19 MiB, 2 passes): slow enough to make guessing offline hopeless with 10^16
# possibilities, fast enough (~20 ms) for a person waiting.
TIME_COST, MEMORY_KIB, PARALLELISM = 2, 19 * 1024, 1


def new_receipt() -> str:
    """Sixteen digits from the system's CSPRNG."""
    return f"{secrets.randbelow(10 ** RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def hashing_slots(memory_budget_mib: int, cores: int = 0) -> int:
    """How many receipts may be hashed at once: no more than the cores, nor than the memory budget holds."""
    cores = cores or len(os.sched_getaffinity(0))
    return max(1, min(cores, memory_budget_mib * 1024 // MEMORY_KIB))


class ReceiptHasher:
    """Argon2id with a salt derived from the platform secret, so that a receipt can be found by its hash.

    Each hash takes MEMORY_KIB: a burst of receipts waits for one of `slots` instead of all allocating at
    once and pushing the pod past its memory limit.
    """

    def __init__(self, secret: str, slots: int = 1):
        self._salt = hmac.new(secret.encode(), b"relais-receipt-salt-v1", hashlib.sha256).digest()[:16]
        self.slots = slots
        self._slots = asyncio.Semaphore(slots)

    def hash_now(self, receipt: str) -> bytes:
        return hash_secret_raw(receipt.encode(), self._salt, time_cost=TIME_COST, memory_cost=MEMORY_KIB,
                               parallelism=PARALLELISM, hash_len=32, type=Type.ID)

    async def hash(self, receipt: str) -> bytes:
        """Hash off the event loop (Argon2 is deliberately slow and releases the GIL), in a free slot."""
        RECEIPT_HASHES_WAITING.inc()
        try:
            await self._slots.acquire()
        finally:
            RECEIPT_HASHES_WAITING.dec()
        job = asyncio.ensure_future(asyncio.to_thread(self.hash_now, receipt))
        # The slot is free once the hash is done, not when a cancelled caller stops waiting for it.
        job.add_done_callback(lambda _: self._slots.release())
        return await asyncio.shield(job)


def hasher_for(settings) -> ReceiptHasher:
    """The service's hasher, sized from its settings; publishes the failed look-ups' alert budget too."""
    RECEIPT_FAILURES_BUDGET.set(settings.receipt_failed_lookups_per_hour_alert)
    slots = hashing_slots(settings.receipt_hash_memory_mib, settings.receipt_hash_cores)
    return ReceiptHasher(settings.secret_key.get_secret_value(), slots)


def lookup_failed() -> None:
    """A receipt matched no report: counted, all replicas together, against the hourly alert budget."""
    RECEIPT_LOOKUPS_FAILED.inc()
